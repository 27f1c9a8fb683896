package loadtest

import (
	"context"
	"errors"
	"fmt"
	"math/rand/v2"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/modelarchitect/architect/internal/providers"
)

func msd(xs ...float64) []time.Duration {
	out := make([]time.Duration, len(xs))
	for i, x := range xs {
		out[i] = time.Duration(x * float64(time.Millisecond))
	}
	return out
}

// TestMeasure: per-request metrics from scripted chunk times (offsets from the request being sent).
func TestMeasure(t *testing.T) {
	t.Parallel()
	chunks := msd(100, 130, 150, 190) // four content chunks
	tests := []struct {
		name string
		res  providers.Result
		want sample
	}{
		{
			// TPOT = (200 − 100)/(5 − 1) = 25 ms; ITL = 30, 20, 40 ms.
			name: "usage reported",
			res:  providers.Result{ChunkTimes: chunks, TTFT: chunks[0], Latency: 200 * time.Millisecond, HasUsage: true, InputTokens: 70, OutputTokens: 5},
			want: sample{ttft: 100, e2e: 200, tpot: 25, hasTPOT: true, itl: []float64{30, 20, 40}, input: 70, output: 5},
		},
		{
			// No usage: 4 chunks count as 4 tokens, TPOT = 100/3 ms; the input is the estimate.
			name: "usage missing",
			res:  providers.Result{ChunkTimes: chunks, TTFT: chunks[0], Latency: 200 * time.Millisecond},
			want: sample{ttft: 100, e2e: 200, tpot: 100.0 / 3, hasTPOT: true, itl: []float64{30, 20, 40}, input: 99, output: 4, usageMissing: true},
		},
		{
			// Usage of 0 output tokens is no usage.
			name: "usage of zero output",
			res:  providers.Result{ChunkTimes: chunks, TTFT: chunks[0], Latency: 200 * time.Millisecond, HasUsage: true},
			want: sample{ttft: 100, e2e: 200, tpot: 100.0 / 3, hasTPOT: true, itl: []float64{30, 20, 40}, input: 99, output: 4, usageMissing: true},
		},
		{
			// 10 output tokens of which 5 hidden reasoning (inside TTFT): TPOT over the 5 visible, (200 − 100)/4.
			name: "reasoning tokens",
			res:  providers.Result{ChunkTimes: chunks, TTFT: chunks[0], Latency: 200 * time.Millisecond, HasUsage: true, InputTokens: 70, OutputTokens: 10, ReasoningTokens: 5},
			want: sample{ttft: 100, e2e: 200, tpot: 25, hasTPOT: true, itl: []float64{30, 20, 40}, input: 70, output: 10},
		},
		{
			name: "one output token has no TPOT",
			res:  providers.Result{ChunkTimes: msd(80), TTFT: 80 * time.Millisecond, Latency: 90 * time.Millisecond, HasUsage: true, InputTokens: 7, OutputTokens: 1},
			want: sample{ttft: 80, e2e: 90, itl: []float64{}, input: 7, output: 1},
		},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			got, ok := measure(tc.res, 99)
			require.True(t, ok)
			require.InDelta(t, tc.want.tpot, got.tpot, 1e-9)
			got.tpot = tc.want.tpot
			require.Equal(t, tc.want, got)
		})
	}
	_, ok := measure(providers.Result{Latency: time.Second, HasUsage: true, OutputTokens: 30}, 5)
	require.False(t, ok, "no content chunk: nothing to measure")
}

func TestGood(t *testing.T) {
	t.Parallel()
	slo := []SLOTarget{{Metric: MetricTTFT, ThresholdMs: 100, Percentile: 99}, {Metric: MetricTPOT, ThresholdMs: 10, Percentile: 90},
		{Metric: MetricE2E, ThresholdMs: 1000, Percentile: 50}}
	require.True(t, good(sample{ttft: 100, tpot: 10, hasTPOT: true, e2e: 1000}, slo), "thresholds are inclusive")
	require.False(t, good(sample{ttft: 100.001, tpot: 10, hasTPOT: true, e2e: 1000}, slo))
	require.False(t, good(sample{ttft: 50, tpot: 11, hasTPOT: true, e2e: 500}, slo))
	require.True(t, good(sample{ttft: 50, tpot: 999, hasTPOT: false, e2e: 500}, slo), "one token meets any TPOT target")
	require.False(t, good(sample{ttft: 50, e2e: 1001}, slo))
	require.True(t, good(sample{ttft: 1e9, e2e: 1e9}, nil), "no target: every request is good")
}

