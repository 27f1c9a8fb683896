package live_test

import (
	"context"
	"errors"
	"fmt"
	"runtime"
	"slices"
	"sync"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/modelarchitect/architect/internal/events"
	"github.com/modelarchitect/architect/internal/live"
	"github.com/modelarchitect/architect/internal/viewer"
)

type row struct {
	ID      int
	Status  string
	Version int64
	Changed time.Time
}

var errMissing = errors.New("not found")

// table is a store of rows: a row absent from it is deleted.
type table struct {
	mu   sync.Mutex
	rows map[int]row
	gone []live.Deletion
}

func (tb *table) set(r row) {
	tb.mu.Lock()
	defer tb.mu.Unlock()
	r.Changed = time.Now()
	tb.rows[r.ID] = r
}

func (tb *table) remove(id int) {
	tb.mu.Lock()
	defer tb.mu.Unlock()
	delete(tb.rows, id)
	tb.gone = append(tb.gone, live.Deletion{ID: id, At: time.Now()})
}

// source serves the rows of tb; with nil, every row exists in state RUNNING at version 1.
func source(tb *table) live.Source[row] {
	return live.Source[row]{
		Kind: "benchmark",
		Get: func(_ context.Context, id int) (row, error) {
			if tb == nil {
				return row{ID: id, Status: "RUNNING", Version: 1, Changed: time.Now()}, nil
			}
			tb.mu.Lock()
			defer tb.mu.Unlock()
			r, ok := tb.rows[id]
			if !ok {
				return row{}, errMissing
			}
			return r, nil
		},
		Missing: func(err error) bool { return errors.Is(err, errMissing) },
		Since: func(_ context.Context, t time.Time) ([]row, error) {
			if tb == nil {
				return nil, nil
			}
			tb.mu.Lock()
			defer tb.mu.Unlock()
			var out []row
			for _, r := range tb.rows {
				if !r.Changed.Before(t) {
					out = append(out, r)
				}
			}
			return out, nil
		},
		DeletedSince: func(_ context.Context, t time.Time) ([]live.Deletion, error) {
			if tb == nil {
				return nil, nil
			}
			tb.mu.Lock()
			defer tb.mu.Unlock()
			var out []live.Deletion
			for _, d := range tb.gone {
				if !d.At.Before(t) {
					out = append(out, d)
				}
			}
			return out, nil
		},
		Final:   func(r row) bool { return r.Status == "COMPLETED" },
		Changed: func(r row) time.Time { return r.Changed },
		Version: func(r row) int64 { return r.Version },
		ID:      func(r row) int { return r.ID },
	}
}

type change struct {
	Op  live.Op
	ID  int
	Row row
}

func wrap(op live.Op, id int, r row) change { return change{op, id, r} }

// next receives from out or fails after a while.
func next[T any](t *testing.T, out <-chan T, what string) T {
	t.Helper()
	select {
	case v, open := <-out:
		require.True(t, open, "%s: the stream ended", what)
		return v
	case <-time.After(5 * time.Second):
		t.Fatalf("%s did not arrive", what)
	}
	panic("unreachable")
}

// closed requires that out ends (after any values it still holds are drained).
func closed[T any](t *testing.T, out <-chan T, what string) {
	t.Helper()
	select {
	case _, open := <-out:
		require.False(t, open, what)
	case <-time.After(5 * time.Second):
		t.Fatal(what + ": the stream did not end")
	}
}

// TestOwnedDeliversInOrderWithoutIdleGoroutines: a viewer-wide stream sends every change in order, ends when
// its context ends, and an idle stream keeps no goroutine waiting.
func TestOwnedDeliversInOrderWithoutIdleGoroutines(t *testing.T) {
	b := events.NewMemory(events.MemoryConfig{Buffer: 256})
	defer b.Close()
	w := &live.Watcher{Broker: b}
	ctx, cancel := context.WithCancel(viewer.NewContext(context.Background(), &viewer.Viewer{ID: 7}))
	defer cancel()

	before := runtime.NumGoroutine()
	var idle []context.CancelFunc
	for range 200 {
		c, stop := context.WithCancel(viewer.NewContext(context.Background(), &viewer.Viewer{ID: 8}))
		idle = append(idle, stop)
		_, err := live.Owned(c, w, source(nil), wrap)
		require.NoError(t, err)
	}
	require.Eventually(t, func() bool { return runtime.NumGoroutine() < before+20 }, 5*time.Second, 10*time.Millisecond,
		"200 idle streams hold no goroutine each (%d goroutines, %d before)", runtime.NumGoroutine(), before)

	out, err := live.Owned(ctx, w, source(nil), wrap)
	require.NoError(t, err)
	for i := 1; i <= 100; i++ {
		require.NoError(t, b.Publish(ctx, events.Event{Kind: "benchmark", ID: i, OwnerID: 7, Status: "RUNNING", Version: 1}))
	}
	for i := 1; i <= 100; i++ {
		c := next(t, out, fmt.Sprintf("row %d", i))
		require.Equal(t, i, c.ID, "in order")
		require.Equal(t, live.Updated, c.Op)
	}
	cancel()
	closed(t, out, "the stream ends with its context")
	for _, stop := range idle {
		stop()
	}
}

