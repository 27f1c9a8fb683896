package wstransport_test

import (
	"encoding/json"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/modelarchitect/architect/internal/wstransport"
)

// Behaviours both protocols share, run once per protocol.

func TestSubscribeStreamsThenCompletes(t *testing.T) {
	t.Parallel()
	for _, proto := range protocols {
		t.Run(proto, func(t *testing.T) {
			t.Parallel()
			b := setup(t, wstransport.Config{})
			c := b.dial(proto, nil)
			c.init(map[string]any{"authToken": "alice"})
			// Variables carry Int as json.Number, as gqlgen expects.
			c.subscribe("1", `subscription($n: Int!) { count(to: $n) }`, map[string]any{"n": 3})
			require.Equal(t, `{"count":1}`, c.expectNext("1"))
			require.Equal(t, `{"count":2}`, c.expectNext("1"))
			require.Equal(t, `{"count":3}`, c.expectNext("1"))
			c.expect("complete", "1")
			// The id is free again once complete.
			c.subscribe("1", `subscription { count(to: 1) }`, nil)
			require.Equal(t, `{"count":1}`, c.expectNext("1"))
			c.expect("complete", "1")
			eventually(t, func() bool { return b.events.gauges().operations == 0 }, "operations end")
		})
	}
}

func TestQueryOverSocket(t *testing.T) {
	t.Parallel()
	for _, proto := range protocols {
		t.Run(proto, func(t *testing.T) {
			t.Parallel()
			b := setup(t, wstransport.Config{})
			c := b.dial(proto, nil)
			c.init(nil)
			c.subscribe("q", `{ hello }`, nil)
			require.Equal(t, `{"hello":"world"}`, c.expectNext("q"))
			c.expect("complete", "q")
		})
	}
}

func TestOperationContextInheritsRequestAndInit(t *testing.T) {
	t.Parallel()
	for _, proto := range protocols {
		t.Run(proto, func(t *testing.T) {
			t.Parallel()
			b := setup(t, wstransport.Config{})
			c, resp, err := b.tryDial([]string{proto}, nil)
			require.NoError(t, err)
			_ = resp.Body.Close()
			require.Equal(t, "rid-42", resp.Header.Get("X-Request-Id"), "middleware headers reach the 101 response")
			c.init(map[string]any{"authToken": "alice"})
			c.subscribe("w", `subscription { whoami }`, nil)
			// request= from the HTTP middleware, viewer= from InitFunc, token= from the init payload.
			want := `{"whoami":"request=rid-42 viewer=alice token=alice protocol=` + proto + `"}`
			require.Equal(t, want, c.expectNext("w"))
			c.expect("complete", "w")
		})
	}
}

func TestClientStopEndsSubscription(t *testing.T) {
	t.Parallel()
	for _, proto := range protocols {
		t.Run(proto, func(t *testing.T) {
			t.Parallel()
			b := setup(t, wstransport.Config{})
			c := b.dial(proto, nil)
			c.init(nil)
			c.subscribe("t", `subscription { ticks }`, nil)
			eventually(t, func() bool { return b.schema.active.Load() == 1 }, "the resolver runs")
			b.schema.ticks.publish()
			require.Equal(t, `{"ticks":1}`, c.expectNext("t"))

			c.send(c.stopType(), "t", nil)
			eventually(t, func() bool { return b.schema.active.Load() == 0 }, "stop cancels the resolver's context")
			eventually(t, func() bool { return b.events.gauges().operations == 0 }, "the operation ends")
			if proto == legacyWS {
				// subscriptions-transport-ws answers stop with complete.
				c.expect("complete", "t")
			}
			// Nothing more for t: the next message is the answer to a later operation.
			b.schema.ticks.publish()
			c.subscribe("q", `{ hello }`, nil)
			require.Equal(t, `{"hello":"world"}`, c.expectNext("q"))
			c.expect("complete", "q")
			// A stop for an id that is not running is ignored.
			c.send(c.stopType(), "nope", nil)
			c.subscribe("q2", `{ hello }`, nil)
			require.Equal(t, `{"hello":"world"}`, c.expectNext("q2"))
		})
	}
}

func TestRefusals(t *testing.T) {
	t.Parallel()
	cases := []struct {
		name   string
		cfg    wstransport.Config
		script func(c *client)
		code   int
		reason string
	}{
		{
			name: "duplicate id",
			script: func(c *client) {
				c.init(nil)
				c.subscribe("dup", `subscription { ticks }`, nil)
				c.subscribe("dup", `subscription { ticks }`, nil)
			},
			code: 4409, reason: "Subscriber for dup already exists",
		},
		{
			name:   "subscribe before ack",
			script: func(c *client) { c.subscribe("early", `subscription { ticks }`, nil) },
			code:   4401, reason: "Unauthorized",
		},
		{
			name:   "init timeout",
			cfg:    wstransport.Config{InitTimeout: 50 * time.Millisecond},
			script: func(*client) {},
			code:   4408, reason: "Connection initialisation timeout",
		},
		{
			name:   "failed init",
			script: func(c *client) { c.send("connection_init", "", map[string]any{"authToken": "bad"}) },
			code:   4403, reason: "the token has expired: log in again",
		},
		{
			name: "second init",
			script: func(c *client) {
				c.init(nil)
				c.send("connection_init", "", nil)
			},
			code: 4429, reason: "Too many initialisation requests",
		},
		{
			name:   "init payload not an object",
			script: func(c *client) { c.send("connection_init", "", []int{1}) },
			code:   4400, reason: "the connection_init payload must be an object",
		},
	}
	for _, tc := range cases {
		for _, proto := range protocols {
			t.Run(tc.name+"/"+proto, func(t *testing.T) {
				t.Parallel()
				b := setup(t, tc.cfg)
				c := b.dial(proto, nil)
				tc.script(c)
				if proto == legacyWS {
					// The legacy protocol has no close codes of its own: connection_error says why first.
					m := c.expect("connection_error", "")
					require.JSONEq(t, `{"message":`+mustJSON(t, tc.reason)+`}`, string(m.Payload))
				}
				require.Equal(t, tc.reason, c.expectClose(tc.code))
				eventually(t, func() bool { return b.events.gauges() == gauges{} }, "everything is released")
				eventually(t, func() bool { return len(b.events.closeCodes()) == 1 }, "the close is reported")
				require.Equal(t, []int{tc.code}, b.events.closeCodes())
			})
		}
	}
}

