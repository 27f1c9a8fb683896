package graph_test

import (
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/modelarchitect/architect/internal/experiment"
	"github.com/modelarchitect/architect/internal/testutil"
	"github.com/modelarchitect/architect/internal/viewer"
)

type liftOut struct {
	Estimate, Lower, Upper, PValue, AdjustedPValue, AdjustedLower, AdjustedUpper float64
}

type comparisonOut struct {
	Variant, Scale, Mode  string
	Absolute, Relative    *liftOut
	Statistic, Df, PValue float64
	AdjustedPValue        float64
	Significant           bool
	PooledZ, PooledPValue float64
	Notes                 []string
}

type modeResults struct {
	Mode       string
	Sequential *struct {
		Tuning   float64
		MinUnits int
	}
	Primary struct {
		Scale       string
		Comparisons []comparisonOut
	}
	Secondary []struct {
		Scale       string
		Comparisons []comparisonOut
	}
}

const liftFields = `{ estimate lower upper pValue adjustedPValue adjustedLower adjustedUpper }`

const modeFields = `results { mode sequential { tuning minUnits }
	primary { scale comparisons { variant scale mode absolute ` + liftFields + ` relative ` + liftFields + `
		statistic df pValue adjustedPValue significant pooledZ pooledPValue notes } }
	secondary { scale comparisons { variant scale mode absolute ` + liftFields + ` relative ` + liftFields + `
		statistic df pValue adjustedPValue significant pooledZ pooledPValue notes } } }`

// requireLift checks a lift of the API against the engine's.
func requireLift(t *testing.T, want *experiment.Lift, got *liftOut) {
	t.Helper()
	require.NotNil(t, want)
	require.NotNil(t, got)
	for _, p := range [][2]float64{{want.Estimate, got.Estimate}, {want.Lower, got.Lower}, {want.Upper, got.Upper},
		{want.PValue, got.PValue}, {want.AdjustedPValue, got.AdjustedPValue}, {want.AdjustedLower, got.AdjustedLower}, {want.AdjustedUpper, got.AdjustedUpper}} {
		require.InDelta(t, p[0], p[1], 1e-12)
	}
}

