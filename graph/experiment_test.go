package graph_test

import (
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/modelarchitect/architect/internal/experiment"
	"github.com/modelarchitect/architect/internal/testutil"
	"github.com/modelarchitect/architect/internal/viewer"
)

const abTest = `{name: "A vs B", hypothesis: "the small model resolves as many tickets", models: ["openai/gpt-4.1", "openai/gpt-4.1-mini"],
	metrics: {primary: {name: "resolved", kind: BINARY}, secondary: [{name: "latency", kind: CONTINUOUS, lowerIsBetter: true}]},
	plan: {baseline: 0.1, minimumDetectableEffect: 0.05, power: 0.8, confidenceLevel: 0.95}}`

type experimentOut struct {
	ID                string
	Status            string
	PlannedSampleSize int
	Results           *struct {
		Primary struct {
			Variants []struct {
				Variant  string
				Units    int
				Estimate float64
			}
			Comparisons []struct {
				Variant     string
				PValue      float64
				Significant bool
				Absolute    *struct{ Estimate, Lower, Upper float64 }
			}
		}
		Secondary []struct {
			Variants []struct {
				Units    int
				Estimate float64
			}
		}
		Srm struct {
			PValue   float64
			Mismatch bool
		}
		Decision struct {
			Winner *string
			Unmet  []struct{ Condition string }
		}
	}
}

const experimentFields = `id status plannedSampleSize results {
	primary { variants { variant units estimate } comparisons { variant pValue significant absolute { estimate lower upper } } }
	secondary { variants { units estimate } } srm { pValue mismatch } decision { winner unmet { condition } } }`

func TestExperimentLifecycleAndStatistics(t *testing.T) {
	t.Parallel()
	eachBackend(t, func(t *testing.T, b testutil.Backend) {
		s := testutil.NewServer(t, b)
		u := s.SignUp(t, "ab@example.com", viewer.RolePro)
		c := s.Client(u.Token)
		var cr struct{ CreateExperiment experimentOut }
		c.MustDo(t, `mutation { createExperiment(input: `+abTest+`) { `+experimentFields+` } }`, nil, &cr)
		e := cr.CreateExperiment
		require.Equal(t, "DRAFT", e.Status)
		want, err := experiment.SampleSizeProportions(experiment.ProportionPlan{Baseline: 0.1, MinDetectableEffect: 0.05, Power: 0.8, ConfidenceLevel: 0.95})
		require.NoError(t, err)
		require.EqualValues(t, want.PerVariant, e.PlannedSampleSize)
		vars := map[string]any{"id": e.ID}

		record := func(key, variant, metric, payload string) *testutil.Response {
			return c.Do(t, `mutation($id: ID!) { recordExperimentObservations(id: $id, input: {idempotencyKey: "`+key+`", variant: "`+variant+
				`", metric: "`+metric+`", `+payload+`}) { `+experimentFields+` } }`, vars)
		}
		r := record("k0", "openai/gpt-4.1", "resolved", `binary: {conversions: 1, trials: 10}`)
		require.Len(t, r.Errors, 1)
		require.Equal(t, "BAD_USER_INPUT", r.Errors[0].Code())
		require.Contains(t, r.Errors[0].Message, "DRAFT", "observations only while RUNNING")

		c.MustDo(t, `mutation($id: ID!) { startExperiment(id: $id) { status } }`, vars, nil)
		e2 := c.Err(t, `mutation($id: ID!) { startExperiment(id: $id) { status } }`, vars)
		require.Equal(t, "BAD_USER_INPUT", e2.Code())
		require.Contains(t, e2.Message, "RUNNING")

		for _, rec := range []struct{ key, variant, payload string }{
			{"a1", "openai/gpt-4.1", `binary: {conversions: 60, trials: 500}`},
			{"b1", "openai/gpt-4.1-mini", `binary: {conversions: 90, trials: 500}`},
			{"a2", "openai/gpt-4.1", `binary: {conversions: 40, trials: 300}`},
			{"b2", "openai/gpt-4.1-mini", `values: [1, 0, 1, 1]`},
		} {
			require.Empty(t, record(rec.key, rec.variant, "resolved", rec.payload).Errors, rec.key)
		}
		// A retry with the same key adds nothing; the same key with other data is refused.
		var out struct{ RecordExperimentObservations experimentOut }
		r = record("a1", "openai/gpt-4.1", "resolved", `binary: {conversions: 60, trials: 500}`)
		require.Empty(t, r.Errors)
		require.NoError(t, jsonUnmarshal(r.Data, &out))
		res := out.RecordExperimentObservations.Results
		require.Equal(t, 800, res.Primary.Variants[0].Units, "500 + 300 trials; the retry did not count")
		require.Equal(t, 504, res.Primary.Variants[1].Units)
		r = record("a1", "openai/gpt-4.1", "resolved", `binary: {conversions: 61, trials: 500}`)
		require.Equal(t, "idempotencyKey", r.Errors[0].Extensions["field"])

		// The API's statistics are the engine's: 100/800 against 93/504.
		cmp, err := experiment.CompareProportions(experiment.Binary{Conversions: 100, Trials: 800}, experiment.Binary{Conversions: 93, Trials: 504}, 0.95)
		require.NoError(t, err)
		got := res.Primary.Comparisons[0]
		require.Equal(t, "openai/gpt-4.1-mini", got.Variant)
		require.InDelta(t, cmp.PValue, got.PValue, 1e-12)
		require.InDelta(t, cmp.Absolute.Lower, got.Absolute.Lower, 1e-12)

		// A continuous secondary metric from raw values.
		require.Empty(t, record("l1", "openai/gpt-4.1", "latency", `values: [820, 910, 760, 1005]`).Errors)
		e3 := record("l2", "openai/gpt-4.1", "latency", `binary: {conversions: 1, trials: 2}`)
		require.Equal(t, "BAD_USER_INPUT", e3.Errors[0].Code())
		e3 = record("l3", "openai/gpt-4.2", "latency", `values: [1]`)
		require.Equal(t, "variant", e3.Errors[0].Extensions["field"])

		var done struct{ CompleteExperiment experimentOut }
		c.MustDo(t, `mutation($id: ID!) { completeExperiment(id: $id) { `+experimentFields+` } }`, vars, &done)
		require.Equal(t, "COMPLETED", done.CompleteExperiment.Status)
		final := done.CompleteExperiment.Results
		require.Equal(t, 4, final.Secondary[0].Variants[0].Units)
		require.InDelta(t, (820+910+760+1005)/4.0, final.Secondary[0].Variants[0].Estimate, 1e-9)
		require.Nil(t, final.Decision.Winner, "the planned sample size is not reached")
		conds := []string{}
		for _, u := range final.Decision.Unmet {
			conds = append(conds, u.Condition)
		}
		require.Contains(t, conds, "PLANNED_SAMPLE_SIZE_REACHED")
		require.Equal(t, "BAD_USER_INPUT", record("z", "openai/gpt-4.1", "resolved", `binary: {conversions: 1, trials: 2}`).Errors[0].Code())
		require.Equal(t, "BAD_USER_INPUT", c.Err(t, `mutation($id: ID!) { stopExperiment(id: $id) { status } }`, vars).Code())
	})
}

