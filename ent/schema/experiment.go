package schema

import (
	"entgo.io/contrib/entgql"
	"entgo.io/ent"
	"entgo.io/ent/schema"
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
		field.Enum("status").Values("DRAFT", "RUNNING", "COMPLETED", "STOPPED").Default("DRAFT").
			Annotations(entgql.OrderField("STATUS"), computed),
		field.JSON("results", &model.ExperimentResults{}).Optional().Annotations(computed),
	}
}

func (Experiment) Indexes() []ent.Index { return []ent.Index{index.Fields("status")} }

func (Experiment) Annotations() []schema.Annotation { return ownedAnnotations(true) }
