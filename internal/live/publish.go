package live

import (
	"context"
	"fmt"
	"log/slog"
	"time"

	"entgo.io/ent/privacy"

	"github.com/modelarchitect/architect/ent"
	entbenchmark "github.com/modelarchitect/architect/ent/benchmark"
	entdeployment "github.com/modelarchitect/architect/ent/deployment"
	entloadtest "github.com/modelarchitect/architect/ent/loadtest"
	entscenario "github.com/modelarchitect/architect/ent/scenario"
	"github.com/modelarchitect/architect/ent/tombstone"
	"github.com/modelarchitect/architect/internal/database"
	"github.com/modelarchitect/architect/internal/events"
)

// Kinds of rows whose changes are announced.
const (
	Benchmark  = "benchmark"
	Deployment = "deployment"
	Scenario   = "scenario"
	LoadTest   = "load_test"
)

// TombstoneWindow is how long a deletion is remembered for live streams that resync (after their events were
// lost, e.g. while a replica's LISTEN connection was re-established): far longer than such a gap lasts.
const TombstoneWindow = time.Hour

// Notifier publishes changes.
type Notifier struct {
	Broker events.Broker
	Log    *slog.Logger
	// Published, when set, is told of each event published (for metrics).
	Published func(kind string)
	// Now stamps tombstones; nil: time.Now.
	Now func() time.Time
}

// Hook is the ent hook that announces changes: register it on every client (database.DB.Use). Creates and
// updates are announced with the row's status and version, deletes as such (and remembered as tombstones
// for live streams that resync); deleting a user announces the deletion of each of its streamed rows, which
// the database deletes by cascade.
func (n *Notifier) Hook() ent.Hook {
	return func(next ent.Mutator) ent.Mutator {
		return ent.MutateFunc(func(ctx context.Context, m ent.Mutation) (ent.Value, error) {
			switch m.Type() {
			case ent.TypeBenchmark, ent.TypeDeployment, ent.TypeScenario, ent.TypeLoadTest:
			case ent.TypeUser:
				if m.Op().Is(ent.OpDelete | ent.OpDeleteOne) {
					return n.userDeleted(ctx, m.(*ent.UserMutation), next)
				}
				return next.Mutate(ctx, m)
			default:
				return next.Mutate(ctx, m)
			}
			switch {
			case m.Op().Is(ent.OpUpdate | ent.OpDelete):
				// A bulk change is refused rather than announced approximately: the rows it reaches are
				// known only once it has run, and privacy filters are applied inside.
				return nil, fmt.Errorf("live: %s %ss one at a time (UpdateOne, DeleteOne), so that each change is announced", m.Op(), m.Type())
			case m.Op().Is(ent.OpDeleteOne):
				gone, err := rowsOf(ctx, m)
				if err != nil {
					return nil, err
				}
				v, err := next.Mutate(ctx, m)
				if err != nil {
					return v, err
				}
				return v, n.deleted(ctx, m, gone, true)
			}
			v, err := next.Mutate(ctx, m)
			if err != nil {
				return v, err
			}
			ev, ok := eventOf(v) // the row as written
			if !ok {
				return v, fmt.Errorf("live: %s of %s returned %T", m.Op(), m.Type(), v)
			}
			n.announce(ctx, ev)
			return v, nil
		})
	}
}

