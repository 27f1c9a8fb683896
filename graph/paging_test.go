package graph_test

import (
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/modelarchitect/architect/internal/testutil"
	"github.com/modelarchitect/architect/internal/viewer"
)

// TestPagingDirections: a connection pages forwards with first from after, and backwards with last from
// before; before alone pages backwards too (the default page is last: 20), so it gives the rows before the
// cursor, nearest last; a cursor on the other side of the page's direction is refused before anything runs,
// since entgql would read it as the start of the page and answer with the rows on its other side.
func TestPagingDirections(t *testing.T) {
	t.Parallel()
	eachBackend(t, func(t *testing.T, b testutil.Backend) {
		s := testutil.NewServer(t, b)
		c := s.Client(s.SignUp(t, "pages@example.com", viewer.RoleFree).Token)
		for _, name := range []string{"s1", "s2", "s3", "s4", "s5"} {
			c.MustDo(t, `mutation($n: String!) { createScenario(input: {name: $n, config: {taskComplexity: LOW, dataVolume: 1,
				responseTimeSLA: 100, inputTokens: 500, outputTokens: 200}}) { id } }`, map[string]any{"n": name}, nil)
		}
		type conn struct {
			Scenarios struct {
				Edges []struct {
					Cursor string
					Node   struct{ Name string }
				}
			}
		}
		names := func(q string, vars map[string]any) []string {
			var out conn
			c.MustDo(t, q, vars, &out)
			var got []string
			for _, e := range out.Scenarios.Edges {
				got = append(got, e.Node.Name)
			}
			return got
		}
		var all conn
		c.MustDo(t, `{ scenarios(first: 5, orderBy: {field: NAME}) { edges { cursor node { name } } } }`, nil, &all)
		require.Len(t, all.Scenarios.Edges, 5)
		third := map[string]any{"c": all.Scenarios.Edges[2].Cursor}
		page := func(args string) string {
			return `query($c: Cursor) { scenarios(` + args + `, orderBy: {field: NAME}) { edges { cursor node { name } } } }`
		}
		require.Equal(t, []string{"s4", "s5"}, names(page("after: $c"), third))
		require.Equal(t, []string{"s4"}, names(page("first: 1, after: $c"), third))
		require.Equal(t, []string{"s1", "s2"}, names(page("before: $c"), third))
		require.Equal(t, []string{"s2"}, names(page("last: 1, before: $c"), third))

		for args, want := range map[string]string{
			"first: 1, before: $c": "scenarios: before pages backwards, so it goes with last (first goes with after)",
			"last: 1, after: $c":   "scenarios: after pages forwards, so it goes with first (last goes with before)",
			"after: $c, before: $c": "scenarios takes after or before, not both: page forwards with first and after, " +
				"or backwards with last and before",
		} {
			e := c.Err(t, page(args), third)
			require.Equal(t, "BAD_USER_INPUT", e.Code(), args)
			require.Equal(t, want, e.Message, args)
		}
	})
}
