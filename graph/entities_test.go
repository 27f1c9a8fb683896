package graph_test

import (
	"encoding/json"
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/modelarchitect/architect/ent"
	"github.com/modelarchitect/architect/internal/explain"
	"github.com/modelarchitect/architect/internal/gid"
	"github.com/modelarchitect/architect/internal/model"
	"github.com/modelarchitect/architect/internal/simulation"
	"github.com/modelarchitect/architect/internal/testutil"
	"github.com/modelarchitect/architect/internal/viewer"
)

// entityCase describes one entity for the CRUD and isolation tests.
type entityCase struct {
	typ      string // GraphQL type
	conn     string // top-level connection and User edge
	create   string // create mutation input literal ("" when clients cannot create it)
	update   string // update input literal ("" when there is no update)
	selected string // fields to read back
	want     string // a substring the read-back JSON must contain after create
	updated  string // a substring it must contain after update
}

var entityCases = []entityCase{
	{
		typ: "Scenario", conn: "scenarios",
		create:   `{name: "Support bot", config: {taskComplexity: MEDIUM, dataVolume: 40000, responseTimeSLA: 2000, inputTokens: 500, outputTokens: 200}}`,
		update:   `{name: "Support bot v2", config: {taskComplexity: HIGH, dataVolume: 50000, responseTimeSLA: 1500, inputTokens: 500, outputTokens: 200}}`,
		selected: `name config { taskComplexity dataVolume responseTimeSLA } results { catalogVersion }`,
		want:     `"config":{"taskComplexity":"MEDIUM","dataVolume":40000,"responseTimeSLA":2000}`,
		updated:  `"name":"Support bot v2","config":{"taskComplexity":"HIGH","dataVolume":50000,"responseTimeSLA":1500}`,
	},
	{
		typ: "Pipeline", conn: "pipelines",
		create: `{name: "RAG", description: "retrieve then answer", nodes: [{id: "in", kind: INPUT}, {id: "llm", kind: LLM, llm: {model: "openai/gpt-4.1-mini", inputTokens: 800, outputTokens: 200}}, {id: "out", kind: OUTPUT}],
			edges: [{id: "e1", source: "in", target: "llm"}, {id: "e2", source: "llm", target: "out"}]}`,
		update:   `{description: "v2", edges: []}`,
		selected: `name description nodes { id kind llm { model inputTokens } } edges { id source target } valid estimatedCost`,
		want:     `"nodes":[{"id":"in","kind":"INPUT","llm":null},{"id":"llm","kind":"LLM","llm":{"model":"openai/gpt-4.1-mini","inputTokens":800}},{"id":"out","kind":"OUTPUT","llm":null}],"edges":[{"id":"e1","source":"in","target":"llm"},{"id":"e2","source":"llm","target":"out"}],"valid":true,"estimatedCost":"0.64"`, // 1,000 × (800 × $0.0000004 + 200 × $0.0000016), catalog prices of gpt-4.1-mini
		updated:  `"description":"v2","nodes":[{"id":"in","kind":"INPUT","llm":null},{"id":"llm","kind":"LLM","llm":{"model":"openai/gpt-4.1-mini","inputTokens":800}},{"id":"out","kind":"OUTPUT","llm":null}],"edges":[],"valid":false,"estimatedCost":null`,
	},
	{
		typ: "Dataset", conn: "datasets",
		create:   `{name: "FAQ set", items: [{input: "2+2?", expected: "4", assertion: NUMERIC, tolerance: 0.5, cluster: "arithmetic", tags: ["math"]}]}`,
		selected: `name versions { totalCount edges { node { number itemCount items { input cluster tags } dataset { name } owner { email } } } }`,
		want:     `"name":"FAQ set","versions":{"totalCount":1,"edges":[{"node":{"number":1,"itemCount":1,"items":[{"input":"2+2?","cluster":"arithmetic","tags":["math"]}],"dataset":{"name":"FAQ set"},"owner":{"email":"a@example.com"}}}]}`,
	},
	{
		typ: "Benchmark", conn: "benchmarks",
		create:   `{name: "FAQ", models: ["openai/gpt-4.1-mini"], dataset: [{input: "2+2?", expected: "4", assertion: NUMERIC, tolerance: 0.5}]}`,
		update:   `{name: "FAQ v2", models: ["openai/gpt-4.1-mini", "gemini/gemini-2.5-flash"]}`,
		selected: `name status models dataset { input expected assertion tolerance } progress progressDone progressTotal results { models { model } } error startedAt finishedAt`,
		want:     `"status":"PENDING","models":["openai/gpt-4.1-mini"],"dataset":[{"input":"2+2?","expected":"4","assertion":"NUMERIC","tolerance":0.5}],"progress":0`,
		updated:  `"name":"FAQ v2","status":"PENDING","models":["openai/gpt-4.1-mini","gemini/gemini-2.5-flash"]`,
	},
	{
		typ: "ComplianceProfile", conn: "complianceProfiles",
		create:   `{name: "EU health", requirements: [GDPR, HIPAA]}`,
		update:   `{requirements: [GDPR, EU_AI_ACT, PCI_DSS]}`,
		selected: `name requirements riskScore recommendations { ruleId }`,
		want:     `"requirements":["GDPR","HIPAA"],"riskScore":`,
		updated:  `"requirements":["GDPR","EU_AI_ACT","PCI_DSS"]`,
	},
	{
		typ: "Experiment", conn: "experiments",
		create:   `{name: "A vs B", hypothesis: "B resolves more", models: ["openai/gpt-4.1", "openai/gpt-4.1-mini"], metrics: {primary: {name: "resolved", kind: BINARY}, secondary: [{name: "latency", kind: CONTINUOUS}]}}`,
		update:   `{hypothesis: "B resolves at least as many"}`,
		selected: `name hypothesis models metrics { primary { name kind } secondary { name kind } } status results { decision { winner } }`,
		want:     `"metrics":{"primary":{"name":"resolved","kind":"BINARY"},"secondary":[{"name":"latency","kind":"CONTINUOUS"}]},"status":"DRAFT","results":null`,
		updated:  `"hypothesis":"B resolves at least as many"`,
	},
	{
		typ: "Deployment", conn: "deployments",
		create:   `{modelName: "llama-3.3-70b", provider: SELF_HOSTED, region: "eu-west-1", config: {endpoint: "https://models.example.com/v1", replicas: 2}}`,
		update:   `{region: "eu-central-1"}`,
		selected: `modelName provider region status statusReason estimatedCost config { endpoint instanceType replicas }`,
		want:     `"modelName":"llama-3.3-70b","provider":"SELF_HOSTED","region":"eu-west-1","status":"PROVISIONING","statusReason":"","estimatedCost":null,"config":{"endpoint":"https://models.example.com/v1","instanceType":null,"replicas":2}`,
		updated:  `"region":"eu-central-1"`,
	},
	{
		typ: "LoadTest", conn: "loadTests",
		create:   `{name: "mini at 2/s", model: "openai/gpt-4.1-mini", plan: {mode: RATE, rates: [2], maxConcurrency: 2, durationSeconds: 10, maxRequests: 20}}`,
		selected: `name status model plan { mode rates burstiness maxConcurrency maxRequests inputTokens { kind value } } result { cancelled } estimatedCost`,
		want:     `"status":"PENDING","model":"openai/gpt-4.1-mini","plan":{"mode":"RATE","rates":[2],"burstiness":1,"maxConcurrency":2,"maxRequests":20,"inputTokens":{"kind":"FIXED","value":256}},"result":null,"estimatedCost":"0.006192"`, // 20 × ((256 + 6 framing) × $0.0000004 + 128 × $0.0000016), gpt-4.1-mini's catalog prices
	},
	{
		typ: "Assignment", conn: "assignments",
		selected: `unitID variant weights experiment { name status }`,
		want:     `"unitID":"unit-1","variant":"openai/gpt-4.1`, // either model: the hash decides
	},
	{
		typ: "Explanation", conn: "explanations",
		selected: `report stale current featureImportance { feature phi } counterfactuals { variable newWinner } decision { id }`,
		want:     `"report":"# Why"`,
	},
}

