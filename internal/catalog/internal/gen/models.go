package main

import (
	"bytes"
	"cmp"
	"encoding/json"
	"fmt"
	"os"
	"regexp"
	"slices"
	"strings"

	"github.com/shopspring/decimal"

	"github.com/modelarchitect/architect/internal/catalog"
)

// pricesAsOf is the date the price snapshot was published: the LiteLLM table as filtered by
// Wei-Shaw/model-price-repo at commit f9ff147.
const pricesAsOf = "2026-07-24"

const pricesSource = "https://github.com/Wei-Shaw/model-price-repo (commit f9ff147), filtered copy of LiteLLM " +
	"model_prices_and_context_window.json (MIT); shared/data/llm-prices.json"

// priceRow is the part of a LiteLLM row the catalog uses; numbers stay json.Number so prices convert to
// decimals exactly.
type priceRow struct {
	Provider        string          `json:"litellm_provider"`
	Mode            string          `json:"mode"`
	Source          string          `json:"source"`
	DeprecationDate string          `json:"deprecation_date"`
	MaxInput        json.Number     `json:"max_input_tokens"`
	MaxOutput       json.Number     `json:"max_output_tokens"`
	Input           json.Number     `json:"input_cost_per_token"`
	Output          json.Number     `json:"output_cost_per_token"`
	CacheRead       json.Number     `json:"cache_read_input_token_cost"`
	CacheWrite      json.Number     `json:"cache_creation_input_token_cost"`
	CacheWrite1h    json.Number     `json:"cache_creation_input_token_cost_above_1hr"`
	Reasoning       json.Number     `json:"output_cost_per_reasoning_token"`
	Input200k       json.Number     `json:"input_cost_per_token_above_200k_tokens"`
	Output200k      json.Number     `json:"output_cost_per_token_above_200k_tokens"`
	Cache200k       json.Number     `json:"cache_read_input_token_cost_above_200k_tokens"`
	Input272k       json.Number     `json:"input_cost_per_token_above_272k_tokens"`
	Output272k      json.Number     `json:"output_cost_per_token_above_272k_tokens"`
	Cache272k       json.Number     `json:"cache_read_input_token_cost_above_272k_tokens"`
	UpliftEU        json.Number     `json:"regional_processing_uplift_multiplier_eu"`
	UpliftUS        json.Number     `json:"regional_processing_uplift_multiplier_us"`
	ProviderSpecial map[string]any  `json:"provider_specific_entry"`
	Comment         string          `json:"_comment"`
	Flags           map[string]bool `json:"-"`
}

func readPrices(path string) (map[string]priceRow, error) {
	data, err := os.ReadFile(path)
	if err != nil {
		return nil, fmt.Errorf("read prices: %w", err)
	}
	var raw map[string]json.RawMessage
	if err := json.Unmarshal(data, &raw); err != nil {
		return nil, fmt.Errorf("parse prices: %w", err)
	}
	rows := make(map[string]priceRow, len(raw))
	for key, r := range raw {
		var row priceRow
		dec := json.NewDecoder(bytes.NewReader(r))
		dec.UseNumber()
		if err := dec.Decode(&row); err != nil {
			return nil, fmt.Errorf("parse price row %s: %w", key, err)
		}
		var all map[string]any
		if err := json.Unmarshal(r, &all); err != nil {
			return nil, fmt.Errorf("parse price row %s: %w", key, err)
		}
		row.Flags = map[string]bool{}
		for k, v := range all {
			if b, ok := v.(bool); ok && strings.HasPrefix(k, "supports_") {
				row.Flags[strings.TrimPrefix(k, "supports_")] = b
			}
		}
		rows[key] = row
	}
	return rows, nil
}

// apiOf maps a LiteLLM provider to the model APIs the catalog lists it under. Google rows are listed under
// both the Gemini Developer API and Vertex AI: they bill the same per-token price (LiteLLM keeps one row, whose
// source is often the Gemini API pricing page) but have different data-location and BAA facts.
var apiOf = map[string][]string{
	"openai":                    {"openai"},
	"anthropic":                 {"anthropic"},
	"xai":                       {"xai"},
	"deepseek":                  {"deepseek"},
	"bedrock":                   {"bedrock"},
	"vertex_ai-language-models": {"gemini", "vertex_ai"},
	"gemini":                    {"gemini", "vertex_ai"},
}

