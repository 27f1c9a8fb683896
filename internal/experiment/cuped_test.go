package experiment

import (
	"errors"
	"math"
	"math/rand/v2"
	"testing"

	"github.com/stretchr/testify/require"
	"gonum.org/v1/gonum/stat"
)

// sums folds raw (y, x) pairs into CovariateMoments.
func sums(y, x []float64) CovariateMoments {
	m := CovariateMoments{N: int64(len(y))}
	for i := range y {
		m.SumY += y[i]
		m.SumY2 += y[i] * y[i]
		m.SumX += x[i]
		m.SumX2 += x[i] * x[i]
		m.SumXY += x[i] * y[i]
	}
	return m
}

// correlated draws n pairs with X ~ N(10, 3²) and Y = 5 + slope·X + N(shift, noise²).
func correlated(rng *rand.Rand, n int, slope, noise, shift float64) (y, x []float64) {
	for range n {
		xi := 10 + 3*rng.NormFloat64()
		x = append(x, xi)
		y = append(y, 5+slope*xi+shift+noise*rng.NormFloat64())
	}
	return y, x
}

func TestCUPEDOneSampleIdentity(t *testing.T) {
	t.Parallel()
	// With θ fitted on the same sample, σ²_Y + θ²σ²_X − 2θσ_XY = σ²_Y(1 − ρ²).
	y, x := correlated(rand.New(rand.NewPCG(1, 2)), 500, 0.8, 2, 0)
	m := sums(y, x)
	s, err := m.stats("arm")
	require.NoError(t, err)
	theta := fitTheta(m)
	require.InDelta(t, stat.Covariance(y, x, nil)/stat.Variance(x, nil), theta, 1e-9)
	rho := stat.Correlation(y, x, nil)
	want := stat.Variance(y, nil) * (1 - rho*rho) / 500
	require.InEpsilon(t, want, adjustedVariance(s, theta)/500, 1e-9)
}

func TestCUPEDPooledTwoArms(t *testing.T) {
	t.Parallel()
	rng := rand.New(rand.NewPCG(3, 4))
	yc, xc := correlated(rng, 400, 0.8, 2, 0)
	yt, xt := correlated(rng, 350, 0.8, 2, 0.4)
	res, err := CompareCUPED(CUPEDInput{Control: CUPEDArm{Covariate: sums(yc, xc)}, Treatment: CUPEDArm{Covariate: sums(yt, xt)}})
	require.NoError(t, err)
	requireFinite(t, res)

	// θ = cov(Y, X)/var(X) over both arms' units pooled into one sample (gbstats compute_theta).
	yAll, xAll := append(append([]float64{}, yc...), yt...), append(append([]float64{}, xc...), xt...)
	theta := stat.Covariance(yAll, xAll, nil) / stat.Variance(xAll, nil)
	require.InDelta(t, theta, res.Theta, 1e-9)
	// The general formula: Σ over arms of (σ²_Y + θ²σ²_X − 2θσ_XY)/n with each arm's own moments.
	armVar := func(y, x []float64) float64 {
		return (stat.Variance(y, nil) + theta*theta*stat.Variance(x, nil) - 2*theta*stat.Covariance(y, x, nil)) / float64(len(y))
	}
	want := armVar(yc, xc) + armVar(yt, xt)
	require.InEpsilon(t, want, res.Adjusted.Absolute.StdErr*res.Adjusted.Absolute.StdErr, 1e-9)
	wantDiff := (stat.Mean(yt, nil) - theta*stat.Mean(xt, nil)) - (stat.Mean(yc, nil) - theta*stat.Mean(xc, nil))
	require.InDelta(t, wantDiff, res.Adjusted.Absolute.Estimate, 1e-9)
	require.InDelta(t, wantDiff, res.Treatment.AdjustedMean-res.Control.AdjustedMean, 1e-9)
	raw := stat.Variance(yc, nil)/400 + stat.Variance(yt, nil)/350
	require.InDelta(t, 1-want/raw, res.VarianceReduction, 1e-9)
	require.Greater(t, res.VarianceReduction, 0.5, "ρ ≈ 0.77 removes ρ² ≈ 60 % of the variance")
	require.InDelta(t, stat.Mean(yt, nil)-stat.Mean(yc, nil), res.Raw.Absolute.Estimate, 1e-9)
	require.Equal(t, 1.0, res.CovariateShare)
}

