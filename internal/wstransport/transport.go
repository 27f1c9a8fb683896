package wstransport

import (
	"context"
	"fmt"
	"net/http"
	"sync"
	"time"

	"github.com/99designs/gqlgen/graphql"
	"github.com/gorilla/websocket"
)

// Transport is a gqlgen transport (handler.Server.AddTransport) for websocket upgrades on the GraphQL
// endpoint. It is safe for concurrent use; build it with New.
type Transport struct {
	cfg      Config
	upgrader websocket.Upgrader

	running  sync.WaitGroup // one per connection being served and per operation
	mu       sync.Mutex
	conns    map[*conn]struct{}
	draining bool
}

var _ graphql.Transport = (*Transport)(nil)

// New builds a Transport.
func New(cfg Config) *Transport {
	cfg = cfg.withDefaults()
	return &Transport{
		cfg:   cfg,
		conns: map[*conn]struct{}{},
		upgrader: websocket.Upgrader{
			ReadBufferSize:  cfg.ReadBufferSize,
			WriteBufferSize: cfg.WriteBufferSize,
			// Idle sockets hold no write buffer: one is taken from the pool for each message.
			WriteBufferPool: &sync.Pool{},
			Subprotocols:    []string{ProtocolTransportWS, ProtocolGraphQLWS},
			// Origins are the HTTP layer's to check, before the request reaches the transport.
			CheckOrigin: func(*http.Request) bool { return true },
		},
	}
}

// Supports reports whether r asks for a websocket upgrade.
func (t *Transport) Supports(r *http.Request) bool {
	return websocket.IsWebSocketUpgrade(r)
}

// Do upgrades r and returns; the socket is served by one goroutine of its own, its read loop, so that
// net/http's goroutine and buffers for the request are released. Operations see r's context values but not
// its cancellation. A request after Shutdown gets 503, before any upgrade. Do does not check the Origin
// header: the handler in front of the transport decides which origins may open a socket.
func (t *Transport) Do(w http.ResponseWriter, r *http.Request, exec graphql.GraphExecutor) {
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
	t.mu.Lock()
	defer t.mu.Unlock()
	t.conns[c] = struct{}{}
	return !t.draining
}

func (t *Transport) unregister(c *conn) {
	t.mu.Lock()
	delete(t.conns, c)
	t.mu.Unlock()
}

func (t *Transport) reportError(ctx context.Context, err error) {
	if t.cfg.Hooks.Error != nil {
		t.cfg.Hooks.Error(ctx, err)
	}
}
