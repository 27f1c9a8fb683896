package httpx_test

import (
	"context"
	"encoding/json"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync/atomic"
	"testing"

	"github.com/99designs/gqlgen/graphql"
	"github.com/99designs/gqlgen/graphql/handler"
	"github.com/99designs/gqlgen/graphql/handler/extension"
	"github.com/99designs/gqlgen/graphql/handler/lru"
	"github.com/stretchr/testify/require"
	"github.com/vektah/gqlparser/v2"
	"github.com/vektah/gqlparser/v2/ast"
	"github.com/vektah/gqlparser/v2/gqlerror"

	"github.com/modelarchitect/architect/internal/httpx"
)

var schema = gqlparser.MustLoadSchema(&ast.Source{Name: "test.graphqls", Input: `
type Query { hello: String! greet(name: String!): String! broken: String }
type Mutation { bump: Int! }
type Subscription { ticks: Int! }
`})

type testBundle struct {
	url       string
	mutations *atomic.Int32 // mutations executed
}

type options struct {
	transport httpx.Transport
	maxBody   int64
	cors      *httpx.CORSConfig
}

// setup serves a gqlgen handler over a three-field schema through the package's pieces, in the order the
// server stacks them: CORS, then the body cap, then gqlgen with APQ and the Transport. Resolvers are
// stand-ins: hello answers "world", broken fails, bump counts.
func setup(t *testing.T, o options) testBundle {
	t.Helper()
	b := testBundle{mutations: &atomic.Int32{}}
	srv := handler.New(&graphql.ExecutableSchemaMock{
		SchemaFunc: func() *ast.Schema { return schema },
		ExecFunc: func(ctx context.Context) graphql.ResponseHandler {
			op := graphql.GetOperationContext(ctx).Operation
			switch {
			case op.Name == "Explode": // as when an operation interceptor cannot start (no transaction)
				return graphql.OneShot(&graphql.Response{Errors: gqlerror.List{{
					Message: "internal error", Extensions: map[string]any{"code": "INTERNAL"},
				}}})
			case op.Operation == ast.Mutation:
				b.mutations.Add(1)
				return graphql.OneShot(&graphql.Response{Data: []byte(`{"bump":1}`)})
			case hasField(op, "broken"):
				return graphql.OneShot(&graphql.Response{
					Data: []byte(`{"hello":"world","broken":null}`),
					Errors: gqlerror.List{{
						Message: "broken on purpose", Path: ast.Path{ast.PathName("broken")},
						Extensions: map[string]any{"code": "INTERNAL"},
					}},
				})
			}
			return graphql.OneShot(&graphql.Response{Data: []byte(`{"hello":"world"}`)})
		},
	})
	srv.AddTransport(o.transport)
	srv.Use(extension.AutomaticPersistedQuery{Cache: lru.New[string](100)})
	var h http.Handler = srv
	h = httpx.MaxBody(o.maxBody)(h)
	if o.cors != nil {
		c, err := httpx.NewCORS(*o.cors)
		require.NoError(t, err)
		h = c.Handler(h)
	}
	ts := httptest.NewServer(h)
	t.Cleanup(ts.Close)
	b.url = ts.URL
	return b
}

func hasField(op *ast.OperationDefinition, name string) bool {
	for _, s := range op.SelectionSet {
		if f, ok := s.(*ast.Field); ok && f.Name == name {
			return true
		}
	}
	return false
}

type request struct {
	method  string
	query   string // URL query string, for GET
	headers map[string]string
	body    string
}

type response struct {
	status int
	header http.Header
	raw    map[string]json.RawMessage
	errors []struct {
		Message    string         `json:"message"`
		Extensions map[string]any `json:"extensions"`
	}
}

func (b testBundle) do(t *testing.T, req request) response {
	t.Helper()
	var body io.Reader
	if req.body != "" {
		body = strings.NewReader(req.body)
	}
	r, err := http.NewRequest(req.method, b.url+"/graphql?"+req.query, body)
	require.NoError(t, err)
	for k, v := range req.headers {
		r.Header.Set(k, v)
	}
	res, err := http.DefaultClient.Do(r)
	require.NoError(t, err)
	defer res.Body.Close()
	raw, err := io.ReadAll(res.Body)
	require.NoError(t, err)
	out := response{status: res.StatusCode, header: res.Header}
	if len(raw) > 0 && strings.Contains(res.Header.Get("Content-Type"), "json") {
		require.NoError(t, json.Unmarshal(raw, &out.raw), "body: %s", raw)
		if e, ok := out.raw["errors"]; ok {
			require.NoError(t, json.Unmarshal(e, &out.errors))
		}
	}
	return out
}

func jsonPost(body, accept string) request {
	h := map[string]string{"Content-Type": "application/json"}
	if accept != "" {
		h["Accept"] = accept
	}
	return request{method: http.MethodPost, headers: h, body: body}
}

func get(query, accept string) request {
	h := map[string]string{}
	if accept != "" {
		h["Accept"] = accept
	}
	return request{method: http.MethodGet, query: query, headers: h}
}
