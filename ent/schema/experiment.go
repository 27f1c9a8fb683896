package schema

import (
	"entgo.io/contrib/entgql"
	"entgo.io/ent"
	"entgo.io/ent/dialect"
	"entgo.io/ent/dialect/entsql"
	"entgo.io/ent/schema"
	"entgo.io/ent/schema/edge"
	"entgo.io/ent/schema/field"
	"entgo.io/ent/schema/index"

	"github.com/modelarchitect/architect/internal/model"
)

// Experiment is an A/B test of models in production.
type Experiment struct{ ent.Schema }

func (Experiment) Mixin() []ent.Mixin {
	return []ent.Mixin{TimeMixin{}, OwnerMixin{Ref: "experiments"}}
}

func (Experiment) Fields() []ent.Field {
	return []ent.Field{
		field.String("name").NotEmpty().MaxLen(200).Comment("A name for people, 1 to 200 characters.").
			Annotations(entgql.OrderField("NAME")),
		field.Text("hypothesis").Default("").MaxLen(10000).Comment("What the experiment is meant to show, free text up to 10,000 characters."),
		field.Strings("models").Comment("The variants: model ids, provider/model; observations name them."),
		field.JSON("metrics", model.ExperimentMetrics{}).Comment("The metric that decides the winner, and the ones that must not get worse."),
		field.JSON("plan", model.ExperimentPlan{}).Default(model.ExperimentPlan{}).
			Comment("The control, planned split, minimum detectable effect, power and confidence level.").
			Annotations(entsql.DefaultExprs(map[string]string{dialect.Postgres: "'{}'::jsonb", dialect.SQLite: "'{}'"})),
		field.Int64("planned_sample_size").Default(0).
			Comment("Units per variant the plan needs to detect its minimum effect; 0 when the plan does not say enough to compute it.").Annotations(computed),
		field.Enum("status").Values("DRAFT", "RUNNING", "COMPLETED", "STOPPED").Default("DRAFT").
			Comment("Where the experiment is in its lifecycle.").
			Annotations(EnumDoc{
				Type: "An experiment's lifecycle: DRAFT → RUNNING → COMPLETED or STOPPED, both final.",
				Values: map[string]string{
					"DRAFT":     "Being set up; startExperiment starts it.",
					"RUNNING":   "Collecting observations (recordExperimentObservations), with results after each recording.",
					"COMPLETED": "Ended with completeExperiment; its results are final.",
					"STOPPED":   "Abandoned with stopExperiment; no winner is recorded.",
				},
			}, entgql.OrderField("STATUS"), computed),
		field.JSON("results", &model.ExperimentResults{}).Optional().
			Comment("The statistics of the observations so far, final after completeExperiment; null before the first recording.").Annotations(computed),
	}
}

func (Experiment) Edges() []ent.Edge {
	return []ent.Edge{
		edge.To("observations", ExperimentObservation.Type).
			Annotations(entsql.OnDelete(entsql.Cascade), entgql.Skip(entgql.SkipAll)),
		edge.To("assignments", Assignment.Type).
			Annotations(entsql.OnDelete(entsql.Cascade), entgql.Skip(entgql.SkipAll)),
		edge.To("api_keys", ExperimentKey.Type).
			Comment("The experiment's API keys, revoked ones included; their secrets are never shown again.").
			Annotations(entsql.OnDelete(entsql.Cascade), entgql.Skip(entgql.SkipMutationCreateInput, entgql.SkipMutationUpdateInput, entgql.SkipWhereInput)),
	}
}

func (Experiment) Indexes() []ent.Index { return []ent.Index{index.Fields("status")} }

func (Experiment) Annotations() []schema.Annotation {
	return append(ownedAnnotations(true), doc("An A/B test of models in production: variants, metrics and a plan, "+
		"observations recorded while it runs, and the statistics that name a winner only when the difference is significant. "+
		"Owned by the user who created it."))
}