// world is two enterprise users and an admin on a fresh server.
type world struct {
	s           *testutil.Server
	a, b, admin *testutil.User
}

func newWorld(t *testing.T, backend testutil.Backend) *world {
	s := testutil.NewServer(t, backend)
	return &world{
		s:     s,
		a:     s.SignUp(t, "a@example.com", viewer.RoleEnterprise),
		b:     s.SignUp(t, "b@example.com", viewer.RoleEnterprise),
		admin: s.SignUp(t, "root@example.com", viewer.RoleAdmin),
	}
}

// create makes a row of c owned by u and returns its GraphQL id.
func (w *world) create(t *testing.T, c entityCase, u *testutil.User) string {
	t.Helper()
	if c.typ == "Assignment" { // made by assignVariant in a running experiment
		id, _ := runningExperiment(t, w.s.Client(u.Token), []string{"openai/gpt-4.1", "openai/gpt-4.1-mini"})
		return assign(t, w.s.Client(u.Token), id, "unit-1").ID
	}
	if c.create == "" { // explanations are made only by the explain operation; arrange one directly
		var sc struct{ CreateScenario struct{ ID string } }
		w.s.Client(u.Token).MustDo(t, `mutation { createScenario(input: {name: "s", config: {taskComplexity: LOW, dataVolume: 1, responseTimeSLA: 100, inputTokens: 500, outputTokens: 200}}) { id } }`, nil, &sc)
		sid, err := gid.Decode(sc.CreateScenario.ID)
		require.NoError(t, err)
		e, err := w.s.DB.Client.Explanation.Create().SetOwnerID(u.RowID).SetScenarioID(sid).
			SetFeatureImportance([]explain.Contribution{{Feature: simulation.FeatureCost, Phi: 0.4}}).
			SetCounterfactuals([]explain.Counterfactual{}).SetReport("# Why").SetResultsComputedAt(time.Now()).
			Save(testutil.System())
		require.NoError(t, err)
		return gid.Encode(e.ID)
	}
	var out map[string]struct{ ID string }
	w.s.Client(u.Token).MustDo(t, fmt.Sprintf(`mutation { create%s(input: %s) { id } }`, c.typ, c.create), nil, &out)
	return out["create"+c.typ].ID
}

