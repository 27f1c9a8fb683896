package graph_test

import (
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/modelarchitect/architect/ent/experimentkey"
	"github.com/modelarchitect/architect/internal/auth"
	"github.com/modelarchitect/architect/internal/testutil"
	"github.com/modelarchitect/architect/internal/viewer"
)

const createKeyQ = `mutation($id: ID!, $name: String!) { createExperimentKey(experimentId: $id, name: $name) { secret key { id name prefix revokedAt experiment { id } } } }`

type keyOut struct {
	ID, Name, Prefix string
	RevokedAt        *string
}

func createKey(t *testing.T, c *testutil.Client, experimentID, name string) (string, keyOut) {
	t.Helper()
	var out struct {
		CreateExperimentKey struct {
			Secret string
			Key    keyOut
		}
	}
	c.MustDo(t, createKeyQ, map[string]any{"id": experimentID, "name": name}, &out)
	return out.CreateExperimentKey.Secret, out.CreateExperimentKey.Key
}

// TestExperimentKeys: an owner issues a key that can only assign and record for its experiment, shown once,
// stored hashed, listed without the secret, surviving the owner's log-out, and refused once revoked.
func TestExperimentKeys(t *testing.T) {
	t.Parallel()
	eachBackend(t, func(t *testing.T, b testutil.Backend) {
		s := testutil.NewServer(t, b)
		ada := s.SignUp(t, "keys@example.com", viewer.RolePro)
		c := s.Client(ada.Token)
		models := []string{"openai/gpt-4.1", "openai/gpt-4.1-mini"}
		exp, _ := runningExperiment(t, c, models)
		other, _ := runningExperiment(t, c, models)

		secret, key := createKey(t, c, exp, "ticket-router")
		require.True(t, strings.HasPrefix(secret, "mak_"))
		require.Len(t, secret, 4+43)
		require.Equal(t, secret[:10], key.Prefix)
		require.Equal(t, "ticket-router", key.Name)
		require.Nil(t, key.RevokedAt)
		row := s.DB.Client.ExperimentKey.Query().OnlyX(testutil.System())
		require.Equal(t, auth.HashAPIKey(secret), row.SecretHash, "only the hash is stored")
		require.NotContains(t, row.SecretHash, secret[4:])

		// The key's caller assigns and records for its experiment, as the owner.
		k := s.Client(secret)
		a := assign(t, k, exp, "user-1")
		require.Contains(t, models, a.Variant)
		var rec struct {
			RecordExperimentObservations struct {
				Results struct {
					Primary struct{ Variants []struct{ Units int } }
				}
			}
		}
		k.MustDo(t, `mutation($id: ID!) { recordExperimentObservations(id: $id, input: {idempotencyKey: "k1", variant: "openai/gpt-4.1", metric: "resolved", binary: {conversions: 1, trials: 3}}) { results { primary { variants { units } } } } }`,
			map[string]any{"id": exp}, &rec)
		require.Equal(t, 3, rec.RecordExperimentObservations.Results.Primary.Variants[0].Units)

		for _, tc := range []struct{ name, query, message string }{
			{"another experiment", `mutation($id: ID!) { assignVariant(experimentId: $id, unitId: "u") { id } }`, "this API key is for experiment " + exp + " only"},
			{"another mutation", `mutation($id: ID!) { startExperiment(id: $id) { id } }`, "an experiment API key may call only assignVariant and recordExperimentObservations, not startExperiment"},
			{"a query", `query($id: ID!) { node(id: $id) { id } }`, "not node"},
			{"me", `query { me { email } }`, "not me"},
			{"a new key", `mutation($id: ID!) { createExperimentKey(experimentId: $id, name: "more") { secret } }`, "not createExperimentKey"},
			{"the owner below", `mutation { assignVariant(experimentId: "` + exp + `", unitId: "u2") { owner { email experiments { totalCount } } } }`, "cannot read Assignment.owner"},
			{"the keys below", `mutation { assignVariant(experimentId: "` + exp + `", unitId: "u3") { experiment { apiKeys { name } } } }`, "cannot read Experiment.apiKeys"},
		} {
			vars := map[string]any{"id": other}
			if tc.name == "a query" || tc.name == "another mutation" || tc.name == "a new key" {
				vars["id"] = exp
			}
			e := k.Err(t, tc.query, vars)
			require.Equal(t, "FORBIDDEN", e.Code(), tc.name)
			require.Contains(t, e.Message, tc.message, tc.name)
		}

		// Subscriptions over a websocket authenticated with the key are refused too.
		sk := s.Dial(t, testutil.TransportWS, map[string]any{"authorization": "Bearer " + secret})
		sk.Ack()
		sk.Subscribe("1", `subscription { myBenchmarkEvents { id } }`, nil)
		ev, typ := sk.Next("1", 5*time.Second)
		require.Contains(t, []string{"next", "error"}, typ)
		require.Equal(t, "null", string(ev.Data), "%+v", ev.Errors)
		require.Len(t, ev.Errors, 1)
		require.Equal(t, "FORBIDDEN", ev.Errors[0].Code())

		// Listed without the secret; the owner's log-out does not end the key.
		var list struct {
			Node struct{ APIKeys []keyOut }
		}
		c.MustDo(t, `query($id: ID!) { node(id: $id) { ... on Experiment { apiKeys { id name prefix revokedAt } } } }`, map[string]any{"id": exp}, &list)
		require.Equal(t, []keyOut{key}, list.Node.APIKeys)
		c.MustDo(t, `mutation { logOut }`, nil, nil)
		assign(t, k, exp, "user-2")

		// Another user can neither issue a key for the experiment nor revoke its keys.
		bob := s.Client(s.SignUp(t, "bob-keys@example.com", viewer.RolePro).Token)
		require.Equal(t, "NOT_FOUND", bob.Err(t, createKeyQ, map[string]any{"id": exp, "name": "x"}).Code())
		revokeQ := `mutation($id: ID!) { revokeExperimentKey(id: $id) { id revokedAt } }`
		require.Equal(t, "NOT_FOUND", bob.Err(t, revokeQ, map[string]any{"id": key.ID}).Code())
		assign(t, k, exp, "user-3")

		// Revoked: UNAUTHENTICATED with HTTP 401, for good; revoking again changes nothing.
		var li struct{ LogIn struct{ Token string } }
		s.Client("").MustDo(t, `mutation { logIn(input: {email: "keys@example.com", password: "password-123"}) { token } }`, nil, &li)
		c = s.Client(li.LogIn.Token)
		var rv struct{ RevokeExperimentKey keyOut }
		c.MustDo(t, revokeQ, map[string]any{"id": key.ID}, &rv)
		require.NotNil(t, rv.RevokeExperimentKey.RevokedAt)
		r := k.Do(t, assignQ, map[string]any{"id": exp, "unit": "user-4"})
		require.Equal(t, http.StatusUnauthorized, r.Status)
		require.Len(t, r.Errors, 1)
		require.Equal(t, "UNAUTHENTICATED", r.Errors[0].Code())
		require.Contains(t, r.Errors[0].Message, "the API key was revoked: issue a new one with createExperimentKey")
		var again struct{ RevokeExperimentKey keyOut }
		c.MustDo(t, revokeQ, map[string]any{"id": key.ID}, &again)
		require.Equal(t, rv.RevokeExperimentKey.RevokedAt, again.RevokeExperimentKey.RevokedAt)
		require.NotNil(t, s.DB.Client.ExperimentKey.Query().Where(experimentkey.ID(row.ID)).OnlyX(testutil.System()).RevokedAt)

		// An unknown key is UNAUTHENTICATED too.
		u := s.Client("mak_"+strings.Repeat("A", 43)).Do(t, assignQ, map[string]any{"id": exp, "unit": "u"})
		require.Equal(t, http.StatusUnauthorized, u.Status)
		require.Equal(t, "UNAUTHENTICATED", u.Errors[0].Code())
	})
}