// excluded name parts: special-purpose endpoints (audio, realtime, search, image, computer use, coding agents,
// deep research), moving aliases (-latest) and LiteLLM-only aliases for a reasoning setting.
var excludedName = regexp.MustCompile(`audio|realtime|search|tts|live|image|computer-use|robotics|codex|` +
	`deep-research|-exp-|latest|customtools|multi-agent|-thinking$|-(high|low)$`)

var dated = regexp.MustCompile(`^(.*)-(\d{4}-\d{2}-\d{2}|\d{8})$`)

// selectKeys applies the documented selection rule and returns the kept llm-prices.json keys, sorted.
func selectKeys(rows map[string]priceRow, sp *speeds) []string {
	var keep []string
	for key, r := range rows {
		if r.Mode != "chat" || apiOf[r.Provider] == nil || excludedName.MatchString(key) {
			continue
		}
		if dec(r.Input).IsZero() && dec(r.Output).IsZero() {
			continue // not priced
		}
		if r.DeprecationDate != "" && r.DeprecationDate < pricesAsOf {
			continue // retired before the price snapshot
		}
		if _, isAlias := sp.Aliases[key]; isAlias {
			continue // a dated snapshot of a model listed under its own key
		}
		if m := dated.FindStringSubmatch(key); m != nil && sp.Models[key] == nil {
			if base, ok := rows[m[1]]; ok && base.Mode == r.Mode && dec(base.Input).Equal(dec(r.Input)) && dec(base.Output).Equal(dec(r.Output)) {
				continue // same price as the undated key and no figures of its own
			}
		}
		keep = append(keep, key)
	}
	slices.Sort(keep)
	return keep
}

func buildModels(rows map[string]priceRow, sp *speeds) ([]catalog.Model, error) {
	var out []catalog.Model
	for _, key := range selectKeys(rows, sp) {
		r := rows[key]
		for _, api := range apiOf[r.Provider] {
			m, err := priceModel(api, key, r)
			if err != nil {
				return nil, fmt.Errorf("model %s: %w", key, err)
			}
			cs, err := sp.attach(&m, key, r.Flags["reasoning"])
			if err != nil {
				return nil, fmt.Errorf("model %s: %w", key, err)
			}
			out = append(out, m)
			efforts, err := sp.effortRows(m, cs, r.Flags["reasoning"])
			if err != nil {
				return nil, fmt.Errorf("model %s: %w", key, err)
			}
			out = append(out, efforts...)
		}
	}
	self, err := selfHosted(sp)
	if err != nil {
		return nil, err
	}
	out = append(out, self...)
	slices.SortFunc(out, func(a, b catalog.Model) int { return cmp.Compare(a.ID, b.ID) })
	if err := estimateReasoning(out); err != nil {
		return nil, err
	}
	return out, nil
}

func priceModel(api, key string, r priceRow) (catalog.Model, error) {
	modelName := key
	if api == "bedrock" {
		modelName = "anthropic." + key // Bedrock model ids carry the vendor prefix
	}
	m := catalog.Model{
		ID:              api + "/" + modelName,
		Provider:        api,
		Name:            key + " (" + apiNames[api] + ")",
		Mode:            r.Mode,
		InputPerToken:   dec(r.Input),
		OutputPerToken:  dec(r.Output),
		ContextWindow:   int(num(r.MaxInput)),
		ContextLimit:    contextLimit(api, r),
		MaxOutputTokens: int(num(r.MaxOutput)),
		Capabilities:    capabilities(r.Flags),
		Reasoning:       r.Flags["reasoning"],
		DeprecationDate: r.DeprecationDate,
	}
	if m.ContextWindow <= 0 {
		return m, fmt.Errorf("no max_input_tokens")
	}
	m.CachedInputPerToken = optDec(r.CacheRead)
	m.ReasoningPerToken = optDec(r.Reasoning)
	if api == "anthropic" || api == "bedrock" { // the APIs that bill prompt-cache writes per token
		m.CacheWritePerToken = optDec(r.CacheWrite)
		if r.CacheWrite1h != "" {
			// Anthropic bills a 1-hour cache write at 2 × the base input price, every model (docs.anthropic.com,
			// "Prompt caching" and "Pricing"). LiteLLM's cache_creation_input_token_cost_above_1hr agrees for
			// all but two rows, which carry another model's figure (claude-3-haiku: 6e-6, 24 × its input;
			// claude-3-opus: 6e-6, 0.4 ×); the multiplier is used, and only its presence is read from the row.
			// The 5-minute price is the row's own (1.25 × input, but $0.30 per million for Claude 3 Haiku,
			// as Anthropic lists it).
			w1h := dec(r.Input).Mul(decimal.NewFromInt(2))
			m.CacheWrite1hPerToken = &w1h
		}
	}
	switch {
	case r.Input200k != "" || r.Output200k != "":
		m.LongContextThreshold = 200_000
		m.InputPerTokenAboveTier, m.OutputPerTokenAboveTier, m.CachedInputPerTokenAboveTier = optDec(r.Input200k), optDec(r.Output200k), optDec(r.Cache200k)
	case r.Input272k != "" || r.Output272k != "":
		m.LongContextThreshold = 272_000
		m.InputPerTokenAboveTier, m.OutputPerTokenAboveTier, m.CachedInputPerTokenAboveTier = optDec(r.Input272k), optDec(r.Output272k), optDec(r.Cache272k)
	}
	m.Price = priceProvenance(api, key, r)
	facts(&m, key, r)
	return m, nil
}

