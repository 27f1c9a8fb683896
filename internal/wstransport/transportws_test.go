package wstransport_test

import (
	"testing"
	"time"

	"github.com/gorilla/websocket"
	"github.com/stretchr/testify/require"

	"github.com/modelarchitect/architect/internal/wstransport"
)

// Behaviours of graphql-transport-ws alone.

func TestTransportWSInvalidMessagesClose4400(t *testing.T) {
	t.Parallel()
	cases := []struct {
		name   string
		acked  bool
		raw    string
		reason string
	}{
		{"not JSON", false, `{"type":`, "Invalid message: a message is a JSON object with a string type"},
		{"no type", true, `{"id":"1"}`, "Invalid message: a message is a JSON object with a string type"},
		{"type not a string", true, `{"type":7}`, "Invalid message: a message is a JSON object with a string type"},
		{"unknown type", true, `{"type":"start","id":"1"}`, "Invalid message type start"},
		{"server-only type", true, `{"type":"next","id":"1","payload":{}}`, "Unexpected message of type next received"},
		{"subscribe without id", true, `{"type":"subscribe","payload":{"query":"{ hello }"}}`, "The subscribe message needs an id"},
		{"subscribe without query", true, `{"type":"subscribe","id":"1","payload":{}}`, "Invalid subscribe payload: the payload needs a query"},
		{"subscribe with a bad payload", true, `{"type":"subscribe","id":"1","payload":{"query":1}}`, "Invalid subscribe payload: the payload must be an object with a query string, operationName, variables and extensions"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			b := setup(t, wstransport.Config{})
			c := b.dial(transportWS, nil)
			if tc.acked {
				c.init(nil)
			}
			c.sendRaw(tc.raw)
			require.Equal(t, tc.reason, c.expectClose(4400))
		})
	}
}

func TestTransportWSPingPong(t *testing.T) {
	t.Parallel()
	b := setup(t, wstransport.Config{})
	c := b.dial(transportWS, nil)
	// A ping is answered at any time, before the ack too, with its payload.
	c.send("ping", "", map[string]any{"sent": 1})
	m := c.expect("pong", "")
	require.JSONEq(t, `{"sent":1}`, string(m.Payload))
	c.init(nil)
	c.send("ping", "", nil)
	m = c.expect("pong", "")
	require.Empty(t, m.Payload)
	// An unsolicited pong is a heartbeat and needs no answer.
	c.send("pong", "", nil)
	c.subscribe("q", `{ hello }`, nil)
	require.Equal(t, `{"hello":"world"}`, c.expectNext("q"))
}

func TestTransportWSServerPingsAndDropsSilentPeers(t *testing.T) {
	t.Parallel()
	const interval = 100 * time.Millisecond
	for _, tc := range []struct {
		name   string
		answer bool
	}{
		{"a peer that answers stays", true},
		{"a peer that does not is dropped", false},
	} {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			b := setup(t, wstransport.Config{KeepAlive: interval})
			c := b.dial(transportWS, nil)
			c.init(nil)
			deadline := time.Now().Add(8 * interval)
			pings := 0
			for time.Now().Before(deadline) {
				require.NoError(t, c.ws.SetReadDeadline(time.Now().Add(time.Second)))
				_, data, err := c.ws.ReadMessage()
				if !tc.answer && err != nil {
					// Dropped without a close frame: the peer is presumed dead.
					var ce *websocket.CloseError
					require.ErrorAs(t, err, &ce)
					require.Equal(t, websocket.CloseAbnormalClosure, ce.Code)
					require.Equal(t, 1, pings, "dropped one interval after the unanswered ping")
					eventually(t, func() bool { return len(b.events.closeCodes()) == 1 }, "close reported")
					require.Equal(t, []int{1006}, b.events.closeCodes())
					return
				}
				require.NoError(t, err)
				require.JSONEq(t, `{"type":"ping"}`, string(data))
				pings++
				if tc.answer {
					c.send("pong", "", nil)
				}
			}
			require.True(t, tc.answer, "a silent peer should have been dropped")
			require.GreaterOrEqual(t, pings, 4)
			c.subscribe("q", `{ hello }`, nil)
			m := c.read()
			for ; m.Type == "ping"; m = c.read() {
				c.send("pong", "", nil)
			}
			require.Equal(t, "next", m.Type)
		})
	}
}
