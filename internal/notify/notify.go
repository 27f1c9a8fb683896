// Package notify announces row changes on the events broker once the transaction that made them commits, so
// that subscribers never see a change that was rolled back. It holds no logic of its own.
package notify

import (
	"context"
	"log/slog"

	"github.com/modelarchitect/architect/internal/database"
	"github.com/modelarchitect/architect/internal/events"
)

// Kinds of rows whose changes are announced.
const (
	Benchmark  = "benchmark"
	Deployment = "deployment"
)

// Notifier publishes changes.
type Notifier struct {
	Broker events.Broker
	Log    *slog.Logger
	// Published, when set, is told of each event published (for metrics).
	Published func(kind string)
}

// Changed announces that row id of kind, owned by owner, changed (status is its status now), after the
// transaction in ctx commits, or at once when ctx holds none. A failed publish is logged: the row is
// committed, and subscribers re-read on their next event or resync.
func (n *Notifier) Changed(ctx context.Context, kind string, id, owner int, status string) {
	if n == nil || n.Broker == nil {
		return
	}
	ev := events.Event{Kind: kind, ID: id, OwnerID: owner, Status: status}
	database.AfterCommit(ctx, func() {
		if err := n.Broker.Publish(context.WithoutCancel(ctx), ev); err != nil {
			if n.Log != nil {
				n.Log.Error("publish event", "kind", kind, "id", id, "err", err)
			}
			return
		}
		if n.Published != nil {
			n.Published(kind)
		}
	})
}
