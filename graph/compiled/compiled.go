// Package compiled answers GraphQL read queries on PostgreSQL with one SQL statement per root field, whose
// JSON PostgreSQL builds and the server writes out as it comes. It runs inside gqlgen, as root-field
// middleware: after parsing, validation, complexity limits and persisted queries, and only for what it
// supports (Relay connections of rows, me, column fields, owner and connection edges, the Benchmark
// progress); anything else, and SQLite, goes to the normal resolvers for that root field, with the reason
// counted. What a compiled field may read comes from the ent schema (ent.ReadModel, generated), and which
// rows from the ent privacy policies themselves; TestDifferential checks that both paths answer alike.
package compiled

import (
	"bytes"
	"context"
	"database/sql"
	"errors"
	"io"
	"log/slog"
	"sync"

	"github.com/99designs/gqlgen/graphql"
	"github.com/hashicorp/golang-lru/v2/simplelru"
	"github.com/lib/pq"
	"github.com/vektah/gqlparser/v2/ast"
	"github.com/vektah/gqlparser/v2/gqlerror"
	"golang.org/x/sync/semaphore"

	"github.com/modelarchitect/architect/ent"
)

// Config configures the compiled path.
type Config struct {
	DB     *sql.DB // PostgreSQL (lib/pq)
	Client *ent.Client
	Schema *ast.Schema
	// Statements is how many prepared statements are kept (0: 256), least recently used dropped first.
	Statements int
	// InFlight is how many statements run at once (0: no limit); the others wait their turn in the order
	// they came. PostgreSQL answers as many statements a second with a few running as with many, and a
	// statement that waits here, in order, waits less at the tail than one that waits in the kernel's run
	// queue behind more backends than there are cores (see docs/guide/operations.md#compiled-reads).
	InFlight int
	// Fallback, when set, is told each time a root field goes to the normal path, and why.
	Fallback func(reason string)
	// Compiled, when set, is told of each root field answered by one statement.
	Compiled func()
	// Verify also runs the resolvers for every compiled root field and answers with their result; where the
	// two differ it logs an error and adds a GraphQL error (INTERNAL), so a test suite run this way fails
	// on any difference.
	Verify bool
	// Log, when set, gets a warning for each statement PostgreSQL refused: a compiler bug, answered by the
	// normal path meanwhile.
	Log *slog.Logger
}

// Compiler is the compiled read path.
type Compiler struct {
	cfg    Config
	mu     sync.Mutex
	stmts  *simplelru.LRU[string, *sql.Stmt]
	shapes *simplelru.LRU[string, shape] // compiled operations by shape (prefetch.go)
	turns  *semaphore.Weighted           // nil: no limit (Config.InFlight); its waiters are served first come, first served
}

// New returns the compiled path over cfg.DB.
func New(cfg Config) *Compiler {
	if cfg.Statements <= 0 {
		cfg.Statements = 256
	}
	c := &Compiler{cfg: cfg}
	if cfg.InFlight > 0 {
		c.turns = semaphore.NewWeighted(int64(cfg.InFlight))
	}
	c.stmts, _ = simplelru.NewLRU[string, *sql.Stmt](cfg.Statements, func(_ string, s *sql.Stmt) { _ = s.Close() })
	c.shapes, _ = simplelru.NewLRU[string, shape](4*cfg.Statements, nil)
	return c
}

// RootField is the gqlgen root-field middleware (handler.Server.AroundRootFields).
func (c *Compiler) RootField(ctx context.Context, next graphql.RootResolver) graphql.Marshaler {
	oc := graphql.GetOperationContext(ctx)
	rc := graphql.GetRootFieldContext(ctx)
	if oc == nil || rc == nil || oc.Operation == nil || oc.Operation.Operation != ast.Query ||
		rc.Field.ObjectDefinition == nil || rc.Field.ObjectDefinition.Name != "Query" {
		return next(ctx)
	}
	values, _ := ctx.Value(prefetchedKey{}).(map[string][]byte)
	raw, ok := values[rc.Field.Alias]
	if !ok && ctx.Value(resolversOnly{}) != nil {
		return next(ctx)
	}
	if !ok {
		var err error
		if raw, err = c.Answer(ctx, oc, rc.Field); err != nil {
			c.fellBack(err)
			return next(ctx)
		}
		if c.cfg.Compiled != nil {
			c.cfg.Compiled()
		}
	}
	if c.cfg.Verify {
		return c.verify(ctx, oc, rc.Field, raw, next)
	}
	return graphql.WriterFunc(func(w io.Writer) { writeJSON(w, raw) })
}

