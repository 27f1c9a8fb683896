package graph_test

import (
	"encoding/json"
	"net/http"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/modelarchitect/architect/internal/testutil"
	"github.com/modelarchitect/architect/internal/viewer"
)

// TestIntrospectionShowsPublicDirectives: introspection lists the directives a client can use or read
// (@hasRole documents access), not gqlgen's code-generation directives or @defer, which this server does not
// deliver.
func TestIntrospectionShowsPublicDirectives(t *testing.T) {
	t.Parallel()
	s := testutil.NewServer(t, testutil.SQLite)
	var out struct {
		Schema struct{ Directives []struct{ Name string } } `json:"__schema"`
	}
	s.Client("").MustDo(t, `{ __schema { directives { name } } }`, nil, &out)
	var names []string
	for _, d := range out.Schema.Directives {
		names = append(names, d.Name)
	}
	require.Equal(t, []string{"deprecated", "hasRole", "include", "oneOf", "skip", "specifiedBy"}, names)
}

// TestDeferIsRefused: an operation using @defer is refused with GRAPHQL_VALIDATION_FAILED and a message
// saying what to do, over every transport, instead of being answered as if the directive were not there.
func TestDeferIsRefused(t *testing.T) {
	t.Parallel()
	s := testutil.NewServer(t, testutil.SQLite)
	u := s.SignUp(t, "defer@example.com", viewer.RoleFree)
	const msg = "@defer is not supported: this server sends each response whole, so remove @defer and the fields inside it come with the rest of the response"
	for _, q := range []string{
		`{ me { id ... @defer { email } } }`,
		`query Me { me { id ...Late @defer(label: "late") } } fragment Late on User { email }`,
		`query Me { me { ...Outer } } fragment Outer on User { id ... @defer { email } }`,
	} {
		r := post(t, s, "Bearer "+u.Token, q, nil)
		require.Equal(t, http.StatusUnprocessableEntity, r.status, "%s: %s", q, r.body)
		require.NotContains(t, r.keys, "data")
		require.Len(t, r.errors, 1)
		require.Equal(t, "GRAPHQL_VALIDATION_FAILED", r.errors[0].Code())
		require.Equal(t, msg, r.errors[0].Message)
	}

	sk := s.Dial(t, testutil.TransportWS, map[string]any{"authorization": "Bearer " + u.Token})
	sk.Ack()
	sk.Subscribe("1", `{ me { id ... @defer { email } } }`, nil)
	res, typ := sk.Next("1", 5*time.Second)
	require.Equal(t, "error", typ)
	require.Equal(t, msg, res.Errors[0].Message)
}

// TestArgumentErrorsNameTheArgument: an argument gqlgen cannot read is reported at its field's path (where
// a client such as Apollo looks for it; the data there is null), with the argument named in the message and
// in extensions.field.
func TestArgumentErrorsNameTheArgument(t *testing.T) {
	t.Parallel()
	s := testutil.NewServer(t, testutil.SQLite)
	u := s.SignUp(t, "args@example.com", viewer.RoleFree)
	tests := []struct {
		name, query  string
		vars         map[string]any
		path         []any
		field, start string // extensions.field, and how the message starts
	}{
		{name: "an id", query: `{ node(id: "garbage") { id } }`,
			path: []any{"node"}, field: "id", start: `id: not a valid id: "garbage" (pass an id as the API returned it)`},
		{name: "an id in a variable", query: `query($id: ID!) { node(id: $id) { id } }`, vars: map[string]any{"id": "garbage"},
			path: []any{"node"}, field: "id", start: `id: not a valid id: "garbage"`},
		{name: "an aliased field", query: `{ first: node(id: "garbage") { id } }`,
			path: []any{"first"}, field: "id", start: `id: not a valid id`},
		{name: "an id in a list", query: `query($ids: [ID!]!) { nodes(ids: $ids) { id } }`, vars: map[string]any{"ids": []string{u.ID, "garbage"}},
			path: []any{"nodes"}, field: "ids[1]", start: `ids[1]: not a valid id: "garbage"`},
		{name: "an id of a mutation", query: `mutation { deleteScenario(id: "garbage") }`,
			path: []any{"deleteScenario"}, field: "id", start: `id: not a valid id`},
		{name: "a Decimal in an input", query: `mutation($b: Decimal) { createScenario(input: {name: "x", config: {taskComplexity: LOW,
			dataVolume: 1, responseTimeSLA: 1000, inputTokens: 1, outputTokens: 1, monthlyBudget: $b}}) { id } }`,
			vars: map[string]any{"b": "twelve"}, path: []any{"createScenario"}, field: "input.config.monthlyBudget", start: "input.config.monthlyBudget: "},
		{name: "a Time in a filter", query: `{ scenarios(where: {createdAtGT: "yesterday"}) { totalCount } }`,
			path: []any{"scenarios"}, field: "where.createdAtGT", start: "where.createdAtGT: "},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			r := s.Client(u.Token).Do(t, tc.query, tc.vars)
			require.Len(t, r.Errors, 1, "data %s", r.Data)
			e := r.Errors[0]
			require.Equal(t, "BAD_USER_INPUT", e.Code(), e.Message)
			require.Equal(t, tc.path, e.Path)
			require.Equal(t, tc.field, e.Extensions["field"])
			require.Regexp(t, `^\Q`+tc.start+`\E`, e.Message)
			var data map[string]json.RawMessage
			if json.Unmarshal(r.Data, &data) == nil && len(data) > 0 { // mutations fail whole: data is null
				require.JSONEq(t, "null", string(data[tc.path[0].(string)]))
			}
		})
	}
}
