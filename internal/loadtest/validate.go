package loadtest

import (
	"fmt"
	"math"
	"unicode/utf8"
)

// ValidationError reports a plan that cannot run. Field is the JSON path of the offending value inside the
// plan ("rates[1]", "slo[0].thresholdMs"); Reason says what is wrong and what to send instead.
type ValidationError struct {
	Field  string
	Reason string
}

func (e *ValidationError) Error() string { return fmt.Sprintf("invalid %s: %s", e.Field, e.Reason) }

// InputField names the input at fault; the GraphQL layer reports it as BAD_USER_INPUT with extensions.field
// (prefixed with where the plan sits in its input).
func (e *ValidationError) InputField() string { return e.Field }

func invalid(field, format string, args ...any) error {
	return &ValidationError{Field: field, Reason: fmt.Sprintf(format, args...)}
}

func finite(x float64) bool { return !math.IsNaN(x) && !math.IsInf(x, 0) }

// Validate checks the plan against the rules of its mode and the bounds above. It does not know the
// provider's own cap on requests in flight: the caller checks that with CheckMaxConcurrency.
func (p Plan) Validate() error {
	if err := p.validateMode(); err != nil {
		return err
	}
	if p.MaxConcurrency < 1 || p.MaxConcurrency > MaxConcurrencyLimit {
		return invalid("maxConcurrency", "must be 1 to %d: the most requests in flight at once", MaxConcurrencyLimit)
	}
	if p.Mode == ModeConcurrency {
		if p.Concurrency < 1 || p.Concurrency > p.MaxConcurrency {
			return invalid("concurrency", "must be 1 to maxConcurrency (%d): the requests kept in flight", p.MaxConcurrency)
		}
	} else if p.Concurrency != 0 {
		return invalid("concurrency", "is used by CONCURRENCY mode only; in %s mode leave it 0 and bound requests in flight with maxConcurrency", p.Mode)
	}
	if b := p.Burstiness; !finite(b) || b < 0 || b > MaxBurstiness {
		return invalid("burstiness", "must be above 0 and at most %g (1 or 0: Poisson arrivals; below 1 burstier, above 1 more regular)", MaxBurstiness)
	}
	if p.Mode == ModeConcurrency && p.Burstiness != 0 {
		return invalid("burstiness", "shapes the arrivals of RATE and SWEEP mode; CONCURRENCY mode sends a new request when one ends: leave it 0")
	}
	if d := p.DurationSeconds; !finite(d) || d <= 0 || d > MaxStepSeconds {
		return invalid("durationSeconds", "must be above 0 and at most %d (an hour per step)", MaxStepSeconds)
	}
	if p.MaxRequests < 1 || p.MaxRequests > MaxRequestsLimit {
		return invalid("maxRequests", "must be 1 to %d: the most requests the whole test sends", MaxRequestsLimit)
	}
	if n := p.StepCount(); p.MaxRequests < n {
		return invalid("maxRequests", "must be at least the number of steps (%d), or the last steps would send nothing", n)
	}
	if len(p.Prompts) == 0 || p.InputTokens != (Length{}) {
		if err := validateLength("inputTokens", p.InputTokens, MaxInputTokens); err != nil {
			return err
		}
	}
	if err := validateLength("outputTokens", p.OutputTokens, MaxOutputTokens); err != nil {
		return err
	}
	if err := p.validatePrompts(); err != nil {
		return err
	}
	return p.validateSLO()
}

// CheckMaxConcurrency refuses a plan whose MaxConcurrency is above limit, the requests in flight the target
// provider allows (its configured concurrency): Validate cannot know it.
func (p Plan) CheckMaxConcurrency(limit int) error {
	if p.MaxConcurrency > limit {
		return invalid("maxConcurrency", "must be at most %d, the requests in flight this provider allows", limit)
	}
	return nil
}