// userDeleted announces the deletion of the streamed rows of the users m deletes.
func (n *Notifier) userDeleted(ctx context.Context, m *ent.UserMutation, next ent.Mutator) (ent.Value, error) {
	ids, err := m.IDs(allow(ctx))
	if err != nil {
		return nil, err
	}
	c := m.Client()
	var gone []events.Event
	bs, err := c.Benchmark.Query().Where(entbenchmark.OwnerIDIn(ids...)).
		Select(entbenchmark.FieldID, entbenchmark.FieldOwnerID).All(allow(ctx))
	if err != nil {
		return nil, err
	}
	for _, b := range bs {
		gone = append(gone, events.Event{Kind: Benchmark, ID: b.ID, OwnerID: b.OwnerID})
	}
	ds, err := c.Deployment.Query().Where(entdeployment.OwnerIDIn(ids...)).
		Select(entdeployment.FieldID, entdeployment.FieldOwnerID).All(allow(ctx))
	if err != nil {
		return nil, err
	}
	for _, d := range ds {
		gone = append(gone, events.Event{Kind: Deployment, ID: d.ID, OwnerID: d.OwnerID})
	}
	ss, err := c.Scenario.Query().Where(entscenario.OwnerIDIn(ids...)).
		Select(entscenario.FieldID, entscenario.FieldOwnerID).All(allow(ctx))
	if err != nil {
		return nil, err
	}
	for _, sc := range ss {
		gone = append(gone, events.Event{Kind: Scenario, ID: sc.ID, OwnerID: sc.OwnerID})
	}
	ls, err := c.LoadTest.Query().Where(entloadtest.OwnerIDIn(ids...)).
		Select(entloadtest.FieldID, entloadtest.FieldOwnerID).All(allow(ctx))
	if err != nil {
		return nil, err
	}
	for _, l := range ls {
		gone = append(gone, events.Event{Kind: LoadTest, ID: l.ID, OwnerID: l.OwnerID})
	}
	v, err := next.Mutate(ctx, m)
	if err != nil {
		return v, err
	}
	// No tombstones: they serve the owner's own streams, which end with the owner.
	return v, n.deleted(ctx, m, gone, false)
}

// deleted announces deleted rows and, with tombstones, remembers them for resyncing streams.
func (n *Notifier) deleted(ctx context.Context, m ent.Mutation, gone []events.Event, tombstones bool) error {
	if tombstones && len(gone) > 0 {
		now := time.Now()
		if n.Now != nil {
			now = n.Now()
		}
		c := clientOf(m)
		stones := make([]*ent.TombstoneCreate, len(gone))
		for i, ev := range gone {
			stones[i] = c.Tombstone.Create().SetKind(ev.Kind).SetRowID(ev.ID).SetOwnerID(ev.OwnerID).SetDeletedAt(now.UTC())
		}
		if err := c.Tombstone.CreateBulk(stones...).Exec(allow(ctx)); err != nil {
			return fmt.Errorf("tombstones: %w", err)
		}
		if _, err := c.Tombstone.Delete().Where(tombstone.DeletedAtLT(now.Add(-TombstoneWindow))).Exec(allow(ctx)); err != nil {
			return fmt.Errorf("tombstones: %w", err)
		}
	}
	for _, ev := range gone {
		ev.Deleted, ev.Status, ev.Version = true, "", 0
		n.announce(ctx, ev)
	}
	return nil
}

// eventOf describes a written row.
func eventOf(v ent.Value) (events.Event, bool) {
	switch r := v.(type) {
	case *ent.Benchmark:
		return events.Event{Kind: Benchmark, ID: r.ID, OwnerID: r.OwnerID, Status: string(r.Status), Version: uint32(r.Version)}, true
	case *ent.Deployment:
		return events.Event{Kind: Deployment, ID: r.ID, OwnerID: r.OwnerID, Status: string(r.Status), Version: uint32(r.Version)}, true
	case *ent.Scenario:
		return events.Event{Kind: Scenario, ID: r.ID, OwnerID: r.OwnerID, Version: uint32(r.Version)}, true
	case *ent.LoadTest:
		return events.Event{Kind: LoadTest, ID: r.ID, OwnerID: r.OwnerID, Status: string(r.Status), Version: uint32(r.Version)}, true
	}
	return events.Event{}, false
}

