package experiment

import (
	"fmt"
	"math"
)

// DefaultConfidenceLevel is used when a confidence level of 0 is given.
const DefaultConfidenceLevel = 0.95

// Confidence levels outside [MinConfidenceLevel, MaxConfidenceLevel] are rejected.
const (
	MinConfidenceLevel = 0.5
	MaxConfidenceLevel = 0.9999
)

// Lift is the difference of a variant against control on one scale (absolute: treatment − control;
// relative: (treatment − control)/control) with its standard error, its two-sided interval [Lower, Upper]
// and its own two-sided p-value. The interval and the p-value come from the same statistic and reference
// distribution, so PValue < 1 − confidence exactly when [Lower, Upper] excludes 0. In ModeSequential the
// interval is an always-valid confidence sequence and PValue the always-valid p-value.
type Lift struct {
	Estimate float64
	StdErr   float64
	Lower    float64
	Upper    float64
	// PValue is the two-sided p-value of "no difference" on this scale.
	PValue float64
	// AdjustedPValue is PValue after Holm's correction across the treatment variants of the metric on this
	// scale (equal to PValue with one treatment variant).
	AdjustedPValue float64
	// AdjustedLower and AdjustedUpper are the interval that goes with AdjustedPValue: at level
	// 1 − α·PValue/AdjustedPValue, so it excludes 0 exactly when AdjustedPValue < α. With one treatment
	// variant they equal Lower and Upper.
	AdjustedLower float64
	AdjustedUpper float64
}

// Comparison is one variant against control on one metric. The headline figures (Statistic, DF, PValue,
// AdjustedPValue, Significant) are those of the stated Scale in the selected Mode; both scales keep their
// own interval and p-value in Absolute and Relative.
type Comparison struct {
	Variant string // the treatment variant's key (set by Analyze)
	Scale   Scale  // the scale the headline figures and Significant refer to
	Mode    Mode   // fixed-horizon or sequential
	// Absolute is nil when a variant has too little data (no trials; fewer than 2 values for a continuous
	// metric; fewer than Sequential.MinUnits in ModeSequential).
	Absolute *Lift
	// Relative is nil when Absolute is, or when the control estimate is 0 (a relative change of 0 is undefined).
	Relative *Lift
	// Statistic is the stated scale's estimate over its standard error: z, or Welch's t when DF > 0; 0 when
	// undefined.
	Statistic float64
	// DF is the Welch–Satterthwaite degrees of freedom of the stated scale's t reference distribution; 0 when
	// the reference is the standard normal (a binary absolute lift, any sequential result) or undefined.
	DF float64
	// PValue is the stated scale's two-sided p-value (always-valid in ModeSequential); 1 when the data carry
	// no information or the stated scale is undefined.
	PValue float64
	// AdjustedPValue is PValue after Holm's correction across the variants of the metric (equal to PValue
	// with one treatment variant).
	AdjustedPValue float64
	// Significant is AdjustedPValue < 1 − confidence level, which holds exactly when the stated scale's
	// adjusted interval [AdjustedLower, AdjustedUpper] excludes 0 (with one treatment: its interval).
	Significant bool
	// PooledZ and PooledPValue are the classical two-proportion z-test with pooled variance
	// (statsmodels proportions_ztest), fixed-horizon, for binary metrics only; they do not decide
	// significance (its variance differs from the interval's). 0 and 1 when undefined or continuous.
	PooledZ      float64
	PooledPValue float64
	// Notes explain degenerate or undefined figures, in words a person can act on.
	Notes []string
}

func checkConfidence(level float64) (float64, error) {
	if level == 0 {
		return DefaultConfidenceLevel, nil
	}
	if !(level >= MinConfidenceLevel && level <= MaxConfidenceLevel) {
		return 0, invalid("confidenceLevel", "must be between %g and %g (e.g. 0.95), got %g", MinConfidenceLevel, MaxConfidenceLevel, level)
	}
	return level, nil
}

// CompareProportions compares a binary metric of treatment against control with a fixed-horizon test on
// the absolute scale at the given confidence level (0 means DefaultConfidenceLevel); see
// CompareProportionsWith.
func CompareProportions(control, treatment Binary, confidence float64) (Comparison, error) {
	return CompareProportionsWith(control, treatment, Options{ConfidenceLevel: confidence})
}

