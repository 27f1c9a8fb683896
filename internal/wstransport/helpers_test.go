package wstransport_test

import (
	"context"
	"encoding/json"
	"errors"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/99designs/gqlgen/graphql/handler"
	"github.com/gorilla/websocket"
	"github.com/stretchr/testify/require"

	"github.com/modelarchitect/architect/internal/wstransport"
)

const (
	transportWS = wstransport.ProtocolTransportWS
	legacyWS    = wstransport.ProtocolGraphQLWS
)

var protocols = []string{transportWS, legacyWS}

// testBundle is a running GraphQL server with the transport under test.
type testBundle struct {
	t         *testing.T
	transport *wstransport.Transport
	schema    *testSchema
	server    *httptest.Server
	url       string
	events    *eventLog
}

// testInit accepts every connection except the token "bad", and makes the token the viewer.
func testInit(ctx context.Context, payload map[string]any, _ *http.Request) (context.Context, error) {
	token, _ := payload["authToken"].(string)
	if token == "bad" {
		return nil, errors.New("the token has expired: log in again")
	}
	return context.WithValue(ctx, viewerKey{}, token), nil
}

// setup starts a server; cfg.InitFunc defaults to testInit and the hooks record into bundle.events.
func setup(t *testing.T, cfg wstransport.Config) *testBundle {
	t.Helper()
	b := setupTB(t, cfg, nil)
	b.t = t
	return b
}

// setupTB is setup for benchmarks too; wrap, if not nil, wraps the GraphQL handler as middleware would.
func setupTB(t testing.TB, cfg wstransport.Config, wrap func(http.Handler) http.Handler) *testBundle {
	t.Helper()
	if cfg.InitFunc == nil {
		cfg.InitFunc = testInit
	}
	events := &eventLog{}
	cfg.Hooks = events.hooks()
	tr := wstransport.New(cfg)
	schema := newTestSchema()
	gql := handler.New(schema)
	gql.AddTransport(tr)
	// gqlgen's default recover func prints the stack; keep its answer, drop the noise.
	gql.SetRecoverFunc(func(context.Context, any) error { return errors.New("internal system error") })
	withRequestID := http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("X-Request-Id", "rid-42")
		gql.ServeHTTP(w, r.WithContext(context.WithValue(r.Context(), requestIDKey{}, "rid-42")))
	})
	var h http.Handler = withRequestID
	if wrap != nil {
		h = wrap(h)
	}
	srv := httptest.NewServer(h)
	t.Cleanup(func() {
		ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
		defer cancel()
		_ = tr.Shutdown(ctx)
		srv.Close()
	})
	return &testBundle{
		transport: tr, schema: schema, server: srv, events: events,
		url: "ws" + strings.TrimPrefix(srv.URL, "http"),
	}
}

// eventLog records the hooks' calls.
type eventLog struct {
	mu      sync.Mutex
	closed  []int
	opened  int
	started int
	ended   int
	in      map[string]int
	out     map[string]int
	errs    []error
}

func (e *eventLog) hooks() wstransport.Hooks {
	e.in, e.out = map[string]int{}, map[string]int{}
	return wstransport.Hooks{
		ConnectionOpened: func(string) { e.mu.Lock(); e.opened++; e.mu.Unlock() },
		ConnectionClosed: func(_ string, code int) { e.mu.Lock(); e.closed = append(e.closed, code); e.mu.Unlock() },
		OperationStarted: func(string) { e.mu.Lock(); e.started++; e.mu.Unlock() },
		OperationEnded:   func(string) { e.mu.Lock(); e.ended++; e.mu.Unlock() },
		MessageReceived:  func(_, typ string) { e.mu.Lock(); e.in[typ]++; e.mu.Unlock() },
		MessageSent:      func(_, typ string) { e.mu.Lock(); e.out[typ]++; e.mu.Unlock() },
		Error:            func(_ context.Context, err error) { e.mu.Lock(); e.errs = append(e.errs, err); e.mu.Unlock() },
	}
}

// gauges are what the hooks' calls add up to: sockets open and operations running.
type gauges struct{ connections, operations int }

func (e *eventLog) gauges() gauges {
	e.mu.Lock()
	defer e.mu.Unlock()
	return gauges{connections: e.opened - len(e.closed), operations: e.started - e.ended}
}

func (e *eventLog) closeCodes() []int {
	e.mu.Lock()
	defer e.mu.Unlock()
	return append([]int(nil), e.closed...)
}

// message is a server message as the client sees it.
type message struct {
	Type    string          `json:"type"`
	ID      string          `json:"id,omitempty"`
	Payload json.RawMessage `json:"payload,omitempty"`
}

