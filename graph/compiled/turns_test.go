package compiled_test

import (
	"context"
	"sync"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/modelarchitect/architect/graph/compiled"
	tu "github.com/modelarchitect/architect/internal/testutil"
)

// TestInFlight: with InFlight set, no more statements run at once than it allows, every one of them runs in
// the end, and one whose request ends while it waits returns at once without running, counted as ended.
// Each probe asks PostgreSQL how many probes are running beside it, itself included, and holds on for 30 ms.
func TestInFlight(t *testing.T) {
	if tu.PostgresURL() == "" {
		t.Skip("TEST_DATABASE_URL is not set")
	}
	db := tu.NewDB(t, tu.Postgres, tu.DBOptions{})
	const probe = `SELECT count(*) FROM pg_stat_activity WHERE state = 'active' AND query LIKE '%in-flight probe%' AND pg_sleep(0.03) IS NOT NULL -- in-flight probe`
	stmt, err := db.SQL.PrepareContext(context.Background(), probe)
	require.NoError(t, err)
	t.Cleanup(func() { _ = stmt.Close() })

	most := func(c *compiled.Compiler, n int) int64 {
		var (
			wg      sync.WaitGroup
			mu      sync.Mutex
			highest int64
		)
		for range n {
			wg.Go(func() {
				var running int64
				assert.NoError(t, c.Run(context.Background(), stmt, &running))
				mu.Lock()
				highest = max(highest, running)
				mu.Unlock()
			})
		}
		wg.Wait()
		return highest
	}
	// Without a limit the probes do overlap, so the count below can see a limit that does not hold.
	require.Greater(t, most(compiled.New(compiled.Config{DB: db.SQL}), 12), int64(2))
	require.LessOrEqual(t, most(compiled.New(compiled.Config{DB: db.SQL, InFlight: 2}), 12), int64(2))

	// A request whose context ends while it waits for its turn returns then, without running: the turn is
	// held by a statement of 2 s, seen running in PostgreSQL before the request comes.
	hold, err := db.SQL.PrepareContext(context.Background(), `SELECT pg_sleep(2) IS NOT NULL -- turn holder`)
	require.NoError(t, err)
	t.Cleanup(func() { _ = hold.Close() })
	c := compiled.New(compiled.Config{DB: db.SQL, InFlight: 1})
	held := make(chan error, 1)
	go func() {
		var ok bool
		held <- c.Run(context.Background(), hold, &ok)
	}()
	require.Eventually(t, func() bool {
		var n int
		err := db.SQL.QueryRow(`SELECT count(*) FROM pg_stat_activity WHERE state = 'active' AND query LIKE '%-- turn holder'`).Scan(&n)
		return err == nil && n == 1
	}, 5*time.Second, 5*time.Millisecond)
	ctx, cancel := context.WithTimeout(context.Background(), 50*time.Millisecond)
	defer cancel()
	var running int64
	err = c.Run(ctx, stmt, &running)
	require.ErrorIs(t, err, context.DeadlineExceeded)
	require.Equal(t, "ended", compiled.Reason(err), "counted as the request's end, not as a statement PostgreSQL refused")
	select {
	case err := <-held:
		t.Fatalf("the request waited for the turn to be given back (holder: %v)", err)
	default:
	}
	require.NoError(t, <-held)
}
