package catalog

// Tier values.
const (
	TierUnsuitable Tier = 0
	TierWeak       Tier = 1
	TierAdequate   Tier = 2
	TierGood       Tier = 3
)

// Complexities lists every complexity in a fixed order.
var Complexities = []Complexity{ComplexityLow, ComplexityMedium, ComplexityHigh}

// Valid reports whether c is one of the known complexities.
func (c Complexity) Valid() bool {
	return c == ComplexityLow || c == ComplexityMedium || c == ComplexityHigh
}

// tierCutoffs are the minimum Artificial Analysis Intelligence Index for tiers 3 (good), 2 (adequate) and
// 1 (weak) at each complexity; below the last cut-off a model is unsuitable (0). The cut-offs are anchored on
// reference models of the same AA snapshot (2026-07-10): GPT-4o (Nov '24) scores 11.2, GPT-4.1 19.4 and
// GPT-5 (high) 34.7. "Good" at a complexity means at least its reference's level, so the reference itself is
// good: the cut-off is at or below its score, a whole number (LOW 10 ≤ 11.2, MEDIUM 19 ≤ 19.4, HIGH 34 ≤ 34.7;
// the first version had 20 and 35, which left GPT-4.1 and GPT-5 (high) short of their own anchors); the lower
// tiers step down towards the next reference.
var tierCutoffs = map[Complexity][3]float64{
	ComplexityLow:    {10, 5, 0},
	ComplexityMedium: {19, 12, 6},
	ComplexityHigh:   {34, 25, 15},
}

// TierCutoffs returns the intelligence-index cut-offs for tiers 3, 2 and 1 at complexity c
// (ok is false for an unknown complexity).
func TierCutoffs(c Complexity) (good, adequate, weak float64, ok bool) {
	t, ok := tierCutoffs[c]
	return t[0], t[1], t[2], ok
}

// TierFor applies the tier rule to an Artificial Analysis Intelligence Index at complexity c.
// An unknown complexity gives TierUnsuitable.
func TierFor(c Complexity, intelligenceIndex float64) Tier {
	t, ok := tierCutoffs[c]
	switch {
	case !ok:
		return TierUnsuitable
	case intelligenceIndex >= t[0]:
		return TierGood
	case intelligenceIndex >= t[1]:
		return TierAdequate
	case intelligenceIndex >= t[2]:
		return TierWeak
	default:
		return TierUnsuitable
	}
}

// TiersFor returns the tiers at every complexity for an intelligence index.
func TiersFor(intelligenceIndex float64) map[Complexity]Tier {
	out := make(map[Complexity]Tier, len(Complexities))
	for _, c := range Complexities {
		out[c] = TierFor(c, intelligenceIndex)
	}
	return out
}
