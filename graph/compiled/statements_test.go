package compiled_test

import (
	"encoding/json"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/modelarchitect/architect/internal/database"
	tu "github.com/modelarchitect/architect/internal/testutil"
	"github.com/modelarchitect/architect/internal/viewer"
)

const dashboard = `query Dashboard {
  me {
    id
    scenarios(first: 20) { edges { node { id name createdAt owner { email name } } } }
    benchmarks(first: 20) { edges { node { id name status models progress createdAt owner { email name } } } }
    deployments(first: 20) { edges { node { id modelName provider region status estimatedCost createdAt owner { email name } } } }
  }
}`

const list = `query List { scenarios(first: 50) { totalCount pageInfo { hasNextPage endCursor } edges { cursor node { id name createdAt updatedAt owner { email } } } } }`

// TestOneStatementPerRequest: on PostgreSQL the dashboard and the list query cost one SQL statement each,
// the check of the bearer token included, once the replica has seen the user; a query the compiled path
// does not support costs the lookup and its resolvers' statements, as before.
func TestOneStatementPerRequest(t *testing.T) {
	if tu.PostgresURL() == "" {
		t.Skip("TEST_DATABASE_URL is not set")
	}
	counter := &tu.SQLCounter{Keep: true}
	db := tu.NewDB(t, tu.Postgres, tu.DBOptions{Wrap: func(o database.Options) database.Options {
		o.WrapConnector = counter.Wrap
		return o
	}})
	s := tu.NewServer(t, tu.Postgres, tu.ServerOptions{DB: db, Env: map[string]string{"WORKERS": "false", "COMPILED_READS": "true"}})
	u := s.SignUp(t, "one@example.com", viewer.RoleFree)
	c := s.Client(u.Token)
	for _, q := range []string{dashboard, list} {
		c.MustDo(t, q, nil, nil) // the first request looks the user up and prepares the statement
		counter.Reset()
		for range 3 {
			c.MustDo(t, q, nil, nil)
		}
		require.Equal(t, int64(3), counter.Count(), "%s: statements %q", q, counter.Statements())
	}
	counter.Reset()
	c.MustDo(t, `{ me { pipelines(first: 5) { edges { node { id valid } } } } }`, nil, nil)
	require.Greater(t, counter.Count(), int64(1), "a field with a resolver is not compiled: the lookup and the resolvers run")
}

// TestRevokedTokenRefusedOnEveryReplica: a token that worked on replica B (which then skips its lookup) is
// refused on B's very next request once replica A logs it out, changes the password or the role, or
// deletes the account: the check folded into B's statement sees the change.
func TestRevokedTokenRefusedOnEveryReplica(t *testing.T) {
	if tu.PostgresURL() == "" {
		t.Skip("TEST_DATABASE_URL is not set")
	}
	on := map[string]string{"COMPILED_READS": "true"}
	srv := tu.Replicas(t, tu.Postgres, tu.ServerOptions{Env: on}, tu.ServerOptions{Env: on},
		tu.ServerOptions{Env: map[string]string{"COMPILED_READS": "false"}})
	a, b, normal := srv[0], srv[1], srv[2]
	admin := a.SignUp(t, "admin@example.com", viewer.RoleAdmin)
	revocations := map[string]func(u *tu.User){
		"logOut": func(u *tu.User) { a.Client(u.Token).MustDo(t, `mutation { logOut }`, nil, nil) },
		"changePassword": func(u *tu.User) {
			a.Client(u.Token).MustDo(t, `mutation { changePassword(input: {currentPassword: "password-123", newPassword: "password-456"}) { token } }`, nil, nil)
		},
		"setUserRole": func(u *tu.User) {
			a.Client(admin.Token).MustDo(t, `mutation($id: ID!) { setUserRole(userId: $id, role: PRO) { id } }`, map[string]any{"id": u.ID}, nil)
		},
		"deleteMe": func(u *tu.User) {
			a.Client(u.Token).MustDo(t, `mutation { deleteMe(input: {password: "password-123"}) }`, nil, nil)
		},
	}
	for name, revoke := range revocations {
		t.Run(name, func(t *testing.T) {
			u := a.SignUp(t, name+"@example.com", viewer.RoleFree)
			for range 2 { // the second request runs with the check folded into the statement
				r := b.Client(u.Token).Do(t, dashboard, nil)
				require.Empty(t, r.Errors)
				var d struct{ Me struct{ ID string } }
				require.NoError(t, json.Unmarshal(r.Data, &d))
				require.Equal(t, u.ID, d.Me.ID)
			}
			revoke(u)
			r := b.Client(u.Token).Do(t, dashboard, nil)
			require.Equal(t, 401, r.Status)
			require.Len(t, r.Errors, 1)
			require.Equal(t, "UNAUTHENTICATED", r.Errors[0].Code(), r.Errors[0].Message)
			body, err := json.Marshal(map[string]any{"query": dashboard})
			require.NoError(t, err)
			s1, b1 := post(t, b, u.Token, body)
			s2, b2 := post(t, normal, u.Token, body)
			require.Equal(t, s2, s1)
			require.Equal(t, string(b2), string(b1), "the refusal is the normal path's, byte for byte")
		})
	}
}
