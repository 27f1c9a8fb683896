package explain

import (
	"fmt"
	"math"
	"math/bits"
)

// MaxPlayers caps Shapley enumeration (2^n coalitions).
const MaxPlayers = 20

// Shapley returns the exact Shapley values of an n-player game by enumerating every coalition:
//
//	φ_i = Σ_{S ⊆ N∖{i}} |S|!·(n−|S|−1)!/n! · (v(S ∪ {i}) − v(S))
//
// A coalition is a bit mask (bit i set: player i is in it). The values sum to v(N) − v(∅) (efficiency).
func Shapley(n int, v func(coalition uint32) float64) ([]float64, error) {
	if n < 1 || n > MaxPlayers {
		return nil, fmt.Errorf("shapley: %d players; want 1..%d", n, MaxPlayers)
	}
	// weight[s] = s!·(n−s−1)!/n!, computed with log-gamma so it stays finite for every n allowed.
	weight := make([]float64, n)
	for s := range n {
		lg := func(x int) float64 { r, _ := math.Lgamma(float64(x + 1)); return r }
		weight[s] = math.Exp(lg(s) + lg(n-s-1) - lg(n))
	}
	values := make([]float64, 1<<n)
	for mask := range uint32(1 << n) {
		values[mask] = v(mask)
		if math.IsNaN(values[mask]) || math.IsInf(values[mask], 0) {
			return nil, fmt.Errorf("shapley: value of coalition %b is not a finite number", mask)
		}
	}
	phi := make([]float64, n)
	for i := range n {
		bit := uint32(1) << i
		for mask := range uint32(1 << n) {
			if mask&bit != 0 {
				continue
			}
			phi[i] += weight[bits.OnesCount32(mask)] * (values[mask|bit] - values[mask])
		}
	}
	return phi, nil
}
