package experiment

import (
	"math"
	"math/rand/v2"
	"testing"

	"github.com/stretchr/testify/require"
)

func TestSequentialReference(t *testing.T) {
	t.Parallel()
	seq := func(tuning, confidence float64) Options {
		return Options{Mode: ModeSequential, ConfidenceLevel: confidence, Sequential: Sequential{Tuning: tuning}}
	}
	// GBS1 data: gbstats test_sequential_test_runs, SampleMeanStatistic (1396.87, 52377.9767, 3000) vs
	// (2422.7, 134698.29, 3461); means and variances as reference.py prints them (GBS1.*_mean, *_var).
	gbs1a := Continuous{Count: 3000, Mean: 0.4656233333333333, Variance: 17.248269901422695}
	gbs1b := Continuous{Count: 3461, Mean: 0.7, Variance: 38.44}
	type interval struct{ low, upp, p float64 }
	tests := []struct {
		name string
		run  func() (Comparison, error)
		abs  *interval
		rel  *interval
		gb   *interval // gbstats' own expected relative figures, rounded to 5 decimals
	}{
		{
			name: "GBS1 means, tuning 1000",
			run:  func() (Comparison, error) { return CompareMeansWith(gbs1a, gbs1b, seq(1000, 0)) },
			// reference.py GBS1.rel.*, GBS1.abs.*
			rel: &interval{-0.5584405051077315, 1.5651626768202032, 1},
			abs: &interval{-0.17908917909394972, 0.6478425124272831, 1},
			// gbstats packages/stats/tests/frequentist/test_tests.py test_sequential_test_runs
			// (growthbook/growthbook@8f1db44): ci (-0.55844, 1.56516), pValue 1
			gb: &interval{-0.55844, 1.56516, 1},
		},
		{
			name: "GBS2 proportions, default tuning",
			run: func() (Comparison, error) {
				return CompareProportionsWith(Binary{1396, 3000}, Binary{2422, 3461}, seq(0, 0))
			},
			// reference.py GBS2.rel.*
			rel: &interval{0.4009784966859415, 0.6067482066783576, 5.174716682839778e-44},
			// gbstats test_sequential_test_runs_prop: ci (0.40098, 0.60675), pValue 0.0
			gb: &interval{0.40098, 0.60675, 0},
		},
		{
			name: "Q1 B1's proportions",
			run: func() (Comparison, error) {
				return CompareProportionsWith(Binary{480, 10000}, Binary{560, 10000}, seq(5000, 0.95))
			},
			// reference.py Q1.abs.*, Q1.rel.*
			abs: &interval{-0.0018173456343144306, 0.017817345634314433, 0.24580170700635356},
			rel: &interval{-0.054320573216949025, 0.3876539065502823, 0.38603690736403456},
		},
		{
			name: "Q2 C2's means at 99 %, tuning 20000",
			run: func() (Comparison, error) {
				return CompareMeansWith(Continuous{Count: 5000, Mean: 1.2, Variance: 0.64}, Continuous{Count: 4800, Mean: 1.25, Variance: 0.7056}, seq(20000, 0.99))
			},
			// reference.py Q2.abs.*
			abs: &interval{-0.009952464351340402, 0.1099524643513404, 0.054222387047549045},
		},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			c, err := tc.run()
			require.NoError(t, err)
			require.Equal(t, ModeSequential, c.Mode)
			require.Zero(t, c.DF, "confidence sequences are asymptotically normal")
			for _, v := range []struct {
				got  *Lift
				want *interval
			}{{c.Absolute, tc.abs}, {c.Relative, tc.rel}, {c.Relative, tc.gb}} {
				if v.want == nil {
					continue
				}
				tol := refTol
				if v.want == tc.gb {
					tol = gbTol
				}
				require.InDelta(t, v.want.low, v.got.Lower, tol)
				require.InDelta(t, v.want.upp, v.got.Upper, tol)
				require.InDelta(t, v.want.p, v.got.PValue, tol)
			}
		})
	}
}

