package eventstest

import (
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/modelarchitect/architect/internal/events"
)

// sentinelStatus marks the last event a test publishes to a subscription.
const sentinelStatus = "sentinel"

// sentinelID is a row or owner id no test uses otherwise.
const sentinelID = 999_999

// sentinel returns an event that f selects, marked as the last one.
func sentinel(f events.Filter) events.Event {
	if f.OwnerID != 0 {
		return events.Event{Kind: f.Kind, ID: sentinelID, OwnerID: f.OwnerID, Status: sentinelStatus}
	}
	return events.Event{Kind: f.Kind, ID: f.ID, OwnerID: sentinelID, Status: sentinelStatus}
}

// statusesUntilSentinel returns the statuses sub receives before the first sentinel; a Resync fails the test.
func statusesUntilSentinel(t *testing.T, sub *events.Subscription) []string {
	t.Helper()
	var got []string
	for {
		n := Receive(t, sub)
		require.False(t, n.Resync, "unexpected Resync after %v", got)
		if n.Event.Status == sentinelStatus {
			return got
		}
		got = append(got, n.Event.Status)
	}
}

func subscribe(t *testing.T, b events.Broker, f events.Filter) *events.Subscription {
	t.Helper()
	sub, err := b.Subscribe(t.Context(), f)
	require.NoError(t, err)
	return sub
}

// publish publishes ev and fails the test if Publish does not return within Timeout.
func publish(t *testing.T, b events.Broker, ev events.Event) {
	t.Helper()
	done := make(chan error, 1)
	go func() { done <- b.Publish(t.Context(), ev) }()
	select {
	case err := <-done:
		require.NoError(t, err)
	case <-time.After(Timeout):
		t.Fatalf("Publish(%+v) blocked for %s", ev, Timeout)
	}
}

// Receive returns the next notice of sub, failing the test when none comes within Timeout or sub ends.
func Receive(t testing.TB, sub *events.Subscription) events.Notice {
	t.Helper()
	timer := time.NewTimer(Timeout)
	defer timer.Stop()
	select {
	case n, ok := <-sub.C():
		require.True(t, ok, "subscription ended: %v", sub.Err())
		return n
	case <-timer.C:
		t.Fatalf("no notice within %s", Timeout)
		return events.Notice{}
	}
}

// RequireClosed waits up to Timeout for sub's channel to close, discarding notices still buffered.
func RequireClosed(t testing.TB, sub *events.Subscription) {
	t.Helper()
	timer := time.NewTimer(Timeout)
	defer timer.Stop()
	for {
		select {
		case _, ok := <-sub.C():
			if !ok {
				return
			}
		case <-timer.C:
			t.Fatalf("subscription still open after %s", Timeout)
		}
	}
}

// Drain returns the notices sub holds now, without waiting.
func Drain(sub *events.Subscription) []events.Notice {
	var got []events.Notice
	for {
		select {
		case n, ok := <-sub.C():
			if !ok {
				return got
			}
			got = append(got, n)
		default:
			return got
		}
	}
}
