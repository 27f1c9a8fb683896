package graph_test

import (
	"encoding/json"
	"net/url"
	"strconv"
	"strings"
	"testing"

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
	anon := send(t, s.URL, postReq(graphqlBody(`query Me { me { id } }`, nil), acceptGQL, bearerHeader(forged)...))
	require.Equal(t, 200, anon.status)

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
		{Operation: "Me", Outcome: "ok", Status: 200}, // the forged token: anonymous, and me is null
	} {
		require.Contains(t, lines, want, "%+v", lines)
	}
}
