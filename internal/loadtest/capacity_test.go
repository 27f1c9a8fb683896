package loadtest

import (
	"context"
	"errors"
	"fmt"
	"testing"
	"time"

	"github.com/stretchr/testify/require"
)

// sweep is a constructed SWEEP of 2, 5 and 20 requests/s for 10 s each, 101 output tokens per request, with
// SLO targets TTFT ≤ 600 ms at p90, E2E ≤ 2,000 ms at p95 and TPOT ≤ 20 ms at p99.
//
// Hand derivation (checked with the textbook Erlang C sum in Python):
//
//	service: TTFT 200 ms + TPOT 10 ms × (101 − 1) = 1,200 ms, μ = 1/1.2 s
//	steps: 2/s completed 17 (expected unsaturated 2 × (10 − 1.2) = 17.6 ± 3 × √20 = 13.4: not past saturation);
//	  5/s completed 44 (44 ± 21.2: not past); 20/s completed 59 (176 − 3 × √200 = 133.6 > 59: past saturation)
//	λ_sat = 59 ÷ (10 − 1.2) = 6.704545 /s; c = round(6.704545 × 1.2 = 8.045455) = 8, cμ = 6.666667 /s
//	lowest rate: a = 2.4 erlangs, C(8, 2.4) = 0.003537, mean wait ÷ E[S] = C ÷ (8 − 2.4) = 0.00063 ≤ 0.1
//	5/s: a = 6, C(8, 6) = 0.356981; requests that can finish: 5 × 8.8/10 = 4.4 /s; slack for waiting
//	  min(600 − 200, 2,000 − 1,200) = 400 ms, P(good) = 1 − C·e^(−(6.666667 − 5) × 0.4) = 0.816720,
//	  goodput 4.4 × 0.816720 = 3.593567 /s; TTFT p90 = 200 + 1000 × ln(C/0.1)/1.666667 = 963.507568 ms,
//	  E2E p95 = 1,200 + 1000 × ln(C/0.05)/1.666667 = 2,379.395877 ms
//	2/s: goodput 1.76 × (1 − 0.003537 × e^(−(6.666667 − 2) × 0.4)) = 1.759037 /s; TTFT p90 = 200, E2E p95 = 1,200
//	20/s: λ ≥ cμ, unstable: rate 6.666667 × 0.88 = 5.866667 /s, no goodput
//	SLO fail rate: TTFT p90 reaches 600 ms at λ = 4.516573 /s (E2E p95 would at 4.614131 /s)
func sweep() Result {
	p := Plan{Mode: ModeSweep, Rates: []float64{2, 5, 20}, Burstiness: 1, MaxConcurrency: 64, DurationSeconds: 10,
		MaxRequests: 1000, InputTokens: Length{Kind: LengthFixed, Value: 100}, OutputTokens: Length{Kind: LengthFixed, Value: 101},
		SLO: []SLOTarget{{Metric: MetricTTFT, ThresholdMs: 600, Percentile: 90}, {Metric: MetricE2E, ThresholdMs: 2000, Percentile: 95},
			{Metric: MetricTPOT, ThresholdMs: 20, Percentile: 99}}}
	step := func(rate float64, completed int, ttft, tpot, e2eP95, ttftP90 float64, good int) Step {
		return Step{TargetRate: rate, Concurrency: 64, Sent: completed, Completed: completed, DurationSeconds: 10,
			RequestRate: float64(completed) / 10, OutputTokens: int64(completed * 101), GoodRequests: good, Goodput: float64(good) / 10,
			TTFT: Distribution{Count: completed, MeanMs: ttft}, TPOT: Distribution{Count: completed, MeanMs: tpot},
			E2E: Distribution{Count: completed, P95Ms: e2eP95},
			SLO: []SLOResult{{Metric: MetricTTFT, Percentile: 90, ThresholdMs: 600, MeasuredMs: ttftP90, Met: ttftP90 <= 600},
				{Metric: MetricE2E, Percentile: 95, ThresholdMs: 2000, MeasuredMs: e2eP95, Met: e2eP95 <= 2000},
				{Metric: MetricTPOT, Percentile: 99, ThresholdMs: 20, MeasuredMs: tpot, Met: true}}}
	}
	return Result{Plan: p, Model: "m", Steps: []Step{
		step(2, 17, 200, 10, 1210, 205, 17),
		step(5, 44, 400, 10, 2300, 900, 35),
		step(20, 59, 5000, 10, 9000, 8000, 3),
	}}
}

