package pipeline

import (
	"math"
	"strings"

	"github.com/shopspring/decimal"

	"github.com/modelarchitect/architect/internal/catalog"
)

var (
	one       = decimal.NewFromInt(1)
	tolerance = decimal.RequireFromString(weightTolerance)
)

func indexModels(cat *catalog.Catalog) map[string]*catalog.Model {
	m := map[string]*catalog.Model{}
	if cat == nil {
		return m
	}
	for i := range cat.Models {
		if _, dup := m[cat.Models[i].ID]; !dup {
			m[cat.Models[i].ID] = &cat.Models[i]
		}
	}
	return m
}

// checkConfig reports a node's missing, misplaced or out-of-range config.
func checkConfig(ps *problems, models map[string]*catalog.Model, i int, n *Node) {
	where := label(i, n)
	nid := idsOf(n)
	set := map[Kind]bool{
		KindLLM: n.LLM != nil, KindEmbedding: n.Embedding != nil, KindRetriever: n.Retriever != nil,
		KindTool: n.Tool != nil, KindRouter: n.Router != nil, KindCache: n.Cache != nil, KindGuardrail: n.Guardrail != nil,
	}
	for _, k := range []Kind{KindLLM, KindEmbedding, KindRetriever, KindTool, KindRouter, KindCache, KindGuardrail} {
		if set[k] && k != n.Kind {
			ps.add(CodeInvalidConfig, nid, nil, "%s is a %s node but has a %s config; only %s nodes take one",
				where, n.Kind, strings.ToLower(string(k)), k)
		}
	}
	switch n.Kind {
	case KindRetriever, KindTool, KindRouter, KindCache, KindGuardrail: // LLM and EMBEDDING: MISSING_MODEL below
		if !set[n.Kind] {
			ps.add(CodeMissingConfig, nid, nil, "%s (%s) has no %s config", where, n.Kind, strings.ToLower(string(n.Kind)))
			return
		}
	}
	c := configChecker{ps: ps, nid: nid, where: where}
	switch n.Kind {
	case KindLLM:
		c.llm(models, n.LLM)
	case KindEmbedding:
		c.embedding(models, n.Embedding)
	case KindRetriever:
		c.service(n.Retriever)
	case KindTool:
		c.service(n.Tool)
	case KindRouter:
		c.router(n.Router)
	case KindCache:
		c.rate("hitRate", n.Cache.HitRate)
		c.latency("latency", n.Cache.Latency)
	case KindGuardrail:
		c.rate("blockRate", n.Guardrail.BlockRate)
		c.latency("latency", n.Guardrail.Latency)
	}
}

type configChecker struct {
	ps    *problems
	nid   []string
	where string
}

func (c configChecker) invalid(format string, args ...any) {
	c.ps.add(CodeInvalidConfig, c.nid, nil, "%s: "+format, append([]any{c.where}, args...)...)
}

// model checks that the model is named and in the catalog; wantEmbedding says which mode the node needs.
func (c configChecker) model(models map[string]*catalog.Model, id string, wantEmbedding bool) *catalog.Model {
	if id == "" {
		c.ps.add(CodeMissingModel, c.nid, nil, "%s names no model; set a catalog model id such as \"openai/gpt-4.1-mini\"", c.where)
		return nil
	}
	m, ok := models[id]
	if !ok {
		hint := ""
		if !strings.Contains(id, "/") {
			hint = ` (model ids are "provider/model")`
		}
		c.ps.add(CodeUnknownModel, c.nid, nil, "%s: model %q is not in the catalog%s", c.where, id, hint)
		return nil
	}
	isEmbedding := strings.EqualFold(m.Mode, "embedding")
	switch {
	case wantEmbedding && m.Mode != "" && !isEmbedding:
		c.ps.add(CodeModelModeMismatch, c.nid, nil, "%s: model %q is a %s model, not an embedding model", c.where, id, m.Mode)
	case !wantEmbedding && isEmbedding:
		c.ps.add(CodeModelModeMismatch, c.nid, nil, "%s: model %q is an embedding model; use it in an EMBEDDING node", c.where, id)
	}
	return m
}

