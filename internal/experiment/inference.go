package experiment

import "math"

// scaleTest is the inference on one scale (absolute or relative) of one comparison: an estimate, its
// standard error and the one reference distribution its interval and its p-value share, so that
// p < α ⇔ the 1 − α interval excludes 0 holds exactly.
type scaleTest struct {
	est, se float64
	// df is the Student-t degrees of freedom; 0 means the standard normal.
	df float64
	// n > 0 makes this a confidence sequence over n units (both arms together) with parameter rho.
	n, rho float64
}

func (s scaleTest) sequential() bool { return s.n > 0 }

// halfWidth is the half-width of the two-sided interval at level 1 − alpha.
func (s scaleTest) halfWidth(alpha float64) float64 {
	switch {
	case s.se == 0:
		return 0
	case s.sequential():
		return sequentialHalfWidth(s.se, s.n, s.rho, alpha)
	case s.df > 0:
		return tCritical(1-alpha, s.df) * s.se
	}
	return zCritical(1-alpha) * s.se
}

// pValue is the two-sided p-value of "no difference". With a zero standard error the estimate is exact:
// 1 when it is 0, else 0, as the zero-width interval says.
func (s scaleTest) pValue() float64 {
	switch {
	case s.se == 0 && s.est == 0:
		return 1
	case s.se == 0:
		return 0
	case s.sequential():
		return sequentialPValue(s.est, s.se, s.n, s.rho)
	case s.df > 0:
		return tPValue(s.est/s.se, s.df)
	}
	return zPValue(s.est / s.se)
}

// statistic is est/se, 0 when undefined.
func (s scaleTest) statistic() float64 {
	if s.se == 0 {
		return 0
	}
	return s.est / s.se
}

// lift is the interval and p-value at level 1 − alpha; the adjusted figures start equal to them (one
// comparison) and are replaced by adjust.
func (s scaleTest) lift(alpha float64) *Lift {
	h := s.halfWidth(alpha)
	p := s.pValue()
	return &Lift{
		Estimate: s.est, StdErr: s.se, Lower: s.est - h, Upper: s.est + h,
		PValue: p, AdjustedPValue: p, AdjustedLower: s.est - h, AdjustedUpper: s.est + h,
	}
}

// adjust sets the multiplicity-adjusted p-value and the interval that goes with it: the interval at level
// 1 − α·p/p̃, which excludes 0 exactly when p < α·p/p̃, that is when p̃ < α. GrowthBook's results likewise
// build "ad-hoc" intervals from adjusted p-values so that "adjusted p-values below your p-value threshold
// … coincide with confidence intervals that do not cross zero" (docs/statistics/multiple-corrections.mdx,
// growthbook/growthbook@8f1db4456915a8e7b7faf23d5632ca7219d2f469); GrowthBook backs out a standard error,
// we lower the level instead. For Holm's smallest p-value this is the Bonferroni interval at α/m; with one
// treatment it is the plain interval.
func (s scaleTest) adjust(l *Lift, adjusted, alpha float64) {
	l.AdjustedPValue = adjusted
	level := alpha
	if l.PValue > 0 && adjusted > l.PValue {
		level = alpha * (l.PValue / adjusted) // the ratio first: α·p can underflow
	}
	h := s.halfWidth(level)
	l.AdjustedLower, l.AdjustedUpper = s.est-h, s.est+h
}

// sequentialHalfWidth is the half-width of the two-sided asymptotic confidence sequence (Waudby-Smith et
// al. 2023, arXiv 2103.06476v7 eq. 9; gbstats sequential_interval_halfwidth):
// σ·√(2(nρ² + 1)·ln(√(nρ² + 1)/α)/(nρ)²) with σ² = se²·n, written as se·√(2(nρ² + 1)·ln(√(nρ² + 1)/α)/(nρ²))
// so that σ² cannot overflow.
func sequentialHalfWidth(se, n, rho, alpha float64) float64 {
	nr2 := n * rho * rho
	return se * math.Sqrt(2*(nr2+1)*(0.5*math.Log1p(nr2)-math.Log(alpha))/nr2)
}

// sequentialPValue is the always-valid p-value min(1, 1/E) with E = exp(ρ²·t²/(2(nρ² + 1)))/√(nρ² + 1)
// and t² = n·est²/se² (= n²·est²/σ² with σ² = se²·n), arXiv 2103.06476v7 eq. 155 as gbstats
// SequentialTwoSidedTTest.p_value computes it. With this t², p < α exactly when the confidence sequence
// at α excludes 0. It is computed on logarithms so that E cannot overflow.
func sequentialPValue(est, se, n, rho float64) float64 {
	z := est / se
	nr2 := n * rho * rho
	logE := rho*rho*n*z*z/(2*(nr2+1)) - 0.5*math.Log1p(nr2)
	if math.IsNaN(logE) {
		return 0 // z is infinite: the estimate is exact
	}
	return math.Min(1, math.Exp(-logE))
}