func TestErrorKind(t *testing.T) {
	t.Parallel()
	tests := []struct {
		err  error
		want string
	}{
		{&providers.Error{Outcome: providers.OutcomeRateLimited, Status: 429}, "HTTP_429"},
		{&providers.Error{Outcome: providers.OutcomeServerError, Status: 503}, "HTTP_503"},
		{&providers.Error{Outcome: providers.OutcomeClientError, Status: 401}, "HTTP_401"},
		{&providers.Error{Outcome: providers.OutcomeServerError, Status: 200}, ErrorStream}, // an error event inside the stream
		{&providers.Error{Outcome: providers.OutcomeIncompleteStream}, ErrorStream},
		{&providers.Error{Outcome: providers.OutcomeTimeout}, ErrorTimeout},
		{&providers.Error{Outcome: providers.OutcomeConnectionError}, ErrorConnection},
		{&providers.Error{Outcome: providers.OutcomeInvalidRequest}, ErrorInvalid},
		{fmt.Errorf("wrapped: %w", &providers.Error{Outcome: providers.OutcomeRateLimited, Status: 429}), "HTTP_429"},
		{errors.New("boom"), ErrorOther},
		{context.Canceled, ErrorOther},
	}
	for _, tc := range tests {
		require.Equal(t, tc.want, errorKind(tc.err), "%v", tc.err)
	}
}

// TestAccumulatorStep: a step's figures from known samples over a known duration.
func TestAccumulatorStep(t *testing.T) {
	t.Parallel()
	slo := []SLOTarget{{Metric: MetricTTFT, ThresholdMs: 350, Percentile: 50}, {Metric: MetricTPOT, ThresholdMs: 25, Percentile: 90},
		{Metric: MetricE2E, ThresholdMs: 2000, Percentile: 99}}
	acc := newAccumulator(slo, rand.New(rand.NewPCG(1, 1)))
	samples := []sample{
		{ttft: 100, e2e: 1000, tpot: 10, hasTPOT: true, itl: []float64{10, 10}, input: 50, output: 5}, // good
		{ttft: 200, e2e: 1100, tpot: 20, hasTPOT: true, itl: []float64{20}, input: 50, output: 5},     // good
		{ttft: 300, e2e: 1500, tpot: 30, hasTPOT: true, itl: []float64{30, 50}, input: 50, output: 5}, // TPOT 30 > 25
		{ttft: 340, e2e: 1900, itl: []float64{}, input: 50, output: 1, usageMissing: true},            // good: no TPOT
	}
	for _, s := range samples {
		acc.started(false)
		acc.succeeded(s)
	}
	for range 2 {
		acc.started(true)
		acc.failedWith("HTTP_429", "rate limited", false)
	}
	acc.started(false)
	acc.failedWith(ErrorTimeout, "still in flight", true)

	st := acc.step(Step{TargetRate: 4, Concurrency: 8}, 2*time.Second)
	// Means and percentiles from numpy 1.24.2, np.mean and np.percentile(xs, [50, 90, 95, 99]) of TTFT
	// [100, 200, 300, 340], TPOT [10, 20, 30] (the one-token request has none), ITL [10, 10, 20, 30, 50] and E2E
	// [1000, 1100, 1500, 1900]; e.g. E2E p99: h = 3·0.99 = 2.97 → 1500 + 0.97·400 = 1888. Rates over 2 s.
	want := Step{TargetRate: 4, Concurrency: 8, Sent: 7, Completed: 4, Failed: 3, Delayed: 2, Unfinished: 1, MaxInFlight: 1,
		DurationSeconds: 2, RequestRate: 2, OutputTokensPerSecond: 8, InputTokens: 200, OutputTokens: 16, UsageMissing: 1,
		TTFT:         Distribution{Count: 4, MeanMs: 235, MedianMs: 250, P90Ms: 328, P95Ms: 334, P99Ms: 338.8, MinMs: 100, MaxMs: 340},
		TPOT:         Distribution{Count: 3, MeanMs: 20, MedianMs: 20, P90Ms: 28, P95Ms: 29, P99Ms: 29.8, MinMs: 10, MaxMs: 30},
		ITL:          Distribution{Count: 5, MeanMs: 24, MedianMs: 20, P90Ms: 42, P95Ms: 46, P99Ms: 49.2, MinMs: 10, MaxMs: 50},
		E2E:          Distribution{Count: 4, MeanMs: 1375, MedianMs: 1300, P90Ms: 1780, P95Ms: 1840, P99Ms: 1888, MinMs: 1000, MaxMs: 1900},
		GoodRequests: 3, Goodput: 1.5,
		SLO: []SLOResult{
			{Metric: MetricTTFT, Percentile: 50, ThresholdMs: 350, MeasuredMs: 250, Met: true},
			{Metric: MetricTPOT, Percentile: 90, ThresholdMs: 25, MeasuredMs: 28, Met: false},
			{Metric: MetricE2E, Percentile: 99, ThresholdMs: 2000, MeasuredMs: 1888, Met: true},
		},
		Errors: []ErrorCount{{Kind: "HTTP_429", Count: 2, Example: "rate limited"}, {Kind: ErrorTimeout, Count: 1, Example: "still in flight"}},
	}
	requireStep(t, want, st)
}

