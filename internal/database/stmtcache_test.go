package database_test

import (
	"context"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/modelarchitect/architect/internal/database"
	"github.com/modelarchitect/architect/internal/testutil"
)

// TestStatementCache: on one PostgreSQL connection, parameterised statements are prepared once and reused
// (at most the cache's size stay prepared), in and out of transactions, and a statement whose table changed
// shape is prepared again instead of failing.
func TestStatementCache(t *testing.T) {
	t.Parallel()
	url := testutil.CreateDatabase(t, "")
	db, err := database.Open(database.Options{URL: url, MaxOpenConns: 1, StatementCache: 2})
	require.NoError(t, err)
	defer db.Close()
	ctx := context.Background()
	_, err = db.SQL.ExecContext(ctx, "CREATE TABLE t (a int)")
	require.NoError(t, err)
	_, err = db.SQL.ExecContext(ctx, "INSERT INTO t (a) VALUES ($1), ($2)", 1, 2)
	require.NoError(t, err)
	prepared := func() (n int) {
		require.NoError(t, db.SQL.QueryRowContext(ctx, "SELECT count(*) FROM pg_prepared_statements").Scan(&n))
		return n
	}
	one := func(q string, arg int) (n int) {
		require.NoError(t, db.SQL.QueryRowContext(ctx, q, arg).Scan(&n))
		return n
	}
	require.Equal(t, 1, prepared(), "the insert")
	for range 3 {
		require.Equal(t, 1, one("SELECT count(*) FROM t WHERE a = $1", 1))
	}
	require.Equal(t, 2, prepared(), "prepared once, used three times")
	require.Equal(t, 2, one("SELECT count(*) FROM t WHERE a >= $1", 1))
	require.Equal(t, 2, prepared(), "the least recently used went")

	tx, err := db.SQL.BeginTx(ctx, nil)
	require.NoError(t, err)
	var n int
	require.NoError(t, tx.QueryRowContext(ctx, "SELECT count(*) FROM t WHERE a >= $1", 2).Scan(&n))
	require.Equal(t, 1, n)
	_, err = tx.ExecContext(ctx, "INSERT INTO t (a) VALUES ($1)", 3)
	require.NoError(t, err)
	require.NoError(t, tx.Rollback())
	require.Equal(t, 2, one("SELECT count(*) FROM t WHERE a >= $1", 1), "the rolled-back insert is gone")

	var a int
	require.NoError(t, db.SQL.QueryRowContext(ctx, "SELECT * FROM t WHERE a = $1", 1).Scan(&a))
	_, err = db.SQL.ExecContext(ctx, "ALTER TABLE t ADD COLUMN b int DEFAULT 7")
	require.NoError(t, err)
	var b int
	require.NoError(t, db.SQL.QueryRowContext(ctx, "SELECT * FROM t WHERE a = $1", 1).Scan(&a, &b),
		"the statement is prepared again for the new shape")
	require.Equal(t, 7, b)
}
