// Package loaders holds the per-request dataloaders that batch relation lookups, so that a query's SQL
// statement count does not grow with the number of rows it returns. Loaders read through the ent client of
// the request's context (the transaction's inside a mutation), so the privacy rules apply to every lookup.
//
// Which mechanism serves which relation (one per path):
//   - X.owner (every owned entity) and Explanation.decision: these loaders, one IN (…) query per batch.
//   - User.scenarios, User.benchmarks, … (connections of a user's rows): entgql's field collection, which
//     loads each connection for all parent users in one windowed query.
package loaders

import (
	"context"
	"net/http"
	"time"

	"github.com/vikstrous/dataloadgen"

	"github.com/modelarchitect/architect/ent"
	"github.com/modelarchitect/architect/ent/scenario"
	"github.com/modelarchitect/architect/ent/user"
	"github.com/modelarchitect/architect/internal/apperr"
)

// wait is how long a loader collects keys before it queries. Resolvers of one list run in parallel and
// ask within microseconds of each other; a short wait keeps single lookups fast.
const wait = 500 * time.Microsecond

// Loaders are one request's dataloaders.
type Loaders struct {
	User     *dataloadgen.Loader[int, *ent.User]
	Scenario *dataloadgen.Loader[int, *ent.Scenario]
}

// New returns fresh loaders reading through fallback when a context holds no ent client.
func New(fallback *ent.Client) *Loaders {
	client := func(ctx context.Context) *ent.Client {
		if c := ent.FromContext(ctx); c != nil {
			return c
		}
		return fallback
	}
	return &Loaders{
		User: dataloadgen.NewLoader(func(ctx context.Context, ids []int) ([]*ent.User, []error) {
			rows, err := client(ctx).User.Query().Where(user.IDIn(ids...)).All(ctx)
			return order(ids, rows, err, func(u *ent.User) int { return u.ID }, "user")
		}, dataloadgen.WithWait(wait)),
		Scenario: dataloadgen.NewLoader(func(ctx context.Context, ids []int) ([]*ent.Scenario, []error) {
			rows, err := client(ctx).Scenario.Query().Where(scenario.IDIn(ids...)).All(ctx)
			return order(ids, rows, err, func(s *ent.Scenario) int { return s.ID }, "scenario")
		}, dataloadgen.WithWait(wait)),
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

// Middleware gives every request its own loaders.
func Middleware(client *ent.Client, next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		next.ServeHTTP(w, r.WithContext(NewContext(r.Context(), New(client))))
	})
}
