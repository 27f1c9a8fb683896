package pipeline

import (
	"math"

	"github.com/shopspring/decimal"

	"github.com/modelarchitect/architect/internal/catalog"
)

// nodeCost returns the cost in USD of one execution of a node, and whether its price is known.
//
//	LLM:        calls × (input × inPrice + output × outPrice + reasoning × reasoningPrice)
//	            above the model's long-context threshold the tier prices apply to the whole call;
//	            reasoning tokens bill at the reasoning price, or as output when the model has none
//	EMBEDDING:  calls × tokens × inPrice
//	RETRIEVER, TOOL: calls × costPerCall (none: 0)
func nodeCost(models map[string]*catalog.Model, n *Node) (decimal.Decimal, bool) {
	switch n.Kind {
	case KindLLM:
		m := models[n.LLM.Model]
		if m == nil || m.SelfHostOnly {
			return decimal.Zero, false
		}
		in, out := m.InputPerToken, m.OutputPerToken
		if m.LongContextThreshold > 0 && n.LLM.InputTokens > m.LongContextThreshold {
			if m.InputPerTokenAboveTier != nil {
				in = *m.InputPerTokenAboveTier
			}
			if m.OutputPerTokenAboveTier != nil {
				out = *m.OutputPerTokenAboveTier
			}
		}
		reasoning := out
		if m.ReasoningPerToken != nil {
			reasoning = *m.ReasoningPerToken
		}
		call := in.Mul(decimal.NewFromInt(int64(n.LLM.InputTokens))).
			Add(out.Mul(decimal.NewFromInt(int64(n.LLM.OutputTokens)))).
			Add(reasoning.Mul(decimal.NewFromInt(int64(n.LLM.ReasoningTokens))))
		return call.Mul(decimal.NewFromInt(int64(calls(n.LLM.CallsPerRun)))), true
	case KindEmbedding:
		m := models[n.Embedding.Model]
		if m == nil || m.SelfHostOnly {
			return decimal.Zero, false
		}
		return m.InputPerToken.Mul(decimal.NewFromInt(int64(n.Embedding.Tokens) * int64(calls(n.Embedding.CallsPerRun)))), true
	case KindRetriever:
		return serviceCost(n.Retriever), true
	case KindTool:
		return serviceCost(n.Tool), true
	}
	return decimal.Zero, true
}

func serviceCost(s *ServiceConfig) decimal.Decimal {
	if s.CostPerCall == nil {
		return decimal.Zero
	}
	return s.CostPerCall.Mul(decimal.NewFromInt(int64(calls(s.CallsPerRun))))
}

// nodeLatency returns the latency of one execution of a node (all its calls, one after another).
//
//	LLM:        config latency per call, else catalog TTFT + output tokens ÷ output tokens/s (a median,
//	            used for p95 too); reasoning time is taken to be inside the catalog's time to first answer token
//	EMBEDDING:  config latency per call, else the catalog's TTFT
//	RETRIEVER, TOOL, CACHE, GUARDRAIL: config latency (× calls)
func nodeLatency(models map[string]*catalog.Model, n *Node) (Latency, LatencySource) {
	times := func(l Latency, k int) Latency {
		return Latency{P50Ms: l.P50Ms * float64(k), P95Ms: l.P95Ms * float64(k)}
	}
	switch n.Kind {
	case KindLLM:
		k := calls(n.LLM.CallsPerRun)
		if n.LLM.Latency != nil {
			return times(*n.LLM.Latency, k), LatencyFromConfig
		}
		m := models[n.LLM.Model]
		if m == nil || m.Speed == nil || !finiteNonNeg(m.Speed.TTFTMillis) || !finitePos(m.Speed.OutputTokensPerSecond) {
			return Latency{}, LatencyUnknown
		}
		ms := m.Speed.TTFTMillis + float64(n.LLM.OutputTokens)/m.Speed.OutputTokensPerSecond*1000
		if ms > MaxLatencyMs {
			return Latency{}, LatencyUnknown // an implausible catalog speed
		}
		return times(Latency{P50Ms: ms, P95Ms: ms}, k), LatencyFromCatalog
	case KindEmbedding:
		k := calls(n.Embedding.CallsPerRun)
		if n.Embedding.Latency != nil {
			return times(*n.Embedding.Latency, k), LatencyFromConfig
		}
		m := models[n.Embedding.Model]
		if m == nil || m.Speed == nil || !finiteNonNeg(m.Speed.TTFTMillis) || m.Speed.TTFTMillis > MaxLatencyMs {
			return Latency{}, LatencyUnknown
		}
		return times(Latency{P50Ms: m.Speed.TTFTMillis, P95Ms: m.Speed.TTFTMillis}, k), LatencyFromCatalog
	case KindRetriever:
		return times(n.Retriever.Latency, calls(n.Retriever.CallsPerRun)), LatencyFromConfig
	case KindTool:
		return times(n.Tool.Latency, calls(n.Tool.CallsPerRun)), LatencyFromConfig
	case KindCache:
		return n.Cache.Latency, LatencyFromConfig
	case KindGuardrail:
		return n.Guardrail.Latency, LatencyFromConfig
	}
	return Latency{}, LatencyNone
}

func finiteNonNeg(x float64) bool { return !math.IsNaN(x) && !math.IsInf(x, 0) && x >= 0 }
func finitePos(x float64) bool    { return finiteNonNeg(x) && x > 0 }
