// Package seed fills a database with realistic demo and benchmark data: users with a known password and,
// for each, rows of every entity (Scenarios, Pipelines, Benchmarks, ComplianceProfiles, Experiments,
// Deployments, Explanations, LoadTests) drawn deterministically from a seed value. It writes through the ent client
// with the privacy rules bypassed; it does not migrate, and it never deletes anything.
package seed

import (
	"context"
	"errors"
	"fmt"
	"math/rand/v2"
	"slices"
	"sync"
	"time"

	"entgo.io/ent/privacy"
	"golang.org/x/sync/errgroup"

	"github.com/modelarchitect/architect/ent"
	"github.com/modelarchitect/architect/ent/user"
	"github.com/modelarchitect/architect/internal/auth"
	"github.com/modelarchitect/architect/internal/benchmark"
	"github.com/modelarchitect/architect/internal/catalog"
	"github.com/modelarchitect/architect/internal/compliance"
)

// Password is every seeded user's password.
const Password = "seed-password"

// Options say how much to seed.
type Options struct {
	Users   int // users to create
	PerUser int // rows of each entity per user
	// Seed picks the data; the same Seed, Now and catalog give the same rows.
	Seed int64
	// Now is the reference time rows are dated before; zero: the current time, to the second.
	Now time.Time
	// Argon2 hashes Password (once, for every user); zero: auth.OWASPParams.
	Argon2 auth.Argon2Params
	// Catalog supplies model ids, prices and GPU instances; nil: catalog.Default().
	Catalog *catalog.Catalog
	// Progress, when set, is called after each batch with the rows written so far and the rows planned
	// (from one goroutine at a time).
	Progress func(done, total int)
	// Workers is how many transactions write at once; zero: 1. On PostgreSQL 2 is faster; row ids then
	// interleave between batches (the rows themselves stay the same). SQLite has one writer: leave it at 1.
	Workers int
}

// ErrAlreadySeeded is returned when the first user this seed would create exists already.
var ErrAlreadySeeded = errors.New("the database already holds this seed's users: drop it (or pick another --seed) and try again")

const (
	// rowsPerTx bounds one transaction, so a failure loses little and progress moves steadily.
	rowsPerTx = 10_000
	// chunk is the rows per INSERT: at 14 columns it stays under SQLite's 32,766 and PostgreSQL's 65,535
	// bind parameters per statement.
	chunk = 1_000
	// kinds is the number of entity kinds each user gets PerUser rows of.
	kinds = 8
)

// Total is the number of rows Seed writes for o.
func (o Options) Total() int { return o.Users * (1 + kinds*o.PerUser) }

// Seed writes o.Users users and o.PerUser rows of each entity per user.
func Seed(ctx context.Context, client *ent.Client, o Options) error {
	if o.Users < 0 || o.PerUser < 0 {
		return fmt.Errorf("seed: users and per-user counts must not be negative (got %d and %d)", o.Users, o.PerUser)
	}
	if o.Users == 0 {
		return nil
	}
	ctx = privacy.DecisionContext(ctx, privacy.Allow)
	w, err := newWorld(o)
	if err != nil {
		return err
	}
	email, _ := w.user(client, &person{r: o.rand(0)}).Mutation().Email()
	if exists, err := client.User.Query().Where(user.Email(email)).Exist(ctx); err != nil {
		return fmt.Errorf("seed: %w", err)
	} else if exists {
		return ErrAlreadySeeded
	}
	perTx := max(1, rowsPerTx/(1+kinds*o.PerUser))
	s := &seeder{w: w, o: o, total: o.Total()}
	g, gctx := errgroup.WithContext(ctx)
	g.SetLimit(max(1, o.Workers))
	for start := 0; start < o.Users; start += perTx {
		people := make([]*person, min(perTx, o.Users-start))
		for i := range people {
			people[i] = &person{r: o.rand(start + i), index: start + i}
		}
		g.Go(func() error {
			if err := s.inTx(gctx, client, people); err != nil {
				return fmt.Errorf("seed users %d-%d: %w", start+1, start+len(people), err)
			}
			return nil
		})
	}
	return g.Wait()
}

// rand is user i's own random stream, so a user's rows do not depend on how users are batched.
func (o Options) rand(i int) *rand.Rand {
	return rand.New(rand.NewPCG(uint64(o.Seed), uint64(i)))
}

