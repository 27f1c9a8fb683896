package pipeline

// typer resolves the type each edge carries. A pass-through output carries the type arriving at its node's
// "in" port: the one type all incoming edges agree on, or ANY when they disagree, when there is none, or
// on a cycle.
type typer struct {
	g     *graph
	state []int8 // 0 unresolved, 1 resolving, 2 resolved
	pass  []PortType
}

func newTyper(g *graph) *typer {
	return &typer{g: g, state: make([]int8, len(g.nodes)), pass: make([]PortType, len(g.nodes))}
}

func (t *typer) edgeType(ei int) PortType {
	ge := &t.g.edges[ei]
	port := outputPorts(t.g.nodes[ge.src])[ge.srcPort]
	if !port.PassThrough {
		return port.Types[0]
	}
	return t.passType(ge.src)
}

func (t *typer) passType(v int) PortType {
	switch t.state[v] {
	case 1:
		return PortAny
	case 2:
		return t.pass[v]
	}
	t.state[v] = 1
	in, _ := findPort(inputPorts(t.g.nodes[v]), portPassIn)
	var typ PortType
	for _, ei := range t.g.in[v] {
		if t.g.edges[ei].dstPort != in || t.g.edges[ei].srcPort < 0 {
			continue
		}
		et := t.edgeType(ei)
		if typ == "" {
			typ = et
		} else if et != typ {
			typ = PortAny
		}
	}
	if typ == "" {
		typ = PortAny
	}
	t.state[v], t.pass[v] = 2, typ
	return typ
}
