package graph_test

import (
	"encoding/json"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/modelarchitect/architect/internal/testutil"
	"github.com/modelarchitect/architect/internal/viewer"
)

const cupedTest = `{name: "Spend with CUPED", hypothesis: "the small model keeps spend", models: ["openai/gpt-4.1", "openai/gpt-4.1-mini"],
	metrics: {primary: {name: "spend", kind: CONTINUOUS}, secondary: [{name: "resolved", kind: BINARY}]}}`

const cupedFields = `results { primary { comparisons { absolute { estimate } } } cuped { metric comparisons { variant theta covariateShare
	control { units withCovariate rawMean rawStdErr adjustedMean adjustedStdErr }
	treatment { units withCovariate rawMean adjustedMean adjustedStdErr }
	raw { absolute { estimate stdErr pValue } }
	adjusted { variant pValue df significant absolute { estimate stdErr lower upper pValue } relative { estimate stdErr lower upper pValue } }
	varianceReduction notes } } }`

type cupedLift struct{ Estimate, StdErr, Lower, Upper, PValue float64 }

type cupedOut struct {
	Results struct {
		Primary struct {
			Comparisons []struct{ Absolute *cupedLift }
		}
		Cuped []struct {
			Metric      string
			Comparisons []struct {
				Variant               string
				Theta, CovariateShare float64
				Control, Treatment    struct {
					Units, WithCovariate                             int
					RawMean, RawStdErr, AdjustedMean, AdjustedStdErr float64
				}
				Raw      struct{ Absolute *cupedLift }
				Adjusted struct {
					Variant            string
					PValue             float64
					DF                 float64 `json:"df"`
					Significant        bool
					Absolute, Relative *cupedLift
				}
				VarianceReduction float64
				Notes             []string
			}
		}
	}
}

