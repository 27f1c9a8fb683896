package wstransport

import (
	"context"
	"net/http"
	"strings"
)

type connInfoKey struct{}

// connInfo is what an operation's context knows about its socket.
type connInfo struct {
	protocol string
	payload  map[string]any
}

func withConnInfo(ctx context.Context, info *connInfo) context.Context {
	return context.WithValue(ctx, connInfoKey{}, info)
}

// InitPayload returns the payload of the connection_init message of the socket ctx belongs to; nil outside
// a socket or when the client sent none. Do not modify it.
func InitPayload(ctx context.Context) map[string]any {
	if info, ok := ctx.Value(connInfoKey{}).(*connInfo); ok {
		return info.payload
	}
	return nil
}

// Protocol returns the subprotocol of the socket ctx belongs to (ProtocolTransportWS or
// ProtocolGraphQLWS), or "" outside a socket.
func Protocol(ctx context.Context) string {
	if info, ok := ctx.Value(connInfoKey{}).(*connInfo); ok {
		return info.protocol
	}
	return ""
}

// BearerToken finds the client's token where websocket clients put it: the init payload's "authorization"
// or "Authorization" ("Bearer <token>"), its "authToken" (the bare token), then the upgrade request's
// Authorization header (non-browser clients). It returns "" when there is none.
func BearerToken(payload map[string]any, r *http.Request) string {
	for _, key := range []string{"authorization", "Authorization"} {
		if s, ok := payload[key].(string); ok && s != "" {
			return bearer(s)
		}
	}
	if s, ok := payload["authToken"].(string); ok && s != "" {
		return strings.TrimSpace(s)
	}
	if r != nil {
		return bearer(r.Header.Get("Authorization"))
	}
	return ""
}

func bearer(s string) string {
	s = strings.TrimSpace(s)
	if len(s) > len("Bearer ") && strings.EqualFold(s[:len("Bearer ")], "Bearer ") {
		return strings.TrimSpace(s[len("Bearer "):])
	}
	return ""
}
