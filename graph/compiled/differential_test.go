package compiled_test

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"math/rand/v2"
	"net/http"
	"os"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"

	"entgo.io/contrib/entgql"
	"github.com/prometheus/client_golang/prometheus"
	"github.com/prometheus/client_golang/prometheus/testutil"
	dto "github.com/prometheus/client_model/go"
	"github.com/shopspring/decimal"
	"github.com/stretchr/testify/require"
	"github.com/vektah/gqlparser/v2/ast"

	"github.com/modelarchitect/architect/ent"
	"github.com/modelarchitect/architect/ent/privacy"
	"github.com/modelarchitect/architect/graph"
	"github.com/modelarchitect/architect/graph/compiled"
	"github.com/modelarchitect/architect/internal/benchmark"
	"github.com/modelarchitect/architect/internal/gid"
	"github.com/modelarchitect/architect/internal/model"
	"github.com/modelarchitect/architect/internal/seed"
	tu "github.com/modelarchitect/architect/internal/testutil"
	"github.com/modelarchitect/architect/internal/viewer"
)

// pair is the same installation served twice on one PostgreSQL database: with the compiled read path
// and without it.
type pair struct {
	compiled, normal *tu.Server
	tokens           map[string]string // by caller: free, pro, admin, other, anonymous ("")
	ids              []string          // GraphQL ids of rows, for node(id:) and cursors
}

func newPair(t *testing.T) *pair {
	if tu.PostgresURL() == "" {
		t.Skip("TEST_DATABASE_URL is not set: the compiled path runs on PostgreSQL only")
	}
	srv := tu.Replicas(t, tu.Postgres,
		tu.ServerOptions{Env: map[string]string{"COMPILED_READS": "true"}},
		tu.ServerOptions{Env: map[string]string{"COMPILED_READS": "false"}})
	p := &pair{compiled: srv[0], normal: srv[1], tokens: map[string]string{"anonymous": ""}}
	ctx := tu.System()
	client := srv[0].DB.Client
	require.NoError(t, seed.Seed(ctx, client, seed.Options{Users: 3, PerUser: 7, Seed: 11,
		Now: time.Date(2026, 11, 30, 12, 0, 0, 0, time.UTC), Argon2: tu.FastArgon2}))
	users := client.User.Query().Order(ent.Asc("id")).AllX(ctx)
	require.Len(t, users, 3)
	roles := []viewer.Role{viewer.RoleFree, viewer.RolePro, viewer.RoleAdmin}
	for i, u := range users {
		client.User.UpdateOneID(u.ID).SetRole(roles[i]).ExecX(ctx)
		var li struct{ LogIn struct{ Token string } }
		srv[0].Client("").MustDo(t, `mutation($e: String!) { logIn(input: {email: $e, password: "`+seed.Password+`"}) { token } }`,
			map[string]any{"e": u.Email}, &li)
		p.tokens[strings.ToLower(string(roles[i]))] = li.LogIn.Token
	}
	p.tokens["other"] = srv[0].SignUp(t, "other@example.com", viewer.RoleFree).Token

	// Values whose text differs between PostgreSQL's JSON and gqlgen's unless the compiled path takes care:
	// control characters, quotes, backslashes, non-ASCII; fractions of seconds; decimals with trailing zeros;
	// progress fractions.
	owner := users[0].ID
	for i, name := range []string{"tab\there \"quoted\" back\\slash", "bell\a backspace\b formfeed\f esc\x1b unit\x1f del\x7f",
		"ünïcødé — 日本語 \u2028 line sep", `\b not an escape \u0041`, "<script>&amp;</script>"} {
		client.Scenario.Create().SetOwnerID(owner).SetName(name).SetConfig(seedConfig()).
			SetCreatedAt(time.Date(2026, 12, 1, 10, 0, i, 123456000+i*1000, time.UTC)).ExecX(ctx)
	}
	for i, cost := range []string{"12.50", "0.00", "1000", "0.000123", "-3.10"} {
		client.Deployment.Create().SetOwnerID(owner).SetModelName("m" + strconv.Itoa(i)).SetProvider("AWS").
			SetEstimatedCost(decimal.RequireFromString(cost)).SetConfig(deploymentConfig()).ExecX(ctx)
	}
	for i, pr := range [][2]int{{1, 3}, {2, 3}, {0, 0}, {7, 7}, {1, 1000000007}} {
		client.Benchmark.Create().SetOwnerID(owner).SetName("progress " + strconv.Itoa(i)).SetModels([]string{"a/b", "c\"d"}).
			SetDataset(benchmarkItems()).SetProgressDone(pr[0]).SetProgressTotal(pr[1]).ExecX(ctx)
	}
	for _, typ := range []string{"Scenario", "Benchmark", "Deployment", "User", "Pipeline"} {
		rows, err := srv[0].DB.SQL.QueryContext(context.Background(), "SELECT id FROM "+ent.ReadModel[typ].Table+" ORDER BY id LIMIT 4")
		require.NoError(t, err)
		for rows.Next() {
			var id int
			require.NoError(t, rows.Scan(&id))
			p.ids = append(p.ids, gid.Encode(id))
		}
		require.NoError(t, rows.Close())
	}
	return p
}

