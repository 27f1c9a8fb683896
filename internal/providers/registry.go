package providers

import (
	"fmt"
	"slices"
	"strings"

	"github.com/modelarchitect/architect/internal/catalog"
)

// Registry resolves "provider/model" ids to a client of the configured provider. It is safe for concurrent use.
type Registry struct {
	providers []ProviderConfig // in configuration order
	clients   map[string]Client
}

// NewRegistry validates cfg and builds one client per configured provider.
func NewRegistry(cfg Config) (*Registry, error) {
	r := &Registry{clients: map[string]Client{}}
	for _, p := range cfg.Providers {
		if r.find(p.Name) != nil {
			return nil, &ConfigError{Variable: "provider " + p.Name, Reason: "configured twice"}
		}
		if err := p.validate(); err != nil {
			return nil, err
		}
		r.providers = append(r.providers, p)
		if !p.Configured() {
			continue
		}
		c, err := NewClient(p, cfg.Options)
		if err != nil {
			return nil, err
		}
		r.clients[p.Name] = c
	}
	return r, nil
}

// NewClient builds the client of one provider.
func NewClient(p ProviderConfig, o Options) (Client, error) {
	if err := p.validate(); err != nil {
		return nil, err
	}
	base := strings.TrimRight(p.BaseURL, "/")
	switch p.Kind {
	case KindGemini:
		return newHTTPClient(p.Name, &geminiWire{baseURL: base, key: p.APIKey}, o), nil
	default:
		return newHTTPClient(p.Name, &openAIWire{baseURL: base, key: p.APIKey, maxTokensField: p.MaxTokensField}, o), nil
	}
}

// Resolve returns the client for modelID ("gemini/gemini-2.5-pro") and the model name to send
// ("gemini-2.5-pro"), or a *ModelError that says what to configure.
func (r *Registry) Resolve(modelID string) (Client, string, error) {
	provider, model, ok := strings.Cut(modelID, "/")
	model, effort, hasEffort := strings.Cut(model, "@")
	if !ok || provider == "" || strings.TrimSpace(model) == "" {
		return nil, "", &ModelError{Model: modelID, Reason: "must be written provider/model, e.g. openai/gpt-4.1-mini"}
	}
	if hasEffort && !validEffort(effort) {
		return nil, "", &ModelError{Model: modelID, Reason: "names a reasoning effort after @ that is not one of " + strings.Join(catalog.Efforts, ", ")}
	}
	p := r.find(provider)
	if p == nil {
		return nil, "", &ModelError{Model: modelID, Reason: fmt.Sprintf(
			"needs provider %q: add %s=<base URL of its OpenAI-compatible API> to MODEL_PROVIDERS", provider, provider)}
	}
	c, ok := r.clients[provider]
	if !ok {
		keyVar := p.KeyVar
		if keyVar == "" {
			keyVar = envPrefix(p.Name) + "_API_KEY"
		}
		return nil, "", &ModelError{Model: modelID, Reason: "needs " + keyVar}
	}
	if hasEffort && p.Kind == KindGemini {
		return nil, "", &ModelError{Model: modelID, Reason: "names a reasoning effort, which the Gemini API does not take (it sets a thinking budget instead): use " + provider + "/" + model}
	}
	return c, model, nil
}

func validEffort(e string) bool { return slices.Contains(catalog.Efforts, e) }

// Providers lists every provider, configured or not, in configuration order.
func (r *Registry) Providers() []ProviderConfig {
	out := make([]ProviderConfig, len(r.providers))
	for i, p := range r.providers {
		p.APIKey = "" // never hand keys on
		out[i] = p
	}
	return out
}

func (r *Registry) find(name string) *ProviderConfig {
	for i := range r.providers {
		if r.providers[i].Name == name {
			return &r.providers[i]
		}
	}
	return nil
}

// Config returns the configuration of the provider modelID names, its key included, once Resolve accepts
// modelID; the error is Resolve's.
func (r *Registry) Config(modelID string) (ProviderConfig, error) {
	if _, _, err := r.Resolve(modelID); err != nil {
		return ProviderConfig{}, err
	}
	provider, _, _ := strings.Cut(modelID, "/")
	return *r.find(provider), nil
}

// Dedicated returns a client of modelID's provider of its own, with options o instead of the shared ones
// (a load test's: no retries, its own HTTP client), and the model name to send.
func (r *Registry) Dedicated(modelID string, o Options) (Client, string, error) {
	_, name, err := r.Resolve(modelID)
	if err != nil {
		return nil, "", err
	}
	cfg, _ := r.Config(modelID)
	c, err := NewClient(cfg, o)
	return c, name, err
}
