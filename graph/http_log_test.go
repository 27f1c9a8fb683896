package graph_test

import (
	"encoding/json"
	"net/url"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/modelarchitect/architect/internal/gid"
	"github.com/modelarchitect/architect/internal/testutil"
)

// TestLogHoldsNoSecrets signs up and logs in (also with a wrong password, a garbled body and a mutation
// over GET that carry the password, and a forged token), then reads everything the server logged: one line
// per request with its operation, outcome and viewer, and never a password, a token or a bearer header.
func TestLogHoldsNoSecrets(t *testing.T) {
	t.Parallel()
	s := testutil.NewServer(t, testutil.SQLite)
	const (
		email    = "secret-keeper@example.com"
		password = "correct-horse-battery-staple-9"
		wrong    = "wrong-horse-battery-staple-7"
		forged   = "eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiIxIn0.forged-signature-value"
	)
	type auth struct {
		Token string
		User  struct{ ID string }
	}
	var up struct{ SignUp auth }
	r := send(t, s.URL, postReq(graphqlBody(`mutation SignUp($e: String!, $p: String!) { signUp(input: {email: $e, password: $p}) { token user { id } } }`,
		map[string]any{"e": email, "p": password}), acceptGQL))
	dataOf(t, r, &up)
	logIn := `mutation LogIn($e: String!, $p: String!) { logIn(input: {email: $e, password: $p}) { token user { id } } }`
	var in struct{ LogIn auth }
	dataOf(t, send(t, s.URL, postReq(graphqlBody(logIn, map[string]any{"e": email, "p": password}), acceptGQL)), &in)
	failed := send(t, s.URL, postReq(graphqlBody(logIn, map[string]any{"e": email, "p": wrong}), acceptGQL))
	require.NotEmpty(t, failed.errors, "a wrong password is refused")
	garbled := send(t, s.URL, postReq(`{"query":"`+logIn+`","variables":{"e":"`+email+`","p":"`+password+`"`, acceptGQL))
	require.Equal(t, 400, garbled.status, "body: %s", garbled.body)
	overGET := send(t, s.URL, getReq(url.Values{"query": {logIn}, "variables": {`{"e":"` + email + `","p":"` + password + `"}`}}, acceptGQL))
	require.Equal(t, 405, overGET.status)
	var me struct{ Me struct{ ID string } }
	dataOf(t, send(t, s.URL, postReq(graphqlBody(`query Me { me { id } }`, nil), acceptGQL, bearerHeader(in.LogIn.Token)...)), &me)
	refused := send(t, s.URL, postReq(graphqlBody(`query Me { me { id } }`, nil), acceptGQL, bearerHeader(forged)...))
	require.Equal(t, 401, refused.status)

	log := s.Log.String()
	secrets := map[string]string{"password": password, "wrong password": wrong, "Bearer": "Bearer", "forged token": forged}
	for name, token := range map[string]string{"sign-up token": up.SignUp.Token, "log-in token": in.LogIn.Token} {
		secrets[name] = token
		parts := strings.Split(token, ".")
		require.Len(t, parts, 3, "a JWT")
		secrets[name+" signature"] = parts[2]
	}
	for name, secret := range secrets {
		require.NotContains(t, log, secret, "the log holds the %s", name)
	}

	// The log is not empty for want of lines: each request has one, with what an operator needs.
	type line struct {
		Operation, Outcome, Viewer string
		Status                     int
	}
	var lines []line
	for raw := range strings.SplitSeq(strings.TrimSpace(log), "\n") {
		var l struct {
			Msg       string `json:"msg"`
			Operation string `json:"operation"`
			Outcome   string `json:"outcome"`
			Viewer    string `json:"viewer"`
			RequestID string `json:"request_id"`
			Status    int    `json:"status"`
		}
		require.NoError(t, json.Unmarshal([]byte(raw), &l), "a JSON line: %s", raw)
		if l.Msg == "request" {
			require.NotEmpty(t, l.RequestID, raw)
			lines = append(lines, line{l.Operation, l.Outcome, l.Viewer, l.Status})
		}
	}
	rowID, err := gid.Decode(in.LogIn.User.ID)
	require.NoError(t, err)
	require.Equal(t, me.Me.ID, in.LogIn.User.ID)
	for _, want := range []line{
		{Operation: "SignUp", Outcome: "ok", Status: 200},
		{Operation: "LogIn", Outcome: "ok", Status: 200},
		{Operation: "Me", Outcome: "ok", Viewer: strconv.Itoa(rowID), Status: 200},
		{Operation: "Me", Outcome: "UNAUTHENTICATED", Status: 401}, // the forged token: refused
	} {
		require.Contains(t, lines, want, "%+v", lines)
	}
}

// TestRoutineLinesAtDebug: what happens every few seconds or on every page load — health checks, the
// playground's page and files, the job runner's own lines — is logged at debug level; API requests at info.
func TestRoutineLinesAtDebug(t *testing.T) {
	t.Parallel()
	s := testutil.NewServer(t, testutil.SQLite, testutil.ServerOptions{Env: map[string]string{"GRAPHQL_PLAYGROUND": "true"}})
	for _, path := range []string{"/healthz", "/", "/playground/playground.js"} {
		r := send(t, s.URL, rawRequest{method: "GET", path: path})
		require.Equal(t, 200, r.status, path)
	}
	s.Client("").MustDo(t, `query Ping { __typename }`, nil, nil)

	var levels map[string]string
	require.Eventually(t, func() bool { // the job runner logs from its own goroutines
		levels = map[string]string{}
		for raw := range strings.SplitSeq(strings.TrimSpace(s.Log.String()), "\n") {
			var l struct{ Level, Msg, Path string }
			require.NoError(t, json.Unmarshal([]byte(raw), &l), raw)
			switch {
			case l.Msg == "request":
				levels[l.Path] = l.Level
			case strings.HasPrefix(l.Msg, "River client") || strings.HasPrefix(l.Msg, "producer:"):
				levels["River: "+l.Msg] = l.Level
			}
		}
		return levels["River: River client started"] != ""
	}, 5*time.Second, 20*time.Millisecond, "the job runner logs its start")
	for k, level := range levels {
		want := "DEBUG"
		if k == "/graphql" {
			want = "INFO"
		}
		require.Equal(t, want, level, k)
	}
	require.Contains(t, levels, "/playground/playground.js")
}
