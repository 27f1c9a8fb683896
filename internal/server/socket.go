package server

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"sync"
	"time"

	"github.com/modelarchitect/architect/internal/auth"
	"github.com/modelarchitect/architect/internal/identity"
	"github.com/modelarchitect/architect/internal/loaders"
	"github.com/modelarchitect/architect/internal/viewer"
	"github.com/modelarchitect/architect/internal/wstransport"
)

type socketTokenKey struct{}

// socketInit authenticates a websocket at connection_init: the token comes from the payload
// ({"authorization": "Bearer …"} or {"authToken": "…"}) or the upgrade request's Authorization header. A
// connection without a valid token is refused (4403 in graphql-transport-ws, connection_error in graphql-ws).
func (s *Server) socketInit(ctx context.Context, payload map[string]any, r *http.Request) (context.Context, error) {
	token := wstransport.BearerToken(payload, r)
	if token == "" {
		return nil, errors.New(`sign in first: send {"authorization": "Bearer <token>"} in connection_init`)
	}
	v, u, err := s.identity.Authenticate(ctx, token)
	if err != nil {
		return nil, socketRefusal(err)
	}
	// A socket lives for hours: its loaders must not cache rows across events.
	ctx = loaders.NewContext(ctx, loaders.NewUncached(s.db.Client))
	return context.WithValue(identity.WithUser(viewer.NewContext(ctx, v), u), socketTokenKey{}, token), nil
}

// socketRevalidate closes a socket whose token expired or was revoked (log-out, password or role change)
// since it connected; the transport calls it every RevalidateInterval. The sockets that share a token (a
// person's browser tabs) share its checks: one that passed stands for half an interval, so a revoked or
// expired token's sockets close at most one and a half intervals later (45 s by default).
func (s *Server) socketRevalidate(ctx context.Context) error {
	token, _ := ctx.Value(socketTokenKey{}).(string)
	now := time.Now()
	if s.checked.fresh(token, now) {
		return nil
	}
	if _, _, err := s.identity.Authenticate(ctx, token); err != nil {
		return socketRefusal(err)
	}
	s.checked.passed(token, now.Add(s.cfg.WebsocketRevalidate/2))
	return nil
}

// tokenChecks remembers until when each token's last successful check stands.
type tokenChecks struct {
	mu    sync.Mutex
	until map[string]time.Time
	prune int // prune expired entries when the map reaches this size
}

func (c *tokenChecks) fresh(token string, now time.Time) bool {
	c.mu.Lock()
	defer c.mu.Unlock()
	return now.Before(c.until[token])
}

func (c *tokenChecks) passed(token string, until time.Time) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.until == nil {
		c.until = map[string]time.Time{}
	}
	c.until[token] = until
	if len(c.until) < c.prune {
		return
	}
	now := time.Now()
	for t, u := range c.until {
		if !now.Before(u) {
			delete(c.until, t)
		}
	}
	c.prune = max(2*len(c.until), 1024)
}

// tokenReason says why a token was refused, in words for the client; refused is false when the token was
// not refused but could not be checked (the database could not be reached, say).
func tokenReason(err error) (reason string, refused bool) {
	switch {
	case errors.Is(err, auth.ErrTokenExpired):
		return "the token has expired: log in again", true
	case errors.Is(err, identity.ErrRevoked):
		return "the token was revoked (log-out, password or role change): log in again", true
	case errors.Is(err, auth.ErrTokenInvalid):
		return "the token is invalid: log in again", true
	case errors.Is(err, identity.ErrKeyUnknown):
		return "the API key is unknown: check the key, or issue one with createExperimentKey", true
	case errors.Is(err, identity.ErrKeyRevoked):
		return "the API key was revoked: issue a new one with createExperimentKey", true
	}
	return "", false
}

// socketRefusal is what a websocket's token check answers: a refused token closes the socket (4403); a
// check that could not be made asks the transport to keep the socket, or its client to come back later.
func socketRefusal(err error) error {
	if reason, refused := tokenReason(err); refused {
		return errors.New(reason)
	}
	return fmt.Errorf("%w: %s", wstransport.ErrTryLater, uncheckable(err).Message)
}
