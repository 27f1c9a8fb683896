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
		field.String("name").NotEmpty().MaxLen(200).Annotations(entgql.OrderField("NAME")),
		field.JSON("config", model.ScenarioConfig{}),
		field.JSON("results", &model.ScenarioResults{}).Optional().Annotations(computed),
	}
}

func (Scenario) Edges() []ent.Edge {
	return []ent.Edge{
		edge.To("explanations", Explanation.Type).
			Annotations(entsql.OnDelete(entsql.Cascade), entgql.RelayConnection(), entgql.Skip(entgql.SkipMutationCreateInput, entgql.SkipMutationUpdateInput)),
	}
}

func (Scenario) Annotations() []schema.Annotation { return ownedAnnotations(true) }
