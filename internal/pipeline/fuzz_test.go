package pipeline

import (
	"fmt"
	"math"
	"testing"

	"github.com/shopspring/decimal"
	"github.com/stretchr/testify/require"
)

// byteReader turns fuzz input into choices; past the end it yields zeros.
type byteReader struct {
	data []byte
	i    int
}

func (r *byteReader) next() int {
	if r.i >= len(r.data) {
		return 0
	}
	b := r.data[r.i]
	r.i++
	return int(b)
}

func (r *byteReader) pick(options []string) string { return options[r.next()%len(options)] }

var (
	fuzzKinds = []Kind{KindInput, KindRetriever, KindEmbedding, KindLLM, KindRouter, KindCache, KindGuardrail,
		KindTool, KindOutput, "BOGUS"}
	fuzzIDs    = []string{"", "a", "b", "c", "d", "e", "f", "g", "h", "in", "out"}
	fuzzModels = []string{"", "openai/small", "openai/large", "openai/embed", "meta/selfhost", "acme/longctx", "nobody/x", "bare"}
	fuzzPorts  = []string{"", "", "completion", "prompt", "context", "hit", "miss", "pass", "blocked", "x", "y",
		"query", "result", "documents", "embedding", "text", "in", "zzz"}
)

// pipelineFromBytes builds a small, often broken, pipeline: ids collide, kinds and ports are wrong, configs
// are missing or out of range, edges dangle and loop.
func pipelineFromBytes(data []byte) Pipeline {
	r := &byteReader{data: data}
	if r.next()%2 == 0 {
		return wellFormed(r)
	}
	var p Pipeline
	for range r.next() % 14 {
		n := Node{ID: r.pick(fuzzIDs), Kind: fuzzKinds[r.next()%len(fuzzKinds)]}
		lat := Latency{P50Ms: float64(r.next() * 10), P95Ms: float64(r.next() * 10)}
		if r.next()%7 == 0 {
			lat.P95Ms = math.NaN()
		}
		rate := decimal.New(int64(r.next()%13)-1, -1) // −0.1 … 1.1
		switch r.next() % 9 {
		case 0:
			// no config at all
		case 1:
			n.LLM = &LLMConfig{Model: r.pick(fuzzModels), InputTokens: r.next() * 1000, OutputTokens: r.next() - 10,
				ReasoningTokens: r.next(), CallsPerRun: r.next() % 4}
			if r.next()%2 == 0 {
				n.LLM.Latency = &lat
			}
		case 2:
			n.Embedding = &EmbeddingConfig{Model: r.pick(fuzzModels), Tokens: r.next() - 5}
		case 3:
			n.Retriever = &ServiceConfig{Latency: lat, CallsPerRun: r.next() % 3}
			if r.next()%2 == 0 {
				c := decimal.New(int64(r.next())-20, -4)
				n.Retriever.CostPerCall = &c
			}
		case 4:
			n.Tool = &ServiceConfig{Latency: lat}
		case 5:
			n.Router = &RouterConfig{}
			for range r.next() % 4 {
				n.Router.Branches = append(n.Router.Branches, Branch{Name: r.pick([]string{"x", "y", ""}), Weight: rate})
				rate = decimal.New(int64(r.next()%11), -1)
			}
		case 6:
			n.Cache = &CacheConfig{HitRate: rate, Latency: lat}
		case 7:
			n.Guardrail = &GuardrailConfig{BlockRate: rate, Latency: lat}
		case 8:
			// the config that fits the kind, so that some pipelines are valid
			n.LLM = &LLMConfig{Model: "openai/small", InputTokens: 10, OutputTokens: 10}
			n.Router = &RouterConfig{Branches: []Branch{{Name: "x", Weight: decimal.NewFromFloat(0.5)}, {Name: "y", Weight: decimal.NewFromFloat(0.5)}}}
			n.Cache = &CacheConfig{HitRate: decimal.NewFromFloat(0.5)}
			n.Guardrail = &GuardrailConfig{BlockRate: decimal.NewFromFloat(0.1)}
			n.Retriever, n.Tool = &ServiceConfig{}, &ServiceConfig{}
			n.Embedding = &EmbeddingConfig{Model: "openai/embed", Tokens: 10}
			keepOnly(&n)
		}
		p.Nodes = append(p.Nodes, n)
	}
	for i := range r.next() % 24 {
		p.Edges = append(p.Edges, Edge{
			ID: fmt.Sprintf("e%d", (i+r.next())%20), Source: r.pick(fuzzIDs), SourcePort: r.pick(fuzzPorts),
			Target: r.pick(fuzzIDs), TargetPort: r.pick(fuzzPorts),
		})
	}
	return p
}

