package experiment

import (
	"math"

	"gonum.org/v1/gonum/stat/distuv"
)

// DefaultPower is used when a power of 0 is given.
const DefaultPower = 0.8

// maxSampleSize bounds a computed sample size (2⁵³, the largest integer float64 holds exactly).
const maxSampleSize = 1 << 53

// ProportionPlan describes a binary metric to plan an experiment for.
type ProportionPlan struct {
	Baseline float64 // control conversion rate p₁, in (0, 1)
	// MinDetectableEffect is the smallest change worth detecting: p₂ − p₁ (absolute), or (p₂ − p₁)/p₁ when
	// Relative. It must not be 0 and p₂ must stay in (0, 1).
	MinDetectableEffect float64
	Relative            bool
	ConfidenceLevel     float64 // 1 − α of the two-sided test; 0 means DefaultConfidenceLevel
	Power               float64 // 1 − β; 0 means DefaultPower
}

// MeanPlan describes a continuous metric to plan an experiment for.
type MeanPlan struct {
	StdDev              float64 // standard deviation σ of the metric in each variant, > 0
	MinDetectableEffect float64 // smallest difference of means δ worth detecting, in the metric's unit, ≠ 0
	ConfidenceLevel     float64 // 0 means DefaultConfidenceLevel
	Power               float64 // 0 means DefaultPower
}

// SampleSize is the number of units each variant needs.
type SampleSize struct {
	PerVariant int64   // Exact rounded up
	Exact      float64 // the formula's value before rounding
}

// SampleSizeProportions is the units per variant for a two-sided two-proportion test, by the normal
// approximation n = (z₁₋α/₂·√(2·p̄·q̄) + z₁₋β·√(p₁q₁ + p₂q₂))² / (p₂ − p₁)², p̄ = (p₁ + p₂)/2, q = 1 − p
// (the classic formula without continuity correction, Fleiss et al., Statistical Methods for Rates and
// Proportions, ch. 4; the same as statsmodels samplesize_proportions_2indep_onetail with ratio 1).
func SampleSizeProportions(p ProportionPlan) (SampleSize, error) {
	zAlpha, zBeta, err := planQuantiles(p.ConfidenceLevel, p.Power)
	if err != nil {
		return SampleSize{}, err
	}
	p1 := p.Baseline
	if !(p1 > 0 && p1 < 1) {
		return SampleSize{}, invalid("baseline", "must be a conversion rate strictly between 0 and 1, got %g", p1)
	}
	if !finite(p.MinDetectableEffect) || p.MinDetectableEffect == 0 {
		return SampleSize{}, invalid("minDetectableEffect", "must be a non-zero number, got %g", p.MinDetectableEffect)
	}
	p2 := p1 + p.MinDetectableEffect
	if p.Relative {
		p2 = p1 * (1 + p.MinDetectableEffect)
	}
	if !(p2 > 0 && p2 < 1) || p2 == p1 {
		return SampleSize{}, invalid("minDetectableEffect", "moves the rate from %g to %g; the target rate must differ and lie strictly between 0 and 1", p1, p2)
	}
	pBar := (p1 + p2) / 2
	num := zAlpha*math.Sqrt(2*pBar*(1-pBar)) + zBeta*math.Sqrt(p1*(1-p1)+p2*(1-p2))
	d := p2 - p1
	return roundSampleSize(num * num / (d * d))
}

// SampleSizeMeans is the units per variant for a two-sided comparison of two means with the same standard
// deviation σ: n = (z₁₋α/₂ + z₁₋β)²·2σ² / δ² (the normal approximation; statsmodels
// normal_sample_size_one_tail with std √2·σ and α/2).
func SampleSizeMeans(p MeanPlan) (SampleSize, error) {
	zAlpha, zBeta, err := planQuantiles(p.ConfidenceLevel, p.Power)
	if err != nil {
		return SampleSize{}, err
	}
	if !finite(p.StdDev) || p.StdDev <= 0 {
		return SampleSize{}, invalid("stdDev", "must be a positive number, got %g", p.StdDev)
	}
	if !finite(p.MinDetectableEffect) || p.MinDetectableEffect == 0 {
		return SampleSize{}, invalid("minDetectableEffect", "must be a non-zero number, got %g", p.MinDetectableEffect)
	}
	z := zAlpha + zBeta
	ratio := p.StdDev / p.MinDetectableEffect // σ/δ first, so that σ² and δ² cannot overflow or underflow
	return roundSampleSize(z * z * 2 * ratio * ratio)
}

func planQuantiles(confidence, power float64) (zAlpha, zBeta float64, err error) {
	confidence, err = checkConfidence(confidence)
	if err != nil {
		return 0, 0, err
	}
	if power == 0 {
		power = DefaultPower
	}
	if !(power >= 0.5 && power <= 0.9999) {
		return 0, 0, invalid("power", "must be between 0.5 and 0.9999 (e.g. 0.8), got %g", power)
	}
	return zCritical(confidence), distuv.UnitNormal.Quantile(power), nil
}

func roundSampleSize(n float64) (SampleSize, error) {
	if !finite(n) || n > maxSampleSize {
		return SampleSize{}, invalid("minDetectableEffect", "is too small to detect: more than %g units per variant would be needed", float64(maxSampleSize))
	}
	return SampleSize{PerVariant: int64(math.Ceil(n)), Exact: n}, nil
}
