package database

import (
	"context"
	"embed"
	"fmt"
	"io/fs"
	"path"
	"sort"
	"strings"
	"sync"

	atlas "ariga.io/atlas/sql/migrate"
	"entgo.io/ent/dialect"
)

// migrations are the versioned PostgreSQL migrations, written by `make migration NAME=…` from the ent schema.
//
//go:embed migrations
var migrations embed.FS

// sqliteMigrate serialises ent's automatic migrations within the process.
var sqliteMigrate sync.Mutex

// advisoryLockKey serialises migrations of replicas that start together (an arbitrary constant).
const advisoryLockKey int64 = 0x6d61726368 // "march"

// Migrate brings the schema up to date. PostgreSQL: the versioned migrations not applied yet, in order,
// each in its own transaction, under an advisory lock. SQLite (development): ent's automatic migration.
func (db *DB) Migrate(ctx context.Context) error {
	if db.Dialect == dialect.SQLite {
		// ent's automatic migration writes to the package-level table definitions (migrate.Tables).
		sqliteMigrate.Lock()
		defer sqliteMigrate.Unlock()
		if err := db.Client.Schema.Create(ctx); err != nil {
			return fmt.Errorf("migrate sqlite: %w", err)
		}
		return nil
	}
	files, err := MigrationFiles()
	if err != nil {
		return err
	}
	conn, err := db.SQL.Conn(ctx)
	if err != nil {
		return err
	}
	defer conn.Close()
	if _, err := conn.ExecContext(ctx, "SELECT pg_advisory_lock($1)", advisoryLockKey); err != nil {
		return fmt.Errorf("migration lock: %w", err)
	}
	defer conn.ExecContext(context.WithoutCancel(ctx), "SELECT pg_advisory_unlock($1)", advisoryLockKey) //nolint:errcheck
	if _, err := conn.ExecContext(ctx, `CREATE TABLE IF NOT EXISTS schema_migrations (
		version text PRIMARY KEY, applied_at timestamptz NOT NULL DEFAULT now())`); err != nil {
		return fmt.Errorf("migration table: %w", err)
	}
	applied := map[string]bool{}
	rows, err := conn.QueryContext(ctx, "SELECT version FROM schema_migrations")
	if err != nil {
		return err
	}
	for rows.Next() {
		var v string
		if err := rows.Scan(&v); err != nil {
			rows.Close()
			return err
		}
		applied[v] = true
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return err
	}
	for _, f := range files {
		if applied[f.Version] {
			continue
		}
		tx, err := conn.BeginTx(ctx, nil)
		if err != nil {
			return err
		}
		if _, err := tx.ExecContext(ctx, f.SQL); err != nil {
			_ = tx.Rollback()
			return fmt.Errorf("migration %s: %w", f.Name, err)
		}
		if _, err := tx.ExecContext(ctx, "INSERT INTO schema_migrations (version) VALUES ($1)", f.Version); err != nil {
			_ = tx.Rollback()
			return fmt.Errorf("record migration %s: %w", f.Name, err)
		}
		if err := tx.Commit(); err != nil {
			return fmt.Errorf("migration %s: %w", f.Name, err)
		}
	}
	return nil
}

// MigrationFile is one versioned migration.
type MigrationFile struct {
	Name    string // 20261125024257_init.sql
	Version string // 20261125024257
	SQL     string
}

// MigrationFiles returns the embedded migrations in order, after checking them against atlas.sum so that a
// hand-edited or half-copied migration directory is refused.
func MigrationFiles() ([]MigrationFile, error) {
	dir := &atlas.MemDir{}
	var files []MigrationFile
	err := fs.WalkDir(migrations, "migrations", func(p string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		b, err := migrations.ReadFile(p)
		if err != nil {
			return err
		}
		name := path.Base(p)
		if err := dir.WriteFile(name, b); err != nil {
			return err
		}
		if strings.HasSuffix(name, ".sql") {
			version, _, _ := strings.Cut(name, "_")
			files = append(files, MigrationFile{Name: name, Version: version, SQL: string(b)})
		}
		return nil
	})
	if err != nil {
		return nil, fmt.Errorf("read migrations: %w", err)
	}
	if err := atlas.Validate(dir); err != nil {
		return nil, fmt.Errorf("migrations do not match atlas.sum (regenerate with make migration): %w", err)
	}
	sort.Slice(files, func(i, j int) bool { return files[i].Name < files[j].Name })
	return files, nil
}