// CompareProportionsWith compares a binary metric of treatment against control. The absolute lift's
// interval is the unpooled Wald interval (statsmodels confint_proportions_2indep(compare='diff',
// method='wald')) and its p-value the z-test with the same unpooled standard error; the relative lift uses
// the delta method with variance p(1 − p) per variant and Student's t with Welch–Satterthwaite degrees of
// freedom, as GrowthBook's frequentist engine does (gbstats frequentist/tests.py TwoSidedTTest). When every
// observed rate is 0 or 1 the plug-in variances vanish, and the pooled rate's variance p̄(1 − p̄) is used for
// both arms instead. The pooled z-test is reported beside, in PooledZ and PooledPValue.
func CompareProportionsWith(control, treatment Binary, o Options) (Comparison, error) {
	s, err := o.resolve("")
	if err != nil {
		return Comparison{}, err
	}
	r, err := compareProportions(control, treatment, s)
	if err != nil {
		return Comparison{}, err
	}
	return r.single(s), nil
}

// CompareMeans compares a continuous metric of treatment against control with a fixed-horizon test on the
// absolute scale at the given confidence level (0 means DefaultConfidenceLevel); see CompareMeansWith.
func CompareMeans(control, treatment Continuous, confidence float64) (Comparison, error) {
	return CompareMeansWith(control, treatment, Options{ConfidenceLevel: confidence})
}

// CompareMeansWith compares a continuous metric of treatment against control. The absolute lift is
// Welch's t-test with Welch–Satterthwaite degrees of freedom (scipy ttest_ind(equal_var=False)) and its
// interval Δ ± t_{df,1−α/2}·√(s_a²/n_a + s_b²/n_b); the relative lift uses the delta method, as GrowthBook's
// frequentist engine does. In ModeSequential both become always-valid confidence sequences.
func CompareMeansWith(control, treatment Continuous, o Options) (Comparison, error) {
	s, err := o.resolve("")
	if err != nil {
		return Comparison{}, err
	}
	r, err := compareMeans(control, treatment, s)
	if err != nil {
		return Comparison{}, err
	}
	return r.single(s), nil
}

// comparison is a Comparison with the tests behind its two scales, kept so that Analyze can adjust them.
type comparison struct {
	Comparison
	abs, rel *scaleTest
}

func compareProportions(control, treatment Binary, s settings) (comparison, error) {
	if err := control.Validate("control"); err != nil {
		return comparison{}, err
	}
	if err := treatment.Validate("treatment"); err != nil {
		return comparison{}, err
	}
	c := comparison{Comparison: Comparison{Scale: s.scale, Mode: s.mode, PValue: 1, PooledPValue: 1}}
	if control.Trials == 0 || treatment.Trials == 0 {
		c.Notes = append(c.Notes, "a variant has no trials yet; no comparison is possible")
		return c, nil
	}
	na, nb := float64(control.Trials), float64(treatment.Trials)
	pa, pb := control.Rate(), treatment.Rate()
	diff := pb - pa

	pooled := float64(control.Conversions+treatment.Conversions) / (na + nb)
	pooledVar := pooled * (1 - pooled)
	if sePooled := math.Sqrt(pooledVar * (1/na + 1/nb)); sePooled > 0 {
		c.PooledZ = diff / sePooled
		c.PooledPValue = zPValue(c.PooledZ)
	}
	va, vb := pa*(1-pa), pb*(1-pb)
	switch {
	case va == 0 && vb == 0 && pa == pb:
		c.Notes = append(c.Notes, fmt.Sprintf("both variants converted at exactly %g; there is no variance, so the interval has zero width and the p-value is 1; collect more trials", pa))
	case va == 0 && vb == 0:
		va, vb = pooledVar, pooledVar
		c.Notes = append(c.Notes, "every observed rate is 0 or 1, so the per-variant variances vanish; the pooled rate's variance is used for the intervals; collect more trials")
	}
	if s.mode == ModeSequential && (control.Trials < s.seq.MinUnits || treatment.Trials < s.seq.MinUnits) {
		c.Notes = append(c.Notes, belowSequentialMinimum(control.Trials, treatment.Trials, s.seq.MinUnits))
		return c, nil
	}
	abs := &scaleTest{est: diff, se: math.Sqrt(va/na + vb/nb)}
	rel, notes := relativeTest(pa, va, na, pb, vb, nb, c.Notes)
	c.Notes = notes
	return c, c.set(abs, rel, na+nb, s)
}

