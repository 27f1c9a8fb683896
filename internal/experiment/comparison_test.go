package experiment

import (
	"errors"
	"testing"

	"github.com/stretchr/testify/require"
)

// Reference values come from `/usr/bin/python3 internal/experiment/testdata/reference.py` (scipy 1.10.1,
// statsmodels 0.13.5; its output is kept in testdata/reference.out). Each value names its case and call.
const refTol = 1e-9

// C1: latency samples (ms) of a control and a treatment model.
var (
	c1Control   = []float64{812.0, 790.5, 845.2, 901.7, 768.3, 833.9, 799.4, 870.1, 822.6, 808.8, 856.0, 781.2}
	c1Treatment = []float64{760.4, 802.3, 731.9, 779.5, 745.0, 812.8, 726.1, 768.7, 790.2, 751.6, 737.3, 799.9, 744.8, 770.5, 758.1}
)

type refLift struct{ est, low, upp float64 }

func TestCompareProportionsReference(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name               string
		control, treatment Binary
		confidence         float64
		z, p               float64 // the pooled z-test
		waldZ, waldP       float64 // the unpooled z-test that goes with the Wald interval
		diffLow, diffUpp   float64
		rel                *refLift
		relP               float64
	}{
		{
			name: "B1 4.8% vs 5.6%", control: Binary{480, 10000}, treatment: Binary{560, 10000},
			// B1: proportions_ztest([560, 480], [10000, 10000])
			z: 2.5478223832249745, p: 0.010839764531605182,
			// B1.wald_z, B1.wald_p: (pb − pa)/√(pa(1 − pa)/na + pb(1 − pb)/nb), 2·norm.sf(|z|)
			waldZ: 2.548235957188128, waldP: 0.010826921277131306,
			// B1: confint_proportions_2indep(560, 10000, 480, 10000, compare='diff', method='wald', alpha=0.05)
			diffLow: 0.0018468367373552248, diffUpp: 0.014153163262644776,
			// B1: delta_relative(...) — GrowthBook TwoSidedTTest with variance p(1-p), written out in reference.py
			rel: &refLift{0.16666666666666666, 0.028151292347276813, 0.3051820409860565},
			// B1.rel_p: 2·t.sf(|rel/se|, Welch df)
			relP: 0.018361422110798005,
		},
		{
			name: "B2 small unequal samples at 90%", control: Binary{12, 85}, treatment: Binary{25, 90}, confidence: 0.90,
			// B2: proportions_ztest([25, 12], [90, 85])
			z: 2.211893396090627, p: 0.026974031670131862,
			// B2.wald_z, B2.wald_p
			waldZ: 2.259339126808362, waldP: 0.023862297823992264,
			// B2: confint_proportions_2indep(25, 90, 12, 85, compare='diff', method='wald', alpha=0.1)
			diffLow: 0.037152245775536566, diffUpp: 0.23605036860354844,
			// B2: delta_relative(...)
			rel: &refLift{0.9675925925925927, -0.06391071318964203, 1.9990958983748275},
			// B2.rel_p
			relP: 0.12266350055637867,
		},
		{
			name: "B3 zero conversions in control", control: Binary{0, 50}, treatment: Binary{5, 50},
			// B3: proportions_ztest([5, 0], [50, 50])
			z: 2.294157338705618, p: 0.021781462791119477,
			// B3.wald_z, B3.wald_p
			waldZ: 2.3570226039551585, waldP: 0.018422125454099002,
			// B3: confint_proportions_2indep(5, 50, 0, 50, compare='diff', method='wald', alpha=0.05)
			diffLow: 0.016845770539019325, diffUpp: 0.1831542294609807,
			// relative lift against a rate of 0 is undefined
		},
		{
			name: "B4 all conversions in control", control: Binary{40, 40}, treatment: Binary{38, 40},
			// B4: proportions_ztest([38, 40], [40, 40])
			z: -1.4322297480788664, p: 0.15207808079297497,
			// B4.wald_z, B4.wald_p
			waldZ: -1.450952500220024, waldP: 0.14679308730857077,
			// B4: confint_proportions_2indep(38, 40, 40, 40, compare='diff', method='wald', alpha=0.05)
			diffLow: -0.11754059778810284, diffUpp: 0.017540597788102755,
			// B4: delta_relative(...)
			rel: &refLift{-0.050000000000000044, -0.11970217534440335, 0.019702175344403258},
			// B4.rel_p
			relP: 0.1547895445572277,
		},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			c, err := CompareProportions(tc.control, tc.treatment, tc.confidence)
			require.NoError(t, err)
			require.InDelta(t, tc.z, c.PooledZ, refTol)
			require.InDelta(t, tc.p, c.PooledPValue, refTol)
			require.InDelta(t, tc.waldZ, c.Statistic, refTol)
			require.InDelta(t, tc.waldP, c.PValue, refTol)
			require.NotNil(t, c.Absolute)
			require.InDelta(t, tc.waldP, c.Absolute.PValue, refTol)
			require.InDelta(t, tc.diffLow, c.Absolute.Lower, refTol)
			require.InDelta(t, tc.diffUpp, c.Absolute.Upper, refTol)
			if tc.rel == nil {
				require.Nil(t, c.Relative)
				require.NotEmpty(t, c.Notes)
				return
			}
			require.NotNil(t, c.Relative)
			require.InDelta(t, tc.rel.est, c.Relative.Estimate, refTol)
			require.InDelta(t, tc.rel.low, c.Relative.Lower, refTol)
			require.InDelta(t, tc.rel.upp, c.Relative.Upper, refTol)
			require.InDelta(t, tc.relP, c.Relative.PValue, refTol)
		})
	}
}

