// Package catalog holds the model and GPU-instance catalog the engines price and time workloads with:
// hosted model prices, context windows, speeds, quality tiers, data regions and attestations, and GPU
// instance prices, each figure with its source, date and whether it is an estimate. It does no I/O beyond
// reading its embedded data (or an operator's override file) and knows nothing of GraphQL or HTTP.
package catalog

import (
	"fmt"
	"regexp"
	"strings"
	"time"

	"github.com/shopspring/decimal"
)

// Provenance says where a figure comes from. Every row and every figure group in the catalog carries one.
type Provenance struct {
	Source   string `json:"source"`   // URL or document the figure was taken from
	AsOf     string `json:"asOf"`     // date the figure was published or read, YYYY-MM-DD
	Estimate bool   `json:"estimate"` // true when the figure is an estimate rather than a published price or measurement
}

// Complexity is a workload's task complexity; quality tiers are given per complexity.
type Complexity string

const (
	ComplexityLow    Complexity = "LOW"
	ComplexityMedium Complexity = "MEDIUM"
	ComplexityHigh   Complexity = "HIGH"
)

// ContextLimit says how a model's ContextWindow limits a request.
type ContextLimit string

const (
	// ContextTotal: input, output and reasoning tokens together must fit in the window (Anthropic, OpenAI
	// before GPT-5, open-weights servers: vLLM's max_model_len).
	ContextTotal ContextLimit = "TOTAL"
	// ContextSplit: the window limits the input; output and reasoning have their own limit, MaxOutputTokens
	// (Google's input and output token limits; OpenAI's GPT-5 family, 272,000 input of a 400,000 window).
	ContextSplit ContextLimit = "SPLIT"
)

// Fits reports whether a request of in input, out output and reasoning hidden reasoning tokens fits m's
// limits (reasoning counts as output), and if not, which limit it breaks ("context" or "output") and a
// sentence saying so.
func (m Model) Fits(in, out, reasoning int) (ok bool, limit, why string) {
	generated := out + reasoning
	outText := fmt.Sprintf("%d output", out)
	if reasoning > 0 {
		outText = fmt.Sprintf("%d output + %d reasoning", out, reasoning)
	}
	if m.MaxOutputTokens > 0 && generated > m.MaxOutputTokens {
		return false, "output", fmt.Sprintf("%s tokens exceed %s's maximum output of %d", outText, m.ID, m.MaxOutputTokens)
	}
	switch {
	case m.ContextLimit == ContextSplit && in > m.ContextWindow:
		return false, "context", fmt.Sprintf("%d input tokens exceed %s's input limit of %d", in, m.ID, m.ContextWindow)
	case m.ContextLimit != ContextSplit && in+generated > m.ContextWindow:
		return false, "context", fmt.Sprintf("%d input + %s tokens exceed %s's context window of %d (input and output share it)",
			in, outText, m.ID, m.ContextWindow)
	}
	return true, "", ""
}

// Tier is how well a model is expected to do at a task complexity: 3 good, 2 adequate, 1 weak, 0 unsuitable.
type Tier int

