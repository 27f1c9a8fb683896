package experiment

import (
	"errors"
	"fmt"
	"math"
	"math/rand/v2"
	"testing"

	"github.com/stretchr/testify/require"
)

// gbTol is the tolerance against figures gbstats' own tests state rounded to 5 decimals.
const gbTol = 5e-6

func TestLiftPValuesGrowthBook(t *testing.T) {
	t.Parallel()
	// GB1: gbstats packages/stats/tests/frequentist/test_tests.py test_two_sided_ttest (relative) and
	// test_two_sided_ttest_absolute, growthbook/growthbook@8f1db4456915a8e7b7faf23d5632ca7219d2f469:
	// SampleMeanStatistic(sum=1396.87, sum_squares=52377.9767, n=3407) vs (2422.7, 134698.29, 3461), whose
	// mean and variance reference.py prints as GB1.control_* and GB1.treatment_*.
	control := Continuous{Count: 3407, Mean: 0.41, Variance: 15.21}
	treatment := Continuous{Count: 3461, Mean: 0.7, Variance: 38.44}
	c, err := CompareMeansWith(control, treatment, Options{Scale: ScaleRelative})
	require.NoError(t, err)
	type want struct{ low, upp, p, gbLow, gbUpp, gbP float64 }
	check := func(l *Lift, w want) {
		t.Helper()
		require.NotNil(t, l)
		require.InDelta(t, w.low, l.Lower, refTol)
		require.InDelta(t, w.upp, l.Upper, refTol)
		require.InDelta(t, w.p, l.PValue, refTol)
		require.InDelta(t, w.gbLow, l.Lower, gbTol)
		require.InDelta(t, w.gbUpp, l.Upper, gbTol)
		require.InDelta(t, w.gbP, l.PValue, gbTol)
	}
	// reference.py GB1.rel.* at full precision; gbstats expects ci (-0.03526, 1.44989), pValue 0.06191
	check(c.Relative, want{-0.03526008906611777, 1.449894235407581, 0.06191182745618358, -0.03526, 1.44989, 0.06191})
	// reference.py GB1.abs.*; gbstats expects ci (0.04538, 0.53462), pValue 0.02016
	check(c.Absolute, want{0.04537789255929009, 0.5346221074407098, 0.020158402643586957, 0.04538, 0.53462, 0.02016})
	require.Equal(t, c.Relative.PValue, c.PValue, "the headline follows the stated scale")
	require.False(t, c.Significant, "relative p = 0.0619")

	// GB2: gbstats test_two_sided_ttest_binom, ProportionStatistic 14/28 vs 16/30, relative; reference.py
	// GB2.rel.*; gbstats expects ci (-0.47767, 0.61101), pValue 0.80707
	b, err := CompareProportionsWith(Binary{14, 28}, Binary{16, 30}, Options{Scale: ScaleRelative})
	require.NoError(t, err)
	check(b.Relative, want{-0.477674027893795, 0.6110073612271283, 0.8070716832021888, -0.47767, 0.61101, 0.80707})
}

func TestScaleDecidesSignificance(t *testing.T) {
	t.Parallel()
	// B2 at 90 %: the absolute lift is significant (reference.py B2.wald_p = 0.0239, Wald interval
	// [0.0372, 0.2361]), the relative one is not (B2.rel_p = 0.1227, interval [-0.0639, 1.9991]).
	tests := []struct {
		scale       Scale
		significant bool
		p           float64
	}{
		{"", true, 0.023862297823992264},
		{ScaleAbsolute, true, 0.023862297823992264},
		{ScaleRelative, false, 0.12266350055637867},
	}
	for _, tc := range tests {
		t.Run(string(tc.scale), func(t *testing.T) {
			t.Parallel()
			res, err := Analyze(Input{
				Variants:        []Variant{{"A", 1}, {"B", 1}},
				Control:         "A",
				Primary:         Metric{Name: "conv", Kind: KindBinary, Scale: tc.scale, Binary: map[string]Binary{"A": {12, 85}, "B": {25, 90}}},
				ConfidenceLevel: 0.9,
			})
			require.NoError(t, err)
			c := res.Primary.Comparisons[0]
			require.Equal(t, tc.significant, c.Significant)
			require.InDelta(t, tc.p, c.PValue, refTol)
			require.InDelta(t, 0.023862297823992264, c.Absolute.PValue, refTol, "both views keep their p-values")
			require.InDelta(t, 0.12266350055637867, c.Relative.PValue, refTol)
			if tc.scale == "" {
				require.Equal(t, ScaleAbsolute, c.Scale)
			}
		})
	}
}

