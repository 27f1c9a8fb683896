package graph_test

import (
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/modelarchitect/architect/internal/ledger"
	"github.com/modelarchitect/architect/internal/testutil"
	"github.com/modelarchitect/architect/internal/viewer"
)

// TestLoadTestInterleavings forces, on two replicas of one database, the read-then-write races of a load
// test's start: the first operation is held after its read (or inside its quota check) while the second runs.
func TestLoadTestInterleavings(t *testing.T) {
	t.Parallel()
	eachBackend(t, func(t *testing.T, b testutil.Backend) {
		_, _, env := modelAPIs(t, 0)
		p := newPair(t, b, env)
		pro := p.a.SignUp(t, "lt-race@example.com", viewer.RolePro)
		client := func(s *testutil.Server) *testutil.Client { return s.Client(pro.Token) }
		const startLT = `mutation($id: ID!) { startLoadTest(id: $id) { status } }`
		create := func(maxRequests int) string {
			var cr struct{ CreateLoadTest struct{ ID string } }
			client(p.a).MustDo(t, `mutation($n: Int!) { createLoadTest(input: {name: "race", model: "openai/good-a",
				plan: {mode: CONCURRENCY, concurrency: 1, maxConcurrency: 1, durationSeconds: 1, maxRequests: $n}}) { id } }`,
				map[string]any{"n": maxRequests}, &cr)
			return cr.CreateLoadTest.ID
		}

		t.Run("a load test and a benchmark racing for the shared quota: one fits", func(t *testing.T) {
			// First, while the ledger is empty: PRO's 100,000 calls a day, 99,000 of them used: a 700-request load test and a 2 × 300-call benchmark
			// each fit alone, not together.
			day := ledger.Day(time.Now())
			require.NoError(t, p.a.DB.Client.QuotaLedger.Create().SetOwnerID(pro.RowID).SetDay(day).
				SetKind(ledger.Benchmark).SetUsed(99_000).Exec(testutil.System()))
			lt := create(700)
			bench, _ := createBenchmark(t, client(p.a), []string{"openai/good-a", "openai/good-b"}, 300)
			r1, r2 := p.interleave(t, "reserveQuota", do(client, startLT, map[string]any{"id": lt}, t),
				do(client, startQ, map[string]any{"id": bench}, t))
			ok, codes := outcomes(r1, r2)
			require.Equal(t, 1, ok, "%+v %+v", r1.Errors, r2.Errors)
			require.Equal(t, []string{"RATE_LIMITED"}, codes)
			held := 0
			for _, k := range []ledger.Kind{ledger.Benchmark, ledger.LoadTest} {
				l, err := ledger.Get(testutil.System(), p.a.DB.Client, ledger.Key{Owner: pro.RowID, Day: day, Kind: k})
				require.NoError(t, err)
				held += l.Reserved + l.Used
			}
			require.LessOrEqual(t, held, 100_000, "never reserved past the quota")
			// let the winner finish, so that the next subtest's ledger counts only its own calls
			if len(r1.Errors) == 0 {
				waitLoadTest(t, client(p.a), lt)
			} else {
				waitBenchmark(t, client(p.a), bench)
			}
		})

		t.Run("start racing start: one run, one reservation", func(t *testing.T) {
			used := func() int {
				l, err := ledger.Get(testutil.System(), p.a.DB.Client, ledger.Key{Owner: pro.RowID, Day: ledger.Day(time.Now()), Kind: ledger.LoadTest})
				require.NoError(t, err)
				return l.Used
			}
			before := used()
			id := create(5)
			vars := map[string]any{"id": id}
			r1, r2 := p.interleave(t, "startLoadTest", do(client, startLT, vars, t), do(client, startLT, vars, t))
			ok, codes := outcomes(r1, r2)
			require.Equal(t, 1, ok, "exactly one start succeeds: %+v %+v", r1.Errors, r2.Errors)
			require.Equal(t, []string{"BAD_USER_INPUT"}, codes)
			require.Regexp(t, "the load test is (RUNNING|COMPLETED): only a PENDING load test can start", r2.Errors[0].Message)
			done := waitLoadTest(t, client(p.a), id)
			require.Equal(t, "COMPLETED", done.Status)
			// one job ran: the calls counted are the one run's, at most its 5 requests
			require.Equal(t, done.Result.Steps[0].Sent, used()-before)
			require.LessOrEqual(t, used()-before, 5)
		})

		t.Run("cancel racing start: never RUNNING after CANCELLED", func(t *testing.T) {
			id := create(5)
			vars := map[string]any{"id": id}
			r1, r2 := p.interleave(t, "cancelLoadTest", do(client, `mutation($id: ID!) { cancelLoadTest(id: $id) { status } }`, vars, t),
				do(client, startLT, vars, t))
			require.Empty(t, r1.Errors)
			require.Len(t, r2.Errors, 1)
			require.Contains(t, r2.Errors[0].Message, "the load test is CANCELLED")
		})

	})
}
