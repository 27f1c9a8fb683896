package graph_test

import (
	"encoding/json"
	"fmt"
	"slices"
	"strings"
	"testing"

	"github.com/stretchr/testify/require"
	"github.com/vektah/gqlparser/v2/ast"

	"github.com/modelarchitect/architect/ent"
	"github.com/modelarchitect/architect/ent/user"
	"github.com/modelarchitect/architect/graph"
	"github.com/modelarchitect/architect/graph/generated"
	"github.com/modelarchitect/architect/internal/database"
	"github.com/modelarchitect/architect/internal/seed"
	"github.com/modelarchitect/architect/internal/testutil"
)

// seededViewer is a server with one seeded user (rows of every entity, documents filled in as the engines
// fill them) and that user's client.
func seededViewer(t testing.TB, b testutil.Backend, counter *testutil.SQLCounter, rows int, env ...map[string]string) (*testutil.Server, *testutil.Client) {
	t.Helper()
	serverEnv := map[string]string{"WORKERS": "false"}
	for _, e := range env {
		for k, v := range e {
			serverEnv[k] = v
		}
	}
	db := testutil.NewDB(t, b, testutil.DBOptions{Wrap: func(o database.Options) database.Options {
		o.WrapConnector = counter.Wrap
		return o
	}})
	ctx := testutil.System()
	require.NoError(t, seed.Seed(ctx, db.Client, seed.Options{Users: 1, PerUser: rows, Seed: 7, Argon2: testutil.FastArgon2}))
	s := testutil.NewServer(t, b, testutil.ServerOptions{DB: db, Env: serverEnv})
	email := db.Client.User.Query().Where(user.RoleNEQ("ADMIN")).FirstX(ctx).Email
	var li struct{ LogIn struct{ Token string } }
	s.Client("").MustDo(t, `mutation($e: String!, $p: String!) { logIn(input: {email: $e, password: $p}) { token } }`,
		map[string]any{"e": email, "p": seed.Password}, &li)
	c := s.Client(li.LogIn.Token)
	// A draft with problems besides the seed's valid pipelines, so that valid differs between rows.
	c.MustDo(t, `mutation { createPipeline(input: {name: "draft", nodes: [{id: "in", kind: INPUT}], edges: []}) { id } }`, nil, nil)
	return s, c
}

// TestProjectionKeepsEveryField: for every entity with JSON documents and every field of it, a page that
// selects only that field (and so reads only the documents it needs) answers what node(id:) selecting
// every field answers. Every document is shown by a field or read by a declared resolver, so the latter
// reads every column; a resolver that reads a document it does not declare in documentReaders fails here.
func TestProjectionKeepsEveryField(t *testing.T) {
	t.Parallel()
	_, c := seededViewer(t, testutil.SQLite, &testutil.SQLCounter{}, perUser)
	schema := generated.NewExecutableSchema(generated.Config{}).Schema()
	me := schema.Types["User"]
	for typ, docs := range ent.DocumentColumns {
		for column, shownBy := range docs {
			declared := false
			for _, cols := range graph.DocumentReaders[typ] {
				declared = declared || slices.Contains(cols, column)
			}
			require.True(t, len(shownBy) > 0 || declared,
				"%s.%s is shown by no GraphQL field: declare the resolver that reads it in documentReaders", typ, column)
		}
		conn := connectionField(me, typ)
		if conn == "" {
			continue // not listed under a user (e.g. ExperimentObservation): no page of its own to project
		}
		def := schema.Types[typ]
		var fields []string
		for _, f := range def.Fields {
			if sel := selection(schema, f, 0); sel != "" {
				fields = append(fields, sel)
			}
		}
		require.NotEmpty(t, fields, typ)
		t.Run(typ, func(t *testing.T) {
			all := map[string]map[string]any{} // id → field → value, read through node(id:)
			var page struct {
				Me map[string]struct {
					Edges []struct{ Node map[string]any }
				}
			}
			c.MustDo(t, fmt.Sprintf(`{ me { %s(first: 50) { edges { node { id } } } } }`, conn), nil, &page)
			require.NotEmpty(t, page.Me[conn].Edges, "seed made no %s", typ)
			for _, e := range page.Me[conn].Edges {
				id := e.Node["id"].(string)
				var n struct{ Node map[string]any }
				c.MustDo(t, fmt.Sprintf(`query($id: ID!) { node(id: $id) { ... on %s { %s } } }`, typ, strings.Join(fields, " ")),
					map[string]any{"id": id}, &n)
				all[id] = n.Node
			}
			for _, f := range fields {
				name := strings.Fields(f)[0]
				var one struct {
					Me map[string]struct {
						Edges []struct{ Node map[string]any }
					}
				}
				c.MustDo(t, fmt.Sprintf(`{ me { %s(first: 50) { edges { node { id %s } } } } }`, conn, f), nil, &one)
				for _, e := range one.Me[conn].Edges {
					id := e.Node["id"].(string)
					want, _ := json.Marshal(all[id][name])
					got, _ := json.Marshal(e.Node[name])
					require.JSONEq(t, string(want), string(got), "%s.%s of %s", typ, name, id)
				}
			}
		})
	}
}

