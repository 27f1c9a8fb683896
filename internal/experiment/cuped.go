package experiment

import "math"

// Moments are the sufficient statistics of a metric Y over a set of units: their number, ΣY and ΣY².
type Moments struct {
	N          int64
	Sum        float64
	SumSquares float64
}

// CovariateMoments are the sufficient statistics of a metric Y and its pre-experiment covariate X (usually
// the same metric measured before exposure) over the units that have a covariate.
type CovariateMoments struct {
	N                  int64
	SumY, SumY2        float64
	SumX, SumX2, SumXY float64
}

// CUPEDArm is one variant's data for CUPED: the units with a pre-experiment covariate and, separately, the
// units without one (new users, say), which form their own stratum.
type CUPEDArm struct {
	Covariate   CovariateMoments
	NoCovariate Moments
}

// CUPEDInput is a control and a treatment arm to compare with regression adjustment.
type CUPEDInput struct {
	Control, Treatment CUPEDArm
	Options
}

// CUPEDArmEstimate is one arm's raw and adjusted mean.
type CUPEDArmEstimate struct {
	Units          int64   // all units
	WithCovariate  int64   // units that have a covariate
	RawMean        float64 // Ȳ over all units
	RawStdErr      float64 // s/√n over all units
	AdjustedMean   float64 // the post-stratified, covariate-adjusted mean (see CompareCUPED)
	AdjustedStdErr float64
}

// CUPEDResult is a CUPED comparison beside the raw one.
type CUPEDResult struct {
	// Theta is θ = cov(Y, X)/var(X), fitted on the units with a covariate of both arms together.
	Theta float64
	// CovariateShare is the share w of units, both arms together, that have a covariate: the weight of
	// the adjusted stratum (the stratum without a covariate weighs 1 − w).
	CovariateShare     float64
	Control, Treatment CUPEDArmEstimate
	// Raw is the comparison of the unadjusted means over all units (CompareMeansWith); Adjusted the CUPED one.
	// Both follow the input's Options (scale, mode, confidence).
	Raw, Adjusted Comparison
	// VarianceReduction is 1 − Var(adjusted difference)/Var(raw difference): the share of the absolute
	// lift's variance CUPED removed (0.3 means the same precision with 30 % fewer units). It can be negative
	// when the covariate is useless and the sample small.
	VarianceReduction float64
	Notes             []string
}

