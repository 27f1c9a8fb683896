package server

import (
	"context"
	"slices"

	"github.com/99designs/gqlgen/graphql"
	"github.com/99designs/gqlgen/graphql/errcode"
	"github.com/99designs/gqlgen/graphql/introspection"
	"github.com/vektah/gqlparser/v2/ast"
	"github.com/vektah/gqlparser/v2/gqlerror"

	"github.com/modelarchitect/architect/graph"
)

// hideDirectives is a field middleware that removes graph.HiddenDirectives (gqlgen's code-generation
// directives, and @defer, which deferDirective refuses) from __schema { directives }.
func hideDirectives(ctx context.Context, next graphql.Resolver) (any, error) {
	res, err := next(ctx)
	fc := graphql.GetFieldContext(ctx)
	if fc == nil || fc.Object != "__Schema" || fc.Field.Name != "directives" {
		return res, err
	}
	if ds, ok := res.([]introspection.Directive); ok {
		res = slices.DeleteFunc(slices.Clone(ds), func(d introspection.Directive) bool {
			return slices.Contains(graph.HiddenDirectives, d.Name)
		})
	}
	return res, err
}

// deferDirective refuses an operation that uses @defer. gqlgen would accept it and answer with the
// deferred fields inline or, over a transport without incremental delivery, leave them out, so a client
// waiting for a later part would wait forever; the error says so instead.
type deferDirective struct{}

var _ interface {
	graphql.HandlerExtension
	graphql.OperationContextMutator
} = deferDirective{}

func (deferDirective) ExtensionName() string                   { return "NoDefer" }
func (deferDirective) Validate(graphql.ExecutableSchema) error { return nil }

func (deferDirective) MutateOperationContext(_ context.Context, oc *graphql.OperationContext) *gqlerror.Error {
	d := findDefer(oc.Operation.SelectionSet)
	for _, f := range oc.Doc.Fragments {
		if d == nil {
			d = findDefer(f.SelectionSet)
		}
	}
	if d == nil {
		return nil
	}
	err := gqlerror.ErrorPosf(d.Position, "@defer is not supported: this server sends each response whole, "+
		"so remove @defer and the fields inside it come with the rest of the response")
	errcode.Set(err, errcode.ValidationFailed)
	return err
}

// findDefer returns the first @defer in set, fragments spread in it excepted (they are searched on their
// own).
func findDefer(set ast.SelectionSet) *ast.Directive {
	for _, s := range set {
		var (
			dirs ast.DirectiveList
			sub  ast.SelectionSet
		)
		switch s := s.(type) {
		case *ast.Field:
			dirs, sub = s.Directives, s.SelectionSet
		case *ast.InlineFragment:
			dirs, sub = s.Directives, s.SelectionSet
		case *ast.FragmentSpread:
			dirs = s.Directives
		}
		if d := dirs.ForName("defer"); d != nil {
			return d
		}
		if d := findDefer(sub); d != nil {
			return d
		}
	}
	return nil
}