// requireStep compares steps with the latencies to 1e-9 ms.
func requireStep(t *testing.T, want, got Step) {
	t.Helper()
	for _, d := range []struct{ w, g *Distribution }{{&want.TTFT, &got.TTFT}, {&want.TPOT, &got.TPOT}, {&want.ITL, &got.ITL}, {&want.E2E, &got.E2E}} {
		for _, f := range []struct{ w, g *float64 }{{&d.w.MeanMs, &d.g.MeanMs}, {&d.w.MedianMs, &d.g.MedianMs}, {&d.w.P90Ms, &d.g.P90Ms},
			{&d.w.P95Ms, &d.g.P95Ms}, {&d.w.P99Ms, &d.g.P99Ms}} {
			require.InDelta(t, *f.w, *f.g, 1e-9)
			*f.g = *f.w
		}
	}
	require.Equal(t, want, got)
}

// TestSLOWithoutSamples: no completed request meets no target, except TPOT when every completed request had
// one output token.
func TestSLOWithoutSamples(t *testing.T) {
	t.Parallel()
	slo := []SLOTarget{{Metric: MetricTTFT, ThresholdMs: 1, Percentile: 99}, {Metric: MetricTPOT, ThresholdMs: 1, Percentile: 99}}
	got := sloResults(slo, nil, nil, nil, 0)
	require.False(t, got[0].Met)
	require.False(t, got[1].Met)
	got = sloResults(slo, []float64{0.5}, nil, []float64{0.6}, 1)
	require.True(t, got[0].Met)
	require.True(t, got[1].Met)
	require.Zero(t, got[1].MeasuredMs)
}

// TestITLReservoir: past maxITLSamples gaps the count, mean, min and max stay exact and the percentiles come
// from a uniform sample.
func TestITLReservoir(t *testing.T) {
	t.Parallel()
	acc := newAccumulator(nil, rand.New(rand.NewPCG(3, 3)))
	const n = 250_000
	itl := make([]float64, n)
	for i := range itl {
		itl[i] = float64(i + 1)
	}
	acc.started(false)
	acc.succeeded(sample{ttft: 1, e2e: 2, itl: itl})
	require.Len(t, acc.itl, maxITLSamples)
	st := acc.step(Step{}, time.Second)
	require.Equal(t, n, st.ITL.Count)
	require.InDelta(t, (n+1)/2.0, st.ITL.MeanMs, 1e-6)
	require.Equal(t, 1.0, st.ITL.MinMs)
	require.Equal(t, float64(n), st.ITL.MaxMs)
	require.InEpsilon(t, n/2.0, st.ITL.MedianMs, 0.01)
	require.InEpsilon(t, 0.99*n, st.ITL.P99Ms, 0.01)
}
