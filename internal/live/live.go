// Package live carries the changes of the rows clients stream (benchmarks, deployments, scenarios) from the
// database to GraphQL subscriptions, through the events broker, and holds no domain logic.
//
// Publishing: Notifier's ent hook is the one place events come from. It sees every create, update and
// delete of those rows, and every deletion of a user (whose rows go by cascade), and announces each changed
// row once per transaction, after the transaction commits and in commit order.
//
// Subscribing: Row and Owned turn the broker's events into streams of rows. A row is re-read through the ent
// client of the subscriber's context, so the privacy rules decide what a viewer may see; concurrent re-reads
// of the same row for the same viewer (several subscriptions to it) share one query.
package live

import (
	"context"
	"errors"
	"fmt"
	"sync/atomic"
	"time"

	"golang.org/x/sync/singleflight"

	"github.com/modelarchitect/architect/internal/events"
	"github.com/modelarchitect/architect/internal/viewer"
)

// Source reads rows of one kind for a viewer.
type Source[T any] struct {
	Kind string
	// Get reads one row through the privacy rules of ctx (NOT_FOUND for another user's row).
	Get func(ctx context.Context, id int) (T, error)
	// Missing reports an error of Get that means the row does not exist or the viewer may not see it.
	Missing func(error) bool
	// Since reads the viewer's rows changed at or after t, oldest first (after a resync).
	Since func(ctx context.Context, t time.Time) ([]T, error)
	// DeletedSince reads the ids of the viewer's rows deleted at or after t, and when (after a resync).
	DeletedSince func(ctx context.Context, t time.Time) ([]Deletion, error)
	// Final reports whether a row is in a final state: its stream then completes.
	Final func(T) bool
	// Changed is when a row last changed.
	Changed func(T) time.Time
	// Version numbers a row's states in commit order: a stream never sends a lower one after a higher one.
	Version func(T) int64
	// ID is a row's id.
	ID func(T) int
}

// Deletion is a row deleted at At.
type Deletion struct {
	ID int
	At time.Time
}

// Op is what happened to a row.
type Op string

const (
	// Updated: the row was created or changed; the row is its state now.
	Updated Op = "UPDATED"
	// Deleted: the row was deleted; there is no row.
	Deleted Op = "DELETED"
)

// ErrDeleted ends a row's stream whose row was deleted, or can no longer be seen by the subscriber.
var ErrDeleted = errors.New("deleted")

// Watcher streams rows.
type Watcher struct {
	Broker events.Broker
	// Delivered, when set, is told of each row sent to a subscriber (for metrics).
	Delivered func(kind string)
	group     singleflight.Group
}

// read re-reads a row for a notice of its change. Concurrent reads for the same notice (the same row and
// version, for the same viewer: several subscriptions to it) share one query; a read shared that way began
// after the change committed, so it returns that state or a later one.
func read[T any](ctx context.Context, w *Watcher, s Source[T], id int, n events.Notice) (T, error) {
	if n.Resync || n.Event.Version == 0 {
		return s.Get(ctx, id)
	}
	key := fmt.Sprintf("%d|%s|%d|%d", viewerID(ctx), s.Kind, id, n.Event.Version)
	v, err, _ := w.group.Do(key, func() (any, error) { return s.Get(ctx, id) })
	if err != nil {
		var zero T
		return zero, err
	}
	return v.(T), nil
}

// Row streams one row: its current state at once, then every newer state, completing after a final state.
// When the row is deleted (or no longer visible to the subscriber) it calls end with an error wrapping
// ErrDeleted and completes. It subscribes before the first read, so no change between the two is missed.
func Row[T any](ctx context.Context, w *Watcher, s Source[T], id int, end func(error)) (<-chan T, error) {
	sub, err := w.Broker.Subscribe(ctx, events.ByID(s.Kind, id))
	if err != nil {
		return nil, err
	}
	first, err := s.Get(ctx, id)
	if err != nil {
		sub.Close()
		return nil, err
	}
	out := make(chan T, 1)
	out <- first // the buffer is empty: this does not block
	if w.Delivered != nil {
		w.Delivered(s.Kind)
	}
	if s.Final(first) {
		sub.Close()
		close(out)
		return out, nil
	}
	last := s.Version(first)
	gone := func() ([]T, bool) {
		end(fmt.Errorf("%s %d: %w", s.Kind, id, ErrDeleted))
		return nil, false
	}
	stream(ctx, w, s.Kind, sub, out, func(n events.Notice) ([]T, bool) {
		if n.Event.Deleted {
			return gone()
		}
		row, err := read(ctx, w, s, id, n)
		switch {
		case err != nil && s.Missing(err):
			return gone()
		case err != nil:
			return nil, true // a failed read: the next notice reads again
		case s.Version(row) <= last:
			return nil, true // already sent (or older than what was)
		}
		last = s.Version(row)
		return []T{row}, !s.Final(row)
	})
	return out, nil
}

