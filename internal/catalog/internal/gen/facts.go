package main

import (
	"encoding/json"
	"strings"

	"github.com/shopspring/decimal"

	"github.com/modelarchitect/architect/internal/catalog"
)

// factsReadOn is the date the provider facts below were written down, from notes on the providers' pages
// that each source names (not re-read here) and from the price rows.
const factsReadOn = "2026-11-25"

type providerFacts struct {
	regions      []string
	attestations []string
	note         string
	source       string
	estimate     bool
}

// facts per model API. Regions: where the API can be told to process data (GLOBAL: no location guarantee).
var apiFacts = map[string]providerFacts{
	"openai": {
		regions:      []string{"GLOBAL", "US", "EU"},
		attestations: []string{"HIPAA_BAA", "ISO27001", "ISO27017", "ISO27018", "ISO27701", "ISO42001", "SOC2_TYPE2", "ZDR"},
		note: "HIPAA BAA covers only zero-data-retention-eligible endpoints (e.g. /v1/chat/completions); EU data " +
			"residency needs an approved API project with zero data retention; regional processing of newer models " +
			"bills an uplift (regionalUplift).",
		source: "shared/DOMAIN.md §5.3 (trust.openai.com; OpenAI API data controls and BAA pages); regional " +
			"uplifts from " + pricesSource,
	},
	"anthropic": {
		regions:      []string{"GLOBAL"},
		attestations: []string{"HIPAA_BAA", "ZDR"},
		note: "BAA (HIPAA readiness) and zero data retention by arrangement, for eligible features only " +
			"(platform.claude.com api-and-data-retention); no EU processing on the Anthropic API: use Amazon Bedrock " +
			"eu.* profiles or Vertex AI in the EU. US-only inference (inference_geo) bills +10% where offered.",
		source: "shared/DOMAIN.md §5.3 (platform.claude.com/docs api-and-data-retention); US inference uplift " +
			"from " + pricesSource,
	},
	"vertex_ai": {
		regions:      []string{"GLOBAL", "US", "EU"},
		attestations: []string{"HIPAA_BAA"},
		note: "Covered by the Google Cloud BAA; ML processing stays in the us or eu multi-region or a listed " +
			"regional endpoint; the global endpoint has no location guarantee. Gemini 3.x models are listed as " +
			"GLOBAL only because DOMAIN §5.3 names regional endpoints for Gemini 2.x/2.5 alone.",
		source: "shared/DOMAIN.md §5.3 (cloud.google.com Vertex AI data residency and genai-security-controls pages)",
	},
	"bedrock": {
		regions:      []string{"GLOBAL", "US", "EU", "APAC"},
		attestations: []string{"HIPAA_BAA"},
		note: "HIPAA-eligible under the AWS BAA; In-Region and geographic (us.*, eu.*, apac.*) inference profiles " +
			"keep processing in the geography, Global profiles do not. Geographic profiles may carry their own price; " +
			"the price here is the base row.",
		source: "shared/DOMAIN.md §5.3 (AWS Bedrock cross-region inference and HIPAA eligibility pages)",
	},
	"gemini": {
		regions:  []string{"GLOBAL"},
		note:     "The Gemini Developer API gives no data-location guarantee and is not listed under the Google Cloud BAA; use vertex_ai/* for EU processing or PHI. Not covered by DOMAIN §5.3: verify before relying on it.",
		source:   "ai.google.dev/gemini-api/terms (read as summarised here; not in shared/DOMAIN.md §5.3)",
		estimate: true,
	},
	"xai": {
		regions:  []string{"GLOBAL"},
		note:     "No data-location guarantee or attestation is recorded for the xAI API; not covered by DOMAIN §5.3: verify with xAI.",
		source:   "docs.x.ai (no residency or BAA facts recorded; not in shared/DOMAIN.md §5.3)",
		estimate: true,
	},
	"deepseek": {
		regions:  []string{"CN"},
		note:     "DeepSeek's privacy policy states that data is processed and stored in the People's Republic of China; not covered by DOMAIN §5.3: verify before relying on it.",
		source:   "DeepSeek privacy policy (platform.deepseek.com; not in shared/DOMAIN.md §5.3)",
		estimate: true,
	},
}

// geminiRegional lists the Vertex AI model families served on regional endpoints (Gemini 2.x and 2.5 only,
// by notes on Vertex AI's data residency page on cloud.google.com, written down on factsReadOn).
func geminiRegional(key string) bool {
	return strings.HasPrefix(key, "gemini-2.")
}