// post sends body as caller and returns the status and the exact bytes of the response.
func post(t *testing.T, s *tu.Server, token string, body []byte) (int, []byte) {
	req, err := http.NewRequest(http.MethodPost, s.URL+"/graphql", bytes.NewReader(body))
	require.NoError(t, err)
	req.Header.Set("Content-Type", "application/json")
	if token != "" {
		req.Header.Set("Authorization", "Bearer "+token)
	}
	res, err := http.DefaultClient.Do(req)
	require.NoError(t, err)
	defer res.Body.Close()
	raw, err := io.ReadAll(res.Body)
	require.NoError(t, err)
	return res.StatusCode, raw
}

// differs runs a query on both servers and returns a description of the difference, or "".
func (p *pair) differs(t *testing.T, caller, query string, vars map[string]any) string {
	body, err := json.Marshal(map[string]any{"query": query, "variables": vars})
	require.NoError(t, err)
	s1, b1 := post(t, p.compiled, p.tokens[caller], body)
	s2, b2 := post(t, p.normal, p.tokens[caller], body)
	b1, b2 = requestID.ReplaceAll(b1, nil), requestID.ReplaceAll(b2, nil) // each request has its own
	if s1 == s2 && (bytes.Equal(b1, b2) || sameUpToErrorOrder(b1, b2)) {
		return ""
	}
	i := 0
	for i < len(b1) && i < len(b2) && b1[i] == b2[i] {
		i++
	}
	lo := max(0, i-80)
	return fmt.Sprintf("status %d vs %d; first difference at byte %d:\ncompiled: …%s\nnormal:   …%s", s1, s2, i,
		b1[lo:min(len(b1), i+120)], b2[lo:min(len(b2), i+120)])
}

var requestID = regexp.MustCompile(`,"requestId":"[0-9a-f]+"`)

// sameUpToErrorOrder reports whether two responses have the same bytes of data and the same errors, each
// byte for byte, in any order: root fields run concurrently, so the order of their errors varies from one
// request to the next on either path.
func sameUpToErrorOrder(a, b []byte) bool {
	type response struct {
		Data   json.RawMessage   `json:"data"`
		Errors []json.RawMessage `json:"errors"`
	}
	var ra, rb response
	if json.Unmarshal(a, &ra) != nil || json.Unmarshal(b, &rb) != nil || !bytes.Equal(ra.Data, rb.Data) || len(ra.Errors) != len(rb.Errors) {
		return false
	}
	key := func(m json.RawMessage) string { return string(m) }
	ea, eb := make([]string, len(ra.Errors)), make([]string, len(rb.Errors))
	for i := range ra.Errors {
		ea[i], eb[i] = key(ra.Errors[i]), key(rb.Errors[i])
	}
	slices.Sort(ea)
	slices.Sort(eb)
	return slices.Equal(ea, eb)
}

// outcomes counts the compiled path's outcomes so far by label: "compiled" and each reason to fall back.
func outcomes(p *pair) map[string]float64 {
	ch := make(chan prometheus.Metric, 256)
	p.compiled.App.Metrics.CompiledReads.Collect(ch)
	close(ch)
	out := map[string]float64{}
	for m := range ch {
		var d dto.Metric
		if m.Write(&d) != nil {
			continue
		}
		for _, l := range d.Label {
			out[l.GetValue()] += d.Counter.GetValue()
		}
	}
	return out
}

// refusedStatements counts the compiled statements PostgreSQL refused (fallbacks labelled "sql …"): each is a
// compiler bug the normal path hides, so the differential tests require none.
func refusedStatements(p *pair) map[string]float64 {
	out := map[string]float64{}
	for label, n := range outcomes(p) {
		if strings.HasPrefix(label, "sql") {
			out[label] = n
		}
	}
	return out
}

func compiledCount(p *pair) float64 {
	return testutil.ToFloat64(p.compiled.App.Metrics.CompiledReads.WithLabelValues("compiled"))
}

