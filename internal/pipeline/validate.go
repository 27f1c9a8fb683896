package pipeline

import (
	"fmt"
	"strings"

	"github.com/modelarchitect/architect/internal/catalog"
)

// Validate checks a pipeline against the catalog and returns every problem it finds, in a stable order:
// size, node ids and kinds, node configs, edges, input and output nodes, unconnected ports, cycles,
// reachability, port types. A nil catalog knows no model. The pipeline is valid when no problem is an ERROR.
func Validate(cat *catalog.Catalog, p Pipeline) []Problem {
	_, ps := build(cat, p)
	return ps
}

// build resolves the pipeline into a graph and collects its problems. The graph is nil when the pipeline
// is over the size caps.
func build(cat *catalog.Catalog, p Pipeline) (*graph, []Problem) {
	var ps problems
	if len(p.Nodes) > MaxNodes || len(p.Edges) > MaxEdges {
		ps.add(CodeTooLarge, nil, nil,
			"pipeline has %d nodes and %d edges; the limit is %d nodes and %d edges: split it into smaller pipelines",
			len(p.Nodes), len(p.Edges), MaxNodes, MaxEdges)
		return nil, ps.list
	}
	models := indexModels(cat)
	g := &graph{
		index: make(map[string]int, len(p.Nodes)),
		out:   make([][]int, 0, len(p.Nodes)),
		in:    make([][]int, 0, len(p.Nodes)),
	}
	firstAt := map[string]int{}
	for i := range p.Nodes {
		n := &p.Nodes[i]
		switch {
		case n.ID == "":
			ps.add(CodeInvalidID, nil, nil, "nodes[%d] has no id", i)
		case len(n.ID) > MaxIDLength:
			ps.add(CodeInvalidID, nil, nil, "nodes[%d] has an id of %d bytes; the limit is %d", i, len(n.ID), MaxIDLength)
		default:
			if j, dup := firstAt[n.ID]; dup {
				ps.add(CodeDuplicateNodeID, ids(n.ID), nil,
					"node id %q is used by nodes[%d] and nodes[%d]; node ids must be unique", n.ID, j, i)
				break
			}
			firstAt[n.ID] = i
			g.index[n.ID] = len(g.nodes)
			g.nodes = append(g.nodes, n)
			g.out = append(g.out, nil)
			g.in = append(g.in, nil)
		}
		if _, ok := specOf(n.Kind); !ok {
			ps.add(CodeUnknownKind, idsOf(n), nil, "%s has kind %q; the kinds are %s",
				label(i, n), string(n.Kind), kindList())
			continue
		}
		checkConfig(&ps, models, i, n)
	}
	checkEdges(&ps, g, p.Edges)
	checkEnds(&ps, g)
	checkConnections(&ps, g)
	for _, comp := range g.sccs() {
		path, edges := g.cycleThrough(comp[0], comp)
		pathIDs := g.nodeIDs(path)
		edgeIDs := make([]string, len(edges))
		for i, e := range edges {
			edgeIDs[i] = g.edges[e].e.ID
		}
		ps.list = append(ps.list, Problem{
			Code: CodeCycle, Severity: SeverityError, NodeIDs: g.nodeIDs(comp), EdgeIDs: edgeIDs, Path: pathIDs,
			Message: fmt.Sprintf("cycle %s; a pipeline must not loop back: remove one of the edges %s",
				strings.Join(pathIDs, " → "), strings.Join(edgeIDs, ", ")),
		})
	}
	checkReachability(&ps, g)
	checkPortTypes(&ps, g)
	return g, ps.list
}

