package e2e

import (
	"bufio"
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/modelarchitect/architect/internal/observability"
	"github.com/modelarchitect/architect/internal/testutil"
	"github.com/modelarchitect/architect/internal/viewer"
)

// These tests run the real handler behind the real http.Server configuration (app.HTTPServer: timeouts,
// per-client connection cap) on 127.0.0.1:0, with the HTTP_* settings shortened to seconds.

// realServer builds the app with env and serves it as `architect serve` does, on a listener of its own.
// The returned Server's URL is that listener's.
func realServer(t *testing.T, env map[string]string) *testutil.Server {
	t.Helper()
	s := testutil.NewServer(t, testutil.SQLite, testutil.ServerOptions{Env: env})
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	require.NoError(t, err)
	srv, sln := s.App.HTTPServer(ln)
	go func() { _ = srv.Serve(sln) }()
	t.Cleanup(func() { _ = srv.Close() }) // before the app's own cleanup
	real := *s
	real.URL = "http://" + ln.Addr().String()
	return &real
}

func hostOf(s *testutil.Server) string { return strings.TrimPrefix(s.URL, "http://") }

// dial opens a raw connection to s, closed when the test ends.
func dial(t *testing.T, s *testutil.Server) net.Conn {
	t.Helper()
	c, err := net.Dial("tcp", hostOf(s))
	require.NoError(t, err)
	t.Cleanup(func() { _ = c.Close() })
	return c
}

// closedWithin reports whether the server closes c within d, and when it did; anything c receives
// meanwhile is discarded.
func closedWithin(c net.Conn, d time.Duration) (bool, time.Time) {
	_ = c.SetReadDeadline(time.Now().Add(d))
	_, err := io.Copy(io.Discard, c)
	var ne net.Error
	if errors.As(err, &ne) && ne.Timeout() {
		return false, time.Time{}
	}
	return true, time.Now()
}

// limitsHit reads architect_http_limits_total{limit} from the app's registry.
func limitsHit(t *testing.T, s *testutil.Server, limit string) float64 {
	t.Helper()
	families, err := s.App.Metrics.Registry.Gather()
	require.NoError(t, err)
	for _, f := range families {
		if f.GetName() != "architect_http_limits_total" {
			continue
		}
		for _, m := range f.GetMetric() {
			for _, l := range m.GetLabel() {
				if l.GetName() == "limit" && l.GetValue() == limit {
					return m.GetCounter().GetValue()
				}
			}
		}
	}
	t.Fatalf("no architect_http_limits_total{limit=%q}", limit)
	return 0
}

// oneShot is a client that opens a connection per request.
var oneShot = &http.Client{Transport: &http.Transport{DisableKeepAlives: true}, Timeout: 10 * time.Second}

func postGraphQL(s *testutil.Server, query string) (*http.Response, testutil.Response, error) {
	return postGraphQLAs(s, "", query)
}

// TestSlowBodyIsCutOff: a body trickling in at one byte every 2 s, with HTTP_BODY_TIMEOUT=1s, is answered
// 408 REQUEST_TIMEOUT within a few seconds and its connection closed; the limit is counted and logged.
func TestSlowBodyIsCutOff(t *testing.T) {
	t.Parallel()
	s := realServer(t, map[string]string{"HTTP_BODY_TIMEOUT": "1s"})
	c := dial(t, s)
	start := time.Now()
	_, err := io.WriteString(c, "POST /graphql HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nContent-Length: 40\r\n\r\n{")
	require.NoError(t, err)
	go func() { // one more byte every 2 s, until the server hangs up
		for {
			time.Sleep(2 * time.Second)
			if _, err := c.Write([]byte(" ")); err != nil {
				return
			}
		}
	}()
	_ = c.SetReadDeadline(time.Now().Add(6 * time.Second))
	br := bufio.NewReader(c)
	res, err := http.ReadResponse(br, nil)
	require.NoError(t, err, "the server answers instead of waiting for the body")
	require.Less(t, time.Since(start), 4*time.Second)
	require.Equal(t, http.StatusRequestTimeout, res.StatusCode)
	require.True(t, res.Close, "Connection: close")
	var body testutil.Response
	require.NoError(t, json.NewDecoder(res.Body).Decode(&body))
	require.Len(t, body.Errors, 1)
	require.Equal(t, "REQUEST_TIMEOUT", body.Errors[0].Code())
	_ = res.Body.Close()
	_, err = br.ReadByte()
	require.Error(t, err, "the connection is closed")

	require.Equal(t, 1.0, limitsHit(t, s, observability.LimitBodyTimeout))
	require.Contains(t, s.Log.String(), "request body too slow (HTTP_BODY_TIMEOUT)")

	// A body sent at once is not affected.
	res, out, err := postGraphQL(s, `{ __typename }`)
	require.NoError(t, err)
	require.Equal(t, http.StatusOK, res.StatusCode, "%+v", out)
}

