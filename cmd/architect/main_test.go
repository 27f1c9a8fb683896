package main

import (
	"encoding/json"
	"io"
	"log/slog"
	"os"
	"path/filepath"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	entuser "github.com/modelarchitect/architect/ent/user"
	"github.com/modelarchitect/architect/internal/app"
	"github.com/modelarchitect/architect/internal/config"
	"github.com/modelarchitect/architect/internal/loadtest"
	"github.com/modelarchitect/architect/internal/providers/providertest"
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

// TestLoadTestCommand runs `architect loadtest` against a fake endpoint: a missed SLO target exits 2, bad
// flags exit 1.
func TestLoadTestCommand(t *testing.T) {
	t.Parallel()
	srv := providertest.NewOpenAI(t, "", func(providertest.Request) providertest.Reply {
		return providertest.Reply{Chunks: []string{"a", "b"}, FirstChunkDelay: 10 * time.Millisecond, Usage: &providertest.Usage{Input: 3, Output: 2}}
	})
	out := filepath.Join(t.TempDir(), "result.json")
	err := run([]string{"loadtest", "--url", srv.BaseURL, "--model", "m", "--rate", "20", "--duration", "200ms",
		"--max-requests", "2", "--slo", "ttft:1ms@p50", "--format", "json", "--out", out})
	require.ErrorContains(t, err, "SLO target missed")
	require.Equal(t, 2, exitCode(err))
	b, err := os.ReadFile(out)
	require.NoError(t, err)
	var res loadtest.Result
	require.NoError(t, json.Unmarshal(b, &res))
	require.Equal(t, 2, res.Steps[0].Completed)

	err = run([]string{"loadtest", "--url", srv.BaseURL, "--model", "m"})
	require.ErrorContains(t, err, "exactly one of --rate")
	require.Equal(t, 1, exitCode(err))
}
