package compiled

import (
	"context"
	"encoding/json"
	"math"
	"strconv"
	"strings"

	"github.com/99designs/gqlgen/graphql"
	"github.com/vektah/gqlparser/v2/ast"

	"github.com/modelarchitect/architect/ent/user"
	"github.com/modelarchitect/architect/internal/viewer"
)

// Check is a bearer token's check folded into the statement: the user's row must still exist with the
// token's version and the role the request was compiled for. A log-out, a password or role change and a
// deletion each change or remove that row, so a revoked token fails it on its next request, on every
// replica, without a lookup of its own.
type Check struct {
	UserID  int
	Version int
	Role    viewer.Role
}

// Outcome is what Prefetch did with an operation.
type Outcome int

const (
	// NotCompiled: some root field is not supported; nothing ran.
	NotCompiled Outcome = iota
	// Answered: every root field's value is in the context Prefetch returned.
	Answered
	// CheckFailed: the token check failed; the caller must authenticate the request the usual way.
	CheckFailed
)

type (
	prefetchedKey struct{}
	resolversOnly struct{}
)

// leftToResolvers marks an operation whose compiled answer Prefetch already tried and could not give (a
// statement that failed or marked a value only the resolvers give, or a single root field that does not
// compile): RootField then goes straight to the resolvers instead of compiling and running it again.
func leftToResolvers(ctx context.Context) context.Context {
	return context.WithValue(ctx, resolversOnly{}, true)
}

// Prefetch answers every root field of a query with one statement, the token check (when check is not
// nil) included: the values are kept in the returned context, where RootField finds them. The context it
// returns is the one to go on with for NotCompiled as well.
func (c *Compiler) Prefetch(ctx context.Context, oc *graphql.OperationContext, check *Check) (context.Context, Outcome) {
	if oc == nil || oc.Operation == nil || oc.Operation.Operation != ast.Query {
		return ctx, NotCompiled
	}
	st, aliases, err := c.shaped(ctx, oc, check)
	if err != nil {
		c.fellBack(err)
		if len(graphql.CollectFields(oc, oc.Operation.SelectionSet, []string{"Query"})) == 1 {
			ctx = leftToResolvers(ctx) // its one root field would not compile on its own either
		}
		return ctx, NotCompiled
	}
	stmt, err := c.prepare(ctx, st.sql)
	if err != nil {
		c.fellBack(err)
		return leftToResolvers(ctx), NotCompiled
	}
	var ok bool
	raws := make([][]byte, len(aliases))
	dest := make([]any, 1+len(aliases))
	dest[0] = &ok
	for i := range raws {
		dest[1+i] = &raws[i]
	}
	if err := c.run(ctx, stmt, st.args, dest...); err != nil {
		c.refused(ctx, st, err)
		c.fellBack(err)
		return leftToResolvers(ctx), NotCompiled
	}
	if !ok {
		c.fellBack(unsupported("token check"))
		return ctx, CheckFailed
	}
	values := make(map[string][]byte, len(aliases))
	for i, alias := range aliases {
		if err := usable(raws[i]); err != nil {
			if err == errNull {
				c.refused(ctx, st, err)
			}
			c.fellBack(err)
			return leftToResolvers(ctx), NotCompiled
		}
		values[alias] = raws[i]
	}
	if c.cfg.Compiled != nil {
		for range aliases {
			c.cfg.Compiled()
		}
	}
	return context.WithValue(ctx, prefetchedKey{}, values), Answered
}

// A compiled operation is kept per shape: the query text and operation name, the variables' values, and the
// viewer's role (which decides @hasRole and the privacy predicates) and whether the token check is folded in.
// It is compiled for a stand-in viewer whose id and token version no request can have, and each request binds
// its own in their place, so one compilation serves every user of the same role.
type shape struct {
	st      statement
	aliases []string
}

const (
	standInID      = math.MinInt64 + 7919
	standInVersion = math.MinInt64 + 7927
)