// TestRowCompletesAfterAFinalState: a row's stream sends the current state at once, then each change, and
// closes after a final state.
func TestRowCompletesAfterAFinalState(t *testing.T) {
	b := events.NewMemory(events.MemoryConfig{})
	defer b.Close()
	w := &live.Watcher{Broker: b}
	tb := &table{rows: map[int]row{}}
	tb.set(row{ID: 5, Status: "PENDING"})
	ctx := viewer.NewContext(context.Background(), &viewer.Viewer{ID: 7})
	out, err := live.Row(ctx, w, source(tb), 5, func(err error) { t.Errorf("ended with %v", err) })
	require.NoError(t, err)
	require.Equal(t, "PENDING", next(t, out, "the current state").Status)
	for v, s := range []string{"RUNNING", "COMPLETED"} {
		tb.set(row{ID: 5, Status: s, Version: int64(v + 1)})
		require.NoError(t, b.Publish(ctx, events.Event{Kind: "benchmark", ID: 5, OwnerID: 7, Status: s, Version: uint32(v + 1)}))
		require.Equal(t, s, next(t, out, s).Status)
	}
	closed(t, out, "closed after COMPLETED")
}

// TestRowNeverGoesBack: a state older than one already sent (a read that raced a newer commit, or one
// shared with another subscriber's earlier read) is not sent, so counters never go backwards.
func TestRowNeverGoesBack(t *testing.T) {
	b := events.NewMemory(events.MemoryConfig{Buffer: 64})
	defer b.Close()
	w := &live.Watcher{Broker: b}
	// Each read answers the next of these versions, whatever the notice said.
	answers := []int64{4, 3, 4, 2, 6, 5, 7}
	var reads int
	src := source(nil)
	src.Get = func(context.Context, int) (row, error) {
		v := answers[min(reads, len(answers)-1)]
		reads++
		status := "RUNNING"
		if v == 7 {
			status = "COMPLETED"
		}
		return row{ID: 5, Status: status, Version: v}, nil
	}
	ctx := viewer.NewContext(context.Background(), &viewer.Viewer{ID: 7})
	out, err := live.Row(ctx, w, src, 5, func(error) {})
	require.NoError(t, err)
	for v := uint32(10); v < 16; v++ {
		require.NoError(t, b.Publish(ctx, events.Event{Kind: "benchmark", ID: 5, OwnerID: 7, Status: "RUNNING", Version: v}))
	}
	var got []int64
	for r := range out {
		got = append(got, r.Version)
	}
	require.Equal(t, []int64{4, 6, 7}, got, "only states newer than every one sent before")
}

// TestRowEndsWhenDeleted: a row's stream whose row is deleted calls end with ErrDeleted and completes; so
// does one that finds the row gone when it re-reads (its delete notice was lost).
func TestRowEndsWhenDeleted(t *testing.T) {
	for _, lost := range []bool{false, true} {
		t.Run(fmt.Sprintf("notice lost %v", lost), func(t *testing.T) {
			b := events.NewMemory(events.MemoryConfig{})
			defer b.Close()
			w := &live.Watcher{Broker: b}
			tb := &table{rows: map[int]row{}}
			tb.set(row{ID: 5, Status: "RUNNING", Version: 1})
			ctx := viewer.NewContext(context.Background(), &viewer.Viewer{ID: 7})
			ended := make(chan error, 1)
			out, err := live.Row(ctx, w, source(tb), 5, func(err error) { ended <- err })
			require.NoError(t, err)
			next(t, out, "the current state")
			tb.remove(5)
			ev := events.Event{Kind: "benchmark", ID: 5, OwnerID: 7, Deleted: true}
			if lost {
				ev = events.Event{Kind: "benchmark", ID: 5, OwnerID: 7, Status: "RUNNING", Version: 2}
			}
			require.NoError(t, b.Publish(ctx, ev))
			closed(t, out, "the stream completes")
			require.ErrorIs(t, <-ended, live.ErrDeleted)
		})
	}
}