func TestCUPEDReference(t *testing.T) {
	t.Parallel()
	t.Run("GBRA gbstats sequential regression adjustment", func(t *testing.T) {
		t.Parallel()
		// gbstats packages/stats/tests/frequentist/test_tests.py test_sequential_test_runs_ra
		// (growthbook/growthbook@8f1db44): post (1396.87, 52377.9767, n 3000), pre (16.87, 527.9767), Σxy 1
		// against post (2422.7, 134698.29, n 3461), pre (22.7, 1348.29), Σxy 1; relative, sequential.
		res, err := CompareCUPED(CUPEDInput{
			Control:   CUPEDArm{Covariate: CovariateMoments{N: 3000, SumY: 1396.87, SumY2: 52377.9767, SumX: 16.87, SumX2: 527.9767, SumXY: 1}},
			Treatment: CUPEDArm{Covariate: CovariateMoments{N: 3461, SumY: 2422.7, SumY2: 134698.29, SumX: 22.7, SumX2: 1348.29, SumXY: 1}},
			Options:   Options{Scale: ScaleRelative, Mode: ModeSequential},
		})
		require.NoError(t, err)
		r := res.Adjusted.Relative
		// reference.py GBRA.*
		require.InDelta(t, -0.011403222553755095, res.Theta, refTol)
		require.InDelta(t, -0.509694174070741, r.Lower, refTol)
		require.InDelta(t, 1.516462165274735, r.Upper, refTol)
		require.Equal(t, 1.0, r.PValue)
		// gbstats expects expected 0.50338, ci (-0.50969, 1.51646), stddev 0.33341, pValue 1
		require.InDelta(t, 0.50338, r.Estimate, gbTol)
		require.InDelta(t, 0.33341, r.StdErr, gbTol)
		require.InDelta(t, -0.50969, r.Lower, gbTol)
		require.InDelta(t, 1.51646, r.Upper, gbTol)
	})
	t.Run("K1 with a stratum without covariate", func(t *testing.T) {
		t.Parallel()
		// reference.py K1: seeded data, sums printed as K1.*.cov = [n, Σy, Σy², Σx, Σx², Σxy] and
		// K1.*.nocov = [n, Σy, Σy²]; expected figures from an independent numpy implementation.
		res, err := CompareCUPED(CUPEDInput{
			Control: CUPEDArm{
				Covariate:   CovariateMoments{300, 3832.06, 51756.61460000001, 2915.1400000000003, 30921.167599999997, 39289.683999999994},
				NoCovariate: Moments{40, 480.47, 6004.4521},
			},
			Treatment: CUPEDArm{
				Covariate:   CovariateMoments{280, 3874.8900000000003, 56593.9119, 2869.2799999999997, 31987.521800000002, 41786.4581},
				NoCovariate: Moments{55, 711.3199999999999, 10007.848600000001},
			},
		})
		require.NoError(t, err)
		const tol = 1e-8 // sums of ~10⁴ rounded to 2 decimals carry ~1e-12 relative error into the variances
		require.InDelta(t, 0.8072358133074177, res.Theta, tol)
		require.InDelta(t, 12.843890532625267, res.Control.AdjustedMean, tol)
		require.InDelta(t, 13.52115481653546, res.Treatment.AdjustedMean, tol)
		require.InDelta(t, 580.0/675, res.CovariateShare, 1e-15)
		a, r := res.Adjusted.Absolute, res.Adjusted.Relative
		require.InDelta(t, 0.6772642839101941, a.Estimate, tol)
		require.InDelta(t, 0.17424269796669883, a.StdErr, tol)
		require.InDelta(t, 0.33512165166000313, a.Lower, tol)
		require.InDelta(t, 1.0194069161603851, a.Upper, tol)
		require.InDelta(t, 0.00011188595590869933, a.PValue, tol)
		require.InDelta(t, 0.05339553731323978, r.Estimate, tol)
		require.InDelta(t, 0.014204858014333214, r.StdErr, tol)
		require.InDelta(t, 0.02550290497639979, r.Lower, tol)
		require.InDelta(t, 0.08128816965007978, r.Upper, tol)
		require.InDelta(t, 0.00018588385038681546, r.PValue, tol)
		require.InDelta(t, 0.4995179905856456, res.VarianceReduction, tol)
		require.True(t, res.Adjusted.Significant)
		require.Greater(t, res.Raw.Absolute.StdErr, a.StdErr, "the raw comparison is reported beside, less precise")
	})
}

