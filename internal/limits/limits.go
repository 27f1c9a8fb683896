// Package limits is a gqlgen extension that refuses a GraphQL operation whose text is too long, which is
// too deep, too complex or uses too many aliases, or whose inputs hold what must not reach the database (a
// NUL character, an oversized filter, a page over MaxPage, a cursor on the wrong side of its page or not made
// for the connection), before any resolver runs; it is also where the paging policy lives: a connection asked
// for without a page gets the default one. It measures documents
// only: it does not rate-limit callers or look at who they are.
package limits

import (
	"cmp"
	"context"
	"fmt"

	"github.com/99designs/gqlgen/graphql"
	"github.com/99designs/gqlgen/graphql/errcode"
	"github.com/vektah/gqlparser/v2/gqlerror"
)

// Defaults, chosen in docs/engines/http.md ("Query limits"): a dashboard query measures depth 6 and
// complexity 625, an admin page of 100 users with 20 scenarios each depth 8 and complexity 16 801, the
// introspection queries of GraphiQL, Apollo and urql depth 0 (not counted), complexity 213 to 230, no aliases.
const (
	DefaultMaxDepth      = 12
	DefaultMaxComplexity = 50_000
	DefaultMaxAliases    = 30
	DefaultMaxQueryBytes = 64 << 10
)

// Limit names, sent as extensions.limit.
const (
	LimitQueryBytes = "queryBytes"
	LimitDepth      = "depth"
	LimitComplexity = "complexity"
	LimitAliases    = "aliases"
)

// Config sets the limits. A zero field takes its default; a negative one turns that limit off.
type Config struct {
	MaxDepth      int // field nesting (Cost.Depth)
	MaxComplexity int // Cost.Complexity
	MaxAliases    int // Cost.Aliases
	MaxQueryBytes int // length of the query text, checked before it is parsed or stored as a persisted query
	DefaultPage   int // page size given to a connection called without first or last (or with both null)
	Inputs        InputLimits
	// Cursor, when set, reports whether value (an after or before, variables resolved) is a cursor this API
	// made for a connection ordered as o says; the paging policy refuses others.
	Cursor func(value any, o Order) bool
}

// Order is how a connection is ordered: by Terms orderBy fields (0: by id alone), given as one object
// (Single: the connection's orderBy is not a list) or as a list.
type Order struct {
	Terms  int
	Single bool
}

func (c Config) withDefaults() Config {
	return Config{
		MaxDepth:      cmp.Or(c.MaxDepth, DefaultMaxDepth),
		MaxComplexity: cmp.Or(c.MaxComplexity, DefaultMaxComplexity),
		MaxAliases:    cmp.Or(c.MaxAliases, DefaultMaxAliases),
		MaxQueryBytes: cmp.Or(c.MaxQueryBytes, DefaultMaxQueryBytes),
		DefaultPage:   max(cmp.Or(c.DefaultPage, DefaultPage), 0),
		Inputs:        c.Inputs.withDefaults(),
		Cursor:        c.Cursor,
	}
}

// Extension enforces a Config. Add it with srv.Use before extension.AutomaticPersistedQuery, so that a
// query refused for its length is never stored.
type Extension struct {
	cfg Config
}

// New returns the extension for cfg.
func New(cfg Config) *Extension { return &Extension{cfg: cfg.withDefaults()} }

var _ interface {
	graphql.HandlerExtension
	graphql.OperationParameterMutator
	graphql.OperationContextMutator
} = (*Extension)(nil)

// ExtensionName names the extension in gqlgen's stats.
func (*Extension) ExtensionName() string { return "QueryLimits" }

// Validate accepts every schema: the limits read field definitions, not types.
func (*Extension) Validate(graphql.ExecutableSchema) error { return nil }

// MutateOperationParameters refuses a query text longer than MaxQueryBytes.
func (e *Extension) MutateOperationParameters(_ context.Context, p *graphql.RawParams) *gqlerror.Error {
	if n := len(p.Query); e.cfg.MaxQueryBytes >= 0 && n > e.cfg.MaxQueryBytes {
		return exceeded(LimitQueryBytes, n, e.cfg.MaxQueryBytes,
			"the query text is %d bytes, %d over the limit of %d: send a shorter document (fewer fields or fragments, large inputs as variables)",
			n, n-e.cfg.MaxQueryBytes, e.cfg.MaxQueryBytes)
	}
	return nil
}

