package experiment

import (
	"errors"
	"math"
	"math/rand/v2"
	"testing"

	"github.com/stretchr/testify/require"
)

func TestProbBestClosedFormMatchesSimulation(t *testing.T) {
	t.Parallel()
	const draws = 10000
	tests := []struct{ m1, v1, m2, v2 float64 }{
		{0.10, 1e-4, 0.10, 1e-4},
		{0.11, 1e-4, 0.10, 2e-4},
		{5, 4, 3, 1},
		{-1, 0.5, 0, 0.25},
		{0.052, 2.5e-6, 0.050, 2.4e-6},
	}
	for i, tc := range tests {
		closed := probBestTwo([]float64{tc.m1, tc.m2}, []float64{tc.v1, tc.v2})
		sim := probBestSimulated([]float64{tc.m1, tc.m2}, []float64{tc.v1, tc.v2}, draws, rand.New(rand.NewPCG(uint64(i), 7)))
		p := closed[0]
		tol := 3*math.Sqrt(p*(1-p)/draws) + 1e-12
		require.InDelta(t, p, sim[0], tol, "case %d: closed form %.4f, simulation %.4f", i, p, sim[0])
		require.InDelta(t, 1, closed[0]+closed[1], 1e-15)
	}
}

func TestBanditFloorsAndGuardrails(t *testing.T) {
	t.Parallel()
	conv := func(rate float64, n int64) Continuous {
		return Binary{Conversions: int64(rate * float64(n)), Trials: n}.AsContinuous()
	}
	arms := []BanditArm{
		{Key: "A", Reward: conv(0.10, 5000)},
		{Key: "B", Reward: conv(0.20, 5000)},
		{Key: "C", Reward: conv(0.05, 5000)},
	}
	res, err := UpdateBandit(arms, BanditConfig{Seed: 1})
	require.NoError(t, err)
	require.True(t, res.Simulated)
	require.False(t, res.WarmUp)
	var sum float64
	for _, a := range res.Arms {
		require.GreaterOrEqual(t, a.Weight, DefaultBanditMinShare, a.Key)
		sum += a.Weight
	}
	require.InDelta(t, 1, sum, 1e-12)
	require.InDelta(t, DefaultBanditMinShare, res.Arms[0].Weight, 1e-12, "A is never best: the floor")
	require.InDelta(t, 1-2*DefaultBanditMinShare, res.Arms[1].Weight, 1e-12)

	// Guardrails: C's quality is clearly under the floor, A's cost clearly over the ceiling; D has too few
	// quality measurements to judge.
	floor, ceiling := 0.7, 0.002
	arms[2].Quality = &Continuous{Count: 500, Mean: 0.5, Variance: 0.04}
	arms[0].Cost = &Continuous{Count: 500, Mean: 0.003, Variance: 1e-7}
	arms = append(arms, BanditArm{Key: "D", Reward: conv(0.19, 5000), Quality: &Continuous{Count: 50, Mean: 0.1, Variance: 0.01}})
	res, err = UpdateBandit(arms, BanditConfig{Seed: 1, QualityFloor: &floor, CostCeiling: &ceiling, MinShare: 0.05})
	require.NoError(t, err)
	require.True(t, res.Arms[2].Stopped)
	require.Zero(t, res.Arms[2].Weight)
	require.Contains(t, res.Arms[2].Reason, "below the floor")
	require.True(t, res.Arms[0].Stopped)
	require.Zero(t, res.Arms[0].Weight)
	require.Contains(t, res.Arms[0].Reason, "above the ceiling")
	require.False(t, res.Arms[3].Stopped, "50 quality values are below the sequential minimum")
	require.False(t, res.Simulated, "two running arms: closed form")
	require.InDelta(t, 1, res.Arms[1].Weight+res.Arms[3].Weight, 1e-12)
	require.GreaterOrEqual(t, res.Arms[3].Weight, 0.05)
	p := probBestTwo([]float64{res.Arms[1].PosteriorMean, res.Arms[3].PosteriorMean},
		[]float64{math.Pow(res.Arms[1].PosteriorStdDev, 2), math.Pow(res.Arms[3].PosteriorStdDev, 2)})[0]
	require.InDelta(t, 0.05+0.9*p, res.Arms[1].Weight, 1e-12)

	// Every arm stopped: no weights, a note.
	low := 0.99
	for i := range arms {
		arms[i].Quality = &Continuous{Count: 500, Mean: 0.5, Variance: 0.04}
	}
	res, err = UpdateBandit(arms, BanditConfig{QualityFloor: &low})
	require.NoError(t, err)
	require.NotEmpty(t, res.Notes)
	for _, a := range res.Arms {
		require.Zero(t, a.Weight)
	}
}

