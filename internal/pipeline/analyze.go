package pipeline

import (
	"fmt"
	"math"
	"slices"

	"github.com/shopspring/decimal"

	"github.com/modelarchitect/architect/internal/catalog"
)

// Analysis is what Analyze returns: every problem, and a plan when the pipeline has no ERROR.
type Analysis struct {
	Problems []Problem `json:"problems"`
	Plan     *Plan     `json:"plan,omitempty"` // nil for an invalid pipeline: it is never costed
}

// Plan is the latency and cost roll-up of a valid pipeline.
type Plan struct {
	CatalogVersion string   `json:"catalogVersion"`
	Order          []string `json:"order"` // node ids in topological order
	// LatencyP50 and LatencyP95 are the critical-path latencies: the slowest path a run can take to an
	// OUTPUT node, summing node latencies (see docs/engines/pipeline.md for how p95 composes).
	LatencyP50 PathLatency `json:"latencyP50"`
	LatencyP95 PathLatency `json:"latencyP95"`
	// LatencyUnknown lists nodes whose latency is unknown (no config, no catalog speed); they count as 0 ms,
	// so the latencies are lower bounds when it is not empty.
	LatencyUnknown []string `json:"latencyUnknown,omitempty"`
	// P95FromMedian lists nodes on the p95 path whose p95 is their catalog median (the catalog has no tail
	// figure); the p95 is then understated. Give the node a latency (e.g. from a benchmark) to fix it.
	P95FromMedian []string `json:"p95FromMedian,omitempty"`
	// CostPer1000Runs is the expected cost in USD of 1,000 runs, exact (round only for display).
	CostPer1000Runs decimal.Decimal `json:"costPer1000RunsUSD"`
	// CostUnknown lists nodes whose model has no price in the catalog (self-host-only models); they count
	// as 0, so the cost is a lower bound when it is not empty.
	CostUnknown []string     `json:"costUnknown,omitempty"`
	Nodes       []NodeReport `json:"nodes"` // in topological order
	// CostDrivers lists the ids of nodes that cost something, largest contribution first.
	CostDrivers []string `json:"costDrivers"`
}

// PathLatency is a latency in milliseconds and the node ids of the path that gives it, INPUT first.
type PathLatency struct {
	Millis float64  `json:"ms"`
	Path   []string `json:"path"`
}

// LatencySource says where a node's latency comes from.
type LatencySource string

// Latency sources.
const (
	LatencyFromConfig  LatencySource = "CONFIG"  // the node's config
	LatencyFromCatalog LatencySource = "CATALOG" // the model's median speed in the catalog; p95 = median
	LatencyNone        LatencySource = "NONE"    // the kind takes no time (INPUT, OUTPUT, ROUTER)
	LatencyUnknown     LatencySource = "UNKNOWN" // no config and no catalog speed; counted as 0
)

// NodeReport is one node's share of the roll-up.
type NodeReport struct {
	ID   string `json:"id"`
	Kind Kind   `json:"kind"`
	// Probability is the share of runs that execute the node.
	Probability decimal.Decimal `json:"probability"`
	// CostPerExecution is the cost in USD of one execution (all its calls); CostKnown is false when the
	// model has no catalog price.
	CostPerExecution decimal.Decimal `json:"costPerExecutionUSD"`
	CostKnown        bool            `json:"costKnown"`
	// CostPer1000Runs = 1,000 × Probability × CostPerExecution.
	CostPer1000Runs decimal.Decimal `json:"costPer1000RunsUSD"`
	LatencyP50Ms    float64         `json:"latencyP50Ms"` // one execution, all its calls
	LatencyP95Ms    float64         `json:"latencyP95Ms"`
	LatencySource   LatencySource   `json:"latencySource"`
	// OnCriticalPath is true for nodes on the p95 critical path.
	OnCriticalPath bool `json:"onCriticalPath"`
}

var thousand = decimal.NewFromInt(1000)

// Analyze validates the pipeline and, when it has no ERROR, computes its plan. The error is non-nil only
// when the branching is too complex to cost (ErrTooComplex); an invalid pipeline is a nil Plan, not an error.
func Analyze(cat *catalog.Catalog, p Pipeline) (Analysis, error) {
	g, problems := build(cat, p)
	a := Analysis{Problems: problems}
	if g == nil || HasErrors(problems) {
		return a, nil
	}
	order, ok := g.topoOrder()
	if !ok {
		return a, fmt.Errorf("pipeline: valid graph has no topological order") // unreachable: cycles are problems
	}
	plan, err := roll(g, order, indexModels(cat))
	if err != nil {
		return a, err
	}
	if cat != nil {
		plan.CatalogVersion = cat.Version
	}
	a.Plan = plan
	return a, nil
}

