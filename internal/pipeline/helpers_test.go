package pipeline

import (
	"testing"

	"github.com/shopspring/decimal"
	"github.com/stretchr/testify/require"

	"github.com/modelarchitect/architect/internal/catalog"
)

func dec(s string) decimal.Decimal { return decimal.RequireFromString(s) }

func decp(s string) *decimal.Decimal {
	d := dec(s)
	return &d
}

func requireDec(t *testing.T, want string, got decimal.Decimal, msgAndArgs ...any) {
	t.Helper()
	require.Truef(t, dec(want).Equal(got), "want %s, got %s %v", want, got, msgAndArgs)
}

// testCatalog is a small hand-made catalog; prices are per token.
func testCatalog() *catalog.Catalog {
	return &catalog.Catalog{
		Version: "test-1",
		Models: []catalog.Model{
			{ID: "openai/small", Mode: "chat", InputPerToken: dec("0.0000004"), OutputPerToken: dec("0.0000016"),
				ContextWindow: 100000, MaxOutputTokens: 4000,
				Speed: &catalog.Speed{TTFTMillis: 500, OutputTokensPerSecond: 100}},
			{ID: "openai/large", Mode: "chat", InputPerToken: dec("0.000002"), OutputPerToken: dec("0.000008"),
				Speed: &catalog.Speed{TTFTMillis: 800, OutputTokensPerSecond: 50}},
			{ID: "openai/embed", Mode: "embedding", InputPerToken: dec("0.00000002")},
			{ID: "acme/longctx", Mode: "chat", InputPerToken: dec("0.000001"), OutputPerToken: dec("0.000004"),
				LongContextThreshold: 1000, InputPerTokenAboveTier: decp("0.000002"), OutputPerTokenAboveTier: decp("0.000006")},
			{ID: "acme/reasoner", Mode: "chat", InputPerToken: dec("0.000001"), OutputPerToken: dec("0.000004"),
				ReasoningPerToken: decp("0.00001"), Reasoning: true},
			{ID: "meta/selfhost", Mode: "chat", SelfHostOnly: true, OpenWeights: true},
		},
	}
}

// Node constructors keep the tables short.
func in(id string) Node  { return Node{ID: id, Kind: KindInput} }
func out(id string) Node { return Node{ID: id, Kind: KindOutput} }

func llm(id, model string, inTok, outTok int) Node {
	return Node{ID: id, Kind: KindLLM, LLM: &LLMConfig{Model: model, InputTokens: inTok, OutputTokens: outTok}}
}

func router(id string, branches ...Branch) Node {
	return Node{ID: id, Kind: KindRouter, Router: &RouterConfig{Branches: branches}}
}

func branch(name, weight string) Branch { return Branch{Name: name, Weight: dec(weight)} }

func e(id, src, srcPort, dst, dstPort string) Edge {
	return Edge{ID: id, Source: src, SourcePort: srcPort, Target: dst, TargetPort: dstPort}
}

func codes(ps []Problem) []Code {
	out := make([]Code, len(ps))
	for i, p := range ps {
		out[i] = p.Code
	}
	return out
}
