package simulation

// RateLimit is an account's request and token limits on one model API. The simulation turns it into M/M/c
// servers: the sustainable request rate is min(RPM/60, TPM/60/tokens per request) and the number of servers is
// c = ⌊sustainable rate × mean service time⌋ (Little's law), at least 1.
type RateLimit struct {
	RequestsPerMinute int64
	TokensPerMinute   int64 // input + output + reasoning tokens; 0: no token limit
	Basis             string
}

func (r RateLimit) validate(field string) error {
	if r.RequestsPerMinute <= 0 {
		return invalid(field+".requestsPerMinute", "must be positive, got %d", r.RequestsPerMinute)
	}
	if r.TokensPerMinute < 0 {
		return invalid(field+".tokensPerMinute", "must not be negative, got %d", r.TokensPerMinute)
	}
	return nil
}

// DefaultRateLimits are the limits assumed when the caller gives none. They are assumptions, not facts about
// any account: each names the published tier it is modelled on. Pass Options.RateLimits with your own.
var DefaultRateLimits = map[string]RateLimit{
	"openai":    {RequestsPerMinute: 10_000, TokensPerMinute: 30_000_000, Basis: "assumed: OpenAI usage tier 5 limits for GPT-4.1/GPT-5-class models (platform.openai.com/docs/guides/rate-limits)"},
	"anthropic": {RequestsPerMinute: 4_000, TokensPerMinute: 2_000_000, Basis: "assumed: Anthropic usage tier 4 (4,000 RPM, 2M input tokens/min for Sonnet; docs.anthropic.com rate limits)"},
	"gemini":    {RequestsPerMinute: 10_000, TokensPerMinute: 8_000_000, Basis: "assumed: Gemini API paid tier 3 for Flash models (ai.google.dev rate limits; LiteLLM rows list tpm 8,000,000)"},
	"vertex_ai": {RequestsPerMinute: 10_000, TokensPerMinute: 8_000_000, Basis: "assumed: Vertex AI dynamic shared quota has no fixed limit; taken equal to the Gemini API paid tier 3"},
	"xai":       {RequestsPerMinute: 1_000, TokensPerMinute: 2_000_000, Basis: "assumed: no published figure recorded; a conservative team-account limit"},
	"deepseek":  {RequestsPerMinute: 10_000, TokensPerMinute: 10_000_000, Basis: "assumed: DeepSeek publishes no fixed rate limit"},
	"bedrock":   {RequestsPerMinute: 1_000, TokensPerMinute: 2_000_000, Basis: "assumed: a raised on-demand Bedrock quota (defaults are lower; see the Service Quotas console)"},
}

// fallbackRateLimit is used for a model API with no entry above.
var fallbackRateLimit = RateLimit{RequestsPerMinute: 1_000, TokensPerMinute: 1_000_000, Basis: "assumed: no limit recorded for this model API"}

func (o Options) rateLimit(provider string) RateLimit {
	if r, ok := o.RateLimits[provider]; ok {
		if r.Basis == "" {
			r.Basis = "given by the caller"
		}
		return r
	}
	if r, ok := DefaultRateLimits[provider]; ok {
		return r
	}
	return fallbackRateLimit
}
