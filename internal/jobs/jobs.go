// Package jobs runs durable background work on River: it picks River's driver for the database (PostgreSQL
// through database/sql, SQLite through riversqlite), applies River's migrations, inserts jobs in the same
// transaction as the row they belong to, and starts and stops workers. What a job does lives with its
// module (internal/workers); this package only carries it.
package jobs

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"log/slog"
	"time"

	"entgo.io/ent/dialect"
	"github.com/riverqueue/river"
	"github.com/riverqueue/river/riverdriver"
	"github.com/riverqueue/river/riverdriver/riverdatabasesql"
	"github.com/riverqueue/river/riverdriver/riversqlite"
	"github.com/riverqueue/river/rivermigrate"

	"github.com/modelarchitect/architect/internal/database"
	"github.com/modelarchitect/architect/internal/observability"
)

// Config configures the job runner. Zero values are the defaults noted.
type Config struct {
	// Work runs workers in this process; false makes an insert-only client (WORKERS=false).
	Work bool
	// MaxWorkers is how many jobs this process runs at once (default 10).
	MaxWorkers int
	// JobTimeout bounds one job (default 2 minutes); work is split into jobs that finish well within it.
	JobTimeout time.Duration
	// RescueAfter is how long a job may look running before it is rescued and retried, e.g. after its
	// process died (default 5 minutes; tests use seconds). It must exceed JobTimeout.
	RescueAfter time.Duration
	// PollInterval is how often idle workers look for new jobs (default 500 ms on PostgreSQL, 200 ms on SQLite).
	PollInterval time.Duration
	// Periodic jobs this process schedules while it is River's leader.
	Periodic []*river.PeriodicJob
	// TestOnly turns off River's start-up jitter (tests).
	TestOnly bool
}

// Jobs is a River client for the project's database.
type Jobs struct {
	client *river.Client[*sql.Tx]
	work   bool
}

func driverFor(db *database.DB) riverdriver.Driver[*sql.Tx] {
	if db.Dialect == dialect.SQLite {
		return riversqlite.New(db.SQL)
	}
	return riverdatabasesql.New(db.SQL)
}

// Migrate applies River's own migrations (its job, queue and leader tables).
func Migrate(ctx context.Context, db *database.DB) error {
	m, err := rivermigrate.New(driverFor(db), nil)
	if err != nil {
		return fmt.Errorf("river migrator: %w", err)
	}
	if _, err := m.Migrate(ctx, rivermigrate.DirectionUp, nil); err != nil {
		return fmt.Errorf("river migrations: %w", err)
	}
	return nil
}

// New builds the client; workers holds the job kinds this process can run.
func New(db *database.DB, cfg Config, workers *river.Workers, log *slog.Logger) (*Jobs, error) {
	if cfg.MaxWorkers == 0 {
		cfg.MaxWorkers = 10
	}
	if cfg.JobTimeout == 0 {
		cfg.JobTimeout = 2 * time.Minute
	}
	if cfg.RescueAfter == 0 {
		cfg.RescueAfter = 5 * time.Minute
	}
	if cfg.RescueAfter <= cfg.JobTimeout {
		return nil, fmt.Errorf("job rescue (%s) must be longer than the job timeout (%s)", cfg.RescueAfter, cfg.JobTimeout)
	}
	if cfg.PollInterval == 0 {
		cfg.PollInterval = 500 * time.Millisecond
		if db.Dialect == dialect.SQLite {
			cfg.PollInterval = 200 * time.Millisecond
		}
	}
	rc := &river.Config{
		Logger:               observability.Routine(log), // River's info lines are its routine: debug level
		JobTimeout:           cfg.JobTimeout,
		RescueStuckJobsAfter: cfg.RescueAfter,
		FetchPollInterval:    cfg.PollInterval,
		FetchCooldown:        min(cfg.PollInterval, 100*time.Millisecond),
		Workers:              workers,
		TestOnly:             cfg.TestOnly,
		// database/sql and SQLite have no LISTEN connection River can use: poll.
		PollOnly: true,
	}
	if cfg.Work {
		rc.Queues = map[string]river.QueueConfig{river.QueueDefault: {MaxWorkers: cfg.MaxWorkers}}
		rc.PeriodicJobs = cfg.Periodic
	}
	client, err := river.NewClient(driverFor(db), rc)
	if err != nil {
		return nil, fmt.Errorf("river client: %w", err)
	}
	return &Jobs{client: client, work: cfg.Work}, nil
}

// Start starts the workers (nothing when this process does not work jobs).
func (j *Jobs) Start(ctx context.Context) error {
	if !j.work {
		return nil
	}
	return j.client.Start(ctx)
}

// Stop stops taking jobs and waits for running ones until ctx ends, then cancels them; a cancelled job is
// retried by another process (its work is resumable by design).
func (j *Jobs) Stop(ctx context.Context) error {
	if !j.work {
		return nil
	}
	err := j.client.Stop(ctx)
	if errors.Is(err, context.DeadlineExceeded) || errors.Is(err, context.Canceled) {
		return j.client.StopAndCancel(context.WithoutCancel(ctx))
	}
	return err
}

// Enqueue inserts a job in the transaction of ctx (so that the job exists exactly when the row that needs
// it does), or on its own when ctx holds none.
func (j *Jobs) Enqueue(ctx context.Context, args river.JobArgs, opts *river.InsertOpts) error {
	var err error
	if tx, ok := database.TxFromContext(ctx); ok {
		_, err = j.client.InsertTx(ctx, tx.SQL, args, opts)
	} else {
		_, err = j.client.Insert(ctx, args, opts)
	}
	if err != nil {
		return fmt.Errorf("enqueue %s: %w", args.Kind(), err)
	}
	return nil
}

// EnqueueMany inserts several jobs like Enqueue.
func (j *Jobs) EnqueueMany(ctx context.Context, params []river.InsertManyParams) error {
	if len(params) == 0 {
		return nil
	}
	var err error
	if tx, ok := database.TxFromContext(ctx); ok {
		_, err = j.client.InsertManyTx(ctx, tx.SQL, params)
	} else {
		_, err = j.client.InsertMany(ctx, params)
	}
	return err
}

// Client exposes the River client (for event subscriptions in tests and metrics).
func (j *Jobs) Client() *river.Client[*sql.Tx] { return j.client }

// Observe calls record for every job this process finishes (kind, outcome — ok, error, discarded,
// cancelled, snoozed or interrupted — and how long it ran) until ctx ends.
func (j *Jobs) Observe(ctx context.Context, record func(kind, outcome string, ran time.Duration)) {
	if !j.work {
		return
	}
	events, cancel := j.client.Subscribe(river.EventKindJobCompleted, river.EventKindJobFailed, river.EventKindJobCancelled,
		river.EventKindJobSnoozed, river.EventKindJobInterrupted)
	go func() {
		defer cancel()
		for {
			select {
			case <-ctx.Done():
				return
			case ev, ok := <-events:
				if !ok {
					return
				}
				outcome := map[river.EventKind]string{river.EventKindJobCompleted: "ok", river.EventKindJobFailed: "error",
					river.EventKindJobCancelled: "cancelled", river.EventKindJobSnoozed: "snoozed", river.EventKindJobInterrupted: "interrupted"}[ev.Kind]
				if ev.Kind == river.EventKindJobFailed && ev.Job.Attempt >= ev.Job.MaxAttempts {
					outcome = "discarded"
				}
				var ran time.Duration
				if ev.JobStats != nil {
					ran = ev.JobStats.RunDuration
				}
				record(ev.Job.Kind, outcome, ran)
			}
		}
	}()
}
