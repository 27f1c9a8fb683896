package benchmark

import (
	"fmt"
	"math"
	"slices"
	"time"

	"github.com/modelarchitect/architect/internal/stats"
)

// Z95 is the standard normal quantile Φ⁻¹(0.975) of a two-sided 95 % interval (scipy.stats.norm.ppf(0.975)).
const Z95 = 1.959963984540054

// Interval is a closed range of proportions in [0, 1].
type Interval struct {
	Low, High float64
}

// Wilson is the Wilson score interval for passed successes out of n at normal quantile z (Wilson 1927; Brown, Cai & DasGupta 2001, "Interval Estimation for a Binomial Proportion"):
//
//	(p + z²/2n ± z·√(p(1−p)/n + z²/4n²)) / (1 + z²/n),  p = passed/n
//
// With n = 0 nothing is known and the interval is [0, 1].
func Wilson(passed, n int, z float64) (Interval, error) {
	if n < 0 || passed < 0 || passed > n {
		return Interval{}, fmt.Errorf("wilson interval: need 0 ≤ passed (%d) ≤ n (%d)", passed, n)
	}
	if !(z > 0) || math.IsInf(z, 0) {
		return Interval{}, fmt.Errorf("wilson interval: z must be a positive number")
	}
	if n == 0 {
		return Interval{Low: 0, High: 1}, nil
	}
	nf := float64(n)
	p := float64(passed) / nf
	z2 := z * z
	center := p + z2/(2*nf)
	half := z * math.Sqrt(p*(1-p)/nf+z2/(4*nf*nf))
	denom := 1 + z2/nf
	// The interval contains p exactly (Low = 0 at passed = 0, High = 1 at passed = n); min/max absorb the
	// last-bit rounding that would otherwise put Low a hair above 0.
	return Interval{Low: max(min((center-half)/denom, p), 0), High: min(max((center+half)/denom, p), 1)}, nil
}

// Summary is the distribution of a duration over calls.
type Summary struct {
	Count    int // samples; when 0 the percentiles are 0 and mean nothing
	P50, P95 time.Duration
}

func summarize(ds []time.Duration) Summary {
	if len(ds) == 0 {
		return Summary{}
	}
	xs := make([]float64, len(ds))
	for i, d := range ds {
		xs[i] = float64(d)
	}
	slices.Sort(xs)
	p50, _ := stats.Percentile(xs, 0.50)
	p95, _ := stats.Percentile(xs, 0.95)
	return Summary{Count: len(ds), P50: time.Duration(math.Round(p50)), P95: time.Duration(math.Round(p95))}
}