func (p Plan) validateMode() error {
	switch p.Mode {
	case ModeRate:
		if len(p.Rates) != 1 {
			return invalid("rates", "RATE mode takes exactly one rate in requests/s, e.g. [2]; use SWEEP mode for several")
		}
		return validateRate("rates[0]", p.Rates[0])
	case ModeSweep:
		if len(p.Rates) < 2 || len(p.Rates) > MaxSweepSteps {
			return invalid("rates", "SWEEP mode takes 2 to %d rates in ascending order, e.g. [1, 2, 4]; use RATE mode for one", MaxSweepSteps)
		}
		for i, r := range p.Rates {
			field := fmt.Sprintf("rates[%d]", i)
			if err := validateRate(field, r); err != nil {
				return err
			}
			if i > 0 && r <= p.Rates[i-1] {
				return invalid(field, "must be above rates[%d] (%g): list the rates in strictly ascending order", i-1, p.Rates[i-1])
			}
		}
		return nil
	case ModeConcurrency:
		if len(p.Rates) != 0 {
			return invalid("rates", "CONCURRENCY mode sends a new request whenever one ends and takes no rate: leave rates empty and set concurrency")
		}
		return nil
	case "":
		return invalid("mode", "is required: RATE, SWEEP or CONCURRENCY")
	default:
		return invalid("mode", "%q is not RATE, SWEEP or CONCURRENCY", p.Mode)
	}
}

func validateRate(field string, r float64) error {
	if !finite(r) || r <= 0 || r > MaxRate {
		return invalid(field, "must be above 0 and at most %g requests/s", MaxRate)
	}
	return nil
}

func validateLength(field string, l Length, limit int) error {
	switch l.Kind {
	case LengthFixed:
		if l.Value < 1 || l.Value > limit {
			return invalid(field+".value", "must be 1 to %d tokens", limit)
		}
		if l.Min != 0 || l.Max != 0 {
			return invalid(field, "a FIXED length takes value only; use UNIFORM for min and max")
		}
	case LengthUniform:
		if l.Min < 1 || l.Min > limit {
			return invalid(field+".min", "must be 1 to %d tokens", limit)
		}
		if l.Max < l.Min || l.Max > limit {
			return invalid(field+".max", "must be min (%d) to %d tokens", l.Min, limit)
		}
		if l.Value != 0 {
			return invalid(field+".value", "a UNIFORM length takes min and max only; use FIXED for one value")
		}
	case "":
		return invalid(field+".kind", "is required: FIXED (value) or UNIFORM (min and max)")
	default:
		return invalid(field+".kind", "%q is not FIXED or UNIFORM", l.Kind)
	}
	return nil
}

func (p Plan) validatePrompts() error {
	if len(p.Prompts) > MaxPrompts {
		return invalid("prompts", "holds %d prompts; at most %d are sampled", len(p.Prompts), MaxPrompts)
	}
	total := 0
	for i, s := range p.Prompts {
		field := fmt.Sprintf("prompts[%d]", i)
		switch {
		case s == "":
			return invalid(field, "is empty; remove it or give the prompt text")
		case len(s) > MaxPromptBytes:
			return invalid(field, "is %d bytes; a prompt may have at most %d (256 KiB)", len(s), MaxPromptBytes)
		case !utf8.ValidString(s):
			return invalid(field, "is not valid UTF-8 text")
		}
		total += len(s)
	}
	if total > MaxPromptsBytes {
		return invalid("prompts", "hold %d bytes in all; at most %d (16 MiB)", total, MaxPromptsBytes)
	}
	return nil
}

func (p Plan) validateSLO() error {
	seen := map[Metric]bool{}
	for i, t := range p.SLO {
		field := fmt.Sprintf("slo[%d]", i)
		switch t.Metric {
		case MetricTTFT, MetricTPOT, MetricE2E:
		case MetricITL:
			return invalid(field+".metric", "ITL has no target (one slow gap is not a slow request); use TPOT, the mean gap per request")
		default:
			return invalid(field+".metric", "%q is not TTFT, TPOT or E2E", t.Metric)
		}
		if seen[t.Metric] {
			return invalid(field+".metric", "%s has a target already; give each metric at most one", t.Metric)
		}
		seen[t.Metric] = true
		if !finite(t.ThresholdMs) || t.ThresholdMs <= 0 || t.ThresholdMs > MaxStepSeconds*1000 {
			return invalid(field+".thresholdMs", "must be above 0 and at most %d ms", MaxStepSeconds*1000)
		}
		if !finite(t.Percentile) || t.Percentile <= 0 || t.Percentile > 100 {
			return invalid(field+".percentile", "must be above 0 and at most 100, e.g. 99 for p99")
		}
	}
	return nil
}
