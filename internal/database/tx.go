package database

import (
	"context"
	"database/sql"
	"database/sql/driver"
	"fmt"
	"sync"

	"entgo.io/ent/dialect"
	entsql "entgo.io/ent/dialect/sql"

	"github.com/modelarchitect/architect/ent"
)

// Tx is one database transaction shared by ent and River. Work registered with AfterCommit runs only after
// Commit succeeds (ent's own commit hooks belong to *ent.Tx, which we do not use because River needs the
// *sql.Tx; TOOLCHAIN.md pitfall 8).
type Tx struct {
	SQL    *sql.Tx
	Client *ent.Client

	mu    sync.Mutex
	after []func()
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
	return &Tx{SQL: stx, Client: client}, nil
}

// txDriver is an ent driver bound to an open transaction: ent's own requests for a transaction (it opens
// one for some multi-statement writes) join the open one instead.
type txDriver struct{ *entsql.Driver }

func (d txDriver) Tx(context.Context) (dialect.Tx, error) { return dialect.NopTx(d.Driver), nil }

func (d txDriver) BeginTx(context.Context, *sql.TxOptions) (dialect.Tx, error) {
	return dialect.NopTx(d.Driver), nil
}

func (txDriver) Close() error { return nil }

// Commit commits and then runs the after-commit work in registration order.
func (t *Tx) Commit() error {
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

// Rollback rolls back and drops the after-commit work.
func (t *Tx) Rollback() error {
	t.mu.Lock()
	t.after = nil
	t.mu.Unlock()
	return t.SQL.Rollback()
}

// NewContext returns ctx carrying t and its ent client, so that ent.FromContext and every loader and
// privacy lookup use the transaction's connection (TOOLCHAIN.md pitfall 7).
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
	t.mu.Lock()
	t.after = append(t.after, f)
	t.mu.Unlock()
}

// OpenTx begins a transaction for a GraphQL mutation (entgql.TxOpener).
func (db *DB) OpenTx(ctx context.Context) (context.Context, driver.Tx, error) {
	t, err := db.Begin(ctx)
	if err != nil {
		return ctx, nil, err
	}
	return t.NewContext(ctx), t, nil
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

// Client returns the ent client of ctx: the transaction's when there is one, db's otherwise.
func (db *DB) ClientFrom(ctx context.Context) *ent.Client {
	if c := ent.FromContext(ctx); c != nil {
		return c
	}
	return db.Client
}
