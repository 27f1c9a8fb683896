package server

import (
	"bytes"
	"context"
	"errors"
	"log/slog"
	"testing"

	"github.com/99designs/gqlgen/graphql"
	"github.com/stretchr/testify/require"

	"github.com/modelarchitect/architect/ent"
	"github.com/modelarchitect/architect/internal/apperr"
	"github.com/modelarchitect/architect/internal/reqinfo"
)

func TestPresenter(t *testing.T) {
	t.Parallel()
	var logs bytes.Buffer
	log := slog.New(slog.NewJSONHandler(&logs, nil))
	present := presenter(log)
	ctx := reqinfo.NewContext(graphql.WithResponseContext(context.Background(), graphql.DefaultErrorPresenter, nil), &reqinfo.Info{ID: "req-1"})

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
