package main

import (
	"encoding/json"
	"fmt"
	"os"
	"slices"
	"strings"

	"github.com/modelarchitect/architect/internal/catalog"
)

type figure struct {
	Value  *float64 `json:"value"`
	Source string   `json:"source"`
}

type qualityFigures struct {
	Index          *float64 `json:"aa_intelligence_index"`
	IndexEstimated bool     `json:"aa_intelligence_index_is_estimated"`
	GPQA           *float64 `json:"gpqa_diamond"`
	Source         string   `json:"source"`
}

// configuration is one measured Artificial Analysis configuration of a model (the top level or a variant).
type configuration struct {
	Name   string // AA model name, e.g. "GPT-5 (minimal)"
	Effort string // the reasoning effort it was measured at, when known (effortOf)
	TTFA   *figure
	TPS    *figure
	Qual   *qualityFigures
	Order  int // 0 for the top level, then variants in file order, for a stable tie-break
}

type speedEntry struct {
	Provider string `json:"provider"`
	AAModel  struct {
		Name string `json:"name"`
	} `json:"aa_model"`
	TTFA     *figure                    `json:"time_to_first_answer_token_ms"`
	TPS      *figure                    `json:"output_tokens_per_s"`
	Quality  *qualityFigures            `json:"quality"`
	Variants map[string]json.RawMessage `json:"variants"`
	Note     string                     `json:"note"`
}

type variantEntry struct {
	AAModel string          `json:"aa_model"`
	TTFA    *figure         `json:"time_to_first_answer_token_ms"`
	TPS     *figure         `json:"output_tokens_per_s"`
	Quality *qualityFigures `json:"quality"`
}

type source struct {
	ID      string `json:"id"`
	Address string `json:"address"`
	Date    string `json:"date"`
}

type speeds struct {
	Meta struct {
		Sources []source `json:"sources"`
	} `json:"_meta"`
	Models  map[string]*speedEntry `json:"models"`
	Aliases map[string]string      `json:"aliases"`
	// variant order as written in the file, per model key
	variantOrder map[string][]string
}

func readSpeeds(path string) (*speeds, error) {
	data, err := os.ReadFile(path)
	if err != nil {
		return nil, fmt.Errorf("read speeds: %w", err)
	}
	var sp speeds
	if err := json.Unmarshal(data, &sp); err != nil {
		return nil, fmt.Errorf("parse speeds: %w", err)
	}
	// Variant keys are read in sorted order; ties on TTFA are broken by that order.
	sp.variantOrder = map[string][]string{}
	for key, e := range sp.Models {
		var names []string
		for v := range e.Variants {
			names = append(names, v)
		}
		slices.Sort(names)
		sp.variantOrder[key] = names
	}
	return &sp, nil
}

func (sp *speeds) source(id string) (catalog.Provenance, error) {
	for _, s := range sp.Meta.Sources {
		if s.ID == id {
			date, _, _ := strings.Cut(s.Date, "T")
			return catalog.Provenance{Source: "Artificial Analysis leaderboard snapshot " + s.Address, AsOf: date, Estimate: true}, nil
		}
	}
	return catalog.Provenance{}, fmt.Errorf("unknown speed source %q", id)
}

// configurations lists every measured configuration of the entry with a speed.
func (sp *speeds) configurations(key string) ([]configuration, error) {
	e := sp.Models[key]
	if e == nil {
		return nil, nil
	}
	out := []configuration{{Name: e.AAModel.Name, Effort: effortOf(e.AAModel.Name, ""), TTFA: e.TTFA, TPS: e.TPS, Qual: e.Quality}}
	for i, name := range sp.variantOrder[key] {
		var v variantEntry
		if err := json.Unmarshal(e.Variants[name], &v); err != nil {
			return nil, fmt.Errorf("variant %s of %s: %w", name, key, err)
		}
		out = append(out, configuration{Name: v.AAModel, Effort: effortOf(v.AAModel, name), TTFA: v.TTFA, TPS: v.TPS, Qual: v.Quality, Order: i + 1})
	}
	return slices.DeleteFunc(out, func(c configuration) bool {
		return c.TTFA == nil || c.TTFA.Value == nil || c.TPS == nil || c.TPS.Value == nil || *c.TPS.Value <= 0
	}), nil
}

