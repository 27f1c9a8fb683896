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

// Lift is the difference of a variant against control (absolute: treatment − control; relative:
// (treatment − control)/control) with its standard error and two-sided confidence interval [Lower, Upper].
type Lift struct {
	Estimate float64
	StdErr   float64
	Lower    float64
	Upper    float64
}

// Comparison is one variant against control on one metric.
type Comparison struct {
	Variant string // the treatment variant's key (set by Analyze)
	// Absolute is nil when a variant has too little data (no trials; fewer than 2 values for a continuous metric).
	Absolute *Lift
	// Relative is nil when Absolute is, or when the control estimate is 0 (a relative change of 0 is undefined).
	Relative *Lift
	// Statistic is the test statistic: z for a binary metric, Welch's t for a continuous one; 0 when undefined.
	Statistic float64
	// DF is the Welch–Satterthwaite degrees of freedom of a continuous metric's test; 0 for the z-test or
	// when undefined (both variances 0).
	DF float64
	// PValue is the two-sided p-value of "no difference"; 1 when the data carry no information.
	PValue float64
	// AdjustedPValue is PValue after Holm's correction across the variants of the metric (equal to PValue
	// with one treatment variant).
	AdjustedPValue float64
	// Significant is AdjustedPValue < 1 − confidence level.
	Significant bool
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

// CompareProportions compares a binary metric of treatment against control at the given confidence level
// (0 means DefaultConfidenceLevel). The p-value is the two-proportion z-test with pooled variance
// (statsmodels proportions_ztest); the interval of the difference is the unpooled Wald interval
// (statsmodels confint_proportions_2indep(compare='diff', method='wald')); the relative lift uses the delta
// method with variance p(1 − p) per variant, as GrowthBook's frequentist engine does.
func CompareProportions(control, treatment Binary, confidence float64) (Comparison, error) {
	confidence, err := checkConfidence(confidence)
	if err != nil {
		return Comparison{}, err
	}
	if err := control.Validate("control"); err != nil {
		return Comparison{}, err
	}
	if err := treatment.Validate("treatment"); err != nil {
		return Comparison{}, err
	}
	c := Comparison{PValue: 1}
	if control.Trials == 0 || treatment.Trials == 0 {
		c.Notes = append(c.Notes, "a variant has no trials yet; no comparison is possible")
		return c.withAdjusted(confidence), nil
	}
	na, nb := float64(control.Trials), float64(treatment.Trials)
	pa, pb := control.Rate(), treatment.Rate()
	diff := pb - pa

	pooled := float64(control.Conversions+treatment.Conversions) / (na + nb)
	if sePooled := math.Sqrt(pooled * (1 - pooled) * (1/na + 1/nb)); sePooled > 0 {
		c.Statistic = diff / sePooled
		c.PValue = zPValue(c.Statistic)
	} else {
		c.Notes = append(c.Notes, fmt.Sprintf("both variants converted at exactly %g; the z-test has no variance, p-value set to 1", pa))
	}

	va, vb := pa*(1-pa), pb*(1-pb)
	se := math.Sqrt(va/na + vb/nb)
	z := zCritical(confidence)
	c.Absolute = &Lift{Estimate: diff, StdErr: se, Lower: diff - z*se, Upper: diff + z*se}
	if se == 0 {
		c.Notes = append(c.Notes, "every observed rate is 0 or 1, so the Wald interval has zero width; collect more trials")
	}
	c.Relative, c.Notes = relativeLift(pa, va, na, pb, vb, nb, confidence, c.Notes)
	return c.withAdjusted(confidence), nil
}

// CompareMeans compares a continuous metric of treatment against control at the given confidence level
// (0 means DefaultConfidenceLevel) by Welch's t-test with Welch–Satterthwaite degrees of freedom (scipy
// ttest_ind(equal_var=False)) and its interval Δ ± t_{df,1−α/2}·√(s_a²/n_a + s_b²/n_b); the relative lift
// uses the delta method, as GrowthBook's frequentist engine does.
func CompareMeans(control, treatment Continuous, confidence float64) (Comparison, error) {
	confidence, err := checkConfidence(confidence)
	if err != nil {
		return Comparison{}, err
	}
	if err := control.Validate("control"); err != nil {
		return Comparison{}, err
	}
	if err := treatment.Validate("treatment"); err != nil {
		return Comparison{}, err
	}
	c := Comparison{PValue: 1}
	if control.Count < 2 || treatment.Count < 2 {
		c.Notes = append(c.Notes, "each variant needs at least 2 values for Welch's t-test; collect more observations")
		return c.withAdjusted(confidence), nil
	}
	na, nb := float64(control.Count), float64(treatment.Count)
	diff := treatment.Mean - control.Mean
	a, b := control.Variance/na, treatment.Variance/nb
	se := math.Sqrt(a + b)
	if !finite(diff, se) {
		return Comparison{}, invalid("treatment", "values too large to compare; rescale the metric (e.g. seconds instead of microseconds)")
	}
	if se == 0 {
		c.Absolute = &Lift{Estimate: diff, Lower: diff, Upper: diff}
		if diff == 0 {
			c.Notes = append(c.Notes, "both variants have the same constant value; p-value set to 1")
		} else {
			c.PValue = 0
			c.Notes = append(c.Notes, "both variants have zero variance, so the difference is exact; p-value set to 0")
		}
	} else {
		c.DF = welchDF(a, na, b, nb)
		c.Statistic = diff / se
		if !finite(c.Statistic) {
			return Comparison{}, invalid("treatment", "the difference is too large relative to its standard error to test; rescale the metric")
		}
		c.PValue = tPValue(c.Statistic, c.DF)
		t := tCritical(confidence, c.DF)
		c.Absolute = &Lift{Estimate: diff, StdErr: se, Lower: diff - t*se, Upper: diff + t*se}
	}
	if !finite(c.Absolute.Lower, c.Absolute.Upper) {
		return Comparison{}, invalid("treatment", "values too large to compare; rescale the metric (e.g. seconds instead of microseconds)")
	}
	c.Relative, c.Notes = relativeLift(control.Mean, control.Variance, na, treatment.Mean, treatment.Variance, nb, confidence, c.Notes)
	return c.withAdjusted(confidence), nil
}

// withAdjusted fills the single-comparison defaults: adjusted p-value = p-value, significance at α.
func (c Comparison) withAdjusted(confidence float64) Comparison {
	c.AdjustedPValue = c.PValue
	c.Significant = c.PValue < 1-confidence
	return c
}