func (c configChecker) llm(models map[string]*catalog.Model, cfg *LLMConfig) {
	if cfg == nil {
		c.ps.add(CodeMissingModel, c.nid, nil, "%s has no llm config naming a model", c.where)
		return
	}
	m := c.model(models, cfg.Model, false)
	c.tokens("inputTokens", cfg.InputTokens, 0)
	c.tokens("outputTokens", cfg.OutputTokens, 1)
	c.tokens("reasoningTokens", cfg.ReasoningTokens, 0)
	c.calls(cfg.CallsPerRun)
	if cfg.Latency != nil {
		c.latency("latency", *cfg.Latency)
	}
	if m == nil {
		return
	}
	if m.ContextWindow > 0 && cfg.InputTokens > m.ContextWindow {
		c.invalid("inputTokens %d exceed the context window of %s (%d)", cfg.InputTokens, m.ID, m.ContextWindow)
	}
	if m.MaxOutputTokens > 0 && cfg.OutputTokens+cfg.ReasoningTokens > m.MaxOutputTokens {
		c.invalid("outputTokens + reasoningTokens %d exceed the output limit of %s (%d)",
			cfg.OutputTokens+cfg.ReasoningTokens, m.ID, m.MaxOutputTokens)
	}
}

func (c configChecker) embedding(models map[string]*catalog.Model, cfg *EmbeddingConfig) {
	if cfg == nil {
		c.ps.add(CodeMissingModel, c.nid, nil, "%s has no embedding config naming a model", c.where)
		return
	}
	c.model(models, cfg.Model, true)
	c.tokens("tokens", cfg.Tokens, 1)
	c.calls(cfg.CallsPerRun)
	if cfg.Latency != nil {
		c.latency("latency", *cfg.Latency)
	}
}

func (c configChecker) service(cfg *ServiceConfig) {
	c.latency("latency", cfg.Latency)
	c.calls(cfg.CallsPerRun)
	if cfg.CostPerCall != nil && cfg.CostPerCall.IsNegative() {
		c.invalid("costPerCallUSD is %s; it must not be negative", cfg.CostPerCall)
	}
}

func (c configChecker) router(cfg *RouterConfig) {
	if len(cfg.Branches) == 0 {
		c.ps.add(CodeMissingConfig, c.nid, nil, "%s has no branches; give it at least one branch with a weight", c.where)
		return
	}
	if len(cfg.Branches) > MaxBranches {
		c.invalid("%d branches; the limit is %d", len(cfg.Branches), MaxBranches)
		return
	}
	seen := map[string]bool{}
	sum := decimal.Zero
	for i, b := range cfg.Branches {
		switch {
		case b.Name == "":
			c.invalid("branches[%d] has no name", i)
		case len(b.Name) > MaxIDLength:
			c.invalid("branches[%d] has a name of %d bytes; the limit is %d", i, len(b.Name), MaxIDLength)
		case seen[b.Name]:
			c.invalid("branch name %q is used twice", b.Name)
		}
		seen[b.Name] = true
		if b.Weight.IsNegative() || b.Weight.GreaterThan(one) {
			c.invalid("branch %q has weight %s; weights are probabilities between 0 and 1", b.Name, b.Weight)
		}
		sum = sum.Add(b.Weight)
	}
	if sum.Sub(one).Abs().GreaterThan(tolerance) {
		c.ps.add(CodeRouterWeights, c.nid, nil, "%s: branch weights sum to %s; they must sum to 1", c.where, sum)
	}
}

func (c configChecker) rate(field string, r decimal.Decimal) {
	if r.IsNegative() || r.GreaterThan(one) {
		c.invalid("%s is %s; it must be between 0 and 1", field, r)
	}
}

func (c configChecker) tokens(field string, v, min int) {
	if v < min || v > MaxTokens {
		c.invalid("%s is %d; it must be between %d and %d", field, v, min, MaxTokens)
	}
}

func (c configChecker) calls(v int) {
	if v < 0 || v > MaxCallsPerRun {
		c.invalid("callsPerRun is %d; it must be between 1 and %d (0 means 1)", v, MaxCallsPerRun)
	}
}

func (c configChecker) latency(field string, l Latency) {
	ok := func(x float64) bool { return !math.IsNaN(x) && x >= 0 && x <= MaxLatencyMs }
	switch {
	case !ok(l.P50Ms) || !ok(l.P95Ms):
		c.invalid("%s must be between 0 and %d ms (got p50 %v, p95 %v)", field, MaxLatencyMs, l.P50Ms, l.P95Ms)
	case l.P95Ms < l.P50Ms:
		c.invalid("%s p95 (%v ms) is below its p50 (%v ms)", field, l.P95Ms, l.P50Ms)
	}
}