func TestEntityCRUD(t *testing.T) {
	t.Parallel()
	eachBackend(t, func(t *testing.T, b testutil.Backend) {
		w := newWorld(t, b)
		c := w.s.Client(w.a.Token)
		for _, ec := range entityCases {
			t.Run(ec.typ, func(t *testing.T) {
				id := w.create(t, ec, w.a)
				read := func() string {
					r := c.Do(t, fmt.Sprintf(`query($id: ID!) { node(id: $id) { id ... on %s { %s owner { email } createdAt updatedAt } } }`, ec.typ, ec.selected), map[string]any{"id": id})
					require.Empty(t, r.Errors)
					return string(r.Data)
				}
				got := read()
				require.Contains(t, got, ec.want)
				require.Contains(t, got, `"owner":{"email":"a@example.com"}`)

				var list map[string]struct {
					TotalCount int
					Edges      []struct{ Node struct{ ID string } }
				}
				c.MustDo(t, fmt.Sprintf(`{ %s { totalCount edges { node { id } } } }`, ec.conn), nil, &list)
				require.Equal(t, 1, list[ec.conn].TotalCount)
				require.Equal(t, id, list[ec.conn].Edges[0].Node.ID)

				if ec.update != "" {
					c.MustDo(t, fmt.Sprintf(`mutation($id: ID!) { update%s(id: $id, input: %s) { id } }`, ec.typ, ec.update), map[string]any{"id": id}, nil)
					require.Contains(t, read(), ec.updated)
				}

				var del map[string]string
				c.MustDo(t, fmt.Sprintf(`mutation($id: ID!) { delete%s(id: $id) }`, ec.typ), map[string]any{"id": id}, &del)
				require.Equal(t, id, del["delete"+ec.typ])
				e := c.Err(t, `query($id: ID!) { node(id: $id) { id } }`, map[string]any{"id": id})
				require.Equal(t, "NOT_FOUND", e.Code())
			})
		}
	})
}