// fixedQueries are the read queries of the load generator, the README and the guides, with the callers
// that send them; each must answer alike on both paths.
var fixedQueries = []struct{ caller, query string }{
	{"free", `query Dashboard {
  me {
    id
    scenarios(first: 20) { edges { node { id name createdAt owner { email name } } } }
    benchmarks(first: 20) { edges { node { id name status models progress createdAt owner { email name } } } }
    deployments(first: 20) { edges { node { id modelName provider region status estimatedCost createdAt owner { email name } } } }
  }
}`},
	{"free", `{ scenarios(first: 3) { totalCount pageInfo { hasNextPage hasPreviousPage startCursor endCursor } edges { cursor node { id name updatedAt } } } }`},
	{"free", `{ scenarios { totalCount edges { node { __typename id } } } }`},
	{"free", `{ scenarios(first: 2) { totalCount pageInfo { hasNextPage endCursor } } }`},
	{"free", `{ scenarios(first: 0) { totalCount edges { node { id } } } }`},
	{"free", `{ benchmarks(first: 50) { edges { node { name progress progressDone progressTotal models status error repeats } } } }`},
	{"free", `{ deployments(first: 50) { edges { node { estimatedCost costNote statusReason createdAt } } } }`},
	{"free", `{ a: me { id email name role } b: me { ... on User { name } } }`},
	{"free", `{ me { scenarios(first: 2) { edges { node { ...S } } } } } fragment S on Scenario { id name owner { id } }`},
	{"free", `{ me { scenarios(orderBy: [{field: NAME, direction: DESC}], first: 3) { edges { node { name } } } } }`},
	{"free", `{ benchmarks(orderBy: {field: CREATED_AT, direction: DESC}, first: 5) { totalCount pageInfo { hasNextPage } edges { node { name createdAt } } } }`},
	{"free", `{ scenarios(orderBy: [{field: NAME}], first: 2) { edges { cursor node { name } } } }`},
	{"free", `{ scenarios(last: 2) { totalCount pageInfo { hasNextPage hasPreviousPage startCursor endCursor } edges { cursor node { name } } } }`},
	{"free", `{ me { benchmarks(last: 3, orderBy: {field: NAME, direction: DESC}) { pageInfo { hasPreviousPage } edges { node { name } } } } }`},
	{"free", `{ me { benchmarks(where: {status: PENDING}, first: 3) { edges { node { name } } } } }`},
	{"free", `{ scenarios(where: {or: [{nameContainsFold: "TAB"}, {not: {nameHasPrefix: "Product"}}]}, first: 5) { totalCount edges { node { name } } } }`},
	{"free", `{ deployments(where: {estimatedCostGT: "10"}) { totalCount } }`},
	{"free", `query($id: ID!) { scenarios(where: {or: [{id: $id}, {idGT: $id}]}, first: 3) { totalCount edges { node { id } } } }`},
	{"free", `{ scenarios(where: {idIn: ["not an id"]}) { totalCount } }`},
	{"free", `{ scenarios(where: {hasExplanations: true}) { totalCount } }`},
	{"free", `{ benchmarks(first: 3) { edges { node { itemResults(orderBy: {field: ITEM, direction: DESC}, first: 3) { edges { cursor node { id item } } pageInfo { endCursor } } } } } }`},
	{"free", `{ scenarios(orderBy: [{field: NAME}, {field: NAME, direction: DESC}], first: 2) { edges { cursor node { name } } } }`},
	{"free", `{ users(first: 5) { edges { node { email } } } }`},
	{"admin", `{ users(first: 5) { totalCount edges { node { email role scenarios(first: 1) { totalCount } } } } }`},
	{"admin", `{ scenarios(first: 3) { edges { node { name owner { email role } } } } }`},
	{"pro", `{ me { deployments(first: 2) { edges { node { id modelName } } } } }`},
	{"other", `{ me { scenarios { totalCount edges { node { id } } } benchmarks { totalCount } } }`},
	{"anonymous", `{ me { id } }`},
	{"anonymous", `{ scenarios(first: 1) { edges { node { id } } } }`},
	{"free", `{ me { id scenarios(first: 1) { edges { node { name results { __typename } } } } } }`},
	{"free", `{ loadTests(first: 2) { edges { node { id } } } }`},
	{"free", `query($id: ID!) { node(id: $id) { id ... on Scenario { name createdAt owner { email } } ... on Benchmark { name benchmarkStatus: status models progress owner { email } } ... on Deployment { modelName provider region deploymentStatus: status estimatedCost owner { email } } } }`},
	{"other", `query($id: ID!) { node(id: $id) { id __typename ... on Scenario { name } } }`},
	{"admin", `query($id: ID!) { node(id: $id) { id ... on Scenario { name owner { email } } } }`},
	{"free", `{ node(id: "U2NlbmFyaW86OTk5OTk5OTk5OTk") { id } }`},
	{"free", `query($id: ID!) { node(id: $id) { id } me { scenarios(first: 2) { totalCount pageInfo { hasNextPage } } } }`},
	{"free", `{ node(id: "not an id") { id } }`},
	{"free", `query($id: ID!) { nodes(ids: [$id, $id]) { id ... on Scenario { name owner { email } } } }`},
	{"other", `query($id: ID!) { nodes(ids: [$id]) { id } }`},
	{"free", `query($n: Int, $skip: Boolean!) { scenarios(first: $n) { edges { node { id name @skip(if: $skip) createdAt @include(if: $skip) } } } }`},
}

