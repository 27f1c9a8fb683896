package server

import (
	"context"
	"time"

	"github.com/99designs/gqlgen/graphql"

	"github.com/modelarchitect/architect/ent"
	"github.com/modelarchitect/architect/internal/apperr"
)

// checkCursors refuses a connection's after or before that this API did not make, before anything is
// loaded. (Pages are the limits extension's: limits.DefaultPage, limits.MaxPage.)
func checkCursors(ctx context.Context, next graphql.Resolver) (any, error) {
	if fc := graphql.GetFieldContext(ctx); fc != nil {
		for _, name := range []string{"after", "before"} {
			if c, _ := fc.Args[name].(*ent.Cursor); c != nil && !cursorValue(c.Value) {
				return nil, badCursor(name)
			}
		}
	}
	return next(ctx)
}

// cursorValue reports whether v can be the ordered value of one of our cursors (what entgql encodes: a
// string, a number, a time, a boolean or nothing, or a list of those for several orderBy fields); anything
// else was not made by this API.
func cursorValue(v any) bool {
	switch v := v.(type) {
	case nil, string, bool, float32, float64, int, int8, int16, int32, int64, uint, uint8, uint16, uint32, uint64, time.Time:
		return true
	case []any:
		for _, e := range v {
			if _, list := e.([]any); list || !cursorValue(e) {
				return false
			}
		}
		return true
	}
	return false
}

func badCursor(arg string) *apperr.Error {
	return apperr.Input(arg, "%s is not a cursor of this connection: pass pageInfo.endCursor (or startCursor, or an edge's cursor) as it was returned", arg)
}
