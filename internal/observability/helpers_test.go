package observability_test

import (
	"bytes"
	"context"
	"encoding/json"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/99designs/gqlgen/graphql"
	"github.com/99designs/gqlgen/graphql/handler"
	"github.com/99designs/gqlgen/graphql/handler/transport"
	"github.com/stretchr/testify/require"
	"github.com/vektah/gqlparser/v2"
	"github.com/vektah/gqlparser/v2/ast"
	"github.com/vektah/gqlparser/v2/gqlerror"

	"github.com/modelarchitect/architect/internal/observability"
)

// The secrets of the tests below: none of them may appear in a log line.
const (
	password    = "correct-horse-battery-staple-42"
	issuedToken = "eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiI0MiJ9.issued-signature"
	bearerToken = "eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiI0MiJ9.bearer-signature"
	cookieValue = "session-cookie-secret-value"
)

var schema = gqlparser.MustLoadSchema(&ast.Source{Name: "auth.graphqls", Input: `
type User { id: ID! email: String! }
type AuthPayload { token: String! user: User! }
input SignUpInput { email: String! password: String! name: String }
type Query { me: User echo(text: String): String }
type Mutation {
  signUp(input: SignUpInput!): AuthPayload!
  logIn(email: String!, password: String!): AuthPayload!
}
type Subscription { ticks: Int! }
`})

// syncBuffer is a log destination the test can read while the server writes to it.
type syncBuffer struct {
	mu  sync.Mutex
	buf bytes.Buffer
}

func (b *syncBuffer) Write(p []byte) (int, error) {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.Write(p)
}

func (b *syncBuffer) String() string {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.String()
}

func (b *syncBuffer) lines(t *testing.T) []map[string]any {
	t.Helper()
	var out []map[string]any
	for l := range strings.SplitSeq(strings.TrimSpace(b.String()), "\n") {
		if l == "" {
			continue
		}
		var m map[string]any
		require.NoError(t, json.Unmarshal([]byte(l), &m), "log line: %s", l)
		out = append(out, m)
	}
	return out
}

type testBundle struct {
	url     string
	log     *syncBuffer
	metrics *observability.Metrics
	// release ends the running subscription's stream.
	release chan struct{}
}

// setup serves a gqlgen handler over a sign-up/log-in schema the way the server stacks the pieces:
// RequestLog outside, then Metrics.InstrumentHTTP around the mux, then (on /graphql) a stand-in for the
// server's authentication that records the viewer, then gqlgen with the Operations extension.
// logIn with the password "wrong" fails with UNAUTHENTICATED; the others return a token.
func setup(t *testing.T, metricsOuter bool) testBundle {
	t.Helper()
	b := testBundle{log: &syncBuffer{}, metrics: observability.NewMetrics(), release: make(chan struct{})}
	srv := handler.New(&graphql.ExecutableSchemaMock{
		SchemaFunc: func() *ast.Schema { return schema },
		ExecFunc: func(ctx context.Context) graphql.ResponseHandler {
			oc := graphql.GetOperationContext(ctx)
			switch oc.Operation.Operation {
			case ast.Subscription:
				sent := false
				return func(ctx context.Context) *graphql.Response {
					if !sent {
						sent = true
						return &graphql.Response{Data: []byte(`{"ticks":1}`)}
					}
					select {
					case <-b.release:
					case <-ctx.Done():
					}
					return nil
				}
			case ast.Mutation:
				if oc.Variables["password"] == "wrong" {
					return graphql.OneShot(&graphql.Response{Data: []byte(`null`), Errors: gqlerror.List{{
						Message: "wrong email or password", Path: ast.Path{ast.PathName("logIn")},
						Extensions: map[string]any{"code": "UNAUTHENTICATED"},
					}}})
				}
				return graphql.OneShot(&graphql.Response{Data: []byte(`{"auth":{"token":"` + issuedToken + `","user":{"id":"42","email":"ada@example.com"}}}`)})
			}
			return graphql.OneShot(&graphql.Response{Data: []byte(`{"me":{"id":"42"}}`)})
		},
	})
	srv.AddTransport(transport.SSE{})
	srv.AddTransport(transport.GET{})
	srv.AddTransport(transport.POST{})
	srv.Use(observability.Operations{Metrics: b.metrics})

	mux := http.NewServeMux()
	mux.Handle("/graphql", authenticate(srv))
	mux.HandleFunc("GET /healthz", func(w http.ResponseWriter, _ *http.Request) { _, _ = w.Write([]byte("ok\n")) })
	mux.Handle("GET /metrics", b.metrics.Handler())
	mux.HandleFunc("GET /boom", func(w http.ResponseWriter, _ *http.Request) { w.WriteHeader(http.StatusBadGateway) })

	logger := slog.New(slog.NewJSONHandler(b.log, &slog.HandlerOptions{Level: slog.LevelDebug}))
	logged := observability.RequestLog(logger, observability.RequestLogConfig{})
	var h http.Handler
	if metricsOuter {
		h = b.metrics.InstrumentHTTP(logged(mux))
	} else {
		h = logged(b.metrics.InstrumentHTTP(mux))
	}
	ts := httptest.NewServer(h)
	t.Cleanup(ts.Close)
	b.url = ts.URL
	return b
}

// authenticate stands in for the server's bearer-token check: a request with a token is user 42's.
func authenticate(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if strings.HasPrefix(r.Header.Get("Authorization"), "Bearer ") {
			observability.SetViewer(r.Context(), "42")
		}
		next.ServeHTTP(w, r)
	})
}

type call struct {
	method  string
	path    string
	headers map[string]string
	body    string
}

// do sends c and returns the response's X-Request-Id once the request's log line is written.
func (b testBundle) do(t *testing.T, c call) (int, string) {
	t.Helper()
	before := len(b.log.lines(t))
	var body io.Reader
	if c.body != "" {
		body = strings.NewReader(c.body)
	}
	req, err := http.NewRequest(c.method, b.url+c.path, body)
	require.NoError(t, err)
	for k, v := range c.headers {
		req.Header.Set(k, v)
	}
	res, err := http.DefaultClient.Do(req)
	require.NoError(t, err)
	_, _ = io.Copy(io.Discard, res.Body)
	require.NoError(t, res.Body.Close())
	require.Eventually(t, func() bool { return len(b.log.lines(t)) > before }, 5*time.Second, 5*time.Millisecond)
	return res.StatusCode, res.Header.Get("X-Request-Id")
}

func graphqlPost(body string, headers map[string]string) call {
	h := map[string]string{"Content-Type": "application/json"}
	for k, v := range headers {
		h[k] = v
	}
	return call{method: http.MethodPost, path: "/graphql", headers: h, body: body}
}