func TestCompareMeansReference(t *testing.T) {
	t.Parallel()
	c1a, err := ContinuousFromValues(c1Control)
	require.NoError(t, err)
	c1b, err := ContinuousFromValues(c1Treatment)
	require.NoError(t, err)
	tests := []struct {
		name               string
		control, treatment Continuous
		confidence         float64
		t, p, df           float64
		diffLow, diffUpp   float64
		rel                refLift
		relP               float64
	}{
		{
			name: "C1 raw latency samples", control: c1a, treatment: c1b,
			// C1: scipy.stats.ttest_ind(treatment, control, equal_var=False)
			t: -4.441083788923444, p: 0.000284754942134193,
			// C1: CompareMeans(DescrStatsW(treatment), DescrStatsW(control)).ttest_ind(usevar='unequal')[2]
			df: 18.862028865073103,
			// C1: CompareMeans(...).tconfint_diff(alpha=0.05, usevar='unequal')
			diffLow: -86.6259421883232, diffUpp: -31.11072447834394,
			// C1: delta_relative(...) — GrowthBook TwoSidedTTest written out in reference.py
			rel: refLift{-0.07142987148245157, -0.10338884194780538, -0.039470901017097756},
			// C1.rel_p: 2·t.sf(|rel/se|, Welch df)
			relP: 0.00016594806315790237,
		},
		{
			name:    "C2 large aggregates at 99%",
			control: Continuous{Count: 5000, Mean: 1.20, Variance: 0.64}, treatment: Continuous{Count: 4800, Mean: 1.25, Variance: 0.7056},
			confidence: 0.99,
			// C2: scipy.stats.ttest_ind_from_stats(1.25, sqrt(0.7056), 4800, 1.2, sqrt(0.64), 5000, equal_var=False)
			t: 3.0151134457776387, p: 0.002575464029836625,
			// C2: Welch–Satterthwaite df and statsmodels _tconfint_generic(diff, se, df, 0.01, 'two-sided')
			df: 9720.10146565227, diffLow: 0.007276313880443419, diffUpp: 0.09272368611955667,
			// C2: delta_relative(...)
			rel: refLift{0.041666666666666706, 0.0053655686812600495, 0.07796776465207336},
			// C2.rel_p
			relP: 0.00311257527935421,
		},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			c, err := CompareMeans(tc.control, tc.treatment, tc.confidence)
			require.NoError(t, err)
			require.InDelta(t, tc.t, c.Statistic, refTol)
			require.InDelta(t, tc.p, c.PValue, refTol)
			require.InDelta(t, tc.df, c.DF, 1e-7)
			require.InDelta(t, tc.diffLow, c.Absolute.Lower, refTol)
			require.InDelta(t, tc.diffUpp, c.Absolute.Upper, refTol)
			require.NotNil(t, c.Relative)
			require.InDelta(t, tc.rel.est, c.Relative.Estimate, refTol)
			require.InDelta(t, tc.rel.low, c.Relative.Lower, refTol)
			require.InDelta(t, tc.rel.upp, c.Relative.Upper, refTol)
			require.InDelta(t, tc.relP, c.Relative.PValue, refTol)
			require.InDelta(t, tc.p, c.Absolute.PValue, refTol, "Welch's test is the absolute lift's own")
		})
	}
}

