// Package queueing is the one queueing model the engines share: a pool of c identical servers fed by
// Poisson arrivals and served in exponential times (M/M/c, Erlang C). A hosted model API is c = the
// concurrency its rate limit allows; a self-hosted replica is c = its batch slots. It knows nothing of models,
// prices or GraphQL.
package queueing

import (
	"errors"
	"fmt"
	"math"
)

// ErrUnstable is returned when the offered load reaches the number of servers: the queue grows without bound.
var ErrUnstable = errors.New("offered load reaches capacity: the queue grows without bound")

// MaxServers bounds the Erlang recurrence, which is linear in the number of servers.
const MaxServers = 1_000_000

// InvalidError is a parameter out of its domain.
type InvalidError struct{ Field, Reason string }

func (e *InvalidError) Error() string { return "queueing: " + e.Field + " " + e.Reason }

func invalid(field, format string, args ...any) error {
	return &InvalidError{Field: field, Reason: fmt.Sprintf(format, args...)}
}

// ErlangC is the probability that an arrival waits in an M/M/c queue with c servers and offered load a = λ/μ
// erlangs (Erlang's delay formula; Kleinrock, Queueing Systems, Vol. 1, 1975, the M/M/m queue). It uses the
// stable Erlang B recurrence B_0 = 1, B_k = a·B_{k-1}/(k + a·B_{k-1}), then C = c·B_c / (c − a·(1 − B_c)).
func ErlangC(servers int, offered float64) (float64, error) {
	switch {
	case servers < 1 || servers > MaxServers:
		return 0, invalid("servers", "must be between 1 and %d, got %d", MaxServers, servers)
	case !finite(offered) || offered < 0:
		return 0, invalid("offeredLoad", "must be a non-negative number, got %v", offered)
	case offered >= float64(servers):
		return 0, ErrUnstable
	case offered == 0:
		return 0, nil
	}
	b := 1.0
	for k := 1; k <= servers; k++ {
		b = offered * b / (float64(k) + offered*b)
		if b == 0 {
			// B_k falls faster than geometrically once k > a and has underflowed: every later term is 0 too,
			// and so is C (a rate-limited API with far more concurrency than load: the common case).
			return 0, nil
		}
	}
	c := float64(servers)
	return c * b / (c - offered*(1-b)), nil
}

// WaitQuantile is the q-quantile of the waiting time in an M/M/c queue (time units of 1/mu):
// P(Wq > t) = C·exp(−(cμ − λ)·t) (Kleinrock 1975, the M/M/m queue), so t_q = max(0, ln(C/(1−q)) / (cμ − λ)).
func WaitQuantile(servers int, lambda, mu, q float64) (float64, error) {
	if !finite(lambda) || lambda < 0 || !finite(mu) || mu <= 0 {
		return 0, invalid("rates", "arrival rate must be non-negative and service rate positive")
	}
	if !finite(q) || q <= 0 || q >= 1 {
		return 0, invalid("quantile", "must be strictly between 0 and 1, got %v", q)
	}
	c, err := ErlangC(servers, lambda/mu)
	if err != nil {
		return 0, err
	}
	return WaitQuantileOf(c, servers, lambda, mu, q), nil
}

// WaitQuantileOf is WaitQuantile given the queue's Erlang C probability c (from ErlangC, for callers that
// need several quantiles of one queue): the recurrence runs once.
func WaitQuantileOf(c float64, servers int, lambda, mu, q float64) float64 {
	if c <= 1-q {
		return 0
	}
	return math.Log(c/(1-q)) / (float64(servers)*mu - lambda)
}

func finite(x float64) bool { return !math.IsNaN(x) && !math.IsInf(x, 0) }