// wellFormed builds a DAG from "in" through fitting nodes to "out", with every output port used, so that
// many inputs give valid pipelines (some still fail on port types) and exercise the roll-up.
func wellFormed(r *byteReader) Pipeline {
	kinds := []Kind{KindRetriever, KindEmbedding, KindLLM, KindRouter, KindCache, KindGuardrail, KindTool}
	p := Pipeline{Nodes: []Node{in("in")}}
	joined := map[[3]string]bool{}
	join := func(src, port, dst string) {
		k := [3]string{src, port, dst}
		if joined[k] {
			return
		}
		joined[k] = true
		p.Edges = append(p.Edges, Edge{ID: fmt.Sprintf("e%d", len(p.Edges)), Source: src, SourcePort: port, Target: dst})
	}
	ports := func(n Node) []string {
		switch n.Kind {
		case KindRouter:
			return []string{"x", "y"}
		case KindCache:
			return []string{PortCacheHit, PortCacheMiss}
		case KindGuardrail:
			return []string{PortGuardrailPass, PortGuardrailBlock}
		}
		return []string{""}
	}
	for i := range 1 + r.next()%30 {
		n := Node{ID: fmt.Sprintf("n%d", i), Kind: kinds[r.next()%len(kinds)]}
		w := decimal.New(int64(r.next()%11), -1)
		n.LLM = &LLMConfig{Model: r.pick([]string{"openai/small", "openai/large", "meta/selfhost", "acme/longctx"}),
			InputTokens: r.next() * 10, OutputTokens: 1 + r.next(), CallsPerRun: r.next() % 3}
		n.Router = &RouterConfig{Branches: []Branch{{Name: "x", Weight: w}, {Name: "y", Weight: one.Sub(w)}}}
		n.Cache = &CacheConfig{HitRate: decimal.New(int64(r.next()%11), -1), Latency: Latency{P50Ms: 1, P95Ms: 2}}
		n.Guardrail = &GuardrailConfig{BlockRate: decimal.New(int64(r.next()%11), -1)}
		cost := decimal.New(int64(r.next()), -5)
		n.Retriever = &ServiceConfig{Latency: Latency{P50Ms: float64(r.next()), P95Ms: 300}, CostPerCall: &cost}
		n.Tool = &ServiceConfig{Latency: Latency{P50Ms: 5, P95Ms: 9}}
		n.Embedding = &EmbeddingConfig{Model: "openai/embed", Tokens: 1 + r.next()}
		keepOnly(&n)
		// one or two edges in from earlier nodes
		for range 1 + r.next()%2 {
			src := p.Nodes[r.next()%len(p.Nodes)]
			ps := ports(src)
			join(src.ID, ps[r.next()%len(ps)], n.ID)
		}
		p.Nodes = append(p.Nodes, n)
	}
	p.Nodes = append(p.Nodes, out("out"))
	for _, n := range p.Nodes[:len(p.Nodes)-1] {
		for _, port := range ports(n) {
			join(n.ID, port, "out")
		}
	}
	return p
}

// keepOnly clears every config but the one for the node's kind.
func keepOnly(n *Node) {
	k := *n
	*n = Node{ID: k.ID, Kind: k.Kind}
	switch k.Kind {
	case KindLLM:
		n.LLM = k.LLM
	case KindEmbedding:
		n.Embedding = k.Embedding
	case KindRetriever:
		n.Retriever = k.Retriever
	case KindTool:
		n.Tool = k.Tool
	case KindRouter:
		n.Router = k.Router
	case KindCache:
		n.Cache = k.Cache
	case KindGuardrail:
		n.Guardrail = k.Guardrail
	}
}

