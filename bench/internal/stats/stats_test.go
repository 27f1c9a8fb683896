package stats

import (
	"testing"
	"time"

	"github.com/stretchr/testify/require"
)

func TestPercentile(t *testing.T) {
	t.Parallel()
	// 1..100 ms: the nearest-rank p-th percentile of 100 samples is the p-th smallest.
	var s []time.Duration
	for i := 100; i >= 1; i-- {
		s = append(s, time.Duration(i)*time.Millisecond)
	}
	l := Summarise(s)
	require.Equal(t, Latency{Count: 100, Mean: 50.5, P50: 50, P95: 95, P99: 99, Max: 100}, l)

	cases := []struct {
		name   string
		sorted []time.Duration
		p      float64
		want   time.Duration
	}{
		{"empty", nil, 50, 0},
		{"one sample", []time.Duration{7}, 99, 7},
		// 3 samples: rank ⌈0.5·3⌉ = 2.
		{"median of three", []time.Duration{1, 2, 3}, 50, 2},
		// 10 samples: rank ⌈0.99·10⌉ = 10, the largest.
		{"p99 of ten", []time.Duration{1, 2, 3, 4, 5, 6, 7, 8, 9, 10}, 99, 10},
		// rank ⌈0.9·10⌉ = 9.
		{"p90 of ten", []time.Duration{1, 2, 3, 4, 5, 6, 7, 8, 9, 10}, 90, 9},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			require.Equal(t, tc.want, Percentile(tc.sorted, tc.p))
		})
	}
}

func TestOver(t *testing.T) {
	t.Parallel()
	cases := []struct {
		name string
		xs   []float64
		want Spread
	}{
		{"empty", nil, Spread{}},
		{"odd count", []float64{740, 712, 760}, Spread{Median: 740, Min: 712, Max: 760}},
		{"even count: mean of the middle two", []float64{4, 1, 3, 2}, Spread{Median: 2.5, Min: 1, Max: 4}},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			in := append([]float64(nil), tc.xs...)
			require.Equal(t, tc.want, Over(tc.xs))
			require.Equal(t, in, tc.xs, "the input is not reordered")
		})
	}
}
