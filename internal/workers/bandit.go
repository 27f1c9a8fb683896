package workers

import (
	"cmp"
	"context"
	"time"

	"github.com/riverqueue/river"
)

// BanditUpdateArgs updates the weights of every RUNNING bandit experiment (a periodic job).
type BanditUpdateArgs struct{}

func (BanditUpdateArgs) Kind() string { return "bandit_update" }

// DefaultBanditEvery is how often bandit weights are updated unless Deps.BanditEvery says otherwise.
const DefaultBanditEvery = time.Hour

type banditWorker struct {
	river.WorkerDefaults[BanditUpdateArgs]
	d *Deps
}

// Work updates each bandit in a transaction of its own (Deps.UpdateBandit), so one failure does not hold
// back the others; a failed one is logged and waits for the next run.
func (w *banditWorker) Work(ctx context.Context, _ *river.Job[BanditUpdateArgs]) error {
	if w.d.Bandits == nil || w.d.UpdateBandit == nil {
		return nil
	}
	ids, err := w.d.Bandits(system(ctx))
	if err != nil {
		return err
	}
	for _, id := range ids {
		if err := w.d.UpdateBandit(ctx, id); err != nil {
			w.d.Log.WarnContext(ctx, "bandit update failed", "experiment", id, "err", err)
		}
	}
	return nil
}

func banditJob(d *Deps) *river.PeriodicJob {
	return river.NewPeriodicJob(river.PeriodicInterval(cmp.Or(d.BanditEvery, DefaultBanditEvery)),
		func() (river.JobArgs, *river.InsertOpts) { return BanditUpdateArgs{}, nil }, nil)
}