// rowsOf reads the row a DeleteOne mutation is about to delete (none when it does not exist).
func rowsOf(ctx context.Context, m ent.Mutation) ([]events.Event, error) {
	ctx = allow(ctx)
	var (
		row ent.Value
		err error
	)
	switch m := m.(type) {
	case *ent.BenchmarkMutation:
		id, _ := m.ID()
		row, err = m.Client().Benchmark.Query().Where(entbenchmark.ID(id)).Only(ctx)
	case *ent.DeploymentMutation:
		id, _ := m.ID()
		row, err = m.Client().Deployment.Query().Where(entdeployment.ID(id)).Only(ctx)
	case *ent.ScenarioMutation:
		id, _ := m.ID()
		row, err = m.Client().Scenario.Query().Where(entscenario.ID(id)).Only(ctx)
	case *ent.LoadTestMutation:
		id, _ := m.ID()
		row, err = m.Client().LoadTest.Query().Where(entloadtest.ID(id)).Only(ctx)
	}
	if ent.IsNotFound(err) {
		return nil, nil
	}
	if err != nil {
		return nil, err
	}
	ev, _ := eventOf(row)
	return []events.Event{ev}, nil
}

func clientOf(m ent.Mutation) *ent.Client {
	switch m := m.(type) {
	case *ent.BenchmarkMutation:
		return m.Client()
	case *ent.DeploymentMutation:
		return m.Client()
	case *ent.ScenarioMutation:
		return m.Client()
	case *ent.LoadTestMutation:
		return m.Client()
	case *ent.UserMutation:
		return m.Client()
	}
	panic(fmt.Sprintf("live: no client for %T", m))
}

// announce publishes ev once the transaction in ctx commits (at once when there is none). The events of one
// transaction are published together and one per row: the row's last state in that transaction.
func (n *Notifier) announce(ctx context.Context, ev events.Event) {
	if n == nil || n.Broker == nil {
		return
	}
	tx, ok := database.TxFromContext(ctx)
	if !ok {
		n.publish(ctx, []events.Event{ev})
		return
	}
	tx.Local(txEventsKey{n}, func() any { return n.newTxEvents(tx) }).(*txEvents).add(ev)
}

type txEventsKey struct{ n *Notifier }

// txEvents is what one transaction announces, in the order rows first changed.
type txEvents struct {
	order []events.Event
	index map[[2]any]int
}

func (b *txEvents) add(ev events.Event) {
	k := [2]any{ev.Kind, ev.ID}
	if i, ok := b.index[k]; ok {
		b.order[i] = ev
		return
	}
	b.index[k] = len(b.order)
	b.order = append(b.order, ev)
}

// newTxEvents registers the publication of tx's events: on PostgreSQL as NOTIFY inside the transaction, which
// the server delivers on commit and in commit order (and never if it rolls back); otherwise after commit.
func (n *Notifier) newTxEvents(tx *database.Tx) *txEvents {
	b := &txEvents{index: map[[2]any]int{}}
	if p, ok := n.Broker.(events.TxPublisher); ok {
		tx.BeforeCommit(func(ctx context.Context) error {
			for _, ev := range b.order {
				if err := p.PublishTx(ctx, tx.SQL, ev); err != nil {
					return err
				}
			}
			return nil
		})
		tx.AfterCommit(func() { n.count(b.order) })
		return b
	}
	tx.AfterCommit(func() { n.publish(context.Background(), b.order) })
	return b
}

// publish sends events now. A failed publish is logged: the rows are committed, and subscribers re-read on
// their next event or resync.
func (n *Notifier) publish(ctx context.Context, evs []events.Event) {
	for _, ev := range evs {
		if err := n.Broker.Publish(context.WithoutCancel(ctx), ev); err != nil {
			if n.Log != nil {
				n.Log.Error("publish event", "kind", ev.Kind, "id", ev.ID, "err", err)
			}
			continue
		}
		n.count([]events.Event{ev})
	}
}

func (n *Notifier) count(evs []events.Event) {
	if n.Published == nil {
		return
	}
	for _, ev := range evs {
		n.Published(ev.Kind)
	}
}

func allow(ctx context.Context) context.Context { return privacy.DecisionContext(ctx, privacy.Allow) }
