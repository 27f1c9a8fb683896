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
		field.String("name").NotEmpty().MaxLen(200).Annotations(entgql.OrderField("NAME")),
		field.Text("hypothesis").Default("").MaxLen(10000),
		field.Strings("models").Comment("model ids provider/model"),
		field.JSON("metrics", model.ExperimentMetrics{}),
		field.JSON("plan", model.ExperimentPlan{}).Default(model.ExperimentPlan{}).
			Comment("control, planned split, minimum detectable effect, power and confidence level").
			Annotations(entsql.DefaultExprs(map[string]string{dialect.Postgres: "'{}'::jsonb", dialect.SQLite: "'{}'"})),
		field.Int64("planned_sample_size").Default(0).
			Comment("units per variant the plan needs (0: the plan does not say enough to compute it)").Annotations(computed),
		field.Enum("status").Values("DRAFT", "RUNNING", "COMPLETED", "STOPPED").Default("DRAFT").
			Annotations(entgql.OrderField("STATUS"), computed),
		field.JSON("results", &model.ExperimentResults{}).Optional().Annotations(computed),
	}
}

func (Experiment) Edges() []ent.Edge {
	return []ent.Edge{
		edge.To("observations", ExperimentObservation.Type).
			Annotations(entsql.OnDelete(entsql.Cascade), entgql.Skip(entgql.SkipAll)),
	}
}

func (Experiment) Indexes() []ent.Index { return []ent.Index{index.Fields("status")} }

func (Experiment) Annotations() []schema.Annotation { return ownedAnnotations(true) }
