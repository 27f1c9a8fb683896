package server

import (
	"context"
	"strconv"
	"strings"
	"time"

	"github.com/99designs/gqlgen/graphql"
	"github.com/vektah/gqlparser/v2/ast"
	"github.com/vektah/gqlparser/v2/gqlerror"

	"github.com/modelarchitect/architect/ent"
	"github.com/modelarchitect/architect/internal/apperr"
)

// Page sizes of every connection: first/last default to DefaultPage and may not exceed MaxPage.
const (
	DefaultPage = 20
	MaxPage     = 100
)

// pagingCache is the parsed-query cache. When a query is parsed and validated for the first time — before
// it is cached or run — every connection field that has neither first nor last gets first: 20, so that
// entgql's eager loading and the resolvers page alike.
type pagingCache struct {
	graphql.Cache[*ast.QueryDocument]
}

func (c pagingCache) Add(ctx context.Context, key string, doc *ast.QueryDocument) {
	for _, op := range doc.Operations {
		defaultFirst(op.SelectionSet)
	}
	for _, f := range doc.Fragments {
		defaultFirst(f.SelectionSet)
	}
	c.Cache.Add(ctx, key, doc)
}

func isConnection(f *ast.Field) bool {
	return f.Definition != nil && f.Definition.Type != nil && strings.HasSuffix(f.Definition.Type.Name(), "Connection") &&
		f.Definition.Arguments.ForName("first") != nil
}

func defaultFirst(set ast.SelectionSet) {
	for _, s := range set {
		switch s := s.(type) {
		case *ast.Field:
			if isConnection(s) && s.Arguments.ForName("first") == nil && s.Arguments.ForName("last") == nil {
				s.Arguments = append(s.Arguments, &ast.Argument{
					Name:     "first",
					Value:    &ast.Value{Kind: ast.IntValue, Raw: strconv.Itoa(DefaultPage), Position: s.Position},
					Position: s.Position,
				})
			}
			defaultFirst(s.SelectionSet)
		case *ast.InlineFragment:
			defaultFirst(s.SelectionSet)
		}
	}
}

// pageLimit refuses a connection page over MaxPage (from a literal or a variable) before anything is
// loaded, and defaults a page that a variable left null.
func pageLimit(ctx context.Context, next graphql.Resolver) (any, error) {
	fc := graphql.GetFieldContext(ctx)
	if fc == nil || fc.Field.Field == nil || !isConnection(fc.Field.Field) {
		return next(ctx)
	}
	first, _ := fc.Args["first"].(*int)
	last, _ := fc.Args["last"].(*int)
	for name, v := range map[string]*int{"first": first, "last": last} {
		if v != nil && (*v < 0 || *v > MaxPage) {
			return nil, apperr.Input(name, "%s must be between 0 and %d", name, MaxPage)
		}
	}
	if first == nil && last == nil {
		n := DefaultPage
		fc.Args["first"] = &n
	}
	for _, name := range []string{"after", "before"} {
		if c, _ := fc.Args[name].(*ent.Cursor); c != nil && !cursorValue(c.Value) {
			return nil, badCursor(name)
		}
	}
	return next(ctx)
}

// cursorValue reports whether v can be the ordered value of one of our cursors (what entgql encodes: a
// string, a number, a time, a boolean or nothing, or a list of those for several orderBy fields); anything
// else was not made by this API.
func cursorValue(v any) bool {
	switch v := v.(type) {
	case nil, string, bool, float32, float64, int, int8, int16, int32, int64, uint, uint8, uint16, uint32, uint64, time.Time:
		return true
	case []any:
		for _, e := range v {
			if _, list := e.([]any); list || !cursorValue(e) {
				return false
			}
		}
		return true
	}
	return false
}

func badCursor(arg string) *apperr.Error {
	return apperr.Input(arg, "%s is not a cursor of this connection: pass pageInfo.endCursor (or startCursor, or an edge's cursor) as it was returned", arg)
}

// checkPages validates every connection's first/last in the operation, variables included, so that an
// oversized page is refused before eager loading reads it.
type checkPages struct{}

func (checkPages) ExtensionName() string                   { return "PageLimits" }
func (checkPages) Validate(graphql.ExecutableSchema) error { return nil }
func (checkPages) MutateOperationContext(_ context.Context, oc *graphql.OperationContext) *gqlerror.Error {
	var walk func(ast.SelectionSet) *gqlerror.Error
	walk = func(set ast.SelectionSet) *gqlerror.Error {
		for _, s := range set {
			switch s := s.(type) {
			case *ast.Field:
				if isConnection(s) {
					for _, name := range []string{"first", "last"} {
						a := s.Arguments.ForName(name)
						if a == nil {
							continue
						}
						v, err := a.Value.Value(oc.Variables)
						if err != nil {
							continue
						}
						if n, ok := toInt(v); ok && (n < 0 || n > MaxPage) {
							e := gqlerror.ErrorPosf(a.Position, "%s.%s must be between 0 and %d", s.Alias, name, MaxPage)
							e.Extensions = map[string]any{"code": string(apperr.BadUserInput), "field": name}
							return e
						}
					}
				}
				if e := walk(s.SelectionSet); e != nil {
					return e
				}
			case *ast.InlineFragment:
				if e := walk(s.SelectionSet); e != nil {
					return e
				}
			case *ast.FragmentSpread:
				if s.Definition != nil {
					if e := walk(s.Definition.SelectionSet); e != nil {
						return e
					}
				}
			}
		}
		return nil
	}
	if oc.Operation == nil {
		return nil
	}
	return walk(oc.Operation.SelectionSet)
}

func toInt(v any) (int64, bool) {
	switch n := v.(type) {
	case int64:
		return n, true
	case int:
		return int64(n), true
	case float64:
		return int64(n), true
	}
	return 0, false
}
