package graph_test

import (
	"encoding/json"
	"fmt"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/modelarchitect/architect/internal/testutil"
	"github.com/modelarchitect/architect/internal/viewer"
)

const benchmarkSub = `subscription($id: ID!) { benchmarkUpdated(id: $id) { id status progress progressDone
	results { models { model accuracy ttft { count p50 } } } } }`

type benchmarkEvent struct {
	BenchmarkUpdated struct {
		Status       string
		Progress     float64
		ProgressDone int
		Results      *struct {
			Models []struct {
				Model    string
				Accuracy float64
				Ttft     struct {
					Count int
					P50   float64
				}
			}
		}
	}
}

// TestBenchmarkSubscription: over each websocket protocol, a subscriber sees PENDING at once, then RUNNING
// with progress, then COMPLETED with the scores, and the stream completes.
func TestBenchmarkSubscription(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		protocol, provider string
		backend            testutil.Backend
	}{
		{testutil.TransportWS, "openai", testutil.SQLite}, {testutil.LegacyWS, "openai", testutil.SQLite},
		{testutil.TransportWS, "gemini", testutil.SQLite},
		// PostgreSQL: River's PostgreSQL driver and the LISTEN/NOTIFY broker.
		{testutil.TransportWS, "openai", testutil.Postgres},
	} {
		t.Run(tc.protocol+"/"+tc.provider+"/"+string(tc.backend), func(t *testing.T) {
			t.Parallel()
			_, _, env := modelAPIs(t, 2*time.Millisecond)
			s := testutil.NewServer(t, tc.backend, testutil.ServerOptions{Env: env})
			u := s.SignUp(t, "sub@example.com", viewer.RolePro)
			c := s.Client(u.Token)
			var cr struct{ CreateBenchmark struct{ ID string } }
			c.MustDo(t, fmt.Sprintf(`mutation { createBenchmark(input: {name: "live", models: ["%s/good-one", "%s/bad-one"], dataset: %s}) { id } }`,
				tc.provider, tc.provider, dataset(12)), nil, &cr)

			sk := s.Dial(t, tc.protocol, map[string]any{"authorization": "Bearer " + u.Token})
			sk.Ack()
			sk.Subscribe("1", benchmarkSub, map[string]any{"id": cr.CreateBenchmark.ID})
			var ev benchmarkEvent
			r, typ := sk.Next("1", 5*time.Second)
			require.Contains(t, []string{"next", "data"}, typ)
			require.NoError(t, json.Unmarshal(r.Data, &ev))
			require.Equal(t, "PENDING", ev.BenchmarkUpdated.Status, "the current state at once")

			c.MustDo(t, `mutation($id: ID!) { startBenchmark(id: $id) { id } }`, map[string]any{"id": cr.CreateBenchmark.ID}, nil)
			seen := map[string]bool{}
			for {
				r, typ := sk.Next("1", 20*time.Second)
				if typ == "complete" {
					break
				}
				require.Empty(t, r.Errors)
				require.NoError(t, json.Unmarshal(r.Data, &ev))
				seen[ev.BenchmarkUpdated.Status] = true
				if ev.BenchmarkUpdated.Status == "RUNNING" && ev.BenchmarkUpdated.ProgressDone > 0 {
					seen["progress"] = true
				}
			}
			require.True(t, seen["RUNNING"], "saw RUNNING")
			require.True(t, seen["COMPLETED"], "saw COMPLETED, then the stream completed")
			b := ev.BenchmarkUpdated
			require.Equal(t, "COMPLETED", b.Status)
			require.Equal(t, 1.0, b.Progress)
			require.Len(t, b.Results.Models, 2)
			require.Equal(t, 1.0, b.Results.Models[0].Accuracy)
			require.Equal(t, 0.0, b.Results.Models[1].Accuracy)
			require.Equal(t, 12, b.Results.Models[0].Ttft.Count)
			require.Positive(t, b.Results.Models[0].Ttft.P50)
		})
	}
}

