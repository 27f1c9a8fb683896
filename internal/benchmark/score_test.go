package benchmark

import (
	"errors"
	"testing"
	"time"

	"github.com/stretchr/testify/require"
)

func TestAggregate(t *testing.T) {
	t.Parallel()
	ms := time.Millisecond
	results := []ItemResult{
		// speed (41 − 1) / (1.0 − 0.2) s = 50 tok/s
		{Item: 0, Output: "Paris", Pass: true, Latency: 1000 * ms, TTFT: 200 * ms, Usage: Usage{InputTokens: 100, OutputTokens: 41}},
		// (17 − 1) / 1.6 s = 10 tok/s
		{Item: 1, Output: "4", Pass: true, Latency: 2000 * ms, TTFT: 400 * ms, Usage: Usage{InputTokens: 100, OutputTokens: 17}},
		// one token: speed undefined
		{Item: 2, Output: "Lyon", Reason: "no", Latency: 3000 * ms, TTFT: 600 * ms, Usage: Usage{InputTokens: 100, OutputTokens: 1}},
		{Item: 3, Error: "openai: rate limited (HTTP 429)"},
		// (33 − 1) / 3.2 s = 10 tok/s
		{Item: 4, Output: "{}", Pass: true, Latency: 4000 * ms, TTFT: 800 * ms, Usage: Usage{InputTokens: 100, OutputTokens: 33}},
	}
	price := gptTest()
	s, err := Aggregate("openai/gpt-test", &price, results)
	require.NoError(t, err)

	require.Equal(t, "openai/gpt-test", s.Model)
	require.Equal(t, 5, s.Items)
	require.Equal(t, 3, s.Passed)
	require.Equal(t, 1, s.Failed)
	require.Equal(t, 1, s.Errors)
	require.InDelta(t, 0.6, s.Accuracy, 1e-15) // 3 / 5: the errored item counts as not passed
	// statsmodels proportion_confint(3, 5, method="wilson")
	require.InDelta(t, 0.2307242812760129, s.AccuracyCI.Low, 1e-12)
	require.InDelta(t, 0.8823792257673522, s.AccuracyCI.High, 1e-12)
	// numpy.percentile([1000, 2000, 3000, 4000], [50, 95]) = [2500, 3850]; the errored item has no latency
	require.Equal(t, Summary{Count: 4, P50: 2500 * ms, P95: 3850 * ms}, s.Latency)
	// numpy.percentile([200, 400, 600, 800], [50, 95]) = [500, 770]
	require.Equal(t, Summary{Count: 4, P50: 500 * ms, P95: 770 * ms}, s.TTFT)
	require.InDelta(t, 10, s.OutputTokensPerSecond, 1e-9) // median of [10, 10, 50]
	require.Equal(t, Usage{InputTokens: 400, OutputTokens: 92}, s.Usage)
	// 400·2e-6 + 92·8e-6 = 0.0008 + 0.000736
	require.NotNil(t, s.Cost)
	requireDec(t, "0.001536", *s.Cost)
	requireDec(t, "0.000512", *s.CostPerCorrect) // 0.001536 / 3
}

func TestAggregateUnknownPriceAndEdges(t *testing.T) {
	t.Parallel()
	results := []ItemResult{{Item: 0, Output: "x", Latency: time.Second, Usage: Usage{InputTokens: 10, OutputTokens: 5}}}

	s, err := Aggregate("vllm/llama", nil, results)
	require.NoError(t, err)
	require.Nil(t, s.Cost, "unknown price is reported unknown")
	require.Nil(t, s.CostPerCorrect)

	price := gptTest()
	s, err = Aggregate("openai/gpt-test", &price, results)
	require.NoError(t, err)
	require.NotNil(t, s.Cost)
	require.Nil(t, s.CostPerCorrect, "no correct answer: no cost per correct answer")
	require.Zero(t, s.TTFT.Count)

	s, err = Aggregate("openai/gpt-test", &price, nil)
	require.NoError(t, err)
	require.Equal(t, 0, s.Items)
	require.Zero(t, s.Accuracy)
	require.Equal(t, Interval{Low: 0, High: 1}, s.AccuracyCI)
	require.Equal(t, Summary{}, s.Latency)
	require.True(t, s.Cost.IsZero())
}

func TestAggregateRefuses(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name    string
		results []ItemResult
	}{
		{name: "item twice", results: []ItemResult{{Item: 1, Pass: true}, {Item: 1, Pass: true}}},
		{name: "negative latency", results: []ItemResult{{Item: 1, Latency: -1}}},
		{name: "negative tokens", results: []ItemResult{{Item: 1, Usage: Usage{OutputTokens: -1}}}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			_, err := Aggregate("a/b", nil, tc.results)
			_, ok := errors.AsType[*ValidationError](err)
			require.True(t, ok, "got %v", err)
		})
	}
}
