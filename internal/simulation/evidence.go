package simulation

import (
	"fmt"

	"github.com/modelarchitect/architect/internal/catalog"
)

// Evidence: how much a benchmark's figures count against the catalog's.
//
// Accuracy. The catalog's quality figure is a prior belief about the share of a workload's items a model
// gets right: p₀ = Artificial Analysis Intelligence Index ÷ 100 (the index is a mean score over its
// evaluations, 0–100, so ÷ 100 puts it on the scale of a pass rate), held with the weight of PriorItems items:
// Beta(n₀p₀, n₀(1 − p₀)). A benchmark of n items with k passed updates it to Beta(n₀p₀ + k, n₀(1 − p₀) + n − k),
// whose mean (n₀p₀ + k) ÷ (n₀ + n) is the accuracy used (the conjugate Beta–binomial update; Gelman et al.,
// Bayesian Data Analysis, 3rd ed., §2.4). A model without an index has no prior: its measured share is used
// alone once there are MinItems items.
//
// Speed. A measured median (TTFT, decode speed) shrinks toward the catalog's by the same weights:
// (n₀ × catalog + n × measured) ÷ (n₀ + n), n the calls timed; without a catalog figure the measurement is used
// alone once there are MinItems calls.
//
// Either way a benchmark with fewer than MinItems items (or timed calls) is shown but not used: one or two
// items say almost nothing and must not move a recommendation.
const (
	PriorItems = 20 // n₀: the catalog figure weighs as much as 20 items or timed calls of a benchmark
	MinItems   = 10 // fewer items (or timed calls) than this: shown, not used
)

// accuracyEstimate blends the catalog prior with a measured accuracy. It returns the accuracy to use (nil:
// none), its source, and a sentence naming both.
func accuracyEstimate(m catalog.Model, meas *Measured) (*float64, Source, string) {
	var prior *float64
	if m.Quality != nil && m.Quality.IntelligenceIndex != nil {
		p := *m.Quality.IntelligenceIndex / 100
		prior = &p
	}
	used := meas != nil && meas.Accuracy != nil && meas.Items >= MinItems
	switch {
	case used && prior != nil:
		k := *meas.Accuracy * float64(meas.Items)
		v := (PriorItems**prior + k) / float64(PriorItems+meas.Items)
		return &v, SourceBlend, fmt.Sprintf("catalog prior %.3f (intelligence index %s, %s) weighed as %d items, with benchmark %s: %d items, %.3f passed",
			*prior, fmtIndex(m), qualityAsOf(m), PriorItems, meas.BenchmarkID, meas.Items, *meas.Accuracy)
	case used:
		v := *meas.Accuracy
		return &v, SourceBenchmark, fmt.Sprintf("benchmark %s: %d items, %.3f passed (no catalog quality figure to blend with)",
			meas.BenchmarkID, meas.Items, v)
	case prior != nil:
		note := ""
		if meas != nil && meas.Accuracy != nil {
			note = fmt.Sprintf("; benchmark %s has %d items, fewer than the %d needed to count", meas.BenchmarkID, meas.Items, MinItems)
		}
		return prior, SourceCatalog, fmt.Sprintf("catalog: intelligence index %s (%s) ÷ 100%s", fmtIndex(m), qualityAsOf(m), note)
	}
	return nil, SourceCatalog, ""
}

// blendSpeed combines a catalog median with a measured one by their weights.
func blendSpeed(catalogValue float64, haveCatalog bool, measured *float64, n int) (float64, Source, bool) {
	used := measured != nil && n >= MinItems
	switch {
	case used && haveCatalog:
		return (PriorItems*catalogValue + float64(n)**measured) / float64(PriorItems+n), SourceBlend, true
	case used:
		return *measured, SourceBenchmark, true
	case haveCatalog:
		return catalogValue, SourceCatalog, true
	}
	return 0, SourceCatalog, false
}

func fmtIndex(m catalog.Model) string { return fmt.Sprintf("%.1f", *m.Quality.IntelligenceIndex) }

func qualityAsOf(m catalog.Model) string {
	if m.Quality.AsOf == "" {
		return "undated"
	}
	return "as of " + m.Quality.AsOf
}