// contextLimit says how the API counts a request against max_input_tokens. LiteLLM's max_input_tokens is
// the whole window where input and output share it, and the input limit where they have separate limits:
//   - Anthropic (and Claude on Bedrock): input + max_tokens must fit in the context window, extended thinking
//     included (docs.anthropic.com, "Context windows").
//   - OpenAI: the context window holds input and output (GPT-4o, GPT-4.1, the o-series, and the GPT-5.4+
//     and -pro models, whose max_input_tokens is the published window: 400,000 or 1,050,000). The GPT-5,
//     5.1, 5.2 and 5.3 models have a 400,000-token window of which 128,000 are output, listed as 272,000
//     input (platform.openai.com model pages): input ≤ 272,000 and output ≤ 128,000 is exactly input +
//     output ≤ 400,000 with the input cap, so those rows are SPLIT.
//   - Gemini API and Vertex AI: an input token limit and an output token limit (ai.google.dev model pages).
//   - xAI, DeepSeek: one context length for the whole request (docs.x.ai, api-docs.deepseek.com).
func contextLimit(api string, r priceRow) catalog.ContextLimit {
	switch {
	case api == "gemini" || api == "vertex_ai":
		return catalog.ContextSplit
	case api == "openai" && num(r.MaxInput) == 272_000 && num(r.MaxOutput) == 128_000:
		return catalog.ContextSplit
	}
	return catalog.ContextTotal
}

var apiNames = map[string]string{
	"openai": "OpenAI API", "anthropic": "Anthropic API", "xai": "xAI API", "deepseek": "DeepSeek API",
	"bedrock": "Amazon Bedrock", "gemini": "Gemini API", "vertex_ai": "Vertex AI",
}

func priceProvenance(api, key string, r priceRow) catalog.Provenance {
	src := pricesSource + ", key " + key
	if r.Source != "" {
		src += "; provider page " + r.Source
	}
	if r.Comment != "" {
		src += "; LiteLLM note: " + r.Comment
	}
	// A Gemini Developer API copy of a row whose own source is a Vertex AI page is an inference: mark it.
	estimate := api == "gemini" && r.Source != "" && !strings.Contains(r.Source, "ai.google.dev")
	return catalog.Provenance{Source: src, AsOf: pricesAsOf, Estimate: estimate}
}

// capabilityFlags maps LiteLLM supports_* flags to catalog capability names.
var capabilityFlags = []string{
	"assistant_prefill", "audio_input", "audio_output", "computer_use", "function_calling",
	"parallel_function_calling", "pdf_input", "prompt_caching", "reasoning", "response_schema",
	"system_messages", "tool_choice", "video_input", "vision", "web_search",
}

func capabilities(flags map[string]bool) []string {
	out := []string{}
	for _, f := range capabilityFlags {
		if flags[f] {
			out = append(out, f)
		}
	}
	return out
}

func dec(n json.Number) decimal.Decimal {
	if n == "" {
		return decimal.Zero
	}
	d, err := decimal.NewFromString(n.String())
	if err != nil {
		return decimal.Zero
	}
	return d
}

func optDec(n json.Number) *decimal.Decimal {
	if n == "" {
		return nil
	}
	d := dec(n)
	return &d
}

func num(n json.Number) float64 {
	f, err := n.Float64()
	if err != nil {
		return 0
	}
	return f
}
