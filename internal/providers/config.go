package providers

import (
	"fmt"
	"net/url"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"time"
)

// Kind is the wire format a provider speaks.
type Kind string

// Kinds of provider.
const (
	KindOpenAI Kind = "openai" // OpenAI chat completions: OpenAI itself and every OpenAI-compatible server
	KindGemini Kind = "gemini" // Gemini API streamGenerateContent
)

// Default base URLs of the built-in providers.
const (
	DefaultOpenAIBaseURL = "https://api.openai.com/v1"
	DefaultGeminiBaseURL = "https://generativelanguage.googleapis.com"
)

// DefaultConcurrency is the number of calls in flight at once to one provider when its Concurrency is zero.
const DefaultConcurrency = 4

// maxCompletionTokens is the name OpenAI gives the output bound (max_tokens is deprecated there and refused by
// its reasoning models); compatible servers generally know only max_tokens.
const maxCompletionTokens = "max_completion_tokens"

// ProviderConfig is one configured model API: the part of a model id before the slash.
type ProviderConfig struct {
	Name        string // "openai", "gemini", "vllm", ...: model ids are Name + "/" + model
	Kind        Kind
	BaseURL     string // OpenAI kind: up to and including /v1; Gemini kind: the host root
	APIKey      string
	KeyVar      string // the environment variable holding the key, named in errors
	KeyRequired bool   // without a key the provider counts as not configured
	Concurrency int    // calls in flight at once across the process; 0: DefaultConcurrency
	// MaxTokensField is the request field for the output bound on the OpenAI kind: "max_completion_tokens" or
	// "max_tokens" (the default, understood by vLLM, Ollama and LM Studio).
	MaxTokensField string
}

// Configured reports whether calls can be made: the key is there when one is required.
func (p ProviderConfig) Configured() bool { return !p.KeyRequired || p.APIKey != "" }

// Config lists the providers and the options their clients share.
type Config struct {
	Providers []ProviderConfig
	Options   Options
}

var providerName = regexp.MustCompile(`^[a-z][a-z0-9_-]{0,31}$`)

func (p ProviderConfig) validate() error {
	field := "provider " + strconv.Quote(p.Name)
	if !providerName.MatchString(p.Name) {
		return &ConfigError{Variable: field, Reason: "name must be 1-32 lower-case letters, digits, '-' or '_', starting with a letter"}
	}
	if p.Kind != KindOpenAI && p.Kind != KindGemini {
		return &ConfigError{Variable: field, Reason: fmt.Sprintf("kind %q is not %q or %q", p.Kind, KindOpenAI, KindGemini)}
	}
	if err := checkBaseURL(p.BaseURL); err != nil {
		return &ConfigError{Variable: field, Reason: err.Error()}
	}
	if p.Concurrency < 0 {
		return &ConfigError{Variable: field, Reason: "concurrency must be 0 (default) or more"}
	}
	if p.MaxTokensField != "" && p.MaxTokensField != "max_tokens" && p.MaxTokensField != maxCompletionTokens {
		return &ConfigError{Variable: field, Reason: "max tokens field must be max_tokens or max_completion_tokens"}
	}
	return nil
}

func checkBaseURL(s string) error {
	u, err := url.Parse(s)
	if err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" {
		return fmt.Errorf("base URL %q must be an absolute http or https URL, e.g. http://127.0.0.1:8000/v1", s)
	}
	if u.RawQuery != "" || u.Fragment != "" {
		return fmt.Errorf("base URL %q must have no query or fragment", s)
	}
	return nil
}

// EffectiveConcurrency is Concurrency, or DefaultConcurrency when it is zero.
func (p ProviderConfig) EffectiveConcurrency() int {
	if p.Concurrency <= 0 {
		return DefaultConcurrency
	}
	return p.Concurrency
}

