package server

import (
	"bytes"
	"context"
	"errors"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"testing"

	"github.com/99designs/gqlgen/graphql"
	"github.com/stretchr/testify/require"

	"github.com/modelarchitect/architect/ent"
	"github.com/modelarchitect/architect/internal/apperr"
	"github.com/modelarchitect/architect/internal/observability"
)

func TestPresenter(t *testing.T) {
	t.Parallel()
	var logs bytes.Buffer
	log := slog.New(slog.NewJSONHandler(&logs, nil))
	present := presenter(log)
	ctx := graphql.WithResponseContext(requestContext("req-1"), graphql.DefaultErrorPresenter, nil)

	g := present(ctx, errors.New("pq: relation \"secret_table\" does not exist"))
	require.Equal(t, "internal error", g.Message, "internal detail never reaches the client")
	require.Equal(t, "INTERNAL", g.Extensions["code"])
	require.Equal(t, "req-1", g.Extensions["requestId"])
	require.Contains(t, logs.String(), "secret_table", "but it is logged")
	require.Contains(t, logs.String(), "req-1")

	g = present(ctx, recoverFunc(log)(ctx, "boom"))
	require.Equal(t, "internal error", g.Message)
	require.Contains(t, logs.String(), "panic in resolver")

	g = present(ctx, apperr.Input("config.dataVolume", "must be at least 1"))
	require.Equal(t, "BAD_USER_INPUT", g.Extensions["code"])
	require.Equal(t, "config.dataVolume", g.Extensions["field"])

	g = present(ctx, &ent.NotFoundError{})
	require.Equal(t, "NOT_FOUND", g.Extensions["code"])

	g = present(ctx, &apperr.FieldError{Field: "metrics.primary.name", Reason: "must not be empty"})
	require.Equal(t, "metrics.primary.name must not be empty", g.Message)
}

// requestContext is the context a handler behind the request log sees for a request the client numbered id.
func requestContext(id string) context.Context {
	var ctx context.Context
	log := observability.RequestLog(slog.New(slog.DiscardHandler), observability.RequestLogConfig{})
	r := httptest.NewRequest(http.MethodPost, "/graphql", nil)
	r.Header.Set("X-Request-Id", id)
	log(http.HandlerFunc(func(_ http.ResponseWriter, r *http.Request) { ctx = r.Context() })).ServeHTTP(httptest.NewRecorder(), r)
	return ctx
}
