package pipeline

import (
	"fmt"
	"testing"

	"github.com/shopspring/decimal"

	"github.com/stretchr/testify/require"
)

func TestAnalyzeCostAndLatency(t *testing.T) {
	t.Parallel()
	small := func(id string) Node { return llm(id, "openai/small", 1000, 200) }
	large := func(id string) Node { return llm(id, "openai/large", 1000, 200) }
	tests := []struct {
		name      string
		p         Pipeline
		cost      string            // cost per 1,000 runs, USD
		nodeCost  map[string]string // per-node cost per 1,000 runs
		nodeP     map[string]string // per-node probability
		p50, p95  float64
		p50Path   []string
		p95Path   []string
		drivers   []string
		fromMed   []string
		unknownCs []string
	}{
		{
			name: "single llm call",
			p: Pipeline{
				Nodes: []Node{in("in"), small("l"), out("out")},
				Edges: []Edge{e("e1", "in", "", "l", "prompt"), e("e2", "l", "", "out", "")},
			},
			// 1000 × 0.0000004 + 200 × 0.0000016 = 0.0004 + 0.00032 = 0.00072 per run → 0.72 per 1,000
			cost: "0.72",
			// 500 ms TTFT + 200 tokens ÷ 100 tok/s = 2,500 ms; p95 = the catalog median
			p50: 2500, p95: 2500,
			p50Path: []string{"in", "l", "out"}, p95Path: []string{"in", "l", "out"},
			drivers: []string{"l"}, fromMed: []string{"l"},
		},
		{
			name: "retrieval fan-out rejoins at the llm, counted once",
			p: Pipeline{
				Nodes: []Node{
					in("in"),
					{ID: "emb", Kind: KindEmbedding, Embedding: &EmbeddingConfig{Model: "openai/embed", Tokens: 100,
						Latency: &Latency{P50Ms: 20, P95Ms: 40}}},
					{ID: "ret", Kind: KindRetriever, Retriever: &ServiceConfig{Latency: Latency{P50Ms: 50, P95Ms: 120},
						CostPerCall: decp("0.0001")}},
					small("l"), out("out"),
				},
				Edges: []Edge{
					e("e1", "in", "", "emb", ""), e("e2", "emb", "", "ret", ""), e("e3", "ret", "", "l", "context"),
					e("e4", "in", "", "l", "prompt"), e("e5", "l", "", "out", ""),
				},
			},
			// embed 100 × 0.00000002 = 0.000002; retriever 0.0001; llm 0.00072 (above); sum 0.000822 per run
			cost:     "0.822",
			nodeCost: map[string]string{"emb": "0.002", "ret": "0.1", "l": "0.72"},
			nodeP:    map[string]string{"l": "1"},
			// p50 20 + 50 + 2,500 = 2,570; p95 40 + 120 + 2,500 = 2,660 (sum of node p95s along the path)
			p50: 2570, p95: 2660,
			p50Path: []string{"in", "emb", "ret", "l", "out"}, p95Path: []string{"in", "emb", "ret", "l", "out"},
			drivers: []string{"l", "ret", "emb"}, fromMed: []string{"l"},
		},
		{
			name: "guardrail, cache and router",
			p: Pipeline{
				Nodes: []Node{
					in("in"),
					{ID: "guard", Kind: KindGuardrail, Guardrail: &GuardrailConfig{BlockRate: dec("0.1"), Latency: Latency{P50Ms: 10, P95Ms: 30}}},
					{ID: "cache", Kind: KindCache, Cache: &CacheConfig{HitRate: dec("0.25"), Latency: Latency{P50Ms: 5, P95Ms: 15}}},
					router("route", branch("simple", "0.7"), branch("complex", "0.3")),
					small("small"), large("large"), out("out"),
				},
				Edges: []Edge{
					e("e1", "in", "", "guard", ""),
					e("e2", "guard", PortGuardrailPass, "cache", ""),
					e("e3", "guard", PortGuardrailBlock, "out", ""),
					e("e4", "cache", PortCacheMiss, "route", ""),
					e("e5", "cache", PortCacheHit, "out", ""),
					e("e6", "route", "simple", "small", "prompt"),
					e("e7", "route", "complex", "large", "prompt"),
					e("e8", "small", "", "out", ""), e("e9", "large", "", "out", ""),
				},
			},
			// P(router) = (1 − 0.1) × (1 − 0.25) = 0.675; P(small) = 0.675 × 0.7 = 0.4725; P(large) = 0.675 × 0.3 = 0.2025
			// small: 0.00072 per call → 1000 × 0.4725 × 0.00072 = 0.3402
			// large: 1000 × 0.000002 + 200 × 0.000008 = 0.0036 per call → 1000 × 0.2025 × 0.0036 = 0.729
			cost:     "1.0692",
			nodeCost: map[string]string{"small": "0.3402", "large": "0.729", "guard": "0", "cache": "0"},
			// blocked 0.1 + hit 0.9 × 0.25 + both branches 0.675 = 1: every run reaches the output
			nodeP: map[string]string{"route": "0.675", "small": "0.4725", "large": "0.2025", "out": "1", "cache": "0.9"},
			// slowest path: 10 + 5 + (800 + 200 ÷ 50 × 1000 = 4,800) = 4,815; p95 30 + 15 + 4,800 = 4,845
			p50: 4815, p95: 4845,
			p50Path: []string{"in", "guard", "cache", "route", "large", "out"},
			p95Path: []string{"in", "guard", "cache", "route", "large", "out"},
			drivers: []string{"large", "small"}, fromMed: []string{"large"},
		},
		{
			name: "two independent routers feed one llm",
			p: Pipeline{
				Nodes: []Node{
					in("in"),
					router("ra", branch("a", "0.5"), branch("b", "0.5")),
					router("rb", branch("c", "0.2"), branch("d", "0.8")),
					small("x"), out("out"),
				},
				Edges: []Edge{
					e("e1", "in", "", "ra", ""), e("e2", "in", "", "rb", ""),
					e("e3", "ra", "a", "x", "prompt"), e("e4", "rb", "c", "x", "prompt"),
					e("e5", "ra", "b", "out", ""), e("e6", "rb", "d", "out", ""), e("e7", "x", "", "out", ""),
				},
			},
			// P(x) = P(a ∪ c) = 0.5 + 0.2 − 0.5 × 0.2 = 0.6 (not 0.7, the sum over paths)
			// 1000 × 0.6 × 0.00072 = 0.432
			cost:  "0.432",
			nodeP: map[string]string{"x": "0.6", "out": "1"},
			p50:   2500, p95: 2500,
			p50Path: []string{"in", "ra", "x", "out"}, p95Path: []string{"in", "ra", "x", "out"},
			drivers: []string{"x"}, fromMed: []string{"x"},
		},
		{
			name: "long-context tier, reasoning tokens, calls per run, unknown price",
			p: Pipeline{
				Nodes: []Node{
					in("in"),
					llm("long", "acme/longctx", 2000, 100),
					{ID: "think", Kind: KindLLM, LLM: &LLMConfig{Model: "acme/reasoner", InputTokens: 100, OutputTokens: 100,
						ReasoningTokens: 50, CallsPerRun: 3, Latency: &Latency{P50Ms: 1000, P95Ms: 3000}}},
					llm("self", "meta/selfhost", 100, 100),
					out("out"),
				},
				Edges: []Edge{
					e("e1", "in", "", "long", ""), e("e2", "long", "", "think", "prompt"),
					e("e3", "think", "", "self", "prompt"), e("e4", "self", "", "out", ""),
				},
			},
			// long: 2,000 > 1,000 threshold → tier prices: 2000 × 0.000002 + 100 × 0.000006 = 0.0046 → 4.6
			// think: (100 × 0.000001 + 100 × 0.000004 + 50 × 0.00001) × 3 calls = 0.001 × 3 = 0.003 → 3
			// self: self-host-only, price unknown → 0 and listed
			cost:     "7.6",
			nodeCost: map[string]string{"long": "4.6", "think": "3", "self": "0"},
			p50:      3000, p95: 9000, // think: 3 calls × 1,000 / 3,000 ms; the others have no speed (unknown, 0)
			p50Path:   []string{"in", "long", "think", "self", "out"},
			p95Path:   []string{"in", "long", "think", "self", "out"},
			drivers:   []string{"long", "think"},
			unknownCs: []string{"self"},
		},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			a, err := Analyze(testCatalog(), tc.p)
			require.NoError(t, err)
			require.Empty(t, a.Problems)
			require.NotNil(t, a.Plan)
			p := a.Plan
			require.Equal(t, "test-1", p.CatalogVersion)
			requireDec(t, tc.cost, p.CostPer1000Runs)
			byID := map[string]NodeReport{}
			for _, r := range p.Nodes {
				byID[r.ID] = r
			}
			for id, want := range tc.nodeCost {
				requireDec(t, want, byID[id].CostPer1000Runs, id)
			}
			for id, want := range tc.nodeP {
				requireDec(t, want, byID[id].Probability, id)
			}
			require.InDelta(t, tc.p50, p.LatencyP50.Millis, 1e-9)
			require.InDelta(t, tc.p95, p.LatencyP95.Millis, 1e-9)
			require.Equal(t, tc.p50Path, p.LatencyP50.Path)
			require.Equal(t, tc.p95Path, p.LatencyP95.Path)
			require.Equal(t, tc.drivers, p.CostDrivers)
			require.Equal(t, tc.fromMed, p.P95FromMedian)
			require.Equal(t, tc.unknownCs, p.CostUnknown)
			for _, id := range tc.p95Path {
				require.True(t, byID[id].OnCriticalPath, id)
			}
		})
	}
}

