package schema

import (
	"entgo.io/contrib/entgql"
	"entgo.io/ent"
	"entgo.io/ent/schema"
	"entgo.io/ent/schema/edge"
	"entgo.io/ent/schema/field"
	"entgo.io/ent/schema/index"

	"github.com/modelarchitect/architect/internal/model"
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
		field.JSON("feature_importance", []model.FeatureContribution{}),
		field.JSON("counterfactuals", []model.Counterfactual{}),
		field.Text("report").Default(""),
		field.Time("results_computed_at").Comment("the computedAt of the Scenario results this explains"),
		field.Bool("stale").Default(false).Comment("the Scenario was simulated again since"),
	}
}

func (Explanation) Edges() []ent.Edge {
	return []ent.Edge{
		// Resolved through the request's dataloader (internal/loaders), like owner.
		edge.From("decision", Scenario.Type).Ref("explanations").Field("scenario_id").Unique().Required().Immutable().
			Annotations(entgql.Skip(entgql.SkipAll)),
	}
}

func (Explanation) Indexes() []ent.Index { return []ent.Index{index.Fields("scenario_id")} }

func (Explanation) Annotations() []schema.Annotation { return ownedAnnotations(false) }
