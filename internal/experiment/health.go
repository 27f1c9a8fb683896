package experiment

import (
	"fmt"
	"math"

	"gonum.org/v1/gonum/stat/distuv"
)

// SRMPeriod is a stretch of the experiment with one traffic split in force.
type SRMPeriod struct {
	Units   int64     // units exposed during the period, all variants together
	Weights []float64 // the split in force, one per variant, any non-negative scale (0: the variant was off)
}

// CheckSRMOverPeriods tests the observed units per variant against a split that changed over time (a ramp,
// a bandit's reweighting): the expected count of variant i is Σ over periods of Units × the share of i in
// force, and Pearson's χ² compares the totals with k − 1 degrees of freedom, k the variants expected to
// receive units. Period units must add up to the observed total. A variant observed with units although it
// was never expected any is a mismatch by itself. Opposite deviations in different periods can cancel in
// the totals; test periods one by one with CheckSRM when per-period counts exist.
func CheckSRMOverPeriods(observed []int64, periods []SRMPeriod) (SRM, error) {
	if len(observed) < 2 {
		return SRM{}, invalid("variants", "need at least 2 variants, got %d", len(observed))
	}
	if len(periods) == 0 {
		return SRM{}, invalid("periods", "need at least one period")
	}
	var total float64
	for i, o := range observed {
		if o < 0 {
			return SRM{}, invalid(fmt.Sprintf("observed[%d]", i), "must be ≥ 0, got %d", o)
		}
		total += float64(o)
	}
	expected := make([]float64, len(observed))
	var exposed float64
	for p, period := range periods {
		field := fmt.Sprintf("periods[%d]", p)
		if period.Units < 0 {
			return SRM{}, invalid(field+".units", "must be ≥ 0, got %d", period.Units)
		}
		if len(period.Weights) != len(observed) {
			return SRM{}, invalid(field+".weights", "need one weight per variant: %d weights for %d variants", len(period.Weights), len(observed))
		}
		var sum float64
		for i, w := range period.Weights {
			if !finite(w) || w < 0 {
				return SRM{}, invalid(fmt.Sprintf("%s.weights[%d]", field, i), "must be a non-negative share, got %g", w)
			}
			sum += w
		}
		if !(sum > 0) || !finite(sum) {
			return SRM{}, invalid(field+".weights", "must have a positive, finite sum; give the split as shares such as 0.5 and 0.5")
		}
		for i, w := range period.Weights {
			expected[i] += float64(period.Units) * (w / sum)
		}
		exposed += float64(period.Units)
	}
	if exposed != total {
		return SRM{}, invalid("periods", "the periods expose %d units but %d are observed; the period units must add up to the observed total", int64(exposed), int64(total))
	}
	s := SRM{PValue: 1}
	if total == 0 {
		s.Notes = append(s.Notes, "no units observed yet; the split cannot be checked")
		return s, nil
	}
	k := 0
	for i, o := range observed {
		e := expected[i]
		if e == 0 {
			if o > 0 {
				s.Mismatch, s.PValue = true, 0
				s.Notes = append(s.Notes, fmt.Sprintf("variant %d received %d units while its weight was 0 in every period; check assignment and logging", i, o))
			}
			continue
		}
		k++
		d := float64(o) - e
		s.ChiSquare += d * d / e
	}
	if !finite(s.ChiSquare) {
		return SRM{}, invalid("periods", "a planned share is too small to test; check the traffic split")
	}
	s.DF = max(k-1, 0)
	if s.Mismatch {
		return s, nil
	}
	if s.DF == 0 {
		s.Notes = append(s.Notes, "only one variant was expected to receive units; there is no split to check")
		return s, nil
	}
	s.PValue = distuv.ChiSquared{K: float64(s.DF)}.Survival(s.ChiSquare)
	s.Mismatch = s.PValue < SRMThreshold
	if s.Mismatch {
		s.Notes = append(s.Notes, fmt.Sprintf("sample ratio mismatch (p = %.3g < %g): traffic does not follow the splits in force; check assignment and logging before trusting results", s.PValue, SRMThreshold))
	}
	return s, nil
}

