package graph_test

import (
	"fmt"
	"strings"
	"testing"

	"github.com/shopspring/decimal"
	"github.com/stretchr/testify/require"

	"github.com/modelarchitect/architect/internal/catalog"
	"github.com/modelarchitect/architect/internal/pipeline"
	"github.com/modelarchitect/architect/internal/testutil"
	"github.com/modelarchitect/architect/internal/viewer"
)

// routed is input → cache (hit 0.25) → router (0.7 small, 0.3 large) → output.
const routed = `nodes: [
	{id: "in", kind: INPUT},
	{id: "cache", kind: CACHE, cache: {hitRate: "0.25", latency: {p50Ms: 5, p95Ms: 15}}},
	{id: "route", kind: ROUTER, router: {branches: [{name: "simple", weight: "0.7"}, {name: "complex", weight: "0.3"}]}},
	{id: "small", kind: LLM, llm: {model: "openai/gpt-4.1-mini", inputTokens: 1000, outputTokens: 200}},
	{id: "large", kind: LLM, llm: {model: "openai/gpt-4.1", inputTokens: 1000, outputTokens: 200}},
	{id: "out", kind: OUTPUT}]
edges: [
	{id: "e1", source: "in", target: "cache"},
	{id: "e2", source: "cache", sourcePort: "miss", target: "route"},
	{id: "e3", source: "cache", sourcePort: "hit", target: "out"},
	{id: "e4", source: "route", sourcePort: "simple", target: "small"},
	{id: "e5", source: "route", sourcePort: "complex", target: "large"},
	{id: "e6", source: "small", target: "out"},
	{id: "e7", source: "large", target: "out"}]`

func TestPipelineCosting(t *testing.T) {
	t.Parallel()
	eachBackend(t, func(t *testing.T, b testutil.Backend) {
		s := testutil.NewServer(t, b)
		c := s.Client(s.SignUp(t, "pipe@example.com", viewer.RoleFree).Token)
		var out struct {
			CreatePipeline struct {
				ID            string
				Valid         bool
				EstimatedCost string
				Plan          struct {
					Order           []string
					CostPer1000Runs string
					LatencyP95      struct{ Path []string }
					Nodes           []struct {
						ID          string
						Probability string
					}
				}
			}
		}
		c.MustDo(t, `mutation { createPipeline(input: {name: "routed", `+routed+`}) { id valid estimatedCost
			plan { order costPer1000Runs latencyP95 { path } nodes { id probability } } } }`, nil, &out)
		p := out.CreatePipeline
		require.True(t, p.Valid)
		// Hand-checked: P(small) = 0.75 × 0.7 = 0.525, P(large) = 0.75 × 0.3 = 0.225; per call
		// small = 1000 × 0.0000004 + 200 × 0.0000016 = 0.00072, large = 1000 × 0.000002 + 200 × 0.000008 = 0.0036
		// (catalog prices of gpt-4.1-mini and gpt-4.1); × 1,000 runs: 0.378 + 0.81 = 1.188.
		mini, err := catalog.Default().Model("openai/gpt-4.1-mini")
		require.NoError(t, err)
		require.Equal(t, "0.0000004", mini.InputPerToken.String(), "the hand-checked figure assumes this price")
		require.True(t, decimal.RequireFromString("1.188").Equal(decimal.RequireFromString(p.EstimatedCost)), p.EstimatedCost)
		require.Equal(t, p.EstimatedCost, p.Plan.CostPer1000Runs)
		require.Equal(t, "in", p.Plan.Order[0])
		require.Equal(t, "out", p.Plan.Order[len(p.Plan.Order)-1])
		probs := map[string]string{}
		for _, n := range p.Plan.Nodes {
			probs[n.ID] = n.Probability
		}
		require.Equal(t, "0.525", probs["small"])
		require.Equal(t, "0.225", probs["large"])
	})
}

