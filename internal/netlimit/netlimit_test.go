package netlimit

import (
	"bufio"
	"encoding/json"
	"errors"
	"io"
	"net"
	"net/http"
	"net/netip"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/stretchr/testify/require"
)

var localhost = netip.MustParseAddr("127.0.0.1")

// serve runs Refuse(ok handler) behind a Listener on 127.0.0.1:0 until the test ends.
func serve(t *testing.T, cfg Config) (*Listener, string) {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	require.NoError(t, err)
	l := NewListener(ln, cfg)
	mux := http.NewServeMux()
	mux.HandleFunc("/", func(w http.ResponseWriter, _ *http.Request) { _, _ = io.WriteString(w, "served\n") })
	srv := &http.Server{Handler: Refuse(mux), ConnContext: ConnContext, ReadHeaderTimeout: 10 * time.Second}
	go func() { _ = srv.Serve(l) }()
	t.Cleanup(func() { _ = srv.Close() })
	return l, ln.Addr().String()
}

// idle opens n connections that send nothing, closed when the test ends.
func idle(t *testing.T, addr string, n int) []net.Conn {
	t.Helper()
	conns := make([]net.Conn, n)
	for i := range conns {
		c, err := net.Dial("tcp", addr)
		require.NoError(t, err)
		t.Cleanup(func() { _ = c.Close() })
		conns[i] = c
	}
	return conns
}

func waitOpen(t *testing.T, l *Listener, want int) {
	t.Helper()
	require.Eventually(t, func() bool { return l.Open(localhost) == want }, 5*time.Second, 5*time.Millisecond,
		"open connections from 127.0.0.1: want %d", want)
}

// get sends one request on a fresh connection.
func get(t *testing.T, addr, method, path string) *http.Response {
	t.Helper()
	req, err := http.NewRequest(method, "http://"+addr+path, nil)
	require.NoError(t, err)
	req.Header.Set("Accept", "application/graphql-response+json")
	res, err := (&http.Client{Transport: &http.Transport{DisableKeepAlives: true}, Timeout: 5 * time.Second}).Do(req)
	require.NoError(t, err)
	t.Cleanup(func() { _ = res.Body.Close() })
	return res
}

func TestCapRefusesAllButHealthChecks(t *testing.T) {
	t.Parallel()
	var over atomic.Int64
	l, addr := serve(t, Config{Max: 3, Grace: 5 * time.Second, OnOver: func(a netip.Addr, open int) {
		if a == localhost && open > 3 {
			over.Add(1)
		}
	}})
	conns := idle(t, addr, 5)
	waitOpen(t, l, 5)
	require.Eventually(t, func() bool { return over.Load() == 2 }, 5*time.Second, 5*time.Millisecond,
		"the two connections past the cap are reported")

	res := get(t, addr, http.MethodPost, "/graphql")
	require.Equal(t, http.StatusServiceUnavailable, res.StatusCode)
	require.Equal(t, "1", res.Header.Get("Retry-After"))
	require.True(t, res.Close, "Connection: close")
	require.Equal(t, "application/graphql-response+json; charset=utf-8", res.Header.Get("Content-Type"))
	var body struct {
		Errors []struct {
			Message    string
			Extensions map[string]any
		}
	}
	require.NoError(t, json.NewDecoder(res.Body).Decode(&body))
	require.Len(t, body.Errors, 1)
	require.Equal(t, "too many connections from your address (limit 3): close idle connections or retry later", body.Errors[0].Message)
	require.Equal(t, map[string]any{"code": "UNAVAILABLE", "retryAfter": 1.0}, body.Errors[0].Extensions)

	for _, path := range []string{"/healthz", "/readyz"} {
		res := get(t, addr, http.MethodGet, path)
		require.Equal(t, http.StatusOK, res.StatusCode, path)
		require.True(t, res.Close, "a health check over the cap closes its connection too")
		b, _ := io.ReadAll(res.Body)
		require.Equal(t, "served\n", string(b))
	}
	require.Equal(t, http.StatusOK, get(t, addr, http.MethodHead, "/healthz").StatusCode)
	require.Equal(t, http.StatusServiceUnavailable, get(t, addr, http.MethodPost, "/healthz").StatusCode, "only GET and HEAD are exempt")
	require.Equal(t, http.StatusServiceUnavailable, get(t, addr, http.MethodGet, "/metrics").StatusCode)

	for _, c := range conns {
		require.NoError(t, c.Close())
	}
	waitOpen(t, l, 0)
	res = get(t, addr, http.MethodPost, "/graphql")
	require.Equal(t, http.StatusOK, res.StatusCode, "served again once the idle connections are gone")
}