// TestDifferential runs read queries through the compiled path and the resolvers on one database and
// requires byte-identical responses (status, data and errors): the fixed queries above, then random
// queries over the schema (DIFFERENTIAL_QUERIES of them, 300 by default, from DIFFERENTIAL_SEED). A
// difference fails with the smallest query that still shows it.
func TestDifferential(t *testing.T) {
	p := newPair(t)
	before := compiledCount(p)
	for _, q := range fixedQueries {
		vars := map[string]any{"n": 2, "skip": true}
		if strings.Contains(q.query, "$id") {
			vars = map[string]any{"id": p.ids[0]} // the first seeded user's first scenario
		}
		if d := p.differs(t, q.caller, q.query, vars); d != "" {
			t.Errorf("%s as %s:\n%s", q.query, q.caller, d)
		}
	}
	require.GreaterOrEqual(t, compiledCount(p)-before, 12.0, "most fixed queries should be answered by the compiled path")

	n, _ := strconv.Atoi(os.Getenv("DIFFERENTIAL_QUERIES"))
	if n <= 0 {
		n = 300
	}
	seedv, _ := strconv.ParseUint(os.Getenv("DIFFERENTIAL_SEED"), 10, 64)
	if seedv == 0 {
		seedv = 1
	}
	g := &generator{schema: graph.NewSchema(&graph.Resolver{}).Schema(), r: rand.New(rand.NewPCG(seedv, 7)), ids: p.ids}
	callers := []string{"free", "free", "pro", "admin", "other", "anonymous"}
	before = compiledCount(p)
	failures := 0
	for i := 0; i < n && failures < 3; i++ {
		root := g.root()
		caller := callers[g.r.IntN(len(callers))]
		if d := p.differs(t, caller, root.String(), nil); d != "" {
			failures++
			small := minimize(root, func(q *sel) bool { return p.differs(t, caller, q.String(), nil) != "" })
			t.Errorf("query %d (seed %d) as %s differs; smallest query that differs:\n%s\n%s", i, seedv, caller,
				small.String(), p.differs(t, caller, small.String(), nil))
		}
	}
	t.Logf("%d random queries, %.0f root fields compiled; outcomes of the whole test: %v", n, compiledCount(p)-before, outcomes(p))
	require.Empty(t, refusedStatements(p), "statements PostgreSQL refused (the server log has them)")
	require.Greater(t, compiledCount(p)-before, float64(n)/10, "the generator should reach the compiled path")
}

// compiledQueries must be answered by the compiled path, alike: where on decimals and edges, cursors of ordered
// connections.
var compiledQueries = []struct{ caller, query string }{
	{"free", `{ deployments(where: {estimatedCostGT: "10"}) { totalCount edges { node { estimatedCost } } } }`},
	{"free", `{ deployments(where: {or: [{estimatedCostIn: ["12.50", "0"]}, {estimatedCostLTE: 0}]}) { totalCount edges { node { modelName } } } }`},
	{"free", `{ deployments(where: {estimatedCostIsNil: false, not: {estimatedCostNEQ: "1000.000"}}) { totalCount } }`},
	{"free", `{ scenarios(where: {hasExplanations: false}) { totalCount } }`},
	{"free", `{ scenarios(where: {hasExplanationsWith: [{createdAtGT: "2026-11-01T00:00:00Z"}]}) { totalCount } }`},
	{"admin", `{ users(where: {hasScenariosWith: [{nameContainsFold: "support", hasExplanations: false}]}, first: 3) { edges { node { email } } } }`},
	{"free", `{ me { benchmarks(where: {hasItemResultsWith: [{passed: true}]}) { totalCount } } }`},
	{"admin", `query($id: ID!) { users(where: {hasScenariosWith: [{id: $id}]}) { totalCount } }`},
	{"free", `{ scenarios(orderBy: {field: NAME}, first: 2) { pageInfo { startCursor endCursor } edges { cursor node { name } } } }`},
	{"free", `{ me { deployments(orderBy: [{field: STATUS, direction: DESC}, {field: CREATED_AT}], last: 3) { edges { cursor } pageInfo { endCursor } } } }`},
}

func TestCompiledQueries(t *testing.T) {
	p := newPair(t)
	for _, q := range compiledQueries {
		before := compiledCount(p)
		if d := p.differs(t, q.caller, q.query, map[string]any{"id": p.ids[0]}); d != "" {
			t.Errorf("%s as %s:\n%s", q.query, q.caller, d)
		}
		require.Equal(t, before+1, compiledCount(p), "%s was not compiled", q.query)
	}
}

