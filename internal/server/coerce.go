package server

import (
	"context"
	"reflect"

	"github.com/99designs/gqlgen/graphql"
	"github.com/vektah/gqlparser/v2/ast"
	"github.com/vektah/gqlparser/v2/gqlerror"
)

// GraphQL's input coercion of lists (https://spec.graphql.org/October2021/#sec-List.Input-Coercion): a single
// value given where a list is expected is a list of that one value, so orderBy: {field: NAME} means
// orderBy: [{field: NAME}]. gqlgen's own argument decoding does this, but entgql's eager loading of nested
// connections (under node, nodes and lists) reads the raw arguments and ignored such an orderBy, as did the
// compiled read path; both get arguments already in list form from here.

// listCoercingCache is the executor's cache of parsed and validated queries. A document is added once, after
// validation and before its first use, and from then on only read; Add puts every literal given as a single
// value where a list is expected into a list of one, so every request sees lists where the schema has them.
type listCoercingCache struct {
	graphql.Cache[*ast.QueryDocument]
}

func (c listCoercingCache) Add(ctx context.Context, key string, doc *ast.QueryDocument) {
	coerceDocument(doc)
	c.Cache.Add(ctx, key, doc)
}

func coerceDocument(doc *ast.QueryDocument) {
	for _, op := range doc.Operations {
		coerceDirectives(op.Directives)
		coerceSelections(op.SelectionSet)
	}
	for _, f := range doc.Fragments {
		coerceDirectives(f.Directives)
		coerceSelections(f.SelectionSet)
	}
}

func coerceSelections(set ast.SelectionSet) {
	for _, s := range set {
		switch s := s.(type) {
		case *ast.Field:
			for _, a := range s.Arguments {
				a.Value = coerceValue(a.Value)
			}
			coerceDirectives(s.Directives)
			coerceSelections(s.SelectionSet)
		case *ast.InlineFragment:
			coerceDirectives(s.Directives)
			coerceSelections(s.SelectionSet)
		case *ast.FragmentSpread:
			coerceDirectives(s.Directives)
		}
	}
}

func coerceDirectives(ds ast.DirectiveList) {
	for _, d := range ds {
		for _, a := range d.Arguments {
			a.Value = coerceValue(a.Value)
		}
	}
}

// coerceValue returns a literal as its expected type reads it: a single value where a list is expected
// becomes a list of it, at any depth (inside input objects and lists). The validator has set each value's
// expected type.
func coerceValue(v *ast.Value) *ast.Value {
	if v == nil || v.ExpectedType == nil {
		return v
	}
	t := v.ExpectedType
	switch {
	case t.Elem != nil && v.Kind != ast.ListValue && v.Kind != ast.Variable && v.Kind != ast.NullValue:
		v.ExpectedType = t.Elem
		return &ast.Value{Kind: ast.ListValue, Children: ast.ChildValueList{{Value: coerceValue(v), Position: v.Position}},
			ExpectedType: t, Definition: v.Definition, Position: v.Position}
	case v.Kind == ast.ListValue || v.Kind == ast.ObjectValue:
		for _, c := range v.Children {
			c.Value = coerceValue(c.Value)
		}
	}
	return v
}

// listVariables gives every request's variables in plain JSON form: gqlparser's validation turns a single
// value given for a list variable into a typed slice ([]map[string]any, say), which readers of raw arguments
// (entgql's eager loading, the compiled read path) expect as []any, as JSON decodes lists.
type listVariables struct{}

func (listVariables) ExtensionName() string                   { return "ListVariables" }
func (listVariables) Validate(graphql.ExecutableSchema) error { return nil }

func (listVariables) MutateOperationContext(_ context.Context, oc *graphql.OperationContext) *gqlerror.Error {
	for k, v := range oc.Variables {
		oc.Variables[k] = plainJSON(v)
	}
	return nil
}

// plainJSON is v with every slice as []any and every map with string keys as map[string]any, at any depth.
func plainJSON(v any) any {
	switch x := v.(type) {
	case []any:
		for i := range x {
			x[i] = plainJSON(x[i])
		}
		return x
	case map[string]any:
		for k := range x {
			x[k] = plainJSON(x[k])
		}
		return x
	case nil, string, bool:
		return v
	}
	rv := reflect.ValueOf(v)
	switch {
	case rv.Kind() == reflect.Slice && rv.Type().Elem().Kind() != reflect.Uint8:
		out := make([]any, rv.Len())
		for i := range out {
			out[i] = plainJSON(rv.Index(i).Interface())
		}
		return out
	case rv.Kind() == reflect.Map && rv.Type().Key().Kind() == reflect.String:
		out := make(map[string]any, rv.Len())
		for it := rv.MapRange(); it.Next(); {
			out[it.Key().String()] = plainJSON(it.Value().Interface())
		}
		return out
	}
	return v
}
