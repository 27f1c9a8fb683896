package database

import (
	"context"
	"database/sql"
	"database/sql/driver"
	"errors"
	"io"
	"net"
	"syscall"

	"github.com/lib/pq"
	"github.com/lib/pq/pqerror"
	"modernc.org/sqlite"
	sqlite3 "modernc.org/sqlite/lib"
)

// IsUnavailable reports whether err says the database could not be reached or could not serve the request
// for a reason of its own (a restart, a lost connection, too many clients, SQLite's write lock held past
// busy_timeout), rather than that the request was wrong. Such a request may succeed when retried.
func IsUnavailable(err error) bool {
	if err == nil {
		return false
	}
	var pe *pq.Error
	if errors.As(err, &pe) {
		if pe.Severity == pqerror.SeverityFatal || pe.Severity == pqerror.SeverityPanic {
			return true // the server ended the session: terminated, shutting down, not accepting connections
		}
		switch pe.Code.Class() {
		case "08", // connection exception
			"53", // insufficient resources: too many connections, out of memory or disk
			"57": // operator intervention: admin or crash shutdown, cannot connect now
			return pe.Code != "57014" // query_canceled is the caller's own timeout or cancellation
		}
		return false
	}
	var se *sqlite.Error
	if errors.As(err, &se) {
		switch se.Code() & 0xff {
		case sqlite3.SQLITE_BUSY, sqlite3.SQLITE_LOCKED, sqlite3.SQLITE_IOERR, sqlite3.SQLITE_CANTOPEN, sqlite3.SQLITE_FULL:
			return true
		}
		return false
	}
	var ne net.Error
	var oe *net.OpError
	return errors.Is(err, driver.ErrBadConn) || errors.Is(err, sql.ErrConnDone) ||
		errors.Is(err, io.EOF) || errors.Is(err, io.ErrUnexpectedEOF) ||
		errors.Is(err, syscall.ECONNREFUSED) || errors.Is(err, syscall.ECONNRESET) || errors.Is(err, syscall.EPIPE) ||
		errors.As(err, &oe) || (errors.As(err, &ne) && ne.Timeout() && !errors.Is(err, context.DeadlineExceeded))
}