// ConfigFromEnv reads the provider configuration from environment variables (getenv is os.Getenv in main):
//
//	OPENAI_API_KEY, OPENAI_BASE_URL (default https://api.openai.com/v1)    models openai/...
//	GEMINI_API_KEY, GEMINI_BASE_URL (default https://generativelanguage.googleapis.com)    models gemini/...
//	MODEL_PROVIDERS=vllm=http://127.0.0.1:8000/v1,ollama=http://127.0.0.1:11434/v1    OpenAI-compatible servers,
//	    models vllm/..., ollama/...; key (optional) in <NAME>_API_KEY, e.g. VLLM_API_KEY
//	<NAME>_CONCURRENCY    calls in flight at once per provider (default 4), e.g. OPENAI_CONCURRENCY=8
//	MODEL_CALL_TIMEOUT    per-attempt timeout as a Go duration (default 60s)
//	MODEL_MAX_ATTEMPTS    attempts per call including retries (default 4)
//
// The openai and gemini providers are always listed; without their key they are not configured and a model
// of theirs is refused by the Registry with the variable to set.
func ConfigFromEnv(getenv func(string) string) (Config, error) {
	env := func(k string) string { return strings.TrimSpace(getenv(k)) }
	cfg := Config{Providers: []ProviderConfig{
		{Name: "openai", Kind: KindOpenAI, BaseURL: DefaultOpenAIBaseURL, KeyRequired: true, MaxTokensField: maxCompletionTokens},
		{Name: "gemini", Kind: KindGemini, BaseURL: DefaultGeminiBaseURL, KeyRequired: true},
	}}
	extra, err := parseModelProviders(env("MODEL_PROVIDERS"))
	if err != nil {
		return Config{}, err
	}
	cfg.Providers = append(cfg.Providers, extra...)
	for i := range cfg.Providers {
		p := &cfg.Providers[i]
		prefix := envPrefix(p.Name)
		p.KeyVar = prefix + "_API_KEY"
		p.APIKey = env(p.KeyVar)
		if i < 2 {
			if v := env(prefix + "_BASE_URL"); v != "" {
				p.BaseURL = strings.TrimRight(v, "/")
			}
		}
		if v := env(prefix + "_CONCURRENCY"); v != "" {
			n, err := strconv.Atoi(v)
			if err != nil || n < 1 || n > 1000 {
				return Config{}, &ConfigError{Variable: prefix + "_CONCURRENCY", Reason: fmt.Sprintf("%q is not a whole number from 1 to 1000", v)}
			}
			p.Concurrency = n
		}
		if err := checkBaseURL(p.BaseURL); err != nil {
			return Config{}, &ConfigError{Variable: prefix + "_BASE_URL", Reason: err.Error()}
		}
	}
	if v := env("MODEL_CALL_TIMEOUT"); v != "" {
		d, err := time.ParseDuration(v)
		if err != nil || d <= 0 {
			return Config{}, &ConfigError{Variable: "MODEL_CALL_TIMEOUT", Reason: fmt.Sprintf("%q is not a positive duration such as 60s or 2m", v)}
		}
		cfg.Options.CallTimeout = d
	}
	if v := env("MODEL_MAX_ATTEMPTS"); v != "" {
		n, err := strconv.Atoi(v)
		if err != nil || n < 1 || n > 20 {
			return Config{}, &ConfigError{Variable: "MODEL_MAX_ATTEMPTS", Reason: fmt.Sprintf("%q is not a whole number from 1 to 20", v)}
		}
		cfg.Options.Retry.MaxAttempts = n
	}
	return cfg, nil
}

// parseModelProviders reads "name=baseURL,name=baseURL".
func parseModelProviders(v string) ([]ProviderConfig, error) {
	if v == "" {
		return nil, nil
	}
	const variable = "MODEL_PROVIDERS"
	var out []ProviderConfig
	var seen []string
	for entry := range strings.SplitSeq(v, ",") {
		entry = strings.TrimSpace(entry)
		if entry == "" {
			continue
		}
		name, base, ok := strings.Cut(entry, "=")
		name, base = strings.TrimSpace(name), strings.TrimRight(strings.TrimSpace(base), "/")
		switch {
		case !ok || base == "":
			return nil, &ConfigError{Variable: variable, Reason: fmt.Sprintf("entry %q has no base URL; write name=URL, e.g. vllm=http://127.0.0.1:8000/v1", entry)}
		case !providerName.MatchString(name):
			return nil, &ConfigError{Variable: variable, Reason: fmt.Sprintf("name %q must be 1-32 lower-case letters, digits, '-' or '_', starting with a letter", name)}
		case name == "openai" || name == "gemini":
			return nil, &ConfigError{Variable: variable, Reason: fmt.Sprintf("name %q is built in; set %s_BASE_URL instead", name, envPrefix(name))}
		case slices.Contains(seen, name):
			return nil, &ConfigError{Variable: variable, Reason: fmt.Sprintf("name %q appears twice", name)}
		}
		if err := checkBaseURL(base); err != nil {
			return nil, &ConfigError{Variable: variable, Reason: fmt.Sprintf("%s: %v", name, err)}
		}
		seen = append(seen, name)
		out = append(out, ProviderConfig{Name: name, Kind: KindOpenAI, BaseURL: base})
	}
	return out, nil
}

// envPrefix turns a provider name into the prefix of its variables: "lm-studio" → "LM_STUDIO".
func envPrefix(name string) string {
	return strings.ToUpper(strings.ReplaceAll(name, "-", "_"))
}
