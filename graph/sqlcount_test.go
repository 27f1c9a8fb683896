package graph_test

import (
	"fmt"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/modelarchitect/architect/ent"
	"github.com/modelarchitect/architect/internal/database"
	"github.com/modelarchitect/architect/internal/model"
	"github.com/modelarchitect/architect/internal/testutil"
	"github.com/modelarchitect/architect/internal/viewer"
)

const perUser = 3

// countedWorld is a server on a database whose statements are counted, with 100 users each owning perUser
// scenarios, benchmarks and deployments, and an admin.
func countedWorld(t *testing.T, b testutil.Backend) (*testutil.Server, *testutil.SQLCounter, *testutil.User) {
	counter := &testutil.SQLCounter{}
	db := testutil.NewDB(t, b, testutil.DBOptions{Wrap: func(o database.Options) database.Options {
		o.WrapConnector = counter.Wrap
		return o
	}})
	ctx := testutil.System()
	users := make([]*ent.UserCreate, 100)
	for i := range users {
		users[i] = db.Client.User.Create().SetEmail(fmt.Sprintf("u%03d@example.com", i)).SetName(fmt.Sprintf("User %d", i)).SetPasswordHash("x")
	}
	created, err := db.Client.User.CreateBulk(users...).Save(ctx)
	require.NoError(t, err)
	var sc []*ent.ScenarioCreate
	var bc []*ent.BenchmarkCreate
	var dc []*ent.DeploymentCreate
	for _, u := range created {
		for j := range perUser {
			sc = append(sc, db.Client.Scenario.Create().SetOwnerID(u.ID).SetName(fmt.Sprintf("s%d", j)).
				SetConfig(model.ScenarioConfig{TaskComplexity: model.ComplexityLow, DataVolume: 1, InputTokens: 1, OutputTokens: 1}))
			bc = append(bc, db.Client.Benchmark.Create().SetOwnerID(u.ID).SetName(fmt.Sprintf("b%d", j)).SetModels([]string{"openai/x"}).SetDataset(model.Dataset{}))
			dc = append(dc, db.Client.Deployment.Create().SetOwnerID(u.ID).SetModelName("m").SetProvider("SELF_HOSTED").SetConfig(model.DeploymentConfig{}))
		}
	}
	require.NoError(t, db.Client.Scenario.CreateBulk(sc...).Exec(ctx))
	require.NoError(t, db.Client.Benchmark.CreateBulk(bc...).Exec(ctx))
	require.NoError(t, db.Client.Deployment.CreateBulk(dc...).Exec(ctx))
	// No workers: River's polling would add statements of its own to the count.
	// The resolvers' statements are counted here; the compiled path's are TestOneStatementPerRequest's.
	s := testutil.NewServer(t, b, testutil.ServerOptions{DB: db, Env: map[string]string{"WORKERS": "false", "COMPILED_READS": "false"}})
	return s, counter, s.SignUp(t, "admin@example.com", viewer.RoleAdmin)
}

// TestStatementsDoNotGrowWithRows: N users × their first M scenarios, benchmarks and deployments, each
// with its owner, cost the same number of SQL statements for N = 1, 10 and 100.
func TestStatementsDoNotGrowWithRows(t *testing.T) {
	t.Parallel()
	eachBackend(t, func(t *testing.T, b testutil.Backend) {
		s, counter, admin := countedWorld(t, b)
		c := s.Client(admin.Token)
		q := `query($n: Int!, $m: Int!) { users(first: $n, where: {roleNEQ: ADMIN}, orderBy: [{field: EMAIL}]) { edges { node { id email
			scenarios(first: $m) { edges { node { id name owner { email } } } }
			benchmarks(first: $m) { edges { node { id status owner { email } } } }
			deployments(first: $m) { edges { node { id status owner { email } } } } } } } }`
		counts := map[int]int64{}
		for _, n := range []int{1, 10, 100} {
			var out struct {
				Users struct {
					Edges []struct {
						Node struct {
							Email                              string
							Scenarios, Benchmarks, Deployments struct {
								Edges []struct {
									Node struct{ Owner struct{ Email string } }
								}
							}
						}
					}
				}
			}
			counter.Reset()
			c.MustDo(t, q, map[string]any{"n": n, "m": perUser}, &out)
			counts[n] = counter.Count()
			require.Len(t, out.Users.Edges, n)
			for _, e := range out.Users.Edges {
				for _, conn := range []struct {
					Edges []struct {
						Node struct{ Owner struct{ Email string } }
					}
				}{e.Node.Scenarios, e.Node.Benchmarks, e.Node.Deployments} {
					require.Len(t, conn.Edges, perUser, "%d rows of each kind for %s", perUser, e.Node.Email)
					for _, r := range conn.Edges {
						require.Equal(t, e.Node.Email, r.Node.Owner.Email)
					}
				}
			}
		}
		t.Logf("statements per request: %v", counts)
		require.Equal(t, counts[1], counts[10], "N=1 vs N=10")
		require.Equal(t, counts[1], counts[100], "N=1 vs N=100")
		require.LessOrEqual(t, counts[1], int64(6), "one statement per relation fetched, the viewer's lookup included")
	})
}

// TestDashboardStatements: the dashboard query costs at most 6 statements, whatever the page size.
func TestDashboardStatements(t *testing.T) {
	t.Parallel()
	eachBackend(t, func(t *testing.T, b testutil.Backend) {
		s, counter, _ := countedWorld(t, b)
		u := s.SignUp(t, "dash@example.com", viewer.RoleFree)
		c := s.Client(u.Token)
		for j := range 20 {
			c.MustDo(t, fmt.Sprintf(`mutation { createScenario(input: {name: "d%d", config: {taskComplexity: LOW, dataVolume: 1, responseTimeSLA: 1, inputTokens: 1, outputTokens: 1}}) { id } }`, j), nil, nil)
		}
		counter.Reset()
		var out struct {
			Me struct {
				Scenarios struct{ Edges []any }
			}
		}
		c.MustDo(t, dashboardQuery, nil, &out)
		require.Len(t, out.Me.Scenarios.Edges, 20)
		require.LessOrEqual(t, counter.Count(), int64(6), "dashboard statements")
		t.Logf("dashboard statements: %d", counter.Count())
	})
}

const dashboardQuery = `query Dashboard {
  me {
    id
    scenarios(first: 20) { edges { node { id name createdAt owner { email name } } } }
    benchmarks(first: 20) { edges { node { id name status models progress createdAt owner { email name } } } }
    deployments(first: 20) { edges { node { id modelName provider region status estimatedCost createdAt owner { email name } } } }
  }
}`