func TestCompareEdgeCases(t *testing.T) {
	t.Parallel()
	type want struct {
		p           float64
		absolute    *Lift // nil: no interval
		relativeNil bool
		note        bool
	}
	tests := []struct {
		name string
		run  func() (Comparison, error)
		want want
	}{
		{
			name: "zero conversions in both",
			run:  func() (Comparison, error) { return CompareProportions(Binary{0, 100}, Binary{0, 120}, 0) },
			want: want{p: 1, absolute: &Lift{}, relativeNil: true, note: true},
		},
		{
			name: "all conversions in both",
			run:  func() (Comparison, error) { return CompareProportions(Binary{30, 30}, Binary{10, 10}, 0) },
			// Δ = 0, every rate is 1 → zero-width Wald interval; relative lift 0 with zero width
			want: want{p: 1, absolute: &Lift{}, note: true},
		},
		{
			name: "identical binary variants",
			run:  func() (Comparison, error) { return CompareProportions(Binary{50, 1000}, Binary{50, 1000}, 0) },
			// z = 0 → p = 2·(1 − Φ(0)) = 1; se = √(2·0.05·0.95/1000) = 0.009746794344808964 and half-width
			// scipy.stats.norm.ppf(0.975)·se = 0.019103365880544242
			want: want{p: 1, absolute: &Lift{Estimate: 0, StdErr: 0.009746794344808964, Lower: -0.019103365880544242, Upper: 0.019103365880544242}},
		},
		{
			name: "no trials in treatment",
			run:  func() (Comparison, error) { return CompareProportions(Binary{5, 10}, Binary{}, 0) },
			want: want{p: 1, relativeNil: true, note: true},
		},
		{
			name: "binary n = 1 each",
			run:  func() (Comparison, error) { return CompareProportions(Binary{0, 1}, Binary{1, 1}, 0) },
			// pooled p̂ = 0.5, z = 1/√(0.25·2) = √2; proportions_ztest([1, 0], [1, 1]) → p = 0.15729920705028516.
			// The Wald interval would be (1.0, 1.0); with every rate 0 or 1 the pooled variance stands in,
			// se = √0.5 and half-width scipy.stats.norm.ppf(0.975)·√0.5 = 1.385903824349678.
			want: want{p: 0.15729920705028516, absolute: &Lift{Estimate: 1, StdErr: 0.7071067811865476, Lower: -0.38590382434967796, Upper: 2.385903824349678}, relativeNil: true, note: true},
		},
		{
			name: "continuous n = 1",
			run: func() (Comparison, error) {
				return CompareMeans(Continuous{Count: 1, Mean: 3}, Continuous{Count: 5, Mean: 4, Variance: 1}, 0)
			},
			want: want{p: 1, relativeNil: true, note: true},
		},
		{
			name: "zero variance, same mean",
			run: func() (Comparison, error) {
				return CompareMeans(Continuous{Count: 4, Mean: 2}, Continuous{Count: 9, Mean: 2}, 0)
			},
			want: want{p: 1, absolute: &Lift{}, note: true},
		},
		{
			name: "zero variance, different means",
			run: func() (Comparison, error) {
				return CompareMeans(Continuous{Count: 4, Mean: 2}, Continuous{Count: 9, Mean: 3}, 0)
			},
			want: want{p: 0, absolute: &Lift{Estimate: 1, Lower: 1, Upper: 1}, note: true},
		},
		{
			name: "identical continuous variants",
			run: func() (Comparison, error) {
				return CompareMeans(Continuous{Count: 10, Mean: 5, Variance: 4}, Continuous{Count: 10, Mean: 5, Variance: 4}, 0)
			},
			// t = 0 → p = 1; df = 18, se = √0.8 = 0.8944271909999159; half-width
			// scipy.stats.t.ppf(0.975, 18)·√0.8 = 1.8791217989625342
			want: want{p: 1, absolute: &Lift{StdErr: 0.8944271909999159, Lower: -1.8791217989625342, Upper: 1.8791217989625342}},
		},
		{
			name: "zero control mean",
			run: func() (Comparison, error) {
				return CompareMeans(Continuous{Count: 3, Mean: 0, Variance: 1}, Continuous{Count: 3, Mean: 1, Variance: 1}, 0)
			},
			// scipy.stats.ttest_ind_from_stats(1, 1, 3, 0, 1, 3, equal_var=False) → p = 0.2878641347266908;
			// se = √(2/3) = 0.816496580927726, df = 4, half-width scipy.stats.t.ppf(0.975, 4)·se = 2.266957935527523
			want: want{p: 0.2878641347266908, absolute: &Lift{Estimate: 1, StdErr: 0.816496580927726, Lower: -1.266957935527523, Upper: 3.266957935527523}, relativeNil: true, note: true},
		},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			c, err := tc.run()
			require.NoError(t, err)
			require.InDelta(t, tc.want.p, c.PValue, refTol)
			if tc.want.absolute == nil {
				require.Nil(t, c.Absolute)
			} else {
				require.NotNil(t, c.Absolute)
				require.InDelta(t, tc.want.absolute.Estimate, c.Absolute.Estimate, refTol)
				require.InDelta(t, tc.want.absolute.StdErr, c.Absolute.StdErr, refTol)
				require.InDelta(t, tc.want.absolute.Lower, c.Absolute.Lower, refTol)
				require.InDelta(t, tc.want.absolute.Upper, c.Absolute.Upper, refTol)
			}
			require.Equal(t, tc.want.relativeNil, c.Relative == nil)
			require.Equal(t, tc.want.note, len(c.Notes) > 0, "notes: %v", c.Notes)
			requireFinite(t, c)
		})
	}
}

func TestCompareValidation(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name  string
		run   func() error
		field string
	}{
		{"confidence too low", func() error { _, err := CompareProportions(Binary{}, Binary{}, 0.3); return err }, "confidenceLevel"},
		{"confidence 1", func() error { _, err := CompareMeans(Continuous{}, Continuous{}, 1); return err }, "confidenceLevel"},
		{"bad control", func() error { _, err := CompareProportions(Binary{3, 2}, Binary{}, 0); return err }, "control.conversions"},
		{"bad treatment", func() error {
			_, err := CompareMeans(Continuous{}, Continuous{Count: 2, Variance: -1}, 0)
			return err
		}, "treatment.variance"},
		{"overflowing difference", func() error {
			_, err := CompareMeans(Continuous{Count: 2, Mean: -1.7e308, Variance: 1}, Continuous{Count: 2, Mean: 1.7e308, Variance: 1}, 0)
			return err
		}, "treatment"},
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
