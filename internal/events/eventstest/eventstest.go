// Package eventstest is the conformance suite every events.Broker passes; it builds no broker of its own.
package eventstest

import (
	"context"
	"errors"
	"fmt"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/modelarchitect/architect/internal/events"
)

// Timeout bounds every wait for a notice; PostgreSQL delivers in milliseconds, so reaching it is a failure.
const Timeout = 10 * time.Second

// Factory returns a new, empty broker whose subscriptions hold buffer notices each, closed when t ends. Each
// call must give a broker that no other call's events reach (e.g. its own NOTIFY channel).
type Factory func(t *testing.T, buffer int) events.Broker

// Run runs the suite against the brokers newBroker builds.
func Run(t *testing.T, newBroker Factory) {
	t.Helper()
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			tc.run(t, newBroker)
		})
	}
}

var cases = []struct {
	name string
	run  func(t *testing.T, newBroker Factory)
}{
	{"ByID", testByID},
	{"ByOwner", testByOwner},
	{"FiltersDoNotLeak", testFiltersDoNotLeak},
	{"SeveralSubscribersEachOnce", testSeveralSubscribers},
	{"EndsWhenContextEnds", testEndsWhenContextEnds},
	{"SubscriptionClose", testSubscriptionClose},
	{"SubscribeWithEndedContext", testSubscribeWithEndedContext},
	{"SlowSubscriberDoesNotBlock", testSlowSubscriberDoesNotBlock},
	{"OverflowLeavesOneResync", testOverflowLeavesOneResync},
	{"Close", testClose},
	{"InvalidInput", testInvalidInput},
	{"OnNoticeAnnouncesNoticesAndTheEnd", testOnNotice},
}

// testOnNotice: OnNotice's function is told of each notice, once it is in C(), and of C()'s close.
func testOnNotice(t *testing.T, newBroker Factory) {
	b := newBroker(t, 0)
	ctx, cancel := context.WithCancel(t.Context())
	sub, err := b.Subscribe(ctx, events.ByOwner("benchmark", 7))
	require.NoError(t, err)
	told := make(chan struct{}, 16)
	sub.OnNotice(func() { told <- struct{}{} })
	wait := func(what string) {
		select {
		case <-told:
		case <-time.After(Timeout):
			t.Fatalf("OnNotice was not called for %s", what)
		}
	}
	for i := 1; i <= 2; i++ {
		ev := events.Event{Kind: "benchmark", ID: i, OwnerID: 7, Status: "RUNNING"}
		publish(t, b, ev)
		wait("a notice")
		select {
		case n := <-sub.C():
			require.Equal(t, ev, n.Event, "the notice is in C() when OnNotice is called")
		default:
			t.Fatal("OnNotice was called before the notice was in C()")
		}
	}
	cancel()
	wait("the end")
	_, open := <-sub.C()
	require.False(t, open)
}

func testByID(t *testing.T, newBroker Factory) {
	b := newBroker(t, 0)
	sub := subscribe(t, b, events.ByID("benchmark", 1))
	ev := events.Event{Kind: "benchmark", ID: 1, OwnerID: 7, Status: "RUNNING"}
	publish(t, b, ev)
	require.Equal(t, events.Notice{Event: ev}, Receive(t, sub))
}

func testByOwner(t *testing.T, newBroker Factory) {
	b := newBroker(t, 0)
	sub := subscribe(t, b, events.ByOwner("deployment", 7))
	first := events.Event{Kind: "deployment", ID: 3, OwnerID: 7, Status: "PROVISIONING"}
	second := events.Event{Kind: "deployment", ID: 4, OwnerID: 7, Status: "ACTIVE"}
	publish(t, b, first)
	publish(t, b, second)
	require.Equal(t, events.Notice{Event: first}, Receive(t, sub))
	require.Equal(t, events.Notice{Event: second}, Receive(t, sub))
}

// testFiltersDoNotLeak publishes events that differ from each filter in one field, then one sentinel per
// subscription: everything a subscription receives before its sentinel must be what it asked for.
func testFiltersDoNotLeak(t *testing.T, newBroker Factory) {
	b := newBroker(t, 0)
	published := []events.Event{
		{Kind: "benchmark", ID: 1, OwnerID: 7, Status: "A"},  // benchmark row 1 and owner 7
		{Kind: "deployment", ID: 1, OwnerID: 7, Status: "B"}, // same numbers, other kind
		{Kind: "benchmark", ID: 2, OwnerID: 8, Status: "C"},  // other row, other owner
		{Kind: "benchmark", ID: 7, OwnerID: 1, Status: "D"},  // row id equal to owner 7: must not reach owner 7's stream
		{Kind: "benchmark", ID: 3, OwnerID: 7, Status: "E"},  // owner 7's other row
	}
	tests := []struct {
		filter events.Filter
		want   []string // statuses, in publish order
	}{
		{events.ByID("benchmark", 1), []string{"A"}},
		{events.ByID("benchmark", 7), []string{"D"}},
		{events.ByID("deployment", 1), []string{"B"}},
		{events.ByOwner("benchmark", 7), []string{"A", "E"}},
		{events.ByOwner("benchmark", 1), []string{"D"}},
		{events.ByOwner("deployment", 7), []string{"B"}},
		{events.ByOwner("benchmark", 9), nil},
		{events.ByID("scenario", 1), nil},
	}
	subs := make([]*events.Subscription, len(tests))
	for i, tc := range tests {
		subs[i] = subscribe(t, b, tc.filter)
	}
	for _, ev := range published {
		publish(t, b, ev)
	}
	for _, tc := range tests {
		publish(t, b, sentinel(tc.filter))
	}
	for i, tc := range tests {
		require.Equal(t, tc.want, statusesUntilSentinel(t, subs[i]), "filter %+v", tc.filter)
	}
}