// CompareCUPED compares treatment against control with CUPED (Deng, Xu, Kohavi & Walker 2013, "Improving
// the Sensitivity of Online Controlled Experiments by Utilizing Pre-Experiment Data"), as GrowthBook's
// regression adjustment computes it (gbstats models/statistics.py RegressionAdjustedStatistic and
// compute_theta; docs/statistics/cuped-technical.mdx; growthbook/growthbook@8f1db44):
//
//   - θ = cov(Y, X)/var(X) over the units with a covariate of both arms pooled into one sample (0 when
//     var(X) or var(Y) is 0);
//   - per arm, the units with a covariate give Ȳ − θ(X̄ − X̄_pooled), with per-unit variance
//     σ²_Y + θ²σ²_X − 2θσ_XY; the difference of two arms is GrowthBook's Δ̂ = (Ȳ_T − θX̄_T) − (Ȳ_C − θX̄_C);
//   - units without a covariate form their own stratum, as Statsig does (its CUPED documentation: users with
//     no pre-period data are adjusted apart), and the two strata are combined by post-stratification with
//     weights fixed for both arms: the pooled shares w and 1 − w of units with and without a covariate.
//     The adjusted arm mean is w·(Ȳ₁ − θ(X̄₁ − X̄_pooled)) + (1 − w)·Ȳ₀, its variance
//     w²·(σ²_Y + θ²σ²_X − 2θσ_XY)/n₁ + (1 − w)²·s₀²/n₀. With every unit covered (w = 1) this is plain
//     CUPED; a chance imbalance of new users between the arms does not bias the difference;
//   - the relative lift is the adjusted difference over the raw control mean, by the delta method over both
//     arms' stratum means, its gradient evaluated at the raw means (gbstats
//     frequentist_variance_relative_cuped does the same with one stratum).
//
// Fixed-horizon tests use Student's t with the Welch–Satterthwaite degrees of freedom of the arms' adjusted
// variances; ModeSequential gives confidence sequences over both arms' units. θ is treated as known, which
// understates the variance by O(1/n). Sums of large values lose precision (ΣY² − (ΣY)²/n cancels); send
// values in a unit that keeps them near 1, or centred.
func CompareCUPED(in CUPEDInput) (CUPEDResult, error) {
	s, err := in.Options.resolve("")
	if err != nil {
		return CUPEDResult{}, err
	}
	arms := [2]CUPEDArm{in.Control, in.Treatment}
	var st [2]cupedArm
	for i, name := range []string{"control", "treatment"} {
		if st[i], err = arms[i].stats(name); err != nil {
			return CUPEDResult{}, err
		}
	}
	c, t := st[0], st[1]
	res := CUPEDResult{}
	if res.Raw, err = CompareMeansWith(c.all, t.all, in.Options); err != nil {
		return CUPEDResult{}, err
	}
	res.Control = CUPEDArmEstimate{Units: c.all.Count, WithCovariate: c.cov.n, RawMean: c.all.Mean, RawStdErr: stdErr(c.all)}
	res.Treatment = CUPEDArmEstimate{Units: t.all.Count, WithCovariate: t.cov.n, RawMean: t.all.Mean, RawStdErr: stdErr(t.all)}

	units := float64(c.all.Count + t.all.Count)
	withCov := float64(c.cov.n + t.cov.n)
	if units > 0 {
		res.CovariateShare = withCov / units
	}
	w1, w0 := res.CovariateShare, 1-res.CovariateShare
	// Every stratum that carries weight must have units in both arms, or the arms estimate different things.
	if stratumMissing(c.cov.n, t.cov.n) || stratumMissing(c.no.Count, t.no.Count) {
		res.Notes = append(res.Notes, "one arm has units with a covariate (or without one) and the other has none, so the strata cannot be compared; the adjusted figures repeat the raw ones")
		res.Adjusted = res.Raw
		res.Control.AdjustedMean, res.Control.AdjustedStdErr = res.Control.RawMean, res.Control.RawStdErr
		res.Treatment.AdjustedMean, res.Treatment.AdjustedStdErr = res.Treatment.RawMean, res.Treatment.RawStdErr
		return res, nil
	}
	res.Theta = fitTheta(c.covRaw, t.covRaw)
	if res.Theta == 0 && withCov > 0 {
		res.Notes = append(res.Notes, "the covariate (or the metric) has no variance among the units that have one, so θ = 0 and nothing is adjusted")
	}
	xPooled := 0.0
	if withCov > 0 {
		xPooled = (c.covRaw.SumX + t.covRaw.SumX) / withCov
	}
	theta := res.Theta
	var mean, variance [2]float64 // adjusted mean and variance of that mean, per arm
	for i, a := range st {
		if a.cov.n > 0 {
			mean[i] += w1 * (a.cov.my - theta*(a.cov.mx-xPooled))
			variance[i] += w1 * w1 * adjustedVariance(a.cov, theta) / float64(a.cov.n)
		}
		if a.no.Count > 0 {
			mean[i] += w0 * a.no.Mean
			variance[i] += w0 * w0 * a.no.Variance / float64(a.no.Count)
		}
	}
	res.Control.AdjustedMean, res.Control.AdjustedStdErr = mean[0], math.Sqrt(variance[0])
	res.Treatment.AdjustedMean, res.Treatment.AdjustedStdErr = mean[1], math.Sqrt(variance[1])
	if !finite(mean[0], mean[1], variance[0], variance[1]) {
		return CUPEDResult{}, invalid("treatment", "values too large to adjust; rescale the metric and the covariate")
	}

	adj := comparison{Comparison: Comparison{Scale: s.scale, Mode: s.mode, PValue: 1, PooledPValue: 1}}
	if c.all.Count < 2 || t.all.Count < 2 {
		adj.Notes = append(adj.Notes, "each variant needs at least 2 values; collect more observations")
		res.Adjusted = adj.single(s)
		return res, nil
	}
	if s.mode == ModeSequential && (c.all.Count < s.seq.MinUnits || t.all.Count < s.seq.MinUnits) {
		adj.Notes = append(adj.Notes, belowSequentialMinimum(c.all.Count, t.all.Count, s.seq.MinUnits))
		res.Adjusted = adj.single(s)
		return res, nil
	}
	nc, nt := float64(c.all.Count), float64(t.all.Count)
	diff := mean[1] - mean[0]
	df := welchDF(variance[0], nc, variance[1], nt)
	abs := &scaleTest{est: diff, se: math.Sqrt(variance[0] + variance[1]), df: df}
	rel := cupedRelative(c, t, w1, w0, theta, diff, df)
	if rel == nil {
		adj.Notes = append(adj.Notes, "the control mean is 0, so a relative lift is undefined; use the absolute lift")
	}
	if err := adj.set(abs, rel, nc+nt, s); err != nil {
		return CUPEDResult{}, err
	}
	res.Adjusted = adj.single(s)
	if rawVar := c.all.Variance/nc + t.all.Variance/nt; rawVar > 0 {
		res.VarianceReduction = 1 - (variance[0]+variance[1])/rawVar
	}
	return res, nil
}

