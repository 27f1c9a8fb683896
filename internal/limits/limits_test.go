package limits_test

import (
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"net/http"
	"net/http/httptest"
	"os"
	"strings"
	"testing"

	"github.com/99designs/gqlgen/graphql"
	"github.com/99designs/gqlgen/graphql/handler"
	"github.com/99designs/gqlgen/graphql/handler/extension"
	"github.com/99designs/gqlgen/graphql/handler/lru"
	"github.com/99designs/gqlgen/graphql/handler/transport"
	"github.com/stretchr/testify/require"
	"github.com/vektah/gqlparser/v2/ast"

	"github.com/modelarchitect/architect/internal/limits"
)

type testBundle struct {
	url string
}

// setup serves the test schema with the limits and APQ installed in the order the server uses. Resolvers
// are not needed: an operation that passes the limits answers {"data":{"ok":true}}.
func setup(t *testing.T, cfg limits.Config) testBundle {
	t.Helper()
	s := loadSchema(t)
	srv := handler.New(&graphql.ExecutableSchemaMock{
		SchemaFunc: func() *ast.Schema { return s },
		ExecFunc: func(context.Context) graphql.ResponseHandler {
			return graphql.OneShot(&graphql.Response{Data: []byte(`{"ok":true}`)})
		},
	})
	srv.AddTransport(transport.POST{})
	srv.Use(limits.New(cfg))
	srv.Use(extension.AutomaticPersistedQuery{Cache: lru.New[string](100)})
	ts := httptest.NewServer(srv)
	t.Cleanup(ts.Close)
	return testBundle{url: ts.URL}
}

type gqlResponse struct {
	Data   json.RawMessage `json:"data"`
	Errors []struct {
		Message    string         `json:"message"`
		Extensions map[string]any `json:"extensions"`
	} `json:"errors"`
}

func (b testBundle) post(t *testing.T, body map[string]any) (int, gqlResponse) {
	t.Helper()
	raw, err := json.Marshal(body)
	require.NoError(t, err)
	res, err := http.Post(b.url, "application/json", bytes.NewReader(raw))
	require.NoError(t, err)
	defer res.Body.Close()
	var out gqlResponse
	require.NoError(t, json.NewDecoder(res.Body).Decode(&out))
	return res.StatusCode, out
}

func readQuery(t *testing.T, path string) string {
	t.Helper()
	b, err := os.ReadFile(path)
	require.NoError(t, err)
	return string(b)
}

func aliases(n int) string {
	var b strings.Builder
	b.WriteString("query Aliases {")
	for i := range n {
		fmt.Fprintf(&b, " a%d: me { id }", i)
	}
	b.WriteString(" }")
	return b.String()
}

const (
	deepQuery = `query Deep { me { scenarios(first: 1) { edges { node { owner { scenarios(first: 1) { edges { node { owner {
scenarios(first: 1) { edges { node { owner { id } } } } } } } } } } } } } }`
	// Four aliases per fragment, each spreading the next: 4 + 4×(4 + 4×4) = 84 aliases in a 3-fragment document.
	fanOutQuery = `query FanOut { me { ...L1 } }
fragment L1 on User { a: scenarios(first: 1) { edges { node { owner { ...L2 } } } } b: scenarios(first: 1) { edges { node { owner { ...L2 } } } }
  c: scenarios(first: 1) { edges { node { owner { ...L2 } } } } d: scenarios(first: 1) { edges { node { owner { ...L2 } } } } }
fragment L2 on User { a: scenarios(first: 1) { edges { node { owner { ...L3 } } } } b: scenarios(first: 1) { edges { node { owner { ...L3 } } } }
  c: scenarios(first: 1) { edges { node { owner { ...L3 } } } } d: scenarios(first: 1) { edges { node { owner { ...L3 } } } } }
fragment L3 on User { a: name b: name c: name d: name }`
	// V = 1 + 100×(1 + (1 + 1)) = 301; U's scenarios = 1 + 100×(1 + (1 + (1 + 301))) = 30 401;
	// users = 1 + 100×(1 + (1 + 30 401)) = 3 040 301.
	wideQuery = `query Wide { users(first: 100) { edges { node { ...U } } } }
fragment U on User { scenarios(first: 100) { edges { node { owner { ...V } } } } }
fragment V on User { benchmarks(first: 100) { edges { node { id } } } }`
	pagedQuery = `query Paged($n: Int) { users(first: $n) { edges { node { scenarios(first: $n) { edges { node { id name owner { email } } } } } } } }`
)