func checkEdges(ps *problems, g *graph, edges []Edge) {
	edgeAt := map[string]int{}
	joined := map[[4]string]string{}
	for i := range edges {
		e := &edges[i]
		switch {
		case e.ID == "":
			ps.add(CodeInvalidID, nil, nil, "edges[%d] has no id", i)
		case len(e.ID) > MaxIDLength:
			ps.add(CodeInvalidID, nil, nil, "edges[%d] has an id of %d bytes; the limit is %d", i, len(e.ID), MaxIDLength)
		default:
			if j, dup := edgeAt[e.ID]; dup {
				ps.add(CodeDuplicateEdgeID, nil, ids(e.ID),
					"edge id %q is used by edges[%d] and edges[%d]; edge ids must be unique", e.ID, j, i)
			} else {
				edgeAt[e.ID] = i
			}
		}
		src, okS := g.index[e.Source]
		dst, okT := g.index[e.Target]
		if !okS || !okT {
			var missing []string
			if !okS {
				missing = append(missing, fmt.Sprintf("source node %q", e.Source))
			}
			if !okT {
				missing = append(missing, fmt.Sprintf("target node %q", e.Target))
			}
			ps.add(CodeDanglingEdge, nil, ids(e.ID), "edge %q: %s does not exist", e.ID, strings.Join(missing, " and "))
			continue
		}
		ge := gedge{e: e, src: src, dst: dst, srcPort: -1, dstPort: -1}
		if _, known := specOf(g.nodes[src].Kind); known {
			ge.srcPort = resolvePort(ps, g, e, src, outputPorts(g.nodes[src]), e.SourcePort, "output")
		}
		if _, known := specOf(g.nodes[dst].Kind); known {
			ge.dstPort = resolvePort(ps, g, e, dst, inputPorts(g.nodes[dst]), e.TargetPort, "input")
		}
		if ge.srcPort >= 0 && ge.dstPort >= 0 {
			key := [4]string{e.Source, outputPorts(g.nodes[src])[ge.srcPort].Name, e.Target, inputPorts(g.nodes[dst])[ge.dstPort].Name}
			if first, dup := joined[key]; dup {
				ps.add(CodeDuplicateEdge, ids(e.Source, e.Target), ids(first, e.ID),
					"edges %q and %q both join %s.%s to %s.%s; remove one", first, e.ID, key[0], key[1], key[2], key[3])
			} else {
				joined[key] = e.ID
			}
		}
		g.addEdge(ge)
	}
}

// resolvePort finds the named port and reports it when it cannot. An empty name means the only port, or
// the only required one (an LLM's "prompt").
func resolvePort(ps *problems, g *graph, e *Edge, v int, ports []PortSpec, name, side string) int {
	if name == "" {
		if len(ports) == 1 {
			return 0
		}
		required := -1
		for i, p := range ports {
			if p.Required {
				if required >= 0 {
					required = -1
					break
				}
				required = i
			}
		}
		if required >= 0 {
			return required
		}
		if len(ports) == 0 {
			ps.add(CodeUnknownPort, ids(g.nodes[v].ID), ids(e.ID), "edge %q: %s has no %s ports", e.ID, g.describe(v), side)
			return -1
		}
		ps.add(CodeUnknownPort, ids(g.nodes[v].ID), ids(e.ID), "edge %q names no %s port and %s has %d: %s; name one",
			e.ID, side, g.describe(v), len(ports), portNames(ports))
		return -1
	}
	if i, ok := findPort(ports, name); ok {
		return i
	}
	if len(ports) == 0 {
		ps.add(CodeUnknownPort, ids(g.nodes[v].ID), ids(e.ID), "edge %q: %s has no %s ports", e.ID, g.describe(v), side)
		return -1
	}
	ps.add(CodeUnknownPort, ids(g.nodes[v].ID), ids(e.ID), "edge %q: %s has no %s port %q; its %s ports are %s",
		e.ID, g.describe(v), side, name, side, portNames(ports))
	return -1
}