// TestOwnedCarriesDeletes: a viewer-wide stream sends deletions with the row's id, and after a resync it
// re-reads the rows changed and deleted since the last change it sent.
func TestOwnedCarriesDeletes(t *testing.T) {
	b := events.NewMemory(events.MemoryConfig{Buffer: 1})
	defer b.Close()
	w := &live.Watcher{Broker: b}
	tb := &table{rows: map[int]row{}}
	ctx, cancel := context.WithCancel(viewer.NewContext(context.Background(), &viewer.Viewer{ID: 7}))
	defer cancel()
	out, err := live.Owned(ctx, w, source(tb), wrap)
	require.NoError(t, err)

	tb.set(row{ID: 1, Status: "RUNNING", Version: 1})
	require.NoError(t, b.Publish(ctx, events.Event{Kind: "benchmark", ID: 1, OwnerID: 7, Version: 1}))
	require.Equal(t, change{live.Updated, 1, tb.rows[1]}, next(t, out, "row 1"))
	tb.remove(1)
	require.NoError(t, b.Publish(ctx, events.Event{Kind: "benchmark", ID: 1, OwnerID: 7, Deleted: true}))
	require.Equal(t, change{Op: live.Deleted, ID: 1}, next(t, out, "row 1 deleted"))

	// A resync: the broker lost events (here: a buffer of one overflows while the stream is busy).
	tb.set(row{ID: 2, Status: "RUNNING", Version: 1})
	tb.set(row{ID: 3, Status: "RUNNING", Version: 1})
	tb.remove(3)
	require.NoError(t, b.Publish(ctx, events.Event{Kind: "benchmark", ID: 2, OwnerID: 7, Version: 1}))
	require.NoError(t, b.Publish(ctx, events.Event{Kind: "benchmark", ID: 3, OwnerID: 7, Version: 1}))
	require.NoError(t, b.Publish(ctx, events.Event{Kind: "benchmark", ID: 3, OwnerID: 7, Deleted: true}))
	var got []change
	for !slices.Contains(got, change{Op: live.Deleted, ID: 3}) {
		got = append(got, next(t, out, "after the resync"))
	}
	require.Contains(t, got, change{live.Updated, 2, tb.rows[2]})
	require.Contains(t, got, change{Op: live.Deleted, ID: 3})
	require.NotContains(t, got, change{Op: live.Deleted, ID: 1}, "a deletion already sent is not sent again by the resync")
}

// TestOwnedResyncFindsChangesStampedEarlier: a change is stamped when it is written, and may commit (and be
// announced) after a change stamped later. When its event is lost, the resync still finds it.
func TestOwnedResyncFindsChangesStampedEarlier(t *testing.T) {
	b := events.NewMemory(events.MemoryConfig{Buffer: 1})
	defer b.Close()
	w := &live.Watcher{Broker: b}
	tb := &table{rows: map[int]row{}}
	ctx, cancel := context.WithCancel(viewer.NewContext(context.Background(), &viewer.Viewer{ID: 7}))
	defer cancel()
	out, err := live.Owned(ctx, w, source(tb), wrap)
	require.NoError(t, err)
	publish := func(id int, version uint32) {
		require.NoError(t, b.Publish(ctx, events.Event{Kind: "benchmark", ID: id, OwnerID: 7, Version: version}))
	}

	tb.set(row{ID: 1, Status: "RUNNING", Version: 1})
	publish(1, 1) // sent into out, which nobody reads yet: the stream blocks on the next row
	require.Eventually(t, func() bool { return len(out) == 1 }, 5*time.Second, time.Millisecond)
	tb.set(row{ID: 1, Status: "RUNNING", Version: 2})
	publish(1, 2)
	// Row 2 was written (stamped) 10 s before row 1's second change but commits now; its event and a filler's
	// overflow the buffer of one, whichever of them the blocked stream has taken.
	tb.mu.Lock()
	tb.rows[2] = row{ID: 2, Status: "RUNNING", Version: 1, Changed: tb.rows[1].Changed.Add(-10 * time.Second)}
	tb.mu.Unlock()
	publish(9, 1)
	publish(2, 1)

	var got []int
	for !slices.Contains(got, 2) {
		c := next(t, out, fmt.Sprintf("row 2 after %v", got))
		got = append(got, c.ID)
	}
	require.Equal(t, []int{1, 1, 2}, got, "row 1 twice, then row 2 from the resync")
}
