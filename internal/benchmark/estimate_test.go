package benchmark

import (
	"errors"
	"strings"
	"testing"
	"time"

	"github.com/shopspring/decimal"
	"github.com/stretchr/testify/require"

	"github.com/modelarchitect/architect/internal/catalog"
)

// estimateItems: a 40-byte input (10 tokens + 6 framing = 16) and a 10-byte one (3 + 6 = 9): 25 per model.
func estimateItems() []Item {
	return []Item{
		{Input: strings.Repeat("a", 40), Expected: "x", Assertion: AssertContains},
		{Input: strings.Repeat("b", 10), Expected: "1", Assertion: AssertNumeric},
	}
}

func TestEstimate(t *testing.T) {
	t.Parallel()
	est, err := Estimate(EstimateInput{
		Items:           estimateItems(),
		Models:          []string{"openai/gpt-test", "gemini/g-test", "vllm/llama"},
		MaxOutputTokens: 100,
		Catalog:         testCatalog(),
		Concurrency:     map[string]int{"openai": 1},
		CallLatency:     2 * time.Second,
	})
	require.NoError(t, err)

	require.Equal(t, 6, est.Calls)
	require.Equal(t, int64(75), est.InputTokens)
	require.Equal(t, TokenRange{Low: 6, High: 200 + 100 + 200}, est.OutputTokens)
	require.Equal(t, []string{"vllm/llama"}, est.UnpricedModels)
	require.Equal(t, "test-1", est.CatalogVersion)
	// openai has 2 calls one at a time: 2 waves × 2 s; gemini and vllm take one wave each.
	require.Equal(t, 4*time.Second, est.Duration)

	require.Len(t, est.Models, 3)
	gpt, gem, llama := est.Models[0], est.Models[1], est.Models[2]
	require.Equal(t, "openai/gpt-test", gpt.Model)
	require.Equal(t, 100, gpt.MaxOutputTokens)
	require.Equal(t, TokenRange{Low: 2, High: 200}, gpt.OutputTokens)
	// low 25·2e-6 + 2·8e-6 = 0.000066; high 25·2e-6 + 200·8e-6 = 0.00165
	requireDec(t, "0.000066", gpt.Cost.Low)
	requireDec(t, "0.00165", gpt.Cost.High)

	require.Equal(t, 50, gem.MaxOutputTokens, "clamped to the model's own maximum")
	require.Equal(t, TokenRange{Low: 2, High: 100}, gem.OutputTokens)
	// low 25·1.25e-6 + 2·1e-5 = 0.00005125; high 25·1.25e-6 + 100·1e-5 = 0.00103125
	requireDec(t, "0.00005125", gem.Cost.Low)
	requireDec(t, "0.00103125", gem.Cost.High)

	require.Nil(t, llama.Cost, "an unknown price is unknown, not zero")
	require.Equal(t, TokenRange{Low: 2, High: 200}, llama.OutputTokens)

	// totals over the priced models only
	requireDec(t, "0.00011725", est.Cost.Low)
	requireDec(t, "0.00268125", est.Cost.High)
}

func TestEstimateLongContextTierPerCall(t *testing.T) {
	t.Parallel()
	m := catalog.Model{ID: "p/tiered", InputPerToken: dec("0.000001"), OutputPerToken: dec("0.00001"),
		LongContextThreshold: 10, InputPerTokenAboveTier: decPtr("0.000002"), OutputPerTokenAboveTier: decPtr("0.00002")}
	items := estimateItems() // 16 tokens (above 10) and 9 (not)
	est, err := Estimate(EstimateInput{Items: items, Models: []string{"p/tiered"}, MaxOutputTokens: 100,
		Catalog: catalog.Catalog{Models: []catalog.Model{m}}})
	require.NoError(t, err)
	// low: (9·1e-6 + 1·1e-5) + (16·2e-6 + 1·2e-5) = 0.000019 + 0.000052
	requireDec(t, "0.000071", est.Cost.Low)
	// high: (9·1e-6 + 100·1e-5) + (16·2e-6 + 100·2e-5) = 0.001009 + 0.002032
	requireDec(t, "0.003041", est.Cost.High)
	// the grouped sum agrees with pricing each call alone
	sum := CallCost(m, Usage{InputTokens: 16, OutputTokens: 100}).Add(CallCost(m, Usage{InputTokens: 9, OutputTokens: 100}))
	requireDec(t, sum.String(), est.Cost.High)
	require.Equal(t, DefaultCallLatency, est.Duration, "2 calls in one wave of the default 4")
}

