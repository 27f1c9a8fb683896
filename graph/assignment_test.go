package graph_test

import (
	"encoding/json"
	"fmt"
	"sync"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/modelarchitect/architect/internal/experiment"
	"github.com/modelarchitect/architect/internal/testutil"
	"github.com/modelarchitect/architect/internal/viewer"
)

const assignQ = `mutation($id: ID!, $unit: String!) { assignVariant(experimentId: $id, unitId: $unit) { id unitID variant weights assignedAt experiment { id } } }`

type assignmentOut struct {
	ID, UnitID, Variant string
	Weights             []float64
}

func assign(t *testing.T, c *testutil.Client, id, unit string) assignmentOut {
	t.Helper()
	var out struct{ AssignVariant assignmentOut }
	c.MustDo(t, assignQ, map[string]any{"id": id, "unit": unit}, &out)
	return out.AssignVariant
}

// runningExperiment creates and starts an experiment of c's with two models and returns its id and seed.
func runningExperiment(t *testing.T, c *testutil.Client, models []string) (string, string) {
	t.Helper()
	var cr struct {
		CreateExperiment struct{ ID, AssignmentSeed string }
	}
	ms, _ := json.Marshal(models)
	c.MustDo(t, `mutation { createExperiment(input: {name: "assign", models: `+string(ms)+`, metrics: {primary: {name: "resolved", kind: BINARY}}}) { id assignmentSeed } }`, nil, &cr)
	c.MustDo(t, `mutation($id: ID!) { startExperiment(id: $id) { status } }`, map[string]any{"id": cr.CreateExperiment.ID}, nil)
	return cr.CreateExperiment.ID, cr.CreateExperiment.AssignmentSeed
}

// TestAssignVariant: the first exposure assigns by the documented hash into the split in force and stores
// it; later exposures get the stored variant even after the split changed; the assigned units feed the SRM
// check; only a RUNNING experiment of the caller's assigns.
func TestAssignVariant(t *testing.T) {
	t.Parallel()
	eachBackend(t, func(t *testing.T, b testutil.Backend) {
		s := testutil.NewServer(t, b)
		c := s.Client(s.SignUp(t, "assign@example.com", viewer.RolePro).Token)
		models := []string{"openai/gpt-4.1", "openai/gpt-4.1-mini"}

		var draft struct{ CreateExperiment struct{ ID string } }
		c.MustDo(t, `mutation { createExperiment(input: {name: "d", models: ["openai/gpt-4.1", "openai/gpt-4.1-mini"], metrics: {primary: {name: "r", kind: BINARY}}}) { id } }`, nil, &draft)
		r := c.Do(t, assignQ, map[string]any{"id": draft.CreateExperiment.ID, "unit": "u"})
		require.Equal(t, "BAD_USER_INPUT", r.Errors[0].Code())
		require.Equal(t, "experimentId", r.Errors[0].Extensions["field"])
		require.Contains(t, r.Errors[0].Message, "the experiment is DRAFT: units are assigned only while it is RUNNING")

		id, seed := runningExperiment(t, c, models)
		require.Equal(t, id+":", seed, "the seed is the id and a colon")

		// 400 units at 50/50: each variant is the hash's, reproduced here offline from the seed.
		first := map[string]assignmentOut{}
		counts := []int64{0, 0}
		for i := range 400 {
			unit := fmt.Sprintf("user-%d", i)
			a := assign(t, c, id, unit)
			v, err := experiment.Assign(seed, unit, []float64{1, 1})
			require.NoError(t, err)
			require.Equal(t, models[v], a.Variant, unit)
			require.Equal(t, unit, a.UnitID)
			require.Equal(t, []float64{1, 1}, a.Weights)
			first[unit] = a
			counts[v]++
		}
		require.Equal(t, first["user-7"], assign(t, c, id, "user-7"), "a second exposure gets the stored assignment")
		require.Equal(t, "BAD_USER_INPUT", c.Err(t, assignQ, map[string]any{"id": id, "unit": ""}).Code())

		// A ramp to 10/90 while running: assigned units keep their variant, new ones follow the new split.
		upd := func(plan string) *testutil.Response {
			return c.Do(t, `mutation($id: ID!) { updateExperiment(id: $id, input: {plan: `+plan+`}) { plan { split } } }`, map[string]any{"id": id})
		}
		require.Empty(t, upd(`{split: [1, 9]}`).Errors)
		r = upd(`{split: [1, 9], minimumDetectableEffect: 0.1}`)
		require.Equal(t, "plan", r.Errors[0].Extensions["field"], "only the split changes while running")
		moved := 0
		for unit, a := range first {
			v, err := experiment.Assign(seed, unit, []float64{1, 9})
			require.NoError(t, err)
			if models[v] != a.Variant {
				moved++
				require.Equal(t, a, assign(t, c, id, unit), "sticky after the split changed")
			}
		}
		require.Positive(t, moved, "the new split would move some units")
		newCounts := []int64{0, 0}
		for i := range 200 {
			unit := fmt.Sprintf("new-%d", i)
			a := assign(t, c, id, unit)
			v, err := experiment.Assign(seed, unit, []float64{1, 9})
			require.NoError(t, err)
			require.Equal(t, models[v], a.Variant)
			require.Equal(t, []float64{1, 9}, a.Weights)
			newCounts[v]++
		}

		// The SRM check uses the assigned units against the split each was assigned under.
		units := []int64{counts[0] + newCounts[0], counts[1] + newCounts[1]}
		want, err := experiment.CheckSRMOverPeriods(units, []experiment.SRMPeriod{{Units: 400, Weights: []float64{1, 1}}, {Units: 200, Weights: []float64{1, 9}}})
		require.NoError(t, err)
		var rec struct {
			RecordExperimentObservations struct {
				Results struct {
					Srm struct {
						ChiSquare, PValue float64
						Notes             []string
					}
				}
			}
		}
		c.MustDo(t, `mutation($id: ID!) { recordExperimentObservations(id: $id, input: {idempotencyKey: "k", variant: "openai/gpt-4.1", metric: "resolved",
			binary: {conversions: 3, trials: 10}}) { results { srm { chiSquare pValue notes } } } }`, map[string]any{"id": id}, &rec)
		srm := rec.RecordExperimentObservations.Results.Srm
		require.InDelta(t, want.ChiSquare, srm.ChiSquare, 1e-9)
		require.InDelta(t, want.PValue, srm.PValue, 1e-12)
		require.Contains(t, srm.Notes, "checked on the 600 assigned units against the split in force when each was assigned (2 split(s)), not on the metrics' units")

		// The viewer's assignments, filtered; another user's experiment is not found; deleting one
		// assigns the unit afresh at its next exposure.
		var list struct {
			Assignments struct{ TotalCount int }
			Filtered    struct {
				Edges []struct{ Node struct{ ID, Variant string } }
			}
		}
		c.MustDo(t, `{ assignments { totalCount } filtered: assignments(where: {unitID: "user-7"}) { edges { node { id variant } } } }`, nil, &list)
		require.Equal(t, 600, list.Assignments.TotalCount)
		require.Equal(t, first["user-7"].ID, list.Filtered.Edges[0].Node.ID)
		other := s.Client(s.SignUp(t, "other@example.com", viewer.RolePro).Token)
		require.Equal(t, "NOT_FOUND", other.Err(t, assignQ, map[string]any{"id": id, "unit": "user-7"}).Code())
		free := s.Client(s.SignUp(t, "free@example.com", viewer.RoleFree).Token)
		require.Equal(t, "FORBIDDEN", free.Err(t, assignQ, map[string]any{"id": id, "unit": "user-7"}).Code())
		c.MustDo(t, `mutation($id: ID!) { deleteAssignment(id: $id) }`, map[string]any{"id": first["user-7"].ID}, nil)
		again := assign(t, c, id, "user-7")
		require.NotEqual(t, first["user-7"].ID, again.ID)
		require.Equal(t, []float64{1, 9}, again.Weights)

		c.MustDo(t, `mutation($id: ID!) { stopExperiment(id: $id) { status } }`, map[string]any{"id": id}, nil)
		e := c.Err(t, assignQ, map[string]any{"id": id, "unit": "user-7"})
		require.Contains(t, e.Message, "the experiment is STOPPED")
		r = upd(`{split: [1, 1]}`)
		require.Equal(t, "plan.split", r.Errors[0].Extensions["field"])
	})
}

