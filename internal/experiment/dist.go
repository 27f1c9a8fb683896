package experiment

import (
	"math"

	"gonum.org/v1/gonum/stat/distuv"
)

// largeDF is the degrees of freedom above which Student's t is replaced by the standard normal: gonum's
// incomplete-beta evaluation loses accuracy beyond ~1e8 (it is wrong by 1e-5 at 1e12), while at 1e7 the
// normal 97.5 % quantile differs from Student's by 2.4e-7 (scipy.stats.t.ppf(0.975, 1e7) = 1.9599642218 vs
// norm.ppf(0.975) = 1.9599639845).
const largeDF = 1e7

// zCritical is the two-sided standard-normal critical value z₁₋α/₂ for confidence level 1 − α.
func zCritical(confidence float64) float64 {
	return distuv.UnitNormal.Quantile(1 - (1-confidence)/2)
}

// tCritical is the two-sided Student-t critical value t_{df,1−α/2}; df must be ≥ 1.
func tCritical(confidence, df float64) float64 {
	if df > largeDF {
		return zCritical(confidence)
	}
	return distuv.StudentsT{Mu: 0, Sigma: 1, Nu: df}.Quantile(1 - (1-confidence)/2)
}

// zPValue is the two-sided p-value 2·(1 − Φ(|z|)).
func zPValue(z float64) float64 {
	return 2 * distuv.UnitNormal.Survival(math.Abs(z))
}

// tPValue is the two-sided p-value 2·(1 − T_df(|t|)).
func tPValue(t, df float64) float64 {
	if df > largeDF {
		return zPValue(t)
	}
	return math.Min(1, 2*distuv.StudentsT{Mu: 0, Sigma: 1, Nu: df}.Survival(math.Abs(t)))
}

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
