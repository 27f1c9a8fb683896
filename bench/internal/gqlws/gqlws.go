// Package gqlws is a minimal client of the graphql-transport-ws protocol (GraphQL over WebSocket, as the
// graphql-ws library defines it: connection_init/connection_ack, subscribe, next/error/complete,
// ping/pong). It opens one connection, authenticates in connection_init, starts subscriptions and reads
// their messages, answering pings itself. It has no reconnection and no query cache: it is a benchmark
// client, not an application one.
package gqlws

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"

	"github.com/coder/websocket"
)

// Subprotocol is the WebSocket subprotocol name of graphql-transport-ws.
const Subprotocol = "graphql-transport-ws"

// Message is one protocol message.
type Message struct {
	ID      string          `json:"id,omitempty"`
	Type    string          `json:"type"`
	Payload json.RawMessage `json:"payload,omitempty"`
}

// Message types (graphql-ws PROTOCOL.md).
const (
	TypeConnectionInit = "connection_init"
	TypeConnectionAck  = "connection_ack"
	TypePing           = "ping"
	TypePong           = "pong"
	TypeSubscribe      = "subscribe"
	TypeNext           = "next"
	TypeError          = "error"
	TypeComplete       = "complete"
)

// Conn is an acknowledged graphql-transport-ws connection.
type Conn struct {
	ws *websocket.Conn
}

// ErrRefused is returned when the server answers connection_init with anything but connection_ack, or
// closes the socket instead (graphql-ws closes with 4403 Forbidden for a refused init).
var ErrRefused = errors.New("gqlws: connection_init refused")

// Dial opens url (ws:// or wss://) with the graphql-transport-ws subprotocol, sends connection_init with
// payload, and waits for connection_ack within ctx. client may be nil (http.DefaultClient).
func Dial(ctx context.Context, url string, payload any, client *http.Client) (*Conn, error) {
	ws, _, err := websocket.Dial(ctx, url, &websocket.DialOptions{
		Subprotocols: []string{Subprotocol},
		HTTPClient:   client,
	})
	if err != nil {
		return nil, fmt.Errorf("gqlws: dial: %w", err)
	}
	if ws.Subprotocol() != Subprotocol {
		ws.Close(websocket.StatusProtocolError, "subprotocol")
		return nil, fmt.Errorf("gqlws: server chose subprotocol %q, not %s", ws.Subprotocol(), Subprotocol)
	}
	c := &Conn{ws: ws}
	raw, err := json.Marshal(payload)
	if err != nil {
		c.Close()
		return nil, err
	}
	if err := c.Send(ctx, Message{Type: TypeConnectionInit, Payload: raw}); err != nil {
		c.Close()
		return nil, err
	}
	for {
		m, err := c.Read(ctx)
		if err != nil {
			c.Close()
			if websocket.CloseStatus(err) != -1 {
				return nil, fmt.Errorf("%w: %v", ErrRefused, err)
			}
			return nil, fmt.Errorf("gqlws: waiting for connection_ack: %w", err)
		}
		if m.Type == TypeConnectionAck {
			return c, nil
		}
		c.Close()
		return nil, fmt.Errorf("%w: got %s %s", ErrRefused, m.Type, m.Payload)
	}
}

// Subscribe starts an operation under id.
func (c *Conn) Subscribe(ctx context.Context, id, query string, variables map[string]any) error {
	p := map[string]any{"query": query}
	if len(variables) > 0 {
		p["variables"] = variables
	}
	raw, err := json.Marshal(p)
	if err != nil {
		return err
	}
	return c.Send(ctx, Message{ID: id, Type: TypeSubscribe, Payload: raw})
}

// Send writes one message.
func (c *Conn) Send(ctx context.Context, m Message) error {
	b, err := json.Marshal(m)
	if err != nil {
		return err
	}
	if err := c.ws.Write(ctx, websocket.MessageText, b); err != nil {
		return fmt.Errorf("gqlws: write %s: %w", m.Type, err)
	}
	return nil
}

// Read returns the next message other than ping and pong; pings are answered with pongs on the way.
func (c *Conn) Read(ctx context.Context) (Message, error) {
	for {
		_, b, err := c.ws.Read(ctx)
		if err != nil {
			return Message{}, err
		}
		var m Message
		if err := json.Unmarshal(b, &m); err != nil {
			return Message{}, fmt.Errorf("gqlws: bad message %q: %w", b, err)
		}
		switch m.Type {
		case TypePing:
			if err := c.Send(ctx, Message{Type: TypePong}); err != nil {
				return Message{}, err
			}
			continue
		case TypePong:
			continue
		}
		return m, nil
	}
}

// Close closes the connection normally.
func (c *Conn) Close() error { return c.ws.Close(websocket.StatusNormalClosure, "") }

// CloseNow closes the connection without the close handshake (fast, for tearing down many at once).
func (c *Conn) CloseNow() error { return c.ws.CloseNow() }
