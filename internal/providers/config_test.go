package providers_test

import (
	"errors"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/modelarchitect/architect/internal/providers"
)

func envOf(m map[string]string) func(string) string { return func(k string) string { return m[k] } }

func TestConfigFromEnv(t *testing.T) {
	t.Parallel()
	cfg, err := providers.ConfigFromEnv(envOf(map[string]string{
		"OPENAI_API_KEY":     "sk-1",
		"GEMINI_BASE_URL":    "http://127.0.0.1:9999/",
		"MODEL_PROVIDERS":    " vllm=http://127.0.0.1:8000/v1 , lm-studio=http://localhost:1234/v1/,",
		"VLLM_API_KEY":       "vk",
		"LM_STUDIO_API_KEY":  "",
		"OPENAI_CONCURRENCY": "8",
		"MODEL_CALL_TIMEOUT": "90s",
		"MODEL_MAX_ATTEMPTS": "2",
	}))
	require.NoError(t, err)
	require.Equal(t, []providers.ProviderConfig{
		{Name: "openai", Kind: providers.KindOpenAI, BaseURL: "https://api.openai.com/v1", APIKey: "sk-1",
			KeyVar: "OPENAI_API_KEY", KeyRequired: true, Concurrency: 8, MaxTokensField: "max_completion_tokens"},
		{Name: "gemini", Kind: providers.KindGemini, BaseURL: "http://127.0.0.1:9999", KeyVar: "GEMINI_API_KEY", KeyRequired: true},
		{Name: "vllm", Kind: providers.KindOpenAI, BaseURL: "http://127.0.0.1:8000/v1", APIKey: "vk", KeyVar: "VLLM_API_KEY"},
		{Name: "lm-studio", Kind: providers.KindOpenAI, BaseURL: "http://localhost:1234/v1", KeyVar: "LM_STUDIO_API_KEY"},
	}, cfg.Providers)
	require.Equal(t, 90*time.Second, cfg.Options.CallTimeout)
	require.Equal(t, 2, cfg.Options.Retry.MaxAttempts)
	require.True(t, cfg.Providers[0].Configured())
	require.False(t, cfg.Providers[1].Configured())
	require.True(t, cfg.Providers[3].Configured(), "an extra provider needs no key")
	require.Equal(t, providers.DefaultConcurrency, cfg.Providers[1].EffectiveConcurrency())
	require.Equal(t, 8, cfg.Providers[0].EffectiveConcurrency())
}

func TestConfigFromEnvEmpty(t *testing.T) {
	t.Parallel()
	cfg, err := providers.ConfigFromEnv(envOf(nil))
	require.NoError(t, err)
	require.Len(t, cfg.Providers, 2)
	require.Equal(t, providers.DefaultGeminiBaseURL, cfg.Providers[1].BaseURL)
	require.Zero(t, cfg.Options.CallTimeout)
}

func TestConfigFromEnvErrors(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name     string
		env      map[string]string
		variable string
		reason   string
	}{
		{name: "entry without URL", env: map[string]string{"MODEL_PROVIDERS": "vllm"}, variable: "MODEL_PROVIDERS", reason: `entry "vllm" has no base URL; write name=URL, e.g. vllm=http://127.0.0.1:8000/v1`},
		{name: "bad name", env: map[string]string{"MODEL_PROVIDERS": "VLLM=http://x/v1"}, variable: "MODEL_PROVIDERS", reason: `name "VLLM" must be 1-32 lower-case letters, digits, '-' or '_', starting with a letter`},
		{name: "built-in name", env: map[string]string{"MODEL_PROVIDERS": "openai=http://x/v1"}, variable: "MODEL_PROVIDERS", reason: `name "openai" is built in; set OPENAI_BASE_URL instead`},
		{name: "duplicate", env: map[string]string{"MODEL_PROVIDERS": "a=http://x/v1,a=http://y/v1"}, variable: "MODEL_PROVIDERS", reason: `name "a" appears twice`},
		{name: "relative URL", env: map[string]string{"MODEL_PROVIDERS": "a=localhost:8000"}, variable: "MODEL_PROVIDERS", reason: `a: base URL "localhost:8000" must be an absolute http or https URL, e.g. http://127.0.0.1:8000/v1`},
		{name: "bad OpenAI URL", env: map[string]string{"OPENAI_BASE_URL": "ftp://x"}, variable: "OPENAI_BASE_URL", reason: `base URL "ftp://x" must be an absolute http or https URL, e.g. http://127.0.0.1:8000/v1`},
		{name: "URL with query", env: map[string]string{"GEMINI_BASE_URL": "http://x/?a=1"}, variable: "GEMINI_BASE_URL", reason: `base URL "http://x/?a=1" must have no query or fragment`},
		{name: "bad concurrency", env: map[string]string{"GEMINI_CONCURRENCY": "0"}, variable: "GEMINI_CONCURRENCY", reason: `"0" is not a whole number from 1 to 1000`},
		{name: "bad timeout", env: map[string]string{"MODEL_CALL_TIMEOUT": "60"}, variable: "MODEL_CALL_TIMEOUT", reason: `"60" is not a positive duration such as 60s or 2m`},
		{name: "bad attempts", env: map[string]string{"MODEL_MAX_ATTEMPTS": "99"}, variable: "MODEL_MAX_ATTEMPTS", reason: `"99" is not a whole number from 1 to 20`},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			_, err := providers.ConfigFromEnv(envOf(tc.env))
			ce, ok := errors.AsType[*providers.ConfigError](err)
			require.True(t, ok, "got %v", err)
			require.Equal(t, tc.variable, ce.Variable)
			require.Equal(t, tc.reason, ce.Reason)
		})
	}
}