func TestSequentialMinimum(t *testing.T) {
	t.Parallel()
	c, err := CompareProportionsWith(Binary{5, 99}, Binary{30, 150}, Options{Mode: ModeSequential})
	require.NoError(t, err)
	require.Nil(t, c.Absolute, "control has 99 < 100 units")
	require.Nil(t, c.Relative)
	require.Equal(t, 1.0, c.PValue)
	require.False(t, c.Significant)
	require.Contains(t, c.Notes[len(c.Notes)-1], "from 100 units per variant")

	in := Input{
		Variants: []Variant{{"A", 1}, {"B", 1}},
		Control:  "A",
		Primary:  Metric{Name: "conv", Kind: KindBinary, Binary: map[string]Binary{"A": {300, 6000}, "B": {420, 6000}}},
		Mode:     ModeSequential,
	}
	res, err := Analyze(in)
	require.NoError(t, err)
	require.Equal(t, Sequential{Tuning: DefaultSequentialTuning, MinUnits: DefaultSequentialMinUnits}, res.Sequential)
	require.True(t, res.Primary.Comparisons[0].Significant)
	require.Equal(t, "B", res.Decision.Winner, "no planned sample size is needed: always-valid results may be acted on at any look")

	in.Sequential.MinUnits = 10000
	res, err = Analyze(in)
	require.NoError(t, err)
	require.Empty(t, res.Decision.Winner)
	require.Equal(t, ConditionSignificant, res.Decision.Unmet[0].Condition)
	require.Equal(t, ConditionSampleSize, res.Decision.Unmet[1].Condition)
}

// TestSequentialAASimulation peeks at A/A experiments after every batch: the always-valid p-value keeps the
// false-positive rate at or below α, the fixed-horizon test checked the same way does not.
func TestSequentialAASimulation(t *testing.T) {
	t.Parallel()
	const (
		sims     = 2000
		batch    = 100  // units per arm between looks; the first look is at the sequential minimum
		maxUnits = 3000 // per arm: 30 looks
		alpha    = 0.05
	)
	// One-sided binomial tolerance on a rate of α over 2000 experiments: α + 3·√(α(1 − α)/sims) = 0.0646.
	tol := 3 * math.Sqrt(alpha*(1-alpha)/sims)
	rng := rand.New(rand.NewPCG(2023, 2103))
	var seqFalse, fixedFalse int
	fixed := Options{ConfidenceLevel: 1 - alpha}
	seq := Options{ConfidenceLevel: 1 - alpha, Mode: ModeSequential, Sequential: Sequential{MinUnits: batch}}
	for range sims {
		var sums [2][2]float64 // per arm: Σy, Σy²
		var seqHit, fixedHit bool
		for n := batch; n <= maxUnits; n += batch {
			var arms [2]Continuous
			for a := range arms {
				for range batch {
					y := rng.NormFloat64()
					sums[a][0] += y
					sums[a][1] += y * y
				}
				fn := float64(n)
				mean := sums[a][0] / fn
				arms[a] = Continuous{Count: int64(n), Mean: mean, Variance: (sums[a][1] - fn*mean*mean) / (fn - 1)}
			}
			if !seqHit {
				c, err := CompareMeansWith(arms[0], arms[1], seq)
				require.NoError(t, err)
				seqHit = c.Significant
			}
			if !fixedHit {
				c, err := CompareMeansWith(arms[0], arms[1], fixed)
				require.NoError(t, err)
				fixedHit = c.Significant
			}
			if seqHit && fixedHit {
				break
			}
		}
		if seqHit {
			seqFalse++
		}
		if fixedHit {
			fixedFalse++
		}
	}
	seqRate, fixedRate := float64(seqFalse)/sims, float64(fixedFalse)/sims
	t.Logf("A/A, %d simulations, 30 looks: sequential false-positive rate %.4f, fixed-horizon %.4f (bound α + %.4f)", sims, seqRate, fixedRate, tol)
	require.LessOrEqual(t, seqRate, alpha+tol)
	require.Greater(t, fixedRate, alpha+tol)
}
