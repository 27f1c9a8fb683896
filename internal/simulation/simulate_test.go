package simulation

import (
	"math"
	"slices"
	"strings"
	"testing"

	"github.com/shopspring/decimal"
	"github.com/stretchr/testify/require"

	"github.com/modelarchitect/architect/internal/catalog"
)

func fp(x float64) *float64 { return &x }

var testProv = catalog.Provenance{Source: "test", AsOf: "2026-01-01"}

// testModel is a hosted chat model with a price, a speed and a tier-2 quality at every complexity.
func testModel(id string, in, out string, ttftMs, tps, index float64) catalog.Model {
	provider, _, _ := strings.Cut(id, "/")
	return catalog.Model{
		ID: id, Provider: provider, Name: id, Mode: "chat",
		InputPerToken: d(in), OutputPerToken: d(out), Price: testProv,
		ContextWindow: 100_000, MaxOutputTokens: 10_000,
		Capabilities: []string{"function_calling"}, Regions: []string{"GLOBAL", "EU"}, Attestations: []string{},
		Facts:   testProv,
		Speed:   &catalog.Speed{TTFTMillis: ttftMs, OutputTokensPerSecond: tps, Provenance: testProv},
		Quality: &catalog.Quality{IntelligenceIndex: fp(index), Tiers: catalog.TiersFor(index), Provenance: testProv},
	}
}

type testBundle struct {
	cat *catalog.Catalog
	w   Workload
	opt Options
}

// setup builds a one-model world whose queue numbers can be checked by hand: service time 500 ms + 150 tokens
// at 100 tok/s = 2,000 ms; a limit of 60 requests/minute sustains 1 request/s, so c = ⌊1 × 2 s⌋ = 2 servers
// with μ = 0.5/s; 43,200 requests a day at peak factor 1 arrive at λ = 0.5/s, offering a = λ/μ = 1 erlang.
func setup(t *testing.T) testBundle {
	t.Helper()
	m := testModel("acme/m1", "0.000001", "0.000002", 500, 100, 30)
	return testBundle{
		cat: &catalog.Catalog{Version: "test", Models: []catalog.Model{m}},
		w:   Workload{RequestsPerDay: 43_200, InputTokens: 1000, OutputTokens: 150, LatencySLAMillis: 10_000},
		opt: Options{RateLimits: map[string]RateLimit{"acme": {RequestsPerMinute: 60}}},
	}
}

func TestQueueAtPeakByHand(t *testing.T) {
	t.Parallel()
	b := setup(t)
	res, err := Simulate(b.cat, b.w, b.opt)
	require.NoError(t, err)
	require.Len(t, res.Ranked, 1)
	c := res.Ranked[0]
	require.Equal(t, 2, c.Capacity.Servers)
	require.InDelta(t, 1.0, c.Capacity.SustainableRPS, 1e-12)
	require.InDelta(t, 0.5, c.Capacity.PeakRPS, 1e-12)
	require.InDelta(t, 0.5, c.Capacity.Utilization, 1e-12)
	// Erlang C(2, 1): B1 = 1/2, B2 = 0.5/2.5 = 0.2, C = 2·0.2/(2 − 0.8) = 1/3.
	require.InDelta(t, 1.0/3, c.Capacity.ProbabilityOfWaiting, 1e-12)
	require.InDelta(t, 2000, c.Latency.ServiceP50Millis, 1e-9)
	// Median wait 0 (C = 1/3 < 0.5); p95 wait = ln((1/3)/0.05)/(2·0.5 − 0.5) s = 2·ln(20/3) s = 3,794.24 ms.
	require.InDelta(t, 2000, c.Latency.P50Millis, 1e-9)
	require.InDelta(t, 2000+2000*math.Log(20.0/3), c.Latency.P95Millis, 1e-6)
	require.Equal(t, SourceCatalog, c.Latency.TTFTSource)
	require.True(t, c.SLAFit)
	// Cost: (1000 × 0.000001 + 150 × 0.000002) × 43,200 × 30.4375 = 0.0013 × 1,314,900 = 1709.37.
	require.True(t, d("1709.37").Equal(c.Cost.Monthly), c.Cost.Monthly.String())
}

