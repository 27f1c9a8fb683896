package graph

import (
	"context"
	"time"

	"github.com/modelarchitect/architect/ent"
	entbenchmark "github.com/modelarchitect/architect/ent/benchmark"
	entdeployment "github.com/modelarchitect/architect/ent/deployment"
	"github.com/modelarchitect/architect/internal/live"
	"github.com/modelarchitect/architect/internal/notify"
)

// benchmarks is how subscriptions read benchmarks: through the subscriber's own ent client, so the
// privacy rules apply.
func (r *Resolver) benchmarks() live.Source[*ent.Benchmark] {
	return live.Source[*ent.Benchmark]{
		Kind: notify.Benchmark,
		Get:  func(ctx context.Context, id int) (*ent.Benchmark, error) { return r.ent(ctx).Benchmark.Get(ctx, id) },
		Since: func(ctx context.Context, t time.Time) ([]*ent.Benchmark, error) {
			return r.ent(ctx).Benchmark.Query().Where(entbenchmark.OwnerID(viewerID(ctx)), entbenchmark.UpdatedAtGTE(t)).
				Order(ent.Asc(entbenchmark.FieldUpdatedAt)).All(ctx)
		},
		Final: func(b *ent.Benchmark) bool {
			return b.Status == entbenchmark.StatusCOMPLETED || b.Status == entbenchmark.StatusFAILED || b.Status == entbenchmark.StatusCANCELLED
		},
		Changed: func(b *ent.Benchmark) time.Time { return b.UpdatedAt },
	}
}

func (r *Resolver) deployments() live.Source[*ent.Deployment] {
	return live.Source[*ent.Deployment]{
		Kind: notify.Deployment,
		Get:  func(ctx context.Context, id int) (*ent.Deployment, error) { return r.ent(ctx).Deployment.Get(ctx, id) },
		Since: func(ctx context.Context, t time.Time) ([]*ent.Deployment, error) {
			return r.ent(ctx).Deployment.Query().Where(entdeployment.OwnerID(viewerID(ctx)), entdeployment.UpdatedAtGTE(t)).
				Order(ent.Asc(entdeployment.FieldUpdatedAt)).All(ctx)
		},
		Final:   func(d *ent.Deployment) bool { return d.Status == entdeployment.StatusTERMINATED },
		Changed: func(d *ent.Deployment) time.Time { return d.UpdatedAt },
	}
}