// cupedRelative is the delta-method test of diff/Ȳ_C (raw control mean). The arms are independent and, given
// their stratum sizes, so are the strata within an arm; per stratum the gradient over (Ȳ, X̄) meets the
// stratum's covariance matrix. The gradient is evaluated at the raw means: the control's Ȳ-gradient
// −w_s/Ȳ_C − (Ȳ_T − Ȳ_C)·π_s/Ȳ_C² (π_s = the stratum's share of the control arm) is, with one stratum,
// gbstats' −Ȳ_T/Ȳ_C².
func cupedRelative(c, t cupedArm, w1, w0, theta, diff, df float64) *scaleTest {
	rc := c.all.Mean
	if rc == 0 {
		return nil
	}
	rawDiff := t.all.Mean - rc
	nc := float64(c.all.Count)
	var variance float64
	stratum := func(m covStats, gy, gx float64) {
		if m.n > 0 {
			variance += (gy*gy*m.vy + 2*gy*gx*m.cxy + gx*gx*m.vx) / float64(m.n)
		}
	}
	stratum(t.cov, w1/rc, -w1*theta/rc)
	stratum(t.noStats(), w0/rc, 0)
	stratum(c.cov, -w1/rc-rawDiff*(float64(c.cov.n)/nc)/(rc*rc), w1*theta/rc)
	stratum(c.noStats(), -w0/rc-rawDiff*(float64(c.no.Count)/nc)/(rc*rc), 0)
	est := diff / rc
	se := math.Sqrt(variance)
	if !finite(est, se) || (se > 0 && !finite(est/se)) {
		return nil
	}
	return &scaleTest{est: est, se: se, df: df}
}

// covStats are the means, variances and covariance of one stratum (sample, n − 1; 0 for n ≤ 1).
type covStats struct {
	n           int64
	my, mx      float64
	vy, vx, cxy float64
}

// cupedArm is one arm's data in usable form.
type cupedArm struct {
	covRaw CovariateMoments
	cov    covStats
	no     Continuous // the stratum without a covariate
	all    Continuous // every unit, for the raw comparison
}

func (a cupedArm) noStats() covStats {
	return covStats{n: a.no.Count, my: a.no.Mean, vy: a.no.Variance}
}

func (a CUPEDArm) stats(field string) (cupedArm, error) {
	m, err := a.Covariate.stats(field + ".covariate")
	if err != nil {
		return cupedArm{}, err
	}
	no, err := a.NoCovariate.continuous(field + ".noCovariate")
	if err != nil {
		return cupedArm{}, err
	}
	withY, err := Moments{N: a.Covariate.N, Sum: a.Covariate.SumY, SumSquares: a.Covariate.SumY2}.continuous(field + ".covariate")
	if err != nil {
		return cupedArm{}, err
	}
	if a.Covariate.N > math.MaxInt64-a.NoCovariate.N {
		return cupedArm{}, invalid(field, "total units overflow a 64-bit integer")
	}
	all, err := withY.Merge(no)
	if err != nil {
		return cupedArm{}, invalid(field, "values too large to aggregate; rescale the metric")
	}
	return cupedArm{covRaw: a.Covariate, cov: m, no: no, all: all}, nil
}

