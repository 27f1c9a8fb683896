package schema

import (
	"entgo.io/contrib/entgql"
	"entgo.io/ent"
	"entgo.io/ent/schema"
	"entgo.io/ent/schema/field"

	"github.com/modelarchitect/architect/internal/model"
)

// Pipeline is a DAG of model-architecture components.
type Pipeline struct{ ent.Schema }

func (Pipeline) Mixin() []ent.Mixin {
	return []ent.Mixin{TimeMixin{}, OwnerMixin{Ref: "pipelines"}}
}

func (Pipeline) Fields() []ent.Field {
	return []ent.Field{
		field.String("name").NotEmpty().MaxLen(200).Annotations(entgql.OrderField("NAME")),
		field.Text("description").Default("").MaxLen(10000),
		field.JSON("nodes", []model.PipelineNode{}),
		// Named links in Go (ent reserves Edges); the column and the GraphQL field are edges.
		field.JSON("links", []model.PipelineLink{}).StorageKey("edges").Annotations(entgql.MapsTo("edges")),
		money("estimated_cost", "US dollars per 1,000 runs; null until the pipeline is valid and costed"),
	}
}

// Pipeline's create and update inputs are written by hand (graph/entities.graphqls) because ent's generated
// ones would call the DAG's edges "links".
func (Pipeline) Annotations() []schema.Annotation { return ownedAnnotations(false) }
