package graph_test

import (
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"net/url"
	"strings"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/modelarchitect/architect/internal/testutil"
	"github.com/modelarchitect/architect/internal/viewer"
)

// apolloAccept is the Accept header Apollo Client 4's HttpLink sends (link/http/selectHttpOptionsAndBody.js).
const apolloAccept = "application/graphql-response+json,application/json;q=0.9"

func sha256Hex(s string) string {
	sum := sha256.Sum256([]byte(s))
	return hex.EncodeToString(sum[:])
}

// apq is one operation as Apollo Client's persisted-query link sends it: the extension
// {"persistedQuery":{"version":1,"sha256Hash":…}}, with the query text only after a miss.
type apq struct {
	name, query string
	vars        map[string]any
	token       string
}

func (a apq) extensions() string {
	return `{"persistedQuery":{"version":1,"sha256Hash":"` + sha256Hex(a.query) + `"}}`
}

// post sends the operation as a JSON POST, with or without its query text.
func (a apq) post(t *testing.T, base string, withQuery bool) rawResponse {
	t.Helper()
	fields := map[string]any{"operationName": a.name, "variables": a.vars, "extensions": json.RawMessage(a.extensions())}
	if withQuery {
		fields["query"] = a.query
	}
	return send(t, base, postReq(jsonBody(t, fields), apolloAccept, bearerHeader(a.token)...))
}

// get sends the hash alone as a GET, as the link does with useGETForHashedQueries.
func (a apq) get(t *testing.T, base string) rawResponse {
	t.Helper()
	vars, err := json.Marshal(a.vars)
	require.NoError(t, err)
	req := getReq(url.Values{"operationName": {a.name}, "variables": {string(vars)}, "extensions": {a.extensions()}}, apolloAccept)
	req.header["Authorization"] = "Bearer " + a.token
	return send(t, base, req)
}

// requireMiss checks the answer the link recognises as a miss (by message or code) and retries after: 200, so
// that Apollo Client does not give up on persisted queries, and not cacheable.
func requireMiss(t *testing.T, r rawResponse) {
	t.Helper()
	require.Equal(t, 200, r.status, "body: %s", r.body)
	require.Len(t, r.errors, 1, "body: %s", r.body)
	require.Equal(t, "PersistedQueryNotFound", r.errors[0].Message)
	require.Equal(t, "PERSISTED_QUERY_NOT_FOUND", r.errors[0].Code())
	require.NotContains(t, r.keys, "data")
	require.Contains(t, r.header.Get("Cache-Control"), "no-cache")
}

func requireHit(t *testing.T, r rawResponse, want string) {
	t.Helper()
	require.Equal(t, 200, r.status, "body: %s", r.body)
	require.Empty(t, r.errors, "body: %s", r.body)
	require.JSONEq(t, want, string(r.keys["data"]))
}

// TestPersistedQueries plays Apollo Client's persisted-query link against the real server: the hash alone
// misses with PersistedQueryNotFound, the link sends hash and query (always by POST), and from then on the
// hash alone runs the query, by POST or, with useGETForHashedQueries, by GET.
func TestPersistedQueries(t *testing.T) {
	t.Parallel()
	s := testutil.NewServer(t, testutil.SQLite)
	u := s.SignUp(t, "apq@example.com", viewer.RoleFree)

	t.Run("POST", func(t *testing.T) {
		t.Parallel()
		op := apq{name: "Count", query: "query Count($n: Int) { scenarios(first: $n) { totalCount } }", vars: map[string]any{"n": 2}, token: u.Token}
		requireMiss(t, op.post(t, s.URL, false))
		requireHit(t, op.post(t, s.URL, true), `{"scenarios":{"totalCount":0}}`)
		requireHit(t, op.post(t, s.URL, false), `{"scenarios":{"totalCount":0}}`)
	})
	t.Run("GET for hashed queries", func(t *testing.T) {
		t.Parallel()
		op := apq{name: "Me", query: "query Me { me { email } }", vars: map[string]any{}, token: u.Token}
		requireMiss(t, op.get(t, s.URL))
		requireHit(t, op.post(t, s.URL, true), `{"me":{"email":"apq@example.com"}}`)
		requireHit(t, op.get(t, s.URL), `{"me":{"email":"apq@example.com"}}`)
		requireHit(t, op.get(t, s.URL), `{"me":{"email":"apq@example.com"}}`)
	})
	t.Run("a hash that is not the query's is refused", func(t *testing.T) {
		t.Parallel()
		op := apq{name: "Me", query: "query Me { me { id } }", token: u.Token}
		fields := map[string]any{"query": "query Me { me { email } }", "extensions": json.RawMessage(op.extensions())}
		r := send(t, s.URL, postReq(jsonBody(t, fields), apolloAccept, bearerHeader(u.Token)...))
		require.Equal(t, 422, r.status, "body: %s", r.body)
		require.Contains(t, r.errors[0].Message, "hash does not match")
		requireMiss(t, op.post(t, s.URL, false))
	})
	t.Run("a query over the length limit is not stored", func(t *testing.T) {
		t.Parallel()
		// GRAPHQL_MAX_QUERY_BYTES is unset: 64 KiB. A comment makes the text long without making it costly.
		op := apq{name: "Long", query: "query Long { __typename }\n#" + strings.Repeat("x", 70_000), token: u.Token}
		r := op.post(t, s.URL, true)
		require.Equal(t, 422, r.status, "body: %.300s", r.body)
		require.Equal(t, "queryBytes", r.errors[0].Extensions["limit"])
		requireMiss(t, op.post(t, s.URL, false))
	})
}