// TestExperimentCUPED records a continuous metric with a pre-experiment covariate — the control's as sums plus a
// plain recording of units without one, the treatment's per unit — and checks the CUPED figures against
// testdata/cuped_reference.py (its output in testdata/cuped_reference.out).
func TestExperimentCUPED(t *testing.T) {
	t.Parallel()
	eachBackend(t, func(t *testing.T, b testutil.Backend) {
		s := testutil.NewServer(t, b)
		c := s.Client(s.SignUp(t, "cuped@example.com", viewer.RolePro).Token)
		var cr struct{ CreateExperiment struct{ ID string } }
		c.MustDo(t, `mutation { createExperiment(input: `+cupedTest+`) { id } }`, nil, &cr)
		vars := map[string]any{"id": cr.CreateExperiment.ID}
		c.MustDo(t, `mutation($id: ID!) { startExperiment(id: $id) { status } }`, vars, nil)
		record := func(in map[string]any) *testutil.Response {
			return c.Do(t, `mutation($id: ID!, $in: RecordExperimentObservationsInput!) { recordExperimentObservations(id: $id, input: $in) { `+
				cupedFields+` } }`, map[string]any{"id": vars["id"], "in": in})
		}
		control, treatment := "openai/gpt-4.1", "openai/gpt-4.1-mini"

		// Sums printed by cuped_reference.py.
		r := record(map[string]any{"idempotencyKey": "c1", "variant": control, "metric": "spend", "cuped": map[string]any{
			"covariate": map[string]any{"n": 8, "sumY": 100.60000000000001, "sumY2": 1312.4, "sumX": 92.0, "sumX2": 1100.0, "sumXY": 1201.3}}})
		require.Empty(t, r.Errors)
		require.Empty(t, record(map[string]any{"idempotencyKey": "c0", "variant": control, "metric": "spend",
			"continuous": map[string]any{"count": 2, "mean": 11.25, "variance": 1.125}}).Errors)
		units := []map[string]any{}
		for i, y := range []float64{12.9, 10.6, 15.8, 11.4, 14.7, 13.5, 16.9, 9.6} {
			units = append(units, map[string]any{"y": y, "x": []float64{11, 9, 14, 10, 13, 12, 15, 9}[i]})
		}
		units = append(units, map[string]any{"y": 13.1}, map[string]any{"y": 11.8, "x": nil})
		treat := map[string]any{"idempotencyKey": "t1", "variant": treatment, "metric": "spend", "units": units}
		require.Empty(t, record(treat).Errors)
		r = record(treat) // a retry adds nothing
		require.Empty(t, r.Errors)

		var got cupedOut
		require.NoError(t, json.Unmarshal(r.Data, &struct {
			RecordExperimentObservations *cupedOut `json:"recordExperimentObservations"`
		}{&got}))
		require.Len(t, got.Results.Cuped, 1)
		m := got.Results.Cuped[0]
		require.Equal(t, "spend", m.Metric)
		require.Len(t, m.Comparisons, 1)
		x := m.Comparisons[0]
		require.Equal(t, treatment, x.Variant)
		require.Equal(t, treatment, x.Adjusted.Variant)
		const tol = 1e-9
		// cuped_reference.out
		require.InDelta(t, 1.08965517241, x.Theta, 1e-10)
		require.InDelta(t, 0.8, x.CovariateShare, tol)
		require.Equal(t, 10, x.Control.Units)
		require.Equal(t, 8, x.Control.WithCovariate)
		require.Equal(t, 10, x.Treatment.Units, "the retry did not count")
		require.InDelta(t, 12.3644827586, x.Control.AdjustedMean, 1e-9)
		require.InDelta(t, 0.166682016167, x.Control.AdjustedStdErr, 1e-11)
		require.InDelta(t, 12.9755172414, x.Treatment.AdjustedMean, 1e-9)
		require.InDelta(t, 0.160253907164, x.Treatment.AdjustedStdErr, 1e-11)
		require.InDelta(t, 0.72, x.Raw.Absolute.Estimate, tol)
		require.InDelta(t, 1.04780193209, x.Raw.Absolute.StdErr, 1e-10)
		require.InDelta(t, 0.500757410983, x.Raw.Absolute.PValue, 1e-10)
		require.InDelta(t, x.Raw.Absolute.Estimate, got.Results.Primary.Comparisons[0].Absolute.Estimate, tol, "raw = the metric's comparison")
		a := x.Adjusted.Absolute
		require.InDelta(t, 0.611034482759, a.Estimate, 1e-11)
		require.InDelta(t, 0.231223288781, a.StdErr, 1e-11)
		require.InDelta(t, 17.9722305399, x.Adjusted.DF, 1e-8)
		require.InDelta(t, 0.125198571122, a.Lower, 1e-10)
		require.InDelta(t, 1.0968703944, a.Upper, 1e-10)
		require.InDelta(t, 0.0165594657629, a.PValue, 1e-11)
		require.True(t, x.Adjusted.Significant)
		rl := x.Adjusted.Relative
		require.InDelta(t, 0.0496372447407, rl.Estimate, 1e-12)
		require.InDelta(t, 0.0193354753605, rl.StdErr, 1e-12)
		require.InDelta(t, 0.00901041883475, rl.Lower, 1e-11)
		require.InDelta(t, 0.0902640706467, rl.Upper, 1e-11)
		require.InDelta(t, 0.0194064493509, rl.PValue, 1e-11)
		require.InDelta(t, 0.951302713949, x.VarianceReduction, 1e-11)

		// The same key with other units is refused.
		treat["units"] = units[:3]
		require.Equal(t, "idempotencyKey", record(treat).Errors[0].Extensions["field"])

		bad := []struct {
			name, field string
			in          map[string]any
		}{
			{"negative n", "cuped.covariate.n", map[string]any{"metric": "spend", "cuped": map[string]any{
				"covariate": map[string]any{"n": -1, "sumY": 0, "sumY2": 0, "sumX": 0, "sumX2": 0, "sumXY": 0}}}},
			{"ΣX² below (ΣX)²/n", "cuped.covariate.sumX2", map[string]any{"metric": "spend", "cuped": map[string]any{
				"covariate": map[string]any{"n": 4, "sumY": 8, "sumY2": 20, "sumX": 10, "sumX2": 20, "sumXY": 20}}}},
			{"correlation beyond ±1", "cuped.covariate.sumXY", map[string]any{"metric": "spend", "cuped": map[string]any{
				"covariate": map[string]any{"n": 4, "sumY": 8, "sumY2": 20, "sumX": 8, "sumX2": 20, "sumXY": 40}}}},
			{"negative n without covariate", "cuped.noCovariate.n", map[string]any{"metric": "spend", "cuped": map[string]any{
				"covariate":   map[string]any{"n": 0, "sumY": 0, "sumY2": 0, "sumX": 0, "sumX2": 0, "sumXY": 0},
				"noCovariate": map[string]any{"n": -3, "sum": 0, "sumSquares": 0}}}},
			{"covariate on a binary metric", "cuped", map[string]any{"metric": "resolved", "cuped": map[string]any{
				"covariate": map[string]any{"n": 1, "sumY": 1, "sumY2": 1, "sumX": 1, "sumX2": 1, "sumXY": 1}}}},
			{"units on a binary metric", "units", map[string]any{"metric": "resolved", "units": []map[string]any{{"y": 1, "x": 0}}}},
			{"two forms at once", "input", map[string]any{"metric": "spend", "values": []float64{1}, "units": []map[string]any{{"y": 1}}}},
		}
		for _, tc := range bad {
			t.Run(tc.name, func(t *testing.T) {
				tc.in["idempotencyKey"], tc.in["variant"] = "bad", control
				r := record(tc.in)
				require.Len(t, r.Errors, 1)
				require.Equal(t, "BAD_USER_INPUT", r.Errors[0].Code())
				require.Equal(t, tc.field, r.Errors[0].Extensions["field"], r.Errors[0].Message)
			})
		}
	})
}