// TestDifferentialPaging walks every root connection in every order it offers (each order field, ascending
// and descending, and the default), forwards with first and after and backwards with last and before, taking
// each next cursor from the last answer: every page must answer alike on both paths and be compiled, so
// ordered cursors (the row's values of the order fields, in MessagePack) are written and read as entgql does.
func TestDifferentialPaging(t *testing.T) {
	p := newPair(t)
	schema := graph.NewSchema(&graph.Resolver{}).Schema()
	type page struct {
		Data map[string]struct {
			PageInfo struct {
				HasNextPage, HasPreviousPage bool
				StartCursor, EndCursor       *string
			}
		}
	}
	walked := 0
	for _, root := range []string{"scenarios", "benchmarks", "deployments", "pipelines", "users", "experiments"} {
		caller := "free"
		if root == "users" {
			caller = "admin"
		}
		orders := []string{""}
		if input := schema.Types[schema.Query.Fields.ForName(root).Arguments.ForName("orderBy").Type.Name()]; input != nil {
			for _, v := range schema.Types[input.Fields.ForName("field").Type.Name()].EnumValues {
				orders = append(orders, "{field: "+v.Name+"}", "{field: "+v.Name+", direction: DESC}")
			}
		}
		for _, order := range orders {
			for _, forwards := range []bool{true, false} {
				count, cursorArg := "first: 2", "after"
				if !forwards {
					count, cursorArg = "last: 2", "before"
				}
				args := count
				if order != "" {
					args += ", orderBy: " + order
				}
				var cursor *string
				for range 12 {
					q := `query($c: Cursor) { ` + root + `(` + args + `, ` + cursorArg + `: $c) { totalCount
						pageInfo { hasNextPage hasPreviousPage startCursor endCursor } edges { cursor node { id } } } }`
					vars := map[string]any{"c": nil}
					if cursor != nil {
						vars["c"] = *cursor
					}
					before := compiledCount(p)
					if d := p.differs(t, caller, q, vars); d != "" {
						t.Fatalf("%s(%s, %s: %s) differs:\n%s", root, args, cursorArg, vars["c"], d)
					}
					require.Equal(t, before+1, compiledCount(p), "%s(%s, %s: %s) was not compiled", root, args, cursorArg, vars["c"])
					body, err := json.Marshal(map[string]any{"query": q, "variables": vars})
					require.NoError(t, err)
					_, raw := post(t, p.compiled, p.tokens[caller], body)
					var pg page
					require.NoError(t, json.Unmarshal(raw, &pg), "%s", raw)
					conn := pg.Data[root]
					walked++
					more := conn.PageInfo.HasNextPage
					cursor = conn.PageInfo.EndCursor
					if !forwards {
						more, cursor = conn.PageInfo.HasPreviousPage, conn.PageInfo.StartCursor
					}
					if !more || cursor == nil {
						break
					}
				}
			}
		}
	}
	t.Logf("%d pages walked", walked)
	require.Empty(t, refusedStatements(p), "statements PostgreSQL refused (the server log has them)")
}

// sel is a selection: a field with arguments and sub-selections, or an inline fragment (typeCond set).
type sel struct {
	alias, name, args, typeCond string
	children                    []*sel
}

func (s *sel) String() string {
	var b strings.Builder
	b.WriteString("query ")
	s.write(&b)
	return b.String()
}

func (s *sel) write(b *strings.Builder) {
	switch {
	case s.typeCond != "":
		b.WriteString("... on " + s.typeCond)
	case s.name == "":
	default:
		if s.alias != "" {
			b.WriteString(s.alias + ": ")
		}
		b.WriteString(s.name + s.args)
	}
	if len(s.children) > 0 {
		b.WriteString(" { ")
		for i, c := range s.children {
			if i > 0 {
				b.WriteString(" ")
			}
			c.write(b)
		}
		b.WriteString(" }")
	}
}

func (s *sel) clone() *sel {
	c := *s
	c.children = make([]*sel, len(s.children))
	for i, ch := range s.children {
		c.children[i] = ch.clone()
	}
	return &c
}

// minimize removes selections, one at a time, as long as the query still differs.
func minimize(q *sel, differs func(*sel) bool) *sel {
	for changed := true; changed; {
		changed = false
		var walk func(n *sel) bool
		walk = func(n *sel) bool {
			for i := range n.children {
				if len(n.children) > 1 {
					saved := n.children
					n.children = slices.Delete(slices.Clone(n.children), i, i+1)
					if differs(q) {
						return true
					}
					n.children = saved
				}
				if walk(n.children[i]) {
					return true
				}
			}
			return false
		}
		changed = walk(q)
	}
	return q
}

// generator builds random valid read queries from the schema.
type generator struct {
	schema *ast.Schema
	r      *rand.Rand
	ids    []string
	n      int
}

