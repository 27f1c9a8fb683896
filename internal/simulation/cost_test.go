package simulation

import (
	"testing"

	"github.com/shopspring/decimal"
	"github.com/stretchr/testify/require"

	"github.com/modelarchitect/architect/internal/catalog"
)

func d(s string) decimal.Decimal { return decimal.RequireFromString(s) }

func dp(s string) *decimal.Decimal { x := d(s); return &x }

func TestCostArithmetic(t *testing.T) {
	t.Parallel()
	one := d("1")
	cases := []struct {
		name       string
		model      catalog.Model
		w          Workload
		uplift     decimal.Decimal
		perRequest string
		monthly    string
		tier       bool
	}{
		{
			// 300 uncached × 0.0000004 = 0.00012; 300 cached × 0.0000001 = 0.00003; 150 out × 0.0000016 = 0.00024
			// → 0.00039 per request; × 40,000 = 15.6 a day; × 30.4375 = 474.825 a month.
			name:       "prompt caching",
			model:      catalog.Model{InputPerToken: d("0.0000004"), OutputPerToken: d("0.0000016"), CachedInputPerToken: dp("0.0000001")},
			w:          Workload{RequestsPerDay: 40_000, InputTokens: 600, OutputTokens: 150, CachedInputFraction: 0.5},
			uplift:     one,
			perRequest: "0.00039", monthly: "474.825",
		},
		{
			// Claude Haiku 4.5's prices (catalog: $1/M input, $0.10/M cache read, $1.25/M 5-minute and $2/M
			// 1-hour cache write, $5/M output; Anthropic pricing page). 1,000 input of which 600 read and 300
			// written to the cache: 100 × 0.000001 + 600 × 0.0000001 + 300 × 0.00000125 + 200 × 0.000005
			// = 0.0001 + 0.00006 + 0.000375 + 0.001 = 0.001535 per request; × 30.4375 = 0.0467215625 a month.
			name: "prompt-cache writes, 5 minutes",
			model: catalog.Model{InputPerToken: d("0.000001"), OutputPerToken: d("0.000005"), CachedInputPerToken: dp("0.0000001"),
				CacheWritePerToken: dp("0.00000125"), CacheWrite1hPerToken: dp("0.000002")},
			w:          Workload{RequestsPerDay: 1, InputTokens: 1000, OutputTokens: 200, CachedInputFraction: 0.6, CacheWriteFraction: 0.3},
			uplift:     one,
			perRequest: "0.001535", monthly: "0.0467215625",
		},
		{
			// The same with 1-hour writes: 300 × 0.000002 = 0.0006 instead of 0.000375 → 0.00176.
			name: "prompt-cache writes, 1 hour",
			model: catalog.Model{InputPerToken: d("0.000001"), OutputPerToken: d("0.000005"), CachedInputPerToken: dp("0.0000001"),
				CacheWritePerToken: dp("0.00000125"), CacheWrite1hPerToken: dp("0.000002")},
			w:          Workload{RequestsPerDay: 1, InputTokens: 1000, OutputTokens: 200, CachedInputFraction: 0.6, CacheWriteFraction: 0.3, CacheWriteHour: true},
			uplift:     one,
			perRequest: "0.00176", monthly: "0.05357",
		},
		{
			// An API that bills no cache writes (OpenAI's implicit caching): written input costs the input price.
			// 400 × 0.000001 + 600 × 0.0000001 + 200 × 0.000005 = 0.0004 + 0.00006 + 0.001 = 0.00146.
			name:       "no cache-write price",
			model:      catalog.Model{InputPerToken: d("0.000001"), OutputPerToken: d("0.000005"), CachedInputPerToken: dp("0.0000001")},
			w:          Workload{RequestsPerDay: 1, InputTokens: 1000, OutputTokens: 200, CachedInputFraction: 0.6, CacheWriteFraction: 0.3},
			uplift:     one,
			perRequest: "0.00146", monthly: "0.04443875",
		},
		{
			// 250,000 input > 200,000 threshold: 250,000 × 0.000006 = 1.5; 100 × 0.0000225 = 0.00225 → 1.50225;
			// × 10 a day = 15.0225; × 30.4375 = 457.24734375.
			name: "long-context tier",
			model: catalog.Model{InputPerToken: d("0.000003"), OutputPerToken: d("0.000015"), LongContextThreshold: 200_000,
				InputPerTokenAboveTier: dp("0.000006"), OutputPerTokenAboveTier: dp("0.0000225")},
			w:          Workload{RequestsPerDay: 10, InputTokens: 250_000, OutputTokens: 100},
			uplift:     one,
			perRequest: "1.50225", monthly: "457.24734375", tier: true,
		},
		{
			// Cache writes above the long-context threshold follow the long-context input price: Claude Sonnet 4.5
			// (catalog: $3/M input, $6/M above 200k, $3.75/M 5-minute write). LiteLLM lists the write above 200k
			// as cache_creation_input_token_cost_above_200k_tokens = 7.5e-6, which is 3.75e-6 × 6 ÷ 3. 250,000
			// input, all written: 250,000 × 0.0000075 = 1.875; 100 × 0.0000225 = 0.00225 → 1.87725; × 30.4375 =
			// 57.138796875.
			name: "cache writes above the long-context threshold",
			model: catalog.Model{InputPerToken: d("0.000003"), OutputPerToken: d("0.000015"), LongContextThreshold: 200_000,
				InputPerTokenAboveTier: dp("0.000006"), OutputPerTokenAboveTier: dp("0.0000225"),
				CacheWritePerToken: dp("0.00000375"), CacheWrite1hPerToken: dp("0.000006")},
			w:          Workload{RequestsPerDay: 1, InputTokens: 250_000, OutputTokens: 100, CacheWriteFraction: 1},
			uplift:     one,
			perRequest: "1.87725", monthly: "57.138796875", tier: true,
		},
		{
			// At the threshold the list price applies: 200,000 × 0.000003 = 0.6; 100 × 0.000015 = 0.0015 → 0.6015.
			name: "at the threshold is below the tier",
			model: catalog.Model{InputPerToken: d("0.000003"), OutputPerToken: d("0.000015"), LongContextThreshold: 200_000,
				InputPerTokenAboveTier: dp("0.000006"), OutputPerTokenAboveTier: dp("0.0000225")},
			w:          Workload{RequestsPerDay: 1, InputTokens: 200_000, OutputTokens: 100},
			uplift:     one,
			perRequest: "0.6015", monthly: "18.30815625", // 0.6015 × 30.4375
		},
		{
			// Reasoning billed at the output price: 100 × 0.000001 + 50 × 0.000004 + 1,000 × 0.000004 = 0.0043;
			// × 30.4375 = 0.13088125.
			name:       "reasoning tokens at output price",
			model:      catalog.Model{InputPerToken: d("0.000001"), OutputPerToken: d("0.000004"), Reasoning: true},
			w:          Workload{RequestsPerDay: 1, InputTokens: 100, OutputTokens: 50, ReasoningTokens: 1000},
			uplift:     one,
			perRequest: "0.0043", monthly: "0.13088125",
		},
		{
			// A separate reasoning price: 0.0003 + 1,000 × 0.000002 = 0.0023; × 30.4375 = 0.07000625.
			name:       "reasoning tokens at their own price",
			model:      catalog.Model{InputPerToken: d("0.000001"), OutputPerToken: d("0.000004"), Reasoning: true, ReasoningPerToken: dp("0.000002")},
			w:          Workload{RequestsPerDay: 1, InputTokens: 100, OutputTokens: 50, ReasoningTokens: 1000},
			uplift:     one,
			perRequest: "0.0023", monthly: "0.07000625",
		},
		{
			// A model that does not reason bills no reasoning tokens: 0.0001 + 0.0002 = 0.0003; × 30.4375 = 0.00913125.
			name:       "no reasoning tokens for a non-reasoning model",
			model:      catalog.Model{InputPerToken: d("0.000001"), OutputPerToken: d("0.000004")},
			w:          Workload{RequestsPerDay: 1, InputTokens: 100, OutputTokens: 50, ReasoningTokens: 1000},
			uplift:     one,
			perRequest: "0.0003", monthly: "0.00913125",
		},
		{
			// EU uplift 1.1: (600 × 0.0000002 + 150 × 0.00000125) × 1.1 = 0.0003075 × 1.1 = 0.00033825;
			// × 40,000 × 30.4375 = × 1,217,500 = 411.819375 (the worked example's openai/gpt-5.4-nano).
			name:       "regional uplift",
			model:      catalog.Model{InputPerToken: d("0.0000002"), OutputPerToken: d("0.00000125"), CachedInputPerToken: dp("0.00000002")},
			w:          Workload{RequestsPerDay: 40_000, InputTokens: 600, OutputTokens: 150},
			uplift:     d("1.1"),
			perRequest: "0.00033825", monthly: "411.819375",
		},
		{
			// No cache-read price: the cached fraction is billed at the input price: 1,000 × 0.000001 = 0.001.
			name:       "cache fraction without a cache price",
			model:      catalog.Model{InputPerToken: d("0.000001"), OutputPerToken: d("0.000004")},
			w:          Workload{RequestsPerDay: 1, InputTokens: 1000, CachedInputFraction: 0.8},
			uplift:     one,
			perRequest: "0.001", monthly: "0.0304375",
		},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			c := costOf(tc.model, tc.w, tc.uplift)
			require.True(t, d(tc.perRequest).Equal(c.PerRequest), "per request %s", c.PerRequest)
			require.True(t, d(tc.monthly).Equal(c.Monthly), "monthly %s", c.Monthly)
			require.True(t, c.Monthly.Equal(c.Daily.Mul(DaysPerMonth)))
			parts := c.MonthlyInput.Add(c.MonthlyCachedInput).Add(c.MonthlyCacheWrite).Add(c.MonthlyOutput).Add(c.MonthlyReasoning)
			require.True(t, parts.Equal(c.Monthly), "parts %s sum to monthly", parts)
			require.Equal(t, tc.tier, c.LongContextTier)
		})
	}
}
