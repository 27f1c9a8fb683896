package evaluation

import (
	"fmt"
	"math/rand/v2"
	"testing"

	"github.com/stretchr/testify/require"
)

// TestClusteredHoldsAlpha simulates paired runs with no true difference whose per-item differences share a
// cluster effect: cluster c has pass probability p_c ~ U(0.35, 0.65) on the baseline and p_c + δ_c on the
// candidate, δ_c ~ U(−0.35, 0.35), so E[δ] = 0 while items of a cluster move together. The naive paired t-test
// treats the 1200 items as independent and rejects far more often than α; the CR0 clustered interval over 60
// clusters keeps the rejection rate within ±0.02 of α = 0.05 (≈ 3 Monte Carlo standard errors at 1000 runs).
func TestClusteredHoldsAlpha(t *testing.T) {
	t.Parallel()
	const (
		sims      = 1000
		clusters  = 60
		perGroup  = 20
		alpha     = 0.05
		tolerance = 0.02
	)
	rng := rand.New(rand.NewPCG(7, 11))
	ids := make([]string, clusters*perGroup)
	keys := make([]string, clusters*perGroup)
	for i := range ids {
		ids[i], keys[i] = fmt.Sprintf("item-%04d", i), fmt.Sprintf("source-%02d", i/perGroup)
	}
	bit := func(p float64) float64 {
		if rng.Float64() < p {
			return 1
		}
		return 0
	}
	var naive, clustered int
	for range sims {
		base := make([]Item, len(ids))
		cand := make([]Item, len(ids))
		for g := range clusters {
			p := 0.35 + 0.3*rng.Float64()
			delta := -0.35 + 0.7*rng.Float64()
			for j := range perGroup {
				i := g*perGroup + j
				base[i] = Item{ID: ids[i], Cluster: keys[i], Scores: []float64{bit(p)}}
				cand[i] = Item{ID: ids[i], Cluster: keys[i], Scores: []float64{bit(p + delta)}}
			}
		}
		c, err := Compare(base, cand, alpha)
		require.NoError(t, err)
		require.True(t, c.Clustered)
		require.Equal(t, clusters, c.Clusters)
		if c.PairedT != nil && c.PairedT.PValue < alpha {
			naive++
		}
		if c.Interval.Low > 0 || c.Interval.High < 0 {
			clustered++
		}
	}
	naiveRate, clusteredRate := float64(naive)/sims, float64(clustered)/sims
	t.Logf("rejection rate at α = %v over %d simulations: naive paired t %.3f, clustered CR0 %.3f", alpha, sims, naiveRate, clusteredRate)
	require.InDelta(t, alpha, clusteredRate, tolerance, "the clustered interval must hold α")
	require.Greater(t, naiveRate, alpha+3*tolerance, "the naive test should over-reject when items are clustered")
}

// TestRoganGladenRecoversRate simulates a judge with known TPR = 0.8 and TNR = 0.85 grading a run whose true
// pass rate is 0.2: the judge's raw pass rate is biased (0.2·0.8 + 0.8·0.15 = 0.28), the corrected rate lands
// within 0.04 of 0.2 (≈ 3 standard errors for 4000 labels and 20 000 verdicts) and its interval covers 0.2.
func TestRoganGladenRecoversRate(t *testing.T) {
	t.Parallel()
	const (
		truth     = 0.2
		tpr, tnr  = 0.8, 0.85
		tolerance = 0.04
	)
	rng := rand.New(rand.NewPCG(2024, 1978))
	verdict := func(human bool) bool {
		if human {
			return rng.Float64() < tpr
		}
		return rng.Float64() >= tnr
	}
	labels := make([]Label, 4000)
	for i := range labels {
		human := rng.Float64() < truth
		labels[i] = Label{ItemID: fmt.Sprintf("q%05d", i/2), Model: fmt.Sprintf("m%d", i%2), Human: human, Judge: verdict(human)}
	}
	run := make([]bool, 20000)
	for i := range run {
		run[i] = verdict(rng.Float64() < truth)
	}
	res, err := Calibrate(CalibrationInput{Labels: labels, Run: run, Seed: 3})
	require.NoError(t, err)
	t.Logf("held out %d, TPR %.3f, TNR %.3f, observed %.4f, corrected %.4f [%.4f, %.4f], degenerate %d",
		res.HeldOut, res.TPR, res.TNR, res.ObservedPassRate, res.CorrectedPassRate, res.Interval.Low, res.Interval.High, res.DegenerateResamples)
	require.InDelta(t, 0.5, float64(res.HeldOut)/float64(len(labels)), 0.03, "HeldOutFraction of the labels is held out")
	require.Greater(t, res.ObservedPassRate-truth, 0.05, "the raw judge rate is biased")
	require.True(t, res.Corrected, res.Reason)
	require.InDelta(t, truth, res.CorrectedPassRate, tolerance)
	require.LessOrEqual(t, res.Interval.Low, truth)
	require.GreaterOrEqual(t, res.Interval.High, truth)
	require.Less(t, res.Interval.High-res.Interval.Low, 0.15)
}
