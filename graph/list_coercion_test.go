package graph_test

import (
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/modelarchitect/architect/internal/testutil"
	"github.com/modelarchitect/architect/internal/viewer"
)

// TestSingleOrderByIsAList: GraphQL coerces a single value given for a list argument into a list of it
// (spec §3.11, List input coercion), so orderBy: {field: NAME} orders like orderBy: [{field: NAME}] — inline or
// in a variable, at the root and in connections loaded eagerly under node, nodes and lists, which read their
// arguments raw and used to ignore a single object (the rows came in id order).
func TestSingleOrderByIsAList(t *testing.T) {
	t.Parallel()
	eachBackend(t, func(t *testing.T, b testutil.Backend) {
		s := testutil.NewServer(t, b)
		u := s.SignUp(t, "orders@example.com", viewer.RoleFree)
		c := s.Client(u.Token)
		for _, name := range []string{"Bravo", "Alpha", "Charlie"} {
			c.MustDo(t, `mutation($n: String!) { createScenario(input: {name: $n, config: {taskComplexity: LOW, dataVolume: 1000, inputTokens: 100, outputTokens: 50, responseTimeSLA: 1000}}) { id } }`,
				map[string]any{"n": name}, nil)
		}
		names := func(conn map[string]any) []string {
			var out []string
			for _, e := range conn["edges"].([]any) {
				out = append(out, e.(map[string]any)["node"].(map[string]any)["name"].(string))
			}
			return out
		}
		conn := `scenarios(first: 2, orderBy: ORDER) { edges { node { name } } }`
		for _, order := range []struct {
			literal string
			vars    map[string]any
			want    []string
		}{
			{`{field: NAME}`, nil, []string{"Alpha", "Bravo"}},
			{`{field: NAME, direction: DESC}`, nil, []string{"Charlie", "Bravo"}},
			{`[{field: NAME, direction: DESC}]`, nil, []string{"Charlie", "Bravo"}},
			{`$o`, map[string]any{"o": map[string]any{"field": "NAME", "direction": "DESC"}}, []string{"Charlie", "Bravo"}},
			{`$o`, map[string]any{"o": []any{map[string]any{"field": "NAME"}}}, []string{"Alpha", "Bravo"}},
		} {
			sel := conn[:len("scenarios(first: 2, orderBy: ")] + order.literal + conn[len("scenarios(first: 2, orderBy: ORDER"):]
			decl := ""
			if order.vars != nil {
				decl = "($o: [ScenarioOrder!])"
			}
			var out struct {
				Scenarios map[string]any
				Me        struct{ Scenarios map[string]any }
				Node      struct{ Scenarios map[string]any }
				Nodes     []struct{ Scenarios map[string]any }
			}
			vars := map[string]any{"id": u.ID}
			for k, v := range order.vars {
				vars[k] = v
			}
			q := `query` + decl + ` { ` + sel + ` me { ` + sel + ` } node(id: "` + u.ID + `") { ... on User { ` + sel + ` } } nodes(ids: ["` + u.ID + `"]) { ... on User { ` + sel + ` } } }`
			c.MustDo(t, q, vars, &out)
			require.Equal(t, order.want, names(out.Scenarios), "root, orderBy: %s", order.literal)
			require.Equal(t, order.want, names(out.Me.Scenarios), "me, orderBy: %s", order.literal)
			require.Equal(t, order.want, names(out.Node.Scenarios), "node, orderBy: %s", order.literal)
			require.Equal(t, order.want, names(out.Nodes[0].Scenarios), "nodes, orderBy: %s", order.literal)
		}
	})
}
