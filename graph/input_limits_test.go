package graph_test

import (
	"bytes"
	"encoding/base64"
	"encoding/json"
	"fmt"
	"mime/multipart"
	"net/http"
	"net/url"
	"strings"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/modelarchitect/architect/internal/testutil"
	"github.com/modelarchitect/architect/internal/viewer"
)

// TestInputLimits sends, on both backends, every kind of input that must not reach the database and checks
// that each is refused with a status, a code and the input or limit named, and that nothing was written.
func TestInputLimits(t *testing.T) {
	t.Parallel()
	eachBackend(t, func(t *testing.T, b testutil.Backend) {
		s := testutil.NewServer(t, b, testutil.ServerOptions{Env: map[string]string{"BENCHMARK_MAX_FILE_BYTES": "2048"}})
		u := s.SignUp(t, "limits@example.com", viewer.RolePro)
		auth := bearerHeader(u.Token)
		post := func(query string, vars map[string]any) rawRequest {
			return postReq(graphqlBody(query, vars), acceptModern, auth...)
		}
		const scenario = `mutation($n: String!, $budget: Decimal) { createScenario(input: {name: $n, config: {taskComplexity: LOW,
			dataVolume: 1, responseTimeSLA: 1000, inputTokens: 1, outputTokens: 1, monthlyBudget: $budget}}) { id } }`
		const scenarios = `query($a: Cursor, $w: ScenarioWhereInput) { scenarios(after: $a, where: $w) { totalCount } }`
		ids := func(n int) []any {
			out := make([]any, n)
			for i := range out {
				out[i] = fmt.Sprint(i + 1)
			}
			return out
		}
		nested := map[string]any{"nameContains": "x"}
		for range 1000 {
			nested = map[string]any{"not": nested}
		}
		var ors []any
		for i := range 20 {
			var terms []any
			for j := range 100 {
				terms = append(terms, map[string]any{"nameContains": fmt.Sprint(i, "-", j)})
			}
			ors = append(ors, map[string]any{"or": terms})
		}
		// A cursor that decodes (msgpack {"i": 1, "v": {"a": 1}}) but holds a map no connection makes.
		mapCursor := base64.RawStdEncoding.EncodeToString([]byte{0x82, 0xa1, 'i', 0x01, 0xa1, 'v', 0x81, 0xa1, 'a', 0x01})
		nameCursor := base64.RawStdEncoding.EncodeToString([]byte{0x82, 0xa1, 'i', 0x01, 0xa1, 'v', 0x91, 0xa1, 'a'})
		idCursor := base64.RawStdEncoding.EncodeToString([]byte{0x81, 0xa1, 'i', 0x01})

		cases := []struct {
			name          string
			req           rawRequest
			status        int
			code, field   string
			limit, inText string
		}{
			{name: "NUL in a variable", req: post(scenario, map[string]any{"n": "a\x00b"}),
				status: 422, code: "BAD_USER_INPUT", field: "input.name", limit: "nul", inText: "NUL"},
			{name: "NUL in a literal", req: post(`mutation { createScenario(input: {name: "a\u0000b", config: {taskComplexity: LOW,
				dataVolume: 1, responseTimeSLA: 1000, inputTokens: 1, outputTokens: 1}}) { id } }`, nil),
				status: 422, code: "BAD_USER_INPUT", field: "input.name", limit: "nul"},
			{name: "NUL in a sign-up e-mail", req: postReq(graphqlBody(`mutation($e: String!) { signUp(input: {email: $e, password: "password-123"}) { token } }`,
				map[string]any{"e": "nul\x00@example.com"}), acceptModern),
				status: 422, code: "BAD_USER_INPUT", field: "input.email", limit: "nul"},
			{name: "a Decimal as a JSON number with a fraction", req: post(scenario, map[string]any{"n": "x", "budget": json.Number("12.5")}),
				status: 200, code: "BAD_USER_INPUT", field: "input.config.monthlyBudget", inText: `as the string "12.5"`},
			{name: "a garbage cursor", req: post(scenarios, map[string]any{"a": "garbage"}),
				status: 422, code: "BAD_USER_INPUT", field: "after", inText: "endCursor"},
			{name: "a cursor of the wrong type", req: post(scenarios, map[string]any{"a": 7}),
				status: 422, code: "BAD_USER_INPUT", field: "after"},
			{name: "a cursor that holds no cursor value", req: post(scenarios, map[string]any{"a": mapCursor}),
				status: 422, code: "BAD_USER_INPUT", field: "after"},
			// entgql's eager loading of a connection under node read an undecodable cursor as a string and panicked.
			{name: "a garbage cursor under node", req: post(`query($id: ID!) { node(id: $id) { ... on User { scenarios(first: 2, after: "zz") { totalCount } } } }`,
				map[string]any{"id": u.ID}), status: 422, code: "BAD_USER_INPUT", field: "after", inText: "endCursor"},
			{name: "a garbage cursor under nodes", req: post(`query($id: ID!) { nodes(ids: [$id]) { ... on User { scenarios(last: 2, before: "zz") { totalCount } } } }`,
				map[string]any{"id": u.ID}), status: 422, code: "BAD_USER_INPUT", field: "before", inText: "endCursor"},
			// A cursor made under orderBy NAME (msgpack {"i": 1, "v": ["a"]}) given without it, and an id cursor given with it.
			{name: "a cursor of another orderBy", req: post(scenarios, map[string]any{"a": nameCursor}),
				status: 422, code: "BAD_USER_INPUT", field: "after", inText: "orderBy"},
			{name: "an id cursor under an orderBy", req: post(`query($a: Cursor) { scenarios(after: $a, orderBy: {field: NAME}) { totalCount } }`,
				map[string]any{"a": idCursor}), status: 422, code: "BAD_USER_INPUT", field: "after", inText: "orderBy"},
			{name: "a page size that is a string", req: post(`query($n: Int) { scenarios(first: $n) { totalCount } }`, map[string]any{"n": "2"}),
				status: 422, code: "BAD_USER_INPUT", field: "first", inText: "whole number"},
			{name: "first and last", req: post(`{ scenarios(first: 2, last: 2) { totalCount } }`, nil),
				status: 422, code: "BAD_USER_INPUT", field: "last", inText: "not both"},
			{name: "a where list of 70,000 values", req: post(scenarios, map[string]any{"w": map[string]any{"idIn": ids(70_000)}}),
				status: 422, code: "BAD_USER_INPUT", field: "where", limit: "filterList"},
			{name: "not nested 1,000 deep", req: post(scenarios, map[string]any{"w": nested}),
				status: 422, code: "BAD_USER_INPUT", field: "where", limit: "filterDepth"},
			{name: "2,000 conditions", req: post(scenarios, map[string]any{"w": map[string]any{"and": ors}}),
				status: 422, code: "BAD_USER_INPUT", field: "where", limit: "filterTerms"},
			{name: "nodes with 5,000 ids", req: post(`query($ids: [ID!]!) { nodes(ids: $ids) { id } }`, map[string]any{"ids": ids(5_000)}),
				status: 422, code: "BAD_USER_INPUT", field: "ids", limit: "nodes"},
			{name: "a body that is not UTF-8", req: postReq(`{"query": "{ me { name } }", "variables": {"x": "`+"\xff"+`"}}`, acceptModern, auth...),
				status: 400, code: "BAD_REQUEST", inText: "UTF-8"},
			{name: "a query string that is not UTF-8", req: rawRequest{method: http.MethodGet, path: "/graphql?query=%7B%20me%20%7B%20name%20%7D%20%7D&operationName=%FF",
				header: map[string]string{"Accept": acceptModern}}, status: 400, code: "BAD_REQUEST", inText: "UTF-8"},
			{name: "a system prompt over 256 KiB", req: post(`mutation($s: String!) { createBenchmark(input: {name: "b", models: ["openai/x"], system: $s,
				dataset: [{input: "hi", expected: "hi", assertion: CONTAINS}]}) { id } }`, map[string]any{"s": strings.Repeat("x", 300<<10)}),
				status: 200, code: "BAD_USER_INPUT", field: "system", inText: "at most 262,144"},
		}
		for _, tc := range cases {
			t.Run(tc.name, func(t *testing.T) {
				r := send(t, s.URL, tc.req)
				require.Equal(t, tc.status, r.status, "body: %.400s", r.body)
				require.Len(t, r.errors, 1, "body: %.400s", r.body)
				e := r.errors[0]
				require.Equal(t, tc.code, e.Code(), "%s", e.Message)
				if tc.field != "" {
					require.Equal(t, tc.field, e.Extensions["field"], "%s", e.Message)
				}
				if tc.limit != "" {
					require.Equal(t, tc.limit, e.Extensions["limit"], "%s", e.Message)
				}
				require.Contains(t, e.Message, tc.inText)
				require.NotContains(t, e.Message, "internal")
			})
		}

		t.Run("uploads", func(t *testing.T) {
			big := upload(t, s, u.Token, "big.jsonl", strings.Repeat(`{"input": "2+2?", "expected": "4", "assertion": "CONTAINS"}`+"\n", 100))
			require.Equal(t, http.StatusRequestEntityTooLarge, big.Status)
			require.Equal(t, "REQUEST_TOO_LARGE", big.Errors[0].Code())
			require.Contains(t, big.Errors[0].Message, "2048 bytes")

			nul := upload(t, s, u.Token, "nul.jsonl", `{"input": "2+2?\u0000", "expected": "4", "assertion": "CONTAINS"}`)
			require.Equal(t, "BAD_USER_INPUT", nul.Errors[0].Code())
			require.Equal(t, "datasetFile", nul.Errors[0].Extensions["field"])
			require.Contains(t, nul.Errors[0].Message, "NUL")

			var body bytes.Buffer
			w := multipart.NewWriter(&body)
			require.NoError(t, w.WriteField("operations", `{"query": "mutation { logOut }"}`))
			require.NoError(t, w.WriteField("not-the-map", `{}`))
			require.NoError(t, w.Close())
			req, err := http.NewRequest(http.MethodPost, s.URL+"/graphql", &body)
			require.NoError(t, err)
			req.Header.Set("Content-Type", w.FormDataContentType())
			r := roundTrip(t, req)
			require.Equal(t, http.StatusBadRequest, r.status, "%s", r.body)
			require.Equal(t, "BAD_REQUEST", r.firstCode())
			require.Contains(t, r.errors[0].Message, `"map"`)
		})

		// Nothing of the above was written.
		var out struct {
			Scenarios, Benchmarks struct{ TotalCount int }
		}
		s.Client(u.Token).MustDo(t, `{ scenarios { totalCount } benchmarks { totalCount } }`, nil, &out)
		require.Zero(t, out.Scenarios.TotalCount)
		require.Zero(t, out.Benchmarks.TotalCount)
		r := send(t, s.URL, getReq(url.Values{"query": {`{ __typename }`}}, acceptModern))
		require.Equal(t, 200, r.status, "the server still answers")
	})
}

// An empty object inside where (in and, or or not) is the client's mistake, answered BAD_USER_INPUT on the
// where argument; an empty where at the top filters nothing, as before.
func TestEmptyWhereInside(t *testing.T) {
	t.Parallel()
	eachBackend(t, func(t *testing.T, b testutil.Backend) {
		s := testutil.NewServer(t, b)
		c := s.Client(s.SignUp(t, "where@example.com", viewer.RoleFree).Token)
		for _, q := range []string{`{ scenarios(where: {and: [{}]}) { totalCount } }`, `{ me { benchmarks(where: {not: {}}) { totalCount } } }`,
			`{ deployments(where: {or: [{modelNameContains: "x"}, {}]}) { totalCount } }`} {
			e := c.Err(t, q, nil)
			require.Equal(t, "BAD_USER_INPUT", e.Code(), q)
			require.Contains(t, e.Message, "empty object inside where", q)
		}
		c.MustDo(t, `{ scenarios(where: {}) { totalCount } }`, nil, nil)
	})
}
