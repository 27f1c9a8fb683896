package graph_test

import (
	"context"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/modelarchitect/architect/internal/testutil"
	"github.com/modelarchitect/architect/internal/viewer"
	"github.com/modelarchitect/architect/internal/workers"
)

// sharedPause holds, on every replica that has it, the first operation named op to reach its pause point.
type sharedPause struct{ g atomic.Pointer[gate] }

func (p *sharedPause) pause(ctx context.Context, op string) {
	if g := p.g.Load(); g != nil {
		g.pause(ctx, op)
	}
}

// waitLockedOn returns once a session of the PostgreSQL database waits for a row lock in a statement that
// names table (pg_stat_activity), or fails the test after within.
func waitLockedOn(t *testing.T, s *testutil.Server, table string, within time.Duration) {
	t.Helper()
	deadline := time.Now().Add(within)
	for time.Now().Before(deadline) {
		var n int
		require.NoError(t, s.DB.SQL.QueryRow(`SELECT count(*) FROM pg_stat_activity
			WHERE datname = current_database() AND wait_event_type = 'Lock' AND query LIKE '%' || $1 || '%'`, `"`+table+`"`).Scan(&n))
		if n > 0 {
			return
		}
		time.Sleep(10 * time.Millisecond)
	}
	t.Fatalf("no statement on %s waited for a lock within %s", table, within)
}

// TestLoadTestFinishRacingDeploymentDelete forces, on two replicas of one PostgreSQL database, the two
// interleavings of a SWEEP of a deployment completing (which re-sizes the deployment) and the deployment
// being deleted (which, through the foreign key, sets its load tests' deployment to null). Both lock the
// deployment first and the load test second, so whichever takes the deployment first finishes and the other
// waits for it: no deadlock, no aborted transaction. With the completion locking the load test first (as it
// did), each interleaving below deadlocks and PostgreSQL aborts one side: the deletion answers with an error
// or the load test never completes.
func TestLoadTestFinishRacingDeploymentDelete(t *testing.T) {
	t.Parallel()
	hs := slottedModelServer(t)
	sp := &sharedPause{}
	env := map[string]string{"ENDPOINT_ALLOWLIST": "127.0.0.1"}
	// Health checks lock the deployment too: keep them out of the window (the rollout stays fast).
	deps := func(d *workers.Deps) { fastRollouts(d); d.HealthEvery = time.Hour }
	rs := testutil.Replicas(t, testutil.Postgres,
		testutil.ServerOptions{Env: env, Deps: deps, Pause: sp.pause}, testutil.ServerOptions{Env: env, Deps: deps, Pause: sp.pause})
	a, b := rs[0], rs[1]
	u := a.SignUp(t, "lt-delete-race@example.com", viewer.RoleEnterprise)
	ca, cb := a.Client(u.Token), b.Client(u.Token)

	// sweep starts a short SWEEP of a new deployment and returns the deployment's and the load test's ids.
	sweep := func(t *testing.T) (string, string) {
		var cd struct{ CreateDeployment struct{ ID string } }
		ca.MustDo(t, `mutation($e: String!) { createDeployment(input: {modelName: "meta/llama-3.1-8b-instruct", provider: SELF_HOSTED,
			config: {endpoint: $e, throughput: {requestsPerSecond: 5, inputTokens: 100, outputTokens: 5}, latencySlaMs: 1000}}) { id } }`,
			map[string]any{"e": hs.URL + "/v1"}, &cd)
		dep := cd.CreateDeployment.ID
		waitDeployment(t, ca, dep, "ACTIVE")
		var lt struct{ CreateLoadTest struct{ ID string } }
		ca.MustDo(t, `mutation($in: CreateLoadTestInput!) { createLoadTest(input: $in, start: true) { id } }`, map[string]any{"in": map[string]any{
			"name": "race", "deploymentId": dep, "plan": map[string]any{"mode": "SWEEP", "rates": []float64{4, 8, 60}, "maxConcurrency": 16,
				"durationSeconds": 1, "maxRequests": 200, "outputTokens": map[string]any{"kind": "FIXED", "value": 5}}}}, &lt)
		return dep, lt.CreateLoadTest.ID
	}
	deleteDep := func(dep string) *testutil.Response {
		return cb.Do(t, `mutation($id: ID!) { deleteDeployment(id: $id) }`, map[string]any{"id": dep})
	}
	t.Run("the completion holds the deployment: the deletion waits, then deletes", func(t *testing.T) {
		g := newGate("finishLoadTest")
		sp.g.Store(g)
		defer sp.g.Store(nil)
		dep, lt := sweep(t)
		select {
		case <-g.reached: // the worker, on either replica, holds its first lock
		case <-time.After(30 * time.Second):
			t.Fatal("the load test did not reach its completion")
		}
		var del *testutil.Response
		var wg sync.WaitGroup
		wg.Go(func() { del = deleteDep(dep) })
		waitLockedOn(t, a, "deployments", 10*time.Second)
		close(g.release)
		wg.Wait()
		require.Empty(t, del.Errors, "the deletion is not aborted")
		done := waitLoadTest(t, ca, lt)
		require.Equal(t, "COMPLETED", done.Status, "%v", done.Error)
		require.Nil(t, done.Deployment, "deleted after the completion: the load test keeps its results, without its deployment")
		require.Equal(t, "NOT_FOUND", ca.Err(t, `query($id: ID!) { node(id: $id) { id } }`, map[string]any{"id": dep}).Code())
	})

	t.Run("the deletion holds the deployment: the completion waits, then completes without it", func(t *testing.T) {
		g := newGate("deleteDeployment")
		sp.g.Store(g)
		defer sp.g.Store(nil)
		dep, lt := sweep(t)
		var del *testutil.Response
		var wg sync.WaitGroup
		wg.Go(func() { del = deleteDep(dep) })
		select {
		case <-g.reached:
		case <-time.After(10 * time.Second):
			t.Fatal("the deletion did not reach its pause point")
		}
		// the sweep runs on (its progress saves do not need the deployment) until its completion waits
		waitLockedOn(t, a, "deployments", 30*time.Second)
		close(g.release)
		wg.Wait()
		require.Empty(t, del.Errors, "the deletion is not aborted")
		done := waitLoadTest(t, ca, lt)
		require.Equal(t, "COMPLETED", done.Status, "%v", done.Error)
		require.Nil(t, done.Deployment)
	})
}
