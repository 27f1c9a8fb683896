package graph_test

import (
	"context"
	"encoding/json"
	"fmt"
	"sync"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/modelarchitect/architect/ent/tombstone"
	"github.com/modelarchitect/architect/internal/events"
	"github.com/modelarchitect/architect/internal/gid"
	"github.com/modelarchitect/architect/internal/live"
	"github.com/modelarchitect/architect/internal/testutil"
	"github.com/modelarchitect/architect/internal/viewer"
)

// replicasFor is two replicas on PostgreSQL (events cross them by NOTIFY); on SQLite, where one process
// owns the database file, the same server twice.
func replicasFor(t *testing.T, b testutil.Backend, env map[string]string) (*testutil.Server, *testutil.Server) {
	t.Helper()
	if b == testutil.SQLite {
		s := testutil.NewServer(t, b, testutil.ServerOptions{Env: env})
		return s, s
	}
	rs := testutil.Replicas(t, b, testutil.ServerOptions{Env: env}, testutil.ServerOptions{Env: env})
	return rs[0], rs[1]
}

// listen collects the events of kind for owner that s's broker delivers; take(t, n) returns the next n and
// fails when more arrive soon after.
func listen(t *testing.T, s *testutil.Server, kind string, owner int) func(t *testing.T, n int) []events.Event {
	t.Helper()
	ctx, cancel := context.WithCancel(context.Background())
	t.Cleanup(cancel)
	sub, err := s.App.Events.Subscribe(ctx, events.ByOwner(kind, owner))
	require.NoError(t, err)
	var (
		mu   sync.Mutex
		got  []events.Notice
		seen int
	)
	go func() {
		for nt := range sub.C() {
			mu.Lock()
			got = append(got, nt)
			mu.Unlock()
		}
	}()
	return func(t *testing.T, n int) []events.Event {
		t.Helper()
		count := func() int { mu.Lock(); defer mu.Unlock(); return len(got) - seen }
		require.Eventually(t, func() bool { return count() >= n }, 5*time.Second, 5*time.Millisecond,
			"%d %s events expected", n, kind)
		time.Sleep(300 * time.Millisecond)
		mu.Lock()
		defer mu.Unlock()
		require.Len(t, got[seen:], n, "no event more than expected")
		var out []events.Event
		for _, nt := range got[seen:] {
			require.False(t, nt.Resync, "no event lost")
			out = append(out, nt.Event)
		}
		seen = len(got)
		return out
	}
}

func rowID(t *testing.T, id string) int {
	t.Helper()
	n, err := gid.Decode(id)
	require.NoError(t, err)
	return n
}