// fastest applies the configuration rule: of the measured configurations take the one with the lowest time to
// first answer token, i.e. the lowest reasoning effort AA measured. Speed and quality come from that same
// configuration so they describe the same way of calling the model.
func fastest(cs []configuration) (configuration, bool) {
	if len(cs) == 0 {
		return configuration{}, false
	}
	best := cs[0]
	for _, c := range cs[1:] {
		if *c.TTFA.Value < *best.TTFA.Value || (*c.TTFA.Value == *best.TTFA.Value && c.Order < best.Order) {
			best = c
		}
	}
	return best, true
}

// effortOf reads the effort of a configuration: its variant key, or the parenthesis of its name ("GPT-5
// (high)"); "" when it is not an effort level (thinking on or off, a date).
func effortOf(name, variant string) string {
	if slices.Contains(catalog.Efforts, variant) {
		return variant
	}
	if i := strings.LastIndex(name, "("); i >= 0 && strings.HasSuffix(name, ")") {
		if e := strings.ToLower(name[i+1 : len(name)-1]); slices.Contains(catalog.Efforts, e) {
			return e
		}
	}
	return ""
}

// attach sets Speed and Quality on m from the speed snapshot entry for price key (directly or through an
// alias), from the fastest configuration, and sets Reasoning from it. It returns the model's other measured
// configurations that name a reasoning effort, for rows of their own.
func (sp *speeds) attach(m *catalog.Model, key string, supportsReasoning bool) ([]configuration, error) {
	entryKey := key
	if target, ok := sp.Aliases[key]; ok {
		entryKey = target
	}
	cs, err := sp.configurations(entryKey)
	if err != nil {
		return nil, err
	}
	best, ok := fastest(cs)
	if !ok {
		return nil, nil
	}
	if err := sp.apply(m, best, supportsReasoning); err != nil {
		return nil, err
	}
	return cs, nil
}

// apply sets m's speed, quality and effort from configuration c.
func (sp *speeds) apply(m *catalog.Model, c configuration, supportsReasoning bool) error {
	prov, err := sp.source(c.TTFA.Source)
	if err != nil {
		return err
	}
	m.Speed = &catalog.Speed{
		TTFTMillis:            *c.TTFA.Value,
		OutputTokensPerSecond: *c.TPS.Value,
		Configuration:         c.Name,
		Provenance:            prov,
	}
	m.Reasoning = supportsReasoning && !strings.Contains(strings.ToLower(c.Name), "non-reasoning")
	m.Effort = c.Effort
	m.Quality = nil
	if q := c.Qual; q != nil && q.Index != nil {
		qp, err := sp.source(q.Source)
		if err != nil {
			return err
		}
		qp.Estimate = q.IndexEstimated
		m.Quality = &catalog.Quality{
			IntelligenceIndex: q.Index,
			GPQADiamond:       q.GPQA,
			Tiers:             catalog.TiersFor(*q.Index),
			Configuration:     c.Name,
			Provenance:        qp,
		}
	}
	m.ExpectedReasoning = nil // estimateReasoning sets it once every row is known
	return nil
}

// effortRows are the rows "id@effort" of an OpenAI model's measured configurations that name an effort, but
// the fastest (the base row, whose Effort names it): the same prices and limits as base, the configuration's
// speed and quality.
func (sp *speeds) effortRows(base catalog.Model, cs []configuration, supportsReasoning bool) ([]catalog.Model, error) {
	if base.Provider != "openai" || !supportsReasoning {
		return nil, nil // only OpenAI's API takes reasoning_effort among the catalog's APIs
	}
	fast, ok := fastest(cs)
	if !ok {
		return nil, nil
	}
	var out []catalog.Model
	seen := map[string]bool{}
	for _, c := range cs {
		if c.Effort == "" || seen[c.Effort] || c.Name == fast.Name {
			continue // the base row is the fastest configuration already
		}
		seen[c.Effort] = true
		m := base
		m.ID = base.ID + "@" + c.Effort
		m.Name = base.Name + ", " + c.Effort + " effort"
		if err := sp.apply(&m, c, supportsReasoning); err != nil {
			return nil, err
		}
		out = append(out, m)
	}
	return out, nil
}
