package database

import (
	"context"
	"database/sql"
	"fmt"
	"sync"

	"entgo.io/ent/dialect"
	entsql "entgo.io/ent/dialect/sql"

	"github.com/modelarchitect/architect/ent"
)

// Tx is one database transaction shared by ent and River. Work registered with BeforeCommit runs inside it
// just before the commit; work registered with AfterCommit runs only after Commit succeeds (ent's own commit
// hooks, Tx.OnCommit, belong to *ent.Tx, which we do not use because River's InsertTx needs the *sql.Tx).
type Tx struct {
	SQL    *sql.Tx
	Client *ent.Client

	ctx      context.Context
	commitMu *sync.Mutex // SQLite: one commit and its after-commit work at a time, so they run in commit order

	mu     sync.Mutex
	before []func(context.Context) error
	after  []func()
	local  map[any]any
}

type txKey struct{}

// Begin starts a transaction with an ent client bound to it.
func (db *DB) Begin(ctx context.Context) (*Tx, error) {
	stx, err := db.SQL.BeginTx(ctx, nil)
	if err != nil {
		return nil, fmt.Errorf("begin: %w", err)
	}
	drv := txDriver{entsql.NewDriver(db.Dialect, entsql.Conn{ExecQuerier: stx})}
	client := ent.NewClient(ent.Driver(drv))
	client.Intercept(db.inters...)
	client.Use(db.hooks...)
	t := &Tx{SQL: stx, Client: client, ctx: context.WithoutCancel(ctx)}
	if db.Dialect == dialect.SQLite {
		t.commitMu = &db.commitMu
	}
	return t, nil
}

// txDriver is an ent driver bound to an open transaction: ent's own requests for a transaction (it opens
// one for some multi-statement writes) join the open one instead.
type txDriver struct{ *entsql.Driver }

func (d txDriver) Tx(context.Context) (dialect.Tx, error) { return dialect.NopTx(d.Driver), nil }

func (d txDriver) BeginTx(context.Context, *sql.TxOptions) (dialect.Tx, error) {
	return dialect.NopTx(d.Driver), nil
}

func (txDriver) Close() error { return nil }

// Commit runs the before-commit work (an error rolls back and is returned), commits, and then runs the
// after-commit work, each in registration order.
func (t *Tx) Commit() error {
	t.mu.Lock()
	before := t.before
	t.before = nil
	t.mu.Unlock()
	for _, f := range before {
		if err := f(t.ctx); err != nil {
			_ = t.Rollback()
			return fmt.Errorf("before commit: %w", err)
		}
	}
	if t.commitMu != nil {
		t.commitMu.Lock()
		defer t.commitMu.Unlock()
	}
	if err := t.SQL.Commit(); err != nil {
		return fmt.Errorf("commit: %w", err)
	}
	t.mu.Lock()
	after := t.after
	t.after = nil
	t.mu.Unlock()
	for _, f := range after {
		f()
	}
	return nil
}

// Rollback rolls back and drops the work registered to run at commit.
func (t *Tx) Rollback() error {
	t.mu.Lock()
	t.before, t.after = nil, nil
	t.mu.Unlock()
	return t.SQL.Rollback()
}

// BeforeCommit runs f inside the transaction just before it commits (e.g. a NOTIFY, which PostgreSQL then
// delivers in commit order); an error from f rolls the transaction back.
func (t *Tx) BeforeCommit(f func(ctx context.Context) error) {
	t.mu.Lock()
	t.before = append(t.before, f)
	t.mu.Unlock()
}

// Local returns the value the transaction keeps under key, made by init on first use: state that belongs to
// one transaction (such as the events it will announce) without a registry of open transactions. init runs
// without the transaction's lock (it may register commit work), so the first use of a key must not race.
func (t *Tx) Local(key any, init func() any) any {
	t.mu.Lock()
	v, ok := t.local[key]
	t.mu.Unlock()
	if ok {
		return v
	}
	v = init() // outside the lock: init may register commit work
	t.mu.Lock()
	defer t.mu.Unlock()
	if t.local == nil {
		t.local = map[any]any{}
	}
	t.local[key] = v
	return v
}

// NewContext returns ctx carrying t and its ent client, so that ent.FromContext and every loader and
// privacy lookup use the transaction's connection: on SQLite's one connection, a query through the pool
// while the transaction holds it would wait forever (docs/integration.md, "The one-connection trap").
func (t *Tx) NewContext(ctx context.Context) context.Context {
	return context.WithValue(ent.NewContext(ctx, t.Client), txKey{}, t)
}

// TxFromContext returns the transaction in ctx, if any.
func TxFromContext(ctx context.Context) (*Tx, bool) {
	t, ok := ctx.Value(txKey{}).(*Tx)
	return t, ok
}

// AfterCommit runs f after the transaction in ctx commits, or at once when ctx holds no transaction.
func AfterCommit(ctx context.Context, f func()) {
	t, ok := TxFromContext(ctx)
	if !ok {
		f()
		return
	}
	t.AfterCommit(f)
}

// AfterCommit runs f after the transaction commits (never if it rolls back).
func (t *Tx) AfterCommit(f func()) {
	t.mu.Lock()
	t.after = append(t.after, f)
	t.mu.Unlock()
}

// InTx runs fn in a transaction: committed when fn returns nil, rolled back otherwise.
func (db *DB) InTx(ctx context.Context, fn func(ctx context.Context) error) error {
	t, err := db.Begin(ctx)
	if err != nil {
		return err
	}
	defer func() {
		if r := recover(); r != nil {
			_ = t.Rollback()
			panic(r)
		}
	}()
	if err := fn(t.NewContext(ctx)); err != nil {
		_ = t.Rollback()
		return err
	}
	return t.Commit()
}

// ClientFrom returns the ent client in ctx (a transaction's, see Tx.NewContext), or fallback when ctx holds
// none. Every reader and writer that may run inside a transaction takes its client from here, so that it
// uses the transaction's connection.
func ClientFrom(ctx context.Context, fallback *ent.Client) *ent.Client {
	if c := ent.FromContext(ctx); c != nil {
		return c
	}
	return fallback
}
