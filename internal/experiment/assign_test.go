package experiment

import (
	"errors"
	"math"
	"strconv"
	"testing"

	"github.com/stretchr/testify/require"
	"gonum.org/v1/gonum/stat/distuv"
)

func TestHashVectors(t *testing.T) {
	t.Parallel()
	tests := []struct {
		seed, unit string
		want       float64
	}{
		// GrowthBook's SDK conformance cases, packages/sdk-js/test/cases.json "hash" with version 2
		// (growthbook/growthbook@8f1db4456915a8e7b7faf23d5632ca7219d2f469)
		{"seed", "a", 0.0505},
		{"seed", "b", 0.2696},
		{"foo", "ab", 0.2575},
		{"foo", "def", 0.2019},
		{"89123klj", "8952klfjas09ujkasdf", 0.124},
		{"90850943850283058242805", "123", 0.7516},
		{"()**(%$##$%#$#", `___)((*":&`, 0.0128},
		// reference.py H[...]: FNV-1a 32 written out in Python
		{"exp-42:", "user-1", 0.4049},
		{"exp-42:", "user-2", 0.2021},
		{"exp-42:", "user-3", 0.5149},
	}
	for _, tc := range tests {
		require.Equal(t, tc.want, Hash(tc.seed, tc.unit), "%q %q", tc.seed, tc.unit)
	}
}

func TestAssignVectors(t *testing.T) {
	t.Parallel()
	// Documented vectors: the hash values above placed on cumulative weights.
	tests := []struct {
		seed, unit string
		weights    []float64
		want       int
	}{
		{"seed", "a", []float64{0.5, 0.5}, 0},                          // 0.0505 < 0.5
		{"seed", "b", []float64{20, 80}, 1},                            // 0.2696 ≥ 0.2
		{"foo", "ab", []float64{1, 1, 2}, 1},                           // 0.25 ≤ 0.2575 < 0.5
		{"foo", "def", []float64{0.2019, 0.7981}, 1},                   // a range is [start, end): 0.2019 is B's
		{"89123klj", "8952klfjas09ujkasdf", []float64{0.1, 0, 0.9}, 2}, // 0.124; a weight of 0 owns nothing
	}
	for _, tc := range tests {
		got, err := Assign(tc.seed, tc.unit, tc.weights)
		require.NoError(t, err)
		require.Equal(t, tc.want, got, "%q %q %v", tc.seed, tc.unit, tc.weights)
	}
}

func TestAssignWeightsAndIndependence(t *testing.T) {
	t.Parallel()
	const units = 100000
	weights := []float64{0.2, 0.3, 0.5}
	a, err := NewAssigner("exp-a:", weights)
	require.NoError(t, err)
	b, err := NewAssigner("exp-b:", []float64{1, 1})
	require.NoError(t, err)
	counts := make([]float64, 3)
	var cross [3][2]float64
	alone := make([]int, units)
	for i := range units {
		id := "user-" + strconv.Itoa(i)
		alone[i] = a.Variant(id)
	}
	for i := range units {
		id := "user-" + strconv.Itoa(i)
		vb := b.Variant(id) // another experiment interleaved: it cannot change a's answers
		va := a.Variant(id)
		require.Equal(t, alone[i], va)
		require.Equal(t, va, a.Variant(id), "deterministic")
		counts[va]++
		cross[va][vb]++
	}
	// Binomial tolerance: each count within 4 standard deviations √(n·w(1 − w)) of n·w.
	for i, w := range weights {
		require.InDelta(t, units*w, counts[i], 4*math.Sqrt(units*w*(1-w)), "variant %d", i)
	}
	// Independence of the two experiments' assignments: Pearson χ² on the 3×2 table, df 2, p ≥ 0.001.
	var chi2 float64
	for i := range 3 {
		for j := range 2 {
			expected := counts[i] * (cross[0][j] + cross[1][j] + cross[2][j]) / units
			d := cross[i][j] - expected
			chi2 += d * d / expected
		}
	}
	p := distuv.ChiSquared{K: 2}.Survival(chi2)
	t.Logf("100,000 units: counts %v for weights %v; independence χ² = %.2f, p = %.3f", counts, weights, chi2, p)
	require.GreaterOrEqual(t, p, 0.001)
}

func TestAssignValidation(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name    string
		weights []float64
		field   string
	}{
		{"none", nil, "weights"},
		{"negative", []float64{1, -1}, "weights[1]"},
		{"NaN", []float64{math.NaN()}, "weights[0]"},
		{"all zero", []float64{0, 0}, "weights"},
		{"overflow", []float64{math.MaxFloat64, math.MaxFloat64}, "weights"},
	}
	for _, tc := range tests {
		_, err := Assign("s", "u", tc.weights)
		var ve *ValidationError
		require.True(t, errors.As(err, &ve), "%s: got %v", tc.name, err)
		require.Equal(t, tc.field, ve.Field, tc.name)
	}
}
