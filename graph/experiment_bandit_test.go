package graph_test

import (
	"fmt"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/modelarchitect/architect/internal/experiment"
	"github.com/modelarchitect/architect/internal/model"
	"github.com/modelarchitect/architect/internal/testutil"
	"github.com/modelarchitect/architect/internal/viewer"
	"github.com/modelarchitect/architect/internal/workers"
)

type banditOut struct {
	Weights []float64
	Updates []struct {
		Weights   []float64
		WarmUp    bool
		Simulated bool
		Notes     []string
		Arms      []struct {
			Variant                                string
			Weight, ProbabilityBest, PosteriorMean float64
			Stopped                                bool
			Reason                                 string
		}
	}
	Warning string
}

const banditFields = `results { bandit { weights warning updates { weights warmUp simulated notes arms { variant weight probabilityBest posteriorMean stopped reason } } } }`

func banditOf(t *testing.T, c *testutil.Client, mutation, id string) banditOut {
	t.Helper()
	var out map[string]struct{ Results struct{ Bandit *banditOut } }
	c.MustDo(t, `mutation($id: ID!) { `+mutation+`(experimentId: $id) { `+banditFields+` } }`, map[string]any{"id": id}, &out)
	require.NotNil(t, out[mutation].Results.Bandit)
	return *out[mutation].Results.Bandit
}

func createBandit(t *testing.T, c *testutil.Client, plan string) (string, string) {
	t.Helper()
	var cr struct {
		CreateExperiment struct{ ID, AssignmentSeed string }
	}
	c.MustDo(t, `mutation { createExperiment(input: {name: "bandit", models: ["openai/gpt-5.4-mini", "openai/gpt-5.4-nano"],
		metrics: {primary: {name: "resolved", kind: BINARY}, secondary: [{name: "cost", kind: CONTINUOUS, lowerIsBetter: true}]},
		plan: `+plan+`}) { id assignmentSeed } }`, nil, &cr)
	c.MustDo(t, `mutation($id: ID!) { startExperiment(id: $id) { status } }`, map[string]any{"id": cr.CreateExperiment.ID}, nil)
	return cr.CreateExperiment.ID, cr.CreateExperiment.AssignmentSeed
}

