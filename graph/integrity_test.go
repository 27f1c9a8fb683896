package graph_test

import (
	"encoding/json"
	"fmt"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/modelarchitect/architect/ent/quotaledger"
	"github.com/modelarchitect/architect/internal/gid"
	"github.com/modelarchitect/architect/internal/ledger"
	"github.com/modelarchitect/architect/internal/testutil"
	"github.com/modelarchitect/architect/internal/viewer"
	"github.com/modelarchitect/architect/internal/workers"
)

const (
	startQ  = `mutation($id: ID!) { startBenchmark(id: $id) { id status progressTotal } }`
	updateQ = `mutation($id: ID!, $in: UpdateBenchmarkInput!) { updateBenchmark(id: $id, input: $in) { id progressTotal } }`
)

func createBenchmark(t *testing.T, c *testutil.Client, models []string, items int) (string, int) {
	t.Helper()
	var cr struct{ CreateBenchmark struct{ ID string } }
	c.MustDo(t, fmt.Sprintf(`mutation($m: [String!]!) { createBenchmark(input: {name: "race", models: $m, dataset: %s}) { id } }`,
		dataset(items)), map[string]any{"m": models}, &cr)
	row, err := gid.Decode(cr.CreateBenchmark.ID)
	require.NoError(t, err)
	return cr.CreateBenchmark.ID, row
}

func do(c func(s *testutil.Server) *testutil.Client, q string, vars map[string]any, t *testing.T) func(s *testutil.Server) *testutil.Response {
	return func(s *testutil.Server) *testutil.Response { return c(s).Do(t, q, vars) }
}

// TestBenchmarkInterleavings forces, on two replicas of one database, each read-then-write race of a
// benchmark's lifecycle: the first operation is held after its read while the second runs.
func TestBenchmarkInterleavings(t *testing.T) {
	t.Parallel()
	eachBackend(t, func(t *testing.T, b testutil.Backend) {
		_, _, env := modelAPIs(t, 0)
		p := newPair(t, b, env)
		pro := p.a.SignUp(t, "race@example.com", viewer.RolePro)
		client := func(s *testutil.Server) *testutil.Client { return s.Client(pro.Token) }
		models := []string{"openai/good-a", "openai/good-b"}

		t.Run("start racing start: one run, one set of jobs", func(t *testing.T) {
			id, row := createBenchmark(t, client(p.a), models, 3)
			vars := map[string]any{"id": id}
			r1, r2 := p.interleave(t, "startBenchmark", do(client, startQ, vars, t), do(client, startQ, vars, t))
			ok, codes := outcomes(r1, r2)
			require.Equal(t, 1, ok, "exactly one start succeeds: %+v %+v", r1.Errors, r2.Errors)
			require.Equal(t, []string{"BAD_USER_INPUT"}, codes)
			require.Regexp(t, "the benchmark is (RUNNING|COMPLETED): only a PENDING benchmark can start", r2.Errors[0].Message)
			require.Equal(t, 2, chunkJobs(t, p.a.DB, row), "one job per model and chunk")
		})

		t.Run("update racing start: the run uses the updated dataset", func(t *testing.T) {
			id, row := createBenchmark(t, client(p.a), models, 3)
			vars := map[string]any{"id": id, "in": map[string]any{"dataset": []map[string]any{
				{"input": "What is 1+1?", "expected": "2", "assertion": "CONTAINS"}}}}
			r1, r2 := p.interleave(t, "updateBenchmark", do(client, updateQ, vars, t), do(client, startQ, map[string]any{"id": id}, t))
			require.Empty(t, r1.Errors)
			require.Empty(t, r2.Errors, "the start waits for the update and then starts the updated benchmark")
			require.Contains(t, string(r2.Data), `"progressTotal":2`)
			require.Equal(t, 2, chunkJobs(t, p.a.DB, row))
			done := waitBenchmark(t, client(p.a), id)
			require.Equal(t, "COMPLETED", done.Status)
			require.Equal(t, 2, done.ItemResults.TotalCount)
		})

		t.Run("start racing update: the update is refused", func(t *testing.T) {
			id, _ := createBenchmark(t, client(p.a), models, 3)
			vars := map[string]any{"id": id, "in": map[string]any{"dataset": []map[string]any{
				{"input": "What is 1+1?", "expected": "2", "assertion": "CONTAINS"}}}}
			r1, r2 := p.interleave(t, "startBenchmark", do(client, startQ, map[string]any{"id": id}, t), do(client, updateQ, vars, t))
			require.Empty(t, r1.Errors)
			require.Len(t, r2.Errors, 1)
			require.Equal(t, "BAD_USER_INPUT", r2.Errors[0].Code())
			require.Regexp(t, "the benchmark is (RUNNING|COMPLETED): only a PENDING benchmark can change", r2.Errors[0].Message)
			done := waitBenchmark(t, client(p.a), id)
			require.Equal(t, "COMPLETED", done.Status)
			require.Equal(t, 6, done.ItemResults.TotalCount, "the run used the dataset it started with")
		})

		t.Run("cancel racing start: never RUNNING after CANCELLED", func(t *testing.T) {
			id, _ := createBenchmark(t, client(p.a), models, 3)
			cancelQ := `mutation($id: ID!) { cancelBenchmark(id: $id) { status } }`
			vars := map[string]any{"id": id}
			r1, r2 := p.interleave(t, "cancelBenchmark", do(client, cancelQ, vars, t), do(client, startQ, vars, t))
			require.Empty(t, r1.Errors)
			require.Len(t, r2.Errors, 1)
			require.Contains(t, r2.Errors[0].Message, "the benchmark is CANCELLED")
		})
	})
}