// roots the generator starts from: the viewer and the root lists.
var roots = []string{"me", "scenarios", "benchmarks", "deployments", "pipelines", "users", "experiments", "node", "nodes"}

func (g *generator) root() *sel {
	q := &sel{}
	for range 1 + g.r.IntN(2) {
		name := roots[g.r.IntN(len(roots))]
		f := g.schema.Query.Fields.ForName(name)
		if f == nil {
			continue
		}
		q.children = append(q.children, g.field(f, 0))
	}
	if len(q.children) == 0 {
		q.children = []*sel{{name: "__typename"}}
	}
	return q
}

func (g *generator) field(f *ast.FieldDefinition, depth int) *sel {
	s := &sel{name: f.Name}
	if g.r.IntN(5) == 0 {
		g.n++
		s.alias = "a" + strconv.Itoa(g.n)
	}
	s.args = g.args(f)
	def := g.schema.Types[f.Type.Name()]
	if def.Kind == ast.Object || def.Kind == ast.Interface || def.Kind == ast.Union {
		s.children = g.selection(def, depth+1)
	}
	return s
}

func (g *generator) args(f *ast.FieldDefinition) string {
	var parts []string
	// A page reads forwards (first, after) or, one time in five, backwards (last, before); one time in eight
	// an argument of the other direction is drawn too, which the paging policy refuses on both paths.
	backwards := g.r.IntN(5) == 0
	along := func(forwards bool) bool { return forwards != backwards || g.r.IntN(8) == 0 }
	// The order is drawn first, so that a cursor holds as many values as it has terms (one time in eight
	// another number, which the paging policy refuses on both paths).
	order := ""
	if a := f.Arguments.ForName("orderBy"); a != nil && g.r.IntN(3) == 0 {
		order = g.orderBy(a.Type)
	}
	terms := strings.Count(order, "field:")
	for _, a := range f.Arguments {
		switch {
		case a.Name == "first" && g.r.IntN(3) > 0 && along(true):
			parts = append(parts, "first: "+strconv.Itoa(g.r.IntN(4)))
		case a.Name == "last" && g.r.IntN(5) > 0 && along(false):
			parts = append(parts, "last: "+strconv.Itoa(g.r.IntN(4)))
		case (a.Name == "after" || a.Name == "before") && g.r.IntN(4) == 0 && along(a.Name == "after"):
			id, err := gid.Decode(g.ids[g.r.IntN(len(g.ids))])
			if err != nil {
				panic(err)
			}
			cur := entgql.Cursor[int]{ID: id}
			n := terms
			if g.r.IntN(8) == 0 {
				n = g.r.IntN(3)
			}
			if n > 0 { // values of an ordered connection's cursor, of its order fields' types or not
				values := make([]any, n)
				for i := range values {
					values[i] = cursorValues[g.r.IntN(len(cursorValues))]
				}
				cur.Value = values
			}
			var c bytes.Buffer
			cur.MarshalGQL(&c)
			parts = append(parts, a.Name+": "+c.String())
		case a.Name == "ids" && a.Type.NonNull:
			var ids []string
			for range 1 + g.r.IntN(3) {
				ids = append(ids, `"`+g.ids[g.r.IntN(len(g.ids))]+`"`)
			}
			parts = append(parts, "ids: ["+strings.Join(ids, ", ")+"]")
		case a.Name == "id" && a.Type.NonNull:
			parts = append(parts, `id: "`+g.ids[g.r.IntN(len(g.ids))]+`"`)
		case a.Name == "where" && g.r.IntN(3) == 0:
			parts = append(parts, "where: "+g.where(a.Type, 0))
		case a.Name == "orderBy" && order != "":
			parts = append(parts, "orderBy: "+order)
		case a.Type.NonNull && a.DefaultValue == nil:
			return "(unfillable: 1)" // never chosen: see selection
		}
	}
	if len(parts) == 0 {
		return ""
	}
	return "(" + strings.Join(parts, ", ") + ")"
}

// cursorValues are values of order fields for cursors: times, names, statuses, numbers and null.
var cursorValues = []any{time.Date(2026, 11, 30, 12, 0, 0, 0, time.UTC), time.Date(2026, 12, 1, 10, 0, 2, 125456000, time.UTC),
	"Product", "m2", "PENDING", "COMPLETED", "tab\there", 3, 0.5, nil, true}

