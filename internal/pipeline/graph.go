package pipeline

import (
	"fmt"
	"slices"
	"strings"
)

// graph is the pipeline with ids resolved: the first node with an id owns it, dangling edges are left out.
type graph struct {
	nodes   []*Node
	index   map[string]int
	edges   []gedge
	out, in [][]int // edge indices by node
}

// gedge is an edge whose nodes exist; srcPort/dstPort are -1 when the port could not be resolved.
type gedge struct {
	e                *Edge
	src, dst         int
	srcPort, dstPort int
}

func (g *graph) addEdge(ge gedge) {
	i := len(g.edges)
	g.edges = append(g.edges, ge)
	g.out[ge.src] = append(g.out[ge.src], i)
	g.in[ge.dst] = append(g.in[ge.dst], i)
}

func (g *graph) ofKind(k Kind) []int {
	var idx []int
	for i, n := range g.nodes {
		if n.Kind == k {
			idx = append(idx, i)
		}
	}
	return idx
}

func (g *graph) nodeIDs(idx []int) []string {
	out := make([]string, len(idx))
	for i, n := range idx {
		out[i] = g.nodes[n].ID
	}
	return out
}

// sccs returns the strongly connected components that contain a cycle (more than one node, or a self-loop),
// each sorted by node index, in order of their smallest node (Tarjan's algorithm, iterative).
func (g *graph) sccs() [][]int {
	n := len(g.nodes)
	index := make([]int, n)
	low := make([]int, n)
	onStack := make([]bool, n)
	for i := range index {
		index[i] = -1
	}
	var stack []int
	var comps [][]int
	next := 0
	type frame struct{ v, e int }
	for root := 0; root < n; root++ {
		if index[root] >= 0 {
			continue
		}
		call := []frame{{root, 0}}
		index[root], low[root] = next, next
		next++
		stack = append(stack, root)
		onStack[root] = true
		for len(call) > 0 {
			f := &call[len(call)-1]
			if f.e < len(g.out[f.v]) {
				w := g.edges[g.out[f.v][f.e]].dst
				f.e++
				if index[w] < 0 {
					index[w], low[w] = next, next
					next++
					stack = append(stack, w)
					onStack[w] = true
					call = append(call, frame{w, 0})
				} else if onStack[w] && index[w] < low[f.v] {
					low[f.v] = index[w]
				}
				continue
			}
			v := f.v
			call = call[:len(call)-1]
			if len(call) > 0 {
				if p := call[len(call)-1].v; low[v] < low[p] {
					low[p] = low[v]
				}
			}
			if low[v] != index[v] {
				continue
			}
			var comp []int
			for {
				w := stack[len(stack)-1]
				stack = stack[:len(stack)-1]
				onStack[w] = false
				comp = append(comp, w)
				if w == v {
					break
				}
			}
			if len(comp) > 1 || g.hasSelfLoop(v) {
				slices.Sort(comp)
				comps = append(comps, comp)
			}
		}
	}
	// order components by their smallest node so problems come in node order
	slices.SortFunc(comps, func(a, b []int) int { return a[0] - b[0] })
	return comps
}

func (g *graph) hasSelfLoop(v int) bool {
	for _, ei := range g.out[v] {
		if g.edges[ei].dst == v {
			return true
		}
	}
	return false
}

// cycleThrough returns the shortest cycle from start back to start inside the component members, as node
// indices (start repeated at the end) and the edges taken (breadth-first search, edges in input order).
func (g *graph) cycleThrough(start int, members []int) (path []int, edges []int) {
	in := make(map[int]bool, len(members))
	for _, m := range members {
		in[m] = true
	}
	parentEdge := map[int]int{}
	queue := []int{start}
	seen := map[int]bool{start: true}
	for len(queue) > 0 {
		u := queue[0]
		queue = queue[1:]
		for _, ei := range g.out[u] {
			w := g.edges[ei].dst
			if !in[w] {
				continue
			}
			if w == start {
				edges = []int{ei}
				for v := u; v != start; {
					pe := parentEdge[v]
					edges = append(edges, pe)
					v = g.edges[pe].src
				}
				slices.Reverse(edges)
				path = []int{start}
				for _, e := range edges {
					path = append(path, g.edges[e].dst)
				}
				return path, edges
			}
			if !seen[w] {
				seen[w] = true
				parentEdge[w] = ei
				queue = append(queue, w)
			}
		}
	}
	return nil, nil
}

// reach returns which nodes are reachable from the given nodes, forward or backward.
func (g *graph) reach(from []int, forward bool) []bool {
	seen := make([]bool, len(g.nodes))
	queue := append([]int(nil), from...)
	for _, v := range from {
		seen[v] = true
	}
	for len(queue) > 0 {
		u := queue[0]
		queue = queue[1:]
		adj := g.in[u]
		if forward {
			adj = g.out[u]
		}
		for _, ei := range adj {
			w := g.edges[ei].src
			if forward {
				w = g.edges[ei].dst
			}
			if !seen[w] {
				seen[w] = true
				queue = append(queue, w)
			}
		}
	}
	return seen
}

// topoOrder returns the nodes in topological order, taking the lowest-indexed ready node first (Kahn's
// algorithm), so the order follows the input where the graph leaves a choice. ok is false on a cycle.
func (g *graph) topoOrder() (order []int, ok bool) {
	n := len(g.nodes)
	indeg := make([]int, n)
	for _, e := range g.edges {
		indeg[e.dst]++
	}
	ready := make([]bool, n)
	for v := range n {
		ready[v] = indeg[v] == 0
	}
	for len(order) < n {
		v := -1
		for i := range n {
			if ready[i] {
				v = i
				break
			}
		}
		if v < 0 {
			return order, false
		}
		ready[v] = false
		order = append(order, v)
		for _, ei := range g.out[v] {
			w := g.edges[ei].dst
			indeg[w]--
			if indeg[w] == 0 {
				ready[w] = true
			}
		}
	}
	return order, true
}

// depthFirstOrder returns the nodes in reverse post-order of a depth-first search that starts from each
// node without incoming edges (in input order) and follows edges in input order; on an acyclic graph it is
// a topological order.
func (g *graph) depthFirstOrder() []int {
	n := len(g.nodes)
	seen := make([]bool, n)
	post := make([]int, 0, n)
	type frame struct{ v, e int }
	for root := range n {
		if seen[root] || len(g.in[root]) > 0 {
			continue
		}
		seen[root] = true
		stack := []frame{{root, 0}}
		for len(stack) > 0 {
			f := &stack[len(stack)-1]
			if f.e < len(g.out[f.v]) {
				w := g.edges[g.out[f.v][f.e]].dst
				f.e++
				if !seen[w] {
					seen[w] = true
					stack = append(stack, frame{w, 0})
				}
				continue
			}
			post = append(post, f.v)
			stack = stack[:len(stack)-1]
		}
	}
	slices.Reverse(post)
	return post
}

func (g *graph) describe(v int) string {
	return fmt.Sprintf("%s %q", strings.ToLower(string(g.nodes[v].Kind)), g.nodes[v].ID)
}
