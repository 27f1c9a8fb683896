package evaluation

import (
	"fmt"
	"strconv"
)

// Gate is a regression gate for a candidate run. The zero value checks nothing but that an established
// regression of any size fails.
type Gate struct {
	// MinScore is the lowest acceptable candidate score, in [0, 1]; 0 sets no minimum.
	MinScore float64
	// MaxDrop is the largest drop of the score against the baseline that is tolerated, in [0, 1].
	MaxDrop float64
	// Alpha is the significance level of the drop's interval, in [1e-6, 0.5]; 0 means DefaultAlpha.
	Alpha float64
	// MustPass lists item ids that must pass (mean over repeats ≥ PassThreshold) on the candidate.
	MustPass []string
}

// Verdict is a gate's decision.
type Verdict string

const (
	Pass Verdict = "PASS"
	Fail Verdict = "FAIL"
)

// CheckStatus is the outcome of one check of a gate.
type CheckStatus string

const (
	CheckPassed CheckStatus = "PASSED"
	CheckFailed CheckStatus = "FAILED"
	// CheckInconclusive: the interval of the drop straddles −MaxDrop, too wide to tell whether the candidate
	// regressed by more than MaxDrop. It does not fail the gate.
	CheckInconclusive CheckStatus = "INCONCLUSIVE"
	// CheckSkipped: the check did not apply (the drop check without a baseline).
	CheckSkipped CheckStatus = "SKIPPED"
)

// Check names of a GateResult; a must-pass check is named CheckMustPass + ":" + the item id.
const (
	CheckMinScore = "min_score"
	CheckMaxDrop  = "max_drop"
	CheckMustPass = "must_pass"
)

// Check is one check of a gate and what it found.
type Check struct {
	Name    string
	Status  CheckStatus
	Message string
}

// GateResult is a gate's decision with the checks behind it.
type GateResult struct {
	// Verdict is FAIL when any check failed. Only an established regression fails the drop check: when the
	// interval is too wide to decide, the gate passes with Inconclusive set and a warning among Reasons.
	Verdict      Verdict
	Inconclusive bool
	Reasons      []string // the message of every check that failed or was inconclusive, in check order
	Checks       []Check  // min score, max drop, then each must-pass item in the order given
	Candidate    Summary
	Comparison   *Comparison // nil without a baseline
}

// Evaluate runs the gate on a candidate run, against baseline when it is not nil (otherwise the drop check is
// skipped). The drop check FAILs when the upper bound of the (1 − Alpha) interval of candidate − baseline is
// below −MaxDrop, PASSes when the lower bound is at or above −MaxDrop, and is INCONCLUSIVE in between.
func (g Gate) Evaluate(candidate, baseline []Item) (GateResult, error) {
	if !(g.MinScore >= 0 && g.MinScore <= 1) {
		return GateResult{}, invalid("gate.minScore", "%v is not a score; send a number in [0, 1] (0 for no minimum)", g.MinScore)
	}
	if !(g.MaxDrop >= 0 && g.MaxDrop <= 1) {
		return GateResult{}, invalid("gate.maxDrop", "%v is not a drop of a score; send a number in [0, 1], e.g. 0.02 for two points", g.MaxDrop)
	}
	alpha, err := resolveAlpha("gate.alpha", g.Alpha)
	if err != nil {
		return GateResult{}, err
	}
	var r GateResult
	if baseline != nil {
		c, err := Compare(baseline, candidate, alpha)
		if err != nil {
			return GateResult{}, err
		}
		r.Comparison, r.Candidate = &c, c.Candidate
	} else if r.Candidate, err = summarize("candidate.items", candidate); err != nil {
		return GateResult{}, err
	}
	passed := make(map[string]bool, len(r.Candidate.Items))
	for _, it := range r.Candidate.Items {
		passed[it.ID] = it.Passed
	}
	for i, id := range g.MustPass {
		if _, ok := passed[id]; !ok {
			return GateResult{}, invalid(fmt.Sprintf("gate.mustPass[%d]", i), "item %q is not in the candidate run; list ids of items the run scores", id)
		}
	}

	r.Checks = append(r.Checks, g.minScore(r.Candidate), g.maxDrop(r.Comparison, alpha))
	for _, id := range g.MustPass {
		ck := Check{Name: CheckMustPass + ":" + id, Status: CheckPassed, Message: fmt.Sprintf("must-pass item %q passed", id)}
		if !passed[id] {
			ck.Status, ck.Message = CheckFailed, fmt.Sprintf("must-pass item %q did not pass", id)
		}
		r.Checks = append(r.Checks, ck)
	}

	r.Verdict = Pass
	for _, ck := range r.Checks {
		switch ck.Status {
		case CheckFailed:
			r.Verdict = Fail
			r.Reasons = append(r.Reasons, ck.Message)
		case CheckInconclusive:
			r.Inconclusive = true
			r.Reasons = append(r.Reasons, ck.Message)
		}
	}
	return r, nil
}

func (g Gate) minScore(s Summary) Check {
	se := s.SE
	if s.Clustered {
		se = s.ClusteredSE
	}
	if s.Score < g.MinScore {
		return Check{CheckMinScore, CheckFailed, fmt.Sprintf("score %s (SE %s) is below the minimum %s", num(s.Score), num(se), num(g.MinScore))}
	}
	return Check{CheckMinScore, CheckPassed, fmt.Sprintf("score %s (SE %s) meets the minimum %s", num(s.Score), num(se), num(g.MinScore))}
}

func (g Gate) maxDrop(c *Comparison, alpha float64) Check {
	if c == nil {
		return Check{CheckMaxDrop, CheckSkipped, "no baseline run to compare with"}
	}
	limit := -g.MaxDrop
	iv := fmt.Sprintf("candidate − baseline = %s, %s %% interval [%s, %s]", num(c.MeanDiff), num(100*(1-alpha)), num(c.Interval.Low), num(c.Interval.High))
	switch {
	case c.Interval.High < limit:
		return Check{CheckMaxDrop, CheckFailed, fmt.Sprintf("regression established: %s lies below the allowed drop −%s", iv, num(g.MaxDrop))}
	case c.Interval.Low >= limit:
		return Check{CheckMaxDrop, CheckPassed, fmt.Sprintf("no drop beyond %s: %s", num(g.MaxDrop), iv)}
	default:
		return Check{CheckMaxDrop, CheckInconclusive, fmt.Sprintf("inconclusive: %s straddles the allowed drop −%s; the interval is too wide to decide, score more items or repeats", iv, num(g.MaxDrop))}
	}
}

// num formats a figure for a message with four significant digits.
func num(x float64) string { return strconv.FormatFloat(x, 'g', 4, 64) }