func newWorld(o Options) (*world, error) {
	cat := o.Catalog
	if cat == nil {
		cat = catalog.Default()
	}
	now := o.Now
	if now.IsZero() {
		now = time.Now().UTC().Truncate(time.Second)
	}
	params := o.Argon2
	if params == (auth.Argon2Params{}) {
		params = auth.OWASPParams
	}
	hash, err := auth.HashPassword(Password, params)
	if err != nil {
		return nil, err
	}
	w := &world{now: now, hash: hash, cat: cat, simulated: min(o.PerUser, (o.PerUser+9)/10)}
	today := now.Format(time.DateOnly)
	for _, m := range cat.Models {
		switch {
		case m.OpenWeights:
			w.open = append(w.open, m)
		case !m.SelfHostOnly && (m.DeprecationDate == "" || m.DeprecationDate > today):
			w.chat = append(w.chat, m)
		}
	}
	w.fits = fits(cat, w.open)
	if w.rules, err = compliance.Default(); err != nil {
		return nil, fmt.Errorf("seed: compliance rules: %w", err)
	}
	if len(w.chat) < 4 || len(w.fits) == 0 {
		return nil, errors.New("seed: the catalog needs at least 4 hosted chat models and 1 GPU instance that fits an open-weights model")
	}
	if w.simulated > 0 {
		if w.pool, err = simulatePool(cat, today); err != nil {
			return nil, fmt.Errorf("seed: %w", err)
		}
	}
	return w, nil
}

// seeder writes batches of people and reports progress.
type seeder struct {
	w     *world
	o     Options
	mu    sync.Mutex // guards done and calls to o.Progress
	done  int
	total int
}

func (s *seeder) inTx(ctx context.Context, client *ent.Client, people []*person) error {
	tx, err := client.Tx(ctx)
	if err != nil {
		return err
	}
	if err := s.batch(ctx, tx.Client(), people); err != nil {
		return errors.Join(err, tx.Rollback())
	}
	return tx.Commit()
}

func (s *seeder) progress(n int) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.done += n
	if s.o.Progress != nil {
		s.o.Progress(s.done, s.total)
	}
}

// batch writes people and their rows, kind by kind, in the order each user's random stream is drawn.
func (s *seeder) batch(ctx context.Context, c *ent.Client, people []*person) error {
	w, m := s.w, s.o.PerUser
	saved, err := c.User.CreateBulk(each(people, 1, func(p *person, _ int) *ent.UserCreate { return w.user(c, p) })...).Save(ctx)
	if err != nil {
		return fmt.Errorf("users: %w", err)
	}
	byID := make(map[int]*person, len(people))
	for i, u := range saved {
		people[i].id = u.ID
		byID[u.ID] = people[i]
	}
	s.progress(len(saved))
	if m == 0 {
		return nil
	}
	err = insert(s, each(people, m, func(p *person, j int) *ent.ScenarioCreate { return w.scenario(c, p, j) }),
		func(b []*ent.ScenarioCreate) error {
			rows, err := c.Scenario.CreateBulk(b...).Save(ctx)
			for _, r := range rows {
				byID[r.OwnerID].scenIDs = append(byID[r.OwnerID].scenIDs, r.ID)
			}
			return err
		})
	if err != nil {
		return fmt.Errorf("scenarios: %w", err)
	}
	if err := insert(s, each(people, m, func(p *person, _ int) *ent.PipelineCreate { return w.pipeline(c, p) }),
		func(b []*ent.PipelineCreate) error { return c.Pipeline.CreateBulk(b...).Exec(ctx) }); err != nil {
		return fmt.Errorf("pipelines: %w", err)
	}
	if err := s.benchmarks(ctx, c, people); err != nil {
		return err
	}
	if err := insert(s, each(people, m, func(p *person, _ int) *ent.ComplianceProfileCreate { return w.compliance(c, p) }),
		func(b []*ent.ComplianceProfileCreate) error { return c.ComplianceProfile.CreateBulk(b...).Exec(ctx) }); err != nil {
		return fmt.Errorf("compliance profiles: %w", err)
	}
	if err := s.experiments(ctx, c, people); err != nil {
		return err
	}
	if err := insert(s, each(people, m, func(p *person, _ int) *ent.DeploymentCreate { return w.deployment(c, p) }),
		func(b []*ent.DeploymentCreate) error { return c.Deployment.CreateBulk(b...).Exec(ctx) }); err != nil {
		return fmt.Errorf("deployments: %w", err)
	}
	if err := insert(s, each(people, m, func(p *person, k int) *ent.ExplanationCreate { return w.explanation(c, p, k, m) }),
		func(b []*ent.ExplanationCreate) error { return c.Explanation.CreateBulk(b...).Exec(ctx) }); err != nil {
		return fmt.Errorf("explanations: %w", err)
	}
	if err := insert(s, each(people, m, func(p *person, _ int) *ent.LoadTestCreate { return w.loadTest(c, p) }),
		func(b []*ent.LoadTestCreate) error { return c.LoadTest.CreateBulk(b...).Exec(ctx) }); err != nil {
		return fmt.Errorf("load tests: %w", err)
	}
	return nil
}

