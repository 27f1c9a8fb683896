package experiment

import (
	"fmt"
	"hash/fnv"
	"strconv"
)

// Hash maps a unit to [0, 1) for the experiment whose seed is given, in steps of 1/10,000. It is GrowthBook's
// hash version 2 (packages/sdk-js/src/util.ts hash(seed, value, 2),
// growthbook/growthbook@8f1db4456915a8e7b7faf23d5632ca7219d2f469), so any GrowthBook SDK, or a dozen lines in
// any language, reproduces it offline:
//
//	h1 = FNV-1a-32(UTF-8 bytes of seed + unitID)          // seed and id concatenated, no separator
//	h2 = FNV-1a-32(UTF-8 bytes of the decimal string of h1) // e.g. "3243902364"
//	Hash = (h2 mod 10000) / 10000
//
// FNV-1a-32 starts from 2166136261 and, for each byte, XORs it in and multiplies by 16777619 modulo 2³².
// GrowthBook's JavaScript SDK XORs UTF-16 code units instead of bytes, which agrees for ASCII seeds and ids
// only; keep both ASCII to match every SDK. Because the two strings are concatenated, seed "ab" with unit
// "c" hashes like seed "a" with unit "bc": end seeds with a separator (e.g. "exp-42:") to rule that out.
//
// Test vectors (GrowthBook's SDK conformance cases, packages/sdk-js/test/cases.json "hash", version 2):
//
//	Hash("seed", "a") = 0.0505        Hash("seed", "b") = 0.2696
//	Hash("foo", "ab") = 0.2575        Hash("foo", "def") = 0.2019
//	Hash("89123klj", "8952klfjas09ujkasdf") = 0.124
func Hash(seed, unitID string) float64 {
	h := fnv.New32a()
	h.Write([]byte(seed))
	h.Write([]byte(unitID))
	first := h.Sum32()
	h.Reset()
	h.Write(strconv.AppendUint(nil, uint64(first), 10))
	return float64(h.Sum32()%10000) / 10000
}

// Assigner picks variants for one experiment: the variant whose range of cumulative weights holds
// Hash(seed, unitID). With normalised weights w₀, w₁, … variant i owns [w₀ + … + wᵢ₋₁, w₀ + … + wᵢ) (the
// last range ends at 1), as GrowthBook's getBucketRanges and chooseVariation do with full coverage. An
// assignment depends only on the experiment's seed, the unit id and the weights: other experiments'
// seeds never enter it, and a unit keeps its variant as long as the weights stay.
type Assigner struct {
	seed string
	ends []float64 // cumulative weight at the end of each variant's range
}

// NewAssigner checks the weights (any non-negative scale with a positive sum, e.g. 50/50, 0.2/0.8; a weight
// of 0 gets no units) and returns the experiment's Assigner.
func NewAssigner(seed string, weights []float64) (Assigner, error) {
	if len(weights) == 0 {
		return Assigner{}, invalid("weights", "need at least one variant weight")
	}
	var sum float64
	for i, w := range weights {
		if !finite(w) || w < 0 {
			return Assigner{}, invalid(fmt.Sprintf("weights[%d]", i), "must be a non-negative traffic share, got %g", w)
		}
		sum += w
	}
	if !(sum > 0) || !finite(sum) {
		return Assigner{}, invalid("weights", "must have a positive, finite sum; give the split as shares such as 0.5 and 0.5")
	}
	a := Assigner{seed: seed, ends: make([]float64, len(weights))}
	var cum float64
	last := 0
	for i, w := range weights {
		cum += w / sum
		a.ends[i] = cum
		if w > 0 {
			last = i
		}
	}
	// Rounding must not leave the top of [0, 1) to nobody: the last variant with weight owns up to 1.
	for i := last; i < len(a.ends); i++ {
		a.ends[i] = 1
	}
	return a, nil
}

// Variant is the index of unitID's variant.
func (a Assigner) Variant(unitID string) int {
	h := Hash(a.seed, unitID)
	for i, end := range a.ends {
		if h < end {
			return i
		}
	}
	return len(a.ends) - 1 // unreachable: the last end is 1 and Hash < 1
}

// Assign is NewAssigner(seed, weights).Variant(unitID).
func Assign(seed, unitID string, weights []float64) (int, error) {
	a, err := NewAssigner(seed, weights)
	if err != nil {
		return 0, err
	}
	return a.Variant(unitID), nil
}
