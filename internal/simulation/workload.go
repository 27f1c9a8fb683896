package simulation

import (
	"fmt"
	"math"
	"slices"
	"time"

	"github.com/shopspring/decimal"

	"github.com/modelarchitect/architect/internal/catalog"
)

// Limits on inputs, so a request cannot ask for absurd work.
const (
	MaxRequestsPerDay = 1_000_000_000_000 // 10^12
	MaxTokens         = 10_000_000        // per request, input or output
	MaxPeakFactor     = 1_000
)

// Workload is what a Scenario describes. Zero values have the documented defaults.
type Workload struct {
	RequestsPerDay      int64   // average requests per day; must be positive
	InputTokens         int     // prompt tokens per request
	OutputTokens        int     // answer tokens per request
	CachedInputFraction float64 // share of input tokens read from the provider's prompt cache, 0..1
	// CacheWriteFraction is the share of input tokens written to the prompt cache per request (a cache miss
	// on a cacheable prefix, or a refresh); CachedInputFraction + CacheWriteFraction ≤ 1. CacheWriteHour
	// writes with a 1-hour lifetime instead of 5 minutes (Anthropic bills 2 × input instead of 1.25 ×).
	CacheWriteFraction float64
	CacheWriteHour     bool
	// ReasoningTokens is the hidden reasoning tokens per request of models whose configuration reasons; 0:
	// each configuration's own estimate (catalog.Model.ExpectedReasoning).
	ReasoningTokens  int
	PeakFactor       float64 // peak-to-average traffic ratio; 0 means 1
	LatencySLAMillis float64 // end-to-end latency target; 0 means no SLA
	SLAPercentile    float64 // percentile the SLA applies to, e.g. 95; 0 means 95
	// MonthlyBudgetUSD is the most the workload may cost per month; nil means no budget.
	MonthlyBudgetUSD *decimal.Decimal
	Complexity       catalog.Complexity // task complexity; "" means MEDIUM
	MinTier          catalog.Tier       // lowest acceptable quality tier at Complexity; 0 means 2 (adequate)
	// MinAccuracy is the lowest acceptable benchmark accuracy (0..1); it applies to models with a measured
	// accuracy, others are judged by their tier. nil: no accuracy floor.
	MinAccuracy          *float64
	DataRegions          []string // regions data may be processed in (US, EU, APAC, CN); empty or GLOBAL: anywhere
	RequiredCapabilities []string // e.g. function_calling
	RequiredAttestations []string // e.g. HIPAA_BAA
	Candidates           []string // model ids to consider; empty: every model in the catalog
}

// Source says where a figure comes from.
type Source string

const (
	SourceCatalog   Source = "CATALOG"   // the catalog's published or third-party estimate
	SourceBenchmark Source = "BENCHMARK" // the workspace's own finished benchmark (no catalog figure to blend with)
	SourceBlend     Source = "BLEND"     // the catalog figure and a benchmark's, weighed by how much each knows (evidence.go)
	SourceLoadTest  Source = "LOAD_TEST" // a load test of the workspace's own deployment (Options.SelfHosted); means, no spread
)

// Measured holds a model's figures from the workspace's finished benchmarks. Nil fields are not measured.
// They are combined with the catalog's by sample size (evidence.go): a benchmark of fewer than MinItems items
// is shown but not used.
type Measured struct {
	BenchmarkID           string
	Items                 int      // items scored: the sample size of Accuracy
	Samples               int      // calls timed: the sample size of the latency figures
	TTFTMillis            *float64 // median time to first token
	OutputTokensPerSecond *float64 // median decode speed
	LatencyP50Millis      *float64 // median end-to-end latency at the benchmark's token sizes
	LatencyP95Millis      *float64 // 95th percentile end-to-end latency at the benchmark's token sizes
	Accuracy              *float64 // share of items passed, 0..1
}

// Options tune a simulation; the zero value uses the documented defaults.
type Options struct {
	Measured   map[string]Measured  // by model id
	RateLimits map[string]RateLimit // by model API (provider); overrides DefaultRateLimits
	Weights    *Weights             // nil: DefaultWeights
	// SelfHosted are the workspace's measured SELF_HOSTED deployments, each ranked as a candidate of its own.
	SelfHosted []SelfHosted
	// AsOf (YYYY-MM-DD), when set, excludes models whose deprecation date is on or before it. The engine reads
	// no clock: the caller passes today's date.
	AsOf string
}

// ValidationError is a bad input, named by its field in GraphQL spelling.
type ValidationError struct {
	Field  string
	Reason string
}

func (e *ValidationError) Error() string { return e.Field + ": " + e.Reason }

func invalid(field, format string, args ...any) *ValidationError {
	return &ValidationError{Field: field, Reason: fmt.Sprintf(format, args...)}
}

var knownRegions = []string{"US", "EU", "APAC", "CN", "GLOBAL"}

