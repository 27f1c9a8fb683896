package schema

import (
	"entgo.io/contrib/entgql"
	"entgo.io/ent"
	"entgo.io/ent/dialect/entsql"
	"entgo.io/ent/schema"
	"entgo.io/ent/schema/edge"
	"entgo.io/ent/schema/field"

	"github.com/modelarchitect/architect/internal/model"
)

// Scenario is a described workload and, once simulated, its ranked model recommendations.
type Scenario struct{ ent.Schema }

func (Scenario) Mixin() []ent.Mixin {
	return []ent.Mixin{TimeMixin{}, OwnerMixin{Ref: "scenarios"}, VersionMixin{}}
}

func (Scenario) Fields() []ent.Field {
	return []ent.Field{
		field.String("name").NotEmpty().MaxLen(200).Comment("A name for people, 1 to 200 characters.").
			Annotations(entgql.OrderField("NAME")),
		field.JSON("config", model.ScenarioConfig{}).Comment("The workload to find models for."),
		field.JSON("results", &model.ScenarioResults{}).Optional().
			Comment("The last simulation of the workload; null until the scenario is first simulated. An update " +
				"without simulate: true leaves it as it was (results.workload shows what was simulated).").
			Annotations(computed),
	}
}

func (Scenario) Edges() []ent.Edge {
	return []ent.Edge{
		edge.To("explanations", Explanation.Type).
			Comment("The explanations made of this scenario's results (explainDecision), a page at a time; deleted with the scenario.").
			Annotations(entsql.OnDelete(entsql.Cascade), entgql.RelayConnection(), entgql.Skip(entgql.SkipMutationCreateInput, entgql.SkipMutationUpdateInput)),
	}
}

func (Scenario) Annotations() []schema.Annotation {
	return append(ownedAnnotations(true), doc("A workload someone describes (requests per day, tokens, latency target, budget, "+
		"data constraints) and, once simulated, the catalog models ranked for it with costs and latencies. Owned by the user who created it."))
}