// TestQuotaInterleaving: two starts of one owner's benchmarks that each fit the daily quota alone, but not
// together, are held between reading the ledger and reserving: exactly one is accepted.
func TestQuotaInterleaving(t *testing.T) {
	t.Parallel()
	eachBackend(t, func(t *testing.T, b testutil.Backend) {
		_, _, env := modelAPIs(t, 0)
		p := newPair(t, b, env)
		free := p.a.SignUp(t, "quota-race@example.com", viewer.RoleFree)
		client := func(s *testutil.Server) *testutil.Client { return s.Client(free.Token) }
		// 800 of the FREE quota of 1,000 calls are used today.
		today := ledger.Day(time.Now())
		require.NoError(t, p.a.DB.Client.QuotaLedger.Create().SetOwnerID(free.RowID).SetDay(today).
			SetKind(ledger.Benchmark).SetUsed(800).Exec(testutil.System()))
		first, _ := createBenchmark(t, client(p.a), []string{"openai/good-a", "openai/good-b"}, 100)
		second, _ := createBenchmark(t, client(p.a), []string{"openai/good-a", "openai/good-b"}, 100)
		r1, r2 := p.interleave(t, "reserveQuota", do(client, startQ, map[string]any{"id": first}, t),
			do(client, startQ, map[string]any{"id": second}, t))
		ok, codes := outcomes(r1, r2)
		require.Equal(t, 1, ok, "%+v %+v", r1.Errors, r2.Errors)
		require.Equal(t, []string{"RATE_LIMITED"}, codes)
		row, err := p.a.DB.Client.QuotaLedger.Query().Where(quotaledger.OwnerID(free.RowID), quotaledger.Day(today), quotaledger.KindEQ(ledger.Benchmark)).
			Only(testutil.System())
		require.NoError(t, err)
		require.Equal(t, 1000, row.Reserved+row.Used)
	})
}

// TestParallelStarts sends real parallel requests to two replicas of one database: N starts of one
// benchmark give one run and one set of jobs; N starts of one owner's benchmarks never reserve past the
// daily quota; and deleting benchmarks that ran gives none of their calls back.
func TestParallelStarts(t *testing.T) {
	t.Parallel()
	eachBackend(t, func(t *testing.T, b testutil.Backend) {
		_, _, env := modelAPIs(t, 0)
		rs := testutil.Replicas(t, b, testutil.ServerOptions{Env: env}, testutil.ServerOptions{Env: env})
		free := rs[0].SignUp(t, "parallel@example.com", viewer.RoleFree)
		clients := []*testutil.Client{rs[0].Client(free.Token), rs[1].Client(free.Token)}
		models := []string{"openai/good-a", "openai/good-b"}
		parallel := func(n int, vars func(i int) map[string]any) []*testutil.Response {
			out := make([]*testutil.Response, n)
			var wg sync.WaitGroup
			for i := range n {
				wg.Go(func() { out[i] = clients[i%2].Do(t, startQ, vars(i)) })
			}
			wg.Wait()
			return out
		}

		id, row := createBenchmark(t, clients[0], models, 30)
		ok, _ := outcomes(parallel(20, func(int) map[string]any { return map[string]any{"id": id} })...)
		require.Equal(t, 1, ok, "20 parallel starts of one benchmark")
		require.Equal(t, 4, chunkJobs(t, rs[0].DB, row), "2 models × 2 chunks of 25 items")
		require.Equal(t, "COMPLETED", waitBenchmark(t, clients[0], id).Status)

		// 60 calls are used; 10 benchmarks of 200 calls each, started at once: 4 fit in the 940 left.
		var ids []string
		for range 10 {
			id, _ := createBenchmark(t, clients[0], models, 100)
			ids = append(ids, id)
		}
		ok, codes := outcomes(parallel(10, func(i int) map[string]any { return map[string]any{"id": ids[i]} })...)
		require.Equal(t, 4, ok, "codes %v", codes)
		for _, c := range codes {
			require.Equal(t, "RATE_LIMITED", c)
		}
		var finished, pending []string
		for _, id := range ids {
			if out := waitOrPending(t, clients[0], id); out == "COMPLETED" {
				finished = append(finished, id)
			} else {
				pending = append(pending, id)
			}
		}
		require.Len(t, finished, 4)
		used := func() int {
			l, err := ledger.Get(testutil.System(), rs[0].DB.Client, ledger.Key{Owner: free.RowID, Day: ledger.Day(time.Now()), Kind: ledger.Benchmark})
			require.NoError(t, err)
			require.Zero(t, l.Reserved, "finished runs hold nothing")
			return l.Used
		}
		require.Equal(t, 860, used())
		for _, id := range finished {
			clients[1].MustDo(t, `mutation($id: ID!) { deleteBenchmark(id: $id) }`, map[string]any{"id": id}, nil)
		}
		require.Equal(t, 860, used(), "deleting benchmarks that ran gives no calls back")
		r := clients[0].Do(t, startQ, map[string]any{"id": pending[0]})
		require.Len(t, r.Errors, 1, "200 more calls do not fit")
		require.Equal(t, "RATE_LIMITED", r.Errors[0].Code())
		require.True(t, strings.Contains(r.Errors[0].Message, "860 used today"), r.Errors[0].Message)
	})
}

