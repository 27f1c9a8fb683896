package schema

import (
	"entgo.io/contrib/entgql"
	"entgo.io/ent"
	"entgo.io/ent/schema"
	"entgo.io/ent/schema/edge"
	"entgo.io/ent/schema/field"
	"entgo.io/ent/schema/index"

	"github.com/modelarchitect/architect/internal/explain"
)

// Explanation explains why a Scenario's simulation recommended its winner. Only the explain operation makes
// explanations; clients can read and delete them.
type Explanation struct{ ent.Schema }

func (Explanation) Mixin() []ent.Mixin {
	return []ent.Mixin{TimeMixin{}, OwnerMixin{Ref: "explanations"}}
}

func (Explanation) Fields() []ent.Field {
	return []ent.Field{
		field.Int("scenario_id").Immutable().Annotations(entgql.Skip(entgql.SkipAll)),
		field.String("winner").Default("").Comment("the recommended model id; empty when nothing fitted"),
		field.String("runner_up").Default("").Comment("the second-ranked model id; empty when fewer than two fitted"),
		field.Float("score_difference").Default(0).Comment("the winner's score minus the runner-up's"),
		field.JSON("feature_importance", []explain.Contribution{}).
			Comment("exact Shapley values of the score features, winner against runner-up; they sum to scoreDifference"),
		field.JSON("counterfactuals", []explain.Counterfactual{}).
			Comment("the smallest workload changes that change the winner"),
		field.Text("report").Default("").Comment("Markdown"),
		field.String("catalog_version").Default(""),
		field.Time("results_computed_at").Comment("the computedAt of the Scenario results this explains"),
		field.Bool("stale").Default(false).Comment("the Scenario was simulated again since"),
	}
}

func (Explanation) Edges() []ent.Edge {
	return []ent.Edge{
		// Resolved by entgql's eager loading: one query per page of explanations (internal/loaders says why).
		edge.From("decision", Scenario.Type).Ref("explanations").Field("scenario_id").Unique().Required().Immutable().
			Annotations(entgql.Skip(entgql.SkipWhereInput, entgql.SkipMutationCreateInput, entgql.SkipMutationUpdateInput)),
	}
}

func (Explanation) Indexes() []ent.Index { return []ent.Index{index.Fields("scenario_id")} }

func (Explanation) Annotations() []schema.Annotation { return ownedAnnotations(false) }