// TestIdleConnectionsAreClosed: a keep-alive connection left idle is closed after HTTP_IDLE_TIMEOUT, and
// one that never finishes its headers after HTTP_READ_HEADER_TIMEOUT.
func TestIdleConnectionsAreClosed(t *testing.T) {
	t.Parallel()
	s := realServer(t, map[string]string{"HTTP_IDLE_TIMEOUT": "1s", "HTTP_READ_HEADER_TIMEOUT": "1s"})

	keepAlive := dial(t, s)
	_, err := io.WriteString(keepAlive, "GET /healthz HTTP/1.1\r\nHost: x\r\n\r\n")
	require.NoError(t, err)
	br := bufio.NewReader(keepAlive)
	res, err := http.ReadResponse(br, nil)
	require.NoError(t, err)
	require.Equal(t, http.StatusOK, res.StatusCode)
	require.False(t, res.Close, "kept alive")
	_, _ = io.Copy(io.Discard, res.Body)
	answered := time.Now()

	partial := dial(t, s)
	_, err = io.WriteString(partial, "GET /healthz HTTP/1.1\r\nHost: x\r\n")
	require.NoError(t, err)
	sentPart := time.Now()

	closed, at := closedWithin(keepAlive, 4*time.Second)
	require.True(t, closed, "the idle keep-alive connection is closed")
	require.Greater(t, at.Sub(answered), 800*time.Millisecond, "not before HTTP_IDLE_TIMEOUT")
	require.Less(t, at.Sub(answered), 3*time.Second)

	closed, at = closedWithin(partial, 4*time.Second)
	require.True(t, closed, "the connection that never finishes its headers is closed")
	require.Less(t, at.Sub(sentPart), 3*time.Second)
}

// TestConnectionCapPerClient: with HTTP_MAX_CONNS_PER_CLIENT=20, 200 idle connections from one address
// leave health checks answering; a GraphQL request on a connection over the cap gets 503 UNAVAILABLE with
// Retry-After; the connections over the cap are shed within seconds while the 20 within it stay; once the
// idle connections are gone GraphQL is served again. The limit is counted, and logged once.
func TestConnectionCapPerClient(t *testing.T) {
	t.Parallel()
	const limit, flood = 20, 200
	s := realServer(t, map[string]string{"HTTP_MAX_CONNS_PER_CLIENT": fmt.Sprint(limit)})
	conns := make([]net.Conn, flood)
	for i := range conns {
		conns[i] = dial(t, s)
	}
	require.Eventually(t, func() bool { return limitsHit(t, s, observability.LimitConnsPerClient) == flood-limit },
		5*time.Second, 10*time.Millisecond, "every connection past the 20th is counted")

	for _, path := range []string{"/healthz", "/readyz"} {
		res, err := oneShot.Get(s.URL + path)
		require.NoError(t, err)
		_ = res.Body.Close()
		require.Equal(t, http.StatusOK, res.StatusCode, "%s answers from a crowded address", path)
	}
	res, out, err := postGraphQL(s, `{ __typename }`)
	require.NoError(t, err)
	require.Equal(t, http.StatusServiceUnavailable, res.StatusCode)
	require.Equal(t, "1", res.Header.Get("Retry-After"))
	require.True(t, res.Close, "Connection: close")
	require.Len(t, out.Errors, 1)
	require.Equal(t, "UNAVAILABLE", out.Errors[0].Code())
	require.Equal(t, 1.0, out.Errors[0].Extensions["retryAfter"])
	require.Contains(t, out.Errors[0].Message, "too many connections from your address (limit 20)")

	// Idle connections over the cap are closed after netlimit.DefaultGrace (2 s), well before
	// HTTP_READ_HEADER_TIMEOUT (10 s); those within it stay.
	shed := make(chan bool, flood)
	for _, c := range conns {
		go func() { closed, _ := closedWithin(c, 4*time.Second); shed <- closed }()
	}
	n := 0
	for range flood {
		if <-shed {
			n++
		}
	}
	require.Equal(t, flood-limit, n, "the connections over the cap are shed, the 20 within it stay")

	for _, c := range conns {
		_ = c.Close()
	}
	require.Eventually(t, func() bool {
		res, _, err := postGraphQL(s, `{ __typename }`)
		return err == nil && res.StatusCode == http.StatusOK
	}, 5*time.Second, 20*time.Millisecond, "GraphQL is served once the idle connections are gone")

	logged := strings.Count(s.Log.String(), "too many connections from one client address")
	require.Equal(t, 1, logged, "one warning for the flood (rate-limited), not one per connection")
	require.GreaterOrEqual(t, limitsHit(t, s, observability.LimitConnsPerClient), float64(flood-limit+3))
}