// roll computes probabilities, costs and latencies in topological order.
func roll(g *graph, order []int, models map[string]*catalog.Model) (*Plan, error) {
	nodeP, edgeP, err := probabilities(g)
	if err != nil {
		return nil, err
	}
	plan := &Plan{CostPer1000Runs: decimal.Zero, CostDrivers: []string{}}
	reports := make([]NodeReport, len(g.nodes))
	for _, v := range order {
		n := g.nodes[v]
		cost, known := nodeCost(models, n)
		lat, src := nodeLatency(models, n)
		r := NodeReport{
			ID: n.ID, Kind: n.Kind, Probability: nodeP[v], CostPerExecution: cost, CostKnown: known,
			CostPer1000Runs: thousand.Mul(nodeP[v]).Mul(cost),
			LatencyP50Ms:    round3(lat.P50Ms), LatencyP95Ms: round3(lat.P95Ms), LatencySource: src,
		}
		reports[v] = r
		plan.Order = append(plan.Order, n.ID)
		plan.CostPer1000Runs = plan.CostPer1000Runs.Add(r.CostPer1000Runs)
		if !known {
			plan.CostUnknown = append(plan.CostUnknown, n.ID)
		}
		if src == LatencyUnknown {
			plan.LatencyUnknown = append(plan.LatencyUnknown, n.ID)
		}
	}

	p50 := criticalPath(g, order, edgeP, nodeP, func(v int) float64 { return reports[v].LatencyP50Ms })
	p95 := criticalPath(g, order, edgeP, nodeP, func(v int) float64 { return reports[v].LatencyP95Ms })
	plan.LatencyP50 = PathLatency{Millis: round3(p50.ms), Path: g.nodeIDs(p50.path)}
	plan.LatencyP95 = PathLatency{Millis: round3(p95.ms), Path: g.nodeIDs(p95.path)}
	for _, v := range p95.path {
		reports[v].OnCriticalPath = true
		if reports[v].LatencySource == LatencyFromCatalog {
			plan.P95FromMedian = append(plan.P95FromMedian, g.nodes[v].ID)
		}
	}

	drivers := make([]int, 0, len(order))
	for _, v := range order {
		plan.Nodes = append(plan.Nodes, reports[v])
		if reports[v].CostPer1000Runs.IsPositive() {
			drivers = append(drivers, v)
		}
	}
	slices.SortStableFunc(drivers, func(a, b int) int {
		return reports[b].CostPer1000Runs.Cmp(reports[a].CostPer1000Runs)
	})
	for _, v := range drivers {
		plan.CostDrivers = append(plan.CostDrivers, g.nodes[v].ID)
	}
	return plan, nil
}

// probabilities returns the probability that each node runs and that each edge delivers (see event.go).
// Nodes are visited in depth-first topological order (reverse post-order from the INPUT node, edges in
// input order), which keeps a choice next to the choices it follows; the diagram tests choices in the
// reverse of that order.
func probabilities(g *graph) (nodeP, edgeP []decimal.Decimal, err error) {
	order := g.depthFirstOrder()
	level := make([]int, len(g.nodes))
	var outcomeProbs [][]decimal.Decimal
	for i := len(order) - 1; i >= 0; i-- {
		v := order[i]
		level[v] = -1
		if o := outcomes(g.nodes[v]); o != nil {
			level[v] = len(outcomeProbs)
			outcomeProbs = append(outcomeProbs, o)
		}
	}
	d := newDiagram(outcomeProbs, maxDiagramVertices)
	edgeEv := make([]int, len(g.edges))
	nodeP = make([]decimal.Decimal, len(g.nodes))
	edgeP = make([]decimal.Decimal, len(g.edges))
	for _, v := range order {
		ev := never
		if g.nodes[v].Kind == KindInput {
			ev = always
		}
		for _, ei := range g.in[v] {
			if ev, err = d.or(ev, edgeEv[ei]); err != nil {
				return nil, nil, fmt.Errorf("node %q: %w", g.nodes[v].ID, err)
			}
		}
		nodeP[v] = d.prob(ev)
		for _, ei := range g.out[v] {
			edgeEv[ei] = ev
			if level[v] >= 0 {
				if edgeEv[ei], err = d.andOutcome(ev, level[v], g.edges[ei].srcPort); err != nil {
					return nil, nil, fmt.Errorf("edge %q: %w", g.edges[ei].e.ID, err)
				}
			}
			edgeP[ei] = d.prob(edgeEv[ei])
		}
	}
	return nodeP, edgeP, nil
}

// outcomes returns a choice node's outcome probabilities, indexed like its output ports; nil otherwise.
func outcomes(n *Node) []decimal.Decimal {
	switch n.Kind {
	case KindRouter:
		o := make([]decimal.Decimal, len(n.Router.Branches))
		for i, b := range n.Router.Branches {
			o[i] = b.Weight
		}
		return o
	case KindCache: // ports: hit, miss
		return []decimal.Decimal{n.Cache.HitRate, one.Sub(n.Cache.HitRate)}
	case KindGuardrail: // ports: pass, blocked
		return []decimal.Decimal{one.Sub(n.Guardrail.BlockRate), n.Guardrail.BlockRate}
	}
	return nil
}

type path struct {
	ms   float64
	path []int
}

// criticalPath is the longest path to an OUTPUT node: L(v) = d(v) + max over incoming edges that can
// deliver (probability > 0) of L(source), the longest-path recurrence over a topological order; ties go to
// the edge listed first.
func criticalPath(g *graph, order []int, edgeP, nodeP []decimal.Decimal, d func(int) float64) path {
	L := make([]float64, len(g.nodes))
	via := make([]int, len(g.nodes))
	for _, v := range order {
		via[v] = -1
		best := 0.0
		for _, ei := range g.in[v] {
			if !edgeP[ei].IsPositive() {
				continue
			}
			if u := g.edges[ei].src; via[v] < 0 || L[u] > best {
				best, via[v] = L[u], u
			}
		}
		L[v] = best + d(v)
	}
	end := -1
	for _, v := range order {
		if g.nodes[v].Kind == KindOutput && nodeP[v].IsPositive() && (end < 0 || L[v] > L[end]) {
			end = v
		}
	}
	if end < 0 {
		return path{path: []int{}}
	}
	var p []int
	for v := end; v >= 0; v = via[v] {
		p = append(p, v)
	}
	slices.Reverse(p)
	return path{ms: L[end], path: p}
}

func round3(x float64) float64 {
	if math.IsNaN(x) || math.IsInf(x, 0) {
		return 0
	}
	return math.Round(x*1000) / 1000
}
