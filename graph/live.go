package graph

import (
	"context"
	"time"

	"github.com/modelarchitect/architect/ent"
	entbenchmark "github.com/modelarchitect/architect/ent/benchmark"
	entdeployment "github.com/modelarchitect/architect/ent/deployment"
	entloadtest "github.com/modelarchitect/architect/ent/loadtest"
	entscenario "github.com/modelarchitect/architect/ent/scenario"
	"github.com/modelarchitect/architect/ent/tombstone"
	"github.com/modelarchitect/architect/graph/gqlmodel"
	"github.com/modelarchitect/architect/internal/apperr"
	"github.com/modelarchitect/architect/internal/live"
)

// benchmarks is how subscriptions read benchmarks: through the subscriber's own ent client, so the
// privacy rules apply.
func (r *Resolver) benchmarks() live.Source[*ent.Benchmark] {
	return live.Source[*ent.Benchmark]{
		Kind:    live.Benchmark,
		Get:     func(ctx context.Context, id int) (*ent.Benchmark, error) { return r.ent(ctx).Benchmark.Get(ctx, id) },
		Missing: ent.IsNotFound,
		Since: func(ctx context.Context, t time.Time) ([]*ent.Benchmark, error) {
			return r.ent(ctx).Benchmark.Query().Where(entbenchmark.OwnerID(viewerID(ctx)), entbenchmark.UpdatedAtGTE(t)).
				Order(ent.Asc(entbenchmark.FieldUpdatedAt)).All(ctx)
		},
		DeletedSince: r.deletedSince(live.Benchmark),
		Final: func(b *ent.Benchmark) bool {
			return b.Status == entbenchmark.StatusCOMPLETED || b.Status == entbenchmark.StatusFAILED || b.Status == entbenchmark.StatusCANCELLED
		},
		Changed: func(b *ent.Benchmark) time.Time { return b.UpdatedAt },
		Version: func(b *ent.Benchmark) int64 { return b.Version },
		ID:      func(b *ent.Benchmark) int { return b.ID },
	}
}

func (r *Resolver) deployments() live.Source[*ent.Deployment] {
	return live.Source[*ent.Deployment]{
		Kind:    live.Deployment,
		Get:     func(ctx context.Context, id int) (*ent.Deployment, error) { return r.ent(ctx).Deployment.Get(ctx, id) },
		Missing: ent.IsNotFound,
		Since: func(ctx context.Context, t time.Time) ([]*ent.Deployment, error) {
			return r.ent(ctx).Deployment.Query().Where(entdeployment.OwnerID(viewerID(ctx)), entdeployment.UpdatedAtGTE(t)).
				Order(ent.Asc(entdeployment.FieldUpdatedAt)).All(ctx)
		},
		DeletedSince: r.deletedSince(live.Deployment),
		Final:        func(d *ent.Deployment) bool { return d.Status == entdeployment.StatusTERMINATED },
		Changed:      func(d *ent.Deployment) time.Time { return d.UpdatedAt },
		Version:      func(d *ent.Deployment) int64 { return d.Version },
		ID:           func(d *ent.Deployment) int { return d.ID },
	}
}

// scenarios never reach a final state: a scenario changes whenever it is edited or simulated again (by its
// owner, or by the job that recomputes stale results).
func (r *Resolver) scenarios() live.Source[*ent.Scenario] {
	return live.Source[*ent.Scenario]{
		Kind:    live.Scenario,
		Get:     func(ctx context.Context, id int) (*ent.Scenario, error) { return r.ent(ctx).Scenario.Get(ctx, id) },
		Missing: ent.IsNotFound,
		Since: func(ctx context.Context, t time.Time) ([]*ent.Scenario, error) {
			return r.ent(ctx).Scenario.Query().Where(entscenario.OwnerID(viewerID(ctx)), entscenario.UpdatedAtGTE(t)).
				Order(ent.Asc(entscenario.FieldUpdatedAt)).All(ctx)
		},
		DeletedSince: r.deletedSince(live.Scenario),
		Final:        func(*ent.Scenario) bool { return false },
		Changed:      func(s *ent.Scenario) time.Time { return s.UpdatedAt },
		Version:      func(s *ent.Scenario) int64 { return s.Version },
		ID:           func(s *ent.Scenario) int { return s.ID },
	}
}

func (r *Resolver) loadTests() live.Source[*ent.LoadTest] {
	return live.Source[*ent.LoadTest]{
		Kind:    live.LoadTest,
		Get:     func(ctx context.Context, id int) (*ent.LoadTest, error) { return r.ent(ctx).LoadTest.Get(ctx, id) },
		Missing: ent.IsNotFound,
		Since: func(ctx context.Context, t time.Time) ([]*ent.LoadTest, error) {
			return r.ent(ctx).LoadTest.Query().Where(entloadtest.OwnerID(viewerID(ctx)), entloadtest.UpdatedAtGTE(t)).
				Order(ent.Asc(entloadtest.FieldUpdatedAt)).All(ctx)
		},
		DeletedSince: r.deletedSince(live.LoadTest),
		Final: func(l *ent.LoadTest) bool {
			return l.Status == entloadtest.StatusCOMPLETED || l.Status == entloadtest.StatusFAILED || l.Status == entloadtest.StatusCANCELLED
		},
		Changed: func(l *ent.LoadTest) time.Time { return l.UpdatedAt },
		Version: func(l *ent.LoadTest) int64 { return l.Version },
		ID:      func(l *ent.LoadTest) int { return l.ID },
	}
}

// deletedSince reads the viewer's tombstones of kind (live.Notifier keeps them).
func (r *Resolver) deletedSince(kind string) func(ctx context.Context, t time.Time) ([]live.Deletion, error) {
	return func(ctx context.Context, t time.Time) ([]live.Deletion, error) {
		stones, err := r.ent(ctx).Tombstone.Query().
			Where(tombstone.OwnerID(viewerID(ctx)), tombstone.Kind(kind), tombstone.DeletedAtGTE(t)).
			Order(ent.Asc(tombstone.FieldDeletedAt)).All(ctx)
		out := make([]live.Deletion, len(stones))
		for i, s := range stones {
			out[i] = live.Deletion{ID: s.RowID, At: s.DeletedAt}
		}
		return out, err
	}
}

// endDeleted ends a row's stream with NOT_FOUND when its row is deleted.
func endDeleted(ctx context.Context, what string) func(error) {
	end := EndStream(ctx)
	return func(err error) {
		end(&apperr.Error{Code: apperr.NotFound, Message: "the " + what + " was deleted", Err: err})
	}
}

func benchmarkEvent(op live.Op, id int, b *ent.Benchmark) *gqlmodel.BenchmarkEvent {
	return &gqlmodel.BenchmarkEvent{Change: op, ID: id, Benchmark: b}
}

func deploymentEvent(op live.Op, id int, d *ent.Deployment) *gqlmodel.DeploymentEvent {
	return &gqlmodel.DeploymentEvent{Change: op, ID: id, Deployment: d}
}

func loadTestEvent(op live.Op, id int, l *ent.LoadTest) *gqlmodel.LoadTestEvent {
	return &gqlmodel.LoadTestEvent{Change: op, ID: id, LoadTest: l}
}
