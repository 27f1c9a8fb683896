package experiment

import (
	"errors"
	"testing"

	"github.com/stretchr/testify/require"
)

func TestCheckSRMReference(t *testing.T) {
	t.Parallel()
	// /usr/bin/python3 internal/experiment/testdata/reference.py → S1..S4:
	// scipy.stats.chisquare(observed, sum(observed)·weights/sum(weights))
	tests := []struct {
		name     string
		observed []int64
		weights  []float64
		chi2, p  float64
		mismatch bool
	}{
		// S1: χ² = 2 × 100²/1,100 = 18.1818…, p = erfc(√(χ²/2)) = 2.0079e-05 (one degree of freedom; Python's
		// math.erfc).
		{"S1 1200/1000 at 50/50", []int64{1200, 1000}, []float64{50, 50}, 18.181818181818183, 2.007865612426481e-05, true},
		{"S2 10100/9900 at 50/50", []int64{10100, 9900}, []float64{50, 50}, 2.0, 0.15729920705028105, false},
		{"S3 three arms", []int64{5120, 4880, 5400}, []float64{1, 1, 1}, 26.38961038961039, 1.8602397237541024e-06, true},
		{"S4 80/20 split", []int64{820, 180}, []float64{0.8, 0.2}, 2.5, 0.11384629800665763, false},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			s, err := CheckSRM(tc.observed, tc.weights)
			require.NoError(t, err)
			require.InDelta(t, tc.chi2, s.ChiSquare, refTol)
			require.InDelta(t, tc.p, s.PValue, refTol)
			require.Equal(t, len(tc.observed)-1, s.DF)
			require.Equal(t, tc.mismatch, s.Mismatch)
		})
	}
}

func TestCheckSRMEdges(t *testing.T) {
	t.Parallel()
	s, err := CheckSRM([]int64{0, 0}, []float64{1, 1})
	require.NoError(t, err)
	require.Equal(t, 1.0, s.PValue, "no units: nothing to flag")
	require.False(t, s.Mismatch)
	require.NotEmpty(t, s.Notes)

	tests := []struct {
		name     string
		observed []int64
		weights  []float64
		field    string
	}{
		{"one variant", []int64{3}, []float64{1}, "variants"},
		{"weights mismatch", []int64{3, 4}, []float64{1}, "weights"},
		{"negative count", []int64{3, -4}, []float64{1, 1}, "observed[1]"},
		{"zero weight", []int64{3, 4}, []float64{1, 0}, "weights[1]"},
		{"huge weights", []int64{3, 4}, []float64{1.7e308, 1.7e308}, "weights"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			_, err := CheckSRM(tc.observed, tc.weights)
			var ve *ValidationError
			require.True(t, errors.As(err, &ve), "got %v", err)
			require.Equal(t, tc.field, ve.Field)
		})
	}
}
