package graph_test

import (
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/modelarchitect/architect/internal/benchmark"
	"github.com/modelarchitect/architect/internal/gid"
	"github.com/modelarchitect/architect/internal/model"
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

		// itemResults takes one orderBy object: its cursors hold the order field's value itself, not a list.
		u := s.SignUp(t, "items@example.com", viewer.RoleFree)
		ctx := testutil.System()
		bm := s.DB.Client.Benchmark.Create().SetOwnerID(u.RowID).SetName("items").SetModels([]string{"openai/gpt-4.1-mini"}).
			SetDataset(model.Dataset{{Input: "q", Expected: "a", Assertion: benchmark.Assertion("CONTAINS")}}).SaveX(ctx)
		for _, item := range []int{3, 1, 4, 0, 2} {
			s.DB.Client.BenchmarkItemResult.Create().SetOwnerID(u.RowID).SetBenchmarkID(bm.ID).SetModel("openai/gpt-4.1-mini").
				SetItem(item).ExecX(ctx)
		}
		type items struct {
			Node struct {
				ItemResults struct {
					Edges []struct {
						Cursor string
						Node   struct{ Item int }
					}
				}
			}
		}
		ic := s.Client(u.Token)
		itemPage := func(args string, vars map[string]any) ([]int, []string) {
			var out items
			ic.MustDo(t, `query($id: ID!, $c: Cursor) { node(id: $id) { ... on Benchmark { itemResults(`+args+`) {
				edges { cursor node { item } } } } } }`, vars, &out)
			var got []int
			var cursors []string
			for _, e := range out.Node.ItemResults.Edges {
				got, cursors = append(got, e.Node.Item), append(cursors, e.Cursor)
			}
			return got, cursors
		}
		bid := gid.Encode(bm.ID)
		got, cursors := itemPage(`first: 5, after: $c, orderBy: {field: ITEM}`, map[string]any{"id": bid, "c": nil})
		require.Equal(t, []int{0, 1, 2, 3, 4}, got)
		got, _ = itemPage(`first: 2, after: $c, orderBy: {field: ITEM}`, map[string]any{"id": bid, "c": cursors[1]})
		require.Equal(t, []int{2, 3}, got, "an ordered cursor of itemResults is its own")
		got, _ = itemPage(`last: 1, before: $c, orderBy: {field: ITEM}`, map[string]any{"id": bid, "c": cursors[1]})
		require.Equal(t, []int{0}, got)
		e := ic.Err(t, `query($id: ID!, $c: Cursor) { node(id: $id) { ... on Benchmark { itemResults(first: 2, after: $c) { totalCount } } } }`,
			map[string]any{"id": bid, "c": cursors[1]})
		require.Equal(t, "BAD_USER_INPUT", e.Code(), "a cursor made under orderBy ITEM, given without it: %s", e.Message)

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