func TestLimits(t *testing.T) {
	t.Parallel()
	type refusal struct {
		limit        string
		actual, max  int
		messageWords []string
	}
	tests := []struct {
		name    string
		cfg     limits.Config
		query   string
		vars    map[string]any
		refused *refusal
	}{
		{name: "dashboard passes the defaults", query: dashboardQuery},
		{name: "admin page passes the defaults", query: adminQuery},
		{name: "GraphiQL introspection passes", query: readQuery(t, "testdata/introspection/graphiql.graphql")},
		{name: "Apollo introspection passes", query: readQuery(t, "testdata/introspection/apollo.graphql")},
		{name: "urql introspection passes", query: readQuery(t, "testdata/introspection/urql.graphql")},
		{name: "the largest graphql-js introspection passes", query: readQuery(t, "testdata/introspection/full.graphql")},
		{
			name:    "deep nesting is refused",
			query:   deepQuery,
			refused: &refusal{limits.LimitDepth, 14, 12, []string{"operation Deep", "14 levels deep", "2 more than the limit of 12"}},
		},
		{
			name:    "alias explosion is refused",
			query:   aliases(40),
			refused: &refusal{limits.LimitAliases, 40, 30, []string{"operation Aliases", "40 aliases", "10 more than the limit of 30"}},
		},
		{
			name:    "fragment fan-out is refused",
			query:   fanOutQuery,
			refused: &refusal{limits.LimitAliases, 84, 30, []string{"84 aliases", "54 more than the limit of 30"}},
		},
		{
			name:    "nested pages multiplying into millions of fields are refused",
			query:   wideQuery,
			refused: &refusal{limits.LimitComplexity, 3040301, 50000, []string{"complexity 3040301", "2990301 more than the limit of 50000", "first/last"}},
		},
		{
			name: "small pages from variables pass",
			// users = 1 + 10×(1 + (1 + (1 + 10×(1 + (1 + 2 + 2))))) = 1 + 10×(3 + 60) = 631
			query: pagedQuery,
			vars:  map[string]any{"n": 10},
		},
		{
			name: "large pages from variables are refused",
			// 1 + 100×(3 + 100×6) = 60 301
			query:   pagedQuery,
			vars:    map[string]any{"n": 100},
			refused: &refusal{limits.LimitComplexity, 60301, 50000, []string{"operation Paged", "complexity 60301"}},
		},
		{
			name: "an over-long query text is refused before parsing",
			// "{ me { id } }" is 13 bytes, then a newline and "#": 15 bytes over once the padding fills the limit
			query:   "{ me { id } }\n#" + strings.Repeat(" ", limits.DefaultMaxQueryBytes),
			refused: &refusal{limits.LimitQueryBytes, limits.DefaultMaxQueryBytes + 15, limits.DefaultMaxQueryBytes, []string{"15 over the limit"}},
		},
		{
			name:    "a configured depth refuses the dashboard",
			cfg:     limits.Config{MaxDepth: 5},
			query:   dashboardQuery,
			refused: &refusal{limits.LimitDepth, 6, 5, []string{"operation Dashboard", "6 levels deep, 1 more than the limit of 5"}},
		},
		{
			name:    "a configured complexity refuses the admin page",
			cfg:     limits.Config{MaxComplexity: 10000},
			query:   adminQuery,
			refused: &refusal{limits.LimitComplexity, 16801, 10000, []string{"complexity 16801, 6801 more than the limit of 10000"}},
		},
		{
			name:  "a negative limit turns it off",
			cfg:   limits.Config{MaxComplexity: -1, MaxAliases: -1},
			query: wideQuery,
		},
		{
			name:  "a configured default page counts connections without first",
			cfg:   limits.Config{DefaultPage: 100, MaxComplexity: 1000},
			query: `query Q { scenarios { edges { node { id name } } } }`, // 1 + 100×(1 + (1 + 2)) = 401
		},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			b := setup(t, tc.cfg)
			status, res := b.post(t, map[string]any{"query": tc.query, "variables": tc.vars})
			if tc.refused == nil {
				require.Equal(t, http.StatusOK, status, "errors: %+v", res.Errors)
				require.Empty(t, res.Errors)
				require.JSONEq(t, `{"ok":true}`, string(res.Data))
				return
			}
			require.Equal(t, http.StatusUnprocessableEntity, status) // gqlgen's POST: validation kind → 422
			require.Len(t, res.Errors, 1)
			e := res.Errors[0]
			require.Equal(t, "GRAPHQL_VALIDATION_FAILED", e.Extensions["code"])
			require.Equal(t, tc.refused.limit, e.Extensions["limit"])
			require.EqualValues(t, tc.refused.actual, e.Extensions["actual"])
			require.EqualValues(t, tc.refused.max, e.Extensions["max"])
			for _, w := range tc.refused.messageWords {
				require.Contains(t, e.Message, w)
			}
		})
	}
}

// TestLimitsBeforePersistedQueries checks that a query refused for its length is not stored by APQ: the
// hash alone then misses, as if it had never been sent.
func TestLimitsBeforePersistedQueries(t *testing.T) {
	t.Parallel()
	b := setup(t, limits.Config{MaxQueryBytes: 100})
	long := "{ me { id } }" + strings.Repeat(" ", 200)
	sum := sha256.Sum256([]byte(long))
	ext := map[string]any{"persistedQuery": map[string]any{"version": 1, "sha256Hash": hex.EncodeToString(sum[:])}}

	status, res := b.post(t, map[string]any{"query": long, "extensions": ext})
	require.Equal(t, http.StatusUnprocessableEntity, status)
	require.Equal(t, limits.LimitQueryBytes, res.Errors[0].Extensions["limit"])

	_, res = b.post(t, map[string]any{"extensions": ext})
	require.Len(t, res.Errors, 1)
	require.Equal(t, "PERSISTED_QUERY_NOT_FOUND", res.Errors[0].Extensions["code"])
}

// TestCostOf checks that the measured cost reaches resolvers and other extensions.
func TestCostOf(t *testing.T) {
	t.Parallel()
	s := loadSchema(t)
	var seen *limits.Cost
	srv := handler.New(&graphql.ExecutableSchemaMock{
		SchemaFunc: func() *ast.Schema { return s },
		ExecFunc: func(ctx context.Context) graphql.ResponseHandler {
			seen = limits.CostOf(ctx)
			return graphql.OneShot(&graphql.Response{Data: []byte(`{}`)})
		},
	})
	srv.AddTransport(transport.POST{})
	srv.Use(limits.New(limits.Config{}))
	ts := httptest.NewServer(srv)
	t.Cleanup(ts.Close)
	status, _ := testBundle{url: ts.URL}.post(t, map[string]any{"query": dashboardQuery})
	require.Equal(t, http.StatusOK, status)
	require.Equal(t, &limits.Cost{Depth: 6, Complexity: 625}, seen)
	require.Nil(t, limits.CostOf(context.Background()))
}
