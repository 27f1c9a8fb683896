package server

import (
	"context"

	"github.com/99designs/gqlgen/graphql"
	"github.com/vektah/gqlparser/v2/ast"
	"github.com/vektah/gqlparser/v2/gqlerror"

	"github.com/modelarchitect/architect/internal/apperr"
	"github.com/modelarchitect/architect/internal/auth"
	"github.com/modelarchitect/architect/internal/viewer"
)

type (
	refusedTokenKey struct{}
	refusedKeyKey   struct{}
)

// withRefusedToken records that the request sent a token that was refused, and why ("the token has
// expired"); the request stays anonymous until tokenGate decides whether it may run.
func withRefusedToken(ctx context.Context, reason string) context.Context {
	return context.WithValue(ctx, refusedTokenKey{}, reason)
}

// withRefusedKey records that the request sent an experiment API key that was refused, and the whole
// message to answer with.
func withRefusedKey(ctx context.Context, message string) context.Context {
	return context.WithValue(withRefusedToken(ctx, message), refusedKeyKey{}, message)
}

// tokenRefusal is the error that answers a request whose token was refused, or nil when its operation may
// run: the request has no refused token, it has a viewer after all (a websocket authenticated by its
// connection_init payload), or the operation only logs in or signs up, which a client holding a stale
// token must still be able to do.
func tokenRefusal(ctx context.Context, doc *ast.QueryDocument, op *ast.OperationDefinition) *gqlerror.Error {
	reason, refused := ctx.Value(refusedTokenKey{}).(string)
	if !refused || viewer.FromContext(ctx) != nil || (op != nil && tokenless(doc, op)) {
		return nil
	}
	message := reason + ": send Authorization: Bearer <token> with a token from logIn or signUp, " +
		"or no Authorization header at all to call public fields anonymously"
	if k, _ := ctx.Value(refusedKeyKey{}).(string); k != "" {
		message = k // an API key's holder is a service: it needs a new key, not a log-in
	}
	return &gqlerror.Error{
		Message:    message,
		Extensions: map[string]any{"code": string(apperr.Unauthenticated)},
	}
}

// tokenlessFields are the root fields that ignore the Authorization header.
var tokenlessFields = map[string]bool{"logIn": true, "signUp": true, "__typename": true}

// tokenless reports whether op is a mutation made only of logIn and signUp (and __typename), fragments
// included.
func tokenless(doc *ast.QueryDocument, op *ast.OperationDefinition) bool {
	if op.Operation != ast.Mutation {
		return false
	}
	seen := map[string]bool{}
	var only func(ast.SelectionSet) bool
	only = func(set ast.SelectionSet) bool {
		for _, s := range set {
			switch s := s.(type) {
			case *ast.Field:
				if !tokenlessFields[s.Name] {
					return false
				}
			case *ast.InlineFragment:
				if !only(s.SelectionSet) {
					return false
				}
			case *ast.FragmentSpread:
				f := doc.Fragments.ForName(s.Name)
				switch {
				case f == nil:
					return false
				case seen[s.Name]: // checked already (or a cycle, which validation refuses)
					continue
				}
				seen[s.Name] = true
				if !only(f.SelectionSet) {
					return false
				}
			}
		}
		return true
	}
	return only(op.SelectionSet)
}

// tokenGate refuses, before it runs, every operation of a request whose bearer token was refused (expired,
// revoked, invalid, or not a bearer token), except logIn and signUp: the whole request is answered
// UNAUTHENTICATED (HTTP 401) instead of running as an anonymous caller's, which would answer me: null as
// if the client had signed out.
type tokenGate struct{}

var _ interface {
	graphql.HandlerExtension
	graphql.OperationContextMutator
} = tokenGate{}

func (tokenGate) ExtensionName() string                   { return "TokenGate" }
func (tokenGate) Validate(graphql.ExecutableSchema) error { return nil }

func (tokenGate) MutateOperationContext(ctx context.Context, oc *graphql.OperationContext) *gqlerror.Error {
	return tokenRefusal(ctx, oc.Doc, oc.Operation)
}

// checkScope refuses, field by field, what an experiment API key may not call or read (auth.CheckScope).
func checkScope(ctx context.Context, next graphql.Resolver) (any, error) {
	if fc := graphql.GetFieldContext(ctx); fc != nil && fc.Field.Field != nil && fc.Field.Definition != nil {
		if err := auth.CheckScope(ctx, fc.Object, fc.Field.Name, fc.Field.Definition.Type.Name(), fc.Args); err != nil {
			return nil, err
		}
	}
	return next(ctx)
}
