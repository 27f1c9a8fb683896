package simulation

import (
	"fmt"
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

// TestMeasuredFiguresBlendBySampleSize: a benchmark's figures combine with the catalog's by sample size
// (evidence.go): with n = 500 items and timed calls against the catalog's weight of 20, the measured figures
// count 500/520.
func TestMeasuredFiguresBlendBySampleSize(t *testing.T) {
	t.Parallel()
	b := setup(t)
	b.opt.Measured = map[string]Measured{"acme/m1": {
		BenchmarkID: "bench-1", Items: 500, Samples: 500, TTFTMillis: fp(100), OutputTokensPerSecond: fp(300),
		LatencyP50Millis: fp(1000), LatencyP95Millis: fp(2000), Accuracy: fp(0.9),
	}}
	b.opt.RateLimits = map[string]RateLimit{"acme": {RequestsPerMinute: 60_000}}
	res, err := Simulate(b.cat, b.w, b.opt)
	require.NoError(t, err)
	c := res.Ranked[0]
	require.Equal(t, SourceBlend, c.Latency.TTFTSource)
	require.Equal(t, SourceBlend, c.Latency.DecodeSource)
	require.Equal(t, SourceBenchmark, c.Latency.SpreadSource)
	// TTFT (20 × 500 + 500 × 100) ÷ 520 = 115.3846 ms; decode (20 × 100 + 500 × 300) ÷ 520 = 292.3077 tok/s;
	// service 115.3846 + 150 ÷ 292.3077 s = 115.3846 + 513.1579 = 628.5425 ms.
	ttft, tps := (20.0*500+500*100)/520, (20.0*100+500*300)/520
	require.InDelta(t, ttft+150/tps*1000, c.Latency.ServiceP50Millis, 1e-9)
	// Measured p95/p50 = 2 gives a log-normal σ with p95 service time = 2 × median (the queue is negligible).
	require.InDelta(t, 2*(ttft+150/tps*1000), c.Latency.P95Millis, 1)
	require.Equal(t, SourceBenchmark, res.QualityBasis, "every ranked candidate's estimate includes a benchmark")
	// Beta prior: p₀ = 30/100 weighed as 20 items; 450 of 500 passed: (20 × 0.3 + 450) ÷ 520.
	require.InDelta(t, (20*0.3+450)/520, c.Quality.Value, 1e-12)
	require.Equal(t, SourceBlend, c.Quality.Source)
	require.Contains(t, c.Quality.Evidence, "bench-1: 500 items")
}

// TestSmallBenchmarksDoNotMoveRecommendations: a benchmark of 1 item is shown but not used, so it cannot
// change the winner; one of 500 items can.
func TestSmallBenchmarksDoNotMoveRecommendations(t *testing.T) {
	t.Parallel()
	a := testModel("acme/a", "0.000001", "0.000002", 500, 100, 40) // better by the catalog
	bm := testModel("acme/b", "0.000001", "0.000002", 500, 100, 30)
	cat := &catalog.Catalog{Version: "v", Models: []catalog.Model{a, bm}}
	w := Workload{RequestsPerDay: 1000, InputTokens: 100, OutputTokens: 100}
	winner := func(m map[string]Measured) (string, *Result) {
		res, err := Simulate(cat, w, Options{Measured: m})
		require.NoError(t, err)
		return res.Winner, res
	}
	base, _ := winner(nil)
	require.Equal(t, "acme/a", base)
	one, res := winner(map[string]Measured{"acme/b": {BenchmarkID: "tiny", Items: 1, Accuracy: fp(1)}, "acme/a": {BenchmarkID: "tiny", Items: 1, Accuracy: fp(0)}})
	require.Equal(t, "acme/a", one, "a 1-item benchmark does not move the recommendation")
	for _, c := range res.Ranked {
		require.Equal(t, SourceCatalog, c.Quality.Source)
		require.Contains(t, c.Quality.Evidence, "fewer than the 10 needed")
		require.NotNil(t, c.Quality.Accuracy, "the measurement is shown")
	}
	many, _ := winner(map[string]Measured{"acme/b": {BenchmarkID: "big", Items: 500, Accuracy: fp(0.95)}, "acme/a": {BenchmarkID: "big", Items: 500, Accuracy: fp(0.5)}})
	require.Equal(t, "acme/b", many, "a 500-item benchmark does")
}

func TestMinAccuracyUsesMeasuredAccuracy(t *testing.T) {
	t.Parallel()
	b := setup(t)
	b.opt.Measured = map[string]Measured{"acme/m1": {Items: 100, Accuracy: fp(0.7)}}
	b.w.MinAccuracy = fp(0.8)
	res, err := Simulate(b.cat, b.w, b.opt)
	require.NoError(t, err)
	require.Len(t, res.Excluded, 1)
	require.Equal(t, ReasonQuality, res.Excluded[0].Reasons[0].Code)
	require.Equal(t, SourceBlend, res.Excluded[0].Quality.Source)
	// (20 × 0.3 + 70) ÷ 120 = 0.6333 < 0.8
	require.InDelta(t, (20*0.3+70)/120.0, *res.Excluded[0].Quality.Estimate, 1e-12)
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

// TestContextFeasibilityAtTheBoundary: a request must fit the limits as the model's API counts them. TOTAL
// (Claude Haiku 4.5: a 200,000-token window for input and output together) and SPLIT (GPT-5: 272,000 input
// and 128,000 output tokens; Gemini 2.5 Pro: 1,048,576 input and 65,535 output), one token either side.
func TestContextFeasibilityAtTheBoundary(t *testing.T) {
	t.Parallel()
	cat := catalog.Default()
	// The estimated reasoning tokens of a reasoning model count as output (and, under TOTAL, against the
	// window): the boundaries move by them.
	reasoning := func(id string) int {
		m, err := cat.Model(id)
		require.NoError(t, err)
		if m.ExpectedReasoning == nil {
			return 0
		}
		return m.ExpectedReasoning.TokensPerRequest
	}
	gem, o3, g5 := reasoning("gemini/gemini-2.5-pro"), reasoning("openai/o3"), reasoning("openai/gpt-5@minimal")
	require.Positive(t, gem)
	require.Positive(t, o3)
	cases := []struct {
		model         string
		in, out       int
		reason        ReasonCode // "" fits
		inWhyContains string
	}{
		{"anthropic/claude-haiku-4-5", 195_000, 5_000, "", ""}, // TOTAL 200,000
		{"anthropic/claude-haiku-4-5", 195_001, 5_000, ReasonContextWindow, "input and output share it"},
		{"anthropic/claude-haiku-4-5", 197_000, 5_000, ReasonContextWindow, "197000 input + 5000 output tokens exceed"},
		{"openai/gpt-5@minimal", 272_000, 128_000 - g5, "", ""}, // SPLIT 272,000 in, 128,000 out
		{"openai/gpt-5@minimal", 272_001, 100, ReasonContextWindow, "input limit of 272000"},
		{"openai/gpt-5@minimal", 1_000, 128_000 - g5 + 1, ReasonMaxOutput, "maximum output of 128000"},
		{"gemini/gemini-2.5-pro", 1_048_576, 65_535 - gem, "", ""}, // SPLIT 1,048,576 in, 65,535 out
		{"gemini/gemini-2.5-pro", 1_000, 65_535 - gem + 1, ReasonMaxOutput, fmt.Sprintf("+ %d reasoning tokens exceed", gem)},
		{"gemini/gemini-2.5-pro", 1_048_577, 10, ReasonContextWindow, "input limit of 1048576"},
		{"openai/o3", 200_000 - 1_000 - o3, 1_000, "", ""}, // TOTAL 200,000 with reasoning
		{"openai/o3", 200_000 - 1_000 - o3 + 1, 1_000, ReasonContextWindow, fmt.Sprintf("1000 output + %d reasoning tokens exceed", o3)},
	}
	for _, tc := range cases {
		t.Run(fmt.Sprintf("%s %d+%d", tc.model, tc.in, tc.out), func(t *testing.T) {
			t.Parallel()
			res, err := Simulate(cat, Workload{RequestsPerDay: 10, InputTokens: tc.in, OutputTokens: tc.out,
				Complexity: catalog.ComplexityLow, MinTier: catalog.TierWeak, Candidates: []string{tc.model}}, Options{})
			require.NoError(t, err)
			var codes []ReasonCode
			var msgs []string
			for _, c := range res.Excluded {
				for _, r := range c.Reasons {
					codes, msgs = append(codes, r.Code), append(msgs, r.Message)
				}
			}
			if tc.reason == "" {
				require.NotContains(t, codes, ReasonContextWindow, "%v", msgs)
				require.NotContains(t, codes, ReasonMaxOutput, "%v", msgs)
				return
			}
			require.Contains(t, codes, tc.reason)
			require.Contains(t, strings.Join(msgs, "; "), tc.inWhyContains)
		})
	}
}

// BenchmarkSimulate times one simulation of the worked example over the whole catalog and over two
// candidates (the anchors are computed over the whole catalog either way): go test -bench Simulate
// ./internal/simulation/
func BenchmarkSimulate(b *testing.B) {
	cat := catalog.Default()
	w := workedExample()
	for _, tc := range []struct {
		name       string
		candidates []string
	}{{"catalog", nil}, {"two", []string{"openai/gpt-5.4-nano", "vertex_ai/gemini-2.5-flash"}}} {
		b.Run(tc.name, func(b *testing.B) {
			w := w
			w.Candidates = tc.candidates
			for b.Loop() {
				if _, err := Simulate(cat, w, Options{}); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}
