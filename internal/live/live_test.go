package live_test

import (
	"context"
	"runtime"
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
	Changed time.Time
}

// source serves rows whose status is the last one published for them.
func source(status map[int]string) live.Source[row] {
	return live.Source[row]{
		Kind: "benchmark",
		Get: func(_ context.Context, id int) (row, error) {
			return row{ID: id, Status: status[id], Changed: time.Now()}, nil
		},
		Since:   func(context.Context, time.Time) ([]row, error) { return nil, nil },
		Final:   func(r row) bool { return r.Status == "COMPLETED" },
		Changed: func(r row) time.Time { return r.Changed },
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
		_, err := live.Owned(c, w, source(nil))
		require.NoError(t, err)
	}
	require.Eventually(t, func() bool { return runtime.NumGoroutine() < before+20 }, 5*time.Second, 10*time.Millisecond,
		"200 idle streams hold no goroutine each (%d goroutines, %d before)", runtime.NumGoroutine(), before)

	out, err := live.Owned(ctx, w, source(nil))
	require.NoError(t, err)
	for i := 1; i <= 100; i++ {
		require.NoError(t, b.Publish(ctx, events.Event{Kind: "benchmark", ID: i, OwnerID: 7, Status: "RUNNING"}))
	}
	for i := 1; i <= 100; i++ {
		select {
		case r := <-out:
			require.Equal(t, i, r.ID, "in order")
		case <-time.After(5 * time.Second):
			t.Fatalf("row %d did not arrive", i)
		}
	}
	cancel()
	select {
	case _, open := <-out:
		require.False(t, open, "the stream ends with its context")
	case <-time.After(5 * time.Second):
		t.Fatal("the stream did not end")
	}
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
	status := map[int]string{5: "PENDING"}
	ctx := viewer.NewContext(context.Background(), &viewer.Viewer{ID: 7})
	out, err := live.Row(ctx, w, source(status), 5)
	require.NoError(t, err)
	require.Equal(t, "PENDING", (<-out).Status)
	for _, s := range []string{"RUNNING", "COMPLETED"} {
		status[5] = s
		require.NoError(t, b.Publish(ctx, events.Event{Kind: "benchmark", ID: 5, OwnerID: 7, Status: s}))
		select {
		case r := <-out:
			require.Equal(t, s, r.Status)
		case <-time.After(5 * time.Second):
			t.Fatalf("%s did not arrive", s)
		}
	}
	select {
	case _, open := <-out:
		require.False(t, open, "closed after COMPLETED")
	case <-time.After(5 * time.Second):
		t.Fatal("the stream did not complete")
	}
}
