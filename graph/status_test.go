package graph_test

import (
	"net/http"
	"net/url"
	"strings"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/modelarchitect/architect/internal/testutil"
	"github.com/modelarchitect/architect/internal/viewer"
)

// TestStatusCodeRule is the status-code rule of docs/guide/protocol.md as a table, for both response media types: an
// operation that ran answers 200 whatever its errors (data is present, null when a root field failed, as
// GraphQL over HTTP requires); a request that did not run answers the status of its first error's code.
// 503 UNAVAILABLE with Retry-After (the database could not be reached before anything ran) is checked by
// TestDatabaseOutageIsNotAnAuthFailure.
func TestStatusCodeRule(t *testing.T) {
	t.Parallel()
	s := testutil.NewServer(t, testutil.SQLite, testutil.ServerOptions{Env: map[string]string{"LOGIN_MAX_FAILURES": "1"}})
	free := s.SignUp(t, "status@example.com", viewer.RoleFree)
	tok := bearerHeader(free.Token)
	q := func(query string, extra ...string) rawRequest { return postReq(graphqlBody(query, nil), "", extra...) }
	logIn := `mutation { logIn(input: {email: "status@example.com", password: "wrong-password"}) { token } }`
	send(t, s.URL, q(logIn)) // one failure: the next log-in is refused

	cases := []struct {
		name   string
		req    rawRequest
		status int
		code   string // of the first error; "" for none
		data   bool   // the body has a data entry
	}{
		{"ran, no error", q(`{ me { email } }`, tok...), 200, "", true},
		{"ran: UNAUTHENTICATED in a field", q(`{ scenarios { totalCount } }`), 200, "UNAUTHENTICATED", true},
		{"ran: FORBIDDEN (the role is too low)", q(`mutation { createExperiment(input: {name: "e", models: ["a", "b"], metrics: {primary: {name: "m", kind: BINARY}}}) { id } }`, tok...), 200, "FORBIDDEN", true},
		{"ran: BAD_USER_INPUT", q(`mutation { createScenario(input: {name: "x", config: {taskComplexity: LOW, dataVolume: 0, responseTimeSLA: 0, inputTokens: 1, outputTokens: 1}}) { id } }`, tok...), 200, "BAD_USER_INPUT", true},
		{"ran: NOT_FOUND", q(`mutation { deleteScenario(id: "U2NlbmFyaW86MjU3Njk4MDM3Nzc") }`, tok...), 200, "NOT_FOUND", true},
		{"ran: RATE_LIMITED", q(logIn), 200, "RATE_LIMITED", true},
		{"not run: unreadable JSON", postReq(`{"query":`, ""), 400, "BAD_REQUEST", false},
		{"not run: parse failure", q(`{ me { `), 400, "GRAPHQL_PARSE_FAILED", false},
		{"not run: validation failure", q(`{ me { nope } }`), 422, "GRAPHQL_VALIDATION_FAILED", false},
		{"not run: an input limit", q(`{ nodes(ids: [` + strings.Repeat(`"1",`, 101) + `]) { id } }`), 422, "BAD_USER_INPUT", false},
		{"not run: a mutation over GET", rawRequest{method: http.MethodGet, path: "/graphql?" + url.Values{"query": {"mutation { logOut }"}}.Encode(),
			header: map[string]string{}}, 405, "METHOD_NOT_ALLOWED", false},
		{"not run: a body that is not JSON", rawRequest{header: map[string]string{"Content-Type": "text/plain"}, body: "{ me { id } }"}, 415, "UNSUPPORTED_MEDIA_TYPE", false},
		{"not run: too large", postReq(bytesOf(3<<20), ""), 413, "REQUEST_TOO_LARGE", false},
	}
	for _, media := range []string{acceptGQL, acceptJSON} {
		for _, tc := range cases {
			t.Run(media+"/"+tc.name, func(t *testing.T) {
				req := tc.req
				h := map[string]string{"Accept": media}
				for k, v := range req.header {
					h[k] = v
				}
				req.header = h
				r := send(t, s.URL, req)
				require.Equal(t, tc.status, r.status, "%.300s", r.body)
				require.Equal(t, tc.code, r.firstCode(), "%.300s", r.body)
				_, hasData := r.keys["data"]
				require.Equal(t, tc.data, hasData, "%.300s", r.body)
				want := gqlResponseJSON
				if media == acceptJSON && tc.status == 200 {
					want = legacyJSON
				}
				require.Equal(t, want, r.header.Get("Content-Type"))
			})
		}
	}
}