func TestEveryReasonIsReported(t *testing.T) {
	t.Parallel()
	b := setup(t)
	m := b.cat.Models[0]
	m.Regions = []string{"GLOBAL"}
	m.ContextWindow = 500
	b.cat.Models[0] = m
	b.w.DataRegions = []string{"EU"}
	b.w.RequiredCapabilities = []string{"vision"}
	b.w.RequiredAttestations = []string{"HIPAA_BAA"}
	b.w.MonthlyBudgetUSD = dp("100")
	b.w.LatencySLAMillis = 1000
	b.w.Complexity = catalog.ComplexityHigh
	b.w.MinTier = catalog.TierGood
	res, err := Simulate(b.cat, b.w, b.opt)
	require.NoError(t, err)
	require.Empty(t, res.Ranked)
	require.Equal(t, "", res.Winner)
	require.Len(t, res.Excluded, 1)
	var codes []ReasonCode
	for _, r := range res.Excluded[0].Reasons {
		codes = append(codes, r.Code)
		require.NotEmpty(t, r.Message)
	}
	require.ElementsMatch(t, []ReasonCode{ReasonRegion, ReasonCapability, ReasonAttestation, ReasonContextWindow,
		ReasonQuality, ReasonBudget, ReasonSLA}, codes)
}

func TestOverCapacity(t *testing.T) {
	t.Parallel()
	b := setup(t)
	b.w.PeakFactor = 2 // λ = 1/s reaches the 1/s the limit sustains
	res, err := Simulate(b.cat, b.w, b.opt)
	require.NoError(t, err)
	require.Len(t, res.Excluded, 1)
	c := res.Excluded[0]
	require.Equal(t, ReasonOverCapacity, c.Reasons[0].Code)
	require.Nil(t, c.Latency)
	require.False(t, c.Capacity.Stable)
}

func TestMeasuredFiguresTakePrecedence(t *testing.T) {
	t.Parallel()
	b := setup(t)
	b.opt.Measured = map[string]Measured{"acme/m1": {
		BenchmarkID: "bench-1", TTFTMillis: fp(100), OutputTokensPerSecond: fp(300),
		LatencyP50Millis: fp(1000), LatencyP95Millis: fp(2000), Accuracy: fp(0.9),
	}}
	b.opt.RateLimits = map[string]RateLimit{"acme": {RequestsPerMinute: 60_000}}
	res, err := Simulate(b.cat, b.w, b.opt)
	require.NoError(t, err)
	c := res.Ranked[0]
	require.Equal(t, SourceBenchmark, c.Latency.TTFTSource)
	require.Equal(t, SourceBenchmark, c.Latency.DecodeSource)
	require.Equal(t, SourceBenchmark, c.Latency.SpreadSource)
	// 100 ms + 150 / 300 s = 600 ms median service time.
	require.InDelta(t, 600, c.Latency.ServiceP50Millis, 1e-9)
	// Measured p95/p50 = 2 gives a log-normal σ with p95 service time = 2 × median = 1,200 ms (the queue is
	// negligible at 1,000 requests/s of capacity).
	require.InDelta(t, 1200, c.Latency.P95Millis, 1)
	require.Equal(t, SourceBenchmark, res.QualityBasis, "every ranked candidate has a measured accuracy")
	require.InDelta(t, 0.9, c.Quality.Value, 1e-12)
}