func FuzzValidate(f *testing.F) {
	f.Add([]byte{})
	f.Add([]byte{3, 9, 0, 0, 0, 0, 0, 8, 3, 3, 0, 0, 0, 0, 8, 10, 8, 0, 0, 0, 0, 8, 2, 0, 9, 0, 0, 2, 3, 0, 3, 0, 10})
	f.Add([]byte{13, 1, 4, 1, 2, 3, 5, 3, 2, 5, 6, 7, 8, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 200, 100})
	f.Add([]byte("the quick brown fox jumps over the lazy dog, again and again and again"))
	cat := testCatalog()
	f.Fuzz(func(t *testing.T, data []byte) {
		p := pipelineFromBytes(data)
		problems := Validate(cat, p)
		for _, pr := range problems {
			require.NotEmpty(t, pr.Code)
			require.NotEmpty(t, pr.Message)
			require.Contains(t, []Severity{SeverityError, SeverityWarning}, pr.Severity)
		}
		a, err := Analyze(cat, p)
		require.Equal(t, problems, a.Problems)
		if err != nil {
			require.ErrorIs(t, err, ErrTooComplex)
			return
		}
		require.Equal(t, !HasErrors(problems), a.Plan != nil)
		if a.Plan == nil {
			return
		}
		require.Len(t, a.Plan.Order, len(p.Nodes))
		require.False(t, a.Plan.CostPer1000Runs.IsNegative())
		for _, l := range []float64{a.Plan.LatencyP50.Millis, a.Plan.LatencyP95.Millis} {
			require.False(t, math.IsNaN(l) || math.IsInf(l, 0) || l < 0)
		}
		require.GreaterOrEqual(t, a.Plan.LatencyP95.Millis, a.Plan.LatencyP50.Millis)
		for _, n := range a.Plan.Nodes {
			require.False(t, n.Probability.IsNegative(), n.ID)
			require.True(t, n.Probability.LessThanOrEqual(decimal.NewFromFloat(1.000000001)), "%s: %s", n.ID, n.Probability)
		}
		g, _ := build(cat, p)
		order, _ := g.topoOrder()
		if want, ok := bruteForce(g, order, 512); ok {
			got := map[string]decimal.Decimal{}
			for _, n := range a.Plan.Nodes {
				got[n.ID] = n.Probability
			}
			for v, n := range g.nodes {
				require.True(t, want[v].Sub(got[n.ID]).Abs().LessThan(dec("1e-18")), "%s: want %s got %s", n.ID, want[v], got[n.ID])
			}
		}
	})
}

// bruteForce returns the probability that each node runs by enumerating every combination of choice
// outcomes and simulating the run (a node runs when any incoming edge delivers); ok is false when there
// are more than limit combinations.
func bruteForce(g *graph, order []int, limit int) (probs []decimal.Decimal, ok bool) {
	var choices []int
	combos := 1
	for _, v := range order {
		if o := outcomes(g.nodes[v]); o != nil {
			choices = append(choices, v)
			combos *= len(o)
			if combos > limit {
				return nil, false
			}
		}
	}
	probs = make([]decimal.Decimal, len(g.nodes))
	pick := make(map[int]int, len(choices))
	for c := range combos {
		weight := decimal.NewFromInt(1)
		rest := c
		for _, v := range choices {
			o := outcomes(g.nodes[v])
			pick[v] = rest % len(o)
			rest /= len(o)
			weight = weight.Mul(o[pick[v]])
		}
		runs := make([]bool, len(g.nodes))
		for _, v := range order {
			runs[v] = g.nodes[v].Kind == KindInput
			for _, ei := range g.in[v] {
				ge := g.edges[ei]
				if runs[ge.src] && (outcomes(g.nodes[ge.src]) == nil || pick[ge.src] == ge.srcPort) {
					runs[v] = true
				}
			}
			if runs[v] {
				probs[v] = probs[v].Add(weight)
			}
		}
	}
	return probs, true
}

// The decision-diagram probabilities agree with brute-force enumeration on generated pipelines.
func TestProbabilitiesMatchEnumeration(t *testing.T) {
	t.Parallel()
	checked := 0
	for seed := range 3000 {
		data := make([]byte, 120)
		x := uint32(seed*2654435761 + 1)
		for i := range data {
			x ^= x << 13
			x ^= x >> 17
			x ^= x << 5
			data[i] = byte(x)
		}
		data[0] &^= 1 // well-formed mode
		g, problems := build(testCatalog(), pipelineFromBytes(data))
		if HasErrors(problems) {
			continue
		}
		order, _ := g.topoOrder()
		want, ok := bruteForce(g, order, 4096)
		if !ok {
			continue
		}
		got, _, err := probabilities(g)
		require.NoError(t, err)
		for v := range g.nodes {
			require.True(t, want[v].Sub(got[v]).Abs().LessThan(dec("1e-18")), "seed %d node %s: want %s got %s",
				seed, g.nodes[v].ID, want[v], got[v])
		}
		checked++
	}
	require.Greater(t, checked, 300, "too few valid pipelines were generated")
	t.Logf("checked %d pipelines", checked)
}