func TestExperimentWinnerAndSRM(t *testing.T) {
	t.Parallel()
	s := testutil.NewServer(t, testutil.SQLite)
	u := s.SignUp(t, "win@example.com", viewer.RolePro)
	c := s.Client(u.Token)
	run := func(a, b string) experimentOut {
		var cr struct{ CreateExperiment experimentOut }
		c.MustDo(t, `mutation { createExperiment(input: `+abTest+`) { id } }`, nil, &cr)
		vars := map[string]any{"id": cr.CreateExperiment.ID}
		c.MustDo(t, `mutation($id: ID!) { startExperiment(id: $id) { status } }`, vars, nil)
		c.MustDo(t, `mutation($id: ID!) { recordExperimentObservations(id: $id, input: {idempotencyKey: "a", variant: "openai/gpt-4.1", metric: "resolved", binary: `+a+`}) { id } }`, vars, nil)
		var out struct{ RecordExperimentObservations experimentOut }
		c.MustDo(t, `mutation($id: ID!) { recordExperimentObservations(id: $id, input: {idempotencyKey: "b", variant: "openai/gpt-4.1-mini", metric: "resolved", binary: `+b+`}) { `+experimentFields+` } }`, vars, &out)
		return out.RecordExperimentObservations
	}
	// 10 % against 20 % on 2,000 each: significant, split as planned, sample size reached.
	e := run(`{conversions: 200, trials: 2000}`, `{conversions: 400, trials: 2000}`)
	require.NotNil(t, e.Results.Decision.Winner, "%+v", e.Results.Decision)
	require.Equal(t, "openai/gpt-4.1-mini", *e.Results.Decision.Winner)
	require.False(t, e.Results.Srm.Mismatch)

	// The same rates on a 2,000 / 1,000 split of a planned 50/50: sample-ratio mismatch, no winner.
	e = run(`{conversions: 200, trials: 2000}`, `{conversions: 200, trials: 1000}`)
	require.True(t, e.Results.Srm.Mismatch)
	require.Nil(t, e.Results.Decision.Winner)
	require.Equal(t, "NO_SAMPLE_RATIO_MISMATCH", e.Results.Decision.Unmet[0].Condition)

	var ss struct {
		ExperimentSampleSize struct {
			PerVariant int
			Exact      float64
		}
	}
	c.MustDo(t, `{ experimentSampleSize(input: {kind: CONTINUOUS, stdDev: 250, minimumDetectableEffect: 50}) { perVariant exact } }`, nil, &ss)
	want, err := experiment.SampleSizeMeans(experiment.MeanPlan{StdDev: 250, MinDetectableEffect: 50})
	require.NoError(t, err)
	require.EqualValues(t, want.PerVariant, ss.ExperimentSampleSize.PerVariant)

	// An owner demoted to FREE may still stop their experiment, but not start one.
	var cr struct{ CreateExperiment experimentOut }
	c.MustDo(t, `mutation { createExperiment(input: `+abTest+`) { id } }`, nil, &cr)
	vars := map[string]any{"id": cr.CreateExperiment.ID}
	c.MustDo(t, `mutation($id: ID!) { startExperiment(id: $id) { status } }`, vars, nil)
	require.NoError(t, s.DB.Client.User.UpdateOneID(u.RowID).SetRole(viewer.RoleFree).Exec(testutil.System()))
	var li struct{ LogIn struct{ Token string } }
	s.Client("").MustDo(t, logInQ, map[string]any{"e": u.Email, "p": "password-123"}, &li)
	free := s.Client(li.LogIn.Token)
	var st struct{ StopExperiment struct{ Status string } }
	free.MustDo(t, `mutation($id: ID!) { stopExperiment(id: $id) { status } }`, vars, &st)
	require.Equal(t, "STOPPED", st.StopExperiment.Status)
	require.Equal(t, "FORBIDDEN", free.Err(t, `mutation { createExperiment(input: `+abTest+`) { id } }`, nil).Code())
}