// TestExperimentAnalysisSettings: the plan's mode and N* and each metric's scale reach the analysis; the
// results show them with both scales' intervals and p-values; the mode and N* are fixed once started.
func TestExperimentAnalysisSettings(t *testing.T) {
	t.Parallel()
	eachBackend(t, func(t *testing.T, b testutil.Backend) {
		s := testutil.NewServer(t, b)
		c := s.Client(s.SignUp(t, "modes@example.com", viewer.RolePro).Token)
		create := func(plan, primaryScale string) string {
			var cr struct{ CreateExperiment struct{ ID string } }
			c.MustDo(t, `mutation { createExperiment(input: {name: "seq", models: ["openai/gpt-4.1", "openai/gpt-4.1-mini"],
				metrics: {primary: {name: "resolved", kind: BINARY, scale: `+primaryScale+`}, secondary: [{name: "latency", kind: CONTINUOUS, lowerIsBetter: true}]},
				plan: `+plan+`}) { id } }`, nil, &cr)
			return cr.CreateExperiment.ID
		}
		record := func(id, key, variant, metric, payload string) modeResults {
			var out struct{ RecordExperimentObservations struct{ Results modeResults } }
			c.MustDo(t, `mutation($id: ID!) { recordExperimentObservations(id: $id, input: {idempotencyKey: "`+key+`", variant: "`+variant+
				`", metric: "`+metric+`", `+payload+`}) { `+modeFields+` } }`, map[string]any{"id": id}, &out)
			return out.RecordExperimentObservations.Results
		}
		update := func(id, plan string) *testutil.Response {
			return c.Do(t, `mutation($id: ID!) { updateExperiment(id: $id, input: {plan: `+plan+`}) { plan { mode sequentialTuning } } }`, map[string]any{"id": id})
		}

		e := c.Err(t, `mutation { createExperiment(input: {name: "x", models: ["openai/gpt-4.1", "openai/gpt-4.1-mini"],
			metrics: {primary: {name: "r", kind: BINARY}}, plan: {mode: SEQUENTIAL, sequentialTuning: 0.5}}) { id } }`, nil)
		require.Equal(t, "BAD_USER_INPUT", e.Code())
		require.Equal(t, "plan.sequentialTuning", e.Extensions["field"])

		// SEQUENTIAL with N* = 2,000, significance stated on the relative lift.
		id := create(`{mode: SEQUENTIAL, sequentialTuning: 2000}`, "RELATIVE")
		vars := map[string]any{"id": id}
		var read struct {
			Node struct {
				Plan struct {
					Mode             string
					SequentialTuning *float64
				}
				Metrics struct{ Primary struct{ Scale string } }
			}
		}
		c.MustDo(t, `query($id: ID!) { node(id: $id) { ... on Experiment { plan { mode sequentialTuning } metrics { primary { scale } } } } }`, vars, &read)
		require.Equal(t, "SEQUENTIAL", read.Node.Plan.Mode)
		require.InDelta(t, 2000, *read.Node.Plan.SequentialTuning, 0)
		require.Equal(t, "RELATIVE", read.Node.Metrics.Primary.Scale)
		require.Empty(t, update(id, `{mode: FIXED_HORIZON}`).Errors, "a DRAFT may change its mode")
		require.Empty(t, update(id, `{mode: SEQUENTIAL, sequentialTuning: 2000}`).Errors)

		c.MustDo(t, `mutation($id: ID!) { startExperiment(id: $id) { status } }`, vars, nil)
		r := update(id, `{mode: FIXED_HORIZON}`)
		require.Len(t, r.Errors, 1)
		require.Equal(t, "plan.mode", r.Errors[0].Extensions["field"])
		require.Contains(t, r.Errors[0].Message, "the analysis mode is fixed once the experiment has started (it is RUNNING and was started as SEQUENTIAL)")
		r = update(id, `{mode: SEQUENTIAL, sequentialTuning: 5000}`)
		require.Equal(t, "plan.sequentialTuning", r.Errors[0].Extensions["field"])

		// Below 100 units per variant there is no sequential interval yet, with the reason.
		record(id, "a0", "openai/gpt-4.1", "resolved", `binary: {conversions: 5, trials: 50}`)
		res := record(id, "b0", "openai/gpt-4.1-mini", "resolved", `binary: {conversions: 9, trials: 50}`)
		require.Equal(t, "SEQUENTIAL", res.Mode)
		require.Equal(t, 2000.0, res.Sequential.Tuning)
		require.Equal(t, 100, res.Sequential.MinUnits)
		cmp := res.Primary.Comparisons[0]
		require.Nil(t, cmp.Absolute)
		require.Nil(t, cmp.Relative)
		require.False(t, cmp.Significant)
		require.Contains(t, cmp.Notes, "sequential results are reported from 100 units per variant; control has 50 and treatment 50, so no interval yet; keep collecting")

		record(id, "a1", "openai/gpt-4.1", "resolved", `binary: {conversions: 95, trials: 950}`)
		record(id, "b1", "openai/gpt-4.1-mini", "resolved", `binary: {conversions: 141, trials: 950}`)
		record(id, "la", "openai/gpt-4.1", "latency", `continuous: {count: 1000, mean: 1500, variance: 90000}`)
		res = record(id, "lb", "openai/gpt-4.1-mini", "latency", `continuous: {count: 1000, mean: 1460, variance: 90000}`)
		ctl, trt := experiment.Binary{Conversions: 100, Trials: 1000}, experiment.Binary{Conversions: 150, Trials: 1000}
		opts := experiment.Options{Scale: experiment.ScaleRelative, Mode: experiment.ModeSequential, Sequential: experiment.Sequential{Tuning: 2000}}
		want, err := experiment.CompareProportionsWith(ctl, trt, opts)
		require.NoError(t, err)
		got := res.Primary.Comparisons[0]
		require.Equal(t, "RELATIVE", res.Primary.Scale)
		require.Equal(t, "RELATIVE", got.Scale)
		require.Equal(t, "SEQUENTIAL", got.Mode)
		requireLift(t, want.Absolute, got.Absolute)
		requireLift(t, want.Relative, got.Relative)
		require.InDelta(t, want.Relative.PValue, got.PValue, 1e-12, "the headline p-value is the relative lift's")
		require.InDelta(t, want.PooledZ, got.PooledZ, 1e-12)
		require.InDelta(t, want.PooledPValue, got.PooledPValue, 1e-12)
		require.Equal(t, want.Significant, got.Significant)
		require.Equal(t, got.Relative.Lower > 0 || got.Relative.Upper < 0, got.Significant, "significant on the stated scale")

		sec := res.Secondary[0]
		require.Equal(t, "ABSOLUTE", sec.Scale, "the default scale")
		wantSec, err := experiment.CompareMeansWith(experiment.Continuous{Count: 1000, Mean: 1500, Variance: 90000},
			experiment.Continuous{Count: 1000, Mean: 1460, Variance: 90000}, experiment.Options{Mode: experiment.ModeSequential, Sequential: experiment.Sequential{Tuning: 2000}})
		require.NoError(t, err)
		requireLift(t, wantSec.Absolute, sec.Comparisons[0].Absolute)
		require.Equal(t, 1.0, sec.Comparisons[0].PooledPValue, "no pooled z-test for a continuous metric")

		// FIXED_HORIZON (the default): no sequential settings; a binary metric's p-value is the unpooled
		// z-test of the Wald interval, the pooled one beside it.
		fixed := create(`{}`, "ABSOLUTE")
		c.MustDo(t, `mutation($id: ID!) { startExperiment(id: $id) { status } }`, map[string]any{"id": fixed}, nil)
		record(fixed, "a", "openai/gpt-4.1", "resolved", `binary: {conversions: 100, trials: 1000}`)
		res = record(fixed, "b", "openai/gpt-4.1-mini", "resolved", `binary: {conversions: 150, trials: 1000}`)
		require.Equal(t, "FIXED_HORIZON", res.Mode)
		require.Nil(t, res.Sequential)
		want, err = experiment.CompareProportionsWith(ctl, trt, experiment.Options{})
		require.NoError(t, err)
		got = res.Primary.Comparisons[0]
		require.Equal(t, "ABSOLUTE", got.Scale)
		requireLift(t, want.Absolute, got.Absolute)
		requireLift(t, want.Relative, got.Relative)
		require.InDelta(t, want.Absolute.PValue, got.PValue, 1e-12)
		require.NotEqual(t, got.PooledPValue, got.PValue, "pooled and unpooled variances differ")
		require.InDelta(t, want.PooledPValue, got.PooledPValue, 1e-12)
		require.Equal(t, got.Absolute.Lower > 0 || got.Absolute.Upper < 0, got.Significant)
	})
}