func TestFitServiceHandChecked(t *testing.T) {
	t.Parallel()
	m, err := FitService(sweep())
	require.NoError(t, err)
	require.InDelta(t, 200, m.InterceptMs, 1e-9)
	require.InDelta(t, 10, m.MsPerOutputToken, 1e-9)
	require.InDelta(t, 101, m.MeanOutputTokens, 1e-9)
	require.InDelta(t, 1200, m.MeanServiceMs, 1e-9)
	require.InDelta(t, 1200, m.ServiceMs(101), 1e-9)
	require.InDelta(t, 200, m.ServiceMs(1), 1e-9, "one token: TTFT only")
	require.InDelta(t, 6.704545, m.SaturationRate, 1e-6)
	require.InDelta(t, 8.045455, m.SlotsEstimate, 1e-6)
	require.Equal(t, 8, m.Slots)
	require.Equal(t, 20.0, m.SaturatedFrom)
	require.NotNil(t, m.SLOFailRate)
	require.InDelta(t, 4.516573, *m.SLOFailRate, 1e-6)
	require.NotNil(t, m.MeasuredSLOFailRate)
	require.Equal(t, 5.0, *m.MeasuredSLOFailRate, "the 5/s step missed TTFT p90 and E2E p95")

	require.Len(t, m.Steps, 3)
	low, mid, top := m.Steps[0], m.Steps[1], m.Steps[2]
	require.False(t, low.Saturated)
	require.False(t, mid.Saturated)
	require.True(t, top.Saturated)
	require.InDelta(t, 0.3, low.Utilization, 1e-9) // 2 ÷ 6.666667
	require.InDelta(t, 0.75, mid.Utilization, 1e-9)
	require.InDelta(t, 3, top.Utilization, 1e-9)

	require.InDelta(t, 1.76, low.PredictedRequestRate, 1e-9)
	require.InDelta(t, 1.759037, *low.PredictedGoodput, 1e-6)
	require.InDelta(t, 1.7, low.MeasuredGoodput, 1e-9)
	require.InDelta(t, 4.4, mid.PredictedRequestRate, 1e-9)
	require.InDelta(t, 3.593567, *mid.PredictedGoodput, 1e-6)
	require.InDelta(t, 3.5, mid.MeasuredGoodput, 1e-9)
	require.InDelta(t, 5.866667, top.PredictedRequestRate, 1e-6)
	require.Nil(t, top.PredictedGoodput, "no steady state past saturation")
	require.InDelta(t, 5.9, top.MeasuredRequestRate, 1e-9)

	lat := func(f StepFit) (ttft, e2e, tpot LatencyFit) { return f.Latency[0], f.Latency[1], f.Latency[2] }
	ttft, e2e, tpot := lat(mid)
	require.Equal(t, MetricTTFT, ttft.Metric)
	require.InDelta(t, 963.507568, *ttft.PredictedMs, 1e-6)
	require.Equal(t, 900.0, ttft.MeasuredMs)
	require.InDelta(t, 2379.395877, *e2e.PredictedMs, 1e-6)
	require.InDelta(t, 10, *tpot.PredictedMs, 1e-9)
	ttft, e2e, _ = lat(low)
	require.InDelta(t, 200, *ttft.PredictedMs, 1e-9, "C = 0.0035 < 0.1: no wait at p90")
	require.InDelta(t, 1200, *e2e.PredictedMs, 1e-9)
	ttft, e2e, tpot = lat(top)
	require.Nil(t, ttft.PredictedMs)
	require.Nil(t, e2e.PredictedMs)
	require.InDelta(t, 10, *tpot.PredictedMs, 1e-9, "TPOT does not queue in the model")
}

// TestFitServiceWithoutSLO: without targets every completed request is good, the latency compared is E2E at
// p99, and there is no SLO fail rate.
func TestFitServiceWithoutSLO(t *testing.T) {
	t.Parallel()
	r := sweep()
	r.Plan.SLO = nil
	for i := range r.Steps {
		r.Steps[i].SLO, r.Steps[i].E2E.P99Ms = nil, 1000+float64(i)
	}
	m, err := FitService(r)
	require.NoError(t, err)
	require.Nil(t, m.SLOFailRate)
	require.Nil(t, m.MeasuredSLOFailRate)
	require.InDelta(t, 4.4, *m.Steps[1].PredictedGoodput, 1e-9, "goodput = throughput without targets")
	require.Len(t, m.Steps[1].Latency, 1)
	l := m.Steps[1].Latency[0]
	require.Equal(t, MetricE2E, l.Metric)
	require.Equal(t, 99.0, l.Percentile)
	require.Equal(t, 1001.0, l.MeasuredMs)
	// ln(0.356981/0.01) ÷ 1.666667 = 2.145059 s of waiting at p99
	require.InDelta(t, 3345.058624, *l.PredictedMs, 1e-6)
}

