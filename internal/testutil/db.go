// Package testutil builds the worlds tests run in: a fresh database per test (SQLite in a temporary
// directory, or a PostgreSQL database cloned from a template migrated once), a running server on it, a
// GraphQL client that speaks HTTP to it, and a counter of the SQL statements a database receives.
package testutil

import (
	"context"
	"crypto/rand"
	"crypto/sha256"
	"database/sql"
	"encoding/hex"
	"fmt"
	"net/url"
	"os"
	"path/filepath"
	"sync"
	"testing"

	_ "github.com/lib/pq"
	"github.com/stretchr/testify/require"

	"github.com/modelarchitect/architect/internal/config"
	"github.com/modelarchitect/architect/internal/database"
	"github.com/modelarchitect/architect/internal/jobs"
)

// Backend is a kind of database a test can run on.
type Backend string

const (
	SQLite   Backend = "sqlite"
	Postgres Backend = "postgres"
)

// Backends lists the databases every storage-facing test runs on: SQLite always, PostgreSQL when
// TEST_DATABASE_URL is set (tests on it are skipped, saying so, otherwise).
func Backends() []Backend { return []Backend{SQLite, Postgres} }

// PostgresURL is TEST_DATABASE_URL.
func PostgresURL() string { return os.Getenv("TEST_DATABASE_URL") }

// DBOptions adjust a test database.
type DBOptions struct {
	// Wrap wraps the driver connector (e.g. to count statements).
	Wrap func(database.Options) database.Options
}

// NewDB returns a fresh, migrated database of kind b for t, closed and dropped when t ends.
func NewDB(t testing.TB, b Backend, o ...DBOptions) *database.DB {
	t.Helper()
	opts := database.Options{MaxOpenConns: 4}
	switch b {
	case SQLite:
		opts.SQLitePath = filepath.Join(t.TempDir(), "test.db")
	case Postgres:
		opts.URL = postgresDB(t)
		opts.StatementCache = config.DefaultStatementCache // as the server runs
	}
	for _, x := range o {
		if x.Wrap != nil {
			opts = x.Wrap(opts)
		}
	}
	db, err := database.Open(opts)
	require.NoError(t, err)
	t.Cleanup(func() { _ = db.Close() })
	if b == SQLite {
		require.NoError(t, db.Migrate(context.Background()))
		require.NoError(t, jobs.Migrate(context.Background(), db))
	}
	return db
}

var (
	templateOnce sync.Once
	templateName string
	templateErr  error
)

// postgresDB creates a database for t from the migrated template and returns its URL.
func postgresDB(t testing.TB) string {
	t.Helper()
	base := PostgresURL()
	if base == "" {
		t.Skip("PostgreSQL tests skipped: set TEST_DATABASE_URL (make test-pg, or .ci/run, sets it)")
	}
	templateOnce.Do(func() { templateName, templateErr = ensureTemplate(base) })
	require.NoError(t, templateErr, "prepare PostgreSQL template database")
	return CreateDatabase(t, templateName)
}

// CreateDatabase creates a PostgreSQL database for t on TEST_DATABASE_URL's server — a copy of template,
// or empty when template is "" — drops it when t ends, and returns its URL.
func CreateDatabase(t testing.TB, template string) string {
	t.Helper()
	base := PostgresURL()
	if base == "" {
		t.Skip("PostgreSQL tests skipped: set TEST_DATABASE_URL (make test-pg, or .ci/run, sets it)")
	}
	admin, err := sql.Open("postgres", base)
	require.NoError(t, err)
	defer admin.Close()
	name := "architect_t_" + randomHex(6)
	stmt := "CREATE DATABASE " + name
	if template != "" {
		stmt += " TEMPLATE " + template
	}
	_, err = admin.Exec(stmt)
	require.NoError(t, err)
	t.Cleanup(func() {
		a, err := sql.Open("postgres", base)
		if err != nil {
			return
		}
		defer a.Close()
		_, _ = a.Exec(fmt.Sprintf("DROP DATABASE IF EXISTS %s WITH (FORCE)", name))
	})
	return WithDatabase(base, name)
}

// ensureTemplate makes (once per schema version, across test processes) a database migrated with the
// project's migrations, to clone for each test.
func ensureTemplate(base string) (string, error) {
	files, err := database.MigrationFiles()
	if err != nil {
		return "", err
	}
	h := sha256.New()
	for _, f := range files {
		h.Write([]byte(f.Name))
		h.Write([]byte(f.SQL))
	}
	h.Write([]byte(TemplateExtra))
	name := "architect_tmpl_" + hex.EncodeToString(h.Sum(nil))[:12]
	admin, err := sql.Open("postgres", base)
	if err != nil {
		return "", err
	}
	defer admin.Close()
	ctx := context.Background()
	conn, err := admin.Conn(ctx)
	if err != nil {
		return "", fmt.Errorf("connect to TEST_DATABASE_URL: %w", err)
	}
	defer conn.Close()
	// One process builds the template; the others wait on the lock and then find it.
	if _, err := conn.ExecContext(ctx, "SELECT pg_advisory_lock(7243001)"); err != nil {
		return "", err
	}
	defer conn.ExecContext(ctx, "SELECT pg_advisory_unlock(7243001)") //nolint:errcheck
	var exists bool
	if err := conn.QueryRowContext(ctx, "SELECT EXISTS (SELECT 1 FROM pg_database WHERE datname = $1 AND datistemplate)", name).Scan(&exists); err != nil {
		return "", err
	}
	if exists {
		return name, nil
	}
	_, _ = conn.ExecContext(ctx, fmt.Sprintf("DROP DATABASE IF EXISTS %s WITH (FORCE)", name))
	if _, err := conn.ExecContext(ctx, "CREATE DATABASE "+name); err != nil {
		return "", err
	}
	db, err := database.Open(database.Options{URL: WithDatabase(base, name), MaxOpenConns: 2})
	if err != nil {
		return "", err
	}
	err = db.Migrate(ctx)
	if err == nil {
		err = jobs.Migrate(ctx, db)
	}
	_ = db.Close()
	if err != nil {
		return "", fmt.Errorf("migrate template: %w", err)
	}
	if _, err := conn.ExecContext(ctx, "UPDATE pg_database SET datistemplate = true WHERE datname = $1", name); err != nil {
		return "", err
	}
	return name, nil
}

// TemplateExtra is mixed into the template's name: bump it when the template's contents change without a
// migration file changing (e.g. River's tables).
var TemplateExtra = "v2-river"

// WithDatabase returns base with its database name replaced.
func WithDatabase(base, name string) string {
	u, err := url.Parse(base)
	if err != nil {
		return base
	}
	u.Path = "/" + name
	q := u.Query()
	if q.Get("sslmode") == "" {
		q.Set("sslmode", "disable")
	}
	u.RawQuery = q.Encode()
	return u.String()
}

func randomHex(n int) string {
	b := make([]byte, n)
	_, _ = rand.Read(b)
	return hex.EncodeToString(b)
}