func checkEnds(ps *problems, g *graph) {
	inputs := g.ofKind(KindInput)
	switch {
	case len(inputs) == 0:
		ps.add(CodeMissingInputNode, nil, nil, "the pipeline has no INPUT node; add exactly one")
	case len(inputs) > 1:
		ps.add(CodeMultipleInputNodes, g.nodeIDs(inputs), nil, "the pipeline has %d INPUT nodes (%s); keep exactly one",
			len(inputs), strings.Join(g.nodeIDs(inputs), ", "))
	}
	if len(g.ofKind(KindOutput)) == 0 {
		ps.add(CodeMissingOutputNode, nil, nil, "the pipeline has no OUTPUT node; add at least one")
	}
}

func checkConnections(ps *problems, g *graph) {
	for v, n := range g.nodes {
		for pi, port := range inputPorts(n) {
			if port.Required && !g.hasEdgeAt(g.in[v], pi, false) {
				ps.add(CodeMissingInputConnection, ids(n.ID), nil, "%s: input port %q is not connected", g.describe(v), port.Name)
			}
		}
		if n.Kind == KindRouter {
			for pi, port := range outputPorts(n) {
				if !g.hasEdgeAt(g.out[v], pi, true) {
					ps.add(CodeUnconnectedBranch, ids(n.ID), nil, "%s: branch %q leads nowhere; connect it or remove it",
						g.describe(v), port.Name)
				}
			}
		}
	}
}

func (g *graph) hasEdgeAt(edges []int, port int, source bool) bool {
	for _, ei := range edges {
		p := g.edges[ei].dstPort
		if source {
			p = g.edges[ei].srcPort
		}
		if p == port {
			return true
		}
	}
	return false
}

func checkReachability(ps *problems, g *graph) {
	if inputs := g.ofKind(KindInput); len(inputs) > 0 {
		seen := g.reach(inputs, true)
		for v, ok := range seen {
			if !ok {
				ps.add(CodeUnreachableNode, ids(g.nodes[v].ID), nil,
					"%s cannot be reached from the INPUT node; connect it or remove it", g.describe(v))
			}
		}
	}
	if outputs := g.ofKind(KindOutput); len(outputs) > 0 {
		seen := g.reach(outputs, false)
		for v, ok := range seen {
			if !ok {
				ps.add(CodeDeadEnd, ids(g.nodes[v].ID), nil,
					"%s does not lead to an OUTPUT node, so its result is never returned (fine for side effects)", g.describe(v))
			}
		}
	}
}

func checkPortTypes(ps *problems, g *graph) {
	t := newTyper(g)
	for i := range g.edges {
		ge := &g.edges[i]
		if ge.srcPort < 0 || ge.dstPort < 0 {
			continue
		}
		out := t.edgeType(i)
		in := inputPorts(g.nodes[ge.dst])[ge.dstPort]
		if accepts(in.Types, out) {
			continue
		}
		ps.add(CodePortTypeMismatch, ids(ge.e.Source, ge.e.Target), ids(ge.e.ID),
			"edge %q: %s output %q carries %s but %s input %q accepts %s",
			ge.e.ID, g.describe(ge.src), outputPorts(g.nodes[ge.src])[ge.srcPort].Name, out,
			g.describe(ge.dst), in.Name, typeList(in.Types))
	}
}

func label(i int, n *Node) string {
	if n.ID == "" || len(n.ID) > MaxIDLength {
		return fmt.Sprintf("nodes[%d]", i)
	}
	return fmt.Sprintf("node %q", n.ID)
}

func idsOf(n *Node) []string {
	if n.ID == "" || len(n.ID) > MaxIDLength {
		return nil
	}
	return ids(n.ID)
}

func kindList() string {
	names := make([]string, len(kindSpecs))
	for i, s := range kindSpecs {
		names[i] = string(s.Kind)
	}
	return strings.Join(names, ", ")
}

func portNames(ports []PortSpec) string {
	names := make([]string, len(ports))
	for i, p := range ports {
		names[i] = fmt.Sprintf("%q", p.Name)
	}
	return strings.Join(names, ", ")
}

func typeList(ts []PortType) string {
	names := make([]string, len(ts))
	for i, t := range ts {
		names[i] = string(t)
	}
	return strings.Join(names, " or ")
}
