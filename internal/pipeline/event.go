package pipeline

import (
	"errors"
	"fmt"
	"slices"
	"strconv"
	"strings"

	"github.com/shopspring/decimal"
)

// ErrTooComplex is returned when the branching of a valid pipeline is too intricate to compute its
// execution probabilities within the engine's bounds.
var ErrTooComplex = errors.New("pipeline branching is too complex to cost")

// The probability that a node runs is computed exactly from the choices upstream of it. Every ROUTER, CACHE
// and GUARDRAIL node is a choice made once per run, independently of the others, with the outcome
// probabilities of its config (branch weights; hit rate h: hit h, miss 1−h; block rate b: pass 1−b,
// blocked b). A node runs when any of its incoming edges delivers ("OR-join"), so its event is the union of
// its incoming edges' events; an edge from a choice output adds "and that choice took this outcome".
//
// Events are kept as a reduced ordered multi-valued decision diagram: each inner vertex tests one choice
// and has one child per outcome; choices are ordered latest first (reverse topological order, so adding
// an edge's choice is one vertex on top), vertices are shared, and a vertex whose children are all the
// same is dropped. The diagram of a function is unique, so branches that
// rejoin collapse by themselves ((X=a) ∨ (X=b) = true when X has outcomes a and b), a parallel fan-out that
// rejoins counts once, and independent choices combine by inclusion–exclusion (P(a ∪ c) = P(a) + P(c) −
// P(a)·P(c)). P(vertex) = Σ_o P(X=o) · P(child_o).

// Probabilities are rounded to probabilityPlaces decimals (intermediate products to workPlaces), so long
// chains of choices cannot produce numbers with thousands of digits; figures with fewer decimals stay exact.
const (
	probabilityPlaces = 20
	workPlaces        = 30
)

// Terminal vertices.
const (
	never  = 0
	always = 1
)

type vertex struct {
	level int   // position of the choice in the variable order
	kids  []int // one per outcome
}

// diagram holds every event of one pipeline.
type diagram struct {
	outcomes [][]decimal.Decimal // by level: the probability of each outcome
	vertices []vertex
	unique   map[string]int
	orMemo   map[[2]int]int
	probMemo map[int]decimal.Decimal
	limit    int // most vertices
	steps    int // non-trivial or() calls so far, at most maxDiagramSteps
}

func newDiagram(outcomes [][]decimal.Decimal, limit int) *diagram {
	return &diagram{
		outcomes: outcomes,
		vertices: []vertex{{level: -1}, {level: -1}}, // never, always
		unique:   map[string]int{}, orMemo: map[[2]int]int{},
		probMemo: map[int]decimal.Decimal{never: decimal.Zero, always: decimal.NewFromInt(1)},
		limit:    limit,
	}
}

func (d *diagram) tooComplex() error {
	return fmt.Errorf("%w: its events need more than %d decision-diagram vertices", ErrTooComplex, d.limit)
}

// mk returns the vertex testing level with these children, sharing an existing one and dropping a test
// whose children are all the same.
func (d *diagram) mk(level int, kids []int) (int, error) {
	if !slices.ContainsFunc(kids, func(k int) bool { return k != kids[0] }) {
		return kids[0], nil
	}
	var b strings.Builder
	b.WriteString(strconv.Itoa(level))
	for _, k := range kids {
		b.WriteByte(',')
		b.WriteString(strconv.Itoa(k))
	}
	key := b.String()
	if v, ok := d.unique[key]; ok {
		return v, nil
	}
	if len(d.vertices) >= d.limit {
		return 0, d.tooComplex()
	}
	d.vertices = append(d.vertices, vertex{level: level, kids: kids})
	d.unique[key] = len(d.vertices) - 1
	return len(d.vertices) - 1, nil
}

// child returns v's child for outcome o of level, or v itself when v does not test level.
func (d *diagram) child(v, level, o int) int {
	if v <= always || d.vertices[v].level != level {
		return v
	}
	return d.vertices[v].kids[o]
}

func (d *diagram) or(a, b int) (int, error) {
	switch {
	case a == never || a == b:
		return b, nil
	case b == never:
		return a, nil
	case a == always || b == always:
		return always, nil
	}
	if a > b {
		a, b = b, a
	}
	if r, ok := d.orMemo[[2]int{a, b}]; ok {
		return r, nil
	}
	if d.steps++; d.steps > maxDiagramSteps {
		return 0, fmt.Errorf("%w: combining its events takes more than %d steps", ErrTooComplex, maxDiagramSteps)
	}
	top := min(d.vertices[a].level, d.vertices[b].level)
	kids := make([]int, len(d.outcomes[top]))
	for o := range kids {
		k, err := d.or(d.child(a, top, o), d.child(b, top, o))
		if err != nil {
			return 0, err
		}
		kids[o] = k
	}
	r, err := d.mk(top, kids)
	if err != nil {
		return 0, err
	}
	d.orMemo[[2]int{a, b}] = r
	return r, nil
}

// andOutcome returns v ∧ (the choice at level took outcome o). Choices are ordered latest first, so level
// comes before every level tested in v and the result is one new vertex above v.
func (d *diagram) andOutcome(v, level, o int) (int, error) {
	kids := make([]int, len(d.outcomes[level]))
	kids[o] = v
	return d.mk(level, kids)
}

// prob returns the probability of event v, rounded to probabilityPlaces decimals.
func (d *diagram) prob(v int) decimal.Decimal { return d.exact(v).Round(probabilityPlaces) }

func (d *diagram) exact(v int) decimal.Decimal {
	if p, ok := d.probMemo[v]; ok {
		return p
	}
	vx := d.vertices[v]
	sum := decimal.Zero
	for o, k := range vx.kids {
		if q := d.outcomes[vx.level][o]; !q.IsZero() && k != never {
			sum = sum.Add(q.Mul(d.exact(k)).Round(workPlaces))
		}
	}
	d.probMemo[v] = sum
	return sum
}