func TestSubscriptionRefusals(t *testing.T) {
	t.Parallel()
	s := testutil.NewServer(t, testutil.SQLite, testutil.ServerOptions{Env: map[string]string{"WS_REVALIDATE": "200ms"}})
	owner := s.SignUp(t, "own@example.com", viewer.RoleFree)
	other := s.SignUp(t, "other@example.com", viewer.RoleFree)
	var cr struct{ CreateBenchmark struct{ ID string } }
	s.Client(owner.Token).MustDo(t, `mutation { createBenchmark(input: {name: "b", models: ["openai/x"], dataset: `+dataset(1)+`}) { id } }`, nil, &cr)
	vars := map[string]any{"id": cr.CreateBenchmark.ID}

	t.Run("anonymous: refused at connection_init", func(t *testing.T) {
		sk := s.Dial(t, testutil.TransportWS, nil)
		code, reason := sk.CloseCode(5 * time.Second)
		require.Equal(t, 4403, code)
		require.Contains(t, reason, "sign in")
		legacy := s.Dial(t, testutil.LegacyWS, map[string]any{"authToken": "garbage"})
		m, err := legacy.Read(5 * time.Second)
		require.NoError(t, err)
		require.Equal(t, "connection_error", m.Type)
		require.Contains(t, string(m.Payload), "invalid")
	})
	t.Run("another user's row: NOT_FOUND", func(t *testing.T) {
		sk := s.Dial(t, testutil.TransportWS, map[string]any{"authToken": other.Token})
		sk.Ack()
		sk.Subscribe("x", benchmarkSub, vars)
		r, _ := sk.Next("x", 5*time.Second)
		require.Len(t, r.Errors, 1)
		require.Equal(t, "NOT_FOUND", r.Errors[0].Code())
	})
	t.Run("a revoked token's sockets are closed", func(t *testing.T) {
		// Three sockets with one token (three tabs) share its checks; each still closes.
		var li struct{ LogIn struct{ Token string } }
		s.Client("").MustDo(t, logInQ, map[string]any{"e": owner.Email, "p": "password-123"}, &li)
		var tabs []*testutil.Socket
		for range 3 {
			sk := s.Dial(t, testutil.TransportWS, map[string]any{"authorization": "Bearer " + li.LogIn.Token})
			sk.Ack()
			sk.Subscribe("1", `subscription { myBenchmarkEvents { id change } }`, nil)
			tabs = append(tabs, sk)
		}
		time.Sleep(500 * time.Millisecond) // a few checks pass first
		s.Client(li.LogIn.Token).MustDo(t, `mutation { logOut }`, nil, nil)
		for _, sk := range tabs {
			code, reason := sk.CloseCode(10 * time.Second)
			require.Equal(t, 4403, code)
			require.Contains(t, reason, "revoked")
		}
	})
	t.Run("the viewer-wide stream sees only the viewer's rows", func(t *testing.T) {
		mine := s.Dial(t, testutil.TransportWS, map[string]any{"authorization": "Bearer " + other.Token})
		mine.Ack()
		mine.Subscribe("all", `subscription { myBenchmarkEvents { change id benchmark { id name status } } }`, nil)
		time.Sleep(100 * time.Millisecond) // let the subscription reach the broker
		oc := s.Client(other.Token)
		type event struct {
			Change, ID string
			Benchmark  *struct{ Name, Status string }
		}
		receive := func() event {
			r, _ := mine.Next("all", 5*time.Second)
			var ev struct{ MyBenchmarkEvents event }
			require.NoError(t, json.Unmarshal(r.Data, &ev), "%s", r.Data)
			return ev.MyBenchmarkEvents
		}
		// One event for every change, in order: created, renamed, cancelled, deleted.
		var own struct{ CreateBenchmark struct{ ID string } }
		oc.MustDo(t, `mutation { createBenchmark(input: {name: "mine", models: ["openai/x"], dataset: `+dataset(1)+`}) { id } }`, nil, &own)
		id := own.CreateBenchmark.ID
		require.Equal(t, "PENDING", receive().Benchmark.Status)
		oc.MustDo(t, `mutation($id: ID!) { updateBenchmark(id: $id, input: {name: "renamed"}) { id } }`, map[string]any{"id": id}, nil)
		require.Equal(t, "renamed", receive().Benchmark.Name)
		oc.MustDo(t, `mutation($id: ID!) { cancelBenchmark(id: $id) { status } }`, map[string]any{"id": id}, nil)
		ev := receive()
		require.Equal(t, event{Change: "UPDATED", ID: id, Benchmark: ev.Benchmark}, ev)
		require.Equal(t, "CANCELLED", ev.Benchmark.Status)
		oc.MustDo(t, `mutation($id: ID!) { deleteBenchmark(id: $id) }`, map[string]any{"id": id}, nil)
		require.Equal(t, event{Change: "DELETED", ID: id}, receive())
	})
}

// TestDeploymentSubscription: a deployment's subscriber sees PROVISIONING, ACTIVE, then TERMINATED, after
// which the stream completes.
func TestDeploymentSubscription(t *testing.T) {
	t.Parallel()
	hs, _ := modelServer(t)
	s := testutil.NewServer(t, testutil.SQLite, testutil.ServerOptions{Env: map[string]string{"ENDPOINT_ALLOWLIST": "127.0.0.1"}, Deps: fastRollouts})
	u := s.SignUp(t, "depsub@example.com", viewer.RoleEnterprise)
	c := s.Client(u.Token)
	var cr struct{ CreateDeployment struct{ ID string } }
	c.MustDo(t, `mutation($e: String!) { createDeployment(input: {modelName: "m", provider: SELF_HOSTED, config: {endpoint: $e}}) { id } }`,
		map[string]any{"e": hs.URL + "/v1"}, &cr)
	sk := s.Dial(t, testutil.TransportWS, map[string]any{"authorization": "Bearer " + u.Token})
	sk.Ack()
	sk.Subscribe("d", `subscription($id: ID!) { deploymentUpdated(id: $id) { status statusReason } }`, map[string]any{"id": cr.CreateDeployment.ID})
	var statuses []string
	for {
		r, typ := sk.Next("d", 15*time.Second)
		if typ == "complete" {
			break
		}
		var ev struct{ DeploymentUpdated struct{ Status string } }
		require.NoError(t, json.Unmarshal(r.Data, &ev))
		st := ev.DeploymentUpdated.Status
		if len(statuses) == 0 || statuses[len(statuses)-1] != st {
			statuses = append(statuses, st)
		}
		if st == "ACTIVE" {
			c.MustDo(t, `mutation($id: ID!) { terminateDeployment(id: $id) { status } }`, map[string]any{"id": cr.CreateDeployment.ID}, nil)
		}
	}
	require.Equal(t, "ACTIVE", statuses[len(statuses)-2])
	require.Equal(t, "TERMINATED", statuses[len(statuses)-1])
}
