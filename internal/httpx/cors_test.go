package httpx_test

import (
	"net/http"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/modelarchitect/architect/internal/httpx"
)

func preflight(origin, method, headers string) request {
	return request{method: http.MethodOptions, headers: map[string]string{
		"Origin": origin, "Access-Control-Request-Method": method, "Access-Control-Request-Headers": headers,
	}}
}

func fromOrigin(r request, origin string) request {
	r.headers["Origin"] = origin
	return r
}

func TestCORS(t *testing.T) {
	t.Parallel()
	dev := &httpx.CORSConfig{AllowedOrigins: httpx.DevelopmentOrigins}
	prod := &httpx.CORSConfig{AllowedOrigins: []string{"https://app.example.com"}}
	anyOrigin := &httpx.CORSConfig{AllowedOrigins: []string{"*"}}
	tests := []struct {
		name        string
		cfg         *httpx.CORSConfig
		req         request
		status      int
		allowOrigin string // "" means no CORS headers at all
		preflightOK bool
	}{
		{name: "preflight from a local dev server", cfg: dev, req: preflight("http://localhost:5173", "POST", "authorization,content-type"),
			status: 204, allowOrigin: "http://localhost:5173", preflightOK: true},
		{name: "preflight for a GET from 127.0.0.1", cfg: dev, req: preflight("http://127.0.0.1:3000", "GET", "authorization"),
			status: 204, allowOrigin: "http://127.0.0.1:3000", preflightOK: true},
		{name: "preflight from another origin is refused", cfg: dev, req: preflight("https://evil.example", "POST", "authorization"),
			status: 403},
		{name: "https on localhost is not http on localhost", cfg: dev, req: preflight("https://localhost:5173", "POST", ""),
			status: 403},
		{name: "preflight for a method the API does not take", cfg: dev, req: preflight("http://localhost:5173", "DELETE", ""),
			status: 403},
		{name: "preflight from the configured production origin", cfg: prod, req: preflight("https://app.example.com", "POST", "authorization"),
			status: 204, allowOrigin: "https://app.example.com", preflightOK: true},
		{name: "the default port is the same origin", cfg: prod, req: preflight("https://app.example.com:443", "POST", ""),
			status: 204, allowOrigin: "https://app.example.com:443", preflightOK: true},
		{name: "another port is another origin", cfg: prod, req: preflight("https://app.example.com:8443", "POST", ""),
			status: 403},
		{name: "a null origin is never allowed", cfg: anyOrigin, req: preflight("null", "POST", ""),
			status: 403},
		{name: "* allows any origin, without credentials", cfg: anyOrigin, req: preflight("https://anyone.example", "POST", "authorization"),
			status: 204, allowOrigin: "*", preflightOK: true},
		{name: "request from an allowed origin gets the CORS headers", cfg: dev, req: fromOrigin(jsonPost(`{"query":"{ hello }"}`, modern), "http://localhost:5173"),
			status: 200, allowOrigin: "http://localhost:5173"},
		{name: "request from another origin runs without CORS headers", cfg: dev, req: fromOrigin(jsonPost(`{"query":"{ hello }"}`, modern), "https://evil.example"),
			status: 200},
		{name: "same-origin request without Origin", cfg: dev, req: jsonPost(`{"query":"{ hello }"}`, modern),
			status: 200},
		{name: "no origins configured: no CORS", cfg: &httpx.CORSConfig{}, req: preflight("http://localhost:5173", "POST", ""),
			status: 403},
		{name: "websocket from another origin is refused", cfg: dev,
			req:    request{method: http.MethodGet, headers: map[string]string{"Origin": "https://evil.example", "Upgrade": "websocket", "Connection": "Upgrade"}},
			status: 403},
		{name: "websocket from the same origin passes to the transport", cfg: prod,
			req:    request{method: http.MethodGet, headers: map[string]string{"Origin": "SAME", "Upgrade": "websocket", "Connection": "Upgrade"}},
			status: 400}, // the test server has no websocket transport: gqlgen answers "transport not supported"
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			b := setup(t, options{cors: tc.cfg})
			if tc.req.headers["Origin"] == "SAME" {
				tc.req.headers["Origin"] = b.url
			}
			res := b.do(t, tc.req)
			require.Equal(t, tc.status, res.status)
			require.Equal(t, tc.allowOrigin, res.header.Get("Access-Control-Allow-Origin"))
			require.Empty(t, res.header.Get("Access-Control-Allow-Credentials"))
			if tc.preflightOK {
				require.Equal(t, "GET, POST", res.header.Get("Access-Control-Allow-Methods"))
				require.Contains(t, res.header.Get("Access-Control-Allow-Headers"), "Authorization")
				require.Contains(t, res.header.Get("Access-Control-Allow-Headers"), "Content-Type")
				require.Equal(t, "7200", res.header.Get("Access-Control-Max-Age"))
			} else {
				require.Empty(t, res.header.Get("Access-Control-Allow-Methods"))
			}
			if tc.allowOrigin != "" && tc.req.method != http.MethodOptions {
				require.Equal(t, "X-Request-Id, Retry-After", res.header.Get("Access-Control-Expose-Headers"))
			}
			if tc.allowOrigin != "*" && tc.cfg != anyOrigin {
				require.Contains(t, res.header.Values("Vary"), "Origin")
			}
		})
	}
}

func TestCORSAllows(t *testing.T) {
	t.Parallel()
	c, err := httpx.NewCORS(httpx.CORSConfig{AllowedOrigins: []string{
		"https://App.Example.com", "http://localhost:*", "http://intranet:8080", "https://*.preview.example.net",
	}})
	require.NoError(t, err)
	tests := []struct {
		origin string
		want   bool
	}{
		{"https://app.example.com", true},
		{"https://APP.example.com", true},
		{"http://app.example.com", false},
		{"https://app.example.com.evil.example", false},
		{"http://localhost", true},
		{"http://localhost:80", true},
		{"http://localhost:4200", true},
		{"http://intranet:8080", true},
		{"http://intranet", false},
		{"https://pr-12.preview.example.net", true},
		{"https://a.b.preview.example.net", true},
		{"https://preview.example.net", false},
		{"https://evilpreview.example.net", false},
		{"http://pr-12.preview.example.net", false},
		{"", false},
		{"null", false},
		{"%%%", false},
	}
	for _, tc := range tests {
		t.Run(tc.origin, func(t *testing.T) {
			t.Parallel()
			require.Equal(t, tc.want, c.Allows(tc.origin))
		})
	}
}

func TestNewCORSRefusesUnreadableOrigins(t *testing.T) {
	t.Parallel()
	for _, o := range []string{"app.example.com", "ftp://files.example.com", "https://app.example.com/path", "https://user@app.example.com", "https://x:1:*", "https://app.example.com?x=1", "https://app.*.com", "https://*"} {
		t.Run(o, func(t *testing.T) {
			t.Parallel()
			_, err := httpx.NewCORS(httpx.CORSConfig{AllowedOrigins: []string{o}})
			require.ErrorContains(t, err, "scheme://host[:port]")
		})
	}
}

func TestParseOrigins(t *testing.T) {
	t.Parallel()
	require.Equal(t, []string{"https://a.example", "http://localhost:*"}, httpx.ParseOrigins(" https://a.example, ,http://localhost:* "))
	require.Nil(t, httpx.ParseOrigins(""))
}