func TestAnalyzeOrderAndUnknownLatency(t *testing.T) {
	t.Parallel()
	p := Pipeline{
		// listed out of order on purpose
		Nodes: []Node{out("out"), llm("b", "acme/longctx", 10, 10), llm("a", "openai/small", 10, 10), in("in")},
		Edges: []Edge{
			e("e1", "in", "", "a", ""), e("e2", "a", "", "b", ""), e("e3", "b", "", "out", ""),
		},
	}
	a, err := Analyze(testCatalog(), p)
	require.NoError(t, err)
	require.NotNil(t, a.Plan)
	require.Equal(t, []string{"in", "a", "b", "out"}, a.Plan.Order)
	require.Equal(t, []string{"b"}, a.Plan.LatencyUnknown) // acme/longctx has no speed in the test catalog
	// a: 500 + 10 ÷ 100 × 1000 = 600 ms; b counts as 0
	require.InDelta(t, 600, a.Plan.LatencyP50.Millis, 1e-9)
}

func TestAnalyzeInvalidPipelineHasNoPlan(t *testing.T) {
	t.Parallel()
	p := Pipeline{
		Nodes: []Node{in("in"), router("r", branch("a", "0.5"), branch("b", "0.4")),
			llm("x", "openai/small", 10, 10), llm("y", "openai/small", 10, 10), out("out")},
		Edges: []Edge{
			e("e1", "in", "", "r", ""), e("e2", "r", "a", "x", ""), e("e3", "r", "b", "y", ""),
			e("e4", "x", "", "out", ""), e("e5", "y", "", "out", ""),
		},
	}
	a, err := Analyze(testCatalog(), p)
	require.NoError(t, err)
	require.Nil(t, a.Plan)
	require.Equal(t, []Code{CodeRouterWeights}, codes(a.Problems))
	require.Equal(t, []string{"r"}, a.Problems[0].NodeIDs)
	require.Contains(t, a.Problems[0].Message, "sum to 0.9")
}