// MutateOperationContext applies the paging policy to the operation (oc.Operation and oc.Doc become a
// copy in which every connection has a page), measures it and refuses it when it exceeds a limit, checking
// its inputs, then its pages and cursors (the most precise refusal: a page of 10,000 is out of bounds before
// it is too complex), then depth, aliases and complexity. The measured Cost is kept in the
// operation's stats (see CostOf).
func (e *Extension) MutateOperationContext(_ context.Context, oc *graphql.OperationContext) *gqlerror.Error {
	if oc.Operation == nil {
		return nil
	}
	if err := CheckInputs(oc.Operation, oc.Variables, e.cfg.Inputs); err != nil {
		return err
	}
	var pageRefusal *gqlerror.Error
	oc.Doc, oc.Operation, pageRefusal = defaultPages(oc.Doc, oc.Operation, oc.Variables, e.cfg.DefaultPage, e.cfg.Cursor)
	if pageRefusal != nil {
		return pageRefusal
	}
	c := Measure(oc.Operation, oc.Variables, e.cfg.DefaultPage)
	oc.Stats.SetExtension(statsKey, &c)
	name := "the operation"
	if oc.Operation.Name != "" {
		name = "operation " + oc.Operation.Name
	}
	var err *gqlerror.Error
	switch {
	case e.cfg.MaxDepth >= 0 && c.Depth > e.cfg.MaxDepth:
		err = exceeded(LimitDepth, c.Depth, e.cfg.MaxDepth,
			"%s nests fields %d levels deep, %d more than the limit of %d: fetch the deeper data with a separate query",
			name, c.Depth, c.Depth-e.cfg.MaxDepth, e.cfg.MaxDepth)
	case e.cfg.MaxAliases >= 0 && c.Aliases > e.cfg.MaxAliases:
		err = exceeded(LimitAliases, c.Aliases, e.cfg.MaxAliases,
			"%s uses %d aliases (fragments expanded), %d more than the limit of %d: request fewer aliased fields",
			name, c.Aliases, c.Aliases-e.cfg.MaxAliases, e.cfg.MaxAliases)
	case e.cfg.MaxComplexity >= 0 && c.Complexity > e.cfg.MaxComplexity:
		err = exceeded(LimitComplexity, c.Complexity, e.cfg.MaxComplexity,
			"%s has complexity %d, %d more than the limit of %d: ask for smaller pages (first/last) or fewer fields; "+
				"each field costs 1 and a connection multiplies its fields by its page size (%d when first and last are absent)",
			name, c.Complexity, c.Complexity-e.cfg.MaxComplexity, e.cfg.MaxComplexity, e.cfg.DefaultPage)
	default:
		return nil
	}
	if p := oc.Operation.Position; p != nil {
		err.Locations = []gqlerror.Location{{Line: p.Line, Column: p.Column}}
	}
	return err
}

// exceeded builds the refusal: code GRAPHQL_VALIDATION_FAILED (these limits are extra validation rules,
// which the GraphQL-over-HTTP draft names as such), with the limit's name, the measured value and the limit.
func exceeded(limit string, actual, maxAllowed int, format string, args ...any) *gqlerror.Error {
	err := &gqlerror.Error{Message: fmt.Sprintf(format, args...)}
	errcode.Set(err, errcode.ValidationFailed)
	err.Extensions["limit"] = limit
	err.Extensions["actual"] = actual
	err.Extensions["max"] = maxAllowed
	return err
}

const statsKey = "QueryLimits"

// CostOf returns the cost measured for the operation running in ctx, or nil before measurement or when
// the extension is not installed.
func CostOf(ctx context.Context) *Cost {
	if !graphql.HasOperationContext(ctx) {
		return nil
	}
	c, _ := graphql.GetOperationContext(ctx).Stats.GetExtension(statsKey).(*Cost)
	return c
}
