package graph_test

import (
	"os"
	"testing"

	"github.com/stretchr/testify/require"
	"github.com/vektah/gqlparser/v2"
	"github.com/vektah/gqlparser/v2/ast"

	"github.com/modelarchitect/architect/graph"
)

// TestSchemaFileCurrent: schema.graphql at the repository root is the schema as served, as go generate
// writes it; it parses on its own, keeps the role notes and shows no directive a client cannot use.
func TestSchemaFileCurrent(t *testing.T) {
	t.Parallel()
	file, err := os.ReadFile("../schema.graphql")
	require.NoError(t, err)
	require.Equal(t, graph.SDL(), string(file), "schema.graphql is stale: run make generate")

	s, gerr := gqlparser.LoadSchema(&ast.Source{Name: "schema.graphql", Input: string(file)})
	require.Nil(t, gerr)
	served := graph.NewSchema(&graph.Resolver{}).Schema()
	for name, def := range served.Types {
		if def.BuiltIn {
			continue
		}
		require.Contains(t, s.Types, name)
		for _, f := range def.Fields {
			require.Equal(t, f.Description, s.Types[name].Fields.ForName(f.Name).Description, "%s.%s", name, f.Name)
		}
	}
	require.Contains(t, s.Types["Mutation"].Fields.ForName("createDeployment").Description, "Requires role ENTERPRISE")
	for _, d := range graph.HiddenDirectives {
		require.NotContains(t, string(file), "@"+d+"(", "uses of @%s", d)
		require.NotContains(t, string(file), "directive @"+d+" ", "the definition of @%s", d)
	}
}