func TestMinAccuracyUsesMeasuredAccuracy(t *testing.T) {
	t.Parallel()
	b := setup(t)
	b.opt.Measured = map[string]Measured{"acme/m1": {Accuracy: fp(0.7)}}
	b.w.MinAccuracy = fp(0.8)
	res, err := Simulate(b.cat, b.w, b.opt)
	require.NoError(t, err)
	require.Len(t, res.Excluded, 1)
	require.Equal(t, ReasonQuality, res.Excluded[0].Reasons[0].Code)
	require.Equal(t, SourceBenchmark, res.Excluded[0].Quality.Source)
}

func TestRankingScoreAndPareto(t *testing.T) {
	t.Parallel()
	cheap := testModel("acme/cheap", "0.0000001", "0.0000004", 400, 200, 12) // cheap, fast, low quality
	smart := testModel("acme/smart", "0.000003", "0.000015", 900, 60, 45)    // dear, slow, high quality
	worse := testModel("acme/worse", "0.000001", "0.000004", 1500, 50, 10)   // dearer and slower and worse than cheap
	cat := &catalog.Catalog{Version: "v", Models: []catalog.Model{worse, smart, cheap}}
	w := Workload{RequestsPerDay: 10_000, InputTokens: 500, OutputTokens: 100, LatencySLAMillis: 5000,
		MonthlyBudgetUSD: dp("1000"), Complexity: catalog.ComplexityLow, MinTier: catalog.TierAdequate}
	res, err := Simulate(cat, w, Options{})
	require.NoError(t, err)
	require.Len(t, res.Ranked, 3)
	require.Equal(t, []string{"acme/cheap", "acme/smart"}, slices.Sorted(slices.Values(res.ParetoFront)))
	for i, c := range res.Ranked {
		require.Equal(t, i+1, c.Rank)
		require.InDelta(t, Score(c.Features), c.Score, 1e-12)
		if i > 0 {
			require.GreaterOrEqual(t, res.Ranked[i-1].Score, c.Score)
		}
		require.Len(t, c.Features, len(FeatureNames))
	}
	// cheap: 500 × 0.0000001 + 100 × 0.0000004 = 0.00009 per request, × 10,000 × 30.4375 = 27.39375 a month;
	// COST value = 1 − 27.39375/1000 = 0.97260625, contribution × 0.35.
	top := res.Ranked[0]
	require.Equal(t, "acme/cheap", top.ModelID)
	require.InDelta(t, 0.35*(1-27.39375/1000), top.Features[0].Contribution, 1e-12)
	// QUALITY value = intelligence index / 100.
	require.InDelta(t, 0.12, top.Features[2].Value, 1e-12)
}

func TestDeterministic(t *testing.T) {
	t.Parallel()
	w := workedExample()
	a, err := Simulate(catalog.Default(), w, Options{})
	require.NoError(t, err)
	b, err := Simulate(catalog.Default(), w, Options{})
	require.NoError(t, err)
	require.Equal(t, a, b)
	require.Equal(t, a.Text(), b.Text())
}

func workedExample() Workload {
	budget := decimal.NewFromInt(3000)
	return Workload{RequestsPerDay: 40_000, InputTokens: 600, OutputTokens: 150, PeakFactor: 3,
		LatencySLAMillis: 2000, SLAPercentile: 95, MonthlyBudgetUSD: &budget,
		Complexity: catalog.ComplexityMedium, DataRegions: []string{"EU"}}
}

