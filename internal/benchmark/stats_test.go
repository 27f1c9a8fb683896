package benchmark

import (
	"math"
	"testing"
	"time"

	"github.com/stretchr/testify/require"
)

func TestWilson(t *testing.T) {
	t.Parallel()
	// Expected values from statsmodels 0.13.5, proportion_confint(k, n, alpha=0.05, method="wilson"), which uses
	// z = norm.ppf(0.975) = 1.959963984540054.
	// Worked for 7/10: p = 0.7, z² = 3.841459; centre = 0.7 + z²/20 = 0.892073; half-width = z·√(0.021 + z²/400)
	// = 1.959964·0.174939 = 0.342876; denominator = 1 + z²/10 = 1.384146; low = 0.549197/1.384146 = 0.396778,
	// high = 1.234949/1.384146 = 0.892209.
	tests := []struct {
		name      string
		k, n      int
		low, high float64
	}{
		{name: "7 of 10", k: 7, n: 10, low: 0.39677814746114537, high: 0.8922087325936989},
		{name: "0 of 10", k: 0, n: 10, low: 0, high: 0.27753279986288926},
		{name: "10 of 10", k: 10, n: 10, low: 0.7224672001371106, high: 1},
		{name: "1 of 2", k: 1, n: 2, low: 0.09453120573423068, high: 0.9054687942657693},
		{name: "50 of 100", k: 50, n: 100, low: 0.4038315303659956, high: 0.5961684696340044},
		{name: "81 of 100", k: 81, n: 100, low: 0.7222115462093562, high: 0.8748524849023126},
		{name: "1 of 1", k: 1, n: 1, low: 0.2065493143772374, high: 1},
		{name: "0 of 1", k: 0, n: 1, low: 0, high: 0.7934506856227627},
		{name: "3 of 50", k: 3, n: 50, low: 0.020614970348973943, high: 0.16217091688838173},
		{name: "no data", k: 0, n: 0, low: 0, high: 1},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			got, err := Wilson(tc.k, tc.n, Z95)
			require.NoError(t, err)
			require.InDelta(t, tc.low, got.Low, 1e-12)
			require.InDelta(t, tc.high, got.High, 1e-12)
		})
	}
}

func TestWilsonRefuses(t *testing.T) {
	t.Parallel()
	for _, c := range []struct {
		k, n int
		z    float64
	}{{-1, 5, Z95}, {6, 5, Z95}, {1, -1, Z95}, {1, 2, 0}, {1, 2, math.NaN()}, {1, 2, math.Inf(1)}} {
		_, err := Wilson(c.k, c.n, c.z)
		require.Error(t, err, "%+v", c)
	}
}

// TestWilsonProperties: the interval lies in [0, 1], contains the observed proportion, is symmetric under
// swapping passes and failures, and narrows as n grows at the same proportion.
func TestWilsonProperties(t *testing.T) {
	t.Parallel()
	for n := 1; n <= 200; n++ {
		for k := 0; k <= n; k++ {
			iv, err := Wilson(k, n, Z95)
			require.NoError(t, err)
			p := float64(k) / float64(n)
			require.True(t, 0 <= iv.Low && iv.Low <= p && p <= iv.High && iv.High <= 1, "k=%d n=%d %+v", k, n, iv)
			mirror, _ := Wilson(n-k, n, Z95)
			require.InDelta(t, iv.Low, 1-mirror.High, 1e-12)
			wide, _ := Wilson(k, n, Z95)
			narrow, _ := Wilson(2*k, 2*n, Z95)
			require.Less(t, narrow.High-narrow.Low, wide.High-wide.Low)
		}
	}
}

func TestSummarize(t *testing.T) {
	t.Parallel()
	ms := time.Millisecond
	// Unsorted input; sorted [100 200 300 400] ms: p50 = 250 ms, p95 = 300 + 0.85·100 = 385 ms.
	got := summarize([]time.Duration{400 * ms, 100 * ms, 300 * ms, 200 * ms})
	require.Equal(t, Summary{Count: 4, P50: 250 * ms, P95: 385 * ms}, got)
	require.Equal(t, Summary{}, summarize(nil))
}
