package e2e

import (
	"fmt"
	"io"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	"github.com/stretchr/testify/require"
)

// TestMetricsOnTheirOwnListener: with METRICS_ADDR, /metrics answers there and nowhere else, and the API's
// port no longer serves it (docker-compose.yml publishes only the API's port).
func TestMetricsOnTheirOwnListener(t *testing.T) {
	t.Parallel()
	if testing.Short() {
		t.Skip("starts a server process")
	}
	metrics := fmt.Sprintf("127.0.0.1:%d", freePort(t))
	r := startReplica(t, map[string]string{"METRICS_ADDR": metrics})
	get := func(url string) (int, string) {
		t.Helper()
		res, err := http.Get(url)
		require.NoError(t, err)
		defer res.Body.Close()
		body, _ := io.ReadAll(res.Body)
		return res.StatusCode, string(body)
	}
	status, _ := get(r.url + "/metrics")
	require.Equal(t, http.StatusNotFound, status, "the API's port does not serve /metrics")
	status, body := get("http://" + metrics + "/metrics")
	require.Equal(t, http.StatusOK, status)
	require.Contains(t, body, `architect_http_requests_total{method="GET",route="/readyz",status="200"}`, "it counts the API's requests")
	status, _ = get("http://" + metrics + "/graphql")
	require.Equal(t, http.StatusNotFound, status, "the metrics port serves nothing else")
}

// TestHealthcheckReadsDotEnv runs `architect healthcheck` as a container would, in a directory whose .env
// sets PORT (the environment does not): it checks the server there, and fails for a port where none listens.
func TestHealthcheckReadsDotEnv(t *testing.T) {
	t.Parallel()
	if testing.Short() {
		t.Skip("starts a server process")
	}
	r := startReplica(t, nil)
	port := r.url[strings.LastIndex(r.url, ":")+1:]
	var env []string
	for _, kv := range os.Environ() {
		if !strings.HasPrefix(kv, "PORT=") && !strings.HasPrefix(kv, "HOST=") && !strings.HasPrefix(kv, "APP_ENV=") {
			env = append(env, kv)
		}
	}
	check := func(dotEnv string) error {
		dir := t.TempDir()
		require.NoError(t, os.WriteFile(filepath.Join(dir, ".env"), []byte(dotEnv), 0o600))
		cmd := exec.Command(architect(t), "healthcheck")
		cmd.Dir, cmd.Env = dir, env
		out, err := cmd.CombinedOutput()
		if err != nil {
			return fmt.Errorf("%w: %s", err, out)
		}
		return nil
	}
	require.NoError(t, check("PORT="+port+"\n"))
	require.NoError(t, check("APP_ENV=production\nHOST=0.0.0.0\nPORT="+port+"\n"), "every interface: checked on loopback")
	require.NoError(t, check("HOST=127.0.0.1\nPORT="+port+"\n"))
	require.Error(t, check(fmt.Sprintf("PORT=%d\n", freePort(t))), "nothing listens there")
}
