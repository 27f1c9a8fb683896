package wstransport_test

import (
	"context"
	"os"
	"os/exec"
	"path/filepath"
	"sync"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/modelarchitect/architect/internal/wstransport"
)

// TestInteropWithNPMClients runs the graphql-ws client (graphql-transport-ws) and the
// subscriptions-transport-ws client (legacy graphql-ws) from npm, pinned in testdata/interop, against the
// transport. It needs node and npm; without them it is skipped.
func TestInteropWithNPMClients(t *testing.T) {
	t.Parallel()
	dir := installInteropClients(t)
	cases := []struct {
		mode string
		want string
	}{
		{
			mode: "transport",
			want: `{
				"alive": true,
				"count": [1, 2, 3],
				"whoami": "request=rid-42 viewer=alice token=alice protocol=graphql-transport-ws",
				"errors": ["Cannot query field \"nosuchfield\" on type \"Subscription\"."],
				"refused": {"code": 4403, "reason": "the token has expired: log in again"}
			}`,
		},
		{
			mode: "legacy",
			want: `{
				"alive": true,
				"count": [1, 2, 3],
				"whoami": "request=rid-42 viewer=alice token=alice protocol=graphql-ws",
				"refused": {"message": "the token has expired: log in again"}
			}`,
		},
	}
	for _, tc := range cases {
		t.Run(tc.mode, func(t *testing.T) {
			t.Parallel()
			b := setup(t, wstransport.Config{KeepAlive: 100 * time.Millisecond})
			ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
			defer cancel()
			out, err := exec.CommandContext(ctx, "node", filepath.Join(dir, "client.mjs"), b.url, tc.mode).CombinedOutput()
			require.NoError(t, err, "node client.mjs: %s", out)
			require.JSONEq(t, tc.want, string(out))
			eventually(t, func() bool { return b.events.gauges() == gauges{} }, "the clients' sockets are closed")
		})
	}
}

var interopInstall struct {
	once sync.Once
	err  error
	out  []byte
}

// installInteropClients runs npm ci in testdata/interop once per test binary (only when the lock file is
// newer than the installed tree) and returns the directory; it skips the test without node or npm.
func installInteropClients(t *testing.T) string {
	t.Helper()
	for _, tool := range []string{"node", "npm"} {
		if _, err := exec.LookPath(tool); err != nil {
			t.Skipf("the interop test needs %s (Node 20 or later) on PATH: %v", tool, err)
		}
	}
	dir, err := filepath.Abs(filepath.Join("testdata", "interop"))
	require.NoError(t, err)
	interopInstall.once.Do(func() {
		lock, err := os.Stat(filepath.Join(dir, "package-lock.json"))
		if err != nil {
			interopInstall.err = err
			return
		}
		if installed, err := os.Stat(filepath.Join(dir, "node_modules", ".package-lock.json")); err == nil && installed.ModTime().After(lock.ModTime()) {
			return
		}
		ctx, cancel := context.WithTimeout(context.Background(), 5*time.Minute)
		defer cancel()
		cmd := exec.CommandContext(ctx, "npm", "ci", "--no-audit", "--no-fund")
		cmd.Dir = dir
		interopInstall.out, interopInstall.err = cmd.CombinedOutput()
	})
	require.NoError(t, interopInstall.err, "npm ci in %s: %s", dir, interopInstall.out)
	return dir
}
