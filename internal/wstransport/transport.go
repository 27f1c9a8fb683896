package wstransport

import (
	"context"
	"fmt"
	"net/http"
	"sync"
	"sync/atomic"
	"time"

	"github.com/99designs/gqlgen/graphql"
	"github.com/gorilla/websocket"
)

// Transport is a gqlgen transport (handler.Server.AddTransport) for websocket upgrades on the GraphQL
// endpoint. It is safe for concurrent use; build it with New.
type Transport struct {
	cfg      Config
	origins  originPolicy
	upgrader websocket.Upgrader

	running     sync.WaitGroup // one per connection being served and per operation
	mu          sync.Mutex
	conns       map[*conn]struct{}
	draining    bool
	connections atomic.Int64
	operations  atomic.Int64
}

// Stats is a snapshot of a Transport's gauges.
type Stats struct {
	Connections int64 // open sockets
	Operations  int64 // operations running (active subscriptions, queries and mutations in flight)
}

var _ graphql.Transport = (*Transport)(nil)

// New checks cfg and builds a Transport. The only error is an *OriginError for a malformed
// AllowedOrigins entry.
func New(cfg Config) (*Transport, error) {
	origins, err := parseOrigins(cfg.AllowedOrigins)
	if err != nil {
		return nil, err
	}
	cfg = cfg.withDefaults()
	return &Transport{
		cfg:     cfg,
		origins: origins,
		conns:   map[*conn]struct{}{},
		upgrader: websocket.Upgrader{
			ReadBufferSize:  cfg.ReadBufferSize,
			WriteBufferSize: cfg.WriteBufferSize,
			// Idle sockets hold no write buffer: one is taken from the pool for each message.
			WriteBufferPool: &sync.Pool{},
			Subprotocols:    []string{ProtocolTransportWS, ProtocolGraphQLWS},
			// Do checks the origin before upgrading, with the configured list.
			CheckOrigin: func(*http.Request) bool { return true },
		},
	}, nil
}

// Supports reports whether r asks for a websocket upgrade.
func (t *Transport) Supports(r *http.Request) bool {
	return websocket.IsWebSocketUpgrade(r)
}

// Do upgrades r and returns; the socket is served by one goroutine of its own, its read loop, so that
// net/http's goroutine and buffers for the request are released (with Config.HoldRequest the read loop
// runs on the request's goroutine and Do returns when the socket closes). Operations see r's context
// values but not its cancellation. A refused origin gets 403, and a request after Shutdown 503, before
// any upgrade.
func (t *Transport) Do(w http.ResponseWriter, r *http.Request, exec graphql.GraphExecutor) {
	if !t.origins.allowed(r) {
		t.reportError(r.Context(), fmt.Errorf("websocket upgrade refused: origin %q is not allowed", r.Header.Get("Origin")))
		http.Error(w, "websocket: this origin may not open a socket", http.StatusForbidden)
		return
	}
	if !t.reserve() {
		http.Error(w, "websocket: the server is shutting down", http.StatusServiceUnavailable)
		return
	}
	// Headers set by middleware (a request id, say) go out with the 101 response.
	ws, err := t.upgrader.Upgrade(w, r, w.Header())
	if err != nil {
		t.running.Done()
		// The upgrader has answered the request already.
		t.reportError(r.Context(), fmt.Errorf("websocket upgrade: %w", err))
		return
	}
	// The hijacked connection keeps the HTTP server's deadlines (its WriteTimeout, set when the request
	// was read), which would cut the socket a minute later. gorilla/websocket 1.5 clears them; do it here
	// too, whatever its version: each write sets its own deadline (send) and keep-alives find dead peers.
	_ = ws.NetConn().SetDeadline(time.Time{})
	c := newConn(t, ws, r, exec)
	if !t.register(c) {
		c.close(CloseGoingAway, "server shutting down")
	}
	if t.cfg.HoldRequest {
		c.serve()
		return
	}
	go c.serve()
}

// Shutdown refuses new sockets, closes every open one with 1001 going away and waits until their
// operations have ended or ctx is done; then it drops the sockets that are left and returns ctx.Err().
func (t *Transport) Shutdown(ctx context.Context) error {
	t.mu.Lock()
	t.draining = true
	open := make([]*conn, 0, len(t.conns))
	for c := range t.conns {
		open = append(open, c)
	}
	t.mu.Unlock()
	for _, c := range open {
		c.close(CloseGoingAway, "server shutting down")
	}
	done := make(chan struct{})
	go func() {
		t.running.Wait()
		close(done)
	}()
	select {
	case <-done:
		return nil
	case <-ctx.Done():
		t.mu.Lock()
		for c := range t.conns {
			_ = c.ws.Close()
		}
		t.mu.Unlock()
		return ctx.Err()
	}
}

// Stats returns the current gauges, for metrics.
func (t *Transport) Stats() Stats {
	return Stats{Connections: t.connections.Load(), Operations: t.operations.Load()}
}

func (t *Transport) reserve() bool {
	t.mu.Lock()
	defer t.mu.Unlock()
	if t.draining {
		return false
	}
	t.running.Add(1)
	return true
}

// register records c so that Shutdown can close it; false means Shutdown has begun.
func (t *Transport) register(c *conn) bool {
	t.connections.Add(1)
	t.mu.Lock()
	defer t.mu.Unlock()
	t.conns[c] = struct{}{}
	return !t.draining
}

func (t *Transport) unregister(c *conn) {
	t.mu.Lock()
	delete(t.conns, c)
	t.mu.Unlock()
	t.connections.Add(-1)
}

func (t *Transport) reportError(ctx context.Context, err error) {
	if t.cfg.Hooks.Error != nil {
		t.cfg.Hooks.Error(ctx, err)
	}
}
