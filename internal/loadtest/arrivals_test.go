package loadtest

import (
	"math"
	"testing"

	"github.com/stretchr/testify/require"
)

// TestArrivals draws 100,000 gaps at 4 requests/s for each shape k with a fixed seed: their mean must be within
// 2 % of 1/λ = 250 ms and their coefficient of variation within 3 % of 1/√k (Gamma(k, θ) has mean kθ and
// variance kθ², so with θ = 1/(λk) the mean is 1/λ and CV = √(kθ²)/(kθ) = 1/√k). At n = 100,000 the standard
// error of the mean is CV/√n ≤ 0.45 % and that of the CV under 0.7 % (k = 0.5, excess kurtosis 6/k = 12), so
// the tolerances are over four standard errors.
func TestArrivals(t *testing.T) {
	t.Parallel()
	const (
		rate = 4.0
		n    = 100_000
	)
	for _, k := range []float64{1, 0.5, 2} {
		a := newArrivals(42, 0, rate, k)
		var sum, sumSq float64
		for range n {
			x := a.next().Seconds()
			require.GreaterOrEqual(t, x, 0.0)
			sum += x
			sumSq += x * x
		}
		mean := sum / n
		sd := math.Sqrt((sumSq - n*mean*mean) / (n - 1))
		cv := sd / mean
		t.Logf("k=%v: mean %.5f s (want %.5f), CV %.4f (want %.4f)", k, mean, 1/rate, cv, 1/math.Sqrt(k))
		require.InEpsilon(t, 1/rate, mean, 0.02, "k=%v", k)
		require.InEpsilon(t, 1/math.Sqrt(k), cv, 0.03, "k=%v", k)
	}
}

// TestArrivalsReproducible: the same seed and step give the same gaps; another step or seed does not.
func TestArrivalsReproducible(t *testing.T) {
	t.Parallel()
	draw := func(seed uint64, step int) [5]float64 {
		a := newArrivals(seed, step, 2, 0.5)
		var out [5]float64
		for i := range out {
			out[i] = a.next().Seconds()
		}
		return out
	}
	require.Equal(t, draw(7, 0), draw(7, 0))
	require.NotEqual(t, draw(7, 0), draw(7, 1))
	require.NotEqual(t, draw(7, 0), draw(8, 0))
}
