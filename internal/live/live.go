// Package live turns broker events into streams of rows for GraphQL subscriptions. A row is re-read through
// the ent client of the subscriber's context, so the privacy rules decide what a viewer may see; concurrent
// re-reads of the same row for the same viewer (several subscriptions to it) share one query.
package live

import (
	"context"
	"fmt"
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
	go func() {
		defer close(out)
		defer sub.Close()
		if !deliver(ctx, w, s.Kind, out, first) || s.Final(first) {
			return
		}
		for n := range sub.C() {
			row, err := read(ctx, w, s, id, n.Event.Status)
			if err != nil {
				return // deleted, or no longer visible
			}
			if !deliver(ctx, w, s.Kind, out, row) || s.Final(row) {
				return
			}
		}
	}()
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
	go func() {
		defer close(out)
		defer sub.Close()
		last := time.Now()
		for n := range sub.C() {
			var rows []T
			if n.Resync {
				if rows, err = s.Since(ctx, last); err != nil {
					continue
				}
			} else if row, err := read(ctx, w, s, n.Event.ID, n.Event.Status); err == nil {
				rows = []T{row}
			}
			for _, r := range rows {
				if !deliver(ctx, w, s.Kind, out, r) {
					return
				}
				if t := s.Changed(r); t.After(last) {
					last = t
				}
			}
		}
	}()
	return out, nil
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
