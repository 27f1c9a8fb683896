package simulation

import (
	"math/rand/v2"
	"testing"

	"github.com/shopspring/decimal"
	"github.com/stretchr/testify/require"

	"github.com/modelarchitect/architect/internal/catalog"
)

// randomWorkload draws a workload over the embedded catalog from a seeded generator, so failures reproduce.
func randomWorkload(r *rand.Rand) Workload {
	regions := [][]string{nil, {"EU"}, {"US"}, {"EU", "US"}}
	complexities := []catalog.Complexity{catalog.ComplexityLow, catalog.ComplexityMedium, catalog.ComplexityHigh}
	budget := decimal.NewFromInt(int64(r.IntN(20_000)))
	w := Workload{
		RequestsPerDay:      int64(1 + r.IntN(5_000_000)),
		InputTokens:         r.IntN(300_000),
		OutputTokens:        r.IntN(2_000),
		CachedInputFraction: float64(r.IntN(11)) / 10,
		ReasoningTokens:     r.IntN(3_000),
		PeakFactor:          1 + float64(r.IntN(40))/10,
		LatencySLAMillis:    float64(500 + r.IntN(30_000)),
		SLAPercentile:       []float64{50, 90, 95, 99}[r.IntN(4)],
		Complexity:          complexities[r.IntN(3)],
		DataRegions:         regions[r.IntN(len(regions))],
	}
	if r.IntN(2) == 0 {
		w.MonthlyBudgetUSD = &budget
	}
	return w
}

func costs(res *Result) map[string]decimal.Decimal {
	out := map[string]decimal.Decimal{}
	for _, cs := range [][]Candidate{res.Ranked, res.Excluded} {
		for _, c := range cs {
			if c.Cost != nil {
				out[c.ModelID] = c.Cost.Monthly
			}
		}
	}
	return out
}

func rankedSet(res *Result) map[string]bool {
	out := map[string]bool{}
	for _, c := range res.Ranked {
		out[c.ModelID] = true
	}
	return out
}

const propertyRuns = 40

func TestPropertyMoreTrafficNeverLowersCost(t *testing.T) {
	t.Parallel()
	r := rand.New(rand.NewPCG(1, 2))
	cat := catalog.Default()
	for range propertyRuns {
		w := randomWorkload(r)
		more := w
		more.RequestsPerDay += int64(1 + r.IntN(1_000_000))
		a, err := Simulate(cat, w, Options{})
		require.NoError(t, err)
		b, err := Simulate(cat, more, Options{})
		require.NoError(t, err)
		ca, cb := costs(a), costs(b)
		require.NotEmpty(t, ca)
		for id, cost := range ca {
			require.False(t, cb[id].LessThan(cost), "%s: %s requests cost %s, %s requests cost %s", id, thousands(w.RequestsPerDay), cost, thousands(more.RequestsPerDay), cb[id])
		}
	}
}

func TestPropertyTighterSLANeverAddsCandidates(t *testing.T) {
	t.Parallel()
	r := rand.New(rand.NewPCG(3, 4))
	cat := catalog.Default()
	for range propertyRuns {
		w := randomWorkload(r)
		tight := w
		tight.LatencySLAMillis = w.LatencySLAMillis * r.Float64() // strictly tighter, can reach near 0
		if tight.LatencySLAMillis == 0 {
			tight.LatencySLAMillis = 1
		}
		loose, err := Simulate(cat, w, Options{})
		require.NoError(t, err)
		strict, err := Simulate(cat, tight, Options{})
		require.NoError(t, err)
		ls := rankedSet(loose)
		for id := range rankedSet(strict) {
			require.True(t, ls[id], "%s fits a %.0f ms SLA but not a %.0f ms one", id, tight.LatencySLAMillis, w.LatencySLAMillis)
		}
	}
}

