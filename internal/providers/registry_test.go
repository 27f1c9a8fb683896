package providers_test

import (
	"context"
	"errors"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/modelarchitect/architect/internal/providers"
	"github.com/modelarchitect/architect/internal/providers/providertest"
)

func TestRegistryResolve(t *testing.T) {
	t.Parallel()
	cfg, err := providers.ConfigFromEnv(envOf(map[string]string{
		"OPENAI_API_KEY":  "sk-1",
		"MODEL_PROVIDERS": "vllm=http://127.0.0.1:8000/v1",
	}))
	require.NoError(t, err)
	reg, err := providers.NewRegistry(cfg)
	require.NoError(t, err)

	tests := []struct {
		name      string
		id        string
		wantModel string
		wantErr   string
	}{
		{name: "configured openai", id: "openai/gpt-4.1-mini", wantModel: "gpt-4.1-mini"},
		{name: "model name with a slash", id: "vllm/meta-llama/Llama-3.1-8B-Instruct", wantModel: "meta-llama/Llama-3.1-8B-Instruct"},
		{name: "gemini without key", id: "gemini/gemini-2.5-pro", wantErr: "model gemini/gemini-2.5-pro needs GEMINI_API_KEY"},
		{name: "unknown provider", id: "ollama/llama3.2", wantErr: `model ollama/llama3.2 needs provider "ollama": add ollama=<base URL of its OpenAI-compatible API> to MODEL_PROVIDERS`},
		{name: "no provider", id: "gpt-4.1", wantErr: "model gpt-4.1 must be written provider/model, e.g. openai/gpt-4.1-mini"},
		{name: "empty model", id: "openai/ ", wantErr: "model openai/  must be written provider/model, e.g. openai/gpt-4.1-mini"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			c, model, err := reg.Resolve(tc.id)
			if tc.wantErr != "" {
				require.EqualError(t, err, tc.wantErr)
				_, ok := errors.AsType[*providers.ModelError](err)
				require.True(t, ok)
				require.Nil(t, c)
				return
			}
			require.NoError(t, err)
			require.NotNil(t, c)
			require.Equal(t, tc.wantModel, model)
		})
	}
}

func TestRegistryProvidersHidesKeys(t *testing.T) {
	t.Parallel()
	cfg, err := providers.ConfigFromEnv(envOf(map[string]string{"OPENAI_API_KEY": "sk-secret"}))
	require.NoError(t, err)
	reg, err := providers.NewRegistry(cfg)
	require.NoError(t, err)
	ps := reg.Providers()
	require.Len(t, ps, 2)
	require.Equal(t, "openai", ps[0].Name)
	require.Empty(t, ps[0].APIKey)
	_, _, err = reg.Resolve("openai/gpt-4.1")
	require.NoError(t, err, "hiding keys in the listing leaves the client intact")
}

func TestNewRegistryRejectsBadConfig(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name string
		ps   []providers.ProviderConfig
	}{
		{name: "duplicate", ps: []providers.ProviderConfig{
			{Name: "a", Kind: providers.KindOpenAI, BaseURL: "http://x/v1"},
			{Name: "a", Kind: providers.KindOpenAI, BaseURL: "http://y/v1"}}},
		{name: "unknown kind", ps: []providers.ProviderConfig{{Name: "a", Kind: "anthropic", BaseURL: "http://x"}}},
		{name: "no base URL", ps: []providers.ProviderConfig{{Name: "a", Kind: providers.KindOpenAI}}},
		{name: "bad max tokens field", ps: []providers.ProviderConfig{{Name: "a", Kind: providers.KindOpenAI, BaseURL: "http://x", MaxTokensField: "max_output"}}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			_, err := providers.NewRegistry(providers.Config{Providers: tc.ps})
			_, ok := errors.AsType[*providers.ConfigError](err)
			require.True(t, ok, "got %v", err)
		})
	}
}

// TestRegistryCallsCompatibleServer resolves an extra provider without a key and calls it end to end.
func TestRegistryCallsCompatibleServer(t *testing.T) {
	t.Parallel()
	srv := providertest.NewOpenAI(t, "", providertest.Sequence(providertest.Reply{Chunks: []string{"4"}, Usage: &providertest.Usage{Input: 9, Output: 1}}))
	cfg, err := providers.ConfigFromEnv(envOf(map[string]string{"MODEL_PROVIDERS": "ollama=" + srv.BaseURL}))
	require.NoError(t, err)
	reg, err := providers.NewRegistry(cfg)
	require.NoError(t, err)
	c, model, err := reg.Resolve("ollama/llama3.2:1b")
	require.NoError(t, err)
	res, err := c.Complete(context.Background(), providers.Request{Model: model, Prompt: "2+2?", MaxOutputTokens: 5})
	require.NoError(t, err)
	require.Equal(t, "4", res.Text)
	reqs := srv.Requests()
	require.Len(t, reqs, 1)
	require.Equal(t, "llama3.2:1b", reqs[0].Model)
	require.Empty(t, reqs[0].Key, "no key configured, no Authorization header")
	require.Equal(t, "max_tokens", reqs[0].MaxTokensField)
}