func testSeveralSubscribers(t *testing.T, newBroker Factory) {
	b := newBroker(t, 0)
	filters := []events.Filter{
		events.ByID("benchmark", 5), events.ByID("benchmark", 5), events.ByID("benchmark", 5),
		events.ByOwner("benchmark", 2), events.ByOwner("benchmark", 2),
	}
	subs := make([]*events.Subscription, len(filters))
	for i, f := range filters {
		subs[i] = subscribe(t, b, f)
	}
	publish(t, b, events.Event{Kind: "benchmark", ID: 5, OwnerID: 2, Status: "COMPLETED"})
	publish(t, b, sentinel(events.ByID("benchmark", 5)))
	publish(t, b, sentinel(events.ByOwner("benchmark", 2)))
	for i, sub := range subs {
		require.Equal(t, []string{"COMPLETED"}, statusesUntilSentinel(t, sub), "subscription %d", i)
	}
	require.Equal(t, len(filters), b.Stats().Subscribers)
}

func testEndsWhenContextEnds(t *testing.T, newBroker Factory) {
	b := newBroker(t, 0)
	ctx, cancel := context.WithCancel(t.Context())
	ended, err := b.Subscribe(ctx, events.ByID("benchmark", 1))
	require.NoError(t, err)
	kept := subscribe(t, b, events.ByID("benchmark", 1))
	require.Equal(t, 2, b.Stats().Subscribers)

	cancel()
	RequireClosed(t, ended)
	require.ErrorIs(t, ended.Err(), context.Canceled)
	require.Equal(t, 1, b.Stats().Subscribers)

	ev := events.Event{Kind: "benchmark", ID: 1, OwnerID: 7, Status: "RUNNING"}
	publish(t, b, ev)
	require.Equal(t, events.Notice{Event: ev}, Receive(t, kept))
	require.NoError(t, kept.Err())
}

func testSubscriptionClose(t *testing.T, newBroker Factory) {
	b := newBroker(t, 0)
	closed := subscribe(t, b, events.ByOwner("benchmark", 7))
	kept := subscribe(t, b, events.ByOwner("benchmark", 7))
	closed.Close()
	closed.Close() // a second Close is harmless
	RequireClosed(t, closed)
	require.NoError(t, closed.Err())
	require.Equal(t, 1, b.Stats().Subscribers)

	ev := events.Event{Kind: "benchmark", ID: 2, OwnerID: 7, Status: "QUEUED"}
	publish(t, b, ev)
	require.Equal(t, events.Notice{Event: ev}, Receive(t, kept))
}

func testSubscribeWithEndedContext(t *testing.T, newBroker Factory) {
	b := newBroker(t, 0)
	ctx, cancel := context.WithCancel(t.Context())
	cancel()
	sub, err := b.Subscribe(ctx, events.ByID("benchmark", 1))
	require.ErrorIs(t, err, context.Canceled)
	require.Nil(t, sub)
	require.Equal(t, 0, b.Stats().Subscribers)
}

// testSlowSubscriberDoesNotBlock: a subscription nobody reads overflows while another one on the same
// events, read in step with the publisher, still receives every event in order.
func testSlowSubscriberDoesNotBlock(t *testing.T, newBroker Factory) {
	const buffer = 4
	const published = 5 * buffer
	b := newBroker(t, buffer)
	slow := subscribe(t, b, events.ByID("benchmark", 1))
	fast := subscribe(t, b, events.ByOwner("benchmark", 7))
	for i := range published {
		ev := events.Event{Kind: "benchmark", ID: 1, OwnerID: 7, Status: fmt.Sprint(i)}
		publish(t, b, ev)
		require.Equal(t, events.Notice{Event: ev}, Receive(t, fast), "event %d", i)
	}
	// An event on another row of owner 7 reaching fast proves the last one was handed to slow too: brokers
	// fan out one event completely before the next.
	publish(t, b, sentinel(events.ByOwner("benchmark", 7)))
	require.Equal(t, sentinelStatus, Receive(t, fast).Event.Status)

	// slow now holds what its bounded buffer kept: the first buffer events, then a Resync.
	pending := Drain(slow)
	require.Len(t, pending, buffer+1)
	require.Equal(t, events.Notice{Resync: true}, pending[buffer])
	st := b.Stats()
	require.Positive(t, st.Dropped)
	require.Positive(t, st.Resyncs)
}