// TestIsolation: user B can reach none of user A's rows through any path; the admin can.
func TestIsolation(t *testing.T) {
	t.Parallel()
	eachBackend(t, func(t *testing.T, b testutil.Backend) {
		w := newWorld(t, b)
		bc, ac := w.s.Client(w.b.Token), w.s.Client(w.admin.Token)
		for _, ec := range entityCases {
			t.Run(ec.typ, func(t *testing.T) {
				id := w.create(t, ec, w.a)
				vars := map[string]any{"id": id}

				// The message names the id as the client sent it, never the row id behind it.
				notYours := fmt.Sprintf("node %s not found (it does not exist, or it is not yours)", id)
				e := bc.Err(t, `query($id: ID!) { node(id: $id) { id } }`, vars)
				require.Equal(t, "NOT_FOUND", e.Code(), "node")
				require.Equal(t, notYours, e.Message)
				r := bc.Do(t, `query($id: ID!) { nodes(ids: [$id]) { id } }`, vars)
				require.Len(t, r.Errors, 1, "nodes")
				require.Equal(t, "NOT_FOUND", r.Errors[0].Code())
				require.Equal(t, notYours, r.Errors[0].Message)

				var conn map[string]struct{ TotalCount int }
				bc.MustDo(t, fmt.Sprintf(`{ %s { totalCount } }`, ec.conn), nil, &conn)
				require.Zero(t, conn[ec.conn].TotalCount, "connection")
				var me struct {
					Me map[string]struct{ TotalCount int }
				}
				bc.MustDo(t, fmt.Sprintf(`{ me { %s { totalCount } } }`, ec.conn), nil, &me)
				require.Zero(t, me.Me[ec.conn].TotalCount, "edge")
				e = bc.Err(t, `query($id: ID!) { node(id: $id) { id } }`, map[string]any{"id": w.a.ID})
				require.Equal(t, "NOT_FOUND", e.Code(), "another user's User row")

				if ec.update != "" {
					e = bc.Err(t, fmt.Sprintf(`mutation($id: ID!) { update%s(id: $id, input: %s) { id } }`, ec.typ, ec.update), vars)
					require.Equal(t, "NOT_FOUND", e.Code(), "update")
					require.NotContains(t, e.Message, "not found not found")
				}
				e = bc.Err(t, fmt.Sprintf(`mutation($id: ID!) { delete%s(id: $id) }`, ec.typ), vars)
				require.Equal(t, "NOT_FOUND", e.Code(), "delete")

				// The admin reaches the row through node, nodes and users { … }, but not the top-level
				// connection, which lists the caller's own rows.
				ac.MustDo(t, `query($id: ID!) { node(id: $id) { id } nodes(ids: [$id]) { id } }`, vars, nil)
				var users struct {
					Users struct {
						Edges []struct {
							Node map[string]any
						}
					}
				}
				ac.MustDo(t, fmt.Sprintf(`{ users(where: {email: "a@example.com"}) { edges { node { %s { totalCount } } } } }`, ec.conn), nil, &users)
				require.Len(t, users.Users.Edges, 1)
				require.EqualValues(t, 1, users.Users.Edges[0].Node[ec.conn].(map[string]any)["totalCount"])
				ac.MustDo(t, fmt.Sprintf(`{ %s { totalCount } }`, ec.conn), nil, &conn)
				require.Zero(t, conn[ec.conn].TotalCount, "admin's own top-level connection")

				// The row survived B's attempts.
				w.s.Client(w.a.Token).MustDo(t, `query($id: ID!) { node(id: $id) { id } }`, vars, nil)
			})
		}
		t.Run("ent client directly", func(t *testing.T) {
			entIsolation(t, w)
		})
	})
}