// orderBy is a random value of an orderBy argument: none, one or two terms of the type's order fields, in a
// list or as one object.
func (g *generator) orderBy(t *ast.Type) string {
	input := g.schema.Types[t.Name()]
	if input == nil || input.Fields.ForName("field") == nil {
		return "[]"
	}
	enum := g.schema.Types[input.Fields.ForName("field").Type.Name()]
	term := func() string {
		v := enum.EnumValues[g.r.IntN(len(enum.EnumValues))].Name
		switch g.r.IntN(3) {
		case 0:
			return "{field: " + v + "}"
		case 1:
			return "{field: " + v + ", direction: DESC}"
		}
		return "{field: " + v + ", direction: ASC}"
	}
	switch g.r.IntN(4) {
	case 0:
		return "[]"
	case 1:
		return term()
	case 2:
		return "[" + term() + "]"
	}
	return "[" + term() + ", " + term() + "]"
}

// where is a random where argument: one or two field predicates of String, enum, Boolean, Int, Time, ID or
// Decimal fields (the fields' own values, lists for In, patterns for Contains, values the scalars refuse) or
// edge predicates (hasX, hasXWith with a where of its own), sometimes under not, and or or.
func (g *generator) where(t *ast.Type, depth int) string {
	input := g.schema.Types[t.Name()]
	if input == nil {
		return "{}"
	}
	if depth < 2 {
		switch g.r.IntN(6) {
		case 0:
			return "{not: " + g.where(t, depth+1) + "}"
		case 1:
			return "{or: [" + g.where(t, depth+1) + ", " + g.where(t, depth+1) + "]}"
		case 2:
			return "{and: [" + g.where(t, depth+1) + "]}"
		}
	}
	var preds []string
	for range 1 + g.r.IntN(2) {
		f := input.Fields[g.r.IntN(len(input.Fields))]
		if strings.HasSuffix(f.Type.Name(), "WhereInput") && f.Type.Elem != nil { // hasXWith: rows with an edge matching
			if depth < 2 {
				preds = append(preds, f.Name+": ["+g.where(f.Type.Elem, depth+1)+"]")
			}
			continue
		}
		if v, ok := g.whereValue(f.Type); ok {
			preds = append(preds, f.Name+": "+v)
		}
	}
	return "{" + strings.Join(preds, ", ") + "}"
}

var whereWords = []string{`"a"`, `"e"`, `"Support"`, `"translation"`, `""`, `"ünï"`, `"tab\there"`}

func (g *generator) whereValue(t *ast.Type) (string, bool) {
	if t.Elem != nil {
		a, ok1 := g.whereValue(t.Elem)
		b, ok2 := g.whereValue(t.Elem)
		return "[" + a + ", " + b + "]", ok1 && ok2
	}
	switch name := t.Name(); name {
	case "String":
		return whereWords[g.r.IntN(len(whereWords))], true
	case "Boolean":
		return []string{"true", "false"}[g.r.IntN(2)], true
	case "Int":
		return strconv.Itoa(g.r.IntN(5)), true
	case "Time":
		return `"2026-11-` + strconv.Itoa(10+g.r.IntN(20)) + `T12:00:00Z"`, true
	case "Decimal":
		return []string{`"10"`, `"0.00"`, `"12.5"`, `"-3.1"`, `1000`, `"not a number"`, `0.5`}[g.r.IntN(7)], true
	case "ID":
		if g.r.IntN(8) == 0 {
			return `"not an id"`, true
		}
		return `"` + g.ids[g.r.IntN(len(g.ids))] + `"`, true
	default:
		if def := g.schema.Types[name]; def != nil && def.Kind == ast.Enum {
			return def.EnumValues[g.r.IntN(len(def.EnumValues))].Name, true
		}
	}
	return "", false
}

// fillable reports whether the generator can give every required argument of f.
func fillable(f *ast.FieldDefinition) bool {
	for _, a := range f.Arguments {
		if a.Type.NonNull && a.DefaultValue == nil && a.Name != "id" && a.Name != "ids" {
			return false
		}
	}
	return true
}

func (g *generator) selection(def *ast.Definition, depth int) []*sel {
	if def.Kind == ast.Interface || def.Kind == ast.Union {
		out := []*sel{{name: "__typename"}}
		if def.Kind == ast.Interface && g.r.IntN(2) == 0 {
			out = append(out, &sel{name: "id"})
		}
		for _, impl := range g.schema.GetPossibleTypes(def) {
			if g.r.IntN(2) == 0 {
				out = append(out, &sel{typeCond: impl.Name, children: g.selection(impl, depth)})
			}
		}
		return out
	}
	var fields []*ast.FieldDefinition
	for _, f := range def.Fields {
		if strings.HasPrefix(f.Name, "__") || !fillable(f) {
			continue
		}
		t := g.schema.Types[f.Type.Name()]
		if depth >= 4 && (t.Kind == ast.Object || t.Kind == ast.Interface || t.Kind == ast.Union) {
			continue
		}
		fields = append(fields, f)
	}
	if len(fields) == 0 {
		return []*sel{{name: "__typename"}}
	}
	k := 1 + g.r.IntN(min(4, len(fields)))
	var out []*sel
	for _, i := range g.r.Perm(len(fields))[:k] {
		out = append(out, g.field(fields[i], depth))
	}
	if g.r.IntN(6) == 0 {
		out = append(out, &sel{name: "__typename"})
	}
	if g.r.IntN(6) == 0 { // the same fields again through a fragment on the type
		out = append(out, &sel{typeCond: def.Name, children: []*sel{out[0].clone()}})
	}
	return out
}

