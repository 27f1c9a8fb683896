package limits

import (
	"math"

	"github.com/vektah/gqlparser/v2/ast"
)

// Cost is what Measure finds in one operation.
type Cost struct {
	// Depth is the deepest nesting of fields, a root field being 1. Spreads and inline fragments add no
	// level. The subtrees of __schema and __type are not counted: the validator's MaxIntrospectionDepth
	// rule already bounds their cycles, and their ofType chains resolve to null after a few levels.
	Depth int
	// Complexity counts every field once, except that a field taking first or last (a connection)
	// multiplies the complexity of its children by its page size: 1 + page × children.
	Complexity int
	// Aliases counts the fields written with an alias, after fragments are expanded.
	Aliases int
}

// ceiling caps every count so that a fan-out of fragments cannot overflow an int.
const ceiling = math.MaxInt32

// Measure walks op, expanding fragments once per selection set as execution does, and returns its cost.
// vars are the operation's coerced variables; defaultPage is the page size assumed for a connection
// called without first or last (or with them null). op must have passed validation (its fields and
// spreads carry their definitions); a fragment cycle, which validation refuses, counts as empty.
func Measure(op *ast.OperationDefinition, vars map[string]any, defaultPage int) Cost {
	if op == nil {
		return Cost{}
	}
	m := measurer{vars: vars, defaultPage: defaultPage, fragments: map[string]*Cost{}}
	return m.selectionSet(op.SelectionSet)
}

type measurer struct {
	vars        map[string]any
	defaultPage int
	// fragments memoises each fragment's cost (its depth relative to where it is spread), so that a
	// fragment spread many times is walked once and the walk stays linear in the document's size.
	fragments map[string]*Cost
}

func (m *measurer) selectionSet(set ast.SelectionSet) Cost {
	var c Cost
	visited := map[string]bool{}
	m.collect(set, visited, &c)
	return c
}

// collect adds the selections of set to c. Like the executor's CollectFields, a fragment spread a second
// time into the same selection set adds nothing: its fields merge with the first spread's.
func (m *measurer) collect(set ast.SelectionSet, visited map[string]bool, c *Cost) {
	for _, sel := range set {
		switch s := sel.(type) {
		case *ast.Field:
			f := m.field(s)
			c.Depth = max(c.Depth, f.Depth)
			c.Complexity = add(c.Complexity, f.Complexity)
			c.Aliases = add(c.Aliases, f.Aliases)
		case *ast.InlineFragment:
			m.collect(s.SelectionSet, visited, c)
		case *ast.FragmentSpread:
			if visited[s.Name] {
				continue
			}
			visited[s.Name] = true
			f := m.fragment(s)
			c.Depth = max(c.Depth, f.Depth)
			c.Complexity = add(c.Complexity, f.Complexity)
			c.Aliases = add(c.Aliases, f.Aliases)
		}
	}
}

func (m *measurer) fragment(s *ast.FragmentSpread) Cost {
	if c, ok := m.fragments[s.Name]; ok {
		if c == nil { // a cycle: validation refuses these, so count nothing rather than recurse forever
			return Cost{}
		}
		return *c
	}
	if s.Definition == nil {
		return Cost{}
	}
	m.fragments[s.Name] = nil
	c := m.selectionSet(s.Definition.SelectionSet)
	m.fragments[s.Name] = &c
	return c
}

func (m *measurer) field(f *ast.Field) Cost {
	children := m.selectionSet(f.SelectionSet)
	c := Cost{
		Depth:      children.Depth + 1,
		Complexity: add(1, mul(m.page(f), children.Complexity)),
		Aliases:    children.Aliases,
	}
	if f.Alias != "" && f.Alias != f.Name {
		c.Aliases = add(c.Aliases, 1)
	}
	if f.Name == "__schema" || f.Name == "__type" {
		c.Depth = 0
	}
	return c
}

// page is the multiplier of f's children: the larger of first and last for a connection, the default page
// when both are absent or null, and 1 for any other field.
func (m *measurer) page(f *ast.Field) int {
	if !connection(f) {
		return 1
	}
	n, given := int64(0), false
	for _, name := range []string{"first", "last"} {
		if k, ok, _ := pageArg(f, name, m.vars); ok {
			n, given = max(n, k), true
		}
	}
	if !given {
		return m.defaultPage
	}
	return int(min(max(n, 0), ceiling))
}

func add(a, b int) int { return min(a+b, ceiling) }

func mul(a, b int) int {
	if a == 0 || b == 0 {
		return 0
	}
	if a > ceiling/b {
		return ceiling
	}
	return a * b
}