// RatioPlan describes a ratio metric to plan an experiment for: per unit (user, session) a numerator N
// (tokens, dollars, errors) and a denominator D (requests, messages), the metric being ΣN/ΣD over a variant's
// units. The spreads are per unit, e.g. from a past period.
type RatioPlan struct {
	NumeratorMean     float64 // μ_N per unit
	DenominatorMean   float64 // μ_D per unit, > 0
	NumeratorStdDev   float64 // σ_N per unit, ≥ 0
	DenominatorStdDev float64 // σ_D per unit, ≥ 0
	Correlation       float64 // corr(N, D) per unit, in [−1, 1]
	// MinDetectableEffect is the smallest change of the ratio worth detecting: absolute, or a fraction of
	// μ_N/μ_D when Relative. It must not be 0.
	MinDetectableEffect float64
	Relative            bool
	ConfidenceLevel     float64 // 0 means DefaultConfidenceLevel
	Power               float64 // 0 means DefaultPower
}

// RatioSampleSize is the units per variant a ratio metric needs, with the figures behind it.
type RatioSampleSize struct {
	SampleSize
	Ratio  float64 // μ_N/μ_D
	StdDev float64 // the per-unit standard deviation of the ratio by the delta method: √n·SE(ΣN/ΣD)
}

// SampleSizeRatio is the units per variant for a two-sided comparison of a ratio metric ΣN/ΣD. The ratio's
// variance is the delta method's (gbstats utils.py variance_of_ratios, growthbook/growthbook@8f1db44):
// Var(ΣN/ΣD) ≈ σ_R²/n with σ_R² = σ_N²/μ_D² − 2·ρσ_Nσ_D·μ_N/μ_D³ + μ_N²σ_D²/μ_D⁴, and then
// n = (z₁₋α/₂ + z₁₋β)²·2σ_R²/δ² as in SampleSizeMeans.
func SampleSizeRatio(p RatioPlan) (RatioSampleSize, error) {
	zAlpha, zBeta, err := planQuantiles(p.ConfidenceLevel, p.Power)
	if err != nil {
		return RatioSampleSize{}, err
	}
	switch {
	case !finite(p.NumeratorMean):
		return RatioSampleSize{}, invalid("numeratorMean", "must be a finite number")
	case !finite(p.DenominatorMean) || p.DenominatorMean <= 0:
		return RatioSampleSize{}, invalid("denominatorMean", "must be a positive number, got %g", p.DenominatorMean)
	case !finite(p.NumeratorStdDev) || p.NumeratorStdDev < 0:
		return RatioSampleSize{}, invalid("numeratorStdDev", "must be a number ≥ 0, got %g", p.NumeratorStdDev)
	case !finite(p.DenominatorStdDev) || p.DenominatorStdDev < 0:
		return RatioSampleSize{}, invalid("denominatorStdDev", "must be a number ≥ 0, got %g", p.DenominatorStdDev)
	case !(p.Correlation >= -1 && p.Correlation <= 1):
		return RatioSampleSize{}, invalid("correlation", "must be between −1 and 1, got %g", p.Correlation)
	case !finite(p.MinDetectableEffect) || p.MinDetectableEffect == 0:
		return RatioSampleSize{}, invalid("minDetectableEffect", "must be a non-zero number, got %g", p.MinDetectableEffect)
	}
	r := p.NumeratorMean / p.DenominatorMean
	// σ_R² = (σ_N² − 2Rρσ_Nσ_D + R²σ_D²)/μ_D², grouped so that powers of μ_D cannot overflow.
	sn, sd := p.NumeratorStdDev/p.DenominatorMean, p.DenominatorStdDev/p.DenominatorMean
	variance := sn*sn - 2*r*p.Correlation*sn*sd + r*r*sd*sd
	if !finite(r, variance) {
		return RatioSampleSize{}, invalid("denominatorMean", "is too small against the numerator; rescale the metric")
	}
	variance = math.Max(0, variance)
	if variance == 0 {
		return RatioSampleSize{}, invalid("numeratorStdDev", "with these spreads and correlation the ratio has no variance per unit; check the spreads")
	}
	delta := p.MinDetectableEffect
	if p.Relative {
		if r == 0 {
			return RatioSampleSize{}, invalid("minDetectableEffect", "is relative, but the ratio is 0; give an absolute effect")
		}
		delta *= r
	}
	z := zAlpha + zBeta
	sdR := math.Sqrt(variance)
	ratio := sdR / math.Abs(delta)
	n, err := roundSampleSize(z * z * 2 * ratio * ratio)
	if err != nil {
		return RatioSampleSize{}, err
	}
	return RatioSampleSize{SampleSize: n, Ratio: r, StdDev: sdR}, nil
}

