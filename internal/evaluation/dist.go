package evaluation

import (
	"math"

	"gonum.org/v1/gonum/stat/distuv"
)

// DefaultAlpha is the significance level used when a caller leaves Alpha at zero: two-sided 95 % intervals.
const DefaultAlpha = 0.05

// minAlpha and maxAlpha bound the significance levels accepted: below 1e-6 the critical values run off to
// infinity in float64, and above 0.5 the "confidence" interval would cover less than half.
const (
	minAlpha = 1e-6
	maxAlpha = 0.5
)

// resolveAlpha applies the zero-value default and rejects levels that make no useful interval.
func resolveAlpha(field string, alpha float64) (float64, error) {
	if alpha == 0 {
		return DefaultAlpha, nil
	}
	if !(alpha >= minAlpha && alpha <= maxAlpha) {
		return 0, invalid(field, "%v is not a usable significance level; send a number from %v to %v such as 0.05, or 0 for the default", alpha, minAlpha, maxAlpha)
	}
	return alpha, nil
}

// zCritical is the two-sided standard-normal critical value z₁₋α/₂.
func zCritical(alpha float64) float64 {
	return distuv.UnitNormal.Quantile(1 - alpha/2)
}

// largeDF is the degrees of freedom above which Student's t is replaced by the standard normal: gonum's
// incomplete beta loses accuracy beyond ~1e8, while at 1e7 the two 97.5 % quantiles differ by 2.4e-7.
const largeDF = 1e7

// tCritical is the two-sided Student-t critical value t_{df,1−α/2}; df ≥ 1.
func tCritical(alpha, df float64) float64 {
	if df > largeDF {
		return zCritical(alpha)
	}
	return distuv.StudentsT{Mu: 0, Sigma: 1, Nu: df}.Quantile(1 - alpha/2)
}

// zPValue is the two-sided p-value 2·(1 − Φ(|z|)).
func zPValue(z float64) float64 {
	return math.Min(1, 2*distuv.UnitNormal.Survival(math.Abs(z)))
}

// tPValue is the two-sided p-value 2·(1 − T_df(|t|)).
func tPValue(t, df float64) float64 {
	if df > largeDF {
		return zPValue(t)
	}
	return math.Min(1, 2*distuv.StudentsT{Mu: 0, Sigma: 1, Nu: df}.Survival(math.Abs(t)))
}

// quantile is the q-quantile of ascending values by linear interpolation between closest ranks, numpy's
// default "linear" method (Hyndman & Fan 1996, definition 7); sorted must not be empty.
func quantile(sorted []float64, q float64) float64 {
	h := float64(len(sorted)-1) * q
	lo := int(math.Floor(h))
	if lo >= len(sorted)-1 {
		return sorted[len(sorted)-1]
	}
	return sorted[lo] + (h-float64(lo))*(sorted[lo+1]-sorted[lo])
}

// Interval is a closed range [Low, High].
type Interval struct {
	Low, High float64
}

// roundoff is the spread below which values in [0, 1] count as equal: differences such as 0.4 − 0.3 and
// 0.6 − 0.5 differ by 1e-16 after rounding, and would otherwise give a t statistic of 10¹⁵.
const roundoff = 1e-12

// meanSD returns the mean and the sample standard deviation (n − 1 in the denominator) of xs, two-pass so that
// values close together do not cancel; len(xs) ≥ 2. A spread below roundoff is returned as 0.
func meanSD(xs []float64) (mean, sd float64) {
	for _, x := range xs {
		mean += x
	}
	mean /= float64(len(xs))
	var ss float64
	for _, x := range xs {
		ss += (x - mean) * (x - mean)
	}
	if sd = math.Sqrt(ss / float64(len(xs)-1)); sd < roundoff {
		sd = 0
	}
	return mean, sd
}

// clusterSE is the CR0 cluster-robust standard error of the mean of xs, clusters[i] being the cluster of xs[i]:
// SE² = Σ_c (Σ_{i∈c} (x_i − x̄))² / n², without small-sample correction (Liang & Zeger 1986; statsmodels
// OLS(x, 1).fit(cov_type="cluster", cov_kwds={"use_correction": False}) gives the same). It also returns the
// number of clusters.
func clusterSE(xs []float64, mean float64, clusters []string) (se float64, groups int) {
	index := make(map[string]int)
	var sums []float64 // in order of first appearance, so the result does not depend on map order
	for i, x := range xs {
		c, ok := index[clusters[i]]
		if !ok {
			c = len(sums)
			index[clusters[i]] = c
			sums = append(sums, 0)
		}
		sums[c] += x - mean
	}
	var ss float64
	for _, s := range sums {
		ss += s * s
	}
	if se = math.Sqrt(ss) / float64(len(xs)); se < roundoff {
		se = 0
	}
	return se, len(sums)
}
