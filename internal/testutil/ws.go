package testutil

import (
	"encoding/json"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/gorilla/websocket"
	"github.com/stretchr/testify/require"
)

// Websocket protocols.
const (
	TransportWS = "graphql-transport-ws" // the graphql-ws library
	LegacyWS    = "graphql-ws"           // subscriptions-transport-ws
)

// Socket is a GraphQL websocket client speaking one of the two protocols.
type Socket struct {
	t        testing.TB
	Conn     *websocket.Conn
	Protocol string
}

// Message is a protocol message.
type Message struct {
	Type    string          `json:"type"`
	ID      string          `json:"id,omitempty"`
	Payload json.RawMessage `json:"payload,omitempty"`
}

// Dial opens a socket to the server's /graphql with protocol and sends connection_init with payload.
func (s *Server) Dial(t testing.TB, protocol string, payload map[string]any) *Socket {
	t.Helper()
	u := "ws" + strings.TrimPrefix(s.URL, "http") + "/graphql"
	d := websocket.Dialer{Subprotocols: []string{protocol}, HandshakeTimeout: 5 * time.Second}
	conn, res, err := d.Dial(u, http.Header{})
	require.NoError(t, err)
	res.Body.Close()
	require.Equal(t, protocol, conn.Subprotocol())
	t.Cleanup(func() { _ = conn.Close() })
	sk := &Socket{t: t, Conn: conn, Protocol: protocol}
	sk.Send(Message{Type: "connection_init", Payload: mustJSON(payload)})
	return sk
}

func mustJSON(v any) json.RawMessage {
	if v == nil {
		return nil
	}
	b, _ := json.Marshal(v)
	return b
}

// Send writes a message.
func (sk *Socket) Send(m Message) {
	sk.t.Helper()
	require.NoError(sk.t, sk.Conn.WriteJSON(m))
}

// Read returns the next message other than keep-alives (answering pings), or fails after timeout.
func (sk *Socket) Read(timeout time.Duration) (Message, error) {
	for {
		_ = sk.Conn.SetReadDeadline(time.Now().Add(timeout))
		var m Message
		if err := sk.Conn.ReadJSON(&m); err != nil {
			return m, err
		}
		switch m.Type {
		case "ka":
			continue
		case "ping":
			sk.Send(Message{Type: "pong"})
			continue
		}
		return m, nil
	}
}

// Ack waits for connection_ack.
func (sk *Socket) Ack() {
	sk.t.Helper()
	m, err := sk.Read(5 * time.Second)
	require.NoError(sk.t, err)
	require.Equal(sk.t, "connection_ack", m.Type, "payload %s", m.Payload)
}

// Subscribe starts an operation.
func (sk *Socket) Subscribe(id, query string, vars map[string]any) {
	sk.t.Helper()
	typ := "subscribe"
	if sk.Protocol == LegacyWS {
		typ = "start"
	}
	sk.Send(Message{Type: typ, ID: id, Payload: mustJSON(map[string]any{"query": query, "variables": vars})})
}

// Next returns the next result for id (next/data), or the terminal message (complete, error).
func (sk *Socket) Next(id string, timeout time.Duration) (Response, string) {
	sk.t.Helper()
	for {
		m, err := sk.Read(timeout)
		require.NoError(sk.t, err)
		if m.ID != id {
			continue
		}
		switch m.Type {
		case "next", "data":
			var r Response
			require.NoError(sk.t, json.Unmarshal(m.Payload, &r))
			return r, m.Type
		case "error":
			var r Response
			if json.Unmarshal(m.Payload, &r.Errors) != nil {
				var one Error
				_ = json.Unmarshal(m.Payload, &one)
				r.Errors = []Error{one}
			}
			return r, m.Type
		default:
			return Response{}, m.Type
		}
	}
}

// CloseCode waits for the server to close the socket and returns the code and reason.
func (sk *Socket) CloseCode(timeout time.Duration) (int, string) {
	sk.t.Helper()
	deadline := time.Now().Add(timeout)
	for time.Now().Before(deadline) {
		_ = sk.Conn.SetReadDeadline(deadline)
		_, _, err := sk.Conn.ReadMessage()
		if ce, ok := err.(*websocket.CloseError); ok {
			return ce.Code, ce.Text
		}
		if err != nil {
			return 0, err.Error()
		}
	}
	return 0, "timeout"
}
