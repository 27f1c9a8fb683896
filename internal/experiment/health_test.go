package experiment

import (
	"errors"
	"math"
	"math/rand/v2"
	"testing"

	"github.com/stretchr/testify/require"
	"gonum.org/v1/gonum/stat"
)

func TestCheckSRMOverPeriods(t *testing.T) {
	t.Parallel()
	// reference.py P1, P2: scipy.stats.chisquare(observed, Σ_p units_p·w_p/Σw_p)
	s, err := CheckSRMOverPeriods([]int64{880, 2120}, []SRMPeriod{{1000, []float64{50, 50}}, {2000, []float64{20, 80}}})
	require.NoError(t, err)
	require.InDelta(t, 0.6349206349206349, s.ChiSquare, refTol)
	require.InDelta(t, 0.42555611641912916, s.PValue, refTol)
	require.Equal(t, 1, s.DF)
	require.False(t, s.Mismatch)
	// against the last split alone (20/80) the same counts look broken: expected 600/2400
	last, err := CheckSRM([]int64{880, 2120}, []float64{20, 80})
	require.NoError(t, err)
	require.True(t, last.Mismatch)

	s, err = CheckSRMOverPeriods([]int64{5150, 3050, 1800}, []SRMPeriod{{6000, []float64{1, 1, 0}}, {4000, []float64{2, 1, 1}}})
	require.NoError(t, err)
	require.InDelta(t, 870.125, s.ChiSquare, refTol)
	require.InDelta(t, 1.1343758364924734e-189, s.PValue, 1e-195)
	require.True(t, s.Mismatch)

	// One period is CheckSRM (S3).
	one, err := CheckSRMOverPeriods([]int64{5120, 4880, 5400}, []SRMPeriod{{15400, []float64{1, 1, 1}}})
	require.NoError(t, err)
	require.InDelta(t, 26.38961038961039, one.ChiSquare, refTol)

	// A variant that was never on but received units is a mismatch by itself.
	s, err = CheckSRMOverPeriods([]int64{500, 480, 20}, []SRMPeriod{{1000, []float64{1, 1, 0}}})
	require.NoError(t, err)
	require.True(t, s.Mismatch)
	require.Zero(t, s.PValue)
	requireFinite(t, s)

	s, err = CheckSRMOverPeriods([]int64{0, 0}, []SRMPeriod{{0, []float64{1, 1}}})
	require.NoError(t, err)
	require.Equal(t, 1.0, s.PValue)

	tests := []struct {
		name     string
		observed []int64
		periods  []SRMPeriod
		field    string
	}{
		{"no periods", []int64{1, 1}, nil, "periods"},
		{"totals differ", []int64{10, 10}, []SRMPeriod{{21, []float64{1, 1}}}, "periods"},
		{"weights length", []int64{1, 1}, []SRMPeriod{{2, []float64{1}}}, "periods[0].weights"},
		{"negative weight", []int64{1, 1}, []SRMPeriod{{2, []float64{1, -1}}}, "periods[0].weights[1]"},
		{"all off", []int64{1, 1}, []SRMPeriod{{2, []float64{0, 0}}}, "periods[0].weights"},
		{"negative units", []int64{1, 1}, []SRMPeriod{{-2, []float64{1, 1}}}, "periods[0].units"},
		{"negative observed", []int64{1, -1}, []SRMPeriod{{0, []float64{1, 1}}}, "observed[1]"},
	}
	for _, tc := range tests {
		_, err := CheckSRMOverPeriods(tc.observed, tc.periods)
		var ve *ValidationError
		require.True(t, errors.As(err, &ve), "%s: got %v", tc.name, err)
		require.Equal(t, tc.field, ve.Field, tc.name)
	}
}

func TestSampleSizeRatio(t *testing.T) {
	t.Parallel()
	plan := RatioPlan{NumeratorMean: 1200, DenominatorMean: 3, NumeratorStdDev: 900, DenominatorStdDev: 2, Correlation: 0.8,
		MinDetectableEffect: 0.05, Relative: true}
	got, err := SampleSizeRatio(plan)
	require.NoError(t, err)
	// reference.py R1: the delta-method σ_R and normal_sample_size_one_tail(0.05·400, 0.8, 0.025,
	// std_null = std_alternative = √2·σ_R)
	require.InDelta(t, 181.96458751941574, got.StdDev, 1e-9)
	require.InDelta(t, 1299.4256449089048, got.Exact, 1e-7)
	require.Equal(t, int64(1300), got.PerVariant)
	require.Equal(t, 400.0, got.Ratio)

	// With a constant denominator the ratio is a mean divided by μ_D.
	plain, err := SampleSizeRatio(RatioPlan{NumeratorMean: 10, DenominatorMean: 2, NumeratorStdDev: 4, MinDetectableEffect: 0.25})
	require.NoError(t, err)
	means, err := SampleSizeMeans(MeanPlan{StdDev: 2, MinDetectableEffect: 0.25})
	require.NoError(t, err)
	require.InDelta(t, means.Exact, plain.Exact, 1e-9)

	tests := []struct {
		name   string
		modify func(*RatioPlan)
		field  string
	}{
		{"denominator 0", func(p *RatioPlan) { p.DenominatorMean = 0 }, "denominatorMean"},
		{"negative spread", func(p *RatioPlan) { p.NumeratorStdDev = -1 }, "numeratorStdDev"},
		{"correlation", func(p *RatioPlan) { p.Correlation = 1.5 }, "correlation"},
		{"NaN correlation", func(p *RatioPlan) { p.Correlation = math.NaN() }, "correlation"},
		{"no effect", func(p *RatioPlan) { p.MinDetectableEffect = 0 }, "minDetectableEffect"},
		{"no variance", func(p *RatioPlan) { p.NumeratorStdDev, p.DenominatorStdDev = 0, 0 }, "numeratorStdDev"},
		{"power", func(p *RatioPlan) { p.Power = 2 }, "power"},
	}
	for _, tc := range tests {
		p := plan
		tc.modify(&p)
		_, err := SampleSizeRatio(p)
		var ve *ValidationError
		require.True(t, errors.As(err, &ve), "%s: got %v", tc.name, err)
		require.Equal(t, tc.field, ve.Field, tc.name)
	}
}

