package wstransport_test

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/gorilla/websocket"
	"github.com/stretchr/testify/require"

	"github.com/modelarchitect/architect/internal/wstransport"
)

func TestRevalidateClosesRevokedConnections(t *testing.T) {
	t.Parallel()
	for _, proto := range protocols {
		t.Run(proto, func(t *testing.T) {
			t.Parallel()
			var calls atomic.Int64
			var revoked atomic.Bool
			var sawViewer atomic.Value
			b := setup(t, wstransport.Config{
				RevalidateInterval: 20 * time.Millisecond,
				Revalidate: func(ctx context.Context) error {
					calls.Add(1)
					sawViewer.Store(ctx.Value(viewerKey{}))
					if revoked.Load() {
						return errors.New("the token was revoked (log-out, password or role change)")
					}
					return nil
				},
			})
			c := b.dial(proto, nil)
			c.init(map[string]any{"authToken": "alice"})
			c.subscribe("t", `subscription { ticks }`, nil)
			eventually(t, func() bool { return b.schema.active.Load() == 1 }, "the subscription runs")
			eventually(t, func() bool { return calls.Load() >= 3 }, "revalidated periodically")
			require.Equal(t, "alice", sawViewer.Load(), "Revalidate sees InitFunc's context")
			require.Equal(t, int64(1), b.schema.active.Load(), "a valid connection stays")

			revoked.Store(true)
			if proto == legacyWS {
				m := c.expect("connection_error", "")
				require.JSONEq(t, `{"message":"the token was revoked (log-out, password or role change)"}`, string(m.Payload))
			}
			require.Equal(t, "the token was revoked (log-out, password or role change)", c.expectClose(4403))
			eventually(t, func() bool { return b.schema.active.Load() == 0 }, "its subscriptions end")
		})
	}
}

func TestShutdownClosesWithGoingAway(t *testing.T) {
	t.Parallel()
	b := setup(t, wstransport.Config{})
	var clients []*client
	for _, proto := range protocols {
		c := b.dial(proto, nil)
		c.init(nil)
		c.subscribe("t", `subscription { ticks }`, nil)
		clients = append(clients, c)
	}
	eventually(t, func() bool { return b.schema.active.Load() == 2 }, "both subscribed")

	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	done := make(chan error, 1)
	go func() { done <- b.transport.Shutdown(ctx) }()
	for _, c := range clients {
		require.Equal(t, "server shutting down", c.expectClose(websocket.CloseGoingAway))
	}
	require.NoError(t, <-done)
	require.Equal(t, gauges{}, b.events.gauges())
	// The resolver hears of the cancellation through context.AfterFunc, on a goroutine of its own.
	eventually(t, func() bool { return b.schema.active.Load() == 0 }, "the resolvers' contexts are cancelled")

	_, resp, err := b.tryDial([]string{transportWS}, nil)
	require.Error(t, err)
	_ = resp.Body.Close()
	require.Equal(t, http.StatusServiceUnavailable, resp.StatusCode, "no new sockets after Shutdown")
}

func TestShutdownGivesUpAtDeadline(t *testing.T) {
	t.Parallel()
	b := setup(t, wstransport.Config{})
	c := b.dial(transportWS, nil)
	c.init(nil)
	// This client never reads, so it never answers the close frame; the server waits its grace period,
	// which outlasts the deadline.
	ctx, cancel := context.WithTimeout(context.Background(), 50*time.Millisecond)
	defer cancel()
	require.ErrorIs(t, b.transport.Shutdown(ctx), context.DeadlineExceeded)
	eventually(t, func() bool { return b.events.gauges().connections == 0 }, "the socket is dropped")
}

func TestHooks(t *testing.T) {
	t.Parallel()
	b := setup(t, wstransport.Config{})
	c := b.dial(transportWS, nil)
	c.init(nil)
	c.subscribe("t", `subscription { ticks }`, nil)
	eventually(t, func() bool { return b.events.gauges() == gauges{connections: 1, operations: 1} }, "gauges")
	b.schema.ticks.publish()
	c.expectNext("t")
	c.send("complete", "t", nil)
	eventually(t, func() bool { return b.events.gauges().operations == 0 }, "the operation ends")
	require.NoError(t, c.ws.WriteMessage(websocket.CloseMessage, websocket.FormatCloseMessage(websocket.CloseNormalClosure, "bye")))
	eventually(t, func() bool { return b.events.gauges().connections == 0 }, "the socket ends")
	eventually(t, func() bool { return len(b.events.closeCodes()) == 1 }, "the close is reported")

	e := b.events
	e.mu.Lock()
	defer e.mu.Unlock()
	require.Equal(t, 1, e.opened)
	require.Equal(t, []int{websocket.CloseNormalClosure}, e.closed, "the client's code")
	require.Equal(t, 1, e.started)
	require.Equal(t, 1, e.ended)
	require.Equal(t, map[string]int{"connection_init": 1, "subscribe": 1, "complete": 1}, e.in)
	require.Equal(t, map[string]int{"connection_ack": 1, "next": 1}, e.out)
	require.Empty(t, e.errs)
}

