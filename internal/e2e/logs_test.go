package e2e

import (
	"encoding/json"
	"net/http"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/stretchr/testify/require"
)

// TestServeLogIsJSONWithoutSecrets reads everything `architect serve` wrote to its output with
// LOG_FORMAT=json while clients signed up and logged in, also with a wrong password, with bodies carrying the
// password that are not valid JSON or are batches (over both HTTP transports: plain JSON, and the
// server-sent events one that urql's Accept header selects), and with a bearer token: every line is a JSON
// log record, none holds a password, a token or a bearer header, and nothing panicked. Unlike the in-process
// log test (graph), this sees what libraries print through the standard library's log package.
func TestServeLogIsJSONWithoutSecrets(t *testing.T) {
	t.Parallel()
	if testing.Short() {
		t.Skip("starts a server process")
	}
	r := startReplica(t, nil)
	const (
		password = "correct-horse-battery-staple-9"
		wrong    = "wrong-horse-battery-staple-7"
		urqlSSE  = "application/graphql-response+json, application/graphql+json, application/json, text/event-stream, multipart/mixed"
	)
	logIn := `mutation LogIn($e: String!, $p: String!) { logIn(input: {email: $e, password: $p}) { token } }`
	vars := `{"e":"logs@example.com","p":"` + password + `"}`
	r.client("").MustDo(t, `mutation($e: String!, $p: String!) { signUp(input: {email: $e, password: $p}) { token } }`,
		map[string]any{"e": "logs@example.com", "p": password}, nil)
	var in struct{ LogIn struct{ Token string } }
	r.client("").MustDo(t, logIn, map[string]any{"e": "logs@example.com", "p": password}, &in)
	token := in.LogIn.Token
	require.NotEmpty(t, r.client("").Do(t, logIn, map[string]any{"e": "logs@example.com", "p": wrong}).Errors)

	query, _ := json.Marshal(logIn)
	for _, req := range []struct{ accept, body string }{
		{"application/graphql-response+json", `{"query":` + string(query) + `,"variables":` + vars}, // cut short
		{urqlSSE, `{"query":` + string(query) + `,"variables":` + vars},                             // cut short
		{urqlSSE, `[{"query":` + string(query) + `,"variables":` + vars + `}]`},                     // a batch
		{"text/event-stream", `{"query":` + string(query) + `,"variables":` + vars + `,}`},          // a stray comma
		{urqlSSE, `{"query":"mutation { createScenario(input: {name: \"sse\", config: {taskComplexity: LOW, ` + // runs
			`dataVolume: 1, responseTimeSLA: 1000, inputTokens: 1, outputTokens: 1}}) { id } }"}`},
	} {
		hr, err := http.NewRequest(http.MethodPost, r.url+"/graphql", strings.NewReader(req.body))
		require.NoError(t, err)
		hr.Header.Set("Content-Type", "application/json")
		hr.Header.Set("Accept", req.accept)
		hr.Header.Set("Authorization", "Bearer "+token)
		res, err := http.DefaultClient.Do(hr)
		require.NoError(t, err)
		res.Body.Close()
	}
	var me struct{ Me struct{ Email string } }
	r.client(token).MustDo(t, `query Me { me { email } }`, nil, &me)
	require.Equal(t, "logs@example.com", me.Me.Email)

	e := watchExit(t, r)
	require.NoError(t, r.cmd.Process.Signal(syscall.SIGTERM))
	select {
	case <-e.done:
	case <-time.After(shutdownTimeout):
		t.Fatal("the server did not exit")
	}
	out := r.logs.String()

	secrets := map[string]string{"password": password, "wrong password": wrong, "token": token, "bearer header": "Bearer"}
	secrets["token signature"] = token[strings.LastIndex(token, ".")+1:]
	for name, secret := range secrets {
		if i := strings.Index(out, secret); i >= 0 {
			t.Errorf("the output holds the %s: …%s…", name, out[max(0, i-200):min(len(out), i+100)])
		}
	}
	requests := 0
	for line := range strings.SplitSeq(strings.TrimSpace(out), "\n") {
		var rec struct {
			Level, Msg string
		}
		if err := json.Unmarshal([]byte(line), &rec); err != nil || rec.Level == "" || rec.Msg == "" {
			t.Errorf("with LOG_FORMAT=json every line is a JSON log record; this one is not: %.300s", line)
			continue
		}
		if strings.Contains(strings.ToLower(rec.Msg), "panic") {
			t.Errorf("the server panicked: %.300s", line)
		}
		if rec.Msg == "request" {
			requests++
		}
	}
	require.GreaterOrEqual(t, requests, 9, "one line per request")
}
