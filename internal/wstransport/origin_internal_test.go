package wstransport

import (
	"net/http"
	"strings"
	"testing"

	"github.com/stretchr/testify/require"
)

func TestOriginPolicy(t *testing.T) {
	t.Parallel()
	cases := []struct {
		name    string
		allowed []string
		host    string // the request's Host
		origin  string
		want    bool
	}{
		{"no Origin header", []string{"https://app.example.com"}, "api.example.com", "", true},
		{"exact", []string{"https://app.example.com"}, "api.example.com", "https://app.example.com", true},
		{"exact, other case", []string{"https://App.Example.com/"}, "api.example.com", "https://app.EXAMPLE.com", true},
		{"default port written out", []string{"https://app.example.com"}, "api.example.com", "https://app.example.com:443", true},
		{"other port", []string{"https://app.example.com"}, "api.example.com", "https://app.example.com:8443", false},
		{"explicit port", []string{"http://localhost:5173"}, "localhost:8080", "http://localhost:5173", true},
		{"wildcard one level", []string{"https://*.example.com"}, "api.example.com", "https://eu.example.com", true},
		{"wildcard two levels", []string{"https://*.example.com"}, "api.example.com", "https://a.b.example.com", true},
		{"wildcard not the apex", []string{"https://*.example.com"}, "api.example.com", "https://example.com", false},
		{"wildcard suffix trick", []string{"https://*.example.com"}, "api.example.com", "https://evilexample.com", false},
		{"wildcard other scheme", []string{"https://*.example.com"}, "api.example.com", "http://eu.example.com", false},
		{"star allows all", []string{"*"}, "api.example.com", "https://anything.test", true},
		{"same origin by default", nil, "api.example.com", "https://api.example.com", true},
		{"same origin with port", nil, "localhost:8080", "http://localhost:8080", true},
		{"same origin, IPv6", nil, "[::1]:8080", "http://[::1]:8080", true},
		{"cross origin by default", nil, "api.example.com", "https://evil.test", false},
		{"null", nil, "api.example.com", "null", false},
		{"garbage", []string{"https://app.example.com"}, "api.example.com", "%%%", false},
		{"an Origin with a wildcard", []string{"https://*.example.com"}, "api.example.com", "https://*.example.com", false},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			p, err := parseOrigins(tc.allowed)
			require.NoError(t, err)
			r, err := http.NewRequest(http.MethodGet, "http://"+tc.host+"/graphql", nil)
			require.NoError(t, err)
			if tc.origin != "" {
				r.Header.Set("Origin", tc.origin)
			}
			require.Equal(t, tc.want, p.allowed(r))
		})
	}
}

func TestEncode(t *testing.T) {
	t.Parallel()
	cases := []struct {
		name, typ, id string
		payload       []byte
		want          string
	}{
		{"bare", "connection_ack", "", nil, `{"type":"connection_ack"}`},
		{"id is escaped", "complete", `a"b</`, nil, `{"type":"complete","id":"a\"b\u003c/"}`},
		{"payload verbatim", "next", "1", []byte(`{"data":{"x":1}}`), `{"type":"next","id":"1","payload":{"data":{"x":1}}}`},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			require.Equal(t, tc.want, string(encode(tc.typ, tc.id, tc.payload)))
		})
	}
}

func TestCloseReason(t *testing.T) {
	t.Parallel()
	cases := []struct {
		name, in, want string
	}{
		{"short", "Unauthorized", "Unauthorized"},
		{"123 bytes kept", strings.Repeat("a", 123), strings.Repeat("a", 123)},
		{"124 bytes cut", strings.Repeat("a", 124), strings.Repeat("a", 123)},
		// 122 ASCII bytes then a 3-byte rune: the rune does not fit whole and goes.
		{"rune boundary", strings.Repeat("a", 122) + "€", strings.Repeat("a", 122)},
		{"invalid UTF-8 replaced", "a\xffb", "a?b"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			require.Equal(t, tc.want, closeReason(tc.in))
		})
	}
}
