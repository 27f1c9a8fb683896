package events_test

import (
	"context"
	"fmt"
	"sync"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/modelarchitect/architect/internal/events"
	"github.com/modelarchitect/architect/internal/events/eventstest"
)

func newMemory(t *testing.T, buffer int) events.Broker {
	b := events.NewMemory(events.MemoryConfig{Buffer: buffer})
	t.Cleanup(func() { _ = b.Close() })
	return b
}

func TestMemoryConformance(t *testing.T) {
	t.Parallel()
	eventstest.Run(t, newMemory)
}

// TestMemoryPublishIsSynchronous: when Publish returns, the event is in every matching buffer.
func TestMemoryPublishIsSynchronous(t *testing.T) {
	t.Parallel()
	b := newMemory(t, 0)
	sub, err := b.Subscribe(t.Context(), events.ByOwner("deployment", 3))
	require.NoError(t, err)
	ev := events.Event{Kind: "deployment", ID: 9, OwnerID: 3, Status: "ACTIVE"}
	require.NoError(t, b.Publish(t.Context(), ev))
	require.Equal(t, []events.Notice{{Event: ev}}, eventstest.Drain(sub))
	st := b.Stats()
	require.Equal(t, events.Stats{Subscribers: 1, Published: 1, Received: 1, Delivered: 1}, st)
}

func TestMemoryPublishWithEndedContext(t *testing.T) {
	t.Parallel()
	b := newMemory(t, 0)
	ctx, cancel := context.WithCancel(t.Context())
	cancel()
	err := b.Publish(ctx, events.Event{Kind: "benchmark", ID: 1, OwnerID: 1})
	require.ErrorIs(t, err, context.Canceled)
}

// TestMemoryConcurrent runs publishers, readers and subscription churn at once (meant for -race): every
// reader sees each publisher's events in order, with gaps only where a Resync stands, and ends up current.
func TestMemoryConcurrent(t *testing.T) {
	t.Parallel()
	const publishers, perPublisher, churners = 4, 500, 4
	b := newMemory(t, 8)
	readers := make([]*events.Subscription, publishers)
	for p := range publishers {
		var err error
		readers[p], err = b.Subscribe(t.Context(), events.ByOwner("benchmark", p+1))
		require.NoError(t, err)
	}
	errs := make(chan error, publishers*2+churners)
	var writers, reading sync.WaitGroup
	for p := range publishers {
		writers.Go(func() {
			for i := range perPublisher {
				ev := events.Event{Kind: "benchmark", ID: i + 1, OwnerID: p + 1, Status: fmt.Sprint(i)}
				if err := b.Publish(t.Context(), ev); err != nil {
					errs <- err
					return
				}
			}
		})
		reading.Go(func() {
			last, resynced := 0, false
			for n := range readers[p].C() { // buffered notices stay readable after Close
				if n.Resync {
					resynced = true
					continue
				}
				if n.Event.ID <= last || (n.Event.ID != last+1 && !resynced) {
					errs <- fmt.Errorf("owner %d: event %d after %d (resync %v)", p+1, n.Event.ID, last, resynced)
					return
				}
				last, resynced = n.Event.ID, false
			}
			if last != perPublisher && !resynced {
				errs <- fmt.Errorf("owner %d: ended at event %d without a Resync", p+1, last)
			}
		})
	}
	for c := range churners {
		writers.Go(func() {
			for i := range 200 {
				ctx, cancel := context.WithCancel(t.Context())
				sub, err := b.Subscribe(ctx, events.ByID("benchmark", (c+i)%perPublisher+1))
				if err != nil {
					errs <- err
					cancel()
					return
				}
				if i%2 == 0 {
					sub.Close()
				}
				cancel()
				for range sub.C() { // the context's end closes the channel shortly after
				}
			}
		})
	}
	writers.Wait()
	require.Equal(t, publishers, b.Stats().Subscribers)
	for _, r := range readers {
		r.Close()
	}
	reading.Wait()
	close(errs)
	for err := range errs {
		require.NoError(t, err)
	}
}