// testOverflowLeavesOneResync checks the documented overflow rule exactly: an event that finds the buffer
// full is lost and a Resync is placed after the pending notices; no event follows it until it is read.
func testOverflowLeavesOneResync(t *testing.T, newBroker Factory) {
	const buffer = 2
	b := newBroker(t, buffer)
	slow := subscribe(t, b, events.ByID("benchmark", 1))
	witness := subscribe(t, b, events.ByOwner("benchmark", 7))
	ev := func(status string) events.Event {
		return events.Event{Kind: "benchmark", ID: 1, OwnerID: 7, Status: status}
	}
	step := func(e events.Event) {
		t.Helper()
		publish(t, b, e)
		require.Equal(t, events.Notice{Event: e}, Receive(t, witness))
	}
	// e1, e2 fill slow's buffer; e3 overflows it: [e1, e2, Resync]. e4 is lost too: the Resync is unread.
	for _, s := range []string{"e1", "e2", "e3", "e4"} {
		step(ev(s))
	}
	// A later event on another row of owner 7 proves (to the witness) that e4 was handed out: brokers fan
	// out one event completely before the next.
	step(events.Event{Kind: "benchmark", ID: 2, OwnerID: 7, Status: "later"})
	require.Equal(t, []events.Notice{{Event: ev("e1")}, {Event: ev("e2")}, {Resync: true}}, Drain(slow))
	st := b.Stats()
	require.Equal(t, uint64(2), st.Dropped, "e3 and e4")
	require.Equal(t, uint64(1), st.Resyncs)
	// Read, the Resync lets events through again.
	step(ev("e5"))
	step(events.Event{Kind: "benchmark", ID: 2, OwnerID: 7, Status: "later"})
	require.Equal(t, []events.Notice{{Event: ev("e5")}}, Drain(slow))
}

func testClose(t *testing.T, newBroker Factory) {
	b := newBroker(t, 0)
	sub := subscribe(t, b, events.ByID("benchmark", 1))
	require.NoError(t, b.Close())
	RequireClosed(t, sub)
	require.ErrorIs(t, sub.Err(), events.ErrClosed)
	require.Equal(t, 0, b.Stats().Subscribers)

	_, err := b.Subscribe(t.Context(), events.ByID("benchmark", 1))
	require.ErrorIs(t, err, events.ErrClosed)
	err = b.Publish(t.Context(), events.Event{Kind: "benchmark", ID: 1, OwnerID: 7})
	require.ErrorIs(t, err, events.ErrClosed)
	require.NoError(t, b.Close(), "a second Close")
	sub.Close() // closing a subscription of a closed broker is harmless
}

func testInvalidInput(t *testing.T, newBroker Factory) {
	b := newBroker(t, 0)
	long := string(make([]byte, events.MaxKindLen+1))
	publishCases := []struct {
		name  string
		ev    events.Event
		field string
	}{
		{"no kind", events.Event{ID: 1, OwnerID: 1}, "kind"},
		{"kind too long", events.Event{Kind: long, ID: 1, OwnerID: 1}, "kind"},
		{"kind not UTF-8", events.Event{Kind: "\xff", ID: 1, OwnerID: 1}, "kind"},
		{"zero id", events.Event{Kind: "benchmark", OwnerID: 1}, "id"},
		{"negative id", events.Event{Kind: "benchmark", ID: -1, OwnerID: 1}, "id"},
		{"no owner", events.Event{Kind: "benchmark", ID: 1}, "ownerId"},
		{"status too long", events.Event{Kind: "benchmark", ID: 1, OwnerID: 1, Status: string(make([]byte, events.MaxStatusLen+1))}, "status"},
		{"status not UTF-8", events.Event{Kind: "benchmark", ID: 1, OwnerID: 1, Status: "\xc3"}, "status"},
	}
	for _, tc := range publishCases {
		err := b.Publish(t.Context(), tc.ev)
		requireValidation(t, err, tc.field, tc.name)
	}
	subscribeCases := []struct {
		name   string
		filter events.Filter
		field  string
	}{
		{"no kind", events.ByID("", 1), "kind"},
		{"neither id nor owner", events.Filter{Kind: "benchmark"}, "id"},
		{"both id and owner", events.Filter{Kind: "benchmark", ID: 1, OwnerID: 2}, "ownerId"},
		{"negative id", events.ByID("benchmark", -3), "id"},
		{"negative owner", events.ByOwner("benchmark", -3), "ownerId"},
	}
	for _, tc := range subscribeCases {
		sub, err := b.Subscribe(t.Context(), tc.filter)
		require.Nil(t, sub, tc.name)
		requireValidation(t, err, tc.field, tc.name)
	}
	require.Equal(t, 0, b.Stats().Subscribers)
	require.Zero(t, b.Stats().Published)
}

func requireValidation(t *testing.T, err error, field, name string) {
	t.Helper()
	var ve *events.ValidationError
	require.True(t, errors.As(err, &ve), "%s: want *ValidationError, got %v", name, err)
	require.Equal(t, field, ve.Field, name)
	require.NotEmpty(t, ve.Reason, name)
}
