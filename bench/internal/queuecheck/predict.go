package queuecheck

import (
	"fmt"
	"math"

	"github.com/modelarchitect/architect/internal/queueing"
)

// Prediction is what the M/M/c model says of one arrival rate, times in seconds.
type Prediction struct {
	ErlangC  float64 // P(an arrival waits)
	MeanWait float64 // E[W] = C/(cμ − λ)
	P95Wait  float64 // queueing.WaitQuantile at 0.95
	MeanE2E  float64 // E[W] + 1/μ
	P95E2E   float64 // 0.95-quantile of the sojourn time W + S
	GoodProb float64 // P(W + S ≤ slo)
}

// Predict is the M/M/c prediction for c servers, arrivals at lambda/s, mean service time mean seconds and an
// end-to-end threshold of slo seconds.
func Predict(c int, lambda, mean, slo float64) (Prediction, error) {
	mu := 1 / mean
	erl, err := queueing.ErlangC(c, lambda/mu)
	if err != nil {
		return Prediction{}, fmt.Errorf("rate %g/s on %d slots of %gs: %w", lambda, c, mean, err)
	}
	p95, err := queueing.WaitQuantile(c, lambda, mu, 0.95)
	if err != nil {
		return Prediction{}, err
	}
	theta := float64(c)*mu - lambda
	p := Prediction{ErlangC: erl, MeanWait: erl / theta, P95Wait: p95, GoodProb: 1 - SojournTail(erl, theta, mu, slo)}
	p.MeanE2E = p.MeanWait + mean
	p.P95E2E = sojournQuantile(erl, theta, mu, 0.95)
	return p, nil
}

// SojournTail is P(W + S > t) in an M/M/c queue whose Erlang C probability is erl, with θ = cμ − λ: W is 0
// with probability 1 − C and otherwise exponential with rate θ (Kleinrock 1975, the M/M/m queue), S is
// exponential with rate μ and independent of W, so
// P(W + S > t) = (1 − C)·e^(−μt) + C·(θ·e^(−μt) − μ·e^(−θt))/(θ − μ), and C·(1 + μt)·e^(−μt) for the
// second term when θ = μ.
func SojournTail(erl, theta, mu, t float64) float64 {
	if t <= 0 {
		return 1
	}
	hypo := (1 + mu*t) * math.Exp(-mu*t)
	if math.Abs(theta-mu) > 1e-9*mu {
		hypo = (theta*math.Exp(-mu*t) - mu*math.Exp(-theta*t)) / (theta - mu)
	}
	return (1-erl)*math.Exp(-mu*t) + erl*hypo
}

// sojournQuantile solves SojournTail(t) = 1 − q by bisection (the tail falls strictly in t).
func sojournQuantile(erl, theta, mu, q float64) float64 {
	lo, hi := 0.0, 1/mu
	for SojournTail(erl, theta, mu, hi) > 1-q {
		hi *= 2
	}
	for range 200 {
		mid := (lo + hi) / 2
		if SojournTail(erl, theta, mu, mid) > 1-q {
			lo = mid
		} else {
			hi = mid
		}
	}
	return (lo + hi) / 2
}