func TestSubscriptionCap(t *testing.T) {
	t.Parallel()
	for _, proto := range protocols {
		t.Run(proto, func(t *testing.T) {
			t.Parallel()
			b := setup(t, wstransport.Config{MaxSubscriptionsPerConnection: 2})
			c := b.dial(proto, nil)
			c.init(nil)
			c.subscribe("a", `subscription { ticks }`, nil)
			c.subscribe("b", `subscription { ticks }`, nil)
			c.subscribe("c", `subscription { ticks }`, nil)
			m := c.expect("error", "c")
			require.JSONEq(t, `[{"message":"too many operations on this connection: at most 2 may run at once; complete one first"}]`, string(m.Payload))
			// The socket stays open and the first two keep running.
			eventually(t, func() bool { return b.schema.active.Load() == 2 }, "two run")
			c.send(c.stopType(), "a", nil)
			eventually(t, func() bool { return b.events.gauges().operations == 1 }, "a ends")
			if proto == legacyWS {
				c.expect("complete", "a")
			}
			c.subscribe("c", `subscription { count(to: 1) }`, nil)
			require.Equal(t, `{"count":1}`, c.expectNext("c"))
			c.expect("complete", "c")
		})
	}
}

func TestExecutorErrorsAreGraphQLErrors(t *testing.T) {
	t.Parallel()
	for _, proto := range protocols {
		t.Run(proto, func(t *testing.T) {
			t.Parallel()
			b := setup(t, wstransport.Config{})
			c := b.dial(proto, nil)
			c.init(nil)

			// A validation error is an error message, and nothing follows it.
			c.subscribe("v", `subscription { nosuchfield }`, nil)
			m := c.expect("error", "v")
			var errs []struct{ Message string }
			require.NoError(t, json.Unmarshal(m.Payload, &errs))
			require.Len(t, errs, 1)
			require.Contains(t, errs[0].Message, `Cannot query field "nosuchfield" on type "Subscription"`)

			// A resolver that refuses gives a result with errors, then complete (as graphql-ws does for
			// an ExecutionResult from subscribe).
			c.subscribe("m", `subscription { missing }`, nil)
			m = c.expect(c.nextType(), "m")
			require.JSONEq(t, `{"errors":[{"message":"benchmark 7 not found"}],"data":null}`, string(m.Payload))
			c.expect("complete", "m")

			// A panic is an error message through the recover func: no internal detail leaves.
			c.subscribe("p", `subscription { boom }`, nil)
			m = c.expect("error", "p")
			require.JSONEq(t, `[{"message":"internal system error"}]`, string(m.Payload))
			require.NotContains(t, string(m.Payload), "secret")

			// The socket is still fine.
			c.subscribe("ok", `{ hello }`, nil)
			require.Equal(t, `{"hello":"world"}`, c.expectNext("ok"))
			c.expect("complete", "ok")
		})
	}
}

func TestSubprotocolNotAcceptable(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		name  string
		offer []string
	}{
		{"unknown", []string{"graphql-sse"}},
		{"none", nil},
	} {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			b := setup(t, wstransport.Config{})
			c, resp, err := b.tryDial(tc.offer, nil)
			require.NoError(t, err)
			_ = resp.Body.Close()
			require.Equal(t, "Subprotocol not acceptable", c.expectClose(4406))
		})
	}
}

func TestNegotiation(t *testing.T) {
	t.Parallel()
	b := setup(t, wstransport.Config{})
	for _, tc := range []struct {
		name  string
		offer []string
		want  string
	}{
		{"graphql-transport-ws is preferred", []string{legacyWS, transportWS}, transportWS},
		{"legacy alone", []string{"graphql-sse", legacyWS}, legacyWS},
	} {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			c, resp, err := b.tryDial(tc.offer, nil)
			require.NoError(t, err)
			_ = resp.Body.Close()
			require.Equal(t, tc.want, c.ws.Subprotocol())
		})
	}
}

func mustJSON(t *testing.T, v any) string {
	t.Helper()
	b, err := json.Marshal(v)
	require.NoError(t, err)
	return string(b)
}

// TestInvalidUTF8: a message that is not valid UTF-8 is refused as invalid (4400), not decoded with its bad
// bytes replaced.
func TestInvalidUTF8(t *testing.T) {
	t.Parallel()
	b := setup(t, wstransport.Config{})
	c := b.dial(transportWS, nil)
	c.sendRaw("{\"type\":\"connection_init\",\"payload\":{\"authToken\":\"\xff\"}}")
	require.Equal(t, "Invalid message: a message must be valid UTF-8", c.expectClose(4400))
}
