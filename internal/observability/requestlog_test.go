package observability_test

import (
	"encoding/json"
	"net/http"
	"net/url"
	"strings"
	"testing"

	"github.com/stretchr/testify/require"
)

func mustJSON(t *testing.T, v any) string {
	t.Helper()
	b, err := json.Marshal(v)
	require.NoError(t, err)
	return string(b)
}

// TestRequestLogHasNoSecrets captures the log of sign-up and log-in requests — with the password in the
// variables, a bearer token and a cookie in the headers, a token in the response — and checks that each
// request left one line with its id, operation, duration, viewer and outcome, and that no secret is in it.
func TestRequestLogHasNoSecrets(t *testing.T) {
	t.Parallel()
	signUp := mustJSON(t, map[string]any{
		"query":     "mutation SignUp($input: SignUpInput!) { signUp(input: $input) { token user { id email } } }",
		"variables": map[string]any{"input": map[string]any{"email": "ada@example.com", "password": password, "name": "Ada"}},
	})
	logIn := func(pw string) string {
		return mustJSON(t, map[string]any{
			"query":         "mutation LogIn($email: String!, $password: String!) { logIn(email: $email, password: $password) { token } }",
			"operationName": "LogIn",
			"variables":     map[string]any{"email": "ada@example.com", "password": pw},
		})
	}
	authHeaders := map[string]string{"Authorization": "Bearer " + bearerToken, "Cookie": "session=" + cookieValue}
	tests := []struct {
		name      string
		call      call
		operation string
		opType    string
		viewer    string
		outcome   string
		status    float64
	}{
		{name: "sign-up", call: graphqlPost(signUp, nil), operation: "SignUp", opType: "mutation", outcome: "ok", status: 200},
		{name: "log-in with a bearer token and a cookie", call: graphqlPost(logIn(password), authHeaders),
			operation: "LogIn", opType: "mutation", viewer: "42", outcome: "ok", status: 200},
		{name: "failed log-in", call: graphqlPost(logIn("wrong"), nil), operation: "LogIn", opType: "mutation", outcome: "UNAUTHENTICATED", status: 200},
		{name: "GET with a secret in the query string", call: call{method: http.MethodGet, headers: authHeaders,
			path: "/graphql?" + url.Values{"query": {"query Me($p: String) { me { id } echo(text: $p) }"}, "variables": {`{"p":"` + password + `"}`}}.Encode()},
			operation: "Me", opType: "query", viewer: "42", outcome: "ok", status: 200},
		{name: "document that does not validate", call: graphqlPost(`{"query":"query Broken { nope }","operationName":"Broken"}`, nil),
			operation: "Broken", opType: "query", outcome: "GRAPHQL_VALIDATION_FAILED", status: 422},
		{name: "not GraphQL", call: call{method: http.MethodGet, path: "/boom"}, outcome: "server_error", status: 502},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			b := setup(t, false)
			status, id := b.do(t, tc.call)
			require.EqualValues(t, tc.status, status)

			lines := b.log.lines(t)
			require.Len(t, lines, 1, "one line per request")
			l := lines[0]
			require.Equal(t, "request", l["msg"])
			require.NotEmpty(t, id)
			require.Equal(t, id, l["request_id"])
			require.Equal(t, tc.call.method, l["method"])
			require.Equal(t, tc.status, l["status"])
			require.Contains(t, l, "duration_ms")
			require.GreaterOrEqual(t, l["duration_ms"].(float64), 0.0)
			require.Equal(t, tc.outcome, l["outcome"])
			if tc.operation != "" {
				require.Equal(t, tc.operation, l["operation"])
				require.Equal(t, tc.opType, l["operation_type"])
			} else {
				require.NotContains(t, l, "operation")
			}
			if tc.viewer != "" {
				require.Equal(t, tc.viewer, l["viewer"])
			} else {
				require.NotContains(t, l, "viewer")
			}
			if tc.status >= 500 {
				require.Equal(t, "ERROR", l["level"])
			}

			all := b.log.String()
			for _, secret := range []string{password, issuedToken, bearerToken, cookieValue, "Bearer", "ada@example.com", "variables"} {
				require.NotContains(t, all, secret)
			}
		})
	}
}

func TestRequestLogRequestID(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name  string
		given string
		keep  bool
	}{
		{name: "a proxy's id is kept", given: "lb-7f3a-91", keep: true},
		{name: "no id: one is made", given: ""},
		{name: "an id with spaces is replaced", given: "a b"},
		{name: "an id over 64 characters is replaced", given: strings.Repeat("a", 65)},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			b := setup(t, false)
			_, id := b.do(t, call{method: http.MethodGet, path: "/healthz", headers: map[string]string{"X-Request-Id": tc.given}})
			if tc.keep {
				require.Equal(t, tc.given, id)
			} else {
				require.Regexp(t, `^[0-9a-f]{16}$`, id)
			}
			l := b.log.lines(t)[0]
			require.Equal(t, id, l["request_id"])
			require.Equal(t, "DEBUG", l["level"], "health checks are quiet")
		})
	}
}