func TestPipelineProblems(t *testing.T) {
	t.Parallel()
	s := testutil.NewServer(t, testutil.SQLite)
	c := s.Client(s.SignUp(t, "prob@example.com", viewer.RoleFree).Token)

	type problem struct {
		Code, Severity, Message string
		NodeIDs                 []string `json:"nodeIds"`
		EdgeIDs                 []string `json:"edgeIds"`
		Path                    []string
	}
	var v struct {
		ValidatePipeline struct {
			Valid    bool
			Problems []problem
			Plan     *struct{ CostPer1000Runs string }
		}
	}
	// A cycle, router weights that do not sum to 1, an unknown model and a dangling edge, all at once.
	c.MustDo(t, `query { validatePipeline(input: {nodes: [
		{id: "in", kind: INPUT},
		{id: "a", kind: LLM, llm: {model: "openai/gpt-4.1-mini", inputTokens: 10, outputTokens: 10}},
		{id: "b", kind: LLM, llm: {model: "nobody/no-model", inputTokens: 10, outputTokens: 10}},
		{id: "r", kind: ROUTER, router: {branches: [{name: "x", weight: "0.5"}, {name: "y", weight: "0.4"}]}},
		{id: "out", kind: OUTPUT}],
		edges: [{id: "e1", source: "in", target: "a"}, {id: "e2", source: "a", target: "b", targetPort: "prompt"},
			{id: "e3", source: "b", target: "a", targetPort: "context"}, {id: "e4", source: "a", target: "r"},
			{id: "e5", source: "r", sourcePort: "x", target: "out"}, {id: "e6", source: "r", sourcePort: "y", target: "out"},
			{id: "e7", source: "ghost", target: "out"}]}) {
		valid problems { code severity message nodeIds edgeIds path } plan { costPer1000Runs } } }`, nil, &v)
	r := v.ValidatePipeline
	require.False(t, r.Valid)
	require.Nil(t, r.Plan, "an invalid pipeline is never costed")
	codes := map[string]problem{}
	for _, p := range r.Problems {
		codes[p.Code] = p
	}
	for _, want := range []string{"CYCLE", "ROUTER_WEIGHTS", "UNKNOWN_MODEL", "DANGLING_EDGE"} {
		require.Contains(t, codes, want, "every problem at once: %v", r.Problems)
	}
	cycle := codes["CYCLE"]
	require.Equal(t, cycle.Path[0], cycle.Path[len(cycle.Path)-1], "the cycle's path closes")
	require.ElementsMatch(t, []string{"a", "b"}, cycle.Path[:len(cycle.Path)-1])
	require.Contains(t, codes["ROUTER_WEIGHTS"].NodeIDs, "r")
	require.Contains(t, codes["DANGLING_EDGE"].EdgeIDs, "e7")

	// Saved anyway as a draft: no cost.
	var saved struct {
		CreatePipeline struct {
			Valid         bool
			EstimatedCost *string
			Problems      []problem
		}
	}
	c.MustDo(t, `mutation { createPipeline(input: {name: "draft", nodes: [{id: "in", kind: INPUT}], edges: []}) { valid estimatedCost problems { code } } }`, nil, &saved)
	require.False(t, saved.CreatePipeline.Valid)
	require.Nil(t, saved.CreatePipeline.EstimatedCost)
	require.NotEmpty(t, saved.CreatePipeline.Problems)

	// Over the size cap: a clear error, nothing saved.
	var nodes []string
	for i := range pipeline.MaxNodes + 1 {
		nodes = append(nodes, fmt.Sprintf(`{id: "n%d", kind: OUTPUT}`, i))
	}
	e := c.Err(t, `mutation { createPipeline(input: {name: "huge", nodes: [`+strings.Join(nodes, ",")+`], edges: []}) { id } }`, nil)
	require.Equal(t, "BAD_USER_INPUT", e.Code())
	require.Contains(t, e.Message, "500")
	n, err := s.DB.Client.Pipeline.Query().Count(testutil.System())
	require.NoError(t, err)
	require.Equal(t, 1, n)

	var kinds struct{ PipelineNodeKinds []struct{ Kind string } }
	c.MustDo(t, `{ pipelineNodeKinds { kind inputs { name types required } outputs { name types } } }`, nil, &kinds)
	require.Len(t, kinds.PipelineNodeKinds, 9)
}
