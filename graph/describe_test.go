package graph_test

import (
	"os"
	"slices"
	"sort"
	"strings"
	"testing"

	"github.com/stretchr/testify/require"
	"github.com/vektah/gqlparser/v2/ast"

	"github.com/modelarchitect/architect/graph"
	"github.com/modelarchitect/architect/graph/generated"
)

// element is one described part of the schema: a type, field, argument, enum value or input field.
type element struct {
	kind string // type, field, argument, enum value, input field, directive
	path string // e.g. Query.scenarios(first:)
	desc string
}

// elements lists every element of the public schema: what the server declares, not GraphQL's built-ins
// (String, Int, …, the __ introspection types, @skip, @include, @deprecated, …).
func elements(s *ast.Schema) []element {
	var out []element
	for _, def := range s.Types {
		if def.BuiltIn || strings.HasPrefix(def.Name, "__") {
			continue
		}
		out = append(out, element{"type", def.Name, def.Description})
		for _, v := range def.EnumValues {
			out = append(out, element{"enum value", def.Name + "." + v.Name, v.Description})
		}
		for _, f := range def.Fields {
			if strings.HasPrefix(f.Name, "__") {
				continue
			}
			kind := "field"
			if def.Kind == ast.InputObject {
				kind = "input field"
			}
			out = append(out, element{kind, def.Name + "." + f.Name, f.Description})
			for _, a := range f.Arguments {
				out = append(out, element{"argument", def.Name + "." + f.Name + "(" + a.Name + ":)", a.Description})
			}
		}
	}
	for _, d := range s.Directives {
		if d.Position == nil || d.Position.Src == nil || d.Position.Src.BuiltIn || slices.Contains(graph.HiddenDirectives, d.Name) {
			continue
		}
		out = append(out, element{"directive", "@" + d.Name, d.Description})
		for _, a := range d.Arguments {
			out = append(out, element{"argument", "@" + d.Name + "(" + a.Name + ":)", a.Description})
		}
	}
	sort.Slice(out, func(i, j int) bool { return out[i].path < out[j].path })
	return out
}

// TestSchemaDescribed fails when a type, field, argument, enum value or input field of the public schema
// has no description. It reads the schema as written, before the role notes are added (a role note alone
// does not describe a field). DESCRIBE_REPORT=1 prints the counts by kind and every element without one.
func TestSchemaDescribed(t *testing.T) {
	t.Parallel()
	all := elements(generated.NewExecutableSchema(generated.Config{}).Schema())
	total, missing := map[string]int{}, map[string]int{}
	var undescribed []string
	for _, e := range all {
		total[e.kind]++
		if strings.TrimSpace(e.desc) == "" {
			missing[e.kind]++
			undescribed = append(undescribed, e.kind+" "+e.path)
		}
	}
	if os.Getenv("DESCRIBE_REPORT") != "" {
		for _, k := range []string{"type", "field", "argument", "enum value", "input field", "directive"} {
			t.Logf("%-12s %4d of %4d without a description", k, missing[k], total[k])
		}
		t.Logf("%-12s %4d of %4d without a description", "all", len(undescribed), len(all))
		for _, u := range undescribed {
			t.Log(u)
		}
	}
	require.Empty(t, undescribed, "%d schema elements have no description: describe them in graph/*.graphqls, "+
		"or for ent's types in ent/schema (Comment) and ent/entc.go's schema hook", len(undescribed))
}

// TestRoleInDescriptions: every field guarded by @hasRole ends its description with the role it needs, as
// the served schema says it (not as someone wrote it by hand: the SDL's own descriptions never name it).
func TestRoleInDescriptions(t *testing.T) {
	t.Parallel()
	for _, e := range elements(generated.NewExecutableSchema(generated.Config{}).Schema()) {
		require.NotContains(t, e.desc, "Requires role", "%s: the role note is added from @hasRole; do not write it by hand", e.path)
	}
	served := graph.NewSchema(&graph.Resolver{}).Schema()
	guarded := 0
	for _, def := range served.Types {
		for _, f := range def.Fields {
			d := f.Directives.ForName("hasRole")
			if d == nil {
				require.NotContains(t, f.Description, "Requires role", "%s.%s", def.Name, f.Name)
				continue
			}
			guarded++
			role := d.Arguments.ForName("role").Value.Raw
			paras := strings.Split(f.Description, "\n\n")
			require.Regexp(t, `^Requires role `+role+`( or above \(.+\))?\.$`, paras[len(paras)-1], "%s.%s", def.Name, f.Name)
		}
	}
	require.Greater(t, guarded, 50)
	for _, tc := range []struct{ field, note string }{
		{"Mutation.createScenario", "Requires role FREE or above (any signed-in user)."},
		{"Mutation.createExperiment", "Requires role PRO or above (PRO, ENTERPRISE, ADMIN)."},
		{"Mutation.createDeployment", "Requires role ENTERPRISE or above (ENTERPRISE, ADMIN)."},
		{"Mutation.setUserRole", "Requires role ADMIN."},
		{"Query.users", "Requires role ADMIN."},
	} {
		typ, field, _ := strings.Cut(tc.field, ".")
		desc := served.Types[typ].Fields.ForName(field).Description
		require.True(t, desc == tc.note || strings.HasSuffix(desc, "\n\n"+tc.note), "%s: %q", tc.field, desc)
	}
	require.Same(t, served.Types["Mutation"], served.Mutation, "the root types must point to the described copies")
}