// Model is one hosted (or self-hostable) model. Prices are US dollars per token.
type Model struct {
	ID       string `json:"id"`       // "provider/model", e.g. "openai/gpt-4.1-mini"; provider is the model API
	Provider string `json:"provider"` // model API: openai, anthropic, gemini, vertex_ai, xai, deepseek, mistral, meta, ...
	Name     string `json:"name"`     // human name
	Mode     string `json:"mode"`     // chat, embedding, ...

	InputPerToken       decimal.Decimal  `json:"inputPerToken"`
	OutputPerToken      decimal.Decimal  `json:"outputPerToken"`
	CachedInputPerToken *decimal.Decimal `json:"cachedInputPerToken,omitempty"` // prompt-cache read price; nil when the model has no caching
	// CachedInputPerTokenAboveTier is the cache-read price above LongContextThreshold; nil: CachedInputPerToken applies.
	CachedInputPerTokenAboveTier *decimal.Decimal `json:"cachedInputPerTokenAboveTier,omitempty"`
	// Long-context tier: above LongContextThreshold input tokens the *Above prices apply to the whole request.
	LongContextThreshold    int              `json:"longContextThreshold,omitempty"`
	InputPerTokenAboveTier  *decimal.Decimal `json:"inputPerTokenAboveTier,omitempty"`
	OutputPerTokenAboveTier *decimal.Decimal `json:"outputPerTokenAboveTier,omitempty"`
	ReasoningPerToken       *decimal.Decimal `json:"reasoningPerToken,omitempty"` // nil: reasoning tokens bill as output
	// CacheWritePerToken is the price of writing input to the prompt cache with a 5-minute lifetime (Anthropic
	// bills 1.25 × input), CacheWrite1hPerToken with a 1-hour lifetime (2 × input); nil: the model bills no
	// cache writes (implicit caching) and written input costs the input price.
	CacheWritePerToken   *decimal.Decimal `json:"cacheWritePerToken,omitempty"`
	CacheWrite1hPerToken *decimal.Decimal `json:"cacheWrite1hPerToken,omitempty"`
	Price                Provenance       `json:"price"`
	// ContextWindow is the token limit of a request, read as ContextLimit says: TOTAL, input + output +
	// reasoning must fit in it; SPLIT, it limits the input alone and MaxOutputTokens the output.
	ContextWindow      int          `json:"contextWindow"`
	ContextLimit       ContextLimit `json:"contextLimit"`
	MaxOutputTokens    int          `json:"maxOutputTokens"` // max output (and reasoning) tokens of one request
	Capabilities       []string     `json:"capabilities"`    // function_calling, vision, prompt_caching, reasoning, response_schema, ...
	Reasoning          bool         `json:"reasoning"`       // the model spends hidden reasoning tokens
	DeprecationDate    string       `json:"deprecationDate,omitempty"`
	OpenWeights        bool         `json:"openWeights,omitempty"`        // can be self-hosted
	ParametersBillions float64      `json:"parametersBillions,omitempty"` // for self-hosting estimates
	Quality            *Quality     `json:"quality,omitempty"`
	Speed              *Speed       `json:"speed,omitempty"`
	Regions            []string     `json:"regions"`      // data-processing regions the API offers: US, EU, APAC, GLOBAL
	Attestations       []string     `json:"attestations"` // HIPAA_BAA, SOC2_TYPE2, ISO27001, GDPR_DPA, ZDR, ...
	Facts              Provenance   `json:"facts"`        // source of Regions and Attestations

	// RegionalUplift multiplies the whole price when processing is pinned to a region (e.g. {"EU": 1.1} for
	// OpenAI's data-residency endpoints); a region without an entry costs the list price.
	RegionalUplift map[string]decimal.Decimal `json:"regionalUplift,omitempty"`
	// FactsNote states conditions on Regions and Attestations a person must meet (approval, eligible endpoints).
	FactsNote string `json:"factsNote,omitempty"`
	// SelfHostOnly marks open-weights models with no hosted API price in the catalog: their prices are zero and
	// mean "unknown"; their cost comes from GPU instance hours.
	SelfHostOnly bool `json:"selfHostOnly,omitempty"`
	// ActiveParametersBillions is the parameter count active per token for mixture-of-experts models
	// (ParametersBillions is the total that must fit in memory); 0 for dense models.
	ActiveParametersBillions float64 `json:"activeParametersBillions,omitempty"`

	// Effort is the reasoning effort the row's speed and quality were measured at (minimal, low, medium, high,
	// xhigh, max); "" when the source names none. A row "provider/model@effort" is that model called with
	// that reasoning_effort; the row without @ is the configuration the source measured fastest.
	Effort string `json:"effort,omitempty"`
	// ExpectedReasoning estimates the hidden reasoning tokens one request spends at this configuration.
	ExpectedReasoning *ReasoningEstimate `json:"expectedReasoning,omitempty"`
}

// ReasoningEstimate is the reasoning a configuration spends per request. No source publishes token counts per
// effort, so it is estimated (internal/catalog/internal/gen/reasoning.go): the time to first answer token
// beyond the API's median for non-reasoning models is thinking, produced at the configuration's output speed;
// a higher effort of a model is never estimated below a lower one.
type ReasoningEstimate struct {
	TokensPerRequest int        `json:"tokensPerRequest"`
	ThinkingMillis   float64    `json:"thinkingMillis"` // time to first answer token minus the API's non-reasoning median
	Provenance       Provenance `json:"provenance"`
}

// ReasoningTokens is the hidden reasoning tokens one request spends on m, and whether that is the catalog's
// estimate: 0 for a model that does not reason; else given when positive (a workload's own figure), else the
// configuration's ExpectedReasoning. The simulation and the deployment estimate both count it as output.
func (m Model) ReasoningTokens(given int) (tokens int, estimated bool) {
	switch {
	case !m.Reasoning:
		return 0, false
	case given > 0 || m.ExpectedReasoning == nil:
		return given, false
	}
	return m.ExpectedReasoning.TokensPerRequest, true
}

// Efforts are the reasoning efforts a model id may name after @: the values of OpenAI's reasoning_effort
// (API reference, "Create chat completion"; xhigh and max are the settings of the newest models).
var Efforts = []string{"none", "minimal", "low", "medium", "high", "xhigh", "max"}

// BaseID is the catalog id without its reasoning effort: "openai/gpt-5" for "openai/gpt-5@high".
func BaseID(id string) string {
	base, _, _ := strings.Cut(id, "@")
	return base
}

// EffortOf is the reasoning effort an id names ("high" for "openai/gpt-5@high"), "" when it names none.
func EffortOf(id string) string {
	_, effort, _ := strings.Cut(id, "@")
	return effort
}

