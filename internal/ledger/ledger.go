// Package ledger keeps the daily count of model calls per owner: one row per owner, UTC day and kind of work,
// holding the calls reserved by work still running and the calls made. Every change first locks that row
// (an upsert, which locks it on PostgreSQL, then SELECT … FOR UPDATE), so the check and the change of two
// replicas cannot interleave; on SQLite the write transaction already serialises them. Made calls are never
// given back: deleting the work that made them leaves the ledger as it is. It decides no limits: the caller's
// check does.
package ledger

import (
	"context"
	"fmt"
	"time"

	"entgo.io/ent/privacy"

	"github.com/modelarchitect/architect/ent"
	"github.com/modelarchitect/architect/ent/predicate"
	"github.com/modelarchitect/architect/ent/quotaledger"
)

// Kind is the work calls are counted for.
type Kind = quotaledger.Kind

// Kinds of work, in the order their rows are locked.
const (
	Benchmark = quotaledger.KindBENCHMARK // benchmark runs' model calls
	LoadTest  = quotaledger.KindLOAD_TEST // load tests' requests
)

// kinds share one daily quota: a reservation locks every kind's row of the owner and day, in this order
// (so two reservations of different kinds cannot deadlock), and checks against their sum.
var kinds = []Kind{Benchmark, LoadTest}

// Day is the ledger day of t: its UTC date.
func Day(t time.Time) string { return t.UTC().Format(time.DateOnly) }

// Key names one ledger row.
type Key struct {
	Owner int
	Day   string
	Kind  Kind
}

// Reserve holds n calls on k's row. check is given the calls already reserved or made on the owner's rows of
// that day, every kind of work together (one daily quota), and refuses with an error of its own when n more do
// not fit; nothing changes then. Call it inside the transaction that starts the work, so that a refused start
// and its reservation roll back together.
func Reserve(ctx context.Context, c *ent.Client, k Key, n int, check func(current int) error) error {
	var (
		row     *ent.QuotaLedger
		current int
	)
	for _, kind := range kinds {
		r, err := lock(ctx, c, Key{Owner: k.Owner, Day: k.Day, Kind: kind})
		if err != nil {
			return err
		}
		current += r.Reserved + r.Used
		if kind == k.Kind {
			row = r
		}
	}
	if row == nil {
		return fmt.Errorf("ledger: unknown kind %q", k.Kind)
	}
	if err := check(current); err != nil {
		return err
	}
	return c.QuotaLedger.UpdateOne(row).AddReserved(n).Exec(allow(ctx))
}

// Settle records made calls and releases held ones: used grows by made, reserved shrinks by release (work
// that ends, or calls made out of the reservation). Calls made after their reservation was released (calls
// in flight when a run was cancelled) count as used all the same.
func Settle(ctx context.Context, c *ent.Client, k Key, made, release int) error {
	if made == 0 && release == 0 {
		return nil
	}
	if made < 0 || release < 0 {
		return fmt.Errorf("ledger: settle %d made, %d released: both must be 0 or more", made, release)
	}
	row, err := lock(ctx, c, k)
	if err != nil {
		return err
	}
	return c.QuotaLedger.UpdateOne(row).AddUsed(made).AddReserved(-min(release, row.Reserved)).Exec(allow(ctx))
}

// Get returns k's row as it is (zero counts when there is none), without locking it.
func Get(ctx context.Context, c *ent.Client, k Key) (*ent.QuotaLedger, error) {
	row, err := c.QuotaLedger.Query().Where(where(k)...).Only(allow(ctx))
	if ent.IsNotFound(err) {
		return &ent.QuotaLedger{OwnerID: k.Owner, Day: k.Day, Kind: k.Kind}, nil
	}
	return row, err
}

// lock makes sure k's row exists and locks it until the transaction ends.
func lock(ctx context.Context, c *ent.Client, k Key) (*ent.QuotaLedger, error) {
	ctx = allow(ctx)
	err := c.QuotaLedger.Create().SetOwnerID(k.Owner).SetDay(k.Day).SetKind(k.Kind).
		OnConflictColumns(quotaledger.FieldOwnerID, quotaledger.FieldDay, quotaledger.FieldKind).Ignore().Exec(ctx)
	if err != nil {
		return nil, fmt.Errorf("ledger %d %s %s: %w", k.Owner, k.Day, k.Kind, err)
	}
	row, err := c.QuotaLedger.Query().Where(where(k)...).LockForUpdate().Only(ctx)
	if err != nil {
		return nil, fmt.Errorf("ledger %d %s %s: %w", k.Owner, k.Day, k.Kind, err)
	}
	return row, nil
}

func where(k Key) []predicate.QuotaLedger {
	return []predicate.QuotaLedger{quotaledger.OwnerID(k.Owner), quotaledger.Day(k.Day), quotaledger.KindEQ(k.Kind)}
}

// allow lets the ledger be read and written whoever acts: the rows are only reached through this package.
func allow(ctx context.Context) context.Context { return privacy.DecisionContext(ctx, privacy.Allow) }
