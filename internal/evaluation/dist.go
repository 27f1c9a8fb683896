package evaluation

import "math"

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