func TestWorkedExampleIsSensible(t *testing.T) {
	t.Parallel()
	res, err := Simulate(catalog.Default(), workedExample(), Options{})
	require.NoError(t, err)
	require.NotEmpty(t, res.Ranked)
	require.NotEmpty(t, res.Excluded)
	for _, c := range res.Ranked {
		require.Equal(t, "EU", c.ProcessingRegion, c.ModelID)
		require.True(t, c.SLAFit && c.BudgetFit && c.QualityFit, c.ModelID)
		require.LessOrEqual(t, c.Latency.P95Millis, 2000.0)
		require.False(t, c.Cost.Monthly.GreaterThan(decimal.NewFromInt(3000)))
	}
	byID := map[string]Candidate{}
	for _, c := range res.Excluded {
		byID[c.ModelID] = c
	}
	// The Anthropic API offers no EU processing; the Gemini Developer API no location guarantee.
	require.Equal(t, ReasonRegion, byID["anthropic/claude-sonnet-4-5"].Reasons[0].Code)
	require.Equal(t, ReasonRegion, byID["gemini/gemini-2.5-flash"].Reasons[0].Code)
	// gpt-4.1-mini: 906 ms + 150 / 73 tok/s = 2,960.8 ms > 2,000 ms.
	require.Equal(t, ReasonSLA, byID["openai/gpt-4.1-mini"].Reasons[0].Code)
	require.InDelta(t, 906+150/73.0*1000, byID["openai/gpt-4.1-mini"].Latency.P95Millis, 1)
}

func TestValidation(t *testing.T) {
	t.Parallel()
	cases := []struct {
		name  string
		edit  func(w *Workload, o *Options)
		field string
	}{
		{"no requests", func(w *Workload, _ *Options) { w.RequestsPerDay = 0 }, "requestsPerDay"},
		{"negative tokens", func(w *Workload, _ *Options) { w.InputTokens = -1 }, "inputTokens"},
		{"cached fraction above 1", func(w *Workload, _ *Options) { w.CachedInputFraction = 1.5 }, "cachedInputFraction"},
		{"cached fraction NaN", func(w *Workload, _ *Options) { w.CachedInputFraction = math.NaN() }, "cachedInputFraction"},
		{"peak below 1", func(w *Workload, _ *Options) { w.PeakFactor = 0.5 }, "peakFactor"},
		{"percentile 100", func(w *Workload, _ *Options) { w.SLAPercentile = 100 }, "slaPercentile"},
		{"negative SLA", func(w *Workload, _ *Options) { w.LatencySLAMillis = -1 }, "latencySlaMs"},
		{"negative budget", func(w *Workload, _ *Options) { w.MonthlyBudgetUSD = dp("-1") }, "monthlyBudget"},
		{"unknown complexity", func(w *Workload, _ *Options) { w.Complexity = "HARD" }, "complexity"},
		{"unknown region", func(w *Workload, _ *Options) { w.DataRegions = []string{"EU", "MARS"} }, "dataRegions[1]"},
		{"bad as-of date", func(_ *Workload, o *Options) { o.AsOf = "yesterday" }, "asOf"},
		{"bad measured accuracy", func(_ *Workload, o *Options) { o.Measured = map[string]Measured{"x/y": {Accuracy: fp(2)}} }, "measured[x/y].accuracy"},
		{"zero rate limit", func(_ *Workload, o *Options) { o.RateLimits = map[string]RateLimit{"openai": {}} }, "rateLimits[openai].requestsPerMinute"},
		{"zero weights", func(_ *Workload, o *Options) { o.Weights = &Weights{} }, "weights"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			b := setup(t)
			tc.edit(&b.w, &b.opt)
			_, err := Simulate(b.cat, b.w, b.opt)
			var ve *ValidationError
			require.ErrorAs(t, err, &ve)
			require.Equal(t, tc.field, ve.Field)
		})
	}
}

func TestUnknownCandidateAndDeprecation(t *testing.T) {
	t.Parallel()
	b := setup(t)
	m := b.cat.Models[0]
	m.DeprecationDate = "2026-06-01"
	b.cat.Models[0] = m
	b.w.Candidates = []string{"acme/m1", "acme/nope", "acme/m1"}
	b.opt.AsOf = "2026-11-25"
	res, err := Simulate(b.cat, b.w, b.opt)
	require.NoError(t, err)
	require.Len(t, res.Excluded, 2)
	require.Equal(t, ReasonDeprecated, res.Excluded[0].Reasons[0].Code)
	require.Equal(t, ReasonUnknownModel, res.Excluded[1].Reasons[0].Code)
}
