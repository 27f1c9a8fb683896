package workers

import (
	"cmp"
	"context"
	"fmt"
	"time"

	"github.com/riverqueue/river"

	"github.com/modelarchitect/architect/ent"
	entbenchmark "github.com/modelarchitect/architect/ent/benchmark"
)

type reapWorker struct {
	river.WorkerDefaults[ReapArgs]
	d *Deps
}

// Work makes sure no benchmark stays RUNNING forever: one whose results are all in is completed (its last
// chunk died before it could), one that made no progress for StallAfter is failed with the reason.
func (w *reapWorker) Work(ctx context.Context, _ *river.Job[ReapArgs]) error {
	sys := system(ctx)
	stall := cmp.Or(w.d.StallAfter, 30*time.Minute)
	stale, err := w.d.Client.Benchmark.Query().
		Where(entbenchmark.StatusEQ(entbenchmark.StatusRUNNING), entbenchmark.UpdatedAtLT(w.d.now().Add(-stall))).All(sys)
	if err != nil {
		return err
	}
	for _, b := range stale {
		if err := finishIfDone(sys, w.d, b.ID); err != nil {
			return err
		}
		cutoff := w.d.now().Add(-stall)
		err := failRun(sys, w.d, b.ID, fmt.Sprintf("no progress for %s: its jobs failed or were lost; start a new benchmark", stall),
			func(b *ent.Benchmark) bool { return b.UpdatedAt.Before(cutoff) })
		if err != nil {
			return err
		}
	}
	return reapLoadTests(sys, w.d)
}
