package graph_test

import (
	"bufio"
	"encoding/json"
	"net/http"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/golang-jwt/jwt/v5"
	"github.com/gorilla/websocket"
	"github.com/stretchr/testify/require"

	"github.com/modelarchitect/architect/internal/testutil"
	"github.com/modelarchitect/architect/internal/viewer"
)

// staleTokens are Authorization headers a client may still hold: each is refused, with its reason in the
// message.
type staleToken struct {
	name, header, reason string
}

func staleTokens(t *testing.T, s *testutil.Server) []staleToken {
	t.Helper()
	u := s.SignUp(t, "stale@example.com", viewer.RoleFree)
	expired, err := jwt.NewWithClaims(jwt.SigningMethodHS256, jwt.MapClaims{"sub": itoa(u.RowID), "ver": 0,
		"iss": "model-architect", "aud": "model-architect-api",
		"iat": time.Now().Add(-2 * time.Hour).Unix(), "exp": time.Now().Add(-time.Hour).Unix()}).SignedString([]byte(testutil.TestSecret))
	require.NoError(t, err)
	out := s.SignUp(t, "logged-out@example.com", viewer.RoleFree)
	s.Client(out.Token).MustDo(t, `mutation { logOut }`, nil, nil)
	return []staleToken{
		{"expired", "Bearer " + expired, "the token has expired"},
		{"revoked by log-out", "Bearer " + out.Token, "the token was revoked (log-out, password or role change)"},
		{"invalid", "Bearer not.a.token", "the token is invalid"},
		{"not a bearer token", "Basic dXNlcjpwYXNz", "the Authorization header is not a bearer token"},
	}
}

// post sends query with the Authorization header auth (none when empty).
func post(t *testing.T, s *testutil.Server, auth, query string, vars map[string]any) rawResponse {
	t.Helper()
	body, err := json.Marshal(map[string]any{"query": query, "variables": vars})
	require.NoError(t, err)
	h := map[string]string{"Content-Type": "application/json", "Accept": acceptModern}
	if auth != "" {
		h["Authorization"] = auth
	}
	return send(t, s.URL, rawRequest{header: h, body: string(body)})
}

// requireRefused checks a whole request refused for its token: 401 with WWW-Authenticate, no data, one
// UNAUTHENTICATED error that names the reason and says what to do.
func requireRefused(t *testing.T, r rawResponse, reason string) {
	t.Helper()
	require.Equal(t, http.StatusUnauthorized, r.status, "body %s", r.body)
	require.Equal(t, "Bearer", r.header.Get("WWW-Authenticate"))
	require.NotContains(t, r.keys, "data", "the operation did not run")
	require.Len(t, r.errors, 1)
	require.Equal(t, "UNAUTHENTICATED", r.errors[0].Code())
	require.Equal(t, reason+": send Authorization: Bearer <token> with a token from logIn or signUp, "+
		"or no Authorization header at all to call public fields anonymously", r.errors[0].Message)
}

