package workers

import (
	"context"
	"time"

	"github.com/riverqueue/river"

	entscenario "github.com/modelarchitect/architect/ent/scenario"
)

// ScenarioRefreshArgs recomputes stored scenario results that were computed on another catalog or by
// another simulation engine than the running one (a periodic job; it also runs at start-up).
type ScenarioRefreshArgs struct{}

func (ScenarioRefreshArgs) Kind() string { return "scenario_refresh" }

// scenarioRefreshPage is how many scenarios one query reads.
const scenarioRefreshPage = 200

type scenarioRefreshWorker struct {
	river.WorkerDefaults[ScenarioRefreshArgs]
	d *Deps
}

func (w *scenarioRefreshWorker) Work(ctx context.Context, _ *river.Job[ScenarioRefreshArgs]) error {
	_, err := RefreshScenarios(ctx, w.d)
	return err
}

// RefreshScenarios simulates again the scenarios whose results are stale (model.ScenarioResults.StaleReason)
// and were computed before this process started, and returns how many it recomputed. Each is locked and
// checked again in a transaction of its own (Deps.Refresh), so one failure does not hold back the others and a
// scenario simulated meanwhile is left alone. A scenario that can no longer be simulated (its workload is now
// refused, e.g. no model fits) keeps its results, which read as stale with the reason; the failure is logged
// once per process.
func RefreshScenarios(ctx context.Context, d *Deps) (int, error) {
	if d.Refresh == nil {
		return 0, nil
	}
	started := d.Started
	if started.IsZero() {
		started = d.now()
	}
	sys := system(ctx)
	after, done := 0, 0
	for {
		page, err := d.Client.Scenario.Query().
			Where(entscenario.IDGT(after), entscenario.ResultsNotNil()).
			Order(entscenario.ByID()).Limit(scenarioRefreshPage).All(sys)
		if err != nil {
			return done, err
		}
		for _, sc := range page {
			after = sc.ID
			reason := sc.Results.StaleReason(d.Catalog.Version)
			if reason == "" || !sc.Results.ComputedAt.Before(started) {
				continue
			}
			ok, err := d.Refresh(ctx, sc.ID, started)
			switch {
			case err != nil && ctx.Err() != nil:
				return done, ctx.Err()
			case err != nil:
				if _, seen := d.refreshFailed.LoadOrStore(sc.ID, true); !seen {
					d.Log.Warn("stale scenario results not recomputed", "scenario", sc.ID, "stale", reason, "err", err)
				}
			case ok:
				done++
			}
		}
		if len(page) < scenarioRefreshPage {
			return done, nil
		}
	}
}

// ScenarioRefreshEvery is how often stale results are looked for; they go stale only when a new binary or
// catalog file starts, so the job also runs once at start-up.
const ScenarioRefreshEvery = 10 * time.Minute

func scenarioRefreshJob() *river.PeriodicJob {
	return river.NewPeriodicJob(river.PeriodicInterval(ScenarioRefreshEvery),
		func() (river.JobArgs, *river.InsertOpts) { return ScenarioRefreshArgs{}, nil },
		&river.PeriodicJobOpts{RunOnStart: true})
}