// verify answers with the resolvers' value, reporting a compiled value that differs from it. The two reads
// are not one snapshot: when they differ, the compiled path reads again after the resolvers, and then both
// read again, up to three rounds, so that a row a worker is changing (a running benchmark's progress) settles;
// only a difference that remains in every round is reported.
func (c *Compiler) verify(ctx context.Context, oc *graphql.OperationContext, f graphql.CollectedField, raw []byte, next graphql.RootResolver) graphql.Marshaler {
	var want, got bytes.Buffer
	for round := 0; ; round++ {
		want.Reset()
		next(ctx).MarshalGQL(&want)
		got.Reset()
		writeJSON(&got, raw)
		if bytes.Equal(want.Bytes(), got.Bytes()) {
			break
		}
		if again, err := c.Answer(ctx, oc, f); err == nil {
			raw = again
			got.Reset()
			writeJSON(&got, again)
		}
		if bytes.Equal(want.Bytes(), got.Bytes()) {
			break
		}
		if round == 2 {
			if c.cfg.Log != nil {
				c.cfg.Log.ErrorContext(ctx, "compiled read differs from the resolvers", "field", f.Alias,
					"query", oc.RawQuery, "compiled", got.String(), "resolvers", want.String())
			}
			graphql.AddError(ctx, &gqlerror.Error{Message: "the compiled read of " + f.Alias + " differs from the resolvers' (COMPILED_READS=verify)",
				Path: ast.Path{ast.PathName(f.Alias)}, Extensions: map[string]any{"code": "INTERNAL"}})
			break
		}
	}
	return graphql.WriterFunc(func(w io.Writer) { _, _ = w.Write(want.Bytes()) })
}

// Answer compiles and runs one root field of a query, returning the JSON text of its value.
func (c *Compiler) Answer(ctx context.Context, oc *graphql.OperationContext, f graphql.CollectedField) ([]byte, error) {
	st, err := c.Compile(ctx, oc, f)
	if err != nil {
		return nil, err
	}
	stmt, err := c.prepare(ctx, st.sql)
	if err != nil {
		return nil, err
	}
	var raw []byte
	if err := c.run(ctx, stmt, st.args, &raw); err != nil {
		c.refused(ctx, st, err)
		return nil, err
	}
	if err := usable(raw); err != nil {
		if err == errNull {
			c.refused(ctx, st, err)
		}
		return nil, err
	}
	return raw, nil
}

// Compile returns the statement of a root field, or unsupported.
func (c *Compiler) Compile(ctx context.Context, oc *graphql.OperationContext, f graphql.CollectedField) (statement, error) {
	b := &builder{ctx: ctx, oc: oc, schema: c.cfg.Schema, client: c.cfg.Client}
	return b.compileRoot(f)
}

// run executes a statement of one row, in its turn. The error of a request that ended meanwhile (its client
// gone, or its deadline passed, while it waited for its turn or ran: lib/pq then reports PostgreSQL's 57014,
// not the context's error) is an endedError.
func (c *Compiler) run(ctx context.Context, stmt *sql.Stmt, args []any, dest ...any) error {
	if c.turns != nil {
		if err := c.turns.Acquire(ctx, 1); err != nil { // only the context's end
			return endedError{err}
		}
		defer c.turns.Release(1)
	}
	err := stmt.QueryRowContext(ctx, args...).Scan(dest...)
	if err != nil && ctx.Err() != nil {
		return endedError{err}
	}
	return err
}

// endedError is the error of a statement whose request ended: not a refusal of the statement.
type endedError struct{ error }

func (e endedError) Unwrap() error { return e.error }

// prepare returns the prepared statement of text, preparing it once per distinct text: the text is the
// shape of the query (its selections, and which of first/after it uses), the values are bound.
func (c *Compiler) prepare(ctx context.Context, text string) (*sql.Stmt, error) {
	c.mu.Lock()
	s, ok := c.stmts.Get(text)
	c.mu.Unlock()
	if ok {
		return s, nil
	}
	s, err := c.cfg.DB.PrepareContext(ctx, text)
	if err != nil {
		c.refused(ctx, statement{sql: text}, err)
		return nil, err
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	if old, ok := c.stmts.Get(text); ok {
		_ = s.Close()
		return old, nil
	}
	c.stmts.Add(text, s)
	return s, nil
}

var (
	// errNull: a compiler bug, every part of a statement is meant to be non-null.
	errNull = unsupported("null result")
	// errResolvers: the statement marked a value only the resolvers can give (resolversDecide).
	errResolvers = unsupported("resolvers decide")
)

// usable says whether a statement's value may be written as the answer.
func usable(raw []byte) error {
	switch {
	case raw == nil:
		return errNull
	case bytes.IndexByte(raw, resolversMark) >= 0:
		return errResolvers
	}
	return nil
}

func (c *Compiler) refused(ctx context.Context, st statement, err error) {
	if c.cfg.Log != nil && !ended(err) {
		c.cfg.Log.WarnContext(ctx, "compiled statement failed", "err", err, "sql", st.sql)
	}
}

func ended(err error) bool {
	var e endedError
	return errors.As(err, &e)
}

// reason is the metric label of a fallback.
func reason(err error) string {
	if ended(err) {
		return "ended"
	}
	var u unsupported
	if errors.As(err, &u) {
		return string(u)
	}
	var pe *pq.Error
	if errors.As(err, &pe) {
		return "sql " + string(pe.Code)
	}
	return "sql"
}
