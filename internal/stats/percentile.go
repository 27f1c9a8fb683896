package stats

import (
	"errors"
	"fmt"
	"math"
)

// ErrNoSamples is returned by Percentile for an empty sample.
var ErrNoSamples = errors.New("percentile of no samples")

// Percentile is the q-quantile (q in [0, 1]) of sorted ascending values by linear interpolation between closest
// ranks, numpy.percentile's default method "linear" (Hyndman & Fan 1996, definition 7):
// h = (n−1)·q, x[⌊h⌋] + (h−⌊h⌋)·(x[⌊h⌋+1] − x[⌊h⌋]).
func Percentile(sorted []float64, q float64) (float64, error) {
	if len(sorted) == 0 {
		return 0, ErrNoSamples
	}
	if !(q >= 0 && q <= 1) {
		return 0, fmt.Errorf("percentile: q = %v is not in [0, 1]", q)
	}
	for _, x := range sorted {
		if math.IsNaN(x) || math.IsInf(x, 0) {
			return 0, fmt.Errorf("percentile: sample holds %v", x)
		}
	}
	h := float64(len(sorted)-1) * q
	lo := int(math.Floor(h))
	if lo >= len(sorted)-1 {
		return sorted[len(sorted)-1], nil
	}
	return sorted[lo] + (h-float64(lo))*(sorted[lo+1]-sorted[lo]), nil
}