func seedConfig() model.ScenarioConfig {
	return model.ScenarioConfig{TaskComplexity: model.Complexity("LOW"), DataVolume: 1000, InputTokens: 100, OutputTokens: 50}
}

func deploymentConfig() model.DeploymentConfig { return model.DeploymentConfig{} }

func benchmarkItems() model.Dataset {
	return model.Dataset{{Input: "ping", Expected: "pong", Assertion: benchmark.AssertExact}}
}

// TestPrivacyPredicates walks every entity type of ent.ReadModel and, for an owner, another FREE user, an
// ADMIN and an anonymous caller, checks that the rows the compiled ownership predicate admits are exactly
// the rows ent's privacy policy lets node(id:) load for that caller: the same definition, two evaluators.
func TestPrivacyPredicates(t *testing.T) {
	p := newPair(t)
	ctx := tu.System()
	client := p.compiled.DB.Client
	users := client.User.Query().Order(ent.Asc("id")).AllX(ctx)
	viewers := map[string]*viewer.Viewer{"anonymous": nil}
	for _, u := range users {
		viewers[string(u.Role)+"#"+strconv.Itoa(u.ID)] = &viewer.Viewer{ID: u.ID, Role: u.Role}
	}
	checked := 0
	for typ, rt := range ent.ReadModel {
		all := map[int]bool{}
		rows, err := p.compiled.DB.SQL.QueryContext(ctx, `SELECT id FROM "`+rt.Table+`"`)
		require.NoError(t, err)
		for rows.Next() {
			var id int
			require.NoError(t, rows.Scan(&id))
			all[id] = true
		}
		require.NoError(t, rows.Close())
		for name, v := range viewers {
			vctx := context.Background()
			if v != nil {
				vctx = viewer.NewContext(vctx, v)
			}
			where, args, err := compiled.PolicySQL(vctx, client, typ, `"t"`)
			compiledRows := map[int]bool{}
			if err == nil {
				rows, qerr := p.compiled.DB.SQL.QueryContext(ctx, `SELECT "t"."id" FROM "`+rt.Table+`" AS "t" WHERE TRUE`+where, args...)
				require.NoError(t, qerr, "%s for %s: %s", typ, name, where)
				for rows.Next() {
					var id int
					require.NoError(t, rows.Scan(&id))
					compiledRows[id] = true
				}
				require.NoError(t, rows.Close())
			}
			policyRows := map[int]bool{}
			query, ok := entQueries(client)[typ]
			require.True(t, ok, "add %s to entQueries", typ)
			ids, qerr := query(vctx)
			if qerr != nil {
				require.ErrorIs(t, qerr, privacy.Deny, "%s for %s", typ, name)
			}
			for _, id := range ids {
				policyRows[id] = true
			}
			require.Equal(t, policyRows, compiledRows, "%s rows visible to %s (predicate %q)", typ, name, where)
			checked++
		}
	}
	require.Greater(t, checked, 4*15)
}

// entQueries lists every entity's ids through ent, under its privacy policy.
func entQueries(c *ent.Client) map[string]func(context.Context) ([]int, error) {
	return map[string]func(context.Context) ([]int, error){
		"Assignment":            c.Assignment.Query().IDs,
		"Benchmark":             c.Benchmark.Query().IDs,
		"BenchmarkItemResult":   c.BenchmarkItemResult.Query().IDs,
		"BenchmarkLabel":        c.BenchmarkLabel.Query().IDs,
		"ComplianceProfile":     c.ComplianceProfile.Query().IDs,
		"Dataset":               c.Dataset.Query().IDs,
		"DatasetVersion":        c.DatasetVersion.Query().IDs,
		"Deployment":            c.Deployment.Query().IDs,
		"Experiment":            c.Experiment.Query().IDs,
		"ExperimentKey":         c.ExperimentKey.Query().IDs,
		"ExperimentObservation": c.ExperimentObservation.Query().IDs,
		"Explanation":           c.Explanation.Query().IDs,
		"JudgeAnswer":           c.JudgeAnswer.Query().IDs,
		"LoadTest":              c.LoadTest.Query().IDs,
		"Pipeline":              c.Pipeline.Query().IDs,
		"QuotaLedger":           c.QuotaLedger.Query().IDs,
		"Scenario":              c.Scenario.Query().IDs,
		"Tombstone":             c.Tombstone.Query().IDs,
		"User":                  c.User.Query().IDs,
	}
}
