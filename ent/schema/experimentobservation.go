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

// ExperimentObservation is one recording of aggregated observations for a variant and metric of an
// Experiment. Its idempotency key is unique per experiment, so a retried recording adds nothing. Clients see
// observations only through the experiment's results.
type ExperimentObservation struct{ ent.Schema }

func (ExperimentObservation) Mixin() []ent.Mixin {
	return []ent.Mixin{TimeMixin{}, OwnerMixin{Ref: "experiment_observations"}}
}

func (ExperimentObservation) Fields() []ent.Field {
	return []ent.Field{
		field.Int("experiment_id").Immutable(),
		field.String("idempotency_key").NotEmpty().MaxLen(200).Immutable(),
		field.String("variant").Immutable(),
		field.String("metric").Immutable(),
		field.Int64("conversions").Default(0).Immutable(),
		field.Int64("trials").Default(0).Immutable(),
		field.Int64("count").Default(0).Immutable(),
		field.Float("mean").Default(0).Immutable(),
		field.Float("variance").Default(0).Immutable(),
		field.JSON("cuped", &model.ObservationCovariate{}).Optional().Immutable().
			Comment("a continuous recording's sums split by pre-experiment covariate, for CUPED; null without a covariate"),
	}
}

func (ExperimentObservation) Edges() []ent.Edge {
	return []ent.Edge{
		edge.From("experiment", Experiment.Type).Ref("observations").Field("experiment_id").Unique().Required().Immutable(),
	}
}

func (ExperimentObservation) Indexes() []ent.Index {
	return []ent.Index{index.Fields("experiment_id", "idempotency_key").Unique()}
}

func (ExperimentObservation) Annotations() []schema.Annotation {
	return []schema.Annotation{entgql.Skip(entgql.SkipAll)}
}
