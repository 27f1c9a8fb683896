package loadgen

import (
	_ "embed"
	"encoding/json"
	"fmt"
	"math/rand/v2"
	"os"
	"sort"
	"strconv"
	"strings"

	"github.com/modelarchitect/architect/bench/internal/viewers"
)

// Template builds the body of one kind of request for a viewer.
type Template struct {
	Name string
	// Body returns the JSON request body; seq is unique per request within a run.
	Body func(v *viewers.Viewer, r *rand.Rand, seq uint64) ([]byte, error)
}

// DashboardQuery is the dashboard the targets of bench/README.md are set for: the viewer's first 20
// Scenarios, Benchmarks and Deployments, each with its owner (queries/dashboard.graphql, which make bench
// also hands to architect sql for pgbench).
//
//go:embed queries/dashboard.graphql
var DashboardQuery string

// ListQuery is the list query of the targets: the viewer's first 50 scenarios with the connection's count,
// page info and cursors, each with its owner's email (queries/list.graphql).
//
//go:embed queries/list.graphql
var ListQuery string

// NodeQuery looks up one of the viewer's rows by its GraphQL id.
const NodeQuery = `query Node($id: ID!) {
  node(id: $id) {
    id
    ... on Scenario { name createdAt owner { email } }
    ... on Benchmark { name benchmarkStatus: status models progress owner { email } }
    ... on Deployment { modelName provider region deploymentStatus: status estimatedCost owner { email } }
  }
}`

// CreateQuery creates a Scenario for the viewer.
const CreateQuery = `mutation Create($input: CreateScenarioInput!) {
  createScenario(input: $input) { id name createdAt }
}`

var complexities = []string{"LOW", "MEDIUM", "HIGH"}

// Builtin returns the templates the load generator knows by name: dashboard, list, node and create.
func Builtin() map[string]Template {
	dashboard := mustJSON(map[string]any{"query": DashboardQuery, "operationName": "Dashboard"})
	list := mustJSON(map[string]any{"query": ListQuery, "operationName": "List"})
	return map[string]Template{
		"list": {Name: "list", Body: func(*viewers.Viewer, *rand.Rand, uint64) ([]byte, error) {
			return list, nil
		}},
		"dashboard": {Name: "dashboard", Body: func(*viewers.Viewer, *rand.Rand, uint64) ([]byte, error) {
			return dashboard, nil
		}},
		"node": {Name: "node", Body: func(v *viewers.Viewer, r *rand.Rand, _ uint64) ([]byte, error) {
			if len(v.Nodes) == 0 {
				return nil, fmt.Errorf("viewer %d owns no rows to look up: seed with --per-user ≥ 1", v.RowID)
			}
			return json.Marshal(map[string]any{"query": NodeQuery, "operationName": "Node",
				"variables": map[string]any{"id": v.Nodes[r.IntN(len(v.Nodes))]}})
		}},
		"create": {Name: "create", Body: func(_ *viewers.Viewer, r *rand.Rand, seq uint64) ([]byte, error) {
			return json.Marshal(map[string]any{"query": CreateQuery, "operationName": "Create",
				"variables": map[string]any{"input": map[string]any{
					"name": fmt.Sprintf("Load test scenario %d", seq),
					"config": map[string]any{
						"taskComplexity":  complexities[r.IntN(len(complexities))],
						"dataVolume":      1000 * (1 + r.IntN(100)),
						"responseTimeSLA": 500 * (1 + r.IntN(20)),
						"inputTokens":     100 * (1 + r.IntN(30)),
						"outputTokens":    50 * (1 + r.IntN(10)),
					},
				}}})
		}},
	}
}

// FromFile returns a template whose document is read from path. The variables it declares among $userId
// (the viewer's row id, as a string so that it fits a BigInt) and $viewerId (the viewer's GraphQL id) are
// filled per request.
func FromFile(name, path string) (Template, error) {
	doc, err := os.ReadFile(path)
	if err != nil {
		return Template{}, fmt.Errorf("template %s: %w", name, err)
	}
	q := string(doc)
	useUser, useViewer := strings.Contains(q, "$userId"), strings.Contains(q, "$viewerId")
	return Template{Name: name, Body: func(v *viewers.Viewer, _ *rand.Rand, _ uint64) ([]byte, error) {
		vars := map[string]any{}
		if useUser {
			vars["userId"] = strconv.Itoa(v.RowID)
		}
		if useViewer {
			vars["viewerId"] = v.ID
		}
		return json.Marshal(map[string]any{"query": q, "variables": vars})
	}}, nil
}

// Weighted is a template and its share of the requests.
type Weighted struct {
	Template Template
	Weight   int
}

// ParseMix reads "dashboard=70,node=20,create=10" (a bare name weighs 1) against the known templates.
func ParseMix(s string, known map[string]Template) ([]Weighted, error) {
	var out []Weighted
	for part := range strings.SplitSeq(s, ",") {
		name, w, hasWeight := strings.Cut(strings.TrimSpace(part), "=")
		weight := 1
		if hasWeight {
			n, err := strconv.Atoi(w)
			if err != nil || n < 0 {
				return nil, fmt.Errorf("mix %q: weight of %s must be a whole number ≥ 0", s, name)
			}
			weight = n
		}
		t, ok := known[name]
		if !ok {
			names := make([]string, 0, len(known))
			for k := range known {
				names = append(names, k)
			}
			sort.Strings(names)
			return nil, fmt.Errorf("mix %q: unknown template %q (known: %s)", s, name, strings.Join(names, ", "))
		}
		if weight > 0 {
			out = append(out, Weighted{Template: t, Weight: weight})
		}
	}
	if len(out) == 0 {
		return nil, fmt.Errorf("mix %q names no template with a positive weight", s)
	}
	return out, nil
}

func mustJSON(v any) []byte {
	b, err := json.Marshal(v)
	if err != nil {
		panic(err)
	}
	return b
}
