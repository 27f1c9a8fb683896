package workers

import (
	"cmp"
	"context"
	"log/slog"
	"sync"
	"time"

	"entgo.io/ent/privacy"
	"github.com/riverqueue/river"

	"github.com/modelarchitect/architect/ent"
	"github.com/modelarchitect/architect/internal/benchmark"
	"github.com/modelarchitect/architect/internal/catalog"
	"github.com/modelarchitect/architect/internal/compliance"
	"github.com/modelarchitect/architect/internal/database"
	"github.com/modelarchitect/architect/internal/deployment"
	"github.com/modelarchitect/architect/internal/providers"
)

// Deps is what the workers need. Zero values of the durations are the defaults noted.
type Deps struct {
	DB        *database.DB // workers write in its transactions, so that changes are announced after commit
	Client    *ent.Client
	Providers *providers.Registry
	Catalog   *catalog.Catalog
	Limiter   *benchmark.Limiter // model calls in flight per provider, shared by every chunk in the process
	Drivers   map[string]deployment.Driver
	Endpoints deployment.Policy // which model-server endpoints load tests may call (ENDPOINT_ALLOWLIST)
	Log       *slog.Logger
	// Compliance is the rule set stale compliance profiles are re-assessed with: the one the API serves (nil:
	// the embedded set).
	Compliance *compliance.RuleSet
	// ProviderCall, when set, is told of each model API call: provider, outcome (ok or the error class of
	// providers.OutcomeOf) and latency (for metrics).
	ProviderCall func(provider, outcome string, took time.Duration)
	// Refresh, when set, simulates scenario id again in a transaction of its own if its results are stale and
	// were computed before the given time (ops.Service.RefreshScenario), and reports whether it did; the
	// scenario_refresh job calls it.
	Refresh func(ctx context.Context, id int, before time.Time) (bool, error)
	// Measured, when set, runs in the transaction that completes a load test (ops.Service.MeasureDeployment):
	// a SWEEP of a deployment gives the deployment its measured capacity and a plan sized on it. It returns
	// only storage errors, which fail the completion with it.
	Measured func(ctx context.Context, lt *ent.LoadTest) error
	// Bandits, when set, lists the RUNNING bandit experiments, and UpdateBandit updates one's weights in a
	// transaction of its own (ops.Service.UpdateBandit); the bandit_update job calls them every BanditEvery.
	Bandits      func(ctx context.Context) ([]int, error)
	UpdateBandit func(ctx context.Context, id int) error
	// Pause, when set (tests), is called by a worker's read-then-write step after it has locked what it
	// changes, with the step's name (as ops.Service.Pause), so a test can hold it there.
	Pause func(ctx context.Context, op string)
	// Started is when this process started: the refresh job leaves results computed since alone (a newer
	// replica's). Zero: when the job first runs.
	Started time.Time

	ProgressEvery  time.Duration // how often a chunk saves and announces progress at most (default 300 ms)
	RolloutTimeout time.Duration // how long a deployment may stay PROVISIONING (default 5 minutes)
	RolloutPoll    time.Duration // how often a rollout asks its driver again (default 2 s)
	HealthEvery    time.Duration // how often ACTIVE deployments are checked (default 30 s)
	StallAfter     time.Duration // a RUNNING benchmark without progress this long is failed (default 30 minutes)
	ReapEvery      time.Duration // how often stalled benchmarks are looked for (default 1 minute)
	BanditEvery    time.Duration // how often bandit weights are updated (default DefaultBanditEvery, 1 hour)
	Now            func() time.Time

	refreshFailed sync.Map // scenario ids whose refresh failed, logged once
}

func (d *Deps) pause(ctx context.Context, op string) {
	if d.Pause != nil {
		d.Pause(ctx, op)
	}
}

func (d *Deps) now() time.Time {
	if d.Now != nil {
		return d.Now()
	}
	return time.Now()
}

// system is the context workers read and write in: they act for the row's owner, so privacy is bypassed.
func system(ctx context.Context) context.Context {
	return privacy.DecisionContext(ctx, privacy.Allow)
}

// Register adds the workers to workers.
func Register(workers *river.Workers, d *Deps) {
	river.AddWorker(workers, &chunkWorker{d: d})
	river.AddWorker(workers, &rolloutWorker{d: d})
	river.AddWorker(workers, &healthWorker{d: d})
	river.AddWorker(workers, &reapWorker{d: d})
	river.AddWorker(workers, &complianceWorker{d: d})
	river.AddWorker(workers, &scenarioRefreshWorker{d: d})
	river.AddWorker(workers, &loadTestWorker{d: d})
	river.AddWorker(workers, &banditWorker{d: d})
}

// Periodic lists the periodic jobs: deployment health checks, the stalled-benchmark reaper and the
// re-assessment of compliance profiles after a rule-set change, the recomputation of scenario results after
// a catalog or engine change, and the bandits' weight updates.
func Periodic(d *Deps) []*river.PeriodicJob {
	return []*river.PeriodicJob{
		river.NewPeriodicJob(river.PeriodicInterval(cmp.Or(d.HealthEvery, 30*time.Second)),
			func() (river.JobArgs, *river.InsertOpts) { return HealthCheckArgs{}, nil }, nil),
		river.NewPeriodicJob(river.PeriodicInterval(cmp.Or(d.ReapEvery, time.Minute)),
			func() (river.JobArgs, *river.InsertOpts) { return ReapArgs{}, nil }, nil),
		complianceReassessJob(),
		scenarioRefreshJob(),
		banditJob(d),
	}
}