// HealthStatus says whether an experiment's traffic and recordings can be trusted; it is separate from the
// lifecycle Status.
type HealthStatus string

// The health statuses.
const (
	Healthy   HealthStatus = "HEALTHY"
	Unhealthy HealthStatus = "UNHEALTHY"
)

// HealthCheck names a check whose failure makes an experiment Unhealthy.
type HealthCheck string

// The health checks, reported in this order when they fail.
const (
	// CheckSampleRatio fails when the SRM check finds a mismatch (p < SRMThreshold).
	CheckSampleRatio HealthCheck = "SAMPLE_RATIO_MISMATCH"
	// CheckDuplicateExposures fails when a variant has more units recorded on the primary metric than units
	// assigned to it: every recorded unit must have been assigned first, so the surplus was counted more than
	// once or recorded without an assignment. It runs only when units are assigned (Exposures).
	CheckDuplicateExposures HealthCheck = "DUPLICATE_EXPOSURES"
)

// HealthReason is a failed health check and what it found.
type HealthReason struct {
	Check   HealthCheck
	Message string
}

// Health is the verdict of the health checks: Unhealthy when any check fails, with one reason per failed
// check; Notes name the checks that could not run.
type Health struct {
	Status  HealthStatus
	Reasons []HealthReason
	Notes   []string
}

// CheckHealth judges an analysis: the SRM check's verdict, and, when assigned (units per variant in the
// primary metric's variants order) is not nil, whether any variant has more units recorded on the primary
// metric than were assigned to it. Repeated exposures of one unit are not duplicates: an assigner answers
// them with the stored assignment and they add no assigned unit.
func CheckHealth(srm SRM, primary MetricResult, assigned []int64) Health {
	h := Health{Status: Healthy}
	if srm.Mismatch {
		h.Reasons = append(h.Reasons, HealthReason{CheckSampleRatio, fmt.Sprintf(
			"sample ratio mismatch: p = %.3g < %g (χ² = %.4g, df %d); traffic does not follow the split, so the results cannot be trusted; check assignment and logging",
			srm.PValue, SRMThreshold, srm.ChiSquare, srm.DF)})
	}
	if assigned == nil {
		h.Notes = append(h.Notes, "no unit was assigned by assignVariant, so duplicated exposures cannot be checked")
	}
	for i, v := range primary.Variants {
		if assigned == nil || i >= len(assigned) || v.Units <= assigned[i] {
			continue
		}
		h.Reasons = append(h.Reasons, HealthReason{CheckDuplicateExposures, fmt.Sprintf(
			"variant %q has %d units recorded on %q but only %d assigned: %d recorded units were counted more than once or never assigned; record each assigned unit once, under its variant",
			v.Variant, v.Units, primary.Name, assigned[i], v.Units-assigned[i])})
	}
	if len(h.Reasons) > 0 {
		h.Status = Unhealthy
	}
	return h
}