// TestBandit: a bandit warms up, then follows the posterior with a floor, assignVariant follows its weights,
// a guardrail stops an arm, the history and the bias warning are in the results, and its split cannot be set.
func TestBandit(t *testing.T) {
	t.Parallel()
	eachBackend(t, func(t *testing.T, b testutil.Backend) {
		s := testutil.NewServer(t, b)
		c := s.Client(s.SignUp(t, "bandit@example.com", viewer.RolePro).Token)
		models := []string{"openai/gpt-5.4-mini", "openai/gpt-5.4-nano"}

		for _, tc := range []struct{ name, plan, field string }{
			{"floor too high", `{bandit: {minShare: 0.5}}`, "plan.bandit.minShare"},
			{"not a secondary metric", `{bandit: {costMetric: "latency", costCeiling: 1}}`, "plan.bandit.costMetric"},
			{"a metric without its bound", `{bandit: {costMetric: "cost"}}`, "plan.bandit.costMetric"},
		} {
			e := c.Err(t, `mutation { createExperiment(input: {name: "b", models: ["openai/gpt-5.4-mini", "openai/gpt-5.4-nano"],
				metrics: {primary: {name: "resolved", kind: BINARY}, secondary: [{name: "cost", kind: CONTINUOUS}]}, plan: `+tc.plan+`}) { id } }`, nil)
			require.Equal(t, "BAD_USER_INPUT", e.Code(), tc.name)
			require.Equal(t, tc.field, e.Extensions["field"], tc.name)
		}

		id, seed := createBandit(t, c, `{bandit: {minShare: 0.05, costMetric: "cost", costCeiling: 0.01}}`)
		warm := banditOf(t, c, "updateBanditWeights", id)
		require.Equal(t, []float64{0.5, 0.5}, warm.Weights)
		require.True(t, warm.Updates[0].WarmUp)
		require.Equal(t, model.BanditWarning, warm.Warning)

		rec := func(key, variant, metric, data string) {
			c.MustDo(t, `mutation($id: ID!) { recordExperimentObservations(id: $id, input: {idempotencyKey: "`+key+`", variant: "`+variant+`", metric: "`+metric+`", `+data+`}) { id } }`,
				map[string]any{"id": id}, nil)
		}
		for i := range 600 {
			assign(t, c, id, fmt.Sprintf("warm-%d", i))
		}
		rec("m", models[0], "resolved", `binary: {conversions: 30, trials: 300}`)
		rec("n", models[1], "resolved", `binary: {conversions: 60, trials: 300}`)
		// Two arms: P(nano best) = Φ((0.2 − 0.1)/√(0.1·0.9/299 + 0.2·0.8/299)) = Φ(3.4583) = 0.999728 (python3
		// statistics.NormalDist; variances of the 0/1 values with n − 1); weights 0.05 + 0.9·P.
		upd := banditOf(t, c, "updateBanditWeights", id)
		require.Len(t, upd.Updates, 2, "the history keeps every update")
		require.False(t, upd.Updates[1].WarmUp)
		require.InDelta(t, 0.9997282256463803, upd.Updates[1].Arms[1].ProbabilityBest, 1e-9)
		require.InDelta(t, 0.9497554030817423, upd.Weights[1], 1e-9)
		require.InDelta(t, 0.05024459691825772, upd.Weights[0], 1e-9)

		// New units follow the bandit's weights (stored with each assignment); assigned units keep theirs.
		for i := range 200 {
			unit := fmt.Sprintf("after-%d", i)
			a := assign(t, c, id, unit)
			v, err := experiment.Assign(seed, unit, upd.Weights)
			require.NoError(t, err)
			require.Equal(t, models[v], a.Variant, unit)
			require.Equal(t, upd.Weights, a.Weights)
		}

		// The nano arm costs $0.05 a request against a ceiling of $0.01: the guardrail stops it.
		rec("mc", models[0], "cost", `continuous: {count: 300, mean: 0.004, variance: 0.000001}`)
		rec("nc", models[1], "cost", `continuous: {count: 300, mean: 0.05, variance: 0.0001}`)
		stop := banditOf(t, c, "updateBanditWeights", id)
		require.Equal(t, []float64{1, 0}, stop.Weights)
		require.True(t, stop.Updates[2].Arms[1].Stopped)
		require.Contains(t, stop.Updates[2].Arms[1].Reason, "cost")
		for i := range 20 {
			require.Equal(t, models[0], assign(t, c, id, fmt.Sprintf("stopped-%d", i)).Variant)
		}

		// The split is the bandit's.
		e := c.Err(t, `mutation($id: ID!) { updateExperiment(id: $id, input: {plan: {split: [1, 3], bandit: {minShare: 0.05, costMetric: "cost", costCeiling: 0.01}}}) { id } }`, map[string]any{"id": id})
		require.Equal(t, "BAD_USER_INPUT", e.Code())
		require.Equal(t, "plan.split", e.Extensions["field"])

		// A fixed-split experiment is not a bandit.
		fixed, _ := runningExperiment(t, c, models)
		require.Equal(t, "BAD_USER_INPUT", c.Err(t, `mutation($id: ID!) { updateBanditWeights(experimentId: $id) { id } }`, map[string]any{"id": fixed}).Code())
	})
}

// TestBanditSchedule: the bandit_update job updates running bandits on its schedule.
func TestBanditSchedule(t *testing.T) {
	t.Parallel()
	eachBackend(t, func(t *testing.T, b testutil.Backend) {
		s := testutil.NewServer(t, b, testutil.ServerOptions{Deps: func(d *workers.Deps) { d.BanditEvery = 200 * time.Millisecond }})
		c := s.Client(s.SignUp(t, "schedule@example.com", viewer.RolePro).Token)
		id, _ := createBandit(t, c, `{bandit: {}}`)
		require.Eventually(t, func() bool {
			var out struct {
				Node struct{ Results *struct{ Bandit *banditOut } }
			}
			c.MustDo(t, `query($id: ID!) { node(id: $id) { ... on Experiment { `+banditFields+` } } }`, map[string]any{"id": id}, &out)
			return out.Node.Results != nil && out.Node.Results.Bandit != nil && len(out.Node.Results.Bandit.Updates) >= 2
		}, 20*time.Second, 100*time.Millisecond)
	})
}
