package experiment

import (
	"fmt"

	"gonum.org/v1/gonum/stat/distuv"
)

// SRMThreshold is the p-value below which a sample ratio mismatch is flagged (GrowthBook's threshold, the
// srm threshold of its experiment settings).
const SRMThreshold = 0.001

// SRM is the sample-ratio-mismatch check: Pearson's chi-square goodness of fit of the observed units per
// variant against the planned traffic split (scipy.stats.chisquare), with k − 1 degrees of freedom.
type SRM struct {
	ChiSquare float64
	DF        int
	PValue    float64
	// Mismatch is PValue < SRMThreshold: the traffic split is broken and the results cannot be trusted.
	Mismatch bool
	Notes    []string
}

// CheckSRM tests the observed units per variant against the planned weights (any positive scale, e.g.
// 50/50 or 0.5/0.5), in the same order. No units at all gives p-value 1.
func CheckSRM(observed []int64, weights []float64) (SRM, error) {
	if len(observed) < 2 {
		return SRM{}, invalid("variants", "need at least 2 variants, got %d", len(observed))
	}
	if len(weights) != len(observed) {
		return SRM{}, invalid("weights", "need one weight per variant: %d weights for %d variants", len(weights), len(observed))
	}
	var total, weightSum float64
	for i := range observed {
		if observed[i] < 0 {
			return SRM{}, invalid(fmt.Sprintf("observed[%d]", i), "must be ≥ 0, got %d", observed[i])
		}
		if !finite(weights[i]) || weights[i] <= 0 {
			return SRM{}, invalid(fmt.Sprintf("weights[%d]", i), "must be a positive number, got %g", weights[i])
		}
		total += float64(observed[i])
		weightSum += weights[i]
	}
	if !finite(weightSum) {
		return SRM{}, invalid("weights", "too large; give the split as shares such as 0.5 and 0.5")
	}
	s := SRM{DF: len(observed) - 1, PValue: 1}
	if total == 0 {
		s.Notes = append(s.Notes, "no units observed yet; the split cannot be checked")
		return s, nil
	}
	for i, o := range observed {
		expected := total * (weights[i] / weightSum)
		d := float64(o) - expected
		s.ChiSquare += d * d / expected
	}
	if !finite(s.ChiSquare) {
		return SRM{}, invalid("weights", "a planned share is too small to test; check the traffic split")
	}
	s.PValue = distuv.ChiSquared{K: float64(s.DF)}.Survival(s.ChiSquare)
	s.Mismatch = s.PValue < SRMThreshold
	if s.Mismatch {
		s.Notes = append(s.Notes, fmt.Sprintf("sample ratio mismatch (p = %.3g < %g): traffic does not follow the planned split; check assignment and logging before trusting results", s.PValue, SRMThreshold))
	}
	return s, nil
}
