package wstransport

import (
	"bytes"
	"encoding/json"
	"errors"
	"strings"
	"unicode/utf8"

	"github.com/99designs/gqlgen/graphql"
)

// The two subprotocols, as negotiated in Sec-WebSocket-Protocol.
const (
	// ProtocolTransportWS is graphql-transport-ws, spoken by the graphql-ws client library
	// (https://github.com/enisdenjo/graphql-ws/blob/master/PROTOCOL.md).
	ProtocolTransportWS = "graphql-transport-ws"
	// ProtocolGraphQLWS is the legacy protocol of subscriptions-transport-ws
	// (https://github.com/apollographql/subscriptions-transport-ws/blob/master/PROTOCOL.md).
	ProtocolGraphQLWS = "graphql-ws"
)

// Close codes. The 44xx and 4500 codes are those of graphql-transport-ws's PROTOCOL.md and the graphql-ws
// library's CloseCode; this package sends them in the legacy protocol as well, after a connection_error.
const (
	CloseNormal                   = 1000 // connection_terminate
	CloseGoingAway                = 1001 // Shutdown
	CloseNoStatus                 = 1006 // reported by ConnectionClosed when the peer vanished
	CloseTryAgainLater            = 1013 // InitFunc or Revalidate could not decide (RFC 6455 registry: "Try Again Later")
	CloseBadRequest               = 4400 // invalid message
	CloseUnauthorized             = 4401 // subscribe before connection_ack
	CloseForbidden                = 4403 // InitFunc or Revalidate refused
	CloseSubprotocolNotAcceptable = 4406
	CloseInitTimeout              = 4408
	CloseSubscriberExists         = 4409 // "Subscriber for <id> already exists"
	CloseTooManyInitRequests      = 4429
	CloseInternalError            = 4500
)

// Message types of both protocols.
const (
	msgConnectionInit      = "connection_init"
	msgConnectionAck       = "connection_ack"
	msgPing                = "ping"
	msgPong                = "pong"
	msgSubscribe           = "subscribe"
	msgNext                = "next"
	msgError               = "error"
	msgComplete            = "complete"
	msgConnectionError     = "connection_error"     // legacy
	msgKeepAlive           = "ka"                   // legacy
	msgStart               = "start"                // legacy subscribe
	msgData                = "data"                 // legacy next
	msgStop                = "stop"                 // legacy client complete
	msgConnectionTerminate = "connection_terminate" // legacy
)

// maxCloseReason is the room left for a reason in a close frame: 125 payload bytes minus the 2-byte code.
const maxCloseReason = 123

// inbound is a client message of either protocol.
type inbound struct {
	Type    string          `json:"type"`
	ID      string          `json:"id"`
	Payload json.RawMessage `json:"payload"`
}

var (
	errNotMessage = errors.New("a message is a JSON object with a string type")
	errNotUTF8    = errors.New("a message must be valid UTF-8")
)

func decodeInbound(data []byte) (inbound, error) {
	if !utf8.Valid(data) { // decoding would replace the bad bytes silently
		return inbound{}, errNotUTF8
	}
	var m inbound
	if err := json.Unmarshal(data, &m); err != nil || m.Type == "" {
		return inbound{}, errNotMessage
	}
	if isNull(m.Payload) {
		m.Payload = nil
	}
	return m, nil
}

func isNull(raw json.RawMessage) bool {
	return len(raw) == 0 || bytes.Equal(raw, []byte("null"))
}

var (
	errParams   = errors.New("the payload must be an object with a query string, operationName, variables and extensions")
	errNoQuery  = errors.New("the payload needs a query")
	errInitBody = errors.New("the connection_init payload must be an object")
)

// decodeParams reads an operation request; numbers stay json.Number so that Int variables keep their
// precision, as gqlgen's own transports do.
func decodeParams(payload json.RawMessage) (*graphql.RawParams, error) {
	if payload == nil {
		return nil, errNoQuery
	}
	dec := json.NewDecoder(bytes.NewReader(payload))
	dec.UseNumber()
	var p graphql.RawParams
	if err := dec.Decode(&p); err != nil {
		return nil, errParams
	}
	if p.Query == "" && len(p.Extensions) == 0 {
		return nil, errNoQuery
	}
	return &p, nil
}

func decodeInitPayload(payload json.RawMessage) (map[string]any, error) {
	if payload == nil {
		return nil, nil
	}
	var p map[string]any
	if err := json.Unmarshal(payload, &p); err != nil {
		return nil, errInitBody
	}
	return p, nil
}

// encode renders {"type":…,"id":…,"payload":…}; payload is JSON already, nil leaves it out.
func encode(typ, id string, payload []byte) []byte {
	b := make([]byte, 0, len(`{"type":"","id":"","payload":}`)+len(typ)+len(id)+len(payload)+8)
	b = append(b, `{"type":"`...)
	b = append(b, typ...)
	b = append(b, '"')
	if id != "" {
		quoted, _ := json.Marshal(id) // a string always marshals
		b = append(b, `,"id":`...)
		b = append(b, quoted...)
	}
	if payload != nil {
		b = append(b, `,"payload":`...)
		b = append(b, payload...)
	}
	return append(b, '}')
}

// messagePayload is {"message": text}, the legacy protocol's connection_error payload.
func messagePayload(text string) []byte {
	b, _ := json.Marshal(struct {
		Message string `json:"message"`
	}{text})
	return b
}

// closeReason cuts s to what fits in a close frame, on a rune boundary.
func closeReason(s string) string {
	s = strings.ToValidUTF8(s, "?")
	if len(s) <= maxCloseReason {
		return s
	}
	s = s[:maxCloseReason]
	for len(s) > 0 && !utf8.ValidString(s) {
		s = s[:len(s)-1]
	}
	return s
}