// TestProjectionSkipsUnselectedDocuments: the dashboard's pages do not read the documents they do not
// show, and a page that shows a document reads it.
func TestProjectionSkipsUnselectedDocuments(t *testing.T) {
	t.Parallel()
	counter := &testutil.SQLCounter{Keep: true}
	_, c := seededViewer(t, testutil.SQLite, counter, perUser)
	// The page's statement (SQLite's quotes written as PostgreSQL's).
	scenarioSQL := func(query string) string {
		counter.Reset()
		c.MustDo(t, query, nil, nil)
		for _, q := range counter.Statements() {
			q = strings.ReplaceAll(q, "`", `"`) // SQLite's quotes as PostgreSQL's
			if strings.Contains(q, `FROM "scenarios"`) {
				return q
			}
		}
		t.Fatalf("no statement read scenarios: %v", counter.Statements())
		return ""
	}
	q := scenarioSQL(`{ me { scenarios(first: 20) { edges { node { id name createdAt owner { email } } } } } }`)
	require.NotContains(t, q, `"results"`)
	require.NotContains(t, q, `"config"`)
	require.Contains(t, q, `"owner_id"`)
	q = scenarioSQL(`{ me { scenarios(first: 20) { edges { node { id results { winner } } } } } }`)
	require.Contains(t, q, `"results"`)
	require.NotContains(t, q, `"config"`)
	q = scenarioSQL(`{ me { scenarios(first: 20) { edges { node { ...F } } } } } fragment F on Scenario { config { dataVolume } }`)
	require.Contains(t, q, `"config"`)
	require.NotContains(t, q, `"results"`)
	var page struct {
		Me struct {
			Scenarios struct {
				Edges []struct{ Node struct{ ID string } }
			}
		}
	}
	c.MustDo(t, `{ me { scenarios(first: 1) { edges { node { id } } } } }`, nil, &page)
	id := page.Me.Scenarios.Edges[0].Node.ID
	q = scenarioSQL(fmt.Sprintf(`{ node(id: %q) { id ... on Scenario { name owner { email } } } }`, id))
	require.NotContains(t, q, `"results"`)
	q = scenarioSQL(fmt.Sprintf(`{ nodes(ids: [%q]) { ... on Scenario { results { winner } } } }`, id))
	require.Contains(t, q, `"results"`)
	require.NotContains(t, q, `"config"`)
}

// connectionField is the field of User that pages through typ's rows.
func connectionField(u *ast.Definition, typ string) string {
	for _, f := range u.Fields {
		if f.Type.Name() == typ+"Connection" {
			return f.Name
		}
	}
	return ""
}

// selection is the text that selects f with every leaf under it (to depth 3), or "" when f takes a
// required argument, pages (connections) or leads to another entity (Node).
func selection(schema *ast.Schema, f *ast.FieldDefinition, depth int) string {
	if strings.HasPrefix(f.Name, "__") || depth > 3 {
		return ""
	}
	for _, a := range f.Arguments {
		if a.Type.NonNull && a.DefaultValue == nil {
			return ""
		}
	}
	def := schema.Types[f.Type.Name()]
	switch {
	case def == nil:
		return ""
	case def.Kind == ast.Scalar || def.Kind == ast.Enum:
		return f.Name
	case strings.HasSuffix(def.Name, "Connection") || slices.Contains(def.Interfaces, "Node") && depth > 0 ||
		def.Name == "User":
		return ""
	case def.Kind == ast.Object:
		var subs []string
		for _, sf := range def.Fields {
			if s := selection(schema, sf, depth+1); s != "" {
				subs = append(subs, s)
			}
		}
		if len(subs) == 0 {
			return ""
		}
		return f.Name + " { " + strings.Join(subs, " ") + " }"
	}
	return ""
}