func TestAnalyzeDeterministic(t *testing.T) {
	t.Parallel()
	p := Pipeline{
		Nodes: []Node{in("in"), router("r", branch("a", "0.3"), branch("b", "0.3"), branch("c", "0.4")),
			llm("x", "openai/small", 10, 10), llm("y", "openai/large", 10, 10), llm("z", "openai/small", 10, 10), out("out")},
		Edges: []Edge{
			e("e1", "in", "", "r", ""), e("e2", "r", "a", "x", ""), e("e3", "r", "b", "y", ""), e("e4", "r", "c", "z", ""),
			e("e5", "x", "", "out", ""), e("e6", "y", "", "out", ""), e("e7", "z", "", "out", ""),
		},
	}
	first, err := Analyze(testCatalog(), p)
	require.NoError(t, err)
	for range 20 {
		again, err := Analyze(testCatalog(), p)
		require.NoError(t, err)
		require.Equal(t, first, again)
	}
}

// A higher cache hit rate never raises the cost and never changes the latency's critical path (the miss path
// is still possible) until the hit rate is 1, when the miss path can no longer be taken.
func TestCacheHitRateSavesDownstreamCalls(t *testing.T) {
	t.Parallel()
	build := func(h string) Pipeline {
		return Pipeline{
			Nodes: []Node{in("in"), {ID: "c", Kind: KindCache, Cache: &CacheConfig{HitRate: dec(h)}},
				llm("l", "openai/large", 1000, 200), out("out")},
			Edges: []Edge{
				e("e1", "in", "", "c", ""), e("e2", "c", PortCacheMiss, "l", ""), e("e3", "c", PortCacheHit, "out", ""),
				e("e4", "l", "", "out", ""),
			},
		}
	}
	prev := dec("1000000")
	for _, h := range []string{"0", "0.1", "0.25", "0.5", "0.9", "0.99", "1"} {
		a, err := Analyze(testCatalog(), build(h))
		require.NoError(t, err)
		require.NotNil(t, a.Plan, h)
		// large: 0.0036 per call (see above) × 1000 × (1 − h)
		requireDec(t, dec("3.6").Mul(one.Sub(dec(h))).String(), a.Plan.CostPer1000Runs, h)
		require.True(t, a.Plan.CostPer1000Runs.LessThanOrEqual(prev), h)
		prev = a.Plan.CostPer1000Runs
		if h == "1" {
			require.Equal(t, []string{"in", "c", "out"}, a.Plan.LatencyP50.Path)
		} else {
			require.Equal(t, []string{"in", "c", "l", "out"}, a.Plan.LatencyP50.Path)
		}
	}
}