// entIsolation queries the ent client with a viewer in the context, so that no resolver filter can stand in
// for the privacy policy.
func entIsolation(t *testing.T, w *world) {
	client := w.s.DB.Client
	asA, asB := testutil.As(w.a.RowID, viewer.RoleEnterprise), testutil.As(w.b.RowID, viewer.RoleEnterprise)
	id := w.create(t, entityCases[0], w.a)
	rowID, err := gid.Decode(id)
	require.NoError(t, err)

	n, err := client.Scenario.Query().Count(asB)
	require.NoError(t, err)
	require.Zero(t, n)
	_, err = client.Scenario.Get(asB, rowID)
	require.True(t, ent.IsNotFound(err), "get: %v", err)
	err = client.Scenario.UpdateOneID(rowID).SetName("stolen").Exec(asB)
	require.True(t, ent.IsNotFound(err), "update: %v", err)
	err = client.Scenario.DeleteOneID(rowID).Exec(asB)
	require.True(t, ent.IsNotFound(err), "delete: %v", err)
	// Bulk deletes of streamed rows (scenarios, benchmarks, deployments) are refused outright (live.Notifier);
	// a bulk delete of another kind reaches only the viewer's own rows.
	_, err = client.Scenario.Delete().Exec(asB)
	require.ErrorContains(t, err, "one at a time")
	before, err := client.Pipeline.Query().Count(asA)
	require.NoError(t, err)
	w.create(t, entityCases[1], w.a) // a pipeline of A's
	affected, err := client.Pipeline.Delete().Exec(asB)
	require.NoError(t, err)
	require.Zero(t, affected, "bulk delete")
	n, err = client.Pipeline.Query().Count(asA)
	require.NoError(t, err)
	require.Equal(t, before+1, n)
	_, err = client.Scenario.Create().SetName("x").SetConfig(model.ScenarioConfig{TaskComplexity: "LOW", DataVolume: 1, ResponseTimeSLA: 1}).
		SetOwnerID(w.a.RowID).Save(asB)
	require.Error(t, err, "creating a row for someone else")
	users, err := client.User.Query().All(asB)
	require.NoError(t, err)
	require.Len(t, users, 1, "a viewer sees only their own user row")
	_, err = client.Scenario.Query().All(testutil.System())
	require.NoError(t, err)
	_, err = client.Scenario.Query().All(t.Context())
	require.Error(t, err, "anonymous reads are denied")

	mine, err := client.Scenario.Query().Count(asA)
	require.NoError(t, err)
	all, err := client.Scenario.Query().Count(testutil.System())
	require.NoError(t, err)
	require.Equal(t, all, mine, "every scenario here is A's, and A sees each")
	_, err = client.Scenario.Get(asA, rowID)
	require.NoError(t, err)
}

