package database_test

import (
	"bytes"
	"context"
	"database/sql"
	"fmt"
	"strings"
	"sync"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/modelarchitect/architect/internal/database"
	"github.com/modelarchitect/architect/internal/testutil"
)

// TestMigrationsMatchSchema fails when the ent schema and the versioned migrations disagree: after the
// migrations ran, ent must find nothing left to change. Regenerate with `make migration NAME=…`.
func TestMigrationsMatchSchema(t *testing.T) {
	t.Parallel()
	db := testutil.NewDB(t, testutil.Postgres)
	var buf bytes.Buffer
	require.NoError(t, db.Client.Schema.WriteTo(context.Background(), &buf))
	var pending []string
	for _, line := range strings.Split(buf.String(), "\n") {
		line = strings.TrimSpace(line)
		if line == "" || line == "BEGIN;" || line == "COMMIT;" || strings.HasPrefix(line, "--") {
			continue
		}
		pending = append(pending, line)
	}
	require.Empty(t, pending, "the ent schema has changes no migration file holds; run `make migration NAME=…`")
}

// TestMigrateConcurrently: replicas starting together each run Migrate; the advisory lock lets one apply
// the files and the others find them applied.
func TestMigrateConcurrently(t *testing.T) {
	t.Parallel()
	url := testutil.CreateDatabase(t, "")

	var wg sync.WaitGroup
	errs := make([]error, 3)
	for i := range errs {
		wg.Go(func() {
			db, err := database.Open(database.Options{URL: url, MaxOpenConns: 2})
			if err != nil {
				errs[i] = err
				return
			}
			defer db.Close()
			errs[i] = db.Migrate(context.Background())
		})
	}
	wg.Wait()
	for _, err := range errs {
		require.NoError(t, err)
	}
	files, err := database.MigrationFiles()
	require.NoError(t, err)
	db, err := sql.Open("postgres", url)
	require.NoError(t, err)
	defer db.Close()
	var n int
	require.NoError(t, db.QueryRow("SELECT count(*) FROM schema_migrations").Scan(&n))
	require.Equal(t, len(files), n)
}

func TestSQLiteMigrateTwice(t *testing.T) {
	t.Parallel()
	db := testutil.NewDB(t, testutil.SQLite)
	require.NoError(t, db.Migrate(context.Background()))
	var fk int
	require.NoError(t, db.SQL.QueryRow("PRAGMA foreign_keys").Scan(&fk))
	require.Equal(t, 1, fk, "foreign keys are on")
	var mode string
	require.NoError(t, db.SQL.QueryRow("PRAGMA journal_mode").Scan(&mode))
	require.Equal(t, "wal", mode)
}

// TestAfterCommit: work registered in a transaction runs after a commit and never after a rollback.
func TestAfterCommit(t *testing.T) {
	t.Parallel()
	for _, b := range testutil.Backends() {
		t.Run(string(b), func(t *testing.T) {
			t.Parallel()
			db := testutil.NewDB(t, b)
			ran := 0
			require.NoError(t, db.InTx(context.Background(), func(ctx context.Context) error {
				database.AfterCommit(ctx, func() { ran++ })
				require.Zero(t, ran, "not before the commit")
				return nil
			}))
			require.Equal(t, 1, ran)
			err := db.InTx(context.Background(), func(ctx context.Context) error {
				database.AfterCommit(ctx, func() { ran++ })
				return fmt.Errorf("boom")
			})
			require.Error(t, err)
			require.Equal(t, 1, ran, "not after a rollback")
		})
	}
}
