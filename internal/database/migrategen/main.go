// Command migrategen writes the next PostgreSQL migration file from the ent schema: it replays the existing
// migrations into a scratch database on a development PostgreSQL, diffs that against the schema, and writes
// the difference as a new versioned file plus atlas.sum. Run it through `make migration NAME=…`.
package main

import (
	"context"
	"database/sql"
	"flag"
	"fmt"
	"log"
	"net/url"
	"os"

	atlas "ariga.io/atlas/sql/migrate"
	"entgo.io/ent/dialect"
	"entgo.io/ent/dialect/sql/schema"
	_ "github.com/lib/pq"

	"github.com/modelarchitect/architect/ent/migrate"
)

func main() {
	name := flag.String("name", "", "migration name, e.g. add_pipeline_cost")
	dir := flag.String("dir", "internal/database/migrations", "migration directory")
	dev := flag.String("dev-url", envOr("DEV_DATABASE_URL", "postgres://postgres@127.0.0.1:5432/postgres?sslmode=disable"),
		"a PostgreSQL server where a scratch database may be created and dropped")
	flag.Parse()
	if *name == "" {
		log.Fatal("migrategen: -name is required")
	}
	if err := run(context.Background(), *name, *dir, *dev); err != nil {
		log.Fatalf("migrategen: %v", err)
	}
}

func run(ctx context.Context, name, dirPath, devURL string) error {
	admin, err := sql.Open("postgres", devURL)
	if err != nil {
		return err
	}
	defer admin.Close()
	scratch := fmt.Sprintf("architect_migrategen_%d", os.Getpid())
	if _, err := admin.ExecContext(ctx, "CREATE DATABASE "+scratch); err != nil {
		return fmt.Errorf("create scratch database: %w", err)
	}
	defer admin.ExecContext(context.Background(), "DROP DATABASE IF EXISTS "+scratch) //nolint:errcheck
	u, err := url.Parse(devURL)
	if err != nil {
		return err
	}
	u.Path = "/" + scratch
	dir, err := atlas.NewLocalDir(dirPath)
	if err != nil {
		return err
	}
	// Re-hash first, so that removing the newest file (to regenerate it) needs no other tool.
	sum, err := dir.Checksum()
	if err != nil {
		return err
	}
	if err := atlas.WriteSumFile(dir, sum); err != nil {
		return err
	}
	return migrate.NamedDiff(ctx, u.String(), name,
		schema.WithDir(dir),
		schema.WithMigrationMode(schema.ModeReplay),
		schema.WithDialect(dialect.Postgres),
		schema.WithFormatter(atlas.DefaultFormatter),
		schema.WithDropColumn(true),
		schema.WithDropIndex(true),
	)
}

func envOr(k, def string) string {
	if v := os.Getenv(k); v != "" {
		return v
	}
	return def
}
