package explain

import (
	"math"
	"math/bits"
	"math/rand/v2"
	"testing"

	"github.com/stretchr/testify/require"
)

func has(mask uint32, i int) bool { return mask&(1<<i) != 0 }

func TestShapleyHandMadeGames(t *testing.T) {
	t.Parallel()
	cases := []struct {
		name string
		n    int
		v    func(uint32) float64
		want []float64
	}{
		{
			// Additive game: each player's value is its own worth.
			name: "additive", n: 3,
			v: func(m uint32) float64 {
				s := 0.0
				for i, a := range []float64{0.2, -0.5, 1.5} {
					if has(m, i) {
						s += a
					}
				}
				return s
			},
			want: []float64{0.2, -0.5, 1.5},
		},
		{
			// Unanimity game on {0, 1}: worth 1 only when both are in. Players 0 and 1 are symmetric and split it;
			// player 2 is a null player.
			name: "unanimity", n: 3,
			v: func(m uint32) float64 {
				if has(m, 0) && has(m, 1) {
					return 1
				}
				return 0
			},
			want: []float64{0.5, 0.5, 0},
		},
		{
			// Glove game: player 0 holds a left glove, players 1 and 2 right gloves; a coalition is worth its number
			// of pairs. Textbook values: 2/3 for the left glove, 1/6 for each right glove.
			name: "gloves", n: 3,
			v: func(m uint32) float64 {
				left, right := 0, 0
				if has(m, 0) {
					left = 1
				}
				if has(m, 1) {
					right++
				}
				if has(m, 2) {
					right++
				}
				return float64(min(left, right))
			},
			want: []float64{2.0 / 3, 1.0 / 6, 1.0 / 6},
		},
		{
			// Majority of three: any two win. All players are symmetric: 1/3 each.
			name: "majority", n: 3,
			v: func(m uint32) float64 {
				if bits.OnesCount32(m) >= 2 {
					return 1
				}
				return 0
			},
			want: []float64{1.0 / 3, 1.0 / 3, 1.0 / 3},
		},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			phi, err := Shapley(tc.n, tc.v)
			require.NoError(t, err)
			require.InDeltaSlice(t, tc.want, phi, 1e-12)
			sum := 0.0
			for _, p := range phi {
				sum += p
			}
			full := uint32(1)<<tc.n - 1
			require.InDelta(t, tc.v(full)-tc.v(0), sum, 1e-12, "efficiency")
		})
	}
}

// TestShapleyEfficiencyAndSymmetryRandom builds random games in which players 1 and 3 are interchangeable
// (the value depends on how many of them are in, not which) and checks efficiency and symmetry.
func TestShapleyEfficiencyAndSymmetryRandom(t *testing.T) {
	t.Parallel()
	r := rand.New(rand.NewPCG(11, 12))
	const n = 6
	for range 20 {
		table := map[uint32]float64{}
		canonical := func(m uint32) uint32 { // swap-invariant key: put "one of {1,3}" always on bit 1
			if has(m, 3) && !has(m, 1) {
				m = m&^(1<<3) | 1<<1
			}
			return m
		}
		v := func(m uint32) float64 {
			k := canonical(m)
			if x, ok := table[k]; ok {
				return x
			}
			x := r.NormFloat64()
			table[k] = x
			return x
		}
		for m := range uint32(1 << n) { // fill the table deterministically before Shapley reads it
			v(m)
		}
		phi, err := Shapley(n, v)
		require.NoError(t, err)
		sum := 0.0
		for _, p := range phi {
			sum += p
		}
		require.InDelta(t, v(1<<n-1)-v(0), sum, 1e-9, "efficiency")
		require.InDelta(t, phi[1], phi[3], 1e-9, "symmetry")
	}
}

func TestShapleyRefusesBadGames(t *testing.T) {
	t.Parallel()
	_, err := Shapley(0, func(uint32) float64 { return 0 })
	require.Error(t, err)
	_, err = Shapley(MaxPlayers+1, func(uint32) float64 { return 0 })
	require.Error(t, err)
	_, err = Shapley(2, func(m uint32) float64 { return math.NaN() })
	require.Error(t, err)
}