// TestStreamsOutliveWriteTimeout: with every HTTP timeout at 1 s, a subscription over server-sent events
// (silent until its event) and one over a websocket (pinged every 700 ms) stay open for 3 s and receive
// the event that comes then.
func TestStreamsOutliveWriteTimeout(t *testing.T) {
	t.Parallel()
	s := realServer(t, map[string]string{
		"HTTP_WRITE_TIMEOUT": "1s", "HTTP_BODY_TIMEOUT": "1s", "HTTP_IDLE_TIMEOUT": "1s", "HTTP_READ_HEADER_TIMEOUT": "1s",
		"WS_KEEPALIVE": "700ms", "WORKERS": "false",
	})
	u := s.SignUp(t, "streams@example.com", viewer.RoleFree)
	const sub = `subscription { myBenchmarkEvents { change id } }`

	sse := sseSubscribe(t, &replica{url: s.URL}, u.Token, sub, nil)
	sk := s.Dial(t, testutil.TransportWS, map[string]any{"authorization": "Bearer " + u.Token})
	sk.Ack()
	sk.Subscribe("1", sub, nil)

	start := time.Now()
	created := make(chan error, 1)
	go func() {
		time.Sleep(3 * time.Second)
		_, out, err := postGraphQLAs(s, u.Token,
			`mutation { createBenchmark(input: {name: "late", models: ["openai/x"], dataset: [{input: "1+1?", expected: "2", assertion: CONTAINS}]}) { id } }`)
		if err == nil && len(out.Errors) > 0 {
			err = fmt.Errorf("createBenchmark: %+v", out.Errors)
		}
		created <- err
	}()

	r, typ := sk.Next("1", 8*time.Second) // answers the server's pings meanwhile
	require.Equal(t, "next", typ, "the websocket is still open after 3 s: %+v", r)
	require.NoError(t, <-created)
	require.Greater(t, time.Since(start), 3*time.Second)
	require.Contains(t, string(r.Data), `"change":"UPDATED"`)

	select {
	case data, ok := <-sse:
		require.True(t, ok, "the event stream ended before its event")
		require.Contains(t, data, "myBenchmarkEvents")
	case <-time.After(5 * time.Second):
		t.Fatal("the event stream received nothing: a write after HTTP_WRITE_TIMEOUT failed")
	}
}

// postGraphQLAs posts a query on a connection of its own, with token when not empty.
func postGraphQLAs(s *testutil.Server, token, query string) (*http.Response, testutil.Response, error) {
	body, _ := json.Marshal(map[string]any{"query": query})
	req, err := http.NewRequest(http.MethodPost, s.URL+"/graphql", bytes.NewReader(body))
	if err != nil {
		return nil, testutil.Response{}, err
	}
	req.Header.Set("Content-Type", "application/json")
	if token != "" {
		req.Header.Set("Authorization", "Bearer "+token)
	}
	res, err := oneShot.Do(req)
	if err != nil {
		return nil, testutil.Response{}, err
	}
	defer res.Body.Close()
	var out testutil.Response
	raw, _ := io.ReadAll(res.Body)
	if err := json.Unmarshal(raw, &out); err != nil {
		return res, out, fmt.Errorf("%d %s: %w", res.StatusCode, raw, err)
	}
	return res, out, nil
}
