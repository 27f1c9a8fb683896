package providers_test

import (
	"testing"

	"github.com/modelarchitect/architect/internal/providers"
	"github.com/modelarchitect/architect/internal/providers/providertest"
)

// TestConformance runs the shared suite against every kind of provider.
func TestConformance(t *testing.T) {
	t.Parallel()
	harnesses := []providertest.Harness{
		{Provider: providers.ProviderConfig{Name: "openai", Kind: providers.KindOpenAI, MaxTokensField: "max_completion_tokens"},
			NewServer: providertest.NewOpenAI},
		{Provider: providers.ProviderConfig{Name: "vllm", Kind: providers.KindOpenAI}, NewServer: providertest.NewOpenAI},
		{Provider: providers.ProviderConfig{Name: "gemini", Kind: providers.KindGemini}, NewServer: providertest.NewGemini},
	}
	for _, h := range harnesses {
		t.Run(h.Provider.Name, func(t *testing.T) {
			t.Parallel()
			providertest.Run(t, h)
		})
	}
}