// Quality holds the published scores a model's tiers are derived from, and the tiers.
type Quality struct {
	IntelligenceIndex *float64            `json:"intelligenceIndex,omitempty"` // Artificial Analysis Intelligence Index, 0-100
	GPQADiamond       *float64            `json:"gpqaDiamond,omitempty"`       // 0-1
	Tiers             map[Complexity]Tier `json:"tiers"`
	Configuration     string              `json:"configuration,omitempty"` // the measured configuration, e.g. "GPT-5 (minimal)"
	Provenance        `json:"provenance"`
}

// Speed is a model's serving speed at concurrency 1.
type Speed struct {
	TTFTMillis            float64 `json:"ttftMillis"`              // time to first (answer) token, median
	OutputTokensPerSecond float64 `json:"outputTokensPerSecond"`   // decode speed, median
	Configuration         string  `json:"configuration,omitempty"` // the measured configuration (reasoning effort), e.g. "GPT-5 (minimal)"
	Provenance            `json:"provenance"`
}

// GPU describes an accelerator model, for self-hosting estimates.
type GPU struct {
	Name        string     `json:"name"` // H100-80GB, A100-80GB, A10G-24GB, ...
	MemoryGB    float64    `json:"memoryGB"`
	BF16TFLOPS  float64    `json:"bf16TFLOPS"` // dense
	HBMTBPerSec float64    `json:"hbmTBPerSec"`
	Provenance  Provenance `json:"provenance"`
}

// Instance is a rentable GPU instance type in one region. HourlyUSD is the on-demand Linux price.
type Instance struct {
	Provider  string          `json:"provider"` // AWS, GCP, AZURE
	Type      string          `json:"type"`     // p5.48xlarge, ...
	GPU       string          `json:"gpu"`      // a GPU.Name
	GPUCount  int             `json:"gpuCount"`
	Region    string          `json:"region"` // us-east-1, europe-west4, ...
	HourlyUSD decimal.Decimal `json:"hourlyUSD"`
	// ObservedOn is when this price was seen on the provider's price list or a copy of it (YYYY-MM or
	// YYYY-MM-DD); "" when the source does not say. Provenance.AsOf is when the catalog read the source.
	ObservedOn string `json:"observedOn,omitempty"`
	// PriceCaveat names a known reason the price may be out of date, e.g. a price cut after it was observed.
	PriceCaveat string     `json:"priceCaveat,omitempty"`
	Provenance  Provenance `json:"provenance"`
}

// PriceStale reports whether the instance's price should be checked before it is trusted on asOf
// (YYYY-MM-DD; "" measures no age): it has a caveat, no observation date, or one more than maxAgeDays before
// asOf.
func (in Instance) PriceStale(asOf string, maxAgeDays int) bool {
	if in.PriceCaveat != "" || in.ObservedOn == "" {
		return true
	}
	if asOf == "" {
		return false // no date to measure age against: only caveats and missing dates count
	}
	observed := in.ObservedOn
	if len(observed) == len("2006-01") {
		observed += "-01"
	}
	o, err1 := time.Parse(time.DateOnly, observed)
	a, err2 := time.Parse(time.DateOnly, asOf)
	if err1 != nil || err2 != nil {
		return true
	}
	return a.Sub(o) > time.Duration(maxAgeDays)*24*time.Hour
}

// Catalog is one consistent version of all of the above.
type Catalog struct {
	Version   string     `json:"version"` // changes whenever any figure changes; results record it
	Models    []Model    `json:"models"`
	GPUs      []GPU      `json:"gpus"`
	Instances []Instance `json:"instances"`
}

var (
	bedrockVersion = regexp.MustCompile(`-v\d+:\d+$`)
	datedSnapshot  = regexp.MustCompile(`-\d{8}$`)
)

// SameChoice reports whether two catalog ids are one choice: the same model at the same effort, whichever API
// serves it (a tie of routes, not a decision between models).
func SameChoice(a, b string) bool { return ModelKey(a) == ModelKey(b) }

// ModelKey names the model behind a catalog id, whichever API serves it: gemini/gemini-2.5-pro and
// vertex_ai/gemini-2.5-pro are one model, as are anthropic/claude-sonnet-4-5 and
// bedrock/anthropic.claude-sonnet-4-5-20250929-v1:0. A reasoning effort (@high) stays part of it: a different
// effort is a different choice.
func ModelKey(id string) string {
	_, name, ok := strings.Cut(id, "/")
	if !ok {
		return id
	}
	name, effort, _ := strings.Cut(name, "@")
	if strings.HasPrefix(id, "bedrock/") {
		if _, rest, ok := strings.Cut(name, "."); ok {
			name = rest
		}
		name = bedrockVersion.ReplaceAllString(name, "")
		name = datedSnapshot.ReplaceAllString(name, "")
	}
	if effort != "" {
		name += "@" + effort
	}
	return name
}
