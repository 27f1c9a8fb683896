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
		field.JSON("nodes", model.PipelineNodes{}).Annotations(entgql.Type("[PipelineNode!]")),
		// Named links in Go (ent reserves Edges); the column and the GraphQL field are edges.
		field.JSON("links", model.PipelineEdges{}).StorageKey("edges").
			Annotations(entgql.MapsTo("edges"), entgql.Type("[PipelineLink!]")),
		money("estimated_cost", "US dollars per 1,000 runs; null while the pipeline is invalid (a draft)"),
		field.JSON("problems", model.PipelineProblems{}).Default(model.PipelineProblems{}).
			Comment("every validation problem; a pipeline with an ERROR is a draft and is not costed").
			Annotations(computed, entgql.Type("[PipelineProblem!]"), emptyJSONList),
		field.JSON("plan", &model.PipelinePlan{}).Optional().
			Comment("latency and cost roll-up of a valid pipeline").Annotations(computed),
	}
}

// Pipeline's create and update inputs are written by hand (graph/pipeline.graphqls): ent's generated ones
// would call the DAG's edges "links", and the JSON fields carry explicit GraphQL list types.
func (Pipeline) Annotations() []schema.Annotation { return ownedAnnotations(false) }