func TestReadLimit(t *testing.T) {
	t.Parallel()
	b := setup(t, wstransport.Config{ReadLimit: 1024})
	c := b.dial(transportWS, nil)
	c.init(nil)
	c.subscribe("big", `{ hello `+strings.Repeat(" ", 2000)+`}`, nil)
	c.expectClose(websocket.CloseMessageTooBig)
}

func TestInitFuncPanicIsInternalError(t *testing.T) {
	t.Parallel()
	for _, proto := range protocols {
		t.Run(proto, func(t *testing.T) {
			t.Parallel()
			b := setup(t, wstransport.Config{
				InitFunc: func(context.Context, map[string]any, *http.Request) (context.Context, error) {
					panic("database exploded")
				},
			})
			c := b.dial(proto, nil)
			c.send("connection_init", "", nil)
			if proto == legacyWS {
				m := c.expect("connection_error", "")
				require.JSONEq(t, `{"message":"Internal server error"}`, string(m.Payload))
			}
			require.Equal(t, "Internal server error", c.expectClose(4500))
			b.events.mu.Lock()
			defer b.events.mu.Unlock()
			require.Len(t, b.events.errs, 1)
			require.Contains(t, b.events.errs[0].Error(), "database exploded", "the server's log hears of it")
		})
	}
}

func TestLongRefusalReasonIsCut(t *testing.T) {
	t.Parallel()
	long := strings.Repeat("é", 100) // 200 bytes of UTF-8
	b := setup(t, wstransport.Config{
		InitFunc: func(context.Context, map[string]any, *http.Request) (context.Context, error) {
			return nil, errors.New(long)
		},
	})
	c := b.dial(transportWS, nil)
	c.send("connection_init", "", nil)
	reason := c.expectClose(4403)
	// 123 bytes fit in a close frame (125 minus the code); "é" is 2 bytes, so 61 of them.
	require.Equal(t, strings.Repeat("é", 61), reason)
}

func TestBearerToken(t *testing.T) {
	t.Parallel()
	withHeader := func(v string) *http.Request {
		r, _ := http.NewRequest(http.MethodGet, "/graphql", nil)
		if v != "" {
			r.Header.Set("Authorization", v)
		}
		return r
	}
	cases := []struct {
		name    string
		payload map[string]any
		r       *http.Request
		want    string
	}{
		{"authorization in the payload", map[string]any{"authorization": "Bearer abc"}, withHeader("Bearer header"), "abc"},
		{"Authorization in the payload", map[string]any{"Authorization": "bearer  abc "}, nil, "abc"},
		{"authToken in the payload", map[string]any{"authToken": "abc"}, nil, "abc"},
		{"header when the payload has none", nil, withHeader("Bearer hdr"), "hdr"},
		{"not a bearer", map[string]any{"authorization": "Basic abc"}, nil, ""},
		{"nothing", map[string]any{}, withHeader(""), ""},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			require.Equal(t, tc.want, wstransport.BearerToken(tc.payload, tc.r))
		})
	}
}

// TestRevalidateTriesAgainLater: a check that cannot be made (ErrTryLater: the database is down) keeps the
// connection and asks again sooner; a short outage leaves it open, a long one closes it with 1013 Try Again
// Later, never 4403; an init that cannot be checked is refused with 1013 too.
func TestRevalidateTriesAgainLater(t *testing.T) {
	t.Parallel()
	for _, proto := range protocols {
		t.Run(proto, func(t *testing.T) {
			t.Parallel()
			var calls atomic.Int64
			var down atomic.Bool
			b := setup(t, wstransport.Config{
				RevalidateInterval: 100 * time.Millisecond,
				Revalidate: func(context.Context) error {
					calls.Add(1)
					if down.Load() {
						return fmt.Errorf("%w: the database is down", wstransport.ErrTryLater)
					}
					return nil
				},
			})
			c := b.dial(proto, nil)
			c.init(map[string]any{"authToken": "alice"})
			c.subscribe("t", `subscription { ticks }`, nil)
			eventually(t, func() bool { return b.schema.active.Load() == 1 }, "the subscription runs")

			down.Store(true) // a short outage: a few checks fail, then one passes
			before := calls.Load()
			eventually(t, func() bool { return calls.Load() >= before+3 }, "asked again sooner than the interval")
			down.Store(false)
			after := calls.Load()
			eventually(t, func() bool { return calls.Load() >= after+2 }, "checks pass again")
			require.Equal(t, int64(1), b.schema.active.Load(), "the connection stayed open")

			down.Store(true) // a long one: closed after two intervals without an answer
			if proto == legacyWS {
				c.expect("connection_error", "")
			}
			require.Contains(t, c.expectClose(wstransport.CloseTryAgainLater), "try again later")
		})
	}
	t.Run("init", func(t *testing.T) {
		t.Parallel()
		b := setup(t, wstransport.Config{InitFunc: func(context.Context, map[string]any, *http.Request) (context.Context, error) {
			return nil, fmt.Errorf("%w: the database is down", wstransport.ErrTryLater)
		}})
		c := b.dial(transportWS, nil)
		c.send("connection_init", "", nil)
		require.Contains(t, c.expectClose(wstransport.CloseTryAgainLater), "try again later")
	})
}
