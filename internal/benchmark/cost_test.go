package benchmark

import (
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/modelarchitect/architect/internal/catalog"
)

func TestCallCost(t *testing.T) {
	t.Parallel()
	withReasoning := gptTest()
	withReasoning.ReasoningPerToken = decPtr("0.00001")
	noCache := gptTest()
	noCache.CachedInputPerToken = nil
	tests := []struct {
		name  string
		model catalog.Model
		usage Usage
		want  string
	}{
		// 800·2e-6 + 200·0.5e-6 + 500·8e-6 = 0.0016 + 0.0001 + 0.004
		{name: "cached input, reasoning billed as output", model: gptTest(), usage: Usage{InputTokens: 1000, CachedTokens: 200, OutputTokens: 500, ReasoningTokens: 100}, want: "0.0057"},
		// 800·2e-6 + 200·0.5e-6 + 400·8e-6 + 100·1e-5 = 0.0016 + 0.0001 + 0.0032 + 0.001
		{name: "separate reasoning price", model: withReasoning, usage: Usage{InputTokens: 1000, CachedTokens: 200, OutputTokens: 500, ReasoningTokens: 100}, want: "0.0059"},
		// no cache price: cached tokens at the input price, 1000·2e-6
		{name: "no cache price", model: noCache, usage: Usage{InputTokens: 1000, CachedTokens: 1000}, want: "0.002"},
		// 200,000·1.25e-6 + 1000·1e-5 = 0.25 + 0.01: at the threshold the base tier still applies
		{name: "at the long-context threshold", model: geminiTest(), usage: Usage{InputTokens: 200_000, OutputTokens: 1000}, want: "0.26"},
		// 200,001·2.5e-6 + 1000·1.5e-5 = 0.5000025 + 0.015
		{name: "above the long-context threshold", model: geminiTest(), usage: Usage{InputTokens: 200_001, OutputTokens: 1000}, want: "0.5150025"},
		// cached clamped to input (10), reasoning to output (5): 10·0.5e-6 + 5·8e-6
		{name: "inconsistent counts are clamped", model: gptTest(), usage: Usage{InputTokens: 10, CachedTokens: 50, OutputTokens: 5, ReasoningTokens: 9}, want: "0.000045"},
		{name: "negative counts are zero", model: gptTest(), usage: Usage{InputTokens: -5, OutputTokens: -1}, want: "0"},
		{name: "free model", model: catalog.Model{ID: "ollama/x"}, usage: Usage{InputTokens: 1e6, OutputTokens: 1e6}, want: "0"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			got := CallCost(tc.model, tc.usage)
			require.True(t, dec(tc.want).Equal(got), "want %s, got %s", tc.want, got)
		})
	}
}

func TestEstimateTokens(t *testing.T) {
	t.Parallel()
	tests := []struct {
		in   string
		want int64
	}{
		{"", 0}, {"a", 1}, {"abcd", 1}, {"abcde", 2},
		{"The quick brown fox jumps over the lazy dog", 11}, // 43 bytes → ⌈43/4⌉
		{"東京", 2}, // 6 bytes → ⌈6/4⌉
	}
	for _, tc := range tests {
		require.Equal(t, tc.want, EstimateTokens(tc.in), tc.in)
	}
	// 4 bytes → 1 token, plus 3 for the message and 3 for the reply; a system prompt adds its tokens and 3.
	require.Equal(t, int64(7), EstimatePromptTokens("", "abcd"))
	require.Equal(t, int64(7+2+3), EstimatePromptTokens("Be brief", "abcd"))
}
