// Package live turns broker events into streams of rows for GraphQL subscriptions. A row is re-read through
// the ent client of the subscriber's context, so the privacy rules decide what a viewer may see; concurrent
// re-reads of the same row for the same viewer (several subscriptions to it) share one query.
package live

import (
	"context"
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
	// Since reads the viewer's rows changed at or after t, oldest first (after a resync).
	Since func(ctx context.Context, t time.Time) ([]T, error)
	// Final reports whether a row is in a final state: its stream then completes.
	Final func(T) bool
	// Changed is when a row last changed.
	Changed func(T) time.Time
}

// Watcher streams rows.
type Watcher struct {
	Broker events.Broker
	// Delivered, when set, is told of each row sent to a subscriber (for metrics).
	Delivered func(kind string)
	group     singleflight.Group
}

// read re-reads a row, sharing the query with concurrent reads of the same row and status for the same viewer.
func read[T any](ctx context.Context, w *Watcher, s Source[T], id int, status string) (T, error) {
	key := fmt.Sprintf("%d|%s|%d|%s", viewerID(ctx), s.Kind, id, status)
	v, err, _ := w.group.Do(key, func() (any, error) { return s.Get(ctx, id) })
	if err != nil {
		var zero T
		return zero, err
	}
	return v.(T), nil
}

// Row streams one row: its current state at once, then every change, completing after a final state. It
// subscribes before the first read, so no change between the two is missed.
func Row[T any](ctx context.Context, w *Watcher, s Source[T], id int) (<-chan T, error) {
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
	stream(ctx, w, s.Kind, sub, out, func(n events.Notice) ([]T, bool) {
		row, err := read(ctx, w, s, id, n.Event.Status)
		if err != nil {
			return nil, false // deleted, or no longer visible
		}
		return []T{row}, !s.Final(row)
	})
	return out, nil
}

// Owned streams every change to any of the viewer's rows of the kind, until ctx ends. After a resync (the
// broker lost events) it re-reads the rows changed since the last one sent.
func Owned[T any](ctx context.Context, w *Watcher, s Source[T]) (<-chan T, error) {
	v := viewer.FromContext(ctx)
	if v == nil {
		return nil, fmt.Errorf("live: no viewer")
	}
	sub, err := w.Broker.Subscribe(ctx, events.ByOwner(s.Kind, v.ID))
	if err != nil {
		return nil, err
	}
	out := make(chan T, 1)
	last := time.Now()
	stream(ctx, w, s.Kind, sub, out, func(n events.Notice) ([]T, bool) {
		var rows []T
		if n.Resync {
			rows, _ = s.Since(ctx, last)
		} else if row, err := read(ctx, w, s, n.Event.ID, n.Event.Status); err == nil {
			rows = []T{row}
		}
		for _, r := range rows {
			if t := s.Changed(r); t.After(last) {
				last = t
			}
		}
		return rows, true
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
