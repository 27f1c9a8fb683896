package experiment

import "math"

// relativeTest is the delta-method test of (m_b − m_a)/m_a as in GrowthBook's frequentist engine
// (gbstats frequentist/tests.py, TwoSidedTTest):
// Var = v_b/(m_a²·n_b) + v_a·m_b²/(m_a⁴·n_a), interval = Δ_rel ± t_{df,1−α/2}·√Var and p-value
// 2·(1 − T_df(|Δ_rel|/√Var)) with df the Welch–Satterthwaite degrees of freedom of v_a/n_a and v_b/n_b. v is
// the per-unit variance (p(1 − p) for a proportion, s² for a mean). It returns nil, with a note, when the
// relative lift is undefined.
func relativeTest(ma, va, na, mb, vb, nb float64, notes []string) (*scaleTest, []string) {
	if ma == 0 {
		return nil, append(notes, "the control estimate is 0, so a relative lift is undefined; use the absolute lift")
	}
	ratio := mb / ma
	est := ratio - 1
	// v_b/(m_a²n_b) + v_a·(m_b/m_a)²/(m_a²n_a), grouped so that intermediate powers of m_a cannot overflow.
	variance := (vb/nb)/ma/ma + (va/na)*ratio*ratio/ma/ma
	se := math.Sqrt(variance)
	if !finite(est, se) || (se > 0 && !finite(est/se)) {
		return nil, append(notes, "the control estimate is too close to 0 for a relative lift; use the absolute lift")
	}
	// welchDF is 0 (the normal) when a variance comes from a single unit, which only the pooled fallback of
	// binary metrics produces.
	return &scaleTest{est: est, se: se, df: welchDF(va/na, na, vb/nb, nb)}, notes
}
