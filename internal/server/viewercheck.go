package server

import (
	"context"
	"sync"

	"github.com/99designs/gqlgen/graphql"
	"github.com/hashicorp/golang-lru/v2/simplelru"
	"github.com/vektah/gqlparser/v2/gqlerror"

	"github.com/modelarchitect/architect/graph/compiled"
	"github.com/modelarchitect/architect/internal/viewer"
)

// With the compiled read path, a bearer token whose user this replica has checked before is not looked up
// when the request arrives: its signature and expiry are checked, the viewer takes the role remembered
// for the user (a hint, never trusted), and the check of the user's row (token version and role) is left
// to the operation. viewerCheck then either folds that check into the one statement that answers the
// whole query (graph/compiled.Prefetch), or, for anything else, authenticates the request as before,
// before it runs. A revoked token (log-out, password or role change, deletion) fails the folded check as it
// fails the lookup, on its next request on any replica: the hint only saves the lookup, it decides nothing.

type pendingKey struct{}

// pending is a request's token whose user row has not been checked yet.
type pending struct {
	header string
	check  compiled.Check
}

// hints remembers the token version and role the database last confirmed for each user, on this
// replica, so that a request can be compiled for the right role before its check runs.
type hints struct {
	mu  sync.Mutex
	lru *simplelru.LRU[int, compiled.Check]
}

func newHints(size int) *hints {
	l, _ := simplelru.NewLRU[int, compiled.Check](size, nil)
	return &hints{lru: l}
}

func (h *hints) get(id int) (compiled.Check, bool) {
	h.mu.Lock()
	defer h.mu.Unlock()
	return h.lru.Get(id)
}

func (h *hints) put(c compiled.Check) {
	h.mu.Lock()
	defer h.mu.Unlock()
	h.lru.Add(c.UserID, c)
}

func (h *hints) forget(id int) {
	h.mu.Lock()
	defer h.mu.Unlock()
	h.lru.Remove(id)
}

// withPending gives ctx the viewer a hint names, its check still to run.
func withPending(ctx context.Context, header string, c compiled.Check) context.Context {
	ctx = viewer.NewContext(ctx, &viewer.Viewer{ID: c.UserID, Role: c.Role})
	return context.WithValue(ctx, pendingKey{}, &pending{header: header, check: c})
}

// viewerCheck runs each operation's pending token check: folded into the compiled statement when the
// whole query compiles, or as the usual lookup before the operation runs. A query whose viewer was already
// checked is still answered by one statement when it compiles.
type viewerCheck struct{ s *Server }

var _ interface {
	graphql.HandlerExtension
	graphql.OperationInterceptor
} = viewerCheck{}

func (viewerCheck) ExtensionName() string                   { return "ViewerCheck" }
func (viewerCheck) Validate(graphql.ExecutableSchema) error { return nil }

func (x viewerCheck) InterceptOperation(ctx context.Context, next graphql.OperationHandler) graphql.ResponseHandler {
	p, _ := ctx.Value(pendingKey{}).(*pending)
	if c := x.s.compiled; c != nil {
		var check *compiled.Check
		if p != nil {
			check = &p.check
		}
		switch then, outcome := c.Prefetch(ctx, graphql.GetOperationContext(ctx), check); outcome {
		case compiled.Answered:
			return next(then)
		case compiled.CheckFailed:
			x.s.hints.forget(p.check.UserID)
		default:
			ctx = then
		}
	}
	if p == nil {
		return next(ctx)
	}
	ctx = context.WithValue(viewer.NewContext(ctx, nil), pendingKey{}, nil)
	ctx, failed := x.s.lookUp(ctx, p.header)
	if failed != nil {
		return graphql.OneShot(&graphql.Response{Errors: gqlerror.List{presenter(x.s.log)(ctx, failed)}})
	}
	oc := graphql.GetOperationContext(ctx)
	if err := tokenRefusal(ctx, oc.Doc, oc.Operation); err != nil {
		return graphql.OneShot(&graphql.Response{Errors: gqlerror.List{err}})
	}
	return next(ctx)
}
