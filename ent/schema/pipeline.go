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
		field.String("name").NotEmpty().MaxLen(200).Comment("A name for people, 1 to 200 characters.").
			Annotations(entgql.OrderField("NAME")),
		field.Text("description").Default("").MaxLen(10000).Comment("Free text for people, up to 10,000 characters; empty when none."),
		field.JSON("nodes", model.PipelineNodes{}).Comment("The steps, each with an id unique in the pipeline.").
			Annotations(entgql.Type("[PipelineNode!]")),
		// Named links in Go (ent reserves Edges); the column and the GraphQL field are edges.
		field.JSON("links", model.PipelineEdges{}).StorageKey("edges").
			Comment("The connections from one node's output port to another's input port.").
			Annotations(entgql.MapsTo("edges"), entgql.Type("[PipelineLink!]")),
		money("estimated_cost", "Expected US dollars per 1,000 runs (plan.costPer1000Runs); null while the pipeline is a draft."),
		field.JSON("problems", model.PipelineProblems{}).Default(model.PipelineProblems{}).
			Comment("Every validation problem of the saved graph, empty when there is none. A pipeline with an ERROR is a draft: saved, but not costed.").
			Annotations(computed, entgql.Type("[PipelineProblem!]"), emptyJSONList),
		field.JSON("plan", &model.PipelinePlan{}).Optional().
			Comment("The latency and cost roll-up; null while the pipeline is a draft.").Annotations(computed),
	}
}

// Pipeline's create and update inputs are written by hand (graph/pipeline.graphqls): ent's generated ones
// would call the DAG's edges "links", and the JSON fields carry explicit GraphQL list types.
func (Pipeline) Annotations() []schema.Annotation {
	return append(ownedAnnotations(false), doc("A sketch of an AI pipeline: typed steps (models, retrievers, tools, routers, caches, "+
		"guardrails) joined into a DAG, validated and costed against the catalog on every save. Owned by the user who created it."))
}
