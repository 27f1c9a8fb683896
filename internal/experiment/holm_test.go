package experiment

import (
	"testing"

	"github.com/stretchr/testify/require"
)

func TestHolm(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name string
		in   []float64
		want []float64
	}{
		// /usr/bin/python3 internal/experiment/testdata/reference.py → H1:
		// statsmodels multipletests([0.01, 0.04, 0.03, 0.005], method='holm')[1]
		{"H1 four p-values", []float64{0.01, 0.04, 0.03, 0.005}, []float64{0.03, 0.06, 0.06, 0.02}},
		{"one p-value is unchanged", []float64{0.2}, []float64{0.2}},
		// sorted 0.3, 0.6: 2·0.3 = 0.6, max(0.6, min(1, 0.6)) = 0.6
		{"capped and monotone", []float64{0.6, 0.3}, []float64{0.6, 0.6}},
		{"capped at 1", []float64{0.9, 0.8}, []float64{1, 1}},
		{"empty", nil, []float64{}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			got := Holm(tc.in)
			require.Len(t, got, len(tc.want))
			for i := range tc.want {
				require.InDelta(t, tc.want[i], got[i], 1e-12, "index %d", i)
			}
		})
	}
}
