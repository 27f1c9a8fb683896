package limits

import (
	"cmp"
	"fmt"
	"sort"
	"strconv"
	"strings"

	"github.com/vektah/gqlparser/v2/ast"
	"github.com/vektah/gqlparser/v2/gqlerror"
)

// Input limits: what the arguments of an operation (literals and variables alike) may hold before anything
// reaches the database. A filter is an argument named where; nodes(ids:) looks rows up by id.
const (
	DefaultMaxFilterList  = 1_000 // values in one list of a filter, e.g. idIn
	DefaultMaxFilterDepth = 10    // nesting of and/or/not in a filter
	DefaultMaxFilterTerms = 1_000 // conditions in one filter, and/or/not counted
	DefaultMaxNodes       = 100   // ids in one nodes(ids:), as many as a page
)

// Input limit names, sent as extensions.limit.
const (
	LimitFilterList  = "filterList"
	LimitFilterDepth = "filterDepth"
	LimitFilterTerms = "filterTerms"
	LimitNodes       = "nodes"
	LimitNUL         = "nul"
)

// InputLimits are the caps CheckInputs applies; a zero field takes its default, a negative one turns that
// cap off.
type InputLimits struct {
	MaxFilterList, MaxFilterDepth, MaxFilterTerms, MaxNodes int
}

func (l InputLimits) withDefaults() InputLimits {
	return InputLimits{
		MaxFilterList:  cmp.Or(l.MaxFilterList, DefaultMaxFilterList),
		MaxFilterDepth: cmp.Or(l.MaxFilterDepth, DefaultMaxFilterDepth),
		MaxFilterTerms: cmp.Or(l.MaxFilterTerms, DefaultMaxFilterTerms),
		MaxNodes:       cmp.Or(l.MaxNodes, DefaultMaxNodes),
	}
}

// CheckInputs walks every argument of op with its value (variables resolved) and refuses, as BAD_USER_INPUT
// naming the argument and the limit, a string holding a NUL character (PostgreSQL cannot store one, so
// SQLite must not either), a filter with a list, a nesting or a number of conditions over its cap, and
// nodes(ids:) with more ids than a page. It runs before any resolver.
func CheckInputs(op *ast.OperationDefinition, vars map[string]any, l InputLimits) *gqlerror.Error {
	l = l.withDefaults()
	c := &inputChecker{vars: vars, lim: l, seen: map[string]bool{}}
	c.set(op.SelectionSet)
	return c.err
}

type inputChecker struct {
	vars map[string]any
	lim  InputLimits
	seen map[string]bool // fragments walked
	err  *gqlerror.Error
}

func (c *inputChecker) set(set ast.SelectionSet) {
	for _, s := range set {
		if c.err != nil {
			return
		}
		switch s := s.(type) {
		case *ast.Field:
			c.field(s)
			c.set(s.SelectionSet)
		case *ast.InlineFragment:
			c.set(s.SelectionSet)
		case *ast.FragmentSpread:
			if s.Definition != nil && !c.seen[s.Name] {
				c.seen[s.Name] = true
				c.set(s.Definition.SelectionSet)
			}
		}
	}
}

func (c *inputChecker) field(f *ast.Field) {
	for _, a := range f.Arguments {
		if c.err != nil {
			return
		}
		v, err := a.Value.Value(c.vars)
		if err != nil {
			continue // validation said so already
		}
		c.strings(a, a.Name, v)
		switch {
		case c.err != nil:
		case a.Name == "where":
			c.filter(a, v)
		case f.Name == "nodes" && a.Name == "ids":
			if ids, ok := v.([]any); ok && c.lim.MaxNodes >= 0 && len(ids) > c.lim.MaxNodes {
				c.refuse(a, a.Name, LimitNodes, len(ids), c.lim.MaxNodes,
					"nodes(ids:) looks up %d ids, more than the limit of %d: ask in pages of at most %d", len(ids), c.lim.MaxNodes, c.lim.MaxNodes)
			}
		}
	}
}

// strings refuses a NUL character in any string of v, naming where it is (input.config.name, models[2]).
func (c *inputChecker) strings(a *ast.Argument, path string, v any) {
	switch v := v.(type) {
	case string:
		if strings.IndexByte(v, 0) >= 0 {
			c.refuse(a, path, LimitNUL, 1, 0, "%s contains a NUL character (\\u0000), which cannot be stored: remove it", path)
		}
	case map[string]any:
		keys := make([]string, 0, len(v))
		for k := range v {
			keys = append(keys, k)
		}
		sort.Strings(keys) // report the same field every time
		for _, k := range keys {
			if c.err == nil {
				c.strings(a, path+"."+k, v[k])
			}
		}
	case []any:
		for i, e := range v {
			if c.err == nil {
				c.strings(a, path+"["+strconv.Itoa(i)+"]", e)
			}
		}
	}
}

// filter measures a where argument: its longest list, its deepest nesting and its number of conditions.
func (c *inputChecker) filter(a *ast.Argument, v any) {
	terms, depth, longest := 0, 0, 0
	var walk func(v any, level int)
	walk = func(v any, level int) {
		depth = max(depth, level)
		switch v := v.(type) {
		case map[string]any:
			for _, e := range v {
				terms++
				switch e.(type) {
				case map[string]any: // not
					walk(e, level+1)
				case []any: // and, or, or a list of values
					walk(e, level+1)
				}
			}
		case []any:
			longest = max(longest, len(v))
			for _, e := range v {
				if m, ok := e.(map[string]any); ok {
					walk(m, level)
				}
			}
		}
	}
	walk(v, 0)
	switch l := c.lim; {
	case l.MaxFilterList >= 0 && longest > l.MaxFilterList:
		c.refuse(a, "where", LimitFilterList, longest, l.MaxFilterList,
			"where has a list of %d values, more than the limit of %d: filter in several requests, or by a coarser field", longest, l.MaxFilterList)
	case l.MaxFilterDepth >= 0 && depth > l.MaxFilterDepth:
		c.refuse(a, "where", LimitFilterDepth, depth, l.MaxFilterDepth,
			"where nests and/or/not %d levels deep, more than the limit of %d: write the condition flatter", depth, l.MaxFilterDepth)
	case l.MaxFilterTerms >= 0 && terms > l.MaxFilterTerms:
		c.refuse(a, "where", LimitFilterTerms, terms, l.MaxFilterTerms,
			"where has %d conditions, more than the limit of %d: use a list (idIn, statusIn) or several requests", terms, l.MaxFilterTerms)
	}
}

func (c *inputChecker) refuse(a *ast.Argument, field, limit string, actual, maxAllowed int, format string, args ...any) {
	e := &gqlerror.Error{Message: fmt.Sprintf(format, args...), Extensions: map[string]any{
		"code": "BAD_USER_INPUT", "field": field, "limit": limit}}
	if limit != LimitNUL {
		e.Extensions["actual"], e.Extensions["max"] = actual, maxAllowed
	}
	if a.Position != nil {
		e.Locations = []gqlerror.Location{{Line: a.Position.Line, Column: a.Position.Column}}
	}
	c.err = e
}
