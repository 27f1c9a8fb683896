package observability_test

import (
	"context"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/99designs/gqlgen/graphql"
	"github.com/99designs/gqlgen/graphql/handler"
	"github.com/stretchr/testify/require"
	"github.com/vektah/gqlparser/v2/ast"

	"github.com/modelarchitect/architect/internal/httpx"
	"github.com/modelarchitect/architect/internal/limits"
	"github.com/modelarchitect/architect/internal/observability"
)

// TestOperationsWithTheServerStack runs the extension behind httpx.Transport and limits, as the server
// wires them, and checks that refusals made before GraphQL runs are counted with their codes.
func TestOperationsWithTheServerStack(t *testing.T) {
	t.Parallel()
	m := observability.NewMetrics()
	srv := handler.New(&graphql.ExecutableSchemaMock{
		SchemaFunc: func() *ast.Schema { return schema },
		ExecFunc: func(context.Context) graphql.ResponseHandler {
			return graphql.OneShot(&graphql.Response{Data: []byte(`{"me":null}`)})
		},
	})
	srv.AddTransport(httpx.Transport{})
	srv.Use(observability.Operations{Metrics: m})
	srv.Use(limits.New(limits.Config{MaxAliases: 1}))
	ts := httptest.NewServer(m.InstrumentHTTP(srv))
	t.Cleanup(ts.Close)

	tests := []struct {
		name   string
		method string
		body   string
		query  string
		status int
		labels map[string]string
	}{
		{name: "batch", method: http.MethodPost, body: `[{"query":"{ me { id } }"}]`, status: 400,
			labels: map[string]string{"operation": "anonymous", "type": "unknown", "outcome": httpx.CodeBadRequest}},
		{name: "mutation over GET", method: http.MethodGet, query: "query=mutation+LogIn+%7B+logIn(email%3A%22a%22%2C+password%3A%22b%22)+%7B+token+%7D+%7D", status: 405,
			labels: map[string]string{"operation": "LogIn", "type": "mutation", "outcome": httpx.CodeMethodNotAllowed}},
		{name: "query limit", method: http.MethodPost, body: `{"query":"query Two { a: me { id } b: me { id } }"}`, status: 422,
			labels: map[string]string{"operation": "Two", "type": "query", "outcome": "GRAPHQL_VALIDATION_FAILED"}},
		{name: "a query that runs", method: http.MethodPost, body: `{"query":"query Me { me { id } }"}`, status: 200,
			labels: map[string]string{"operation": "Me", "type": "query", "outcome": "ok"}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			req, err := http.NewRequest(tc.method, ts.URL+"?"+tc.query, strings.NewReader(tc.body))
			require.NoError(t, err)
			req.Header.Set("Content-Type", "application/json")
			res, err := http.DefaultClient.Do(req)
			require.NoError(t, err)
			require.NoError(t, res.Body.Close())
			require.Equal(t, tc.status, res.StatusCode)
			require.Equal(t, 1.0, value(t, m.Registry, "architect_graphql_operations_total", tc.labels))
		})
	}
}
