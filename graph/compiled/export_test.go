package compiled

import (
	"context"
	"database/sql"

	"github.com/modelarchitect/architect/ent"
)

// PolicySQL is the compiled ownership predicate of typ for the viewer in ctx, on the alias t, with its
// arguments (for the privacy test in the external test package).
func PolicySQL(ctx context.Context, client *ent.Client, typ, t string) (string, []any, error) {
	b := &builder{ctx: ctx, client: client}
	w, err := b.policy(typ, t)
	return w, b.args, err
}

// Run runs a one-row statement in its turn, as the compiled path runs its statements.
func (c *Compiler) Run(ctx context.Context, stmt *sql.Stmt, dest ...any) error {
	return c.run(ctx, stmt, nil, dest...)
}

// Reason is the metric label a fallback for err is counted under.
func Reason(err error) string { return reason(err) }