func TestPropertyBiggerBudgetNeverRemovesCandidates(t *testing.T) {
	t.Parallel()
	r := rand.New(rand.NewPCG(5, 6))
	cat := catalog.Default()
	for range propertyRuns {
		w := randomWorkload(r)
		small := decimal.NewFromInt(int64(r.IntN(5_000)))
		big := small.Add(decimal.NewFromInt(int64(1 + r.IntN(50_000))))
		w.MonthlyBudgetUSD = &small
		bigger := w
		bigger.MonthlyBudgetUSD = &big
		a, err := Simulate(cat, w, Options{})
		require.NoError(t, err)
		b, err := Simulate(cat, bigger, Options{})
		require.NoError(t, err)
		bs := rankedSet(b)
		for id := range rankedSet(a) {
			require.True(t, bs[id], "%s fits a $%s budget but not $%s", id, small, big)
		}
	}
}

// TestPropertyNoNaNLeaves checks that no float in a result is NaN or infinite.
func TestPropertyNoNaNLeaves(t *testing.T) {
	t.Parallel()
	r := rand.New(rand.NewPCG(7, 8))
	cat := catalog.Default()
	for range propertyRuns {
		res, err := Simulate(cat, randomWorkload(r), Options{})
		require.NoError(t, err)
		for _, cs := range [][]Candidate{res.Ranked, res.Excluded} {
			for _, c := range cs {
				require.True(t, finite(c.Score))
				for _, f := range c.Features {
					require.True(t, finite(f.Value) && finite(f.Contribution), c.ModelID)
				}
				if c.Latency != nil {
					for _, x := range []float64{c.Latency.P50Millis, c.Latency.P95Millis, c.Latency.AtSLAPercentileMillis} {
						require.True(t, finite(x), c.ModelID)
					}
				}
				if c.Capacity != nil {
					require.True(t, finite(c.Capacity.Utilization) && finite(c.Capacity.SustainableRPS), c.ModelID)
				}
			}
		}
	}
}

// TestPropertyIndependentOfIrrelevantCandidates: for random workloads (with and without a budget and an SLA)
// and random candidate subsets of the catalog, removing a candidate that is not the winner never changes the
// winner, and removing any candidate never reorders the others (scores come from each candidate's own
// figures and fixed anchors only).
func TestPropertyIndependentOfIrrelevantCandidates(t *testing.T) {
	t.Parallel()
	r := rand.New(rand.NewPCG(7, 11))
	cat := catalog.Default()
	removals := 0
	for run := range 2 * propertyRuns {
		w := randomWorkload(r)
		w.InputTokens = r.IntN(20_000) // keep most models feasible, so subsets rank several
		if r.IntN(2) == 0 {
			w.MonthlyBudgetUSD = nil
		}
		if r.IntN(2) == 0 {
			w.LatencySLAMillis = 0
		}
		var ids []string
		for _, m := range cat.Models {
			if r.IntN(3) > 0 {
				ids = append(ids, m.ID)
			}
		}
		w.Candidates = ids
		full, err := Simulate(cat, w, Options{})
		require.NoError(t, err)
		if len(full.Ranked) < 2 {
			continue
		}
		order := func(res *Result) []string {
			var out []string
			for _, c := range res.Ranked {
				out = append(out, c.ModelID)
			}
			return out
		}
		for _, drop := range full.Ranked {
			w2 := w
			w2.Candidates = nil
			for _, id := range ids {
				if id != drop.ModelID {
					w2.Candidates = append(w2.Candidates, id)
				}
			}
			res, err := Simulate(cat, w2, Options{})
			require.NoError(t, err)
			want := []string{}
			for _, id := range order(full) {
				if id != drop.ModelID {
					want = append(want, id)
				}
			}
			got := order(res)
			if got == nil {
				got = []string{}
			}
			require.Equal(t, want, got, "run %d: removing %s reorders the others", run, drop.ModelID)
			removals++
			if drop.ModelID != full.Winner {
				require.Equal(t, full.Winner, res.Winner, "run %d: removing %s changes the winner", run, drop.ModelID)
			}
		}
	}
	require.Greater(t, removals, 150, "enough rankings of several candidates were tried")
}
