package limits_test

import (
	"fmt"
	"os"
	"strings"
	"testing"

	"github.com/stretchr/testify/require"
	"github.com/vektah/gqlparser/v2"
	"github.com/vektah/gqlparser/v2/ast"

	"github.com/modelarchitect/architect/internal/limits"
)

// The queries the defaults were chosen for (docs/engines/http.md, "Query limits").
const (
	dashboardQuery = `query Dashboard { me { id scenarios(first: 20) { edges { node { id name createdAt owner { email name } } } }
benchmarks(first: 20) { edges { node { id name status models progress createdAt owner { email name } } } }
deployments(first: 20) { edges { node { id modelName provider region status estimatedCost createdAt owner { email name } } } } } }`
	adminQuery = `query AdminUsers { users(first: 100) { edges { node { id email name role createdAt
scenarios(first: 20) { edges { node { id name createdAt owner { email name } } } } } } } }`
)

func loadSchema(t *testing.T) *ast.Schema {
	t.Helper()
	src, err := os.ReadFile("testdata/schema.graphqls")
	require.NoError(t, err)
	s, gerr := gqlparser.LoadSchema(&ast.Source{Name: "schema.graphqls", Input: string(src)})
	require.NoError(t, gerr)
	return s
}

func operation(t *testing.T, s *ast.Schema, query string) *ast.OperationDefinition {
	t.Helper()
	doc, err := gqlparser.LoadQuery(s, query)
	require.Nil(t, err, "query must validate: %v", err)
	require.Len(t, doc.Operations, 1)
	return doc.Operations[0]
}

func TestMeasure(t *testing.T) {
	t.Parallel()
	s := loadSchema(t)
	tests := []struct {
		name  string
		query string
		vars  map[string]any
		want  limits.Cost
	}{
		{
			name: "dashboard",
			// scenarios: node = 1 + id,name,createdAt (3) + owner (1+2) = 7; edges = 8; connection = 1 + 20×8 = 161
			// benchmarks: node = 1 + 6 scalars + owner 3 = 10; edges = 11; connection = 1 + 20×11 = 221
			// deployments: node = 1 + 7 scalars + owner 3 = 11; edges = 12; connection = 1 + 20×12 = 241
			// me = 1 + id + 161 + 221 + 241 = 625; depth me>benchmarks>edges>node>owner>email = 6
			query: dashboardQuery,
			want:  limits.Cost{Depth: 6, Complexity: 625},
		},
		{
			name: "admin page: 100 users with 20 scenarios each",
			// user node = 1 + 5 scalars + scenarios 161 = 167; edges = 168; users = 1 + 100×168 = 16 801
			// depth users>edges>node>scenarios>edges>node>owner>email = 8
			query: adminQuery,
			want:  limits.Cost{Depth: 8, Complexity: 16801},
		},
		{
			name: "a connection without first or last pages by the default of 20",
			// 1 + 20 × (edges 1 + node (1 + id)) = 1 + 20×3 = 61
			query: `{ scenarios { edges { node { id } } } }`,
			want:  limits.Cost{Depth: 4, Complexity: 61},
		},
		{
			name: "first from a variable",
			// 1 + 7 × 3 = 22
			query: `query Q($n: Int) { scenarios(first: $n) { edges { node { id } } } }`,
			vars:  map[string]any{"n": int64(7)},
			want:  limits.Cost{Depth: 4, Complexity: 22},
		},
		{
			name:  "a null variable falls back to the default page",
			query: `query Q($n: Int) { scenarios(first: $n) { edges { node { id } } } }`,
			vars:  map[string]any{"n": nil},
			want:  limits.Cost{Depth: 4, Complexity: 61},
		},
		{
			name: "the larger of first and last",
			// 1 + 9 × 3 = 28
			query: `{ scenarios(first: 2, last: 9) { edges { node { id } } } }`,
			want:  limits.Cost{Depth: 4, Complexity: 28},
		},
		{
			name: "a fragment spread twice into one selection set counts once, as execution merges it",
			// me 1 + id 1
			query: `{ me { ...F ...F } } fragment F on User { id }`,
			want:  limits.Cost{Depth: 2, Complexity: 2},
		},
		{
			name: "a fragment spread under two aliases counts twice, with its aliases",
			// F = 2 fields, 1 alias; owner = 1+2 = 3; node = 4; edges = 5; a = 1 + 1×5 = 6; a + b = 12; me = 13.
			// aliases: a, b and x once under each = 4
			query: `{ me { a: scenarios(first: 1) { edges { node { owner { ...F } } } } b: scenarios(first: 1) { edges { node { owner { ...F } } } } } }
fragment F on User { x: id name }`,
			want: limits.Cost{Depth: 6, Complexity: 13, Aliases: 4},
		},
		{
			name:  "inline fragments add no level",
			query: `{ node(id: "1") { ... on User { id email } ... on Scenario { name } } }`,
			want:  limits.Cost{Depth: 2, Complexity: 4},
		},
		{
			name: "introspection adds no depth but counts its fields",
			// __schema, types, name, fields, name, type, ofType, name = 8; me + id = 2; depth from me { id } = 2
			query: `{ __schema { types { name fields { name type { ofType { name } } } } } me { id } }`,
			want:  limits.Cost{Depth: 2, Complexity: 10},
		},
		{
			name: "Apollo's introspection query (graphql-js defaults)",
			// TypeRef = kind, name + 9 × (ofType + name + kind) = 29; InputValue = name, description, type (1+29),
			// defaultValue = 33; FullType = kind, name, description (3) + fields (1 + 2 + args 34 + type 30 + 2 = 69)
			// + inputFields 34 + interfaces 30 + enumValues 5 + possibleTypes 30 = 171; __schema = 1 + queryType 3 +
			// mutationType 3 + subscriptionType 3 + types 172 + directives (1 + 3 + args 34 = 38) = 220
			query: readQuery(t, "testdata/introspection/apollo.graphql"),
			want:  limits.Cost{Depth: 0, Complexity: 220},
		},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			got := limits.Measure(operation(t, s, tc.query), tc.vars, limits.DefaultPage)
			require.Equal(t, tc.want, got)
		})
	}
}

// TestMeasureFanOut checks that a chain of fragments, each spread twice by the one before, is measured
// without walking its 2^n expansion and without overflowing.
func TestMeasureFanOut(t *testing.T) {
	t.Parallel()
	s := loadSchema(t)
	const levels = 40
	var b strings.Builder
	b.WriteString("query FanOut { me { ...F0 } }\n")
	for i := range levels {
		next := fmt.Sprintf("...F%d", i+1)
		if i == levels-1 {
			next = "id"
		}
		fmt.Fprintf(&b, "fragment F%d on User { a: scenarios(first: 100) { edges { node { owner { %s } } } } b: scenarios(first: 100) { edges { node { owner { %s } } } } }\n", i, next, next)
	}
	got := limits.Measure(operation(t, s, b.String()), nil, limits.DefaultPage)
	require.Equal(t, 1+4*levels+1, got.Depth) // me, 4 levels per fragment, id
	require.Equal(t, 2147483647, got.Complexity, "saturates at MaxInt32")
	require.Equal(t, 2147483647, got.Aliases, "2 + 4 + … + 2^40 saturates")
}
