package graph

import (
	"context"

	"github.com/modelarchitect/architect/ent"
	"github.com/modelarchitect/architect/internal/database"
	"github.com/modelarchitect/architect/internal/viewer"
)

// ent returns the request's ent client: the mutation's transaction client when there is one.
func (r *Resolver) ent(ctx context.Context) *ent.Client { return database.ClientFrom(ctx, r.Client) }

// viewerID is the signed-in viewer's id; @hasRole has already refused anonymous callers. Top-level
// connections list the viewer's own rows (for admins too); the privacy rules enforce ownership regardless.
func viewerID(ctx context.Context) int {
	if v := viewer.FromContext(ctx); v != nil {
		return v.ID
	}
	return 0
}
