package config_test

import (
	"io"
	"log/slog"
	"os"
	"path/filepath"
	"runtime"
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
	require.Equal(t, 4*runtime.GOMAXPROCS(0), c.CompiledReadsInFlight)
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
	_, err := config.FromEnv(envOf(map[string]string{"PORT": "x", "JWT_EXPIRES_IN": "soon", "DATABASE_URL": "mysql://", "JWT_SECRET": "0123456789abcdef0123456789abcdef",
		"COMPILED_READS_IN_FLIGHT": "-1"}), quiet)
	require.ErrorContains(t, err, "PORT")
	require.ErrorContains(t, err, "COMPILED_READS_IN_FLIGHT")
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

// TestListenAddress: HOST defaults to localhost outside production (this machine only) and to every
// interface in production; METRICS_ADDR is off by default and must be host:port when set.
func TestListenAddress(t *testing.T) {
	t.Parallel()
	const secret = "0123456789abcdef0123456789abcdef"
	tests := []struct {
		name        string
		env         map[string]string
		host        string
		listen, url string // ListenAddr, and LocalURL of the result
		problem     string // part of the error; none when the settings are accepted
	}{
		{name: "development", env: map[string]string{}, host: "localhost", listen: "localhost:3001", url: "http://127.0.0.1:3001"},
		{name: "production", env: map[string]string{"APP_ENV": "production"}, host: "", listen: ":3001", url: "http://127.0.0.1:3001"},
		{name: "container", env: map[string]string{"APP_ENV": "production", "HOST": "0.0.0.0", "PORT": "8080"}, host: "0.0.0.0", listen: "0.0.0.0:8080", url: "http://127.0.0.1:8080"},
		{name: "one address", env: map[string]string{"HOST": "10.1.2.3"}, host: "10.1.2.3", listen: "10.1.2.3:3001", url: "http://10.1.2.3:3001"},
		{name: "IPv6 loopback", env: map[string]string{"HOST": "::1"}, host: "::1", listen: "[::1]:3001", url: "http://[::1]:3001"},
		{name: "a port in HOST", env: map[string]string{"HOST": "localhost:3001"}, problem: "HOST"},
		{name: "brackets in HOST", env: map[string]string{"HOST": "[::1]"}, problem: "HOST"},
		{name: "port out of range", env: map[string]string{"PORT": "70000"}, problem: "PORT"},
		{name: "metrics address without a port", env: map[string]string{"METRICS_ADDR": "9091"}, problem: "METRICS_ADDR"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			tc.env["JWT_SECRET"], tc.env["DATA_DIR"] = secret, t.TempDir()
			c, err := config.FromEnv(envOf(tc.env), quiet)
			if tc.problem != "" {
				require.ErrorContains(t, err, tc.problem)
				return
			}
			require.NoError(t, err)
			require.Equal(t, tc.host, c.Host)
			require.Equal(t, tc.listen, c.ListenAddr())
			require.Equal(t, tc.url, config.LocalURL(c.Host, c.Port))
			require.Empty(t, c.MetricsAddr)
		})
	}
}

// TestLoadAddressReadsDotEnv: the health check finds the server where serve listens, .env included; the
// environment wins over .env, as for serve (not parallel: it changes directory and environment).
func TestLoadAddressReadsDotEnv(t *testing.T) {
	t.Chdir(t.TempDir())
	t.Setenv("APP_ENV", "")
	t.Setenv("HOST", "")
	t.Setenv("PORT", "")
	require.NoError(t, os.Unsetenv("HOST"))
	require.NoError(t, os.Unsetenv("PORT"))
	require.NoError(t, os.WriteFile(".env", []byte("HOST=0.0.0.0\nPORT=4100\n"), 0o600))
	host, port, err := config.LoadAddress()
	require.NoError(t, err)
	require.Equal(t, "0.0.0.0", host)
	require.Equal(t, 4100, port)

	t.Setenv("PORT", "4200")
	_, port, err = config.LoadAddress()
	require.NoError(t, err)
	require.Equal(t, 4200, port, "the environment wins over .env")

	require.NoError(t, os.WriteFile(".env", []byte("PORT=many\n"), 0o600))
	t.Setenv("PORT", "")
	require.NoError(t, os.Unsetenv("PORT"))
	_, _, err = config.LoadAddress()
	require.ErrorContains(t, err, "PORT")
}
