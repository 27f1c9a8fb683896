package workers

import (
	"context"

	"github.com/modelarchitect/architect/ent"
	entbenchmark "github.com/modelarchitect/architect/ent/benchmark"
	"github.com/modelarchitect/architect/internal/ledger"
)

// QuotaKey is the ledger row a benchmark's calls count on: the day it reserved them (or started, for runs
// started before the ledger existed).
func QuotaKey(b *ent.Benchmark) ledger.Key {
	day := ""
	switch {
	case b.QuotaDay != nil:
		day = *b.QuotaDay
	case b.StartedAt != nil:
		day = ledger.Day(*b.StartedAt)
	default:
		day = ledger.Day(b.CreatedAt)
	}
	return ledger.Key{Owner: b.OwnerID, Day: day, Kind: ledger.Benchmark}
}

// End moves a locked benchmark (read with LockForUpdate in the transaction of ctx) from the status it has to
// status, releasing the calls it still holds against its owner's quota; set adds the other fields to
// change. The update names the status it leaves, so a row that moved meanwhile is not overwritten (ent's
// NotFound then).
func End(ctx context.Context, c *ent.Client, b *ent.Benchmark, status entbenchmark.Status,
	set func(*ent.BenchmarkUpdateOne)) (*ent.Benchmark, error) {
	if err := ledger.Settle(ctx, c, QuotaKey(b), 0, b.QuotaHeld); err != nil {
		return nil, err
	}
	u := c.Benchmark.UpdateOne(b).Where(entbenchmark.StatusEQ(b.Status)).SetStatus(status).SetQuotaHeld(0)
	if set != nil {
		set(u)
	}
	return u.Save(ctx)
}

// Lock reads benchmark id and locks it until the transaction of ctx ends.
func Lock(ctx context.Context, c *ent.Client, id int) (*ent.Benchmark, error) {
	return c.Benchmark.Query().Where(entbenchmark.ID(id)).LockForUpdate().Only(ctx)
}
