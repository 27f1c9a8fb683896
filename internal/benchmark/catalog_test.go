package benchmark

import (
	"github.com/shopspring/decimal"

	"github.com/modelarchitect/architect/internal/catalog"
)

// Test catalog entries, built by hand. Prices are per token.

func dec(s string) decimal.Decimal { return decimal.RequireFromString(s) }

func decPtr(s string) *decimal.Decimal { d := dec(s); return &d }

// gptTest: $2 / M input, $0.50 / M cached input, $8 / M output.
func gptTest() catalog.Model {
	return catalog.Model{ID: "openai/gpt-test", Provider: "openai", InputPerToken: dec("0.000002"),
		OutputPerToken: dec("0.000008"), CachedInputPerToken: decPtr("0.0000005"), MaxOutputTokens: 16384}
}

// geminiTest: Gemini 2.5 Pro's shape, $1.25 / M input and $10 / M output up to 200k input tokens, $2.50 and $15
// above; its maximum output is set low (50) to test the clamp.
func geminiTest() catalog.Model {
	return catalog.Model{ID: "gemini/g-test", Provider: "gemini", InputPerToken: dec("0.00000125"),
		OutputPerToken: dec("0.00001"), LongContextThreshold: 200_000, InputPerTokenAboveTier: decPtr("0.0000025"),
		OutputPerTokenAboveTier: decPtr("0.000015"), MaxOutputTokens: 50}
}

func testCatalog() catalog.Catalog {
	return catalog.Catalog{Version: "test-1", Models: []catalog.Model{gptTest(), geminiTest()}}
}