// TestAssignVariantReplicas: first exposures of one unit racing on two replicas of one database store one
// assignment, and every caller gets it.
func TestAssignVariantReplicas(t *testing.T) {
	t.Parallel()
	eachBackend(t, func(t *testing.T, b testutil.Backend) {
		p := newPair(t, b, nil)
		u := p.a.SignUp(t, "race@example.com", viewer.RolePro)
		ca, cb := p.a.Client(u.Token), p.b.Client(u.Token)
		id, _ := runningExperiment(t, ca, []string{"openai/gpt-4.1", "openai/gpt-4.1-mini"})

		// Forced: a has read that the unit has no assignment and waits; b assigns it; a's insert then
		// conflicts, does nothing, and a answers with b's row.
		do := func(c *testutil.Client) func(*testutil.Server) *testutil.Response {
			return func(*testutil.Server) *testutil.Response {
				return c.Do(t, assignQ, map[string]any{"id": id, "unit": "forced"})
			}
		}
		r1, r2 := p.interleave(t, "assignVariant", do(ca), do(cb))
		require.Empty(t, r1.Errors)
		require.Empty(t, r2.Errors)
		require.JSONEq(t, string(r1.Data), string(r2.Data))

		// Free-running: 40 parallel first exposures of 5 units, alternating replicas.
		out := make([]*testutil.Response, 40)
		var wg sync.WaitGroup
		for i := range out {
			c := []*testutil.Client{ca, cb}[i%2]
			wg.Go(func() { out[i] = c.Do(t, assignQ, map[string]any{"id": id, "unit": fmt.Sprintf("unit-%d", i%5)}) })
		}
		wg.Wait()
		byUnit := map[string]string{}
		for i, r := range out {
			require.Empty(t, r.Errors, "call %d", i)
			var a struct{ AssignVariant assignmentOut }
			require.NoError(t, json.Unmarshal(r.Data, &a))
			unit := a.AssignVariant.UnitID
			if prev, ok := byUnit[unit]; ok {
				require.Equal(t, prev, a.AssignVariant.ID, "one assignment per unit")
			}
			byUnit[unit] = a.AssignVariant.ID
		}
		var list struct{ Assignments struct{ TotalCount int } }
		ca.MustDo(t, `{ assignments { totalCount } }`, nil, &list)
		require.Equal(t, 6, list.Assignments.TotalCount, "forced + 5 units")
	})
}