// TestUnitsRecordedUnderTheirAssignedVariant: per-unit values that name a unit assignVariant assigned to another
// variant are refused, naming the unit and its variant; a unit named twice in one recording too; units never
// assigned, or without an id, are recorded.
func TestUnitsRecordedUnderTheirAssignedVariant(t *testing.T) {
	t.Parallel()
	eachBackend(t, func(t *testing.T, b testutil.Backend) {
		s := testutil.NewServer(t, b)
		c := s.Client(s.SignUp(t, "units@example.com", viewer.RolePro).Token)
		var cr struct{ CreateExperiment struct{ ID string } }
		c.MustDo(t, `mutation { createExperiment(input: `+cupedTest+`) { id } }`, nil, &cr)
		id := cr.CreateExperiment.ID
		c.MustDo(t, `mutation($id: ID!) { startExperiment(id: $id) { status } }`, map[string]any{"id": id}, nil)
		var as struct{ AssignVariant struct{ Variant string } }
		c.MustDo(t, `mutation($id: ID!) { assignVariant(experimentId: $id, unitId: "user-7") { variant } }`, map[string]any{"id": id}, &as)
		other := "openai/gpt-4.1"
		if as.AssignVariant.Variant == other {
			other = "openai/gpt-4.1-mini"
		}
		record := func(variant, key string, units []map[string]any) *testutil.Response {
			return c.Do(t, `mutation($id: ID!, $in: RecordExperimentObservationsInput!) { recordExperimentObservations(id: $id, input: $in) { id } }`,
				map[string]any{"id": id, "in": map[string]any{"idempotencyKey": key, "variant": variant, "metric": "spend", "units": units}})
		}
		r := record(other, "wrong", []map[string]any{{"y": 1.0, "x": 2.0}, {"y": 3.0, "unitId": "user-7"}})
		require.Len(t, r.Errors, 1)
		require.Equal(t, "BAD_USER_INPUT", r.Errors[0].Code())
		require.Equal(t, "units[1].unitId", r.Errors[0].Extensions["field"])
		require.Contains(t, r.Errors[0].Message, `unit "user-7" was assigned `+as.AssignVariant.Variant)
		r = record(as.AssignVariant.Variant, "twice", []map[string]any{{"y": 1.0, "unitId": "user-7"}, {"y": 2.0, "unitId": "user-7"}})
		require.Len(t, r.Errors, 1)
		require.Equal(t, "units[1].unitId", r.Errors[0].Extensions["field"])
		require.Empty(t, record(as.AssignVariant.Variant, "right", []map[string]any{{"y": 1.0, "x": 1.5, "unitId": "user-7"}, {"y": 2.0, "unitId": "never-assigned"}, {"y": 3.0}}).Errors)
	})
}
