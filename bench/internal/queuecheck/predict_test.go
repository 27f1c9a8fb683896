package queuecheck

import (
	"math"
	"testing"

	"github.com/stretchr/testify/require"
)

// In M/M/1 the sojourn time is exponential with rate μ − λ (Kleinrock 1975, the M/M/1 queue), which the M/M/c
// formula must give for c = 1.
func TestPredictMM1(t *testing.T) {
	t.Parallel()
	const lambda, mean = 6.0, 0.1 // μ = 10
	p, err := Predict(1, lambda, mean, 0.5)
	require.NoError(t, err)
	require.InDelta(t, 0.6, p.ErlangC, 1e-12, "C = ρ")
	require.InDelta(t, 0.6/4, p.MeanWait, 1e-12, "E[W] = ρ/(μ − λ)")
	require.InDelta(t, math.Log(20)/4, p.P95E2E, 1e-9)
	require.InDelta(t, 1-math.Exp(-4*0.5), p.GoodProb, 1e-12)
	for _, x := range []float64{0.01, 0.1, 1} {
		require.InDelta(t, math.Exp(-4*x), SojournTail(0.6, 4, 10, x), 1e-12)
	}
}

func TestPredictMM2(t *testing.T) {
	t.Parallel()
	p, err := Predict(2, 10, 0.1, 1) // a = 1 erlang on 2 servers: C = 1/3 (Erlang C, a²/(2 − a)/(1 + a + a²/(2 − a)))
	require.NoError(t, err)
	require.InDelta(t, 1.0/3, p.ErlangC, 1e-12)
	require.InDelta(t, 1.0/30, p.MeanWait, 1e-12, "C/(cμ − λ)")
	require.InDelta(t, 1.0/30+0.1, p.MeanE2E, 1e-12)
	require.InDelta(t, 0.05, SojournTail(p.ErlangC, 10, 10, p.P95E2E), 1e-9, "θ = μ: the (1 + μt)e^(−μt) branch")
	_, err = Predict(2, 20, 0.1, 1)
	require.Error(t, err, "saturated")
}