func TestNoCapOnlyCounts(t *testing.T) {
	t.Parallel()
	l, addr := serve(t, Config{OnOver: func(netip.Addr, int) { t.Error("no cap, nothing is over it") }})
	idle(t, addr, 20)
	waitOpen(t, l, 20)
	require.Equal(t, http.StatusOK, get(t, addr, http.MethodPost, "/graphql").StatusCode)
}

// TestOverCapConnectionsDoNotLinger: a connection over the cap that sends nothing is closed after Grace,
// not after the server's ReadHeaderTimeout (10 s here); one within the cap is left alone.
func TestOverCapConnectionsDoNotLinger(t *testing.T) {
	t.Parallel()
	l, addr := serve(t, Config{Max: 1, Grace: 300 * time.Millisecond})
	conns := idle(t, addr, 1)
	waitOpen(t, l, 1)
	conns = append(conns, idle(t, addr, 1)...)
	start := time.Now()
	require.True(t, closedWithin(conns[1], 3*time.Second), "the connection over the cap is closed")
	require.Less(t, time.Since(start), 2*time.Second)
	require.False(t, closedWithin(conns[0], 500*time.Millisecond), "the one within the cap stays")
	waitOpen(t, l, 1)
}

// TestBackUnderTheCapLetsIn: a connection accepted over the cap is served once its address is back under.
func TestBackUnderTheCapLetsIn(t *testing.T) {
	t.Parallel()
	l, addr := serve(t, Config{Max: 1, Grace: 5 * time.Second})
	first := idle(t, addr, 1)[0]
	waitOpen(t, l, 1)
	second := idle(t, addr, 1)[0]
	waitOpen(t, l, 2)
	require.NoError(t, first.Close())
	waitOpen(t, l, 1)
	_, err := io.WriteString(second, "GET /graphql HTTP/1.1\r\nHost: x\r\n\r\n")
	require.NoError(t, err)
	res, err := http.ReadResponse(bufio.NewReader(second), nil)
	require.NoError(t, err)
	defer res.Body.Close()
	require.Equal(t, http.StatusOK, res.StatusCode)
	require.False(t, res.Close, "a connection let in is kept alive as any other")
}

func closedWithin(c net.Conn, d time.Duration) bool {
	_ = c.SetReadDeadline(time.Now().Add(d))
	_, err := c.Read(make([]byte, 1))
	var ne net.Error
	return err != nil && !(errors.As(err, &ne) && ne.Timeout())
}

func TestGroup(t *testing.T) {
	t.Parallel()
	p := func(s string) netip.Prefix { return group(netip.MustParseAddr(s)) }
	require.Equal(t, netip.MustParsePrefix("192.0.2.7/32"), p("192.0.2.7"))
	require.Equal(t, p("192.0.2.7"), p("::ffff:192.0.2.7"), "IPv4-mapped addresses count as IPv4")
	require.NotEqual(t, p("192.0.2.7"), p("192.0.2.8"))
	require.Equal(t, p("2001:db8:1:2::1"), p("2001:db8:1:2:ffff::9"), "one /64, one client")
	require.Equal(t, p("fe80::1%eth0"), p("fe80::2"))
	require.NotEqual(t, p("2001:db8:1:2::1"), p("2001:db8:1:3::1"))
}

func TestThrottle(t *testing.T) {
	t.Parallel()
	th := &Throttle{Interval: 200 * time.Millisecond}
	ok, skipped := th.Allow()
	require.True(t, ok)
	require.Zero(t, skipped)
	for range 5 {
		ok, _ := th.Allow()
		require.False(t, ok)
	}
	time.Sleep(250 * time.Millisecond)
	ok, skipped = th.Allow()
	require.True(t, ok)
	require.Equal(t, 5, skipped)
}

func TestRefuseWithoutListener(t *testing.T) {
	t.Parallel()
	h := Refuse(http.HandlerFunc(func(w http.ResponseWriter, _ *http.Request) { _, _ = io.WriteString(w, "served") }))
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	require.NoError(t, err)
	srv := &http.Server{Handler: h, ReadHeaderTimeout: time.Second}
	go func() { _ = srv.Serve(ln) }()
	t.Cleanup(func() { _ = srv.Close() })
	res := get(t, ln.Addr().String(), http.MethodGet, "/graphql")
	b, _ := io.ReadAll(res.Body)
	require.Equal(t, "served", strings.TrimSpace(string(b)))
}