// TestSignificantMatchesInterval checks the consistency rule on random data, in both modes and on both
// scales, with one to three treatments: Significant ⇔ the stated scale's adjusted interval excludes 0, each
// lift's p-value < α ⇔ its interval excludes 0, and with one treatment the adjusted figures are the plain ones.
func TestSignificantMatchesInterval(t *testing.T) {
	t.Parallel()
	rng := rand.New(rand.NewPCG(17, 1))
	excludes := func(lo, hi float64) bool { return lo > 0 || hi < 0 }
	for i := range 600 {
		arms := 2 + i%3
		in := Input{Control: "v0", ConfidenceLevel: []float64{0, 0.9, 0.99}[i%3]}
		in.Mode = []Mode{ModeFixedHorizon, ModeSequential}[i/3%2]
		in.Sequential.MinUnits = 10
		scale := []Scale{ScaleAbsolute, ScaleRelative}[i/6%2]
		bin := map[string]Binary{}
		cont := map[string]Continuous{}
		for a := range arms {
			key := fmt.Sprintf("v%d", a)
			in.Variants = append(in.Variants, Variant{key, 1})
			n := int64(50 + rng.IntN(3000))
			bin[key] = Binary{Conversions: int64(float64(n) * (0.05 + 0.02*rng.Float64())), Trials: n}
			cont[key] = Continuous{Count: n, Mean: 10 + 0.3*rng.NormFloat64(), Variance: 4 + rng.Float64()}
		}
		in.Primary = Metric{Name: "p", Kind: KindBinary, Scale: scale, Binary: bin}
		in.Secondary = []Metric{{Name: "s", Kind: KindContinuous, Scale: scale, Continuous: cont}}
		res, err := Analyze(in)
		require.NoError(t, err)
		requireFinite(t, res)
		alpha := 1 - res.ConfidenceLevel
		for _, m := range append([]MetricResult{res.Primary}, res.Secondary...) {
			for _, c := range m.Comparisons {
				require.Equal(t, in.Mode, c.Mode)
				stated := c.Absolute
				if scale == ScaleRelative {
					stated = c.Relative
				}
				require.NotNil(t, stated)
				require.Equal(t, excludes(stated.AdjustedLower, stated.AdjustedUpper), c.Significant, "case %d %+v", i, c)
				require.Equal(t, stated.AdjustedPValue, c.AdjustedPValue)
				for _, l := range []*Lift{c.Absolute, c.Relative} {
					require.Equal(t, l.PValue < alpha, excludes(l.Lower, l.Upper), "case %d %+v", i, l)
					require.Equal(t, l.AdjustedPValue < alpha, excludes(l.AdjustedLower, l.AdjustedUpper), "case %d %+v", i, l)
					require.LessOrEqual(t, l.AdjustedLower, l.Lower)
					require.GreaterOrEqual(t, l.AdjustedUpper, l.Upper)
					if arms == 2 {
						require.Equal(t, l.PValue, l.AdjustedPValue)
						require.Equal(t, l.Lower, l.AdjustedLower)
						require.Equal(t, l.Upper, l.AdjustedUpper)
					}
				}
			}
		}
	}
}

func TestOptionsValidation(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name  string
		run   func() error
		field string
	}{
		{"bad scale", func() error {
			_, err := CompareMeansWith(Continuous{}, Continuous{}, Options{Scale: "LOG"})
			return err
		}, "scale"},
		{"bad mode", func() error {
			_, err := CompareProportionsWith(Binary{}, Binary{}, Options{Mode: "BAYESIAN"})
			return err
		}, "mode"},
		{"negative tuning", func() error {
			_, err := CompareMeansWith(Continuous{}, Continuous{}, Options{Mode: ModeSequential, Sequential: Sequential{Tuning: -1}})
			return err
		}, "sequential.tuning"},
		{"NaN tuning", func() error {
			_, err := CompareMeansWith(Continuous{}, Continuous{}, Options{Sequential: Sequential{Tuning: nan()}})
			return err
		}, "sequential.tuning"},
		{"negative minimum", func() error {
			_, err := CompareMeansWith(Continuous{}, Continuous{}, Options{Sequential: Sequential{MinUnits: -1}})
			return err
		}, "sequential.minUnits"},
		{"metric scale", func() error {
			in := threeArms()
			in.Secondary[0].Scale = "PERCENT"
			_, err := Analyze(in)
			return err
		}, "secondary[0].scale"},
		{"analysis mode", func() error {
			in := threeArms()
			in.Mode = "ALWAYS"
			_, err := Analyze(in)
			return err
		}, "mode"},
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

func nan() float64 { return math.NaN() }
