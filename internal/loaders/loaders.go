// Package loaders holds the per-request dataloaders that batch relation lookups, so that a query's SQL
// statement count does not grow with the number of rows it returns. Loaders read through the ent client of
// the request's context (the transaction's inside a mutation), so the privacy rules apply to every lookup.
//
// Which mechanism serves which relation (one per path):
//   - X.owner (every owned entity): the User loader, one IN (…) query per batch. Users a request has
//     already read (the viewer; a page of users) are primed into it, so owners of their rows cost nothing.
//   - User.scenarios, User.benchmarks, … (connections of a user's rows) and Explanation.decision: entgql's
//     field collection (eager loading), which loads each edge for all parents in one (windowed) query.
package loaders

import (
	"context"
	"time"

	"github.com/vikstrous/dataloadgen"

	"github.com/modelarchitect/architect/ent"
	"github.com/modelarchitect/architect/ent/user"
	"github.com/modelarchitect/architect/internal/apperr"
	"github.com/modelarchitect/architect/internal/database"
)

// wait is how long a loader collects keys before it queries. Resolvers of one list run in parallel and
// ask within microseconds of each other; a short wait keeps single lookups fast.
const wait = 500 * time.Microsecond

// Loaders are one request's dataloaders.
type Loaders struct {
	User *dataloadgen.Loader[int, *ent.User]
}

// New returns fresh loaders for one request, reading through fallback when a context holds no ent client.
func New(fallback *ent.Client) *Loaders { return newLoaders(fallback) }

// NewUncached returns loaders that batch but keep nothing between lookups, for a long-lived websocket.
func NewUncached(fallback *ent.Client) *Loaders {
	return newLoaders(fallback, dataloadgen.WithoutCache())
}

func newLoaders(fallback *ent.Client, opts ...dataloadgen.Option) *Loaders {
	client := func(ctx context.Context) *ent.Client { return database.ClientFrom(ctx, fallback) }
	return &Loaders{
		User: dataloadgen.NewLoader(func(ctx context.Context, ids []int) ([]*ent.User, []error) {
			rows, err := client(ctx).User.Query().Where(user.IDIn(ids...)).All(ctx)
			return order(ids, rows, err, func(u *ent.User) int { return u.ID }, "user")
		}, append([]dataloadgen.Option{dataloadgen.WithWait(wait)}, opts...)...),
	}
}

// order lines rows up with the keys that asked for them; a key without a row (absent, or hidden by the
// privacy rules) gets NOT_FOUND.
func order[T any](ids []int, rows []T, err error, id func(T) int, what string) ([]T, []error) {
	out := make([]T, len(ids))
	errs := make([]error, len(ids))
	if err != nil {
		for i := range errs {
			errs[i] = err
		}
		return out, errs
	}
	byID := make(map[int]T, len(rows))
	for _, r := range rows {
		byID[id(r)] = r
	}
	for i, k := range ids {
		r, ok := byID[k]
		if !ok {
			errs[i] = apperr.Missing(what)
			continue
		}
		out[i] = r
	}
	return out, errs
}

type ctxKey struct{}

// NewContext returns ctx carrying l.
func NewContext(ctx context.Context, l *Loaders) context.Context {
	return context.WithValue(ctx, ctxKey{}, l)
}

// For returns the loaders of ctx.
func For(ctx context.Context) *Loaders {
	return ctx.Value(ctxKey{}).(*Loaders)
}

// PrimeUsers adds users the request has read to its User loader, so that the owners of their rows need no
// query. It does nothing when ctx has no loaders.
func PrimeUsers(ctx context.Context, users ...*ent.User) {
	l, ok := ctx.Value(ctxKey{}).(*Loaders)
	if !ok {
		return
	}
	for _, u := range users {
		if u != nil {
			l.User.Prime(u.ID, u)
		}
	}
}

// PrimeUserPage returns a function that primes the users of a connection page (the users query) and passes
// the page through: loaders.PrimeUserPage(ctx)(query.Paginate(…)).
func PrimeUserPage(ctx context.Context) func(*ent.UserConnection, error) (*ent.UserConnection, error) {
	return func(conn *ent.UserConnection, err error) (*ent.UserConnection, error) {
		if err == nil && conn != nil {
			for _, e := range conn.Edges {
				PrimeUsers(ctx, e.Node)
			}
		}
		return conn, err
	}
}
