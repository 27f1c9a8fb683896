package wstransport_test

import (
	"testing"
	"time"

	"github.com/gorilla/websocket"
	"github.com/stretchr/testify/require"

	"github.com/modelarchitect/architect/internal/wstransport"
)

// Behaviours of the legacy graphql-ws protocol alone.

func TestLegacyInvalidMessagesAreReportedNotFatal(t *testing.T) {
	t.Parallel()
	cases := []struct {
		name    string
		raw     string
		typ, id string
		payload string
	}{
		{"not JSON", `{"type":`, "connection_error", "", `{"message":"Invalid message: a message is a JSON object with a string type"}`},
		{"unknown type with an id", `{"type":"subscribe","id":"7"}`, "error", "7", `[{"message":"Invalid message type subscribe"}]`},
		{"unknown type without an id", `{"type":"ping"}`, "connection_error", "", `{"message":"Invalid message type ping"}`},
		{"start without an id", `{"type":"start","payload":{"query":"{ hello }"}}`, "connection_error", "", `{"message":"The start message needs an id"}`},
		{"start without a query", `{"type":"start","id":"3","payload":{"variables":{}}}`, "error", "3", `[{"message":"Invalid start payload: the payload needs a query"}]`},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			b := setup(t, wstransport.Config{})
			c := b.dial(legacyWS, nil)
			c.init(nil)
			c.sendRaw(tc.raw)
			m := c.expect(tc.typ, tc.id)
			require.JSONEq(t, tc.payload, string(m.Payload))
			// subscriptions-transport-ws reports such messages and keeps the socket.
			c.subscribe("after", `{ hello }`, nil)
			require.Equal(t, `{"hello":"world"}`, c.expectNext("after"))
			c.expect("complete", "after")
		})
	}
}

func TestLegacyConnectionTerminate(t *testing.T) {
	t.Parallel()
	b := setup(t, wstransport.Config{})
	c := b.dial(legacyWS, nil)
	c.init(nil)
	c.subscribe("t", `subscription { ticks }`, nil)
	eventually(t, func() bool { return b.schema.active.Load() == 1 }, "the subscription runs")
	c.send("connection_terminate", "", nil)
	require.Equal(t, "connection_terminate", c.expectClose(websocket.CloseNormalClosure))
	eventually(t, func() bool { return b.schema.active.Load() == 0 }, "terminate cancels the subscription")
}

func TestLegacyKeepAlive(t *testing.T) {
	t.Parallel()
	const interval = 100 * time.Millisecond
	t.Run("ka follows the ack and repeats", func(t *testing.T) {
		t.Parallel()
		b := setup(t, wstransport.Config{KeepAlive: interval})
		c := b.dial(legacyWS, nil)
		c.init(nil) // reads connection_ack then the first ka
		start := time.Now()
		for range 3 {
			c.expect("ka", "") // the client answers the ping frames while it reads
		}
		require.GreaterOrEqual(t, time.Since(start), 2*interval)
	})
	t.Run("a peer that answers no ping frame is dropped", func(t *testing.T) {
		t.Parallel()
		b := setup(t, wstransport.Config{KeepAlive: interval})
		c := b.dial(legacyWS, nil)
		c.init(nil)
		// gorilla answers ping frames only while reading: stop reading, as a dead peer would.
		time.Sleep(5 * interval)
		eventually(t, func() bool { return len(b.events.closeCodes()) == 1 }, "dropped")
		require.Equal(t, []int{1006}, b.events.closeCodes())
		require.Equal(t, websocket.CloseAbnormalClosure, readUntilError(t, c))
	})
}

// readUntilError reads past buffered messages and returns the close code the client saw.
func readUntilError(t *testing.T, c *client) int {
	t.Helper()
	require.NoError(t, c.ws.SetReadDeadline(time.Now().Add(5*time.Second)))
	for {
		if _, _, err := c.ws.ReadMessage(); err != nil {
			var ce *websocket.CloseError
			require.ErrorAs(t, err, &ce)
			return ce.Code
		}
	}
}
