package graph_test

import (
	"fmt"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/modelarchitect/architect/internal/benchmark"
	"github.com/modelarchitect/architect/internal/experiment"
	"github.com/modelarchitect/architect/internal/gid"
	"github.com/modelarchitect/architect/internal/model"
	"github.com/modelarchitect/architect/internal/testutil"
	"github.com/modelarchitect/architect/internal/viewer"
)

type healthOut struct {
	Status  string
	Reasons []struct{ Check, Message string }
	Notes   []string
}

const healthQ = `query($id: ID!) { node(id: $id) { ... on Experiment { status health { status reasons { check message } notes checkedAt } } } }`

func health(t *testing.T, c *testutil.Client, id string) (string, *healthOut) {
	t.Helper()
	var out struct {
		Node struct {
			Status string
			Health *healthOut
		}
	}
	c.MustDo(t, healthQ, map[string]any{"id": id}, &out)
	return out.Node.Status, out.Node.Health
}

func recordBinary(t *testing.T, c *testutil.Client, id, key, variant string, conversions, trials int) {
	t.Helper()
	c.MustDo(t, `mutation($id: ID!, $in: RecordExperimentObservationsInput!) { recordExperimentObservations(id: $id, input: $in) { id } }`,
		map[string]any{"id": id, "in": map[string]any{"idempotencyKey": key, "variant": variant, "metric": "resolved",
			"binary": map[string]any{"conversions": conversions, "trials": trials}}}, nil)
}

// TestExperimentHealth: health is null before the first recording, HEALTHY while the split holds, UNHEALTHY
// with a reason on a sample ratio mismatch or when a variant has more units recorded than assigned; the
// lifecycle status is unchanged by it.
func TestExperimentHealth(t *testing.T) {
	t.Parallel()
	eachBackend(t, func(t *testing.T, b testutil.Backend) {
		s := testutil.NewServer(t, b)
		c := s.Client(s.SignUp(t, "health@example.com", viewer.RolePro).Token)
		models := []string{"openai/gpt-4.1", "openai/gpt-4.1-mini"}

		id, _ := runningExperiment(t, c, models)
		_, h := health(t, c, id)
		require.Nil(t, h, "no results, no health")
		recordBinary(t, c, id, "a", models[0], 50, 1000)
		recordBinary(t, c, id, "b", models[1], 60, 1010)
		status, h := health(t, c, id)
		require.Equal(t, "RUNNING", status)
		require.Equal(t, "HEALTHY", h.Status)
		require.Empty(t, h.Reasons)
		require.Equal(t, []string{"no unit was assigned by assignVariant, so duplicated exposures cannot be checked"}, h.Notes)

		// 1,200 against 1,000 at 50/50: χ² = 18.18, p = 2.0079e-5 (internal/experiment/testdata/reference.out)
		srm, _ := runningExperiment(t, c, models)
		recordBinary(t, c, srm, "a", models[0], 60, 1200)
		recordBinary(t, c, srm, "b", models[1], 50, 1000)
		status, h = health(t, c, srm)
		require.Equal(t, "RUNNING", status, "health does not change the lifecycle")
		require.Equal(t, "UNHEALTHY", h.Status)
		require.Len(t, h.Reasons, 1)
		require.Equal(t, "SAMPLE_RATIO_MISMATCH", h.Reasons[0].Check)
		require.Contains(t, h.Reasons[0].Message, "p = 2.01e-05 < 0.001")

		// Assigned units: recording as many as were assigned is healthy, one more is a duplicate.
		dup, seed := runningExperiment(t, c, models)
		assigned := []int{0, 0}
		for i := range 40 {
			unit := fmt.Sprintf("user-%d", i)
			assign(t, c, dup, unit)
			assign(t, c, dup, unit) // a repeated exposure adds no assigned unit
			v, err := experiment.Assign(seed, unit, []float64{1, 1})
			require.NoError(t, err)
			assigned[v]++
		}
		recordBinary(t, c, dup, "a", models[0], 3, assigned[0])
		recordBinary(t, c, dup, "b1", models[1], 3, assigned[1])
		_, h = health(t, c, dup)
		require.Equal(t, "HEALTHY", h.Status)
		require.Empty(t, h.Notes)
		recordBinary(t, c, dup, "b2", models[1], 0, 1)
		_, h = health(t, c, dup)
		require.Equal(t, "UNHEALTHY", h.Status)
		require.Len(t, h.Reasons, 1)
		require.Equal(t, "DUPLICATE_EXPOSURES", h.Reasons[0].Check)
		require.Equal(t, fmt.Sprintf(`variant "openai/gpt-4.1-mini" has %d units recorded on "resolved" but only %d assigned: 1 recorded units were counted more than once or never assigned; record each assigned unit once, under its variant`,
			assigned[1]+1, assigned[1]), h.Reasons[0].Message)
	})
}

