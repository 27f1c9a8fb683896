package experiment

import "github.com/modelarchitect/architect/internal/stats"

// zCritical is the two-sided standard-normal critical value z₁₋α/₂ for confidence level 1 − α.
func zCritical(confidence float64) float64 { return stats.ZCritical(1 - confidence) }

// tCritical is the two-sided Student-t critical value t_{df,1−α/2}; df must be ≥ 1.
func tCritical(confidence, df float64) float64 { return stats.TCritical(1-confidence, df) }

// zPValue is the two-sided p-value 2·(1 − Φ(|z|)).
func zPValue(z float64) float64 { return stats.ZPValue(z) }

// tPValue is the two-sided p-value 2·(1 − T_df(|t|)).
func tPValue(t, df float64) float64 { return stats.TPValue(t, df) }

// welchDF is the Welch–Satterthwaite degrees of freedom (a + b)² / (a²/(n_a − 1) + b²/(n_b − 1)) with
// a = s_a²/n_a and b = s_b²/n_b, computed on the shares a/(a+b) so that it cannot overflow. A term whose
// variance is 0 contributes nothing (its limit), so a group of one value with no variance is allowed.
// It returns 0 when both variances are 0 (the degrees of freedom are undefined).
func welchDF(a, na, b, nb float64) float64 {
	sum := a + b
	if sum == 0 {
		return 0
	}
	var denom float64
	if a > 0 {
		ra := a / sum
		denom += ra * ra / (na - 1)
	}
	if b > 0 {
		rb := b / sum
		denom += rb * rb / (nb - 1)
	}
	return 1 / denom
}
