package graph_test

import (
	"net/http"
	"net/http/httptest"
	"sync/atomic"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/modelarchitect/architect/internal/testutil"
	"github.com/modelarchitect/architect/internal/viewer"
	"github.com/modelarchitect/architect/internal/workers"
)

// modelServer is a team's OpenAI-compatible model server: GET /v1/models answers 200 while up.
func modelServer(t *testing.T) (*httptest.Server, *atomic.Bool) {
	up := &atomic.Bool{}
	up.Store(true)
	hs := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.URL.Path != "/v1/models" || !up.Load() {
			http.Error(w, "down", http.StatusServiceUnavailable)
			return
		}
		_, _ = w.Write([]byte(`{"object":"list","data":[{"id":"llama-3.1-8b","object":"model"}]}`))
	}))
	t.Cleanup(hs.Close)
	return hs, up
}

func fastRollouts(d *workers.Deps) {
	d.RolloutPoll = 50 * time.Millisecond
	d.RolloutTimeout = 1500 * time.Millisecond
	d.HealthEvery = 200 * time.Millisecond
}

type deploymentOut struct {
	ID, Status, StatusReason string
}

func waitDeployment(t *testing.T, c *testutil.Client, id, want string) deploymentOut {
	t.Helper()
	deadline := time.Now().Add(20 * time.Second)
	for {
		var out struct{ Node deploymentOut }
		c.MustDo(t, `query($id: ID!) { node(id: $id) { ... on Deployment { id status statusReason } } }`, map[string]any{"id": id}, &out)
		if out.Node.Status == want {
			return out.Node
		}
		require.True(t, time.Now().Before(deadline), "deployment is %s (%s), waiting for %s", out.Node.Status, out.Node.StatusReason, want)
		time.Sleep(25 * time.Millisecond)
	}
}

func TestDeploymentRollout(t *testing.T) {
	t.Parallel()
	eachBackend(t, func(t *testing.T, b testutil.Backend) {
		hs, up := modelServer(t)
		s := testutil.NewServer(t, b, testutil.ServerOptions{Env: map[string]string{"ENDPOINT_ALLOWLIST": "127.0.0.1"}, Deps: fastRollouts})
		c := s.Client(s.SignUp(t, "roll@example.com", viewer.RoleEnterprise).Token)

		var cr struct{ CreateDeployment deploymentOut }
		c.MustDo(t, `mutation($e: String!) { createDeployment(input: {modelName: "llama-3.1-8b", provider: SELF_HOSTED, config: {endpoint: $e}}) { id status statusReason } }`,
			map[string]any{"e": hs.URL + "/v1"}, &cr)
		require.Equal(t, "PROVISIONING", cr.CreateDeployment.Status)
		id := cr.CreateDeployment.ID
		active := waitDeployment(t, c, id, "ACTIVE")
		require.Contains(t, active.StatusReason, "200")

		up.Store(false) // the model server stops answering
		failed := waitDeployment(t, c, id, "FAILED")
		require.Contains(t, failed.StatusReason, "503")

		vars := map[string]any{"id": id}
		up.Store(true)
		var rd struct{ RedeployDeployment deploymentOut }
		c.MustDo(t, `mutation($id: ID!) { redeployDeployment(id: $id) { status } }`, vars, &rd)
		require.Equal(t, "PROVISIONING", rd.RedeployDeployment.Status)
		waitDeployment(t, c, id, "ACTIVE")

		var tm struct{ TerminateDeployment deploymentOut }
		c.MustDo(t, `mutation($id: ID!) { terminateDeployment(id: $id) { status } }`, vars, &tm)
		require.Equal(t, "TERMINATED", tm.TerminateDeployment.Status)
		e := c.Err(t, `mutation($id: ID!) { redeployDeployment(id: $id) { status } }`, vars)
		require.Equal(t, "BAD_USER_INPUT", e.Code())
		require.Contains(t, e.Message, "TERMINATED")
		time.Sleep(400 * time.Millisecond)
		waitDeployment(t, c, id, "TERMINATED") // health checks leave a terminated deployment alone
	})
}

func TestDeploymentRolloutTimesOut(t *testing.T) {
	t.Parallel()
	hs, up := modelServer(t)
	up.Store(false)
	s := testutil.NewServer(t, testutil.SQLite, testutil.ServerOptions{Env: map[string]string{"ENDPOINT_ALLOWLIST": "127.0.0.1/32"}, Deps: fastRollouts})
	c := s.Client(s.SignUp(t, "slow@example.com", viewer.RoleEnterprise).Token)
	var cr struct{ CreateDeployment deploymentOut }
	c.MustDo(t, `mutation($e: String!) { createDeployment(input: {modelName: "m", provider: SELF_HOSTED, config: {endpoint: $e}}) { id } }`,
		map[string]any{"e": hs.URL + "/v1"}, &cr)
	failed := waitDeployment(t, c, cr.CreateDeployment.ID, "FAILED")
	require.Contains(t, failed.StatusReason, "not ready within")

	// A cloud deployment has no driver in this installation: it fails with a reason instead of hanging.
	var cloud struct{ CreateDeployment deploymentOut }
	c.MustDo(t, `mutation { createDeployment(input: {modelName: "meta/llama-3.1-8b-instruct", provider: AWS, region: "us-east-1",
		config: {instanceType: "g5.xlarge", replicas: 1}}) { id } }`, nil, &cloud)
	f := waitDeployment(t, c, cloud.CreateDeployment.ID, "FAILED")
	require.Contains(t, f.StatusReason, "no driver for AWS")
}

func TestPrivateEndpointsRefused(t *testing.T) {
	t.Parallel()
	s := testutil.NewServer(t, testutil.SQLite, testutil.ServerOptions{Env: map[string]string{"ENDPOINT_ALLOWLIST": ""}})
	c := s.Client(s.SignUp(t, "ssrf@example.com", viewer.RoleEnterprise).Token)
	for _, ep := range []string{"http://127.0.0.1:8080/v1", "http://10.0.0.5/v1", "http://169.254.169.254/latest", "http://[::1]/v1",
		"http://localhost:11434/v1", "http://192.168.1.10/v1", "file:///etc/passwd"} {
		e := c.Err(t, `mutation($e: String!) { createDeployment(input: {modelName: "m", provider: SELF_HOSTED, config: {endpoint: $e}}) { id } }`, map[string]any{"e": ep})
		require.Equal(t, "BAD_USER_INPUT", e.Code(), ep)
		require.Equal(t, "config.endpoint", e.Extensions["field"], ep)
		if ep != "file:///etc/passwd" {
			require.Contains(t, e.Message, "ENDPOINT_ALLOWLIST", ep)
		}
	}
	n, err := s.DB.Client.Deployment.Query().Count(testutil.System())
	require.NoError(t, err)
	require.Zero(t, n)
}
