// Package driverconn is the base of database/sql driver connection wrappers (the statement cache of package
// database, the statement counter of internal/testutil): a connection that offers every optional interface
// database/sql uses, each delegated to the driver's connection. It wraps, and does nothing else.
package driverconn

import (
	"context"
	"database/sql/driver"
)

// Forward is a driver connection wrapper's base: it offers the optional interfaces database/sql uses,
// delegating each to the driver's connection when it has it (driver.ErrSkip makes database/sql fall back).
// Embed it and override what the wrapper changes.
type Forward struct{ driver.Conn }

func (f Forward) QueryContext(ctx context.Context, q string, args []driver.NamedValue) (driver.Rows, error) {
	if qc, ok := f.Conn.(driver.QueryerContext); ok {
		return qc.QueryContext(ctx, q, args)
	}
	return nil, driver.ErrSkip
}

func (f Forward) ExecContext(ctx context.Context, q string, args []driver.NamedValue) (driver.Result, error) {
	if ec, ok := f.Conn.(driver.ExecerContext); ok {
		return ec.ExecContext(ctx, q, args)
	}
	return nil, driver.ErrSkip
}

func (f Forward) PrepareContext(ctx context.Context, q string) (driver.Stmt, error) {
	if pc, ok := f.Conn.(driver.ConnPrepareContext); ok {
		return pc.PrepareContext(ctx, q)
	}
	return f.Conn.Prepare(q)
}

func (f Forward) BeginTx(ctx context.Context, opts driver.TxOptions) (driver.Tx, error) {
	if bt, ok := f.Conn.(driver.ConnBeginTx); ok {
		return bt.BeginTx(ctx, opts)
	}
	return f.Conn.Begin() //nolint:staticcheck // the driver has no BeginTx
}

func (f Forward) Ping(ctx context.Context) error {
	if p, ok := f.Conn.(driver.Pinger); ok {
		return p.Ping(ctx)
	}
	return nil
}

func (f Forward) ResetSession(ctx context.Context) error {
	if r, ok := f.Conn.(driver.SessionResetter); ok {
		return r.ResetSession(ctx)
	}
	return nil
}

func (f Forward) IsValid() bool {
	if v, ok := f.Conn.(driver.Validator); ok {
		return v.IsValid()
	}
	return true
}

func (f Forward) CheckNamedValue(nv *driver.NamedValue) error {
	if c, ok := f.Conn.(driver.NamedValueChecker); ok {
		return c.CheckNamedValue(nv)
	}
	return driver.ErrSkip
}

// StmtQuery runs a prepared statement's query, with the context when the driver takes one.
func StmtQuery(ctx context.Context, st driver.Stmt, args []driver.NamedValue) (driver.Rows, error) {
	if qc, ok := st.(driver.StmtQueryContext); ok {
		return qc.QueryContext(ctx, args)
	}
	return st.Query(values(args)) //nolint:staticcheck // the driver has no QueryContext
}

// StmtExec runs a prepared statement's exec, with the context when the driver takes one.
func StmtExec(ctx context.Context, st driver.Stmt, args []driver.NamedValue) (driver.Result, error) {
	if ec, ok := st.(driver.StmtExecContext); ok {
		return ec.ExecContext(ctx, args)
	}
	return st.Exec(values(args)) //nolint:staticcheck // the driver has no ExecContext
}

func values(args []driver.NamedValue) []driver.Value {
	vals := make([]driver.Value, len(args))
	for i, a := range args {
		vals[i] = a.Value
	}
	return vals
}
