package seed

import (
	"fmt"
	"math/rand/v2"

	"github.com/shopspring/decimal"

	"github.com/modelarchitect/architect/ent"
	"github.com/modelarchitect/architect/internal/model"
	"github.com/modelarchitect/architect/internal/pipeline"
)

func (w *world) pipeline(c *ent.Client, p *person) *ent.PipelineCreate {
	created := between(p.r, p.joined, w.now)
	pl, llm := w.pipelineGraph(p.r)
	b := c.Pipeline.Create().SetOwnerID(p.id).
		SetName(pick(p.r, pipelineNames)).
		SetDescription(fmt.Sprintf("%d steps, answers with %s.", len(pl.Nodes), llm)).
		SetNodes(model.PipelineNodes(pl.Nodes)).SetLinks(model.PipelineEdges(pl.Edges)).
		SetCreatedAt(created).SetUpdatedAt(between(p.r, created, w.now))
	// The engine's own analysis, as the API stores it: problems, and the plan and cost of a valid pipeline.
	a, err := pipeline.Analyze(w.cat, pl)
	if err != nil {
		return b.SetProblems(model.PipelineProblems{})
	}
	b.SetProblems(model.PipelineProblems(append([]pipeline.Problem{}, a.Problems...)))
	if a.Plan != nil {
		b.SetPlan((*model.PipelinePlan)(a.Plan)).SetEstimatedCost(a.Plan.CostPer1000Runs)
	}
	return b
}

// pipelineGraph draws a valid pipeline (an optional cache, an optional retrieval step, a chat model, an
// optional guardrail, and the output) and returns it with its chat model's id.
func (w *world) pipelineGraph(r *rand.Rand) (pipeline.Pipeline, string) {
	llm := pick(r, w.chat)
	var pl pipeline.Pipeline
	node := func(n pipeline.Node) { pl.Nodes = append(pl.Nodes, n) }
	edge := func(from, fromPort, to, toPort string) {
		pl.Edges = append(pl.Edges, pipeline.Edge{ID: fmt.Sprintf("e%d", len(pl.Edges)+1),
			Source: from, SourcePort: fromPort, Target: to, TargetPort: toPort})
	}
	ms := func(p50 int) pipeline.Latency {
		return pipeline.Latency{P50Ms: float64(p50), P95Ms: float64(p50 * (2 + r.IntN(3)))}
	}
	node(pipeline.Node{ID: "input", Kind: pipeline.KindInput, Name: "User question"})
	from, fromPort := "input", "query"
	var cache bool
	if r.IntN(2) == 0 {
		cache = true
		node(pipeline.Node{ID: "cache", Kind: pipeline.KindCache, Name: "Semantic cache",
			Cache: &pipeline.CacheConfig{HitRate: decimal.New(int64(5+r.IntN(40)), -2), Latency: ms(3 + r.IntN(10))}})
		edge(from, fromPort, "cache", "in")
		from, fromPort = "cache", pipeline.PortCacheMiss
	}
	if r.IntN(3) != 0 {
		node(pipeline.Node{ID: "search", Kind: pipeline.KindRetriever, Name: "Keyword search",
			Retriever: &pipeline.ServiceConfig{Latency: ms(20 + r.IntN(120))}})
		edge(from, fromPort, "search", "query")
		edge("search", "documents", "llm", "context")
	}
	node(pipeline.Node{ID: "llm", Kind: pipeline.KindLLM, Name: llm.ID,
		LLM: &pipeline.LLMConfig{Model: llm.ID, InputTokens: 500 + r.IntN(4000), OutputTokens: 100 + r.IntN(800)}})
	edge(from, fromPort, "llm", "prompt")
	from, fromPort = "llm", "completion"
	if r.IntN(3) == 0 {
		node(pipeline.Node{ID: "guard", Kind: pipeline.KindGuardrail, Name: "PII filter",
			Guardrail: &pipeline.GuardrailConfig{BlockRate: decimal.New(int64(1+r.IntN(5)), -2), Latency: ms(5 + r.IntN(30))}})
		edge(from, fromPort, "guard", "in")
		edge("guard", pipeline.PortGuardrailBlock, "output", "result")
		from, fromPort = "guard", pipeline.PortGuardrailPass
	}
	node(pipeline.Node{ID: "output", Kind: pipeline.KindOutput, Name: "Answer"})
	edge(from, fromPort, "output", "result")
	if cache {
		edge("cache", pipeline.PortCacheHit, "output", "result")
	}
	return pl, llm.ID
}