// benchmarks writes the people's Benchmarks and the item results of the calls they made (not counted in
// Options.Total: their number depends on each benchmark's status and size).
func (s *seeder) benchmarks(ctx context.Context, c *ent.Client, people []*person) error {
	runs := each(people, s.o.PerUser, func(p *person, _ int) run { return s.w.benchmark(c, p) })
	var items []*ent.BenchmarkItemResultCreate
	for part := range slices.Chunk(runs, chunk) {
		sets := make([]*ent.DatasetCreate, len(part))
		for i, r := range part {
			sets[i] = r.dataset
		}
		datasets, err := c.Dataset.CreateBulk(sets...).Save(ctx)
		if err != nil {
			return fmt.Errorf("datasets: %w", err)
		}
		versions := make([]*ent.DatasetVersionCreate, len(part))
		for i, r := range part {
			versions[i] = c.DatasetVersion.Create().SetOwnerID(datasets[i].OwnerID).SetDatasetID(datasets[i].ID).SetNumber(1).
				SetItems(r.items).SetContentHash(benchmark.ContentHash(r.items)).SetItemCount(len(r.items)).SetCreatedAt(datasets[i].CreatedAt)
		}
		saved, err := c.DatasetVersion.CreateBulk(versions...).Save(ctx)
		if err != nil {
			return fmt.Errorf("dataset versions: %w", err)
		}
		builders := make([]*ent.BenchmarkCreate, len(part))
		for i, r := range part {
			builders[i] = r.create.SetDatasetVersionID(saved[i].ID)
		}
		rows, err := c.Benchmark.CreateBulk(builders...).Save(ctx)
		if err != nil {
			return fmt.Errorf("benchmarks: %w", err)
		}
		for i, b := range rows {
			for _, m := range part[i].models {
				for _, r := range part[i].results[m] {
					items = append(items, c.BenchmarkItemResult.Create().SetOwnerID(b.OwnerID).SetBenchmarkID(b.ID).
						SetModel(m).SetItem(r.Item).SetRepeat(r.Repeat).SetOutput(r.Output).SetPassed(r.Pass).SetReason(r.Reason).SetError(r.Error).
						SetLatencyMs(float64(r.Latency.Microseconds())/1000).SetTtftMs(float64(r.TTFT.Microseconds())/1000).
						SetInputTokens(r.Usage.InputTokens).SetOutputTokens(r.Usage.OutputTokens).
						SetCreatedAt(b.UpdatedAt).SetUpdatedAt(b.UpdatedAt))
				}
			}
		}
		s.progress(len(rows))
	}
	for part := range slices.Chunk(items, chunk) {
		if err := c.BenchmarkItemResult.CreateBulk(part...).Exec(ctx); err != nil {
			return fmt.Errorf("benchmark item results: %w", err)
		}
	}
	return nil
}

// experiments writes the people's Experiments and, for those under way, their recorded observations and
// the assignments of a few units (neither counted in Options.Total: their number depends on each
// experiment's metrics and status).
func (s *seeder) experiments(ctx context.Context, c *ent.Client, people []*person) error {
	trials := each(people, s.o.PerUser, func(p *person, _ int) trial { return s.w.experiment(c, p) })
	var obs []*ent.ExperimentObservationCreate
	var assigned []*ent.AssignmentCreate
	for part := range slices.Chunk(trials, chunk) {
		b := make([]*ent.ExperimentObservationCreate, 0, len(part))
		builders := make([]*ent.ExperimentCreate, len(part))
		for i, t := range part {
			builders[i] = t.create
		}
		rows, err := c.Experiment.CreateBulk(builders...).Save(ctx)
		if err != nil {
			return fmt.Errorf("experiments: %w", err)
		}
		for i, e := range rows {
			for _, o := range part[i].observations {
				ob := c.ExperimentObservation.Create().SetOwnerID(e.OwnerID).SetExperimentID(e.ID).
					SetIdempotencyKey("seed-" + o.variant + "-" + o.metric).SetVariant(o.variant).SetMetric(o.metric).
					SetCreatedAt(e.UpdatedAt).SetUpdatedAt(e.UpdatedAt)
				if o.binary != nil {
					ob.SetConversions(o.binary.Conversions).SetTrials(o.binary.Trials)
				} else {
					ob.SetCount(o.continuous.Count).SetMean(o.continuous.Mean).SetVariance(o.continuous.Variance)
				}
				b = append(b, ob)
			}
			assigned = append(assigned, assignments(c, e)...)
		}
		obs = append(obs, b...)
		s.progress(len(rows))
	}
	for part := range slices.Chunk(obs, chunk) {
		if err := c.ExperimentObservation.CreateBulk(part...).Exec(ctx); err != nil {
			return fmt.Errorf("experiment observations: %w", err)
		}
	}
	for part := range slices.Chunk(assigned, chunk) {
		if err := c.Assignment.CreateBulk(part...).Exec(ctx); err != nil {
			return fmt.Errorf("assignments: %w", err)
		}
	}
	return nil
}

// each builds n rows per person, person by person.
func each[B any](people []*person, n int, build func(*person, int) B) []B {
	out := make([]B, 0, len(people)*n)
	for _, p := range people {
		for j := range n {
			out = append(out, build(p, j))
		}
	}
	return out
}

// insert saves builders chunk by chunk, reporting progress after each.
func insert[B any](s *seeder, builders []B, save func([]B) error) error {
	for part := range slices.Chunk(builders, chunk) {
		if err := save(part); err != nil {
			return err
		}
		s.progress(len(part))
	}
	return nil
}
