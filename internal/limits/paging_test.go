package limits_test

import (
	"bytes"
	"cmp"
	"context"
	"net/http"
	"net/http/httptest"
	"testing"

	"github.com/99designs/gqlgen/graphql"
	"github.com/99designs/gqlgen/graphql/handler"
	"github.com/99designs/gqlgen/graphql/handler/lru"
	"github.com/99designs/gqlgen/graphql/handler/transport"
	"github.com/stretchr/testify/require"
	"github.com/vektah/gqlparser/v2/ast"
	"github.com/vektah/gqlparser/v2/formatter"
	"github.com/vektah/gqlparser/v2/parser"

	"github.com/modelarchitect/architect/internal/limits"
)

// TestPaging: a connection without a page (first and last absent, or null through a variable or a literal)
// runs with first: DefaultPage (last with before), in a copy of the operation, so that what is loaded is what
// was measured; the cached document stays as parsed; pages outside 0 to MaxPage, and cursors paired with the
// other direction's page, are refused. (Cursors this API did not make: TestInputLimits, with the server's check.)
func TestPaging(t *testing.T) {
	t.Parallel()
	s := loadSchema(t)
	var ran string // the operation as the executor ran it
	cache := lru.New[*ast.QueryDocument](10)
	srv := handler.New(&graphql.ExecutableSchemaMock{
		SchemaFunc: func() *ast.Schema { return s },
		ExecFunc: func(ctx context.Context) graphql.ResponseHandler {
			oc := graphql.GetOperationContext(ctx)
			ran = format(&ast.QueryDocument{Operations: ast.OperationList{oc.Operation}, Fragments: oc.Doc.Fragments})
			return graphql.OneShot(&graphql.Response{Data: []byte(`{}`)})
		},
	})
	srv.AddTransport(transport.POST{})
	srv.SetQueryCache(cache)
	srv.Use(limits.New(limits.Config{}))
	ts := httptest.NewServer(srv)
	t.Cleanup(ts.Close)
	b := testBundle{url: ts.URL}

	tests := []struct {
		name, query string
		vars        map[string]any
		want        string // the operation run, "" when it is the query itself
		refused     string // the refusal's message
	}{
		{name: "pages given stay", query: `query Q($n: Int) { users(first: 5) { edges { node { scenarios(last: $n) { totalCount } } } } }`,
			vars: map[string]any{"n": 3}},
		{name: "absent pages get the default", query: `{ users { totalCount } me { scenarios { totalCount } } }`,
			want: `{ users(first: 20) { totalCount } me { scenarios(first: 20) { totalCount } } }`},
		{name: "a null variable gets the default in place", query: `query Q($n: Int) { users(first: $n, last: $n) { totalCount } }`,
			vars: map[string]any{"n": nil}, want: `query Q ($n: Int) { users(first: 20, last: $n) { totalCount } }`},
		{name: "a null last alone", query: `{ users(last: null) { totalCount } }`, want: `{ users(last: null, first: 20) { totalCount } }`},
		{name: "inside a fragment", query: `{ me { ...F } } fragment F on User { scenarios { totalCount } benchmarks(first: 1) { totalCount } }`,
			want: `{ me { ... F } } fragment F on User { scenarios(first: 20) { totalCount } benchmarks(first: 1) { totalCount } }`},
		{name: "over the maximum", query: `{ me { a: scenarios(first: 101) { totalCount } } }`, refused: "a.first must be between 0 and 100"},
		{name: "negative, from a variable", query: `query Q($n: Int) { users(last: $n) { totalCount } }`, vars: map[string]any{"n": -1},
			refused: "users.last must be between 0 and 100"},
		{name: "before alone pages backwards", query: `{ users(before: "c") { totalCount } }`,
			want: `{ users(before: "c", last: 20) { totalCount } }`},
		{name: "before alone, with a null last from a variable", query: `query Q($n: Int) { users(last: $n, before: "c") { totalCount } }`,
			vars: map[string]any{"n": nil}, want: `query Q ($n: Int) { users(last: 20, before: "c") { totalCount } }`},
		{name: "after alone pages forwards", query: `{ users(after: "c") { totalCount } }`,
			want: `{ users(after: "c", first: 20) { totalCount } }`},
		{name: "a null before is no cursor", query: `query Q($c: Cursor) { users(first: 5, before: $c) { totalCount } }`,
			vars: map[string]any{"c": nil}},
		{name: "paired the right way", query: `{ a: users(first: 5, after: "c") { totalCount } b: users(last: 5, before: "c") { totalCount } }`},
		{name: "first with before", query: `{ users(first: 5, before: "c") { totalCount } }`,
			refused: "users: before pages backwards, so it goes with last (first goes with after)"},
		{name: "last with after, from a variable", query: `query Q($c: Cursor) { me { s: scenarios(last: 5, after: $c) { totalCount } } }`,
			vars: map[string]any{"c": "c"}, refused: "s: after pages forwards, so it goes with first (last goes with before)"},
		{name: "both cursors", query: `{ users(after: "a", before: "b") { totalCount } }`,
			refused: "users takes after or before, not both: page forwards with first and after, or backwards with last and before"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			ran = ""
			status, res := b.post(t, map[string]any{"query": tc.query, "variables": tc.vars})
			if tc.refused != "" {
				require.Len(t, res.Errors, 1)
				require.Equal(t, tc.refused, res.Errors[0].Message)
				require.Equal(t, "BAD_USER_INPUT", res.Errors[0].Extensions["code"])
				return
			}
			require.Equal(t, http.StatusOK, status, "errors: %+v", res.Errors)
			want := format(parse(t, cmp.Or(tc.want, tc.query)))
			require.Equal(t, want, ran)
			cached, ok := cache.Get(context.Background(), tc.query)
			require.True(t, ok)
			require.Equal(t, format(parse(t, tc.query)), format(cached), "the cached document is left as parsed")
		})
	}
}

func parse(t *testing.T, query string) *ast.QueryDocument {
	t.Helper()
	doc, err := parser.ParseQuery(&ast.Source{Input: query})
	require.NoError(t, err)
	return doc
}

func format(doc *ast.QueryDocument) string {
	var b bytes.Buffer
	formatter.NewFormatter(&b, formatter.WithIndent("")).FormatQueryDocument(doc)
	return b.String()
}
