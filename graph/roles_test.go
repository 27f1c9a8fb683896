package graph_test

import (
	"fmt"
	"sort"
	"strings"
	"testing"

	"github.com/stretchr/testify/require"
	"github.com/vektah/gqlparser/v2/ast"

	"github.com/modelarchitect/architect/graph"
	"github.com/modelarchitect/architect/internal/gid"
	"github.com/modelarchitect/architect/internal/testutil"
	"github.com/modelarchitect/architect/internal/viewer"
)

// publicFields may be called without a role. Everything else at the root must carry @hasRole.
var publicFields = map[string]bool{
	"Query.me": true, "Query.node": true, "Query.nodes": true,
	"Mutation.signUp": true, "Mutation.logIn": true,
}

type rootField struct {
	op   string // query, mutation, subscription
	def  *ast.FieldDefinition
	role viewer.Role // "" when public
}

func rootFields(t *testing.T) (*ast.Schema, []rootField) {
	t.Helper()
	schema := graph.NewSchema(&graph.Resolver{}).Schema()
	var out []rootField
	for op, typ := range map[string]*ast.Definition{"query": schema.Query, "mutation": schema.Mutation, "subscription": schema.Subscription} {
		if typ == nil {
			continue
		}
		for _, f := range typ.Fields {
			if strings.HasPrefix(f.Name, "__") {
				continue
			}
			rf := rootField{op: op, def: f}
			if d := f.Directives.ForName("hasRole"); d != nil {
				rf.role = viewer.Role(d.Arguments.ForName("role").Value.Raw)
			}
			out = append(out, rf)
		}
	}
	sort.Slice(out, func(i, j int) bool { return out[i].op+out[i].def.Name < out[j].op+out[j].def.Name })
	return schema, out
}

// TestEveryRootFieldIsGuarded fails when a field is added to Query, Mutation or Subscription without
// @hasRole and without being on the public list.
func TestEveryRootFieldIsGuarded(t *testing.T) {
	t.Parallel()
	_, fields := rootFields(t)
	require.NotEmpty(t, fields)
	for _, f := range fields {
		name := map[string]string{"query": "Query", "mutation": "Mutation", "subscription": "Subscription"}[f.op] + "." + f.def.Name
		if publicFields[name] {
			require.Empty(t, f.role, "%s is public and must not also carry @hasRole", name)
			continue
		}
		require.NotEmpty(t, f.role, "%s has no @hasRole and is not on the public list", name)
		require.True(t, f.role.Valid(), "%s: unknown role %q", name, f.role)
	}
}

// TestRoleWalk calls every guarded root field anonymously (UNAUTHENTICATED) and with the role just below
// the one it needs (FORBIDDEN), with arguments built from the schema.
func TestRoleWalk(t *testing.T) {
	t.Parallel()
	schema, fields := rootFields(t)
	s := testutil.NewServer(t, testutil.SQLite)
	tokens := map[viewer.Role]string{}
	for _, r := range []viewer.Role{viewer.RoleFree, viewer.RolePro, viewer.RoleEnterprise} {
		tokens[r] = s.SignUp(t, strings.ToLower(string(r))+"@roles.example.com", r).Token
	}
	walked := 0
	for _, f := range fields {
		if f.role == "" || f.op == "subscription" {
			continue // subscriptions are walked over websocket in the subscription tests
		}
		doc := operation(schema, f)
		t.Run(f.def.Name, func(t *testing.T) {
			e := s.Client("").Err(t, doc, nil)
			require.Equal(t, "UNAUTHENTICATED", e.Code(), "%s anonymously: %s", doc, e.Message)
			below, ok := f.role.Below()
			if !ok {
				return
			}
			e = s.Client(tokens[below]).Err(t, doc, nil)
			require.Equal(t, "FORBIDDEN", e.Code(), "%s as %s: %s", doc, below, e.Message)
			require.Contains(t, e.Message, string(f.role))
		})
		walked++
	}
	require.Greater(t, walked, 30, "the walk must cover the schema")
}

// operation writes a document that calls f with every required argument set to a valid sample value.
func operation(schema *ast.Schema, f rootField) string {
	var args []string
	for _, a := range f.def.Arguments {
		if a.Type.NonNull && a.DefaultValue == nil {
			args = append(args, a.Name+": "+sample(schema, a.Type))
		}
	}
	call := f.def.Name
	if len(args) > 0 {
		call += "(" + strings.Join(args, ", ") + ")"
	}
	if def := schema.Types[f.def.Type.Name()]; def != nil && (def.Kind == ast.Object || def.Kind == ast.Interface || def.Kind == ast.Union) {
		call += " { __typename }"
	}
	return f.op + " { " + call + " }"
}

func sample(schema *ast.Schema, t *ast.Type) string {
	if t.Elem != nil {
		return "[" + sample(schema, t.Elem) + "]"
	}
	def := schema.Types[t.NamedType]
	switch t.NamedType {
	case "ID":
		return fmt.Sprintf("%q", gid.Encode(1))
	case "String":
		return `"x"`
	case "Int":
		return "1"
	case "Float":
		return "1.5"
	case "Boolean":
		return "true"
	case "Decimal":
		return `"1"`
	case "Time":
		return `"2026-01-01T00:00:00Z"`
	}
	switch def.Kind {
	case ast.Enum:
		return def.EnumValues[0].Name
	case ast.InputObject:
		var fs []string
		for _, f := range def.Fields {
			if f.Type.NonNull && f.DefaultValue == nil {
				fs = append(fs, f.Name+": "+sample(schema, f.Type))
			}
		}
		return "{" + strings.Join(fs, ", ") + "}"
	}
	panic("no sample for " + t.String())
}