// TestExperimentSampleSizes: a continuous metric's standard deviation measured in a benchmark (latency or
// cost of one model's successful calls), and ratio metrics by the delta method.
func TestExperimentSampleSizes(t *testing.T) {
	t.Parallel()
	eachBackend(t, func(t *testing.T, b testutil.Backend) {
		s := testutil.NewServer(t, b)
		ada := s.SignUp(t, "spread@example.com", viewer.RolePro)
		c := s.Client(ada.Token)
		ctx := testutil.System()
		const m = "openai/gpt-4.1-mini"
		bm := s.DB.Client.Benchmark.Create().SetOwnerID(ada.RowID).SetName("support replies").SetModels([]string{m, "openai/gpt-4.1"}).
			SetDataset(model.Dataset{{Input: "q", Expected: "a", Assertion: benchmark.Assertion("CONTAINS")}}).SaveX(ctx)
		for i, r := range []struct {
			latency float64
			out     int64
			err     string
		}{{1000, 100, ""}, {1200, 200, ""}, {1400, 300, ""}, {1800, 400, ""}, {30000, 0, "timeout"}} {
			s.DB.Client.BenchmarkItemResult.Create().SetOwnerID(ada.RowID).SetBenchmarkID(bm.ID).SetModel(m).SetItem(i).
				SetLatencyMs(r.latency).SetInputTokens(1000).SetOutputTokens(r.out).SetError(r.err).ExecX(ctx)
		}
		bid := gid.Encode(bm.ID)
		type spreadOut struct {
			PerVariant int
			Exact      float64
			StdDev     *float64
			Spread     *struct {
				BenchmarkID, Model, Measure string
				Items                       int
				Mean, StdDev                float64
			}
		}
		size := func(in map[string]any) spreadOut {
			var out struct{ ExperimentSampleSize spreadOut }
			c.MustDo(t, `query($in: ExperimentSampleSizeInput!) { experimentSampleSize(input: $in) { perVariant exact stdDev
				spread { benchmarkId model measure items mean stdDev } } }`, map[string]any{"in": in}, &out)
			return out.ExperimentSampleSize
		}
		from := func(measure string) map[string]any {
			return map[string]any{"benchmarkId": bid, "model": m, "measure": measure}
		}
		// Latencies 1000, 1200, 1400, 1800 ms (the timeout left out): mean 1350, s = √(350000/3) = 341.565;
		// n = (z.975 + z.8)²·2s²/δ² = 7.848879·2·116666.67/100² = 183.14 (python3 statistics.NormalDist).
		lat := size(map[string]any{"kind": "CONTINUOUS", "minimumDetectableEffect": 100, "stdDevFrom": from("LATENCY_MS")})
		require.Equal(t, 184, lat.PerVariant)
		require.InDelta(t, 183.140527134812, lat.Exact, 1e-6)
		require.InDelta(t, 341.56502553198663, *lat.StdDev, 1e-9)
		require.Equal(t, bid, lat.Spread.BenchmarkID)
		require.Equal(t, 4, lat.Spread.Items)
		require.InDelta(t, 1350, lat.Spread.Mean, 1e-9)
		// Cost of 1,000 input tokens at $0.0000004 and 100…400 output tokens at $0.0000016 (catalog.json):
		// $0.00056 … $0.00104, mean $0.0008, s = $0.000206559; δ = $0.0001 gives n = 66.98.
		cost := size(map[string]any{"kind": "CONTINUOUS", "minimumDetectableEffect": 0.0001, "stdDevFrom": from("COST_USD")})
		require.Equal(t, 67, cost.PerVariant)
		require.InDelta(t, 0.00020655911179772888, cost.Spread.StdDev, 1e-15)
		require.InDelta(t, 0.0008, cost.Spread.Mean, 1e-15)
		given := size(map[string]any{"kind": "CONTINUOUS", "minimumDetectableEffect": 100, "stdDev": 341.56502553198663})
		require.Equal(t, 184, given.PerVariant)
		require.Nil(t, given.Spread)
		require.Nil(t, size(map[string]any{"kind": "BINARY", "baseline": 0.048, "minimumDetectableEffect": 0.2, "relative": true}).StdDev)

		q := `query($in: ExperimentSampleSizeInput!) { experimentSampleSize(input: $in) { perVariant } }`
		for _, tc := range []struct {
			name, field string
			in          map[string]any
		}{
			{"both", "stdDevFrom", map[string]any{"kind": "CONTINUOUS", "minimumDetectableEffect": 1, "stdDev": 2, "stdDevFrom": from("LATENCY_MS")}},
			{"binary", "stdDevFrom", map[string]any{"kind": "BINARY", "baseline": 0.1, "minimumDetectableEffect": 0.01, "stdDevFrom": from("LATENCY_MS")}},
			{"not a model of it", "stdDevFrom.model", map[string]any{"kind": "CONTINUOUS", "minimumDetectableEffect": 1,
				"stdDevFrom": map[string]any{"benchmarkId": bid, "model": "openai/gpt-5.4-nano", "measure": "LATENCY_MS"}}},
			{"too few calls", "stdDevFrom", map[string]any{"kind": "CONTINUOUS", "minimumDetectableEffect": 1,
				"stdDevFrom": map[string]any{"benchmarkId": bid, "model": "openai/gpt-4.1", "measure": "LATENCY_MS"}}},
		} {
			e := c.Err(t, q, map[string]any{"in": tc.in})
			require.Equal(t, "BAD_USER_INPUT", e.Code(), tc.name)
			require.Equal(t, tc.field, e.Extensions["field"], tc.name)
		}
		// Another user's benchmark is NOT_FOUND.
		bob := s.Client(s.SignUp(t, "bob-spread@example.com", viewer.RolePro).Token)
		require.Equal(t, "NOT_FOUND", bob.Err(t, q, map[string]any{"in": map[string]any{"kind": "CONTINUOUS", "minimumDetectableEffect": 1, "stdDevFrom": from("LATENCY_MS")}}).Code())

		// Cost per successful request per user: μ_N = $0.05, σ_N = 0.04, μ_D = 0.9, σ_D = 0.3, ρ = 0.6, +10 %:
		// σ_R² = σ_N²/μ_D² − 2ρσ_Nσ_D·μ_N/μ_D³ + μ_N²σ_D²/μ_D⁴ → σ_R = 0.0364773, n = 676.75 (python3, the formula).
		var ratio struct {
			ExperimentRatioSampleSize struct {
				PerVariant           int
				Exact, Ratio, StdDev float64
			}
		}
		c.MustDo(t, `query { experimentRatioSampleSize(input: {numeratorMean: 0.05, numeratorStdDev: 0.04, denominatorMean: 0.9, denominatorStdDev: 0.3,
			correlation: 0.6, minimumDetectableEffect: 0.1, relative: true}) { perVariant exact ratio stdDev } }`, nil, &ratio)
		r := ratio.ExperimentRatioSampleSize
		require.Equal(t, 677, r.PerVariant)
		require.InDelta(t, 676.7478526505431, r.Exact, 1e-6)
		require.InDelta(t, 0.05555555555555556, r.Ratio, 1e-12)
		require.InDelta(t, 0.03647725111776335, r.StdDev, 1e-12)
		e := c.Err(t, `query { experimentRatioSampleSize(input: {numeratorMean: 1, numeratorStdDev: 1, denominatorMean: 0, denominatorStdDev: 1, minimumDetectableEffect: 0.1}) { perVariant } }`, nil)
		require.Equal(t, "BAD_USER_INPUT", e.Code())
		require.Equal(t, "denominatorMean", e.Extensions["field"])
	})
}