// waitOrPending waits for a started benchmark to finish, or returns PENDING for one that never started.
func waitOrPending(t *testing.T, c *testutil.Client, id string) string {
	t.Helper()
	var out struct{ Node struct{ Status string } }
	c.MustDo(t, `query($id: ID!) { node(id: $id) { ... on Benchmark { status } } }`, map[string]any{"id": id}, &out)
	if out.Node.Status == "PENDING" {
		return "PENDING"
	}
	return waitBenchmark(t, c, id).Status
}

// TestProgressNeverGoesBack runs a benchmark whose chunks (on both replicas' workers) save progress at the
// same time, and watches it from a third connection: progressDone never decreases and ends at the total,
// and the owner's ledger ends with every call used and none held.
func TestProgressNeverGoesBack(t *testing.T) {
	t.Parallel()
	eachBackend(t, func(t *testing.T, b testutil.Backend) {
		_, _, env := modelAPIs(t, 2*time.Millisecond)
		env["BENCHMARK_CHUNK_SIZE"] = "10"
		env["OPENAI_CONCURRENCY"] = "8"
		often := func(d *workers.Deps) { d.ProgressEvery = time.Millisecond }
		var s, other *testutil.Server
		if b == testutil.SQLite {
			s = testutil.NewServer(t, b, testutil.ServerOptions{Env: env, Deps: often})
			other = s
		} else {
			rs := testutil.Replicas(t, b, testutil.ServerOptions{Env: env, Deps: often}, testutil.ServerOptions{Env: env, Deps: often})
			s, other = rs[0], rs[1]
		}
		u := s.SignUp(t, "progress@example.com", viewer.RolePro)
		id, _ := createBenchmark(t, s.Client(u.Token), []string{"openai/good-a", "openai/good-b"}, 100)
		sk := s.Dial(t, testutil.TransportWS, map[string]any{"authorization": "Bearer " + u.Token})
		sk.Ack()
		sk.Subscribe("p", `subscription($id: ID!) { benchmarkUpdated(id: $id) { status progressDone progressTotal } }`, map[string]any{"id": id})
		sk.Next("p", 5*time.Second)
		other.Client(u.Token).MustDo(t, startQ, map[string]any{"id": id}, nil)
		last, events := -1, 0
		for {
			r, typ := sk.Next("p", 30*time.Second)
			if typ == "complete" {
				break
			}
			require.Empty(t, r.Errors)
			var ev struct {
				BenchmarkUpdated struct {
					Status                      string
					ProgressDone, ProgressTotal int
				}
			}
			require.NoError(t, json.Unmarshal(r.Data, &ev))
			require.GreaterOrEqual(t, ev.BenchmarkUpdated.ProgressDone, last, "progress went back after %d events", events)
			last = ev.BenchmarkUpdated.ProgressDone
			events++
		}
		require.Equal(t, 200, last)
		t.Logf("%d events", events)
		l, err := ledger.Get(testutil.System(), s.DB.Client, ledger.Key{Owner: u.RowID, Day: ledger.Day(time.Now()), Kind: ledger.Benchmark})
		require.NoError(t, err)
		require.Equal(t, 200, l.Used)
		require.Zero(t, l.Reserved)
	})
}