func TestEstimateDurationWaves(t *testing.T) {
	t.Parallel()
	items := make([]Item, 10)
	for i := range items {
		items[i] = Item{Input: "q", Expected: "a", Assertion: AssertExact}
	}
	tests := []struct {
		name        string
		models      []string
		concurrency map[string]int
		want        time.Duration
	}{
		{name: "one model, default concurrency 4", models: []string{"a/x"}, want: 3 * time.Second},                                                // ⌈10/4⌉ = 3
		{name: "two models share a provider", models: []string{"a/x", "a/y"}, concurrency: map[string]int{"a": 5}, want: 4 * time.Second},         // ⌈20/5⌉
		{name: "providers run side by side", models: []string{"a/x", "b/y"}, concurrency: map[string]int{"a": 10, "b": 3}, want: 4 * time.Second}, // max(1, ⌈10/3⌉)
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			est, err := Estimate(EstimateInput{Items: items, Models: tc.models, MaxOutputTokens: 10, Concurrency: tc.concurrency, CallLatency: time.Second})
			require.NoError(t, err)
			require.Equal(t, tc.want, est.Duration)
			require.Len(t, est.UnpricedModels, len(tc.models))
			require.True(t, est.Cost.Low.IsZero() && est.Cost.High.IsZero())
		})
	}
}

func TestEstimateRefuses(t *testing.T) {
	t.Parallel()
	ok := EstimateInput{Items: estimateItems(), Models: []string{"a/x"}, MaxOutputTokens: 10}
	tests := []struct {
		name   string
		change func(*EstimateInput)
		field  string
	}{
		{name: "no models", change: func(in *EstimateInput) { in.Models = nil }, field: "models"},
		{name: "model without provider", change: func(in *EstimateInput) { in.Models = []string{"gpt-4"} }, field: "models[0]"},
		{name: "model twice", change: func(in *EstimateInput) { in.Models = []string{"a/x", "a/x"} }, field: "models[1]"},
		{name: "no output bound", change: func(in *EstimateInput) { in.MaxOutputTokens = 0 }, field: "maxOutputTokens"},
		{name: "negative latency", change: func(in *EstimateInput) { in.CallLatency = -time.Second }, field: "callLatency"},
		{name: "negative concurrency", change: func(in *EstimateInput) { in.Concurrency = map[string]int{"a": -1} }, field: "concurrency"},
		{name: "invalid item", change: func(in *EstimateInput) { in.Items = []Item{{Input: "q", Assertion: "X"}} }, field: "items[0].assertion"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			in := ok
			tc.change(&in)
			_, err := Estimate(in)
			ve, isVE := errors.AsType[*ValidationError](err)
			require.True(t, isVE, "got %v", err)
			require.Equal(t, tc.field, ve.Field)
		})
	}
}

func requireDec(t *testing.T, want string, got decimal.Decimal) {
	t.Helper()
	require.True(t, dec(want).Equal(got), "want %s, got %s", want, got)
}

