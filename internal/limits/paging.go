package limits

import (
	"encoding/json"
	"math"
	"strconv"

	"github.com/vektah/gqlparser/v2/ast"
	"github.com/vektah/gqlparser/v2/gqlerror"
)

// The paging policy of every connection (a field that takes first or last), applied here and nowhere else:
// a connection asked for without a page (neither first nor last, or both null) is given first: DefaultPage
// (Config.DefaultPage), or last: DefaultPage when it pages back from before, before anything runs, so that
// entgql's eager loading, the resolvers and the complexity limit all see the page that is loaded. Refused: a
// page that is not a whole number, or is over MaxPage or negative; first with last; a cursor on the other
// side from the page's direction (before with first, after with last, or both cursors); and a cursor that
// Config.Cursor says this API did not make for the connection as it is ordered.
const (
	DefaultPage = 20
	MaxPage     = 100
)

// connection reports whether f pages: its definition takes first or last.
func connection(f *ast.Field) bool {
	return f.Definition != nil && (f.Definition.Arguments.ForName("first") != nil || f.Definition.Arguments.ForName("last") != nil)
}

// pageArg is the value of f's argument name (first or last), variables resolved: absent (or null), an
// integer, or something else (a string, a fraction), which GraphQL's Int does not take. This is the one place
// a page size is read.
func pageArg(f *ast.Field, name string, vars map[string]any) (n int64, given, valid bool) {
	a := f.Arguments.ForName(name)
	if a == nil {
		return 0, false, true
	}
	v, err := a.Value.Value(vars)
	if err != nil || v == nil {
		return 0, false, err == nil // an unreadable literal: validation said so already
	}
	n, valid = int64Of(v)
	return n, true, valid
}

func int64Of(v any) (int64, bool) {
	switch x := v.(type) {
	case int:
		return int64(x), true
	case int32:
		return int64(x), true
	case int64:
		return x, true
	case float64: // whole numbers only; huge ones are clamped, to be refused as out of bounds
		return int64(max(min(x, 1<<62), -(1 << 62))), x == math.Trunc(x)
	case json.Number:
		if n, err := strconv.ParseInt(string(x), 10, 64); err == nil {
			return n, true
		}
		if f, err := x.Float64(); err == nil {
			return int64Of(f)
		}
	}
	return 0, false
}

// order is how f is ordered, variables resolved and its default applied: by how many orderBy fields, and
// whether its orderBy is one object (a connection such as itemResults takes one) rather than a list.
func order(f *ast.Field, vars map[string]any) Order {
	a := f.Definition.Arguments.ForName("orderBy")
	if a == nil {
		return Order{}
	}
	o := Order{Single: a.Type.Elem == nil}
	switch v := f.ArgumentMap(vars)["orderBy"].(type) {
	case []any:
		o.Terms = len(v)
	case map[string]any:
		o.Terms = 1
	}
	return o
}

// paging applies the policy to one operation: defaultPages returns the operation (and its document) with
// every connection paged, copying only what changes, and records the first refusal.
type paging struct {
	vars        map[string]any
	defaultPage int
	cursor      func(value any, o Order) bool      // Config.Cursor
	fragments   map[string]*ast.FragmentDefinition // fragments walked: the paged copy, or the original when unchanged; nil while walked
	refusal     *gqlerror.Error
}

// defaultPages returns doc and op with first: defaultPage (last: defaultPage with before) given to every
// connection without a page, and the refusal of the first connection (in document order) whose page or
// cursors the policy refuses (arguments). doc and
// op are returned themselves when no connection lacks a page: they may be shared with other requests (the
// query cache), so they are never changed.
func defaultPages(doc *ast.QueryDocument, op *ast.OperationDefinition, vars map[string]any, defaultPage int,
	cursor func(any, Order) bool) (*ast.QueryDocument, *ast.OperationDefinition, *gqlerror.Error) {
	p := &paging{vars: vars, defaultPage: defaultPage, cursor: cursor, fragments: map[string]*ast.FragmentDefinition{}}
	set, changed := p.selectionSet(op.SelectionSet)
	if !changed {
		return doc, op, p.refusal
	}
	paged := *op
	paged.SelectionSet = set
	if doc == nil {
		return nil, &paged, p.refusal
	}
	d := *doc
	d.Operations = make(ast.OperationList, len(doc.Operations))
	for i, o := range doc.Operations {
		d.Operations[i] = o
		if o == op {
			d.Operations[i] = &paged
		}
	}
	d.Fragments = make(ast.FragmentDefinitionList, len(doc.Fragments))
	for i, f := range doc.Fragments {
		d.Fragments[i] = f
		if g := p.fragments[f.Name]; g != nil {
			d.Fragments[i] = g
		}
	}
	return &d, &paged, p.refusal
}