// TestCUPEDSimulation checks that the formula's variance is the estimate's observed variance.
func TestCUPEDSimulation(t *testing.T) {
	t.Parallel()
	const sims = 2000
	rng := rand.New(rand.NewPCG(2013, 11))
	estimates := make([]float64, sims)
	var formula, reduction float64
	for i := range sims {
		yc, xc := correlated(rng, 200, 0.8, 2, 0)
		yt, xt := correlated(rng, 200, 0.8, 2, 0.3)
		// a tenth of the units have no covariate: their own stratum
		y0c, _ := correlated(rng, 20, 0.8, 2, 0)
		y0t, _ := correlated(rng, 20, 0.8, 2, 0.3)
		res, err := CompareCUPED(CUPEDInput{
			Control:   CUPEDArm{Covariate: sums(yc, xc), NoCovariate: moments(y0c)},
			Treatment: CUPEDArm{Covariate: sums(yt, xt), NoCovariate: moments(y0t)},
		})
		require.NoError(t, err)
		estimates[i] = res.Adjusted.Absolute.Estimate
		formula += res.Adjusted.Absolute.StdErr * res.Adjusted.Absolute.StdErr / sims
		reduction += res.VarianceReduction / sims
	}
	observed := stat.Variance(estimates, nil)
	// The sample variance of 2000 normal estimates has a relative standard error of √(2/1999) = 3.2 %;
	// allow three of them.
	tol := 3 * math.Sqrt(2.0/(sims-1))
	t.Logf("CUPED, %d simulations: observed variance %.5f, mean formula variance %.5f (ratio %.3f, tolerance ±%.3f), mean variance reduction %.3f",
		sims, observed, formula, observed/formula, tol, reduction)
	require.InEpsilon(t, formula, observed, tol)
	require.InDelta(t, 0.3, stat.Mean(estimates, nil), 4*math.Sqrt(observed/sims), "the adjusted difference is unbiased")
}

func moments(y []float64) Moments {
	m := Moments{N: int64(len(y))}
	for _, v := range y {
		m.Sum += v
		m.SumSquares += v * v
	}
	return m
}

func TestCUPEDEdges(t *testing.T) {
	t.Parallel()
	rng := rand.New(rand.NewPCG(5, 6))
	yc, xc := correlated(rng, 50, 0.8, 2, 0)
	yt, xt := correlated(rng, 50, 0.8, 2, 0)

	// Only one arm has units without a covariate: the strata cannot be compared.
	res, err := CompareCUPED(CUPEDInput{
		Control:   CUPEDArm{Covariate: sums(yc, xc), NoCovariate: moments(yc[:5])},
		Treatment: CUPEDArm{Covariate: sums(yt, xt)},
	})
	require.NoError(t, err)
	require.Equal(t, res.Raw, res.Adjusted)
	require.NotEmpty(t, res.Notes)

	// No covariate anywhere: one stratum, the adjusted comparison is the raw one.
	res, err = CompareCUPED(CUPEDInput{Control: CUPEDArm{NoCovariate: moments(yc)}, Treatment: CUPEDArm{NoCovariate: moments(yt)}})
	require.NoError(t, err)
	require.InDelta(t, res.Raw.Absolute.StdErr, res.Adjusted.Absolute.StdErr, 1e-12)
	require.InDelta(t, res.Raw.PValue, res.Adjusted.PValue, 1e-12)
	require.InDelta(t, 0, res.VarianceReduction, 1e-12)

	// Empty arms: nothing to compare, no NaN.
	res, err = CompareCUPED(CUPEDInput{})
	require.NoError(t, err)
	requireFinite(t, res)
	require.Nil(t, res.Adjusted.Absolute)

	// A constant covariate: θ = 0.
	flat := make([]float64, len(xc))
	res, err = CompareCUPED(CUPEDInput{Control: CUPEDArm{Covariate: sums(yc, flat)}, Treatment: CUPEDArm{Covariate: sums(yt, flat)}})
	require.NoError(t, err)
	require.Zero(t, res.Theta)
	requireFinite(t, res)

	tests := []struct {
		name  string
		in    CUPEDInput
		field string
	}{
		{"negative n", CUPEDInput{Control: CUPEDArm{Covariate: CovariateMoments{N: -1}}}, "control.covariate.n"},
		{"sums without units", CUPEDInput{Treatment: CUPEDArm{NoCovariate: Moments{Sum: 3}}}, "treatment.noCovariate.n"},
		{"impossible Σy²", CUPEDInput{Control: CUPEDArm{Covariate: CovariateMoments{N: 2, SumY: 10, SumY2: 1, SumX: 1, SumX2: 1}}}, "control.covariate.sumY2"},
		{"correlation beyond 1", CUPEDInput{Control: CUPEDArm{Covariate: CovariateMoments{N: 2, SumY: 1, SumY2: 1, SumX: 1, SumX2: 1, SumXY: 50}}}, "control.covariate.sumXY"},
		{"NaN", CUPEDInput{Control: CUPEDArm{NoCovariate: Moments{N: 2, Sum: math.NaN()}}}, "control.noCovariate"},
		{"bad options", CUPEDInput{Options: Options{Scale: "X"}}, "scale"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			_, err := CompareCUPED(tc.in)
			var ve *ValidationError
			require.True(t, errors.As(err, &ve), "got %v", err)
			require.Equal(t, tc.field, ve.Field)
		})
	}
}
