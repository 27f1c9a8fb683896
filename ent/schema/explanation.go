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
		field.String("winner").Default("").Comment("The recommended model id; empty when nothing fitted."),
		field.String("runner_up").Default("").Comment("The second-ranked model id; empty when fewer than two fitted."),
		field.Float("score_difference").Default(0).Comment("The winner's score minus the runner-up's, both from 0 to 1."),
		field.JSON("feature_importance", []explain.Contribution{}).
			Comment("Each score feature's share of the winner's lead (exact Shapley values); they sum to scoreDifference."),
		field.JSON("counterfactuals", []explain.Counterfactual{}).
			Comment("The smallest changes to the workload that change the winner, each confirmed by simulating it."),
		field.Text("report").Default("").Comment("The explanation as a readable report, in Markdown."),
		field.String("catalog_version").Default("").Comment("The catalog version the explained results were computed on."),
		field.Time("results_computed_at").Comment("The computedAt of the Scenario results this explains."),
		field.Bool("stale").Default(false).Comment("True when the Scenario was simulated again since: this explains results it no longer has."),
	}
}

func (Explanation) Edges() []ent.Edge {
	return []ent.Edge{
		// Resolved by entgql's eager loading: one query per page of explanations (internal/loaders says why).
		edge.From("decision", Scenario.Type).Ref("explanations").Field("scenario_id").Unique().Required().Immutable().
			Comment("The Scenario whose results this explains.").
			Annotations(entgql.Skip(entgql.SkipWhereInput, entgql.SkipMutationCreateInput, entgql.SkipMutationUpdateInput)),
	}
}

func (Explanation) Indexes() []ent.Index { return []ent.Index{index.Fields("scenario_id")} }

func (Explanation) Annotations() []schema.Annotation {
	return append(ownedAnnotations(false), doc("Why a Scenario's simulation recommended its winner over the runner-up, "+
		"and what would change the recommendation. Made by explainDecision; clients can read and delete it. Owned by the Scenario's owner."))
}