// Each level joins two independent routers' "a" branches: a sum over paths would double at every level
// (2^10 paths); the decision diagram keeps it linear. P(n_i) = P(r_i=a ∪ s_i=a) · P(n_{i−1}) =
// (0.5 + 0.5 − 0.25) · P(n_{i−1}), so P(n9) = 0.75^10 = 59049 ÷ 1048576 = 0.05631351470947265625.
func TestAnalyzeIndependentRoutersChain(t *testing.T) {
	t.Parallel()
	p := Pipeline{Nodes: []Node{in("in"), out("out")}}
	prev, prevPort := "in", ""
	for i := range 10 {
		r, s, n := fmt.Sprintf("r%d", i), fmt.Sprintf("s%d", i), fmt.Sprintf("n%d", i)
		p.Nodes = append(p.Nodes,
			router(r, branch("a", "0.5"), branch("b", "0.5")),
			router(s, branch("a", "0.5"), branch("b", "0.5")),
			Node{ID: n, Kind: KindGuardrail, Guardrail: &GuardrailConfig{}})
		p.Edges = append(p.Edges,
			e(r+"in", prev, prevPort, r, ""), e(s+"in", prev, prevPort, s, ""),
			e(r+"a", r, "a", n, ""), e(s+"a", s, "a", n, ""),
			e(r+"b", r, "b", "out", ""), e(s+"b", s, "b", "out", ""), e(n+"x", n, "blocked", "out", ""))
		prev, prevPort = n, "pass"
	}
	p.Edges = append(p.Edges, e("last", prev, prevPort, "out", ""))
	a, err := Analyze(testCatalog(), p)
	require.NoError(t, err)
	require.NotNil(t, a.Plan)
	byID := map[string]NodeReport{}
	for _, r := range a.Plan.Nodes {
		byID[r.ID] = r
	}
	requireDec(t, "0.05631351470947265625", byID["n9"].Probability)
	requireDec(t, "0.75", byID["n0"].Probability)
	requireDec(t, "1", byID["out"].Probability)
}

func TestDiagramLimit(t *testing.T) {
	t.Parallel()
	half := []decimal.Decimal{dec("0.5"), dec("0.5")}
	d := newDiagram([][]decimal.Decimal{half, half}, 3) // the two terminals and one vertex
	x, err := d.andOutcome(always, 1, 0)
	require.NoError(t, err)
	requireDec(t, "0.5", d.prob(x))
	same, err := d.andOutcome(always, 1, 0) // shared, no new vertex
	require.NoError(t, err)
	require.Equal(t, x, same)
	_, err = d.andOutcome(x, 0, 1) // a fourth vertex
	require.ErrorIs(t, err, ErrTooComplex)
}

// A chain at the node cap: 499 guardrails, each passing 99 % of runs. The last one runs with probability
// 0.99^497, rounded to 20 decimals; the whole analysis stays fast and bounded.
func TestAnalyzeLongChain(t *testing.T) {
	t.Parallel()
	p := Pipeline{Nodes: []Node{in("g0"), out("out")}}
	prev, port := "g0", ""
	for i := 1; i < MaxNodes-1; i++ {
		id := fmt.Sprintf("g%d", i)
		p.Nodes = append(p.Nodes, Node{ID: id, Kind: KindGuardrail,
			Guardrail: &GuardrailConfig{BlockRate: dec("0.01"), Latency: Latency{P50Ms: 1, P95Ms: 2}}})
		p.Edges = append(p.Edges, e("in"+id, prev, port, id, ""), e("blk"+id, id, PortGuardrailBlock, "out", ""))
		prev, port = id, PortGuardrailPass
	}
	p.Edges = append(p.Edges, e("last", prev, port, "out", ""))
	a, err := Analyze(testCatalog(), p)
	require.NoError(t, err)
	require.NotNil(t, a.Plan)
	last := a.Plan.Nodes[len(a.Plan.Nodes)-2]
	require.Equal(t, "g498", last.ID)
	requireDec(t, dec("0.99").Pow(dec("497")).Round(20).String(), last.Probability)
	requireDec(t, "1", a.Plan.Nodes[len(a.Plan.Nodes)-1].Probability) // every run ends at the output
	require.InDelta(t, 498.0, a.Plan.LatencyP50.Millis, 1e-9)         // 498 guardrails × 1 ms
	require.InDelta(t, 996.0, a.Plan.LatencyP95.Millis, 1e-9)
}
