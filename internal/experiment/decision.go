package experiment

import "fmt"

// Condition is one of the conditions a winner needs.
type Condition string

// The winner conditions, reported in this order when unmet.
const (
	// ConditionSignificant: the primary metric differs significantly (after Holm's correction) in the
	// winner's favour against every arm it must beat.
	ConditionSignificant Condition = "PRIMARY_SIGNIFICANT"
	// ConditionNoSRM: the sample-ratio-mismatch check passes (p ≥ SRMThreshold).
	ConditionNoSRM Condition = "NO_SAMPLE_RATIO_MISMATCH"
	// ConditionSampleSize: every variant reached the planned sample size on the primary metric (in
	// ModeSequential: the sequential minimum, since always-valid results may be acted on at any look).
	ConditionSampleSize Condition = "PLANNED_SAMPLE_SIZE_REACHED"
)

// Unmet is a winner condition that does not hold, and why.
type Unmet struct {
	Condition Condition
	Message   string
}

// Decision is the outcome of an experiment: a Winner only when every condition holds, otherwise an empty
// Winner and the conditions that are missing.
type Decision struct {
	Winner string
	Unmet  []Unmet
}

// decide applies the winner rule. The candidate is the treatment with the best primary estimate among
// those significantly better than control (on the primary metric's stated scale); if none is better but
// every treatment is significantly worse, control wins. The direction of a change is the sign of the
// absolute lift, which the relative lift shares unless the control mean is negative.
func decide(primary MetricResult, srm SRM, planned int64, control string, s settings) Decision {
	var d Decision
	candidate := ""
	best := 0.0
	allWorse := len(primary.Comparisons) > 0
	for _, c := range primary.Comparisons {
		moved := c.Absolute != nil && c.Significant && c.Absolute.Estimate != 0
		improves := moved && better(c.Absolute.Estimate, 0, primary.LowerIsBetter)
		if !moved || improves {
			allWorse = false
		}
		if !improves {
			continue
		}
		if est := estimateOf(primary, c.Variant); candidate == "" || better(est, best, primary.LowerIsBetter) {
			candidate, best = c.Variant, est
		}
	}
	if candidate == "" && allWorse {
		candidate = control
	}
	if candidate == "" {
		d.Unmet = append(d.Unmet, Unmet{ConditionSignificant, fmt.Sprintf(
			"no variant differs significantly from control on %q in a way that picks a winner; keep collecting data or accept no difference", primary.Name)})
	}
	if srm.Mismatch {
		d.Unmet = append(d.Unmet, Unmet{ConditionNoSRM, fmt.Sprintf(
			"sample ratio mismatch (p = %.3g < %g); fix traffic assignment before trusting the results", srm.PValue, SRMThreshold)})
	}
	if s.mode == ModeSequential {
		for _, v := range primary.Variants {
			if v.Units < s.seq.MinUnits {
				d.Unmet = append(d.Unmet, Unmet{ConditionSampleSize, fmt.Sprintf(
					"variant %q has %d of the %d units sequential results need on %q", v.Variant, v.Units, s.seq.MinUnits, primary.Name)})
				break
			}
		}
	} else if planned <= 0 {
		d.Unmet = append(d.Unmet, Unmet{ConditionSampleSize,
			"no planned sample size; compute one with experimentSampleSize and set it before deciding"})
	} else {
		for _, v := range primary.Variants {
			if v.Units < planned {
				d.Unmet = append(d.Unmet, Unmet{ConditionSampleSize, fmt.Sprintf(
					"variant %q has %d of the %d planned units on %q", v.Variant, v.Units, planned, primary.Name)})
				break
			}
		}
	}
	if len(d.Unmet) == 0 {
		d.Winner = candidate
	}
	return d
}

func estimateOf(m MetricResult, variant string) float64 {
	for _, v := range m.Variants {
		if v.Variant == variant {
			return v.Estimate
		}
	}
	return 0
}

// better reports whether a is strictly better than b for a metric whose direction is given.
func better(a, b float64, lowerIsBetter bool) bool {
	if lowerIsBetter {
		return a < b
	}
	return a > b
}
