package database

import (
	"container/list"
	"context"
	"database/sql/driver"
	"errors"

	"github.com/lib/pq"

	"github.com/modelarchitect/architect/internal/database/driverconn"
)

// StatementCache wraps a PostgreSQL connector so that each connection keeps its parameterised statements
// prepared, the size most recently used. lib/pq otherwise sends every query with arguments as two round
// trips (Parse and Describe, then Bind and Execute) and PostgreSQL parses and plans it each time; a prepared
// statement is one round trip, planned once per connection. Queries without arguments keep the simple
// protocol.
func StatementCache(inner driver.Connector, size int) driver.Connector {
	return &cachingConnector{inner: inner, size: size}
}

type cachingConnector struct {
	inner driver.Connector
	size  int
}

func (c *cachingConnector) Connect(ctx context.Context) (driver.Conn, error) {
	conn, err := c.inner.Connect(ctx)
	if err != nil {
		return nil, err
	}
	return &cachingConn{Forward: driverconn.Forward{Conn: conn}, size: c.size, byQuery: map[string]*list.Element{}, recent: list.New()}, nil
}

func (c *cachingConnector) Driver() driver.Driver { return c.inner.Driver() }

// cachingConn is used by one goroutine at a time (database/sql's contract), so its cache needs no lock.
type cachingConn struct {
	driverconn.Forward
	size    int
	byQuery map[string]*list.Element // of *prepared, in recent
	recent  *list.List               // most recently used first
}

type prepared struct {
	query string
	stmt  driver.Stmt
}

func (c *cachingConn) QueryContext(ctx context.Context, q string, args []driver.NamedValue) (driver.Rows, error) {
	if len(args) == 0 {
		return c.Forward.QueryContext(ctx, q, args)
	}
	return retryStale(ctx, c, q, func(st driver.Stmt) (driver.Rows, error) { return driverconn.StmtQuery(ctx, st, args) })
}

func (c *cachingConn) ExecContext(ctx context.Context, q string, args []driver.NamedValue) (driver.Result, error) {
	if len(args) == 0 {
		return c.Forward.ExecContext(ctx, q, args)
	}
	return retryStale(ctx, c, q, func(st driver.Stmt) (driver.Result, error) { return driverconn.StmtExec(ctx, st, args) })
}

// retryStale runs q's prepared statement; when the statement went stale (a migration changed a table it
// reads), it prepares it again and retries once.
func retryStale[T any](ctx context.Context, c *cachingConn, q string, run func(driver.Stmt) (T, error)) (T, error) {
	var zero T
	st, err := c.statement(ctx, q)
	if err != nil {
		return zero, err
	}
	out, err := run(st)
	if !stale(err) {
		return out, err
	}
	c.forget(q)
	if st, err = c.statement(ctx, q); err != nil {
		return zero, err
	}
	return run(st)
}

func (c *cachingConn) statement(ctx context.Context, q string) (driver.Stmt, error) {
	if e, ok := c.byQuery[q]; ok {
		c.recent.MoveToFront(e)
		return e.Value.(*prepared).stmt, nil
	}
	st, err := c.Forward.PrepareContext(ctx, q)
	if err != nil {
		return nil, err
	}
	c.byQuery[q] = c.recent.PushFront(&prepared{query: q, stmt: st})
	for c.recent.Len() > c.size {
		c.forget(c.recent.Back().Value.(*prepared).query)
	}
	return st, nil
}

func (c *cachingConn) forget(q string) {
	if e, ok := c.byQuery[q]; ok {
		delete(c.byQuery, q)
		c.recent.Remove(e)
		_ = e.Value.(*prepared).stmt.Close()
	}
}

// stale reports PostgreSQL's "cached plan must not change result type" (SQLSTATE 0A000), raised when a
// prepared statement's table changed shape since it was prepared.
func stale(err error) bool {
	var pe *pq.Error
	return errors.As(err, &pe) && pe.Code == "0A000"
}