func TestBanditWarmupAndDirection(t *testing.T) {
	t.Parallel()
	arms := []BanditArm{
		{Key: "fast", Reward: Continuous{Count: 400, Mean: 700, Variance: 90000}},
		{Key: "slow", Reward: Continuous{Count: 400, Mean: 900, Variance: 90000}},
		{Key: "new", Reward: Continuous{Count: 20, Mean: 650, Variance: 90000}},
	}
	res, err := UpdateBandit(arms, BanditConfig{LowerIsBetter: true})
	require.NoError(t, err)
	require.True(t, res.WarmUp)
	for _, a := range res.Arms {
		require.InDelta(t, 1.0/3, a.Weight, 1e-15)
		require.Contains(t, a.Reason, "warm-up")
	}
	arms[2].Reward.Count = 400
	arms[2].Reward.Mean = 1200
	res, err = UpdateBandit(arms, BanditConfig{LowerIsBetter: true, Seed: 9})
	require.NoError(t, err)
	require.False(t, res.WarmUp)
	require.Greater(t, res.Arms[0].Weight, 0.9, "the lowest latency gets the traffic")

	// A reward without variance yet borrows the pooled variance instead of a point mass.
	res, err = UpdateBandit([]BanditArm{
		{Key: "a", Reward: Binary{0, 200}.AsContinuous()},
		{Key: "b", Reward: Binary{3, 200}.AsContinuous()},
	}, BanditConfig{})
	require.NoError(t, err)
	require.Greater(t, res.Arms[0].PosteriorStdDev, 0.0)
	require.Greater(t, res.Arms[0].Weight, DefaultBanditMinShare)
	requireFinite(t, res)
}

// TestBanditRegret runs a seeded three-arm conversion experiment: Thompson sampling, reweighted after every
// period, loses less (expected) conversions to inferior arms than a uniform split.
func TestBanditRegret(t *testing.T) {
	t.Parallel()
	rates := []float64{0.05, 0.065, 0.08}
	const (
		sims    = 30
		periods = 40
		perLook = 300
	)
	best := rates[2]
	var banditRegret, uniformRegret float64
	for s := range sims {
		rng := rand.New(rand.NewPCG(uint64(s), 42))
		data := make([]Binary, len(rates))
		for p := range periods {
			arms := make([]BanditArm, len(rates))
			for i := range rates {
				arms[i] = BanditArm{Key: string(rune('A' + i)), Reward: data[i].AsContinuous()}
			}
			res, err := UpdateBandit(arms, BanditConfig{Seed: uint64(s*periods + p), Draws: 2000})
			require.NoError(t, err)
			for range perLook {
				u := rng.Float64()
				arm := len(rates) - 1
				for i, cum := 0, 0.0; i < len(rates); i++ {
					if cum += res.Arms[i].Weight; u < cum {
						arm = i
						break
					}
				}
				data[arm].Trials++
				if rng.Float64() < rates[arm] {
					data[arm].Conversions++
				}
				banditRegret += (best - rates[arm]) / sims
			}
		}
		for i := range rates {
			uniformRegret += float64(periods*perLook) / float64(len(rates)) * (best - rates[i]) / sims
		}
	}
	t.Logf("%d simulations of %d units: expected regret %.1f conversions with the bandit, %.1f with a uniform split", sims, periods*perLook, banditRegret, uniformRegret)
	require.Less(t, banditRegret, 0.75*uniformRegret)
}

func TestBanditValidation(t *testing.T) {
	t.Parallel()
	ok := Continuous{Count: 10, Mean: 1, Variance: 1}
	inf := math.Inf(1)
	tests := []struct {
		name  string
		arms  []BanditArm
		cfg   BanditConfig
		field string
	}{
		{"no arms", nil, BanditConfig{}, "arms"},
		{"empty key", []BanditArm{{Reward: ok}}, BanditConfig{}, "arms[0].key"},
		{"duplicate key", []BanditArm{{Key: "a", Reward: ok}, {Key: "a", Reward: ok}}, BanditConfig{}, "arms[1].key"},
		{"floors too large", []BanditArm{{Key: "a"}, {Key: "b"}}, BanditConfig{MinShare: 0.5}, "minShare"},
		{"NaN floor", []BanditArm{{Key: "a"}}, BanditConfig{MinShare: math.NaN()}, "minShare"},
		{"bad reward", []BanditArm{{Key: "a", Reward: Continuous{Count: 2, Variance: -1}}}, BanditConfig{}, "arms[0].reward.variance"},
		{"bad quality", []BanditArm{{Key: "a", Quality: &Continuous{Count: -1}}}, BanditConfig{}, "arms[0].quality.count"},
		{"infinite ceiling", []BanditArm{{Key: "a"}}, BanditConfig{CostCeiling: &inf}, "costCeiling"},
		{"negative draws", []BanditArm{{Key: "a"}}, BanditConfig{Draws: -1}, "draws"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			_, err := UpdateBandit(tc.arms, tc.cfg)
			var ve *ValidationError
			require.True(t, errors.As(err, &ve), "got %v", err)
			require.Equal(t, tc.field, ve.Field)
		})
	}
}
