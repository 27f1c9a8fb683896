package graph_test

import (
	"fmt"
	"strings"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/modelarchitect/architect/internal/testutil"
	"github.com/modelarchitect/architect/internal/viewer"
)

// nested returns a valid query that goes levels times through scenario → owner → scenarios.
func nested(levels, page int) string {
	var b strings.Builder
	b.WriteString("query Nested { me { id ")
	for range levels {
		fmt.Fprintf(&b, "scenarios(first: %d) { edges { node { name owner { ", page)
	}
	b.WriteString("id")
	b.WriteString(strings.Repeat(" } } } }", levels))
	b.WriteString(" } }")
	return b.String()
}

// TestQueryLimits: with the default limits (depth 12, complexity 50,000, 30 aliases) the dashboard query of
// bench/README.md runs, and a depth, complexity or alias bomb is refused before any resolver runs, naming the limit
// it broke, its value and the measured one.
func TestQueryLimits(t *testing.T) {
	t.Parallel()
	s := testutil.NewServer(t, testutil.SQLite)
	u := s.SignUp(t, "limits@example.com", viewer.RoleFree)
	aliases := make([]string, 31)
	for i := range aliases {
		aliases[i] = fmt.Sprintf("a%d: __typename", i)
	}
	tests := []struct {
		name   string
		query  string
		limit  string // extensions.limit; "" when the query must run
		actual int
		max    int
	}{
		// me(1) scenarios(2) edges(3) node(4) owner(5) ×n, then id: depth 4n+2.
		{name: "dashboard", query: dashboardQuery},
		{name: "two levels of scenarios and owners", query: nested(2, 10)},
		{name: "depth bomb", query: nested(3, 1), limit: "depth", actual: 14, max: 12},
		// Complexity (a field 1, a connection 1 + first × its children): the inner scenarios are 1 + 100 × (edges 1 +
		// node (1 + name 1 + owner (1 + id 1))) = 501, the outer 1 + 100 × (1 + 1 + 1 + (1 + 501)) = 50,501, me 1 + id 1 + 50,501 = 50,503.
		{name: "complexity bomb", query: nested(2, 100), limit: "complexity", actual: 50_503, max: 50_000},
		{name: "alias bomb", query: "query Aliases { " + strings.Join(aliases, " ") + " }", limit: "aliases", actual: 31, max: 30},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			r := send(t, s.URL, postReq(graphqlBody(tc.query, nil), acceptGQL, bearerHeader(u.Token)...))
			if tc.limit == "" {
				var out struct{ Me struct{ ID string } }
				dataOf(t, r, &out)
				require.Equal(t, u.ID, out.Me.ID)
				return
			}
			require.Equal(t, 422, r.status, "body: %s", r.body)
			require.NotContains(t, r.keys, "data", "refused before it ran")
			require.Len(t, r.errors, 1)
			e := r.errors[0]
			require.Equal(t, "GRAPHQL_VALIDATION_FAILED", e.Code())
			require.Equal(t, tc.limit, e.Extensions["limit"])
			require.EqualValues(t, tc.actual, e.Extensions["actual"])
			require.EqualValues(t, tc.max, e.Extensions["max"])
			require.Contains(t, e.Message, fmt.Sprintf("limit of %d", tc.max), "the message names the limit")
		})
	}
}
