package config_test

import (
	"io"
	"log/slog"
	"os"
	"path/filepath"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/modelarchitect/architect/internal/config"
)

var quiet = slog.New(slog.NewTextHandler(io.Discard, nil))

func envOf(m map[string]string) func(string) string { return func(k string) string { return m[k] } }

func TestDefaults(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	c, err := config.FromEnv(envOf(map[string]string{"DATA_DIR": dir}), quiet)
	require.NoError(t, err)
	require.Equal(t, 3001, c.Port)
	require.Equal(t, 7*24*time.Hour, c.JWTExpiresIn)
	require.False(t, c.Production())
	require.Len(t, c.JWTSecret, 64, "a development secret is generated")
	kept, err := os.ReadFile(filepath.Join(dir, "jwt-secret"))
	require.NoError(t, err)
	require.Equal(t, c.JWTSecret, kept, "and kept in DATA_DIR")
	again, err := config.FromEnv(envOf(map[string]string{"DATA_DIR": dir}), quiet)
	require.NoError(t, err)
	require.Equal(t, c.JWTSecret, again.JWTSecret, "the kept secret is reused, so tokens survive a restart")
}

func TestProductionRefusesWeakSecrets(t *testing.T) {
	t.Parallel()
	_, err := config.FromEnv(envOf(map[string]string{"APP_ENV": "production", "DATA_DIR": t.TempDir()}), quiet)
	require.ErrorContains(t, err, "JWT_SECRET is not set")
	_, err = config.FromEnv(envOf(map[string]string{"APP_ENV": "production", "JWT_SECRET": "short"}), quiet)
	require.ErrorContains(t, err, "at least 32")
	c, err := config.FromEnv(envOf(map[string]string{"APP_ENV": "production", "JWT_SECRET": "0123456789abcdef0123456789abcdef"}), quiet)
	require.NoError(t, err)
	require.True(t, c.Production())
}

func TestBadValues(t *testing.T) {
	t.Parallel()
	_, err := config.FromEnv(envOf(map[string]string{"PORT": "x", "JWT_EXPIRES_IN": "soon", "DATABASE_URL": "mysql://", "JWT_SECRET": "0123456789abcdef0123456789abcdef"}), quiet)
	require.ErrorContains(t, err, "PORT")
	require.ErrorContains(t, err, "JWT_EXPIRES_IN")
	require.ErrorContains(t, err, "DATABASE_URL")
}

func TestParseDuration(t *testing.T) {
	t.Parallel()
	for in, want := range map[string]time.Duration{"7d": 7 * 24 * time.Hour, "12h": 12 * time.Hour, "90s": 90 * time.Second} {
		got, err := config.ParseDuration(in)
		require.NoError(t, err)
		require.Equal(t, want, got, in)
	}
	_, err := config.ParseDuration("d")
	require.Error(t, err)
}