func shapeKey(oc *graphql.OperationContext, role viewer.Role, checked bool) (string, bool) {
	vars, err := json.Marshal(oc.Variables) // map keys sorted: one text per set of values
	if err != nil {
		return "", false
	}
	return string(role) + "\x00" + strconv.FormatBool(checked) + "\x00" + oc.OperationName + "\x00" + oc.RawQuery + "\x00" + string(vars), true
}

// shaped returns the statement of a query for the viewer in ctx, compiling its shape once.
func (c *Compiler) shaped(ctx context.Context, oc *graphql.OperationContext, check *Check) (statement, []string, error) {
	v := viewer.FromContext(ctx)
	if v == nil || v.Scope != nil || oc.RawQuery == "" {
		st, fields, err := c.operation(ctx, oc, check)
		return st, aliasesOf(fields), err
	}
	key, ok := c.cacheable(oc, v.Role, check != nil)
	var sh shape
	if ok {
		c.mu.Lock()
		sh, ok = c.shapes.Get(key)
		c.mu.Unlock()
	}
	if !ok {
		stand := &viewer.Viewer{ID: standInID, Role: v.Role}
		var standCheck *Check
		if check != nil {
			standCheck = &Check{UserID: standInID, Version: standInVersion, Role: check.Role}
		}
		st, fields, err := c.operation(viewer.NewContext(ctx, stand), oc, standCheck)
		if err != nil {
			return statement{}, nil, err
		}
		sh = shape{st: st, aliases: aliasesOf(fields)}
		if key != "" {
			c.mu.Lock()
			c.shapes.Add(key, sh)
			c.mu.Unlock()
		}
	}
	args := make([]any, len(sh.st.args))
	for i, a := range sh.st.args {
		switch a {
		case standInID:
			args[i] = v.ID
		case standInVersion:
			args[i] = check.Version
		default:
			args[i] = a
		}
	}
	return statement{sql: sh.st.sql, args: args}, sh.aliases, nil
}

func (c *Compiler) cacheable(oc *graphql.OperationContext, role viewer.Role, checked bool) (string, bool) {
	if c.shapes == nil {
		return "", false
	}
	return shapeKey(oc, role, checked)
}

func aliasesOf(fields []graphql.CollectedField) []string {
	out := make([]string, len(fields))
	for i, f := range fields {
		out[i] = f.Alias
	}
	return out
}

// operation compiles every root field of a query into one statement whose first column is the token
// check's result (true without a check) and the others the fields' JSON, in the order of fields.
func (c *Compiler) operation(ctx context.Context, oc *graphql.OperationContext, check *Check) (statement, []graphql.CollectedField, error) {
	fields := graphql.CollectFields(oc, oc.Operation.SelectionSet, []string{"Query"})
	if len(fields) == 0 {
		return statement{}, nil, unsupported("empty selection")
	}
	b := &builder{ctx: ctx, oc: oc, schema: c.cfg.Schema, client: c.cfg.Client}
	exprs := make([]string, len(fields))
	for i, f := range fields {
		e, err := b.rootExpr(f)
		if err != nil {
			return statement{}, nil, err
		}
		exprs[i] = e
	}
	var q strings.Builder
	q.WriteString(`SELECT "v"."ok"`)
	for _, e := range exprs {
		q.WriteString(`, CASE WHEN "v"."ok" THEN ` + e + " END")
	}
	if check != nil {
		q.WriteString(` FROM (SELECT EXISTS (SELECT 1 FROM ` + quote(user.Table) + ` WHERE ` + quote(user.FieldID) + " = " + b.arg(check.UserID) +
			" AND " + quote(user.FieldTokenVersion) + " = " + b.arg(check.Version) + " AND " + quote(user.FieldRole) + " = " + b.arg(string(check.Role)) +
			`) AS "ok") AS "v"`)
	} else {
		q.WriteString(` FROM (SELECT TRUE AS "ok") AS "v"`)
	}
	return bind(q.String(), b.args), fields, nil
}

func (c *Compiler) fellBack(err error) {
	if c.cfg.Fallback != nil {
		c.cfg.Fallback(reason(err))
	}
}