// normalize applies defaults and validates w.
func (w Workload) normalize() (Workload, error) {
	if w.PeakFactor == 0 {
		w.PeakFactor = 1
	}
	if w.SLAPercentile == 0 {
		w.SLAPercentile = 95
	}
	if w.Complexity == "" {
		w.Complexity = catalog.ComplexityMedium
	}
	if w.MinTier == 0 {
		w.MinTier = catalog.TierAdequate
	}
	switch {
	case w.RequestsPerDay <= 0 || w.RequestsPerDay > MaxRequestsPerDay:
		return w, invalid("requestsPerDay", "must be between 1 and %d, got %d", int64(MaxRequestsPerDay), w.RequestsPerDay)
	case w.InputTokens < 0 || w.InputTokens > MaxTokens:
		return w, invalid("inputTokens", "must be between 0 and %d, got %d", MaxTokens, w.InputTokens)
	case w.OutputTokens < 0 || w.OutputTokens > MaxTokens:
		return w, invalid("outputTokens", "must be between 0 and %d, got %d", MaxTokens, w.OutputTokens)
	case w.ReasoningTokens < 0 || w.ReasoningTokens > MaxTokens:
		return w, invalid("reasoningTokens", "must be between 0 and %d, got %d", MaxTokens, w.ReasoningTokens)
	case !finite(w.CachedInputFraction) || w.CachedInputFraction < 0 || w.CachedInputFraction > 1:
		return w, invalid("cachedInputFraction", "must be between 0 and 1, got %v", w.CachedInputFraction)
	case !finite(w.CacheWriteFraction) || w.CacheWriteFraction < 0 || w.CacheWriteFraction+w.CachedInputFraction > 1+1e-12:
		return w, invalid("cacheWriteFraction", "must be at least 0, and with cachedInputFraction at most 1 (a token is read or written or neither), got %v", w.CacheWriteFraction)
	case !finite(w.PeakFactor) || w.PeakFactor < 1 || w.PeakFactor > MaxPeakFactor:
		return w, invalid("peakFactor", "must be between 1 and %d (peak over average traffic), got %v", MaxPeakFactor, w.PeakFactor)
	case !finite(w.LatencySLAMillis) || w.LatencySLAMillis < 0:
		return w, invalid("latencySlaMs", "must be 0 (no SLA) or a positive number of milliseconds, got %v", w.LatencySLAMillis)
	case !finite(w.SLAPercentile) || w.SLAPercentile < 50 || w.SLAPercentile >= 100:
		return w, invalid("slaPercentile", "must be at least 50 and below 100, got %v", w.SLAPercentile)
	case w.MonthlyBudgetUSD != nil && w.MonthlyBudgetUSD.IsNegative():
		return w, invalid("monthlyBudget", "must not be negative, got %s", w.MonthlyBudgetUSD)
	case !w.Complexity.Valid():
		return w, invalid("complexity", "must be LOW, MEDIUM or HIGH, got %q", w.Complexity)
	case w.MinTier < catalog.TierWeak || w.MinTier > catalog.TierGood:
		return w, invalid("minTier", "must be 1 (weak), 2 (adequate) or 3 (good), got %d", w.MinTier)
	case w.MinAccuracy != nil && (!finite(*w.MinAccuracy) || *w.MinAccuracy < 0 || *w.MinAccuracy > 1):
		return w, invalid("minAccuracy", "must be between 0 and 1, got %v", *w.MinAccuracy)
	}
	for i, r := range w.DataRegions {
		if !slices.Contains(knownRegions, r) {
			return w, invalid(fmt.Sprintf("dataRegions[%d]", i), "%q is not one of %v", r, knownRegions)
		}
	}
	if slices.Contains(w.DataRegions, "GLOBAL") {
		w.DataRegions = nil // data may go anywhere: no constraint
	} else if len(w.DataRegions) > 0 {
		w.DataRegions = slices.Compact(slices.Sorted(slices.Values(w.DataRegions)))
	}
	return w, nil
}

func (o Options) validate() error {
	if o.AsOf != "" {
		if _, err := time.Parse(time.DateOnly, o.AsOf); err != nil {
			return invalid("asOf", "%q is not a date of the form YYYY-MM-DD", o.AsOf)
		}
	}
	for id, m := range o.Measured {
		for _, f := range []struct {
			name     string
			v        *float64
			positive bool
		}{
			{"ttftMs", m.TTFTMillis, false}, {"outputTokensPerSecond", m.OutputTokensPerSecond, true},
			{"latencyP50Ms", m.LatencyP50Millis, true}, {"latencyP95Ms", m.LatencyP95Millis, true},
			{"accuracy", m.Accuracy, false},
		} {
			if f.v == nil {
				continue
			}
			if !finite(*f.v) || *f.v < 0 || (f.positive && *f.v == 0) || (f.name == "accuracy" && *f.v > 1) {
				return invalid("measured["+id+"]."+f.name, "is out of range: %v", *f.v)
			}
		}
	}
	for p, rl := range o.RateLimits {
		if err := rl.validate("rateLimits[" + p + "]"); err != nil {
			return err
		}
	}
	if o.Weights != nil {
		if err := o.Weights.validate(); err != nil {
			return err
		}
	}
	return nil
}

func finite(x float64) bool { return !math.IsNaN(x) && !math.IsInf(x, 0) }

// Validate reports whether w is a workload Simulate accepts, as a *ValidationError naming the field.
func (w Workload) Validate() error {
	_, err := w.normalize()
	return err
}

// InputField names the input at fault; the GraphQL layer reports it as BAD_USER_INPUT with extensions.field.
func (e *ValidationError) InputField() string { return e.Field }

// reasoningFor is the reasoning tokens one request of w spends on m, and whether that is the catalog's
// estimate (catalog.Model.ReasoningTokens with the workload's figure).
func (w Workload) reasoningFor(m catalog.Model) (tokens int, estimated bool) {
	return m.ReasoningTokens(w.ReasoningTokens)
}
