package loadtest

import (
	"cmp"
	"errors"
	"fmt"
	"math"
	"slices"
	"strings"
)

// Comparison sets two results of the same profile side by side (A the first, B the second), step by step.
type Comparison struct {
	Steps []StepComparison `json:"steps"` // the steps both results have, in order
}

// StepComparison is one step of both results.
type StepComparison struct {
	TargetRate  float64            `json:"targetRate"`
	Concurrency int                `json:"concurrency"`
	Metrics     []MetricDifference `json:"metrics"`
}

// MetricDifference is one metric of a step in both results.
type MetricDifference struct {
	Metric     string  `json:"metric"` // "requestRate", "goodput", "ttftP99Ms", ...: the Step field it comes from
	A          float64 `json:"a"`
	B          float64 `json:"b"`
	Difference float64 `json:"difference"` // B − A
	// RelativeDifference is (B − A)/|A|; nil when A is 0.
	RelativeDifference *float64 `json:"relativeDifference"`
	HigherIsBetter     bool     `json:"higherIsBetter"` // throughput metrics; for latencies and failures lower is better
}

// ErrDifferentProfiles is matched (errors.Is) by every *ProfileError.
var ErrDifferentProfiles = errors.New("the load tests ran different profiles")

// ProfileError refuses to compare two results whose plans differ in more than their seed.
type ProfileError struct {
	Field string // the plan's JSON field that differs: "rates", "outputTokens", "slo", ...
	A, B  string // its values in the first and second result
}

func (e *ProfileError) Error() string {
	return fmt.Sprintf("the load tests ran different profiles: %s is %s in the first and %s in the second; compare two tests of the same plan",
		e.Field, e.A, e.B)
}

// Is makes errors.Is(err, ErrDifferentProfiles) true.
func (e *ProfileError) Is(target error) bool { return target == ErrDifferentProfiles }

// Compare lines up the steps of a and b, which must have run the same plan (the seed aside; the model and
// endpoint may differ, that is what is compared), and gives each metric of each step in both with their
// difference. It returns a *ProfileError naming the first plan field that differs.
func Compare(a, b Result) (Comparison, error) {
	if err := sameProfile(a.Plan, b.Plan); err != nil {
		return Comparison{}, err
	}
	c := Comparison{Steps: []StepComparison{}}
	for i := range min(len(a.Steps), len(b.Steps)) {
		sa, sb := a.Steps[i], b.Steps[i]
		c.Steps = append(c.Steps, StepComparison{TargetRate: sa.TargetRate, Concurrency: sa.Concurrency,
			Metrics: compareStep(sa, sb)})
	}
	return c, nil
}

func compareStep(a, b Step) []MetricDifference {
	var out []MetricDifference
	add := func(name string, x, y float64, higherIsBetter bool) {
		d := MetricDifference{Metric: name, A: x, B: y, Difference: y - x, HigherIsBetter: higherIsBetter}
		if x != 0 {
			rel := (y - x) / math.Abs(x)
			d.RelativeDifference = &rel
		}
		out = append(out, d)
	}
	add("completed", float64(a.Completed), float64(b.Completed), true)
	add("failed", float64(a.Failed), float64(b.Failed), false)
	add("requestRate", a.RequestRate, b.RequestRate, true)
	add("outputTokensPerSecond", a.OutputTokensPerSecond, b.OutputTokensPerSecond, true)
	add("goodput", a.Goodput, b.Goodput, true)
	for _, m := range []struct {
		name string
		a, b Distribution
	}{{"ttft", a.TTFT, b.TTFT}, {"tpot", a.TPOT, b.TPOT}, {"itl", a.ITL, b.ITL}, {"e2e", a.E2E, b.E2E}} {
		add(m.name+"MeanMs", m.a.MeanMs, m.b.MeanMs, false)
		add(m.name+"MedianMs", m.a.MedianMs, m.b.MedianMs, false)
		add(m.name+"P90Ms", m.a.P90Ms, m.b.P90Ms, false)
		add(m.name+"P95Ms", m.a.P95Ms, m.b.P95Ms, false)
		add(m.name+"P99Ms", m.a.P99Ms, m.b.P99Ms, false)
	}
	return out
}

// sameProfile returns a *ProfileError for the first field other than Seed in which a and b differ.
func sameProfile(a, b Plan) error {
	differ := func(field string, x, y any) error {
		return &ProfileError{Field: field, A: fmt.Sprint(x), B: fmt.Sprint(y)}
	}
	switch {
	case a.Mode != b.Mode:
		return differ("mode", a.Mode, b.Mode)
	case !slices.Equal(a.Rates, b.Rates):
		return differ("rates", a.Rates, b.Rates)
	case a.shape() != b.shape():
		return differ("burstiness", a.shape(), b.shape())
	case a.Concurrency != b.Concurrency:
		return differ("concurrency", a.Concurrency, b.Concurrency)
	case a.MaxConcurrency != b.MaxConcurrency:
		return differ("maxConcurrency", a.MaxConcurrency, b.MaxConcurrency)
	case a.DurationSeconds != b.DurationSeconds:
		return differ("durationSeconds", a.DurationSeconds, b.DurationSeconds)
	case a.MaxRequests != b.MaxRequests:
		return differ("maxRequests", a.MaxRequests, b.MaxRequests)
	case len(a.Prompts) == 0 && a.InputTokens != b.InputTokens:
		return differ("inputTokens", lengthText(a.InputTokens), lengthText(b.InputTokens))
	case a.OutputTokens != b.OutputTokens:
		return differ("outputTokens", lengthText(a.OutputTokens), lengthText(b.OutputTokens))
	case len(a.Prompts) != len(b.Prompts):
		return differ("prompts", promptsText(a.Prompts), promptsText(b.Prompts))
	case !slices.Equal(a.Prompts, b.Prompts):
		i := 0
		for a.Prompts[i] == b.Prompts[i] {
			i++
		}
		return differ(fmt.Sprintf("prompts[%d]", i), quoteStart(a.Prompts[i]), quoteStart(b.Prompts[i]))
	case !slices.Equal(sortedSLO(a.SLO), sortedSLO(b.SLO)):
		return differ("slo", sloText(a.SLO), sloText(b.SLO))
	}
	return nil
}

func lengthText(l Length) string {
	switch l.Kind {
	case LengthFixed:
		return fmt.Sprintf("%d tokens", l.Value)
	case LengthUniform:
		return fmt.Sprintf("%d–%d tokens", l.Min, l.Max)
	}
	return "unset"
}

func promptsText(ps []string) string {
	if len(ps) == 0 {
		return "synthetic prompts"
	}
	return fmt.Sprintf("a list of %d prompts", len(ps))
}

func sortedSLO(ts []SLOTarget) []SLOTarget {
	return slices.SortedFunc(slices.Values(ts), func(x, y SLOTarget) int { return cmp.Compare(x.Metric, y.Metric) })
}

func sloText(ts []SLOTarget) string {
	if len(ts) == 0 {
		return "no targets"
	}
	parts := make([]string, len(ts))
	for i, t := range sortedSLO(ts) {
		parts[i] = fmt.Sprintf("%s p%g ≤ %g ms", t.Metric, t.Percentile, t.ThresholdMs)
	}
	return strings.Join(parts, ", ")
}

// quoteStart is the start of a prompt, quoted.
func quoteStart(s string) string {
	if r := []rune(s); len(r) > 40 {
		s = string(r[:40]) + "…"
	}
	return fmt.Sprintf("%q", s)
}