// client is a raw gorilla/websocket client speaking one protocol by hand.
type client struct {
	t     *testing.T
	ws    *websocket.Conn
	proto string
}

// dial opens a socket offering protocols (none: the given one); it fails the test if the upgrade fails.
func (b *testBundle) dial(proto string, header http.Header) *client {
	b.t.Helper()
	c, resp, err := b.tryDial([]string{proto}, header)
	if resp != nil {
		_ = resp.Body.Close()
	}
	require.NoError(b.t, err)
	return c
}

func (b *testBundle) tryDial(offer []string, header http.Header) (*client, *http.Response, error) {
	d := websocket.Dialer{Subprotocols: offer, HandshakeTimeout: 5 * time.Second}
	ws, resp, err := d.Dial(b.url, header)
	if err != nil {
		return nil, resp, err
	}
	b.t.Cleanup(func() { _ = ws.Close() })
	proto := ""
	if len(offer) > 0 {
		proto = offer[0]
	}
	return &client{t: b.t, ws: ws, proto: proto}, resp, nil
}

func (c *client) sendRaw(s string) {
	c.t.Helper()
	require.NoError(c.t, c.ws.WriteMessage(websocket.TextMessage, []byte(s)))
}

func (c *client) send(typ, id string, payload any) {
	c.t.Helper()
	m := map[string]any{"type": typ}
	if id != "" {
		m["id"] = id
	}
	if payload != nil {
		m["payload"] = payload
	}
	require.NoError(c.t, c.ws.WriteJSON(m))
}

// read returns the next server message, failing after 5 s.
func (c *client) read() message {
	c.t.Helper()
	require.NoError(c.t, c.ws.SetReadDeadline(time.Now().Add(5*time.Second)))
	var m message
	_, data, err := c.ws.ReadMessage()
	require.NoError(c.t, err, "reading a message")
	require.NoError(c.t, json.Unmarshal(data, &m), "a server message is JSON: %s", data)
	return m
}

// expect reads the next message and checks its type and id.
func (c *client) expect(typ, id string) message {
	c.t.Helper()
	m := c.read()
	require.Equal(c.t, typ, m.Type, "message %+v (payload %s)", m, m.Payload)
	require.Equal(c.t, id, m.ID, "message %+v", m)
	return m
}

// expectClose reads until the socket closes and checks the close code; it returns the reason.
func (c *client) expectClose(code int) string {
	c.t.Helper()
	require.NoError(c.t, c.ws.SetReadDeadline(time.Now().Add(5*time.Second)))
	for {
		_, data, err := c.ws.ReadMessage()
		if err == nil {
			continue // ka or ping before the close
		}
		var ce *websocket.CloseError
		require.ErrorAs(c.t, err, &ce, "expected close %d, got %v (last data %s)", code, err, data)
		require.Equal(c.t, code, ce.Code, "close reason %q", ce.Text)
		return ce.Text
	}
}

// init sends connection_init and reads the acknowledgement (and the legacy protocol's first ka).
func (c *client) init(payload any) {
	c.t.Helper()
	c.send("connection_init", "", payload)
	c.expect("connection_ack", "")
	if c.proto == legacyWS {
		c.expect("ka", "")
	}
}

func (c *client) subscribeType() string {
	if c.proto == legacyWS {
		return "start"
	}
	return "subscribe"
}

func (c *client) nextType() string {
	if c.proto == legacyWS {
		return "data"
	}
	return "next"
}

func (c *client) stopType() string {
	if c.proto == legacyWS {
		return "stop"
	}
	return "complete"
}

func (c *client) subscribe(id, query string, variables map[string]any) {
	c.t.Helper()
	payload := map[string]any{"query": query}
	if variables != nil {
		payload["variables"] = variables
	}
	c.send(c.subscribeType(), id, payload)
}

// expectNext reads a next/data message for id and returns its payload's data as a string.
func (c *client) expectNext(id string) string {
	c.t.Helper()
	m := c.expect(c.nextType(), id)
	var p struct {
		Data   json.RawMessage `json:"data"`
		Errors json.RawMessage `json:"errors"`
	}
	require.NoError(c.t, json.Unmarshal(m.Payload, &p))
	require.Empty(c.t, p.Errors, "errors in %s", m.Payload)
	return string(p.Data)
}

// eventually polls cond for up to 5 s.
func eventually(t *testing.T, cond func() bool, msg string) {
	t.Helper()
	require.Eventually(t, cond, 5*time.Second, 5*time.Millisecond, msg)
}
