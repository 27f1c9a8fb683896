package playground_test

import (
	"context"
	"encoding/json"
	"net/http"
	"sync"
	"time"

	"github.com/coder/websocket"
)

// subscriptionStub speaks the server side of graphql-transport-ws
// (github.com/enisdenjo/graphql-ws/blob/master/PROTOCOL.md) just enough for one subscription: it
// acknowledges connection_init, answers each subscribe with one next message ({"data": {"tick": 42}}) and a
// complete, and records every connection_init payload. It stands in for the API's websocket transport, which
// the schema does not have yet, so that the test checks what the page sends.
type subscriptionStub struct {
	mu    sync.Mutex
	inits []json.RawMessage
}

type wsMessage struct {
	ID      string          `json:"id,omitempty"`
	Type    string          `json:"type"`
	Payload json.RawMessage `json:"payload,omitempty"`
}

// Inits returns the connection_init payloads received so far, in order.
func (s *subscriptionStub) Inits() []json.RawMessage {
	s.mu.Lock()
	defer s.mu.Unlock()
	return append([]json.RawMessage{}, s.inits...)
}

func (s *subscriptionStub) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	c, err := websocket.Accept(w, r, &websocket.AcceptOptions{Subprotocols: []string{"graphql-transport-ws"}})
	if err != nil {
		return
	}
	defer c.CloseNow()
	if c.Subprotocol() != "graphql-transport-ws" {
		_ = c.Close(4406, "Subprotocol not acceptable")
		return
	}
	ctx, cancel := context.WithTimeout(r.Context(), time.Minute)
	defer cancel()
	send := func(m wsMessage) error {
		b, err := json.Marshal(m)
		if err != nil {
			return err
		}
		return c.Write(ctx, websocket.MessageText, b)
	}
	for {
		_, raw, err := c.Read(ctx)
		if err != nil {
			return
		}
		var m wsMessage
		if err := json.Unmarshal(raw, &m); err != nil {
			_ = c.Close(4400, "invalid message")
			return
		}
		switch m.Type {
		case "connection_init":
			s.mu.Lock()
			s.inits = append(s.inits, m.Payload)
			s.mu.Unlock()
			err = send(wsMessage{Type: "connection_ack"})
		case "ping":
			err = send(wsMessage{Type: "pong"})
		case "subscribe":
			if err = send(wsMessage{ID: m.ID, Type: "next", Payload: json.RawMessage(`{"data":{"tick":42}}`)}); err == nil {
				err = send(wsMessage{ID: m.ID, Type: "complete"})
			}
		}
		if err != nil {
			return
		}
	}
}