// TestEveryChangeIsAnnouncedOnce: every mutation of a streamed row, and every cascade, produces exactly one
// event on every replica, after commit, in commit order, with the row's version; deletions say so.
func TestEveryChangeIsAnnouncedOnce(t *testing.T) {
	t.Parallel()
	eachBackend(t, func(t *testing.T, b testutil.Backend) {
		// No workers: only the mutations below change rows.
		a, other := replicasFor(t, b, map[string]string{"WORKERS": "false", "ENDPOINT_ALLOWLIST": "127.0.0.1"})
		u := a.SignUp(t, "events@example.com", viewer.RoleEnterprise)
		ca, cb := a.Client(u.Token), other.Client(u.Token)
		benchmarks, deployments := listen(t, a, live.Benchmark, u.RowID), listen(t, a, live.Deployment, u.RowID)

		t.Run("benchmark: create, update, start, cancel, delete", func(t *testing.T) {
			var cr struct{ CreateBenchmark struct{ ID string } }
			ca.MustDo(t, `mutation { createBenchmark(input: {name: "b", models: ["openai/x"], dataset: `+dataset(1)+`}) { id } }`, nil, &cr)
			vars := map[string]any{"id": cr.CreateBenchmark.ID}
			cb.MustDo(t, `mutation($id: ID!) { updateBenchmark(id: $id, input: {name: "c"}) { id } }`, vars, nil)
			ca.MustDo(t, `mutation($id: ID!) { startBenchmark(id: $id) { id } }`, vars, nil)
			cb.MustDo(t, `mutation($id: ID!) { cancelBenchmark(id: $id) { id } }`, vars, nil)
			ca.MustDo(t, `mutation($id: ID!) { deleteBenchmark(id: $id) }`, vars, nil)
			id := rowID(t, cr.CreateBenchmark.ID)
			require.Equal(t, []events.Event{
				{Kind: live.Benchmark, ID: id, OwnerID: u.RowID, Status: "PENDING", Version: 0},
				{Kind: live.Benchmark, ID: id, OwnerID: u.RowID, Status: "PENDING", Version: 1},
				{Kind: live.Benchmark, ID: id, OwnerID: u.RowID, Status: "RUNNING", Version: 2},
				{Kind: live.Benchmark, ID: id, OwnerID: u.RowID, Status: "CANCELLED", Version: 3},
				{Kind: live.Benchmark, ID: id, OwnerID: u.RowID, Deleted: true},
			}, benchmarks(t, 5))
			// A stream that resyncs (it lost events) learns of the deletion from its tombstone.
			stone, err := a.DB.Client.Tombstone.Query().Where(tombstone.RowID(id)).Only(testutil.System())
			require.NoError(t, err)
			require.Equal(t, u.RowID, stone.OwnerID)
			require.Equal(t, live.Benchmark, stone.Kind)
		})

		t.Run("benchmark created and started in one mutation: one event", func(t *testing.T) {
			var cr struct{ CreateBenchmark struct{ ID string } }
			cb.MustDo(t, `mutation { createBenchmark(input: {name: "b", models: ["openai/x"], dataset: `+dataset(1)+`}, start: true) { id } }`, nil, &cr)
			require.Equal(t, []events.Event{{Kind: live.Benchmark, ID: rowID(t, cr.CreateBenchmark.ID), OwnerID: u.RowID, Status: "RUNNING", Version: 1}},
				benchmarks(t, 1))
		})

		t.Run("deployment: create, update, terminate, delete", func(t *testing.T) {
			var cr struct{ CreateDeployment struct{ ID string } }
			ca.MustDo(t, `mutation { createDeployment(input: {modelName: "m", provider: SELF_HOSTED, config: {endpoint: "http://127.0.0.1:9/v1"}}) { id } }`, nil, &cr)
			vars := map[string]any{"id": cr.CreateDeployment.ID}
			cb.MustDo(t, `mutation($id: ID!) { updateDeployment(id: $id, input: {region: "home"}) { id } }`, vars, nil)
			ca.MustDo(t, `mutation($id: ID!) { terminateDeployment(id: $id) { id } }`, vars, nil)
			cb.MustDo(t, `mutation($id: ID!) { deleteDeployment(id: $id) }`, vars, nil)
			id := rowID(t, cr.CreateDeployment.ID)
			require.Equal(t, []events.Event{
				{Kind: live.Deployment, ID: id, OwnerID: u.RowID, Status: "PROVISIONING", Version: 0},
				{Kind: live.Deployment, ID: id, OwnerID: u.RowID, Status: "PROVISIONING", Version: 1},
				{Kind: live.Deployment, ID: id, OwnerID: u.RowID, Status: "TERMINATED", Version: 2},
				{Kind: live.Deployment, ID: id, OwnerID: u.RowID, Deleted: true},
			}, deployments(t, 4))
		})

		t.Run("parallel changes of one row arrive in commit order", func(t *testing.T) {
			var cr struct{ CreateBenchmark struct{ ID string } }
			ca.MustDo(t, `mutation { createBenchmark(input: {name: "b", models: ["openai/x"], dataset: `+dataset(1)+`}) { id } }`, nil, &cr)
			var wg sync.WaitGroup
			for i := range 20 {
				c := []*testutil.Client{ca, cb}[i%2]
				wg.Go(func() {
					c.MustDo(t, `mutation($id: ID!, $n: String!) { updateBenchmark(id: $id, input: {name: $n}) { id } }`,
						map[string]any{"id": cr.CreateBenchmark.ID, "n": fmt.Sprint("name ", i)}, nil)
				})
			}
			wg.Wait()
			got := benchmarks(t, 21)
			for i, ev := range got {
				require.EqualValues(t, i, ev.Version, "the %d-th event is the %d-th state", i, i)
			}
		})

		t.Run("deleting the account announces the deletion of its rows", func(t *testing.T) {
			var b struct{ CreateBenchmark struct{ ID string } }
			ca.MustDo(t, `mutation { createBenchmark(input: {name: "b", models: ["openai/x"], dataset: `+dataset(1)+`}) { id } }`, nil, &b)
			var d struct{ CreateDeployment struct{ ID string } }
			ca.MustDo(t, `mutation { createDeployment(input: {modelName: "m", provider: SELF_HOSTED, config: {endpoint: "http://127.0.0.1:9/v1"}}) { id } }`, nil, &d)
			benchmarks(t, 1)
			deployments(t, 1)
			cb.MustDo(t, `mutation { deleteMe(input: {password: "password-123"}) }`, nil, nil)
			var left []int
			for _, ev := range benchmarks(t, 3) { // the two left by the subtests above, and this one
				require.True(t, ev.Deleted, "%+v", ev)
				left = append(left, ev.ID)
			}
			require.Contains(t, left, rowID(t, b.CreateBenchmark.ID))
			require.Equal(t, []events.Event{{Kind: live.Deployment, ID: rowID(t, d.CreateDeployment.ID), OwnerID: u.RowID, Deleted: true}},
				deployments(t, 1))
		})
	})
}

