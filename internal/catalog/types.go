// Package catalog holds the model and GPU-instance catalog the engines price and time workloads with:
// hosted model prices, context windows, speeds, quality tiers, data regions and attestations, and GPU
// instance prices, each figure with its source, date and whether it is an estimate. It does no I/O beyond
// reading its embedded data (or an operator's override file) and knows nothing of GraphQL or HTTP.
package catalog

import "github.com/shopspring/decimal"

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
	Price                   Provenance       `json:"price"`
	ContextWindow           int              `json:"contextWindow"`   // max input tokens
	MaxOutputTokens         int              `json:"maxOutputTokens"` // max output tokens
	Capabilities            []string         `json:"capabilities"`    // function_calling, vision, prompt_caching, reasoning, response_schema, ...
	Reasoning               bool             `json:"reasoning"`       // the model spends hidden reasoning tokens
	DeprecationDate         string           `json:"deprecationDate,omitempty"`
	OpenWeights             bool             `json:"openWeights,omitempty"`        // can be self-hosted
	ParametersBillions      float64          `json:"parametersBillions,omitempty"` // for self-hosting estimates
	Quality                 *Quality         `json:"quality,omitempty"`
	Speed                   *Speed           `json:"speed,omitempty"`
	Regions                 []string         `json:"regions"`      // data-processing regions the API offers: US, EU, APAC, GLOBAL
	Attestations            []string         `json:"attestations"` // HIPAA_BAA, SOC2_TYPE2, ISO27001, GDPR_DPA, ZDR, ...
	Facts                   Provenance       `json:"facts"`        // source of Regions and Attestations

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
	Provider   string          `json:"provider"` // AWS, GCP, AZURE
	Type       string          `json:"type"`     // p5.48xlarge, ...
	GPU        string          `json:"gpu"`      // a GPU.Name
	GPUCount   int             `json:"gpuCount"`
	Region     string          `json:"region"` // us-east-1, europe-west4, ...
	HourlyUSD  decimal.Decimal `json:"hourlyUSD"`
	Provenance Provenance      `json:"provenance"`
}

// Catalog is one consistent version of all of the above.
type Catalog struct {
	Version   string     `json:"version"` // changes whenever any figure changes; results record it
	Models    []Model    `json:"models"`
	GPUs      []GPU      `json:"gpus"`
	Instances []Instance `json:"instances"`
}
