package experiment

import "math"

// relativeLift is the delta-method interval of (m_b − m_a)/m_a as in GrowthBook's frequentist engine
// (gbstats frequentist/tests.py, TwoSidedTTest):
// Var = v_b/(m_a²·n_b) + v_a·m_b²/(m_a⁴·n_a), interval = Δ_rel ± t_{df,1−α/2}·√Var with df the
// Welch–Satterthwaite degrees of freedom of v_a/n_a and v_b/n_b. v is the per-unit variance (p(1 − p) for a
// proportion, s² for a mean). It returns nil, with a note, when the relative lift is undefined.
func relativeLift(ma, va, na, mb, vb, nb, confidence float64, notes []string) (*Lift, []string) {
	if ma == 0 {
		return nil, append(notes, "the control estimate is 0, so a relative lift is undefined; use the absolute lift")
	}
	ratio := mb / ma
	est := ratio - 1
	// v_b/(m_a²n_b) + v_a·(m_b/m_a)²/(m_a²n_a), grouped so that intermediate powers of m_a cannot overflow.
	variance := (vb/nb)/ma/ma + (va/na)*ratio*ratio/ma/ma
	se := math.Sqrt(variance)
	if !finite(est, se) {
		return nil, append(notes, "the control estimate is too close to 0 for a relative lift; use the absolute lift")
	}
	if se == 0 {
		return &Lift{Estimate: est, Lower: est, Upper: est}, notes
	}
	t := tCritical(confidence, welchDF(va/na, na, vb/nb, nb))
	lift := &Lift{Estimate: est, StdErr: se, Lower: est - t*se, Upper: est + t*se}
	if !finite(lift.Lower, lift.Upper) {
		return nil, append(notes, "the control estimate is too close to 0 for a relative lift; use the absolute lift")
	}
	return lift, notes
}