func compareMeans(control, treatment Continuous, s settings) (comparison, error) {
	if err := control.Validate("control"); err != nil {
		return comparison{}, err
	}
	if err := treatment.Validate("treatment"); err != nil {
		return comparison{}, err
	}
	c := comparison{Comparison: Comparison{Scale: s.scale, Mode: s.mode, PValue: 1, PooledPValue: 1}}
	if control.Count < 2 || treatment.Count < 2 {
		c.Notes = append(c.Notes, "each variant needs at least 2 values for Welch's t-test; collect more observations")
		return c, nil
	}
	na, nb := float64(control.Count), float64(treatment.Count)
	diff := treatment.Mean - control.Mean
	a, b := control.Variance/na, treatment.Variance/nb
	se := math.Sqrt(a + b)
	if !finite(diff, se) {
		return comparison{}, invalid("treatment", "values too large to compare; rescale the metric (e.g. seconds instead of microseconds)")
	}
	if se > 0 && !finite(diff/se) {
		return comparison{}, invalid("treatment", "the difference is too large relative to its standard error to test; rescale the metric")
	}
	if se == 0 {
		if diff == 0 {
			c.Notes = append(c.Notes, "both variants have the same constant value; p-value set to 1")
		} else {
			c.Notes = append(c.Notes, "both variants have zero variance, so the difference is exact; p-value set to 0")
		}
	}
	if s.mode == ModeSequential && (control.Count < s.seq.MinUnits || treatment.Count < s.seq.MinUnits) {
		c.Notes = append(c.Notes, belowSequentialMinimum(control.Count, treatment.Count, s.seq.MinUnits))
		return c, nil
	}
	abs := &scaleTest{est: diff, se: se, df: welchDF(a, na, b, nb)}
	rel, notes := relativeTest(control.Mean, control.Variance, na, treatment.Mean, treatment.Variance, nb, c.Notes)
	c.Notes = notes
	return c, c.set(abs, rel, na+nb, s)
}

func belowSequentialMinimum(control, treatment, minimum int64) string {
	return fmt.Sprintf("sequential results are reported from %d units per variant; control has %d and treatment %d, so no interval yet; keep collecting", minimum, control, treatment)
}

// set turns the tests of the two scales into lifts (confidence sequences over the n units of both arms in
// ModeSequential) and fills the headline figures from the stated scale. An absolute interval that overflows
// is an error; a relative one is dropped with a note.
func (c *comparison) set(abs, rel *scaleTest, n float64, s settings) error {
	for _, t := range []*scaleTest{abs, rel} {
		if t != nil && s.mode == ModeSequential {
			t.df, t.n, t.rho = 0, n, s.rho
		}
	}
	c.abs, c.Absolute = abs, abs.lift(s.alpha)
	if !finite(c.Absolute.Lower, c.Absolute.Upper) {
		return invalid("treatment", "values too large to compare; rescale the metric (e.g. seconds instead of microseconds)")
	}
	if rel != nil {
		if l := rel.lift(s.alpha); finite(l.Lower, l.Upper) {
			c.rel, c.Relative = rel, l
		} else {
			c.Notes = append(c.Notes, "the control estimate is too close to 0 for a relative lift; use the absolute lift")
		}
	}
	head := c.stated()
	if head == nil {
		c.Notes = append(c.Notes, "the relative lift is undefined, so nothing is significant on the RELATIVE scale; state the metric on the ABSOLUTE scale")
		return nil
	}
	c.Statistic, c.DF, c.PValue = head.statistic(), head.df, head.pValue()
	return nil
}

// stated is the test of the stated scale, nil when that scale is undefined.
func (c *comparison) stated() *scaleTest {
	if c.Scale == ScaleRelative {
		return c.rel
	}
	return c.abs
}

// single fills the figures of a lone comparison: adjusted equal to unadjusted, significance at α.
func (c comparison) single(s settings) Comparison {
	c.finish(c.PValue, s.alpha)
	return c.Comparison
}

// finish records the headline's adjusted p-value and significance.
func (c *comparison) finish(adjusted, alpha float64) {
	c.AdjustedPValue = adjusted
	c.Significant = adjusted < alpha
}