func facts(m *catalog.Model, key string, r priceRow) {
	f := apiFacts[m.Provider]
	regions := append([]string(nil), f.regions...)
	if m.Provider == "vertex_ai" && !geminiRegional(key) {
		regions = []string{"GLOBAL"}
	}
	uplift := map[string]decimal.Decimal{}
	if r.UpliftEU != "" {
		uplift["EU"] = dec(r.UpliftEU)
	}
	if r.UpliftUS != "" {
		uplift["US"] = dec(r.UpliftUS)
	}
	if us, ok := r.ProviderSpecial["us"].(json.Number); ok && m.Provider == "anthropic" {
		uplift["US"] = dec(us)
		regions = append(regions, "US") // US-only inference (inference_geo) is offered for this model
	}
	if len(uplift) > 0 {
		m.RegionalUplift = uplift
	}
	m.Regions = regions
	m.Attestations = append([]string{}, f.attestations...)
	m.FactsNote = f.note
	m.Facts = catalog.Provenance{Source: f.source, AsOf: factsReadOn, Estimate: f.estimate}
}

// selfHostedModel is an open-weights model with speed figures but no hosted price in llm-prices.json.
type selfHostedModel struct {
	key            string // model-speeds.json key, also the catalog id
	contextWindow  int
	paramsB        float64
	activeParamsB  float64
	source         string
	supportsReason bool
}

var selfHostedModels = []selfHostedModel{
	{key: "meta/llama-3.1-8b-instruct", contextWindow: 131_072, paramsB: 8, source: "https://huggingface.co/meta-llama/Llama-3.1-8B-Instruct (model card)"},
	{key: "meta/llama-3.1-405b-instruct", contextWindow: 131_072, paramsB: 405, source: "https://huggingface.co/meta-llama/Llama-3.1-405B-Instruct (model card)"},
	{key: "meta/llama-3.3-70b-instruct", contextWindow: 131_072, paramsB: 70, source: "https://huggingface.co/meta-llama/Llama-3.3-70B-Instruct (model card)"},
	{key: "meta/llama-4-scout", contextWindow: 10_000_000, paramsB: 109, activeParamsB: 17, source: "https://ai.meta.com/blog/llama-4-multimodal-intelligence/ (The Llama 4 herd, 2025-04-05)"},
	{key: "meta/llama-4-maverick", contextWindow: 1_000_000, paramsB: 400, activeParamsB: 17, source: "https://ai.meta.com/blog/llama-4-multimodal-intelligence/ (The Llama 4 herd, 2025-04-05)"},
	{key: "openai/gpt-oss-120b", contextWindow: 131_072, paramsB: 117, activeParamsB: 5.1, source: "https://openai.com/index/gpt-oss-model-card/ (2025-08-05)", supportsReason: true},
	{key: "openai/gpt-oss-20b", contextWindow: 131_072, paramsB: 21, activeParamsB: 3.6, source: "https://openai.com/index/gpt-oss-model-card/ (2025-08-05)", supportsReason: true},
}

func selfHosted(sp *speeds) ([]catalog.Model, error) {
	var out []catalog.Model
	for _, s := range selfHostedModels {
		provider, _, _ := strings.Cut(s.key, "/")
		m := catalog.Model{
			ID:                       s.key,
			Provider:                 provider,
			Name:                     s.key + " (self-hosted)",
			Mode:                     "chat",
			InputPerToken:            decimal.Zero,
			OutputPerToken:           decimal.Zero,
			SelfHostOnly:             true,
			OpenWeights:              true,
			ParametersBillions:       s.paramsB,
			ActiveParametersBillions: s.activeParamsB,
			ContextWindow:            s.contextWindow,
			ContextLimit:             catalog.ContextTotal, // vLLM's max_model_len bounds prompt and generation together
			Capabilities:             []string{},
			Reasoning:                s.supportsReason,
			Regions:                  []string{},
			Attestations:             []string{},
			FactsNote:                "Self-hosted: data stays where the deployment runs; attestations are the hosting provider's. Speed figures are a hosted provider's, not a self-hosted deployment's.",
			Price: catalog.Provenance{
				Source: "shared/data/llm-prices.json lists no hosted price for this open-weights model: cost it as a self-hosted deployment",
				AsOf:   pricesAsOf,
			},
			Facts: catalog.Provenance{Source: s.source, AsOf: factsReadOn},
		}
		if _, err := sp.attach(&m, s.key, s.supportsReason); err != nil {
			return nil, err
		}
		out = append(out, m)
	}
	return out, nil
}
