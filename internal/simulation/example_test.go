package simulation_test

import (
	"fmt"

	"github.com/shopspring/decimal"

	"github.com/modelarchitect/architect/internal/catalog"
	"github.com/modelarchitect/architect/internal/simulation"
)

// The worked example of docs/guide/scenarios.md: 40,000 support tickets a day, 600 tokens in and 150 out, answers within 2 s at
// the 95th percentile, at most $3,000 a month, personal data stays in the EU. The sentence gives no peak, so
// the example assumes traffic peaks at three times the daily average (docs/guide/scenarios.md states it too).
func Example_supportTickets() {
	budget := decimal.NewFromInt(3000)
	res, err := simulation.Simulate(catalog.Default(), simulation.Workload{
		RequestsPerDay:   40_000,
		InputTokens:      600,
		OutputTokens:     150,
		PeakFactor:       3,
		LatencySLAMillis: 2000,
		SLAPercentile:    95,
		MonthlyBudgetUSD: &budget,
		Complexity:       catalog.ComplexityMedium,
		DataRegions:      []string{"EU"},
	}, simulation.Options{})
	if err != nil {
		fmt.Println(err)
		return
	}
	fmt.Print(res.Text())
	// Output:
	// Workload: 40,000 requests/day, 600 input + 150 output tokens, peak x3 (1.39 req/s), p95 <= 2000 ms, budget $3000.00/month, MEDIUM complexity (tier >= 2), data in EU
	// Catalog sha256:7bbdc751c1860c79; month = 30.4375 days; quality basis CATALOG
	//
	// #  model                       region  $/month  p50 ms  p95 ms  quality        cost   latency  quality  headroom  score  pareto
	// 1  openai/gpt-5.4-nano         EU      411.82   1482    1482    tier 2 (17.6)  0.302  0.065    0.053    0.099     0.519  *
	// 2  vertex_ai/gemini-2.5-flash  EU      675.71   1200    1200    tier 2 (14.1)  0.271  0.100    0.042    0.099     0.513  *
	// 3  openai/gpt-5.4-mini         EU      1506.66  1508    1508    tier 2 (16.6)  0.174  0.062    0.050    0.099     0.385  -
	// 4  openai/gpt-5.6-luna         EU      2008.88  1443    1443    tier 3 (26.6)  0.116  0.070    0.080    0.099     0.364  *
	// 5  openai/gpt-5.6-luna@low     EU      2523.15  1807    1807    tier 3 (33.3)  0.056  0.024    0.100    0.099     0.279  *
	//
	// Winner: openai/gpt-5.4-nano. Pareto front (cost, p95, quality): openai/gpt-5.4-nano, vertex_ai/gemini-2.5-flash, openai/gpt-5.6-luna, openai/gpt-5.6-luna@low
	//
	// Excluded (119):
	//   anthropic/claude-3-haiku-20240307 [REGION, QUALITY, SLA] anthropic/claude-3-haiku-20240307 processes data in GLOBAL; the workload allows only EU
	//   anthropic/claude-fable-5 [REGION, BUDGET, SLA] anthropic/claude-fable-5 processes data in GLOBAL, US; the workload allows only EU
	//   anthropic/claude-haiku-4-5 [REGION, SLA] anthropic/claude-haiku-4-5 processes data in GLOBAL; the workload allows only EU
	//   anthropic/claude-mythos-5 [REGION, NO_QUALITY_DATA, BUDGET, NO_SPEED_DATA] anthropic/claude-mythos-5 processes data in GLOBAL, US; the workload allows only EU
	//   anthropic/claude-opus-4-1 [REGION, BUDGET, SLA] anthropic/claude-opus-4-1 processes data in GLOBAL; the workload allows only EU
	//   anthropic/claude-opus-4-5 [REGION, BUDGET, SLA] anthropic/claude-opus-4-5 processes data in GLOBAL; the workload allows only EU
	//   anthropic/claude-opus-4-6 [REGION, BUDGET, SLA] anthropic/claude-opus-4-6 processes data in GLOBAL, US; the workload allows only EU
	//   anthropic/claude-opus-4-7 [REGION, BUDGET, SLA] anthropic/claude-opus-4-7 processes data in GLOBAL, US; the workload allows only EU
	//   anthropic/claude-opus-4-8 [REGION, BUDGET, SLA] anthropic/claude-opus-4-8 processes data in GLOBAL, US; the workload allows only EU
	//   anthropic/claude-opus-5 [REGION, NO_QUALITY_DATA, BUDGET, NO_SPEED_DATA] anthropic/claude-opus-5 processes data in GLOBAL, US; the workload allows only EU
	//   anthropic/claude-sonnet-4-5 [REGION, BUDGET, SLA] anthropic/claude-sonnet-4-5 processes data in GLOBAL; the workload allows only EU
	//   anthropic/claude-sonnet-4-6 [REGION, BUDGET, SLA] anthropic/claude-sonnet-4-6 processes data in GLOBAL; the workload allows only EU
	//   anthropic/claude-sonnet-5 [REGION, BUDGET, SLA] anthropic/claude-sonnet-5 processes data in GLOBAL, US; the workload allows only EU
	//   bedrock/anthropic.claude-sonnet-4-5-20250929-v1:0 [NO_QUALITY_DATA, BUDGET, NO_SPEED_DATA] bedrock/anthropic.claude-sonnet-4-5-20250929-v1:0 has no published quality score; run a benchmark of at least 10 items to measure its accuracy
	//   deepseek/deepseek-chat [REGION, NO_QUALITY_DATA, NO_SPEED_DATA] deepseek/deepseek-chat processes data in CN; the workload allows only EU
	//   deepseek/deepseek-reasoner [REGION, NO_QUALITY_DATA, NO_SPEED_DATA] deepseek/deepseek-reasoner processes data in CN; the workload allows only EU
	//   deepseek/deepseek-v4-flash [REGION, SLA] deepseek/deepseek-v4-flash processes data in CN; the workload allows only EU
	//   deepseek/deepseek-v4-pro [REGION, SLA] deepseek/deepseek-v4-pro processes data in CN; the workload allows only EU
	//   gemini/gemini-2.5-flash [REGION] gemini/gemini-2.5-flash processes data in GLOBAL; the workload allows only EU
	//   gemini/gemini-2.5-flash-lite [REGION, QUALITY] gemini/gemini-2.5-flash-lite processes data in GLOBAL; the workload allows only EU
	//   gemini/gemini-2.5-flash-lite-preview-09-2025 [REGION, NO_QUALITY_DATA, NO_SPEED_DATA] gemini/gemini-2.5-flash-lite-preview-09-2025 processes data in GLOBAL; the workload allows only EU
	//   gemini/gemini-2.5-flash-preview-09-2025 [REGION, NO_QUALITY_DATA, NO_SPEED_DATA] gemini/gemini-2.5-flash-preview-09-2025 processes data in GLOBAL; the workload allows only EU
	//   gemini/gemini-2.5-pro [REGION, BUDGET, SLA] gemini/gemini-2.5-pro processes data in GLOBAL; the workload allows only EU
	//   gemini/gemini-3-flash [REGION, NO_QUALITY_DATA, NO_SPEED_DATA] gemini/gemini-3-flash processes data in GLOBAL; the workload allows only EU
	//   gemini/gemini-3-flash-preview [REGION] gemini/gemini-3-flash-preview processes data in GLOBAL; the workload allows only EU
	//   gemini/gemini-3.1-flash-lite [REGION, NO_QUALITY_DATA, NO_SPEED_DATA] gemini/gemini-3.1-flash-lite processes data in GLOBAL; the workload allows only EU
	//   gemini/gemini-3.1-flash-lite-preview [REGION, BUDGET, SLA] gemini/gemini-3.1-flash-lite-preview processes data in GLOBAL; the workload allows only EU
	//   gemini/gemini-3.1-pro-preview [REGION, BUDGET, SLA] gemini/gemini-3.1-pro-preview processes data in GLOBAL; the workload allows only EU
	//   gemini/gemini-3.5-flash [REGION, BUDGET] gemini/gemini-3.5-flash processes data in GLOBAL; the workload allows only EU
	//   gemini/gemini-3.5-flash-lite [REGION, NO_QUALITY_DATA, NO_SPEED_DATA] gemini/gemini-3.5-flash-lite processes data in GLOBAL; the workload allows only EU
	//   gemini/gemini-3.6-flash [REGION, NO_QUALITY_DATA, NO_SPEED_DATA] gemini/gemini-3.6-flash processes data in GLOBAL; the workload allows only EU
	//   gemini/gemini-omni-flash-preview [REGION, NO_QUALITY_DATA, NO_SPEED_DATA] gemini/gemini-omni-flash-preview processes data in GLOBAL; the workload allows only EU
	//   meta/llama-3.1-405b-instruct [SELF_HOST_ONLY, QUALITY, SLA] meta/llama-3.1-405b-instruct has no hosted API price in the catalog; estimate a self-hosted deployment instead
	//   meta/llama-3.1-8b-instruct [SELF_HOST_ONLY, QUALITY] meta/llama-3.1-8b-instruct has no hosted API price in the catalog; estimate a self-hosted deployment instead
	//   meta/llama-3.3-70b-instruct [SELF_HOST_ONLY, QUALITY, SLA] meta/llama-3.3-70b-instruct has no hosted API price in the catalog; estimate a self-hosted deployment instead
	//   meta/llama-4-maverick [SELF_HOST_ONLY, SLA] meta/llama-4-maverick has no hosted API price in the catalog; estimate a self-hosted deployment instead
	//   meta/llama-4-scout [SELF_HOST_ONLY, QUALITY, SLA] meta/llama-4-scout has no hosted API price in the catalog; estimate a self-hosted deployment instead
	//   openai/gpt-3.5-turbo [NO_QUALITY_DATA, NO_SPEED_DATA] openai/gpt-3.5-turbo has no published quality score; run a benchmark of at least 10 items to measure its accuracy
	//   openai/gpt-3.5-turbo-0125 [NO_QUALITY_DATA, NO_SPEED_DATA] openai/gpt-3.5-turbo-0125 has no published quality score; run a benchmark of at least 10 items to measure its accuracy
	//   openai/gpt-3.5-turbo-1106 [NO_QUALITY_DATA, NO_SPEED_DATA] openai/gpt-3.5-turbo-1106 has no published quality score; run a benchmark of at least 10 items to measure its accuracy
	//   openai/gpt-3.5-turbo-16k [NO_QUALITY_DATA, NO_SPEED_DATA] openai/gpt-3.5-turbo-16k has no published quality score; run a benchmark of at least 10 items to measure its accuracy
	//   openai/gpt-4 [NO_QUALITY_DATA, BUDGET, NO_SPEED_DATA] openai/gpt-4 has no published quality score; run a benchmark of at least 10 items to measure its accuracy
	//   openai/gpt-4-turbo [NO_QUALITY_DATA, BUDGET, NO_SPEED_DATA] openai/gpt-4-turbo has no published quality score; run a benchmark of at least 10 items to measure its accuracy
	//   openai/gpt-4-turbo-preview [NO_QUALITY_DATA, BUDGET, NO_SPEED_DATA] openai/gpt-4-turbo-preview has no published quality score; run a benchmark of at least 10 items to measure its accuracy
	//   openai/gpt-4.1 [SLA] p95 latency at peak is 2474 ms, above the 2000 ms SLA
	//   openai/gpt-4.1-mini [SLA] p95 latency at peak is 2961 ms, above the 2000 ms SLA
	//   openai/gpt-4.1-nano [QUALITY] openai/gpt-4.1-nano is tier 1 (weak) at MEDIUM complexity; the workload needs tier 2
	//   openai/gpt-4o [NO_QUALITY_DATA, BUDGET, NO_SPEED_DATA] openai/gpt-4o has no published quality score; run a benchmark of at least 10 items to measure its accuracy
	//   openai/gpt-4o-2024-05-13 [NO_QUALITY_DATA, BUDGET, NO_SPEED_DATA] openai/gpt-4o-2024-05-13 has no published quality score; run a benchmark of at least 10 items to measure its accuracy
	//   openai/gpt-4o-2024-08-06 [QUALITY, BUDGET, SLA] openai/gpt-4o-2024-08-06 is tier 1 (weak) at MEDIUM complexity; the workload needs tier 2
	//   openai/gpt-4o-2024-11-20 [QUALITY, BUDGET] openai/gpt-4o-2024-11-20 is tier 1 (weak) at MEDIUM complexity; the workload needs tier 2
	//   openai/gpt-4o-mini [QUALITY, SLA] openai/gpt-4o-mini is tier 1 (weak) at MEDIUM complexity; the workload needs tier 2
	//   openai/gpt-5 [SLA] p95 latency at peak is 3038 ms, above the 2000 ms SLA
	//   openai/gpt-5-mini [SLA] p95 latency at peak is 2552 ms, above the 2000 ms SLA
	//   openai/gpt-5-mini@high [BUDGET, SLA] costs $20977.53 a month, above the $3000.00 budget
	//   openai/gpt-5-mini@medium [SLA] p95 latency at peak is 11757 ms, above the 2000 ms SLA
	//   openai/gpt-5-nano [QUALITY] openai/gpt-5-nano is tier 1 (weak) at MEDIUM complexity; the workload needs tier 2
	//   openai/gpt-5-nano@high [BUDGET, SLA] costs $8061.31 a month, above the $3000.00 budget
	//   openai/gpt-5-nano@medium [BUDGET, SLA] costs $3800.55 a month, above the $3000.00 budget
	//   openai/gpt-5.1 [SLA] p95 latency at peak is 2538 ms, above the 2000 ms SLA
	//   openai/gpt-5.1@high [BUDGET, SLA] costs $64783.18 a month, above the $3000.00 budget
	//   openai/gpt-5.2 [BUDGET, SLA] costs $3835.13 a month, above the $3000.00 budget
	//   openai/gpt-5.2@xhigh [BUDGET, SLA] costs $128468.17 a month, above the $3000.00 budget
	//   openai/gpt-5.4 [BUDGET, SLA] costs $5022.19 a month, above the $3000.00 budget
	//   openai/gpt-5.4-mini@medium [BUDGET, SLA] costs $6695.58 a month, above the $3000.00 budget
	//   openai/gpt-5.4-mini@xhigh [BUDGET, SLA] costs $6695.58 a month, above the $3000.00 budget
	//   openai/gpt-5.4-nano@medium [SLA] p95 latency at peak is 5252 ms, above the 2000 ms SLA
	//   openai/gpt-5.4-nano@xhigh [SLA] p95 latency at peak is 4088 ms, above the 2000 ms SLA
	//   openai/gpt-5.4@low [BUDGET, SLA] costs $6167.25 a month, above the $3000.00 budget
	//   openai/gpt-5.4@xhigh [BUDGET, SLA] costs $376503.35 a month, above the $3000.00 budget
	//   openai/gpt-5.5 [BUDGET, SLA] costs $10044.38 a month, above the $3000.00 budget
	//   openai/gpt-5.5@high [BUDGET, SLA] costs $68582.99 a month, above the $3000.00 budget
	//   openai/gpt-5.5@low [BUDGET, SLA] costs $12053.25 a month, above the $3000.00 budget
	//   openai/gpt-5.5@medium [BUDGET, SLA] costs $30092.95 a month, above the $3000.00 budget
	//   openai/gpt-5.5@xhigh [BUDGET, SLA] costs $271881.14 a month, above the $3000.00 budget
	//   openai/gpt-5.6 [NO_QUALITY_DATA, BUDGET, NO_SPEED_DATA] openai/gpt-5.6 has no published quality score; run a benchmark of at least 10 items to measure its accuracy
	//   openai/gpt-5.6-luna@high [BUDGET, SLA] costs $9256.90 a month, above the $3000.00 budget
	//   openai/gpt-5.6-luna@max [BUDGET, SLA] costs $164775.96 a month, above the $3000.00 budget
	//   openai/gpt-5.6-luna@medium [BUDGET, SLA] costs $3487.41 a month, above the $3000.00 budget
	//   openai/gpt-5.6-luna@xhigh [BUDGET, SLA] costs $38080.23 a month, above the $3000.00 budget
	//   openai/gpt-5.6-sol [BUDGET, SLA] costs $13660.35 a month, above the $3000.00 budget
	//   openai/gpt-5.6-sol@high [BUDGET, SLA] costs $28043.90 a month, above the $3000.00 budget
	//   openai/gpt-5.6-sol@max [BUDGET, SLA] costs $618572.79 a month, above the $3000.00 budget
	//   openai/gpt-5.6-sol@medium [BUDGET, SLA] costs $18120.05 a month, above the $3000.00 budget
	//   openai/gpt-5.6-sol@xhigh [BUDGET, SLA] costs $128889.42 a month, above the $3000.00 budget
	//   openai/gpt-5.6-terra [BUDGET] costs $5022.19 a month, above the $3000.00 budget
	//   openai/gpt-5.6-terra@high [BUDGET, SLA] costs $7955.15 a month, above the $3000.00 budget
	//   openai/gpt-5.6-terra@low [BUDGET, SLA] costs $6408.31 a month, above the $3000.00 budget
	//   openai/gpt-5.6-terra@max [BUDGET, SLA] costs $405712.40 a month, above the $3000.00 budget
	//   openai/gpt-5.6-terra@medium [BUDGET, SLA] costs $7814.52 a month, above the $3000.00 budget
	//   openai/gpt-5.6-terra@xhigh [BUDGET, SLA] costs $81178.64 a month, above the $3000.00 budget
	//   openai/gpt-5@high [BUDGET, SLA] costs $88207.88 a month, above the $3000.00 budget
	//   openai/gpt-5@low [BUDGET, SLA] costs $8656.43 a month, above the $3000.00 budget
	//   openai/gpt-5@medium [BUDGET, SLA] costs $35782.33 a month, above the $3000.00 budget
	//   openai/gpt-oss-120b [SELF_HOST_ONLY, SLA] openai/gpt-oss-120b has no hosted API price in the catalog; estimate a self-hosted deployment instead
	//   openai/gpt-oss-20b [SELF_HOST_ONLY, SLA] openai/gpt-oss-20b has no hosted API price in the catalog; estimate a self-hosted deployment instead
	//   openai/o1-2024-12-17 [BUDGET, SLA] costs $256843.80 a month, above the $3000.00 budget
	//   openai/o3 [BUDGET, SLA] costs $8016.02 a month, above the $3000.00 budget
	//   openai/o3-mini [BUDGET, SLA] costs $6953.39 a month, above the $3000.00 budget
	//   openai/o3-mini@high [BUDGET, SLA] costs $25740.39 a month, above the $3000.00 budget
	//   openai/o4-mini [BUDGET, SLA] costs $17442.39 a month, above the $3000.00 budget
	//   vertex_ai/gemini-2.5-flash-lite [QUALITY] vertex_ai/gemini-2.5-flash-lite is tier 1 (weak) at MEDIUM complexity; the workload needs tier 2
	//   vertex_ai/gemini-2.5-flash-lite-preview-09-2025 [NO_QUALITY_DATA, NO_SPEED_DATA] vertex_ai/gemini-2.5-flash-lite-preview-09-2025 has no published quality score; run a benchmark of at least 10 items to measure its accuracy
	//   vertex_ai/gemini-2.5-flash-preview-09-2025 [NO_QUALITY_DATA, NO_SPEED_DATA] vertex_ai/gemini-2.5-flash-preview-09-2025 has no published quality score; run a benchmark of at least 10 items to measure its accuracy
	//   vertex_ai/gemini-2.5-pro [BUDGET, SLA] costs $36171.93 a month, above the $3000.00 budget
	//   vertex_ai/gemini-3-flash [REGION, NO_QUALITY_DATA, NO_SPEED_DATA] vertex_ai/gemini-3-flash processes data in GLOBAL; the workload allows only EU
	//   vertex_ai/gemini-3-flash-preview [REGION] vertex_ai/gemini-3-flash-preview processes data in GLOBAL; the workload allows only EU
	//   vertex_ai/gemini-3.1-flash-lite [REGION, NO_QUALITY_DATA, NO_SPEED_DATA] vertex_ai/gemini-3.1-flash-lite processes data in GLOBAL; the workload allows only EU
	//   vertex_ai/gemini-3.1-flash-lite-preview [REGION, BUDGET, SLA] vertex_ai/gemini-3.1-flash-lite-preview processes data in GLOBAL; the workload allows only EU
	//   vertex_ai/gemini-3.1-pro-preview [REGION, BUDGET, SLA] vertex_ai/gemini-3.1-pro-preview processes data in GLOBAL; the workload allows only EU
	//   vertex_ai/gemini-3.5-flash [REGION, BUDGET] vertex_ai/gemini-3.5-flash processes data in GLOBAL; the workload allows only EU
	//   vertex_ai/gemini-3.5-flash-lite [REGION, NO_QUALITY_DATA, NO_SPEED_DATA] vertex_ai/gemini-3.5-flash-lite processes data in GLOBAL; the workload allows only EU
	//   vertex_ai/gemini-3.6-flash [REGION, NO_QUALITY_DATA, NO_SPEED_DATA] vertex_ai/gemini-3.6-flash processes data in GLOBAL; the workload allows only EU
	//   vertex_ai/gemini-omni-flash-preview [REGION, NO_QUALITY_DATA, NO_SPEED_DATA] vertex_ai/gemini-omni-flash-preview processes data in GLOBAL; the workload allows only EU
	//   xai/grok-4.20-0309-non-reasoning [REGION] xai/grok-4.20-0309-non-reasoning processes data in GLOBAL; the workload allows only EU
	//   xai/grok-4.20-0309-reasoning [REGION, BUDGET, SLA] xai/grok-4.20-0309-reasoning processes data in GLOBAL; the workload allows only EU
	//   xai/grok-4.3 [REGION, SLA] xai/grok-4.3 processes data in GLOBAL; the workload allows only EU
	//   xai/grok-4.5 [REGION, BUDGET, SLA] xai/grok-4.5 processes data in GLOBAL; the workload allows only EU
	//   xai/grok-build-0.1 [REGION, BUDGET, SLA] xai/grok-build-0.1 processes data in GLOBAL; the workload allows only EU
}
