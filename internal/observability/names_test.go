package observability

import (
	"fmt"
	"testing"

	"github.com/99designs/gqlgen/graphql"
	"github.com/stretchr/testify/require"
	"github.com/vektah/gqlparser/v2/gqlerror"
)

func TestNameSetCapsCardinality(t *testing.T) {
	t.Parallel()
	s := &nameSet{max: 3, seen: map[string]bool{}}
	for i := range 3 {
		require.Equal(t, fmt.Sprint("Op", i), s.label(fmt.Sprint("Op", i)))
	}
	require.Equal(t, "other", s.label("Op3"), "past the cap, new names are folded")
	require.Equal(t, "Op1", s.label("Op1"), "names already seen keep their label")
}

func TestCleanName(t *testing.T) {
	t.Parallel()
	tests := []struct{ in, want string }{
		{"", "anonymous"},
		{"Dashboard", "Dashboard"},
		{"_private2", "_private2"},
		{"2fast", "invalid"},
		{"drop table", "invalid"},
		{"Ünïcode", "invalid"},
		{string(make([]byte, 65)), "invalid"},
	}
	for _, tc := range tests {
		t.Run(tc.in, func(t *testing.T) {
			t.Parallel()
			require.Equal(t, tc.want, cleanName(tc.in))
		})
	}
}

func TestOutcome(t *testing.T) {
	t.Parallel()
	withCode := func(code any) *graphql.Response {
		return &graphql.Response{Errors: gqlerror.List{{Message: "x", Extensions: map[string]any{"code": code}}}}
	}
	tests := []struct {
		name string
		resp *graphql.Response
		want string
	}{
		{"no errors", &graphql.Response{}, "ok"},
		{"a code", withCode("NOT_FOUND"), "NOT_FOUND"},
		{"no code", &graphql.Response{Errors: gqlerror.List{{Message: "x"}}}, "error"},
		{"a code that is not a code", withCode("not a code; drop"), "error"},
		{"a code of the wrong type", withCode(42), "error"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			require.Equal(t, tc.want, outcome(tc.resp))
		})
	}
}

// TestRouteLabel: the route label is a pattern's path, in one style whether or not the pattern names a method.
func TestRouteLabel(t *testing.T) {
	t.Parallel()
	for pattern, want := range map[string]string{
		"/graphql":           "/graphql",
		"GET /healthz":       "/healthz",
		"GET /{$}":           "/",
		"GET /playground/":   "/playground/",
		"POST /items/{id}":   "/items/{id}",
		"/static/{path...}":  "/static/{path...}",
		"GET  /double-space": "/double-space",
	} {
		require.Equal(t, want, routeLabel(pattern), pattern)
	}
}
