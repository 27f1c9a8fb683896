package testutil

import (
	"context"
	"database/sql/driver"
	"sync"
	"sync/atomic"

	"github.com/modelarchitect/architect/internal/database/driverconn"
)

// SQLCounter counts the SQL statements sent through a driver connector: each query and each exec, whether
// direct or through a prepared statement. Tests use it to prove that a query's statement count does not
// grow with the rows it returns. With Keep set before use, it also keeps the statements' text. Install it
// with DBOptions.Wrap, as database.Options.WrapConnector.
type SQLCounter struct {
	Keep bool

	n     atomic.Int64
	mu    sync.Mutex
	texts []string
}

// Count returns the statements counted so far.
func (c *SQLCounter) Count() int64 { return c.n.Load() }

// Statements returns the text of the statements counted so far (Keep must be set).
func (c *SQLCounter) Statements() []string {
	c.mu.Lock()
	defer c.mu.Unlock()
	return append([]string(nil), c.texts...)
}

// Reset sets the count to zero and forgets the kept statements.
func (c *SQLCounter) Reset() {
	c.mu.Lock()
	c.texts = nil
	c.mu.Unlock()
	c.n.Store(0)
}

func (c *SQLCounter) add(q string) {
	c.n.Add(1)
	if c.Keep {
		c.mu.Lock()
		c.texts = append(c.texts, q)
		c.mu.Unlock()
	}
}

// Wrap returns a connector whose connections count their statements in c.
func (c *SQLCounter) Wrap(inner driver.Connector) driver.Connector {
	return &countingConnector{inner, c}
}

type countingConnector struct {
	inner driver.Connector
	c     *SQLCounter
}

func (cc *countingConnector) Connect(ctx context.Context) (driver.Conn, error) {
	conn, err := cc.inner.Connect(ctx)
	if err != nil {
		return nil, err
	}
	return &countingConn{Forward: driverconn.Forward{Conn: conn}, c: cc.c}, nil
}

func (cc *countingConnector) Driver() driver.Driver { return cc.inner.Driver() }

// countingConn forwards to the driver's connection, counting statements.
type countingConn struct {
	driverconn.Forward
	c *SQLCounter
}

func (cn *countingConn) QueryContext(ctx context.Context, q string, args []driver.NamedValue) (driver.Rows, error) {
	qc, ok := cn.Conn.(driver.QueryerContext)
	if !ok {
		return nil, driver.ErrSkip
	}
	cn.c.add(q)
	return qc.QueryContext(ctx, q, args)
}

func (cn *countingConn) ExecContext(ctx context.Context, q string, args []driver.NamedValue) (driver.Result, error) {
	ec, ok := cn.Conn.(driver.ExecerContext)
	if !ok {
		return nil, driver.ErrSkip
	}
	cn.c.add(q)
	return ec.ExecContext(ctx, q, args)
}

func (cn *countingConn) PrepareContext(ctx context.Context, q string) (driver.Stmt, error) {
	st, err := cn.Forward.PrepareContext(ctx, q)
	if err != nil {
		return nil, err
	}
	return &countingStmt{Stmt: st, c: cn.c, q: q}, nil
}

type countingStmt struct {
	driver.Stmt
	c *SQLCounter
	q string
}

func (s *countingStmt) ExecContext(ctx context.Context, args []driver.NamedValue) (driver.Result, error) {
	s.c.add(s.q)
	return driverconn.StmtExec(ctx, s.Stmt, args)
}

func (s *countingStmt) QueryContext(ctx context.Context, args []driver.NamedValue) (driver.Rows, error) {
	s.c.add(s.q)
	return driverconn.StmtQuery(ctx, s.Stmt, args)
}