func TestFitServiceRefusals(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name    string
		edit    func(r *Result)
		refusal FitRefusal
		reason  string
	}{
		{"cancelled", func(r *Result) { r.Cancelled = true }, FitNotCompleted, "stopped"},
		{"still running", func(r *Result) { r.Steps[2].InProgress = true }, FitNotCompleted, "still running"},
		{"one rate", func(r *Result) { r.Plan.Mode = ModeRate }, FitNotSweep, "run a SWEEP of at least 3 rates"},
		{"two steps", func(r *Result) { r.Steps = r.Steps[:2]; r.MaxRequestsReached = true }, FitTooFewSteps, "ran 2 steps (maxRequests ran out"},
		{"few requests at the lowest rate", func(r *Result) { r.Steps[0].Completed = 4 }, FitTooFewRequests, "only 4 requests completed"},
		{"never saturated", func(r *Result) { r.Steps[2].Completed = 170 }, FitNotSaturated, "176.0 ± 14.1; add a higher rate"},
		{"saturated and silent", func(r *Result) { r.Steps[2].Completed = 0 }, FitNotSaturated, "no request completed past saturation"},
		{"lowest rate past saturation", func(r *Result) {
			r.Steps[0].TargetRate = 3 // 3 × 8.8 = 26.4 expected, 26.4 − 3 × √30 = 9.97 > 9 completed
			r.Steps[0].Completed, r.Steps[0].OutputTokens = 9, 9*101
		}, FitLowestQueues, "already past saturation"},
		{"lowest rate queues", func(r *Result) {
			// 5/s with 8 slots of 1.2 s: C(8, 6) ÷ (8 − 6) = 0.178 > 0.1
			r.Steps[0].TargetRate, r.Steps[0].Completed, r.Steps[0].OutputTokens = 5, 44, 44*101
		}, FitLowestQueues, "wait 18 % of their service time"},
		{"the test's own cap", func(r *Result) { r.Plan.MaxConcurrency = 8 }, FitClientCapped, "maxConcurrency (8)"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			r := sweep()
			tc.edit(&r)
			_, err := FitService(r)
			var fe *FitError
			require.True(t, errors.As(err, &fe), "%v", err)
			require.Equal(t, tc.refusal, fe.Refusal)
			require.Contains(t, err.Error(), tc.reason)
		})
	}
}

// TestFitServiceAgainstSlottedServer sweeps a fake server that serves 4 requests at once, each in a scripted
// 40 ms to the first of 8 tokens and 20 ms per token after it (180 ms: a ceiling of 4 ÷ 0.18 = 22.2 /s), at
// 4, 10 and 60 requests/s for 2.5 s each. The fit finds the 4 slots, the service time within
// [scripted, scripted + max(5 ms, 10 %)] and the ceiling within 10 %. A loaded machine can stretch a run, so
// a run that misses is tried again, up to three times; a wrong fit misses every time.
func TestFitServiceAgainstSlottedServer(t *testing.T) {
	const (
		slots = 4
		ttft  = 40 * time.Millisecond
		gap   = 20 * time.Millisecond
		n     = 8
	)
	scripted := ms(ttft) + (n-1)*ms(gap) // 180 ms
	p := Plan{Mode: ModeSweep, Rates: []float64{4, 10, 60}, Burstiness: 1, MaxConcurrency: 32, DurationSeconds: 2.5,
		MaxRequests: 400, InputTokens: Length{Kind: LengthFixed, Value: 16}, OutputTokens: Length{Kind: LengthFixed, Value: n},
		SLO: []SLOTarget{{Metric: MetricE2E, ThresholdMs: 400, Percentile: 90}}, Seed: 7}
	var misses []string
	for attempt := 1; attempt <= 3; attempt++ {
		b := setup(t, always(tokens(n, ttft, gap, true)))
		b.server.LimitSlots(slots)
		res, err := Run(context.Background(), Config{Client: b.client, Model: "m", Plan: p})
		require.NoError(t, err)
		require.LessOrEqual(t, b.server.MaxServing(), slots)
		m, err := FitService(res)
		require.NoError(t, err)
		t.Logf("attempt %d: slots %d (estimate %.3f), λ_sat %.3f /s (scripted %.3f), service %.2f ms = TTFT %.2f + %.2f × %.0f (scripted %.0f), SLO fail rate %.3f /s",
			attempt, m.Slots, m.SlotsEstimate, m.SaturationRate, slots/(scripted/1000), m.MeanServiceMs, m.InterceptMs, m.MsPerOutputToken,
			m.MeanOutputTokens-1, scripted, *m.SLOFailRate)
		for _, s := range m.Steps {
			pg := "—"
			if s.PredictedGoodput != nil {
				pg = fmt.Sprintf("%.3f", *s.PredictedGoodput)
			}
			t.Logf("  %g/s: saturated %v, rate predicted %.3f measured %.3f, goodput predicted %s measured %.3f",
				s.TargetRate, s.Saturated, s.PredictedRequestRate, s.MeasuredRequestRate, pg, s.MeasuredGoodput)
		}
		miss := outside("service", scripted, m.MeanServiceMs)
		if m.Slots != slots {
			miss += fmt.Sprintf(" slots %d", m.Slots)
		}
		if ceiling := slots / (scripted / 1000); m.SaturationRate < 0.9*ceiling || m.SaturationRate > 1.1*ceiling {
			miss += fmt.Sprintf(" λ_sat %.3f not within 10 %% of %.3f", m.SaturationRate, ceiling)
		}
		if miss == "" {
			require.Equal(t, []bool{false, false, true}, []bool{m.Steps[0].Saturated, m.Steps[1].Saturated, m.Steps[2].Saturated})
			require.Equal(t, float64(n), m.MeanOutputTokens)
			return
		}
		misses = append(misses, miss)
	}
	t.Fatalf("every attempt missed: %v", misses)
}
