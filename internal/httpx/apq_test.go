package httpx_test

import (
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"net/url"
	"testing"

	"github.com/stretchr/testify/require"
)

func sha(query string) string {
	s := sha256.Sum256([]byte(query))
	return hex.EncodeToString(s[:])
}

func persisted(hash string) string {
	return `{"persistedQuery":{"version":1,"sha256Hash":"` + hash + `"}}`
}

// TestPersistedQueries plays Apollo Client's persisted-query link against gqlgen's
// extension.AutomaticPersistedQuery behind the Transport: the hash alone misses with PersistedQueryNotFound,
// the client resends hash and query, and later the hash alone hits, over POST and over GET (the link's
// useGETForHashedQueries).
func TestPersistedQueries(t *testing.T) {
	t.Parallel()
	b := setup(t, options{})
	const query = "query Hello { hello }"
	hash := sha(query)
	postBody := func(withQuery bool, ext string) string {
		m := map[string]json.RawMessage{"extensions": json.RawMessage(ext)}
		if withQuery {
			m["query"], _ = json.Marshal(query)
		}
		raw, _ := json.Marshal(m)
		return string(raw)
	}
	steps := []struct {
		name   string
		req    request
		status int
		data   string
		code   string
		msg    string
	}{
		{name: "1. GET hash alone misses", req: get(q(url.Values{"extensions": {persisted(hash)}}), modern),
			status: 200, code: "PERSISTED_QUERY_NOT_FOUND", msg: "PersistedQueryNotFound"},
		{name: "2. POST hash alone misses", req: jsonPost(postBody(false, persisted(hash)), modern),
			status: 200, code: "PERSISTED_QUERY_NOT_FOUND", msg: "PersistedQueryNotFound"},
		{name: "3. POST hash and query registers and runs", req: jsonPost(postBody(true, persisted(hash)), modern),
			status: 200, data: `{"hello":"world"}`},
		{name: "4. POST hash alone hits", req: jsonPost(postBody(false, persisted(hash)), modern),
			status: 200, data: `{"hello":"world"}`},
		{name: "5. GET hash alone hits", req: get(q(url.Values{"extensions": {persisted(hash)}, "operationName": {"Hello"}}), modern),
			status: 200, data: `{"hello":"world"}`},
		{name: "a hash that is not the query's is refused", req: jsonPost(postBody(true, persisted(sha("{ other }"))), modern),
			status: 422, msg: "provided APQ hash does not match query"},
		{name: "an unknown version is refused", req: jsonPost(postBody(false, `{"persistedQuery":{"version":2,"sha256Hash":"`+hash+`"}}`), modern),
			status: 422, msg: "unsupported APQ version"},
	}
	for _, s := range steps { // in order: each step depends on the ones before
		t.Run(s.name, func(t *testing.T) {
			res := b.do(t, s.req)
			require.Equal(t, s.status, res.status, "errors: %+v", res.errors)
			if s.data != "" {
				require.Empty(t, res.errors)
				require.JSONEq(t, s.data, string(res.raw["data"]))
				return
			}
			require.NotContains(t, res.raw, "data")
			require.Len(t, res.errors, 1)
			require.Equal(t, s.msg, res.errors[0].Message)
			if s.code != "" {
				require.Equal(t, s.code, res.errors[0].Extensions["code"])
				require.Equal(t, "private, no-cache, must-revalidate", res.header.Get("Cache-Control"))
			}
		})
	}
}

// TestPersistedMutationOverGET checks that a registered mutation cannot be run by its hash over GET.
func TestPersistedMutationOverGET(t *testing.T) {
	t.Parallel()
	b := setup(t, options{})
	const mutation = "mutation Bump { bump }"
	res := b.do(t, jsonPost(`{"query":"`+mutation+`","extensions":`+persisted(sha(mutation))+`}`, modern))
	require.Equal(t, 200, res.status)
	require.EqualValues(t, 1, b.mutations.Load())

	res = b.do(t, get(q(url.Values{"extensions": {persisted(sha(mutation))}}), modern))
	require.Equal(t, 405, res.status)
	require.Equal(t, "POST", res.header.Get("Allow"))
	require.EqualValues(t, 1, b.mutations.Load(), "the GET must not run the mutation")
}
