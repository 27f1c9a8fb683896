package loadtest

import (
	"errors"
	"testing"

	"github.com/stretchr/testify/require"
)

func TestCompare(t *testing.T) {
	t.Parallel()
	p := ratePlan()
	p.Mode, p.Rates = ModeSweep, []float64{1, 2}
	a := Result{Plan: p, Steps: []Step{
		{TargetRate: 1, Concurrency: 8, Completed: 10, RequestRate: 1, Goodput: 0.8, TTFT: Distribution{P99Ms: 200, MeanMs: 100}},
		{TargetRate: 2, Concurrency: 8, Completed: 20, RequestRate: 2, Goodput: 0, TTFT: Distribution{P99Ms: 400}},
	}}
	pb := p
	pb.Seed = 99 // another seed is the same profile
	b := Result{Plan: pb, Model: "other", Steps: []Step{
		{TargetRate: 1, Concurrency: 8, Completed: 10, RequestRate: 1, Goodput: 1, TTFT: Distribution{P99Ms: 150, MeanMs: 100}},
	}}
	c, err := Compare(a, b)
	require.NoError(t, err)
	require.Len(t, c.Steps, 1, "only the steps both have")
	s := c.Steps[0]
	require.Equal(t, 1.0, s.TargetRate)
	byName := map[string]MetricDifference{}
	for _, m := range s.Metrics {
		byName[m.Metric] = m
	}
	require.Len(t, byName, 5+4*5)
	p99 := byName["ttftP99Ms"]
	require.Equal(t, 200.0, p99.A)
	require.Equal(t, 150.0, p99.B)
	require.Equal(t, -50.0, p99.Difference)
	require.InDelta(t, -0.25, *p99.RelativeDifference, 1e-12)
	require.False(t, p99.HigherIsBetter)
	gp := byName["goodput"]
	require.InDelta(t, 0.2, gp.Difference, 1e-12)
	require.InDelta(t, 0.25, *gp.RelativeDifference, 1e-12)
	require.True(t, gp.HigherIsBetter)
	require.Nil(t, byName["tpotP99Ms"].RelativeDifference, "A is 0: no relative difference")
	require.Zero(t, byName["ttftMeanMs"].Difference)
}

func TestCompareRefusesOtherProfiles(t *testing.T) {
	t.Parallel()
	base := ratePlan()
	base.SLO = []SLOTarget{{Metric: MetricTTFT, ThresholdMs: 500, Percentile: 99}, {Metric: MetricE2E, ThresholdMs: 5000, Percentile: 90}}
	tests := []struct {
		name   string
		change func(*Plan)
		field  string
		a, b   string
	}{
		{name: "rates", change: func(p *Plan) { p.Rates = []float64{3} }, field: "rates", a: "[2]", b: "[3]"},
		{name: "mode", change: func(p *Plan) { p.Mode = ModeConcurrency }, field: "mode", a: "RATE", b: "CONCURRENCY"},
		{name: "output length", change: func(p *Plan) { p.OutputTokens = Length{Kind: LengthUniform, Min: 8, Max: 32} },
			field: "outputTokens", a: "16 tokens", b: "8–32 tokens"},
		{name: "input length", change: func(p *Plan) { p.InputTokens.Value = 65 }, field: "inputTokens", a: "64 tokens", b: "65 tokens"},
		{name: "slo", change: func(p *Plan) { p.SLO = p.SLO[:1] }, field: "slo",
			a: "E2E p90 ≤ 5000 ms, TTFT p99 ≤ 500 ms", b: "TTFT p99 ≤ 500 ms"},
		{name: "prompts", change: func(p *Plan) { p.Prompts = []string{"x"} }, field: "prompts", a: "synthetic prompts", b: "a list of 1 prompts"},
		{name: "burstiness", change: func(p *Plan) { p.Burstiness = 0.5 }, field: "burstiness", a: "1", b: "0.5"},
		{name: "max concurrency", change: func(p *Plan) { p.MaxConcurrency = 4 }, field: "maxConcurrency", a: "8", b: "4"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			other := base
			other.SLO = append([]SLOTarget(nil), base.SLO...)
			tc.change(&other)
			_, err := Compare(Result{Plan: base}, Result{Plan: other})
			require.ErrorIs(t, err, ErrDifferentProfiles)
			var pe *ProfileError
			require.True(t, errors.As(err, &pe))
			require.Equal(t, ProfileError{Field: tc.field, A: tc.a, B: tc.b}, *pe)
			require.Contains(t, err.Error(), "compare two tests of the same plan")
		})
	}

	// The same targets in another order, and burstiness 0 against 1, are the same profile.
	same := base
	same.SLO = []SLOTarget{base.SLO[1], base.SLO[0]}
	same.Burstiness = 1
	_, err := Compare(Result{Plan: base}, Result{Plan: same})
	require.NoError(t, err)

	a, b := base, base
	a.Prompts, b.Prompts = []string{"same", "first"}, []string{"same", "second"}
	_, err = Compare(Result{Plan: a}, Result{Plan: b})
	var pe *ProfileError
	require.ErrorAs(t, err, &pe)
	require.Equal(t, ProfileError{Field: "prompts[1]", A: `"first"`, B: `"second"`}, *pe)
}