// TestEstimateJudge prices the judge's calls: per run of a JUDGE item per model, the judge's prompt around an
// answer of 1 token (low) to the model's output bound (high), answered by a short verdict (low) to the judge's
// 512-token bound (high); a pairwise judge asked in both orders makes twice the calls.
func TestEstimateJudge(t *testing.T) {
	t.Parallel()
	items := []Item{
		{Input: strings.Repeat("q", 40), Expected: "Mentions the refund.", Assertion: AssertJudge},
		{Input: "plain", Expected: "plain", Assertion: AssertContains},
	}
	// gemini/g-test's own bound is 50: its answers, and so the judge's prompts about them, are at most 50 tokens
	in := EstimateInput{Items: items, Models: []string{"openai/gpt-test", "gemini/g-test"}, MaxOutputTokens: 100,
		Catalog: testCatalog(), Repeats: 3, Judge: &JudgeConfig{Model: "openai/gpt-test"}}
	est, err := Estimate(in)
	require.NoError(t, err)
	require.Equal(t, 6, est.JudgeCalls, "1 JUDGE item × 3 repeats × 2 models")
	require.Equal(t, 12+6, est.Calls)

	system, user := in.Judge.Prompt(items[0].Expected, items[0].Input, "")
	base := EstimatePromptTokens(system, user)
	require.Greater(t, base, int64(len(system)/4), "the rubric and instructions are counted")
	require.Equal(t, int64(30), JudgeVerdictTokens, "119 bytes of verdict at 4 bytes a token")
	require.Equal(t, TokenRange{Low: 6 * (base + 1), High: 3*(base+100) + 3*(base+50)}, est.JudgeInputTokens)
	require.Equal(t, TokenRange{Low: 6 * 30, High: 6 * JudgeMaxOutputTokens}, est.JudgeOutputTokens)
	// gpt-test: $2 / M input, $8 / M output
	low := decimal.NewFromInt(6 * (base + 1)).Mul(dec("0.000002")).Add(dec("0.000008").Mul(decimal.NewFromInt(6 * 30)))
	high := decimal.NewFromInt(3*(base+100) + 3*(base+50)).Mul(dec("0.000002")).Add(dec("0.000008").Mul(decimal.NewFromInt(6 * 512)))
	require.NotNil(t, est.JudgeCost)
	requireDec(t, low.String(), est.JudgeCost.Low)
	requireDec(t, high.String(), est.JudgeCost.High)
	answers, err := Estimate(EstimateInput{Items: items, Models: in.Models, MaxOutputTokens: 100, Catalog: testCatalog(), Repeats: 3})
	require.NoError(t, err)
	require.Equal(t, answers.Cost, est.Cost, "the answering models' cost leaves the judge out")
	require.Nil(t, answers.JudgeCost)

	// pairwise with swapped positions: the reference is in the prompt, and every figure doubles
	pw := in
	pw.Judge = &JudgeConfig{Model: "openai/gpt-test", Pairwise: &Pairwise{SwapPositions: true}}
	swapped, err := Estimate(pw)
	require.NoError(t, err)
	require.Equal(t, 12, swapped.JudgeCalls)
	require.Equal(t, 12+12, swapped.Calls)
	system, user = pw.Judge.PairwisePrompt(items[0].Input, "", items[0].Expected, true)
	base = EstimatePromptTokens(system, user)
	require.Equal(t, TokenRange{Low: 12 * (base + 1), High: 6*(base+100) + 6*(base+50)}, swapped.JudgeInputTokens)
	require.Equal(t, TokenRange{Low: 12 * 30, High: 12 * JudgeMaxOutputTokens}, swapped.JudgeOutputTokens)
	pw.Judge = &JudgeConfig{Model: "openai/gpt-test", Pairwise: &Pairwise{}}
	once, err := Estimate(pw)
	require.NoError(t, err)
	require.Equal(t, 6, once.JudgeCalls)
	requireDec(t, once.JudgeCost.Low.Mul(decimal.NewFromInt(2)).String(), swapped.JudgeCost.Low)
	requireDec(t, once.JudgeCost.High.Mul(decimal.NewFromInt(2)).String(), swapped.JudgeCost.High)

	// a judge without a catalog price: tokens estimated, cost unknown rather than free
	in.Judge = &JudgeConfig{Model: "vllm/judge"}
	unpriced, err := Estimate(in)
	require.NoError(t, err)
	require.Nil(t, unpriced.JudgeCost)
	require.Equal(t, est.JudgeOutputTokens, unpriced.JudgeOutputTokens)
}
