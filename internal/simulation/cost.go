package simulation

import (
	"github.com/shopspring/decimal"

	"github.com/modelarchitect/architect/internal/catalog"
)

// DaysPerMonth is the average Gregorian month, 365.25 / 12 = 30.4375 days; monthly cost = daily cost × 30.4375.
var DaysPerMonth = decimal.RequireFromString("30.4375")

// Cost is a candidate's cost for the workload, in US dollars. All figures are exact decimals.
type Cost struct {
	PerRequest decimal.Decimal
	Daily      decimal.Decimal // PerRequest × requests per day
	Monthly    decimal.Decimal // Daily × DaysPerMonth
	// Monthly parts (after the regional uplift); they sum to Monthly.
	MonthlyInput       decimal.Decimal // uncached input tokens
	MonthlyCachedInput decimal.Decimal // input tokens read from the prompt cache
	MonthlyCacheWrite  decimal.Decimal // input tokens written to the prompt cache (at the write price, or the input price where none is billed)
	MonthlyOutput      decimal.Decimal
	MonthlyReasoning   decimal.Decimal
	MonthlyHardware    decimal.Decimal // a self-hosted deployment's instances (hardwareCost); 0 for a model API
	LongContextTier    bool            // the request is above the model's long-context threshold
	RegionalUplift     decimal.Decimal // price multiplier for the processing region; 1 when none
	CacheApplied       bool            // the model has a cache-read price, so cached input was billed at it
	CacheWriteBilled   bool            // the model bills cache writes, and written input was billed at that price
}

// costOf prices one request of w on m and scales it to a day and a month, from per-token prices as LiteLLM's
// model cost map lists them (docs.litellm.ai/docs/proxy/model_cost_map):
//
//	per request = (N_in − N_cached − N_written)·p_in + N_cached·p_cache + N_written·p_write + N_out·p_out
//	            + N_reasoning·p_reasoning, × uplift
//
// N_cached = N_in × cached fraction (only when the model has a cache-read price; otherwise all input is billed
// at p_in); N_written = N_in × cache-write fraction at the 5-minute or 1-hour write price where the API bills
// writes (Anthropic), at p_in where it does not. Above the long-context threshold the *AboveTier prices apply to
// the whole request, and the write prices scale with the input price (they are multiples of it). Reasoning tokens
// are billed only for models whose catalog configuration reasons, at the reasoning price or else the output
// price; without a workload figure, at the configuration's expected reasoning (the catalog's estimate).
func costOf(m catalog.Model, w Workload, uplift decimal.Decimal) Cost {
	tier := m.LongContextThreshold > 0 && w.InputTokens > m.LongContextThreshold
	pIn, pOut := m.InputPerToken, m.OutputPerToken
	var pCache *decimal.Decimal = m.CachedInputPerToken
	if tier {
		pIn = orDefault(m.InputPerTokenAboveTier, pIn)
		pOut = orDefault(m.OutputPerTokenAboveTier, pOut)
		if m.CachedInputPerTokenAboveTier != nil {
			pCache = m.CachedInputPerTokenAboveTier
		}
	}
	pReason := orDefault(m.ReasoningPerToken, pOut)

	in := decimal.NewFromInt(int64(w.InputTokens))
	cached := decimal.Zero
	if pCache != nil {
		cached = in.Mul(decimal.NewFromFloat(w.CachedInputFraction))
	}
	pWrite := m.CacheWritePerToken
	if w.CacheWriteHour {
		pWrite = m.CacheWrite1hPerToken
	}
	if pWrite != nil && tier && m.InputPerTokenAboveTier != nil && m.InputPerToken.IsPositive() {
		// Anthropic prices cache writes as multiples of the input price that applies, the long-context one
		// above the threshold (docs.anthropic.com, "Pricing": long context; LiteLLM's
		// cache_creation_input_token_cost_above_200k_tokens is 1.25 × the long-context input price).
		scaled := pWrite.Mul(*m.InputPerTokenAboveTier).Div(m.InputPerToken)
		pWrite = &scaled
	}
	written := decimal.Zero
	if pWrite != nil {
		written = in.Mul(decimal.NewFromFloat(w.CacheWriteFraction))
	}
	n, _ := w.reasoningFor(m)
	reasoning := decimal.NewFromInt(int64(n))
	partIn := in.Sub(cached).Sub(written).Mul(pIn).Mul(uplift)
	partWrite := decimal.Zero
	if pWrite != nil {
		partWrite = written.Mul(*pWrite).Mul(uplift)
	}
	partCache := decimal.Zero
	if pCache != nil {
		partCache = cached.Mul(*pCache).Mul(uplift)
	}
	partOut := decimal.NewFromInt(int64(w.OutputTokens)).Mul(pOut).Mul(uplift)
	partReason := reasoning.Mul(pReason).Mul(uplift)

	perMonth := decimal.NewFromInt(w.RequestsPerDay).Mul(DaysPerMonth)
	per := partIn.Add(partCache).Add(partWrite).Add(partOut).Add(partReason)
	return Cost{
		PerRequest:         per,
		Daily:              per.Mul(decimal.NewFromInt(w.RequestsPerDay)),
		Monthly:            per.Mul(perMonth),
		MonthlyInput:       partIn.Mul(perMonth),
		MonthlyCachedInput: partCache.Mul(perMonth),
		MonthlyCacheWrite:  partWrite.Mul(perMonth),
		MonthlyOutput:      partOut.Mul(perMonth),
		MonthlyReasoning:   partReason.Mul(perMonth),
		LongContextTier:    tier,
		RegionalUplift:     uplift,
		CacheApplied:       pCache != nil && w.CachedInputFraction > 0,
		CacheWriteBilled:   pWrite != nil && w.CacheWriteFraction > 0,
	}
}

func orDefault(p *decimal.Decimal, d decimal.Decimal) decimal.Decimal {
	if p == nil {
		return d
	}
	return *p
}