// TestComputedFieldsAreNotInputs: status, results, progress, scores, costs and the owner are never in a
// create or update input, and sending one is a validation error.
func TestComputedFieldsAreNotInputs(t *testing.T) {
	t.Parallel()
	schema, _ := rootFields(t)
	forbidden := []string{"status", "statusReason", "results", "progress", "progressDone", "progressTotal", "error",
		"startedAt", "finishedAt", "estimatedCost", "riskScore", "recommendations", "owner", "ownerID", "createdAt", "updatedAt"}
	checked := 0
	for name, def := range schema.Types {
		if !(strings.HasPrefix(name, "Create") || strings.HasPrefix(name, "Update")) || !strings.HasSuffix(name, "Input") {
			continue
		}
		for _, f := range def.Fields {
			for _, bad := range forbidden {
				require.NotEqual(t, strings.ToLower(bad), strings.ToLower(f.Name), "%s.%s must not be an input", name, f.Name)
			}
		}
		checked++
	}
	require.GreaterOrEqual(t, checked, 12)

	s := testutil.NewServer(t, testutil.SQLite)
	u := s.SignUp(t, "c@example.com", viewer.RoleEnterprise)
	for _, q := range []string{
		`mutation { createBenchmark(input: {name: "x", models: ["openai/gpt-4.1"], dataset: [], status: COMPLETED}) { id } }`,
		`mutation { createDeployment(input: {modelName: "m", provider: AWS, region: "r", config: {}, estimatedCost: "1"}) { id } }`,
		`mutation { createComplianceProfile(input: {name: "x", requirements: [GDPR], riskScore: 1}) { id } }`,
		`mutation { createExperiment(input: {name: "x", models: [], metrics: {primary: {name: "m", kind: BINARY}}, status: RUNNING}) { id } }`,
	} {
		e := s.Client(u.Token).Err(t, q, nil)
		require.Equal(t, "GRAPHQL_VALIDATION_FAILED", e.Code(), q)
	}
	n, err := s.DB.Client.Benchmark.Query().Count(testutil.System())
	require.NoError(t, err)
	require.Zero(t, n)
}

func TestPaging(t *testing.T) {
	t.Parallel()
	s := testutil.NewServer(t, testutil.SQLite)
	u := s.SignUp(t, "p@example.com", viewer.RoleFree)
	c := s.Client(u.Token)
	for i := range 25 {
		c.MustDo(t, fmt.Sprintf(`mutation { createScenario(input: {name: "s%02d", config: {taskComplexity: LOW, dataVolume: 1, responseTimeSLA: 1, inputTokens: 500, outputTokens: 200}}) { id } }`, i), nil, nil)
	}
	type page struct {
		Scenarios struct {
			TotalCount int
			PageInfo   struct {
				HasNextPage bool
				EndCursor   string
			}
			Edges []struct{ Node struct{ Name string } }
		}
	}
	var p page
	c.MustDo(t, `{ scenarios(orderBy: [{field: NAME}]) { totalCount pageInfo { hasNextPage endCursor } edges { node { name } } } }`, nil, &p)
	require.Equal(t, 25, p.Scenarios.TotalCount)
	require.Len(t, p.Scenarios.Edges, 20, "first defaults to 20")
	require.True(t, p.Scenarios.PageInfo.HasNextPage)
	var next page
	c.MustDo(t, `query($after: Cursor) { scenarios(orderBy: [{field: NAME}], after: $after) { pageInfo { hasNextPage } edges { node { name } } } }`,
		map[string]any{"after": p.Scenarios.PageInfo.EndCursor}, &next)
	require.Len(t, next.Scenarios.Edges, 5)
	require.Equal(t, "s20", next.Scenarios.Edges[0].Node.Name)

	var edge struct {
		Me struct {
			Scenarios struct{ Edges []json.RawMessage }
		}
	}
	c.MustDo(t, `{ me { scenarios { edges { node { id } } } } }`, nil, &edge)
	require.Len(t, edge.Me.Scenarios.Edges, 20, "edges default to 20 too")

	for _, q := range []string{`{ scenarios(first: 101) { totalCount } }`, `query($n: Int) { scenarios(last: $n) { totalCount } }`, `{ me { scenarios(first: -1) { totalCount } } }`} {
		e := c.Err(t, q, map[string]any{"n": 500})
		require.Equal(t, "BAD_USER_INPUT", e.Code(), q)
		require.Contains(t, e.Message, "100")
	}
}
