package database_test

import (
	"context"
	"database/sql"
	"strings"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/modelarchitect/architect/internal/benchmark"
	"github.com/modelarchitect/architect/internal/database"
	"github.com/modelarchitect/architect/internal/ops"
	"github.com/modelarchitect/architect/internal/testutil"
)

// TestDatasetVersionsMigration: benchmarks saved before dataset versions get one version per owner and
// distinct content from the migration, and the server's start rewrites the migration's SQL hashes as its own.
func TestDatasetVersionsMigration(t *testing.T) {
	t.Parallel()
	url := testutil.CreateDatabase(t, "")
	db, err := sql.Open("postgres", url)
	require.NoError(t, err)
	defer db.Close()
	files, err := database.MigrationFiles()
	require.NoError(t, err)
	mine := -1
	for i, f := range files {
		if strings.HasSuffix(f.Name, "_dataset_versions.sql") {
			mine = i
		}
	}
	require.GreaterOrEqual(t, mine, 0)
	apply := func(fs []database.MigrationFile) {
		for _, f := range fs {
			_, err := db.Exec(f.SQL)
			require.NoError(t, err, f.Name)
		}
	}
	apply(files[:mine])
	// Ada has two benchmarks with the same items (sent with keys in different orders) and one with others;
	// Bob has one with Ada's first items.
	_, err = db.Exec(`INSERT INTO users (id, created_at, updated_at, email, password_hash) VALUES
		(1, now(), now(), 'ada@example.com', 'x'), (2, now(), now(), 'bob@example.com', 'x');
	INSERT INTO benchmarks (id, created_at, updated_at, name, models, dataset, owner_id) VALUES
		(1, now(), now(), 'first', '["openai/gpt-4.1"]', '[{"input": "2+2?", "expected": "4", "assertion": "EXACT", "tolerance": 0}]', 1),
		(2, now(), now(), 'second', '["openai/gpt-4.1"]', '[{"assertion": "EXACT", "tolerance": 0, "expected": "4", "input": "2+2?"}]', 1),
		(3, now(), now(), 'third', '["openai/gpt-4.1"]', '[{"input": "3+3?", "expected": "6", "assertion": "EXACT", "tolerance": 0}]', 1),
		(4, now(), now(), 'bobs', '["openai/gpt-4.1"]', '[{"input": "2+2?", "expected": "4", "assertion": "EXACT", "tolerance": 0}]', 2)`)
	require.NoError(t, err)
	apply(files[mine : mine+1])

	var datasets, versions int
	require.NoError(t, db.QueryRow(`SELECT count(*) FROM datasets`).Scan(&datasets))
	require.NoError(t, db.QueryRow(`SELECT count(*) FROM dataset_versions`).Scan(&versions))
	require.Equal(t, 3, datasets) // Ada's two contents, Bob's one
	require.Equal(t, 3, versions)
	rows, err := db.Query(`SELECT b.id, v.id, d.name, v.number, v.item_count, v.owner_id FROM benchmarks b
		JOIN dataset_versions v ON v.id = b.dataset_version_id JOIN datasets d ON d.id = v.dataset_id ORDER BY b.id`)
	require.NoError(t, err)
	type link struct {
		benchmark, version, number, items, owner int
		name                                     string
	}
	var got []link
	for rows.Next() {
		var l link
		require.NoError(t, rows.Scan(&l.benchmark, &l.version, &l.name, &l.number, &l.items, &l.owner))
		got = append(got, l)
	}
	require.NoError(t, rows.Err())
	require.Len(t, got, 4)
	require.Equal(t, got[0].version, got[1].version, "same items, one version")
	require.NotEqual(t, got[0].version, got[2].version)
	require.NotEqual(t, got[0].version, got[3].version, "versions are per owner")
	require.Equal(t, "first", got[0].name)
	require.Equal(t, "third", got[2].name)
	require.Equal(t, "bobs", got[3].name)
	require.Equal(t, []int{1, 1, 1}, []int{got[0].number, got[0].items, got[0].owner})

	// At start the server rewrites the SQL hashes as its own, once.
	pg, err := database.Open(database.Options{URL: url, MaxOpenConns: 2})
	require.NoError(t, err)
	defer pg.Close()
	for range 2 {
		require.NoError(t, ops.VersionDatasets(context.Background(), pg.Client))
	}
	var hash string
	require.NoError(t, db.QueryRow(`SELECT content_hash FROM dataset_versions WHERE id = $1`, got[0].version).Scan(&hash))
	require.Equal(t, benchmark.ContentHash([]benchmark.Item{{Input: "2+2?", Expected: "4", Assertion: benchmark.AssertExact}}), hash)
	require.NoError(t, db.QueryRow(`SELECT count(*) FROM dataset_versions`).Scan(&versions))
	require.Equal(t, 3, versions)
}

// TestVersionDatasetsAtStart: on SQLite, which is migrated from the ent schema, the start gives benchmarks
// without a version theirs (one per owner and content) and does nothing the second time.
func TestVersionDatasetsAtStart(t *testing.T) {
	t.Parallel()
	db := testutil.NewDB(t, testutil.SQLite)
	ctx := testutil.System()
	u, err := db.Client.User.Create().SetEmail("ada@example.com").SetPasswordHash("x").Save(ctx)
	require.NoError(t, err)
	items := []benchmark.Item{{Input: "2+2?", Expected: "4", Assertion: benchmark.AssertExact}}
	for _, name := range []string{"first", "second"} {
		require.NoError(t, db.Client.Benchmark.Create().SetOwnerID(u.ID).SetName(name).SetModels([]string{"openai/gpt-4.1"}).
			SetDataset(items).Exec(ctx))
	}
	for range 2 {
		require.NoError(t, ops.VersionDatasets(context.Background(), db.Client))
	}
	vs, err := db.Client.DatasetVersion.Query().WithDataset().All(ctx)
	require.NoError(t, err)
	require.Len(t, vs, 1)
	require.Equal(t, "first", vs[0].Edges.Dataset.Name)
	require.Equal(t, benchmark.ContentHash(items), vs[0].ContentHash)
	bs, err := db.Client.Benchmark.Query().All(ctx)
	require.NoError(t, err)
	for _, b := range bs {
		require.Equal(t, vs[0].ID, *b.DatasetVersionID)
	}
}