// ResyncMargin is how far before the last change sent an Owned stream looks after a resync. Rows are stamped
// when written, not when committed, and replicas' clocks differ a little: a change stamped earlier than one
// already sent may commit after it. Rows re-read at a version already sent are not sent again.
const ResyncMargin = time.Minute

// Owned streams every change to any of the viewer's rows of the kind, as wrap(op, id, row) (row is the
// zero value when op is Deleted), until ctx ends. Each row's states come in version order. After a resync
// (the broker lost events) it re-reads the rows changed and deleted since the last change it sent, less
// ResyncMargin.
func Owned[T, U any](ctx context.Context, w *Watcher, s Source[T], wrap func(op Op, id int, row T) U) (<-chan U, error) {
	v := viewer.FromContext(ctx)
	if v == nil {
		return nil, fmt.Errorf("live: no viewer")
	}
	sub, err := w.Broker.Subscribe(ctx, events.ByOwner(s.Kind, v.ID))
	if err != nil {
		return nil, err
	}
	out := make(chan U, 1)
	var (
		zero     T
		last     = time.Now()
		versions = map[int]int64{} // the version sent last, per row
		sentGone = map[int]bool{}  // rows whose deletion was sent (ids are never reused)
	)
	seen := func(t time.Time) {
		if t.After(last) {
			last = t
		}
	}
	updated := func(row T) (U, bool) {
		id, ver := s.ID(row), s.Version(row)
		if prev, ok := versions[id]; ok && ver <= prev {
			return *new(U), false
		}
		versions[id] = ver
		seen(s.Changed(row))
		return wrap(Updated, id, row), true
	}
	deleted := func(id int) (U, bool) {
		if sentGone[id] {
			return *new(U), false
		}
		delete(versions, id)
		sentGone[id] = true
		return wrap(Deleted, id, zero), true
	}
	stream(ctx, w, s.Kind, sub, out, func(n events.Notice) ([]U, bool) {
		var batch []U
		switch {
		case n.Resync:
			since := last.Add(-ResyncMargin)
			rows, _ := s.Since(ctx, since)
			gone, _ := s.DeletedSince(ctx, since)
			for _, r := range rows {
				if u, ok := updated(r); ok {
					batch = append(batch, u)
				}
			}
			for _, d := range gone {
				if u, ok := deleted(d.ID); ok {
					batch = append(batch, u)
				}
				seen(d.At)
			}
		case n.Event.Deleted:
			if u, ok := deleted(n.Event.ID); ok {
				batch = append(batch, u)
			}
		default:
			if row, err := read(ctx, w, s, n.Event.ID, n); err == nil {
				if u, ok := updated(row); ok {
					batch = append(batch, u)
				}
			}
		}
		return batch, true
	})
	return out, nil
}

// stream turns sub's notices into rows on out: rows maps a notice to the rows to send and whether to go on.
// No goroutine waits for notices: one is started when the broker announces some (OnNotice) and returns
// when they are handled, so an idle subscriber costs its buffers only. Notices are handled one at a time
// and in order; out is closed, and sub closed, when the stream ends (rows says stop, ctx ends, the broker
// closes). Only the running handler touches out.
func stream[T any](ctx context.Context, w *Watcher, kind string, sub *events.Subscription, out chan T,
	rows func(events.Notice) ([]T, bool)) {
	var (
		running, pending atomic.Bool
		ended            bool // read and written by the running handler only
	)
	end := func() {
		if !ended {
			ended = true
			sub.Close()
			close(out)
		}
	}
	handle := func() {
		for !ended {
			select {
			case n, ok := <-sub.C():
				if !ok {
					end()
					return
				}
				batch, more := rows(n)
				for _, r := range batch {
					if !deliver(ctx, w, kind, out, r) {
						end()
						return
					}
				}
				if !more {
					end()
				}
			default:
				return
			}
		}
	}
	run := func() {
		for {
			pending.Store(false)
			handle()
			running.Store(false)
			// A notice announced after handle looked at C() set pending: take it unless another run did.
			if !pending.Load() || !running.CompareAndSwap(false, true) {
				return
			}
		}
	}
	wake := func() {
		pending.Store(true)
		if running.CompareAndSwap(false, true) {
			go run()
		}
	}
	sub.OnNotice(wake)
	wake() // notices that came before OnNotice
}

// deliver sends v to out unless ctx ends first, and counts it.
func deliver[T any](ctx context.Context, w *Watcher, kind string, out chan<- T, v T) bool {
	select {
	case out <- v:
		if w.Delivered != nil {
			w.Delivered(kind)
		}
		return true
	case <-ctx.Done():
		return false
	}
}

func viewerID(ctx context.Context) int {
	if v := viewer.FromContext(ctx); v != nil {
		return v.ID
	}
	return 0
}
