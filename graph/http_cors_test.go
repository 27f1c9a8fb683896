package graph_test

import (
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/gorilla/websocket"
	"github.com/stretchr/testify/require"

	"github.com/modelarchitect/architect/internal/testutil"
	"github.com/modelarchitect/architect/internal/viewer"
)

// preflight is the OPTIONS request a browser sends before a cross-origin POST with a JSON body and a bearer
// token (fetch spec, "CORS-preflight request").
func preflight(origin, method, headers string) rawRequest {
	return rawRequest{method: http.MethodOptions, header: map[string]string{
		"Origin": origin, "Access-Control-Request-Method": method, "Access-Control-Request-Headers": headers,
	}}
}

// listed reports whether a comma-separated header value names item, ignoring case.
func listed(value, item string) bool {
	for v := range strings.SplitSeq(value, ",") {
		if strings.EqualFold(strings.TrimSpace(v), item) {
			return true
		}
	}
	return false
}

// TestCORS: with no CORS_ALLOWED_ORIGINS outside production, a front-end dev server on localhost (Vite's
// http://localhost:5173) may call the API with its bearer token; any other origin gets no CORS headers, so the
// browser keeps its page from reading the answer, and may not open a websocket.
func TestCORS(t *testing.T) {
	t.Parallel()
	s := testutil.NewServer(t, testutil.SQLite)
	u := s.SignUp(t, "cors@example.com", viewer.RoleFree)
	const dev = "http://localhost:5173"

	t.Run("preflight from an allowed origin allows the Authorization header", func(t *testing.T) {
		t.Parallel()
		r := send(t, s.URL, preflight(dev, "POST", "authorization,content-type"))
		require.Equal(t, http.StatusNoContent, r.status)
		require.Equal(t, dev, r.header.Get("Access-Control-Allow-Origin"))
		require.True(t, listed(r.header.Get("Access-Control-Allow-Methods"), "POST"), r.header.Get("Access-Control-Allow-Methods"))
		for _, h := range []string{"Authorization", "Content-Type"} {
			require.True(t, listed(r.header.Get("Access-Control-Allow-Headers"), h), "%s not in %q", h, r.header.Get("Access-Control-Allow-Headers"))
		}
		require.NotEmpty(t, r.header.Get("Access-Control-Max-Age"))
		require.Empty(t, r.header.Get("Access-Control-Allow-Credentials"), "the API takes bearer tokens, never cookies")
		require.Contains(t, r.header.Values("Vary"), "Origin", "caches must key the answer on Origin")
	})
	for _, tc := range []struct{ name, origin, method string }{
		{name: "another site", origin: "https://evil.example", method: "POST"},
		{name: "a look-alike of localhost", origin: "http://localhost.evil.example:5173", method: "POST"},
		{name: "an allowed origin asking for PUT", origin: dev, method: "PUT"},
	} {
		t.Run("preflight refused: "+tc.name, func(t *testing.T) {
			t.Parallel()
			r := send(t, s.URL, preflight(tc.origin, tc.method, "authorization,content-type"))
			require.Equal(t, http.StatusForbidden, r.status)
			for _, h := range []string{"Access-Control-Allow-Origin", "Access-Control-Allow-Headers", "Access-Control-Allow-Methods"} {
				require.Empty(t, r.header.Get(h), h)
			}
		})
	}
	t.Run("the request itself: CORS headers for an allowed origin only", func(t *testing.T) {
		t.Parallel()
		for _, c := range []struct {
			origin  string
			allowed bool
		}{{dev, true}, {"http://127.0.0.1:3000", true}, {"https://evil.example", false}} {
			origin := c.origin
			r := send(t, s.URL, postReq(graphqlBody(`{ me { email } }`, nil), acceptGQL, "Origin", origin, "Authorization", "Bearer "+u.Token))
			require.Equal(t, http.StatusOK, r.status)
			if !c.allowed {
				require.Empty(t, r.header.Get("Access-Control-Allow-Origin"), origin)
				continue
			}
			require.Equal(t, origin, r.header.Get("Access-Control-Allow-Origin"))
			require.True(t, listed(r.header.Get("Access-Control-Expose-Headers"), "X-Request-Id"), "a page can read the request id to report it")
		}
	})
	t.Run("websocket from another origin refused, from an allowed one accepted", func(t *testing.T) {
		t.Parallel()
		url := "ws" + strings.TrimPrefix(s.URL, "http") + "/graphql"
		d := websocket.Dialer{Subprotocols: []string{testutil.TransportWS}, HandshakeTimeout: 5 * time.Second}
		_, res, err := d.Dial(url, http.Header{"Origin": {"https://evil.example"}})
		require.Error(t, err, "cross-site websocket hijacking")
		require.NotNil(t, res)
		require.Equal(t, http.StatusForbidden, res.StatusCode)
		conn, res, err := d.Dial(url, http.Header{"Origin": {dev}})
		require.NoError(t, err)
		defer conn.Close()
		require.Equal(t, http.StatusSwitchingProtocols, res.StatusCode)
		require.Equal(t, testutil.TransportWS, conn.Subprotocol())
	})
}

// TestCORSConfiguredOrigins: CORS_ALLOWED_ORIGINS replaces the localhost defaults.
func TestCORSConfiguredOrigins(t *testing.T) {
	t.Parallel()
	s := testutil.NewServer(t, testutil.SQLite, testutil.ServerOptions{Env: map[string]string{
		"CORS_ALLOWED_ORIGINS": "https://app.example.com, https://*.preview.example.com",
	}})
	tests := []struct {
		origin string
		status int
	}{
		{origin: "https://app.example.com", status: http.StatusNoContent},
		{origin: "https://pr-42.preview.example.com", status: http.StatusNoContent},
		{origin: "http://app.example.com", status: http.StatusForbidden}, // another scheme is another origin
		{origin: "http://localhost:5173", status: http.StatusForbidden},
	}
	for _, tc := range tests {
		t.Run(tc.origin, func(t *testing.T) {
			t.Parallel()
			r := send(t, s.URL, preflight(tc.origin, "POST", "authorization,content-type"))
			require.Equal(t, tc.status, r.status)
			want := ""
			if tc.status == http.StatusNoContent {
				want = tc.origin
			}
			require.Equal(t, want, r.header.Get("Access-Control-Allow-Origin"))
		})
	}
}