// TestRatioDeltaVarianceSimulation checks the delta-method spread against the observed variance of ΣN/ΣD.
func TestRatioDeltaVarianceSimulation(t *testing.T) {
	t.Parallel()
	const (
		sims  = 2000
		units = 400
	)
	mn, md, sn, sd, rho := 1200.0, 3.0, 900.0, 2.0, 0.8
	plan, err := SampleSizeRatio(RatioPlan{NumeratorMean: mn, DenominatorMean: md, NumeratorStdDev: sn, DenominatorStdDev: sd, Correlation: rho, MinDetectableEffect: 1})
	require.NoError(t, err)
	rng := rand.New(rand.NewPCG(11, 12))
	ratios := make([]float64, sims)
	for s := range sims {
		var num, den float64
		for range units {
			z1, z2 := rng.NormFloat64(), rng.NormFloat64()
			den += md + sd*z1
			num += mn + sn*(rho*z1+math.Sqrt(1-rho*rho)*z2)
		}
		ratios[s] = num / den
	}
	observed := stat.Variance(ratios, nil)
	want := plan.StdDev * plan.StdDev / units
	// 3 relative standard errors of a sample variance over 2000 draws, plus the delta method's O(1/n) bias
	require.InEpsilon(t, want, observed, 3*math.Sqrt(2.0/(sims-1))+0.02)
}

func TestCheckHealth(t *testing.T) {
	t.Parallel()
	// reference.py: chisquare([1200, 1000]) = 18.1818, p = 2.0079e-5 < 0.001
	broken, err := CheckSRM([]int64{1200, 1000}, []float64{1, 1})
	require.NoError(t, err)
	fine, err := CheckSRM([]int64{1000, 1010}, []float64{1, 1})
	require.NoError(t, err)
	primary := MetricResult{Name: "resolved", Variants: []VariantEstimate{{Variant: "a", Units: 1000}, {Variant: "b", Units: 1010}}}
	tests := []struct {
		name     string
		srm      SRM
		assigned []int64
		status   HealthStatus
		checks   []HealthCheck
		note     bool
	}{
		{"no assignments, split fine", fine, nil, Healthy, nil, true},
		{"srm", broken, nil, Unhealthy, []HealthCheck{CheckSampleRatio}, true},
		{"recorded as many as assigned", fine, []int64{1000, 1010}, Healthy, nil, false},
		{"recorded fewer than assigned", fine, []int64{1200, 1100}, Healthy, nil, false},
		{"recorded more than assigned", fine, []int64{1000, 1009}, Unhealthy, []HealthCheck{CheckDuplicateExposures}, false},
		{"both", broken, []int64{999, 1000}, Unhealthy, []HealthCheck{CheckSampleRatio, CheckDuplicateExposures, CheckDuplicateExposures}, false},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			h := CheckHealth(tc.srm, primary, tc.assigned)
			require.Equal(t, tc.status, h.Status)
			var checks []HealthCheck
			for _, r := range h.Reasons {
				checks = append(checks, r.Check)
				require.NotEmpty(t, r.Message)
			}
			require.Equal(t, tc.checks, checks)
			require.Equal(t, tc.note, len(h.Notes) > 0)
		})
	}
	h := CheckHealth(fine, primary, []int64{1000, 1009})
	require.Equal(t, `variant "b" has 1010 units recorded on "resolved" but only 1009 assigned: 1 recorded units were counted more than once or never assigned; record each assigned unit once, under its variant`, h.Reasons[0].Message)
	h = CheckHealth(broken, primary, nil)
	require.Equal(t, "sample ratio mismatch: p = 2.01e-05 < 0.001 (χ² = 18.18, df 1); traffic does not follow the split, so the results cannot be trusted; check assignment and logging", h.Reasons[0].Message)
}

func TestAnalyzeReportsHealth(t *testing.T) {
	t.Parallel()
	in := Input{
		Variants: []Variant{{Key: "a", Weight: 1}, {Key: "b", Weight: 1}}, Control: "a",
		Primary:   Metric{Name: "resolved", Kind: KindBinary, Binary: map[string]Binary{"a": {Conversions: 50, Trials: 1000}, "b": {Conversions: 60, Trials: 1020}}},
		Exposures: &Exposures{Units: []int64{1005, 1000}, Periods: []SRMPeriod{{Units: 2005, Weights: []float64{1, 1}}}},
	}
	res, err := Analyze(in)
	require.NoError(t, err)
	require.Equal(t, Unhealthy, res.Health.Status)
	require.Equal(t, CheckDuplicateExposures, res.Health.Reasons[0].Check)
	in.Exposures.Units = []int64{1005, 1020}
	in.Exposures.Periods[0].Units = 2025
	res, err = Analyze(in)
	require.NoError(t, err)
	require.Equal(t, Health{Status: Healthy}, res.Health)
}
