package experiment

import (
	"math"
	"sort"
)

// Holm returns Holm's step-down adjusted p-values (Holm 1979, "A Simple Sequentially Rejective Multiple Test
// Procedure", Scand. J. Statist. 6:65–70), in the input order: with p₍₁₎ ≤ … ≤ p₍ₘ₎,
// p̃₍ᵢ₎ = max_{j≤i} min(1, (m − j + 1)·p₍ⱼ₎), as statsmodels multipletests(method='holm') returns.
// Rejecting where p̃ < α controls the family-wise error rate at α.
func Holm(pValues []float64) []float64 {
	m := len(pValues)
	order := make([]int, m)
	for i := range order {
		order[i] = i
	}
	sort.SliceStable(order, func(a, b int) bool { return pValues[order[a]] < pValues[order[b]] })
	adjusted := make([]float64, m)
	running := 0.0
	for rank, idx := range order {
		running = math.Max(running, math.Min(1, float64(m-rank)*pValues[idx]))
		adjusted[idx] = running
	}
	return adjusted
}