// selectionSet returns set with its connections paged, and whether that changed anything (set itself is
// returned when it did not).
func (p *paging) selectionSet(set ast.SelectionSet) (ast.SelectionSet, bool) {
	var out ast.SelectionSet // a copy of set, made at the first change
	for i, sel := range set {
		var paged ast.Selection
		switch s := sel.(type) {
		case *ast.Field:
			children, changed := p.selectionSet(s.SelectionSet)
			args, defaulted := p.arguments(s)
			if changed || defaulted {
				f := *s
				f.SelectionSet, f.Arguments = children, args
				paged = &f
			}
		case *ast.InlineFragment:
			if children, changed := p.selectionSet(s.SelectionSet); changed {
				f := *s
				f.SelectionSet = children
				paged = &f
			}
		case *ast.FragmentSpread:
			if def, changed := p.fragment(s); changed {
				f := *s
				f.Definition = def
				paged = &f
			}
		}
		if paged == nil {
			continue
		}
		if out == nil {
			out = make(ast.SelectionSet, len(set))
			copy(out, set)
		}
		out[i] = paged
	}
	if out == nil {
		return set, false
	}
	return out, true
}

// fragment returns the paged definition of the fragment s spreads, walking it once per operation.
func (p *paging) fragment(s *ast.FragmentSpread) (*ast.FragmentDefinition, bool) {
	if s.Definition == nil {
		return nil, false
	}
	if def, walked := p.fragments[s.Name]; walked {
		if def == nil { // a cycle: validation refuses these
			return s.Definition, false
		}
		return def, def != s.Definition
	}
	p.fragments[s.Name] = nil
	def := s.Definition
	if children, changed := p.selectionSet(def.SelectionSet); changed {
		d := *def
		d.SelectionSet = children
		def = &d
	}
	p.fragments[s.Name] = def
	return def, def != s.Definition
}

// arguments checks the page of field f, when it is a connection, and returns its arguments with a default
// page when it has none, and whether it had none. A connection pages one way: forwards with first from after,
// or backwards with last from before. entgql reads a cursor as the start of the page in the direction the page
// is read, so before with first (or after with last, or both cursors) would give the rows on the wrong side of
// it: that is refused. Without first or last, before reads last: defaultPage; anything else first: defaultPage.
func (p *paging) arguments(f *ast.Field) (ast.ArgumentList, bool) {
	if !connection(f) {
		return f.Arguments, false
	}
	var given [2]bool // first, last
	for i, name := range []string{"first", "last"} {
		n, ok, valid := pageArg(f, name, p.vars)
		given[i] = ok
		switch {
		case !valid:
			p.refuse(f, name, "%s.%s must be a whole number (an Int) between 0 and %d", f.Alias, name, MaxPage)
		case ok && (n < 0 || n > MaxPage):
			p.refuse(f, name, "%s.%s must be between 0 and %d", f.Alias, name, MaxPage)
		}
	}
	after, before := p.value(f, "after"), p.value(f, "before")
	p.checkCursor(f, "after", after)
	p.checkCursor(f, "before", before)
	switch {
	case given[0] && given[1]:
		p.refuse(f, "last", "%s takes first or last, not both: page forwards with first and after, or backwards with last and before", f.Alias)
	case after != nil && before != nil:
		p.refuse(f, "before", "%s takes after or before, not both: page forwards with first and after, or backwards with last and before", f.Alias)
	case before != nil && given[0]:
		p.refuse(f, "before", "%s: before pages backwards, so it goes with last (first goes with after)", f.Alias)
	case after != nil && given[1]:
		p.refuse(f, "after", "%s: after pages forwards, so it goes with first (last goes with before)", f.Alias)
	}
	if given[0] || given[1] {
		return f.Arguments, false
	}
	// The page is absent, or null (a literal or a variable): it becomes the default, in place of a null one.
	name := "first"
	if before != nil {
		name = "last"
	}
	pos := f.Position
	args := make(ast.ArgumentList, 0, len(f.Arguments)+1)
	at := -1
	for _, a := range f.Arguments {
		if a.Name == name {
			pos, at = a.Position, len(args)
		}
		args = append(args, a)
	}
	page := &ast.Argument{Name: name, Position: pos,
		Value: &ast.Value{Kind: ast.IntValue, Raw: strconv.Itoa(p.defaultPage), Position: pos}}
	if at < 0 {
		return append(args, page), true
	}
	args[at] = page
	return args, true
}

// checkCursor refuses v, f's argument name, when it is given and Config.Cursor says this API did not make it
// for f as f is ordered.
func (p *paging) checkCursor(f *ast.Field, name string, v any) {
	if v != nil && p.cursor != nil && !p.cursor(v, order(f, p.vars)) {
		p.refuse(f, name, "%s.%s is not a cursor of this connection: pass pageInfo.endCursor (or startCursor, or an "+
			"edge's cursor) as it was returned, with the orderBy it was returned under", f.Alias, name)
	}
}

// value is f's argument name, variables resolved: nil when it is absent, null or unreadable.
func (p *paging) value(f *ast.Field, name string) any {
	a := f.Arguments.ForName(name)
	if a == nil {
		return nil
	}
	v, err := a.Value.Value(p.vars)
	if err != nil {
		return nil
	}
	return v
}

// refuse records the refusal of f's argument name, unless an earlier one is recorded.
func (p *paging) refuse(f *ast.Field, name, format string, args ...any) {
	if p.refusal != nil {
		return
	}
	pos := f.Position
	if a := f.Arguments.ForName(name); a != nil {
		pos = a.Position
	}
	p.refusal = gqlerror.ErrorPosf(pos, format, args...)
	p.refusal.Extensions = map[string]any{"code": "BAD_USER_INPUT", "field": name}
}
