// Package database opens the store (SQLite by default, PostgreSQL when DATABASE_URL says so), owns the
// transactions that ent writes and River jobs share, runs work after a commit, and applies migrations.
// It holds no domain logic.
package database

import (
	"context"
	"database/sql"
	"database/sql/driver"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"time"

	"entgo.io/ent/dialect"
	entsql "entgo.io/ent/dialect/sql"
	"github.com/lib/pq"
	"modernc.org/sqlite"

	"github.com/modelarchitect/architect/ent"
	_ "github.com/modelarchitect/architect/ent/runtime" // privacy policies and hooks
)

// Options says which database to open and how.
type Options struct {
	URL             string        // postgres://… ; empty: SQLite file under DataDir
	DataDir         string        // directory of the SQLite file (default ./data)
	SQLitePath      string        // overrides the SQLite file path (tests)
	MaxOpenConns    int           // 0: 4 on SQLite, 20 on PostgreSQL
	MaxIdleConns    int           // 0: same as MaxOpenConns
	ConnMaxLifetime time.Duration // 0: 30 minutes
	// StatementCache is how many prepared statements each PostgreSQL connection keeps (StatementCache);
	// 0: none.
	StatementCache int
	// WrapConnector, when set, wraps the driver connector (testutil.SQLCounter counts statements with it).
	WrapConnector func(driver.Connector) driver.Connector
}

// DB is an open database with its ent client.
type DB struct {
	SQL     *sql.DB
	Dialect string // dialect.SQLite or dialect.Postgres
	Client  *ent.Client
	// Where is a description of the database without credentials, for logs.
	Where string
	// URL is the PostgreSQL URL it was opened with ("" for SQLite), for connections of its own (LISTEN).
	URL string

	opts     Options
	inters   []ent.Interceptor // for the clients of transactions too
	hooks    []ent.Hook
	commitMu sync.Mutex // see Tx.commitMu
}

// Intercept adds query interceptors to Client and to the client of every transaction begun afterwards.
// Call it before the database is in use.
func (db *DB) Intercept(inters ...ent.Interceptor) {
	db.inters = append(db.inters, inters...)
	db.Client.Intercept(inters...)
}

// Use adds mutation hooks to Client and to the client of every transaction begun afterwards. Call it before
// the database is in use.
func (db *DB) Use(hooks ...ent.Hook) {
	db.hooks = append(db.hooks, hooks...)
	db.Client.Use(hooks...)
}

// Open opens the database described by o. It does not migrate.
func Open(o Options) (*DB, error) {
	var (
		conn    driver.Connector
		dia     string
		where   string
		maxOpen = o.MaxOpenConns
	)
	switch {
	case o.URL == "":
		path := o.SQLitePath
		if path == "" {
			dir := o.DataDir
			if dir == "" {
				dir = "./data"
			}
			if err := os.MkdirAll(dir, 0o700); err != nil {
				return nil, fmt.Errorf("create DATA_DIR %s: %w", dir, err)
			}
			path = filepath.Join(dir, "architect.db")
		}
		// WAL lets readers run beside the one writer; busy_timeout makes a second writer wait instead of
		// failing with SQLITE_BUSY; immediate transactions take the write lock at BEGIN so that two
		// read-then-write transactions cannot deadlock (sqlite.org/wal.html; sqlite.org/lang_transaction.html,
		// "DEFERRED, IMMEDIATE, and EXCLUSIVE transactions").
		dsn := "file:" + path + "?_pragma=foreign_keys(1)&_pragma=journal_mode(WAL)&_pragma=busy_timeout(10000)" +
			"&_pragma=synchronous(NORMAL)&_txlock=immediate"
		c, err := sqlite.NewConnector(dsn)
		if err != nil {
			return nil, fmt.Errorf("sqlite %s: %w", path, err)
		}
		conn, dia, where = c, dialect.SQLite, "sqlite:"+path
		if maxOpen == 0 {
			maxOpen = 4
		}
	case strings.HasPrefix(o.URL, "postgres://") || strings.HasPrefix(o.URL, "postgresql://"):
		c, err := pq.NewConnector(o.URL)
		if err != nil {
			return nil, fmt.Errorf("DATABASE_URL: %w", err)
		}
		conn, dia, where = c, dialect.Postgres, redact(o.URL)
		if o.StatementCache > 0 {
			conn = StatementCache(conn, o.StatementCache)
		}
		if maxOpen == 0 {
			maxOpen = 20
		}
	default:
		return nil, errors.New("DATABASE_URL must start with postgres://")
	}
	if o.WrapConnector != nil {
		conn = o.WrapConnector(conn)
	}
	db := sql.OpenDB(conn)
	db.SetMaxOpenConns(maxOpen)
	idle := o.MaxIdleConns
	if idle == 0 {
		idle = maxOpen
	}
	db.SetMaxIdleConns(idle)
	life := o.ConnMaxLifetime
	if life == 0 {
		life = 30 * time.Minute
	}
	db.SetConnMaxLifetime(life)
	return &DB{
		SQL:     db,
		Dialect: dia,
		Client:  ent.NewClient(ent.Driver(entsql.OpenDB(dia, db))),
		Where:   where,
		URL:     o.URL,
		opts:    o,
	}, nil
}

// Reopen opens another pool on the same database with the same options, as another replica of the
// server would; its hooks and interceptors are its own.
func (db *DB) Reopen() (*DB, error) { return Open(db.opts) }

// Close closes the pool.
func (db *DB) Close() error { return db.SQL.Close() }

// Ping checks that the database answers.
func (db *DB) Ping(ctx context.Context) error { return db.SQL.PingContext(ctx) }

func redact(url string) string {
	if i := strings.Index(url, "@"); i >= 0 {
		if j := strings.Index(url, "://"); j >= 0 && j < i {
			return url[:j+3] + "…" + url[i:]
		}
	}
	return url
}
