package experiment

import (
	"errors"
	"testing"

	"github.com/stretchr/testify/require"
)

func TestSampleSizeReference(t *testing.T) {
	t.Parallel()
	// /usr/bin/python3 internal/experiment/testdata/reference.py → N1..N3
	tests := []struct {
		name  string
		run   func() (SampleSize, error)
		exact float64
	}{
		{
			name: "N1 5% → 6% at 95%, power 80% (defaults)",
			run: func() (SampleSize, error) {
				return SampleSizeProportions(ProportionPlan{Baseline: 0.05, MinDetectableEffect: 0.01})
			},
			// N1: samplesize_proportions_2indep_onetail(diff=0.01, prop2=0.05, power=0.8, alpha=0.05)
			exact: 8157.731447849275,
		},
		{
			name: "N2 20% relative +10% at 90%, power 90%",
			run: func() (SampleSize, error) {
				return SampleSizeProportions(ProportionPlan{Baseline: 0.2, MinDetectableEffect: 0.1, Relative: true, ConfidenceLevel: 0.9, Power: 0.9})
			},
			// N2: samplesize_proportions_2indep_onetail(diff=0.02, prop2=0.2, power=0.9, alpha=0.10)
			exact: 7101.836048925307,
		},
		{
			name: "N4 4.8% relative +20%",
			run: func() (SampleSize, error) {
				return SampleSizeProportions(ProportionPlan{Baseline: 0.048, MinDetectableEffect: 0.2, Relative: true})
			},
			// N4: samplesize_proportions_2indep_onetail(diff=0.0096, prop2=0.048, power=0.8, alpha=0.05)
			exact: 8517.471773197223,
		},
		{
			name: "N3 means σ = 2, δ = 0.5",
			run:  func() (SampleSize, error) { return SampleSizeMeans(MeanPlan{StdDev: 2, MinDetectableEffect: 0.5}) },
			// N3: normal_sample_size_one_tail(diff=0.5, power=0.8, alpha=0.025, std_null=2√2, std_alternative=2√2)
			exact: 251.16415149917094,
		},
		{
			name: "decrease is planned like an increase of the other arm",
			run: func() (SampleSize, error) {
				return SampleSizeProportions(ProportionPlan{Baseline: 0.06, MinDetectableEffect: -0.01})
			},
			// the formula is symmetric in p₁ and p₂: same as N1
			exact: 8157.731447849275,
		},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			got, err := tc.run()
			require.NoError(t, err)
			require.InDelta(t, tc.exact, got.Exact, 1e-7)
			require.Equal(t, int64(tc.exact)+1, got.PerVariant, "rounded up")
		})
	}
}

func TestSampleSizeValidation(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name  string
		run   func() error
		field string
	}{
		{"baseline 0", func() error { _, err := SampleSizeProportions(ProportionPlan{MinDetectableEffect: 0.1}); return err }, "baseline"},
		{"no effect", func() error { _, err := SampleSizeProportions(ProportionPlan{Baseline: 0.1}); return err }, "minDetectableEffect"},
		{"target above 1", func() error {
			_, err := SampleSizeProportions(ProportionPlan{Baseline: 0.9, MinDetectableEffect: 0.2})
			return err
		}, "minDetectableEffect"},
		{"power too high", func() error {
			_, err := SampleSizeProportions(ProportionPlan{Baseline: 0.1, MinDetectableEffect: 0.01, Power: 1})
			return err
		}, "power"},
		{"no stddev", func() error { _, err := SampleSizeMeans(MeanPlan{MinDetectableEffect: 1}); return err }, "stdDev"},
		{"effect too small", func() error {
			_, err := SampleSizeMeans(MeanPlan{StdDev: 1, MinDetectableEffect: 1e-300})
			return err
		}, "minDetectableEffect"},
		{"bad confidence", func() error {
			_, err := SampleSizeMeans(MeanPlan{StdDev: 1, MinDetectableEffect: 1, ConfidenceLevel: 2})
			return err
		}, "confidenceLevel"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			var ve *ValidationError
			err := tc.run()
			require.True(t, errors.As(err, &ve), "got %v", err)
			require.Equal(t, tc.field, ve.Field)
		})
	}
}