// continuous turns moments into a mean and sample variance, rejecting sums no set of real numbers has.
func (m Moments) continuous(field string) (Continuous, error) {
	switch {
	case m.N < 0:
		return Continuous{}, invalid(field+".n", "must be ≥ 0, got %d", m.N)
	case !finite(m.Sum, m.SumSquares):
		return Continuous{}, invalid(field, "sums must be finite numbers")
	case m.N == 0 && (m.Sum != 0 || m.SumSquares != 0):
		return Continuous{}, invalid(field+".n", "is 0 but the sums are not; send n > 0 or zeros")
	case m.N == 0:
		return Continuous{}, nil
	}
	n := float64(m.N)
	mean := m.Sum / n
	v, err := sampleVariance(m.SumSquares, m.Sum, n, field+".sumSquares")
	if err != nil {
		return Continuous{}, err
	}
	return Continuous{Count: m.N, Mean: mean, Variance: v}, nil
}

func (m CovariateMoments) stats(field string) (covStats, error) {
	switch {
	case m.N < 0:
		return covStats{}, invalid(field+".n", "must be ≥ 0, got %d", m.N)
	case !finite(m.SumY, m.SumY2, m.SumX, m.SumX2, m.SumXY):
		return covStats{}, invalid(field, "sums must be finite numbers")
	case m.N == 0 && (m.SumY != 0 || m.SumY2 != 0 || m.SumX != 0 || m.SumX2 != 0 || m.SumXY != 0):
		return covStats{}, invalid(field+".n", "is 0 but the sums are not; send n > 0 or zeros")
	case m.N == 0:
		return covStats{}, nil
	}
	n := float64(m.N)
	s := covStats{n: m.N, my: m.SumY / n, mx: m.SumX / n}
	var err error
	if s.vy, err = sampleVariance(m.SumY2, m.SumY, n, field+".sumY2"); err != nil {
		return covStats{}, err
	}
	if s.vx, err = sampleVariance(m.SumX2, m.SumX, n, field+".sumX2"); err != nil {
		return covStats{}, err
	}
	if m.N > 1 {
		s.cxy = (m.SumXY - m.SumX*m.SumY/n) / (n - 1)
	}
	if !finite(s.cxy) {
		return covStats{}, invalid(field, "values too large to aggregate; rescale the metric and the covariate")
	}
	// |cov| ≤ sd_X·sd_Y up to rounding; anything beyond is not a set of real (X, Y) pairs.
	if bound := math.Sqrt(s.vx * s.vy); math.Abs(s.cxy) > bound*(1+1e-9)+1e-12*(math.Abs(m.SumXY)/n) {
		return covStats{}, invalid(field+".sumXY", "implies a correlation beyond ±1; check the sums")
	}
	return s, nil
}

// sampleVariance is (Σx² − (Σx)²/n)/(n − 1), 0 for n ≤ 1; a clearly negative value means inconsistent sums,
// a slightly negative one is rounding and becomes 0.
func sampleVariance(sumSquares, sum, n float64, field string) (float64, error) {
	if sumSquares < 0 {
		return 0, invalid(field, "must be ≥ 0, got %g", sumSquares)
	}
	if n <= 1 {
		return 0, nil
	}
	m2 := sumSquares - sum*(sum/n)
	if !finite(m2) {
		return 0, invalid(field, "values too large to aggregate; rescale the metric")
	}
	if m2 < 0 {
		if m2 < -1e-9*sumSquares {
			return 0, invalid(field, "is smaller than (Σ)²/n, which no set of real values gives; check the sums")
		}
		m2 = 0
	}
	return m2 / (n - 1), nil
}

// fitTheta is θ = cov(Y, X)/var(X) over the pooled units of the given strata (gbstats compute_theta); 0 when
// either variance is 0 or there are fewer than 2 units.
func fitTheta(ms ...CovariateMoments) float64 {
	var joint CovariateMoments
	for _, m := range ms {
		joint.N += m.N
		joint.SumY += m.SumY
		joint.SumY2 += m.SumY2
		joint.SumX += m.SumX
		joint.SumX2 += m.SumX2
		joint.SumXY += m.SumXY
	}
	s, err := joint.stats("")
	if err != nil || s.vx == 0 || s.vy == 0 {
		return 0
	}
	return s.cxy / s.vx
}

// adjustedVariance is the per-unit variance of Y − θX: σ²_Y + θ²σ²_X − 2θσ_XY (never below 0).
func adjustedVariance(s covStats, theta float64) float64 {
	return math.Max(0, s.vy+theta*theta*s.vx-2*theta*s.cxy)
}

func stratumMissing(a, b int64) bool { return (a == 0) != (b == 0) }

func stdErr(c Continuous) float64 {
	if c.Count == 0 {
		return 0
	}
	return math.Sqrt(c.Variance / float64(c.Count))
}
