package graph_test

import (
	"bytes"
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/modelarchitect/architect/internal/testutil"
)

// BenchmarkHandler times the real handler (everything behind the listener: auth, parsing from the cache,
// execution, SQL, encoding) for the dashboard query of bench/README.md (dashboardQuery), a node lookup and a create mutation, on SQLite and,
// with TEST_DATABASE_URL, on PostgreSQL. It reports the SQL statements each request sent (sql/op).
// make bench runs it; go test -run '^$' -bench Handler ./graph runs it alone. On PostgreSQL it runs twice: with
// the compiled read path (postgres/compiled) and with the resolvers alone (postgres/resolvers).
func BenchmarkHandler(b *testing.B) {
	type mode struct {
		name    string
		backend testutil.Backend
		reads   string
	}
	modes := []mode{{"sqlite", testutil.SQLite, "false"}}
	if testutil.PostgresURL() != "" {
		modes = append(modes, mode{"postgres/compiled", testutil.Postgres, "true"}, mode{"postgres/resolvers", testutil.Postgres, "false"})
	}
	for _, m := range modes {
		backend := m.backend
		b.Run(m.name, func(b *testing.B) {
			counter := &testutil.SQLCounter{}
			s, c := seededViewer(b, backend, counter, 20, map[string]string{"COMPILED_READS": m.reads})
			var page struct {
				Me struct {
					Scenarios struct {
						Edges []struct{ Node struct{ ID string } }
					}
				}
			}
			c.MustDo(b, `{ me { scenarios(first: 1) { edges { node { id } } } } }`, nil, &page)
			require.NotEmpty(b, page.Me.Scenarios.Edges)
			id := page.Me.Scenarios.Edges[0].Node.ID
			for _, r := range []struct {
				name, query string
				vars        map[string]any
			}{
				{"dashboard", dashboardQuery, nil},
				{"node", `query($id: ID!) { node(id: $id) { id ... on Scenario { name createdAt config { taskComplexity dataVolume } owner { email } } } }`,
					map[string]any{"id": id}},
				{"createScenario", `mutation { createScenario(input: ` + supportTickets + `) { id name createdAt } }`, nil},
			} {
				body, err := json.Marshal(map[string]any{"query": r.query, "variables": r.vars})
				require.NoError(b, err)
				b.Run(r.name, func(b *testing.B) {
					b.ReportAllocs()
					counter.Reset()
					n := 0
					for b.Loop() {
						req := httptest.NewRequest(http.MethodPost, "/graphql", bytes.NewReader(body))
						req.Header.Set("Content-Type", "application/json")
						req.Header.Set("Authorization", "Bearer "+c.Token)
						rec := httptest.NewRecorder()
						s.App.Handler.ServeHTTP(rec, req)
						if rec.Code != http.StatusOK || bytes.Contains(rec.Body.Bytes(), []byte(`"errors"`)) {
							b.Fatalf("%s: %d %s", r.name, rec.Code, rec.Body.String())
						}
						n++
					}
					b.ReportMetric(float64(counter.Count())/float64(n), "sql/op")
				})
			}
		})
	}
}
