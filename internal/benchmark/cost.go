package benchmark

import (
	"github.com/shopspring/decimal"

	"github.com/modelarchitect/architect/internal/catalog"
)

// Usage is the token usage of one call (or a sum of calls).
type Usage struct {
	InputTokens     int64 // prompt tokens, cached ones included
	OutputTokens    int64 // generated tokens, reasoning included
	CachedTokens    int64 // prompt tokens read from the provider's cache (part of InputTokens)
	ReasoningTokens int64 // hidden reasoning tokens (part of OutputTokens)
}

func (u Usage) add(v Usage) Usage {
	return Usage{u.InputTokens + v.InputTokens, u.OutputTokens + v.OutputTokens,
		u.CachedTokens + v.CachedTokens, u.ReasoningTokens + v.ReasoningTokens}
}

// CallCost is the price of one call in US dollars, from per-token prices as LiteLLM's model cost map lists
// them (docs.litellm.ai/docs/proxy/model_cost_map):
//
//	(input − cached)·p_in + cached·p_cache + (output − reasoning)·p_out + reasoning·p_reasoning
//
// p_cache is the input price when the model lists no cache price, p_reasoning the output price when it lists
// no reasoning price. Above the model's long-context threshold of input tokens, the above-tier input and output
// prices apply to the whole call. Counts are clamped so cached ≤ input and reasoning ≤ output.
func CallCost(m catalog.Model, u Usage) decimal.Decimal {
	return costAt(m, u, aboveTier(m, u.InputTokens))
}

// aboveTier reports whether a call of this many input tokens is priced at the long-context tier.
func aboveTier(m catalog.Model, inputTokens int64) bool {
	return m.LongContextThreshold > 0 && inputTokens > int64(m.LongContextThreshold)
}

// costAt prices usage at one tier; it is linear in the counts, so usage summed over calls of the same tier
// prices their total.
func costAt(m catalog.Model, u Usage, above bool) decimal.Decimal {
	in, out := max(u.InputTokens, 0), max(u.OutputTokens, 0)
	cached, reasoning := min(max(u.CachedTokens, 0), in), min(max(u.ReasoningTokens, 0), out)
	pIn, pOut := m.InputPerToken, m.OutputPerToken
	if above {
		if m.InputPerTokenAboveTier != nil {
			pIn = *m.InputPerTokenAboveTier
		}
		if m.OutputPerTokenAboveTier != nil {
			pOut = *m.OutputPerTokenAboveTier
		}
	}
	pCache, pReason := pIn, pOut
	if m.CachedInputPerToken != nil {
		pCache = *m.CachedInputPerToken
	}
	if m.ReasoningPerToken != nil {
		pReason = *m.ReasoningPerToken
	}
	return pIn.Mul(decimal.NewFromInt(in - cached)).
		Add(pCache.Mul(decimal.NewFromInt(cached))).
		Add(pOut.Mul(decimal.NewFromInt(out - reasoning))).
		Add(pReason.Mul(decimal.NewFromInt(reasoning)))
}

// findModel returns the catalog entry of a "provider/model" id.
func findModel(c catalog.Catalog, id string) (catalog.Model, bool) {
	for _, m := range c.Models {
		if m.ID == id {
			return m, true
		}
	}
	return catalog.Model{}, false
}
