package loadtest

import (
	"math/rand/v2"
	"time"

	"gonum.org/v1/gonum/stat/distuv"
)

// PCG stream numbers: each use of the seed draws from its own stream, so a change in one (say, the lengths)
// does not move the others (the arrivals).
const (
	streamArrivals uint64 = 0x6172726976616c00 // + step index
	streamRequests uint64 = 0x7265717565737400
	streamITL      uint64 = 0x69746c0000000000 // + step index
)

// arrivals draws the gaps between the requests of an open loop at rate λ requests/s with gamma shape k:
// Gamma(shape k, scale 1/(λk)), of mean 1/λ and coefficient of variation 1/√k; k = 1 is a Poisson process,
// k < 1 burstier, k > 1 more regular. Definition from vLLM benchmarks/serve.py (get_request:
// np.random.gamma(shape=burstiness, scale=1/(request_rate·burstiness))). Unlike vLLM, the gaps are not rescaled
// to a fixed total: a step here is bounded by its duration, not by a request count.
type arrivals struct{ gamma distuv.Gamma }

func newArrivals(seed uint64, step int, rate, k float64) arrivals {
	src := rand.NewPCG(seed, streamArrivals+uint64(step))
	return arrivals{gamma: distuv.Gamma{Alpha: k, Beta: rate * k, Src: src}} // gonum's Beta is the rate, 1/scale
}

// next is the gap before the next request.
func (a arrivals) next() time.Duration {
	return time.Duration(a.gamma.Rand() * float64(time.Second))
}
