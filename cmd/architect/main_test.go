package main

import (
	"io"
	"log/slog"
	"testing"

	"github.com/stretchr/testify/require"

	entuser "github.com/modelarchitect/architect/ent/user"
	"github.com/modelarchitect/architect/internal/app"
	"github.com/modelarchitect/architect/internal/config"
	"github.com/modelarchitect/architect/internal/testutil"
	"github.com/modelarchitect/architect/internal/viewer"
)

// TestUserCreate runs the CLI's bootstrap path against a fresh SQLite database (not parallel: it sets the
// environment).
func TestUserCreate(t *testing.T) {
	dir := t.TempDir()
	t.Setenv("DATA_DIR", dir)
	t.Setenv("DATABASE_URL", "")
	t.Setenv("JWT_SECRET", testutil.TestSecret)
	t.Setenv("LOG_FORMAT", "json")
	require.NoError(t, run([]string{"migrate"}))
	require.NoError(t, run([]string{"user", "create", "--email", "Root@Example.com", "--password", "a-long-password", "--role", "ADMIN"}))
	require.ErrorContains(t, run([]string{"user", "create", "--email", "root@example.com", "--password", "a-long-password"}), "already exists")
	require.ErrorContains(t, run([]string{"user", "create", "--email", "x@example.com", "--password", "short"}), "at least 8")
	require.ErrorContains(t, run([]string{"user", "create", "--email", "x@example.com", "--password", "a-long-password", "--role", "KING"}), "unknown role")
	require.ErrorContains(t, run([]string{"nope"}), "unknown command")
	require.NoError(t, run([]string{"version"}))

	cfg, err := config.Load(quietLogger())
	require.NoError(t, err)
	db, err := app.OpenDB(cfg)
	require.NoError(t, err)
	defer db.Close()
	u, err := db.Client.User.Query().Where(entuser.Email("root@example.com")).Only(testutil.System())
	require.NoError(t, err)
	require.Equal(t, viewer.RoleAdmin, u.Role)
}

func quietLogger() *slog.Logger { return slog.New(slog.NewTextHandler(io.Discard, nil)) }
