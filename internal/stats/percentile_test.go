package stats

import (
	"encoding/json"
	"fmt"
	"math"
	"math/rand/v2"
	"os"
	"slices"
	"testing"

	"github.com/stretchr/testify/require"
)

// TestPercentileNumpy checks every case of testdata/percentile.json, written by numpy 1.24.2's
// np.percentile(values, p) (default method "linear") through testdata/percentile.py.
func TestPercentileNumpy(t *testing.T) {
	t.Parallel()
	b, err := os.ReadFile("testdata/percentile.json")
	require.NoError(t, err)
	var fixture struct {
		Numpy string `json:"numpy"`
		Cases []struct {
			Name       string    `json:"name"`
			Values     []float64 `json:"values"`
			Percentile float64   `json:"percentile"`
			Want       float64   `json:"want"`
		} `json:"cases"`
	}
	require.NoError(t, json.Unmarshal(b, &fixture))
	require.NotEmpty(t, fixture.Cases)
	for _, tc := range fixture.Cases {
		t.Run(fmt.Sprintf("%s p%v", tc.Name, tc.Percentile), func(t *testing.T) {
			t.Parallel()
			got, err := Percentile(tc.Values, tc.Percentile/100)
			require.NoError(t, err)
			require.InDelta(t, tc.Want, got, 1e-9*max(1, math.Abs(tc.Want)))
		})
	}
}

func TestPercentile(t *testing.T) {
	t.Parallel()
	// numpy.percentile(range(1, 11), 99) = 9.91: h = 9·0.99 = 8.91 → x[8] + 0.91·(x[9] − x[8]) = 9 + 0.91.
	got, err := Percentile([]float64{1, 2, 3, 4, 5, 6, 7, 8, 9, 10}, 0.99)
	require.NoError(t, err)
	require.InDelta(t, 9.91, got, 1e-12)

	_, err = Percentile(nil, 0.5)
	require.ErrorIs(t, err, ErrNoSamples)
	for _, q := range []float64{-0.1, 1.5, math.NaN()} {
		_, err = Percentile([]float64{1}, q)
		require.Error(t, err, "q=%v", q)
	}
	_, err = Percentile([]float64{1, math.Inf(1)}, 0.5)
	require.Error(t, err)
	_, err = Percentile([]float64{math.NaN(), 1}, 0.5)
	require.Error(t, err)
}

// TestPercentileProperties: monotone in q and between the sample's minimum and maximum.
func TestPercentileProperties(t *testing.T) {
	t.Parallel()
	r := rand.New(rand.NewPCG(1, 2))
	for range 200 {
		xs := make([]float64, 1+r.IntN(40))
		for i := range xs {
			xs[i] = r.NormFloat64() * 100
		}
		slices.Sort(xs)
		prev := math.Inf(-1)
		for q := 0.0; q <= 1; q += 0.01 {
			v, err := Percentile(xs, q)
			require.NoError(t, err)
			require.GreaterOrEqual(t, v, prev)
			require.True(t, v >= xs[0] && v <= xs[len(xs)-1])
			prev = v
		}
	}
}
