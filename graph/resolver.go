// Package graph is the GraphQL layer: hand-written SDL (*.graphqls), thin resolvers that translate between
// GraphQL and the ent client or a domain package, and NewSchema, which wires them.
package graph

import (
	"context"

	"github.com/99designs/gqlgen/graphql"

	"github.com/modelarchitect/architect/ent"
	"github.com/modelarchitect/architect/graph/generated"
	"github.com/modelarchitect/architect/internal/auth"
	"github.com/modelarchitect/architect/internal/catalog"
	"github.com/modelarchitect/architect/internal/identity"
	"github.com/modelarchitect/architect/internal/live"
	"github.com/modelarchitect/architect/internal/ops"
	"github.com/modelarchitect/architect/internal/viewer"
)

// Resolver holds the resolvers' dependencies.
type Resolver struct {
	Client   *ent.Client
	Identity *identity.Service
	Ops      *ops.Service
	Catalog  *catalog.Catalog
	Live     *live.Watcher
}

// NewSchema returns the executable schema with the @hasRole directive wired, and the role each guarded field
// needs stated in its description.
func NewSchema(r *Resolver) graphql.ExecutableSchema {
	return generated.NewExecutableSchema(generated.Config{
		Schema:    schema(),
		Resolvers: r,
		Directives: generated.DirectiveRoot{
			HasRole: func(ctx context.Context, _ any, next graphql.Resolver, role viewer.Role) (any, error) {
				if err := auth.RequireRole(ctx, role); err != nil {
					return nil, err
				}
				return next(ctx)
			},
		},
	})
}
