package graph_test

import (
	"context"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"entgo.io/ent/dialect"
	"github.com/stretchr/testify/require"

	"github.com/modelarchitect/architect/internal/database"
	"github.com/modelarchitect/architect/internal/testutil"
)

// gate holds the first operation named op that reaches its pause point (after it has read and locked the
// row it changes, before it writes) until release is called.
type gate struct {
	op      string
	once    sync.Once
	reached chan struct{}
	release chan struct{}
}

func newGate(op string) *gate {
	return &gate{op: op, reached: make(chan struct{}), release: make(chan struct{})}
}

func (g *gate) pause(_ context.Context, op string) {
	if op != g.op {
		return
	}
	held := false
	g.once.Do(func() { held = true })
	if held {
		close(g.reached)
		<-g.release
	}
}

// pauser lets one pair of replicas serve a sequence of cases, each with its own gate.
type pauser struct{ g atomic.Pointer[gate] }

func (p *pauser) pause(ctx context.Context, op string) {
	if g := p.g.Load(); g != nil {
		g.pause(ctx, op)
	}
}

// pair is two replicas on one database: a, whose operations a test can hold at their pause point, and b.
type pair struct {
	a, b   *testutil.Server
	pauser *pauser
}

func newPair(t *testing.T, backend testutil.Backend, env map[string]string) *pair {
	t.Helper()
	p := &pair{pauser: &pauser{}}
	rs := testutil.Replicas(t, backend,
		testutil.ServerOptions{Env: env, Pause: p.pauser.pause},
		testutil.ServerOptions{Env: env})
	p.a, p.b = rs[0], rs[1]
	return p
}

// interleave forces the interleaving a read-then-write race needs: first runs on replica a and is held
// after its read (at the pause point op); then second runs on replica b; once second is blocked waiting for
// first's lock (or has finished, as it would without one), first is let go. It returns both responses.
func (p *pair) interleave(t *testing.T, op string, first, second func(s *testutil.Server) *testutil.Response) (*testutil.Response, *testutil.Response) {
	t.Helper()
	g := newGate(op)
	p.pauser.g.Store(g)
	defer p.pauser.g.Store(nil)
	var r1, r2 *testutil.Response
	done1, done2 := make(chan struct{}), make(chan struct{})
	go func() { defer close(done1); r1 = first(p.a) }()
	select {
	case <-g.reached:
	case <-done1:
		t.Fatalf("the first operation finished without reaching %s: %+v", op, r1)
	case <-time.After(10 * time.Second):
		t.Fatalf("the first operation did not reach %s", op)
	}
	go func() { defer close(done2); r2 = second(p.b) }()
	waitBlocked(t, p.a.DB, done2)
	close(g.release)
	for _, d := range []chan struct{}{done1, done2} {
		select {
		case <-d:
		case <-time.After(20 * time.Second):
			t.Fatal("an operation did not finish")
		}
	}
	return r1, r2
}

// waitBlocked returns once a session of db's database waits for a lock (PostgreSQL), or done is closed, or
// a while has passed (SQLite, whose write transactions wait for each other inside the driver).
func waitBlocked(t *testing.T, db *database.DB, done <-chan struct{}) {
	t.Helper()
	deadline := time.Now().Add(3 * time.Second)
	if db.Dialect == dialect.SQLite {
		deadline = time.Now().Add(300 * time.Millisecond)
	}
	for time.Now().Before(deadline) {
		select {
		case <-done:
			return
		default:
		}
		if db.Dialect == dialect.Postgres {
			var waiting int
			require.NoError(t, db.SQL.QueryRow(`SELECT count(*) FROM pg_stat_activity
				WHERE datname = current_database() AND wait_event_type = 'Lock'`).Scan(&waiting))
			if waiting > 0 {
				return
			}
		}
		time.Sleep(10 * time.Millisecond)
	}
}

// chunkJobs counts the benchmark chunk jobs enqueued for benchmark row id.
func chunkJobs(t *testing.T, db *database.DB, id int) int {
	t.Helper()
	q := `SELECT count(*) FROM river_job WHERE kind = 'benchmark_chunk' AND (args->>'benchmark_id')::bigint = $1`
	if db.Dialect == dialect.SQLite {
		q = `SELECT count(*) FROM river_job WHERE kind = 'benchmark_chunk' AND json_extract(args, '$.benchmark_id') = $1`
	}
	var n int
	require.NoError(t, db.SQL.QueryRow(q, id).Scan(&n))
	return n
}

// outcomes sorts responses into successes and the codes of failures.
func outcomes(rs ...*testutil.Response) (ok int, codes []string) {
	for _, r := range rs {
		if len(r.Errors) == 0 {
			ok++
			continue
		}
		codes = append(codes, r.Errors[0].Code())
	}
	return ok, codes
}