// TestStaleTokenIsRefused: an expired, revoked or invalid token (or a header that is not a bearer token) is
// refused for the whole request with 401 UNAUTHENTICATED — on public fields too, where running the request
// as an anonymous caller's would answer me: null as if the client had signed out — except for operations
// made only of logIn and signUp, which a client holding a stale token must still be able to send. No
// token at all is an anonymous caller.
func TestStaleTokenIsRefused(t *testing.T) {
	t.Parallel()
	s := testutil.NewServer(t, testutil.SQLite)
	s.SignUp(t, "known@example.com", viewer.RoleFree)
	stale := staleTokens(t, s)

	refused := []struct{ name, query string }{
		{"a public field", `query Me { me { email } }`},
		{"__typename alone", `{ __typename }`},
		{"a guarded field", `{ scenarios { totalCount } }`},
		{"logIn beside another field", `mutation { logIn(input: {email: "known@example.com", password: "password-123"}) { token } logOut }`},
	}
	for _, tok := range stale {
		t.Run(tok.name, func(t *testing.T) {
			t.Parallel()
			for _, tc := range refused {
				t.Run(tc.name, func(t *testing.T) {
					requireRefused(t, post(t, s, tok.header, tc.query, nil), tok.reason)
				})
			}
			t.Run("over GET", func(t *testing.T) {
				requireRefused(t, send(t, s.URL, rawRequest{method: http.MethodGet,
					path:   "/graphql?query=" + url.QueryEscape(`{ me { email } }`),
					header: map[string]string{"Accept": acceptModern, "Authorization": tok.header}}), tok.reason)
			})
			t.Run("a subscription over server-sent events", func(t *testing.T) {
				body, _ := json.Marshal(map[string]any{"query": `subscription { benchmarkUpdated(id: "x") { id } }`})
				r := send(t, s.URL, rawRequest{body: string(body), header: map[string]string{
					"Content-Type": "application/json", "Accept": "text/event-stream", "Authorization": tok.header}})
				requireRefused(t, r, tok.reason)
			})
			t.Run("logIn alone ignores the header", func(t *testing.T) {
				r := post(t, s, tok.header, `mutation LogIn($e: String!) { logIn(input: {email: $e, password: "password-123"}) { token user { email } } }`,
					map[string]any{"e": "known@example.com"})
				require.Equal(t, http.StatusOK, r.status, "body %s", r.body)
				require.Empty(t, r.errors)
				require.Contains(t, string(r.keys["data"]), `"email":"known@example.com"`)
			})
			t.Run("signUp and logIn through fragments ignore the header", func(t *testing.T) {
				email := strings.ReplaceAll(tok.name, " ", "-") + "@example.com"
				r := post(t, s, tok.header, `mutation Join($e: String!) { ...Up ... on Mutation { __typename logIn(input: {email: "known@example.com", password: "password-123"}) { token } } }
					fragment Up on Mutation { signUp(input: {email: $e, password: "password-123"}) { user { email } } }`,
					map[string]any{"e": email})
				require.Equal(t, http.StatusOK, r.status, "body %s", r.body)
				require.Empty(t, r.errors)
				require.Contains(t, string(r.keys["data"]), `"email":"`+email+`"`)
			})
		})
	}

	t.Run("no token is an anonymous caller", func(t *testing.T) {
		t.Parallel()
		r := post(t, s, "", `{ me { email } }`, nil)
		require.Equal(t, http.StatusOK, r.status)
		require.Empty(t, r.errors)
		require.JSONEq(t, `{"me": null}`, string(r.keys["data"]))
	})
}

// TestStaleUpgradeHeaderWithGoodSocketToken: a websocket authenticates with its connection_init payload;
// a stale token in the upgrade request's Authorization header does not refuse the operations the socket runs
// as the payload's user.
func TestStaleUpgradeHeaderWithGoodSocketToken(t *testing.T) {
	t.Parallel()
	s := testutil.NewServer(t, testutil.SQLite)
	u := s.SignUp(t, "socket@example.com", viewer.RoleFree)
	d := websocket.Dialer{Subprotocols: []string{testutil.TransportWS}, HandshakeTimeout: 5 * time.Second}
	conn, res, err := d.Dial("ws"+strings.TrimPrefix(s.URL, "http")+"/graphql", http.Header{"Authorization": {"Bearer not.a.token"}})
	require.NoError(t, err)
	res.Body.Close()
	t.Cleanup(func() { _ = conn.Close() })
	write := func(v string) { require.NoError(t, conn.WriteMessage(websocket.TextMessage, []byte(v))) }
	read := func() map[string]any {
		require.NoError(t, conn.SetReadDeadline(time.Now().Add(5*time.Second)))
		_, raw, err := conn.ReadMessage()
		require.NoError(t, err)
		var m map[string]any
		require.NoError(t, json.NewDecoder(bufio.NewReader(strings.NewReader(string(raw)))).Decode(&m))
		return m
	}
	write(`{"type":"connection_init","payload":{"authorization":"Bearer ` + u.Token + `"}}`)
	require.Equal(t, "connection_ack", read()["type"])
	write(`{"type":"subscribe","id":"1","payload":{"query":"{ me { email } }"}}`)
	m := read()
	require.Equal(t, "next", m["type"], "message %v", m)
	require.Equal(t, map[string]any{"data": map[string]any{"me": map[string]any{"email": u.Email}}}, m["payload"])
}