// TestDeletedRowsEndTheirStreams: a subscriber of one row hears of its deletion (a last response with
// NOT_FOUND, then complete), and the viewer-wide stream carries the deletion with the row's id; on two
// replicas, the subscriber on one and the delete on the other.
func TestDeletedRowsEndTheirStreams(t *testing.T) {
	t.Parallel()
	eachBackend(t, func(t *testing.T, b testutil.Backend) {
		a, other := replicasFor(t, b, map[string]string{"WORKERS": "false"})
		u := a.SignUp(t, "gone@example.com", viewer.RoleEnterprise)
		var cr struct{ CreateBenchmark struct{ ID string } }
		a.Client(u.Token).MustDo(t, `mutation { createBenchmark(input: {name: "b", models: ["openai/x"], dataset: `+dataset(1)+`}) { id } }`, nil, &cr)
		id := cr.CreateBenchmark.ID

		sk := a.Dial(t, testutil.TransportWS, map[string]any{"authorization": "Bearer " + u.Token})
		sk.Ack()
		sk.Subscribe("row", `subscription($id: ID!) { benchmarkUpdated(id: $id) { id status } }`, map[string]any{"id": id})
		all := a.Dial(t, testutil.TransportWS, map[string]any{"authorization": "Bearer " + u.Token})
		all.Ack()
		all.Subscribe("all", `subscription { myBenchmarkEvents { change id benchmark { id } } }`, nil)
		r, _ := sk.Next("row", 5*time.Second)
		require.Empty(t, r.Errors)
		time.Sleep(100 * time.Millisecond) // the viewer-wide subscription reaches the broker

		other.Client(u.Token).MustDo(t, `mutation($id: ID!) { deleteBenchmark(id: $id) }`, map[string]any{"id": id}, nil)
		r, typ := sk.Next("row", 5*time.Second)
		require.Equal(t, "next", typ)
		require.JSONEq(t, "null", string(r.Data))
		require.Len(t, r.Errors, 1)
		require.Equal(t, "NOT_FOUND", r.Errors[0].Code())
		require.Equal(t, "the benchmark was deleted", r.Errors[0].Message)
		_, typ = sk.Next("row", 5*time.Second)
		require.Equal(t, "complete", typ)

		var ev struct {
			MyBenchmarkEvents struct {
				Change, ID string
				Benchmark  json.RawMessage
			}
		}
		// The create's own event may reach the new subscription late (PostgreSQL delivers NOTIFY on its own
		// schedule), as an UPDATED of the same row before its deletion; nothing else may come first.
		for range 2 {
			r, _ = all.Next("all", 5*time.Second)
			require.NoError(t, json.Unmarshal(r.Data, &ev))
			if ev.MyBenchmarkEvents.Change != "UPDATED" {
				break
			}
			require.Equal(t, id, ev.MyBenchmarkEvents.ID)
		}
		require.Equal(t, "DELETED", ev.MyBenchmarkEvents.Change)
		require.Equal(t, id, ev.MyBenchmarkEvents.ID)
		require.JSONEq(t, "null", string(ev.MyBenchmarkEvents.Benchmark))
	})
}
