package benchmark

import (
	"fmt"
	"slices"
	"strings"
	"time"

	"github.com/shopspring/decimal"

	"github.com/modelarchitect/architect/internal/catalog"
)

// Estimate defaults.
const (
	DefaultCallLatency = 5 * time.Second // per-call latency assumed when EstimateInput.CallLatency is zero
	DefaultConcurrency = 4               // calls in flight per provider when none is configured
)

// EstimateInput describes a benchmark before it runs.
type EstimateInput struct {
	Items           []Item
	Models          []string // "provider/model" ids
	System          string   // system prompt sent with every call, if any
	MaxOutputTokens int      // output bound of every call; > 0
	Catalog         catalog.Catalog
	Concurrency     map[string]int // provider name → calls in flight at once; missing: DefaultConcurrency
	CallLatency     time.Duration  // expected latency of one call; 0: DefaultCallLatency
	Repeats         int            // runs of each item per model; 0 means 1
	Judge           *JudgeConfig   // the judge of JUDGE items; nil: their judge calls are counted but not priced
}

// TokenRange is a low and high bound of a token count.
type TokenRange struct {
	Low, High int64
}

// CostRange is a low and high bound of a cost in US dollars.
type CostRange struct {
	Low, High decimal.Decimal
}

// ModelEstimate is one model's share of an estimate.
type ModelEstimate struct {
	Model           string
	Calls           int
	MaxOutputTokens int        // the bound used: the input's, or the model's own maximum when smaller
	InputTokens     int64      // estimated with EstimatePromptTokens
	OutputTokens    TokenRange // 1 to MaxOutputTokens per call
	Cost            *CostRange // nil: the catalog has no price for the model
}

// Estimation is what a benchmark is expected to use before it runs.
type Estimation struct {
	Calls      int // answer calls plus JudgeCalls
	JudgeCalls int // per run of a JUDGE item per model, one (two with swapped positions), at most: cached verdicts make none
	// InputTokens, OutputTokens and Cost are the answering models'; the judge's are JudgeInputTokens,
	// JudgeOutputTokens and JudgeCost.
	InputTokens  int64
	OutputTokens TokenRange
	Cost         CostRange // sum over the priced models only; see UnpricedModels
	// JudgeInputTokens bounds the judge's prompts: its instructions with the rubric, the item's input (and the
	// reference of a pairwise judge) and the answer judged, from a one-token answer to one at the output bound.
	JudgeInputTokens TokenRange
	// JudgeOutputTokens runs from a short verdict (JudgeVerdictTokens) to JudgeMaxOutputTokens per call.
	JudgeOutputTokens TokenRange
	// JudgeCost prices the judge's calls at its catalog price; nil without judge calls or without a price.
	JudgeCost      *CostRange
	UnpricedModels []string // models without a catalog price, left out of Cost (never counted as free)
	Duration       time.Duration
	Models         []ModelEstimate // in input order
	CatalogVersion string
}

// Estimate bounds a benchmark's calls, tokens, cost and duration.
//
// Input tokens are estimated from the text (EstimatePromptTokens); output tokens lie between 1 and the output
// bound per call, so the cost range runs from "every answer is one token" to "every answer uses the bound".
// Prompt caching is not assumed. Duration assumes each provider works through its models' calls in waves of
// its concurrency, providers in parallel: max over providers of ⌈calls / concurrency⌉ × call latency.
func Estimate(in EstimateInput) (Estimation, error) {
	if err := Validate(in.Items); err != nil {
		return Estimation{}, err
	}
	if err := validateModels(in.Models); err != nil {
		return Estimation{}, err
	}
	if in.MaxOutputTokens < 1 {
		return Estimation{}, &ValidationError{Field: "maxOutputTokens", Reason: "must be 1 or more"}
	}
	if in.CallLatency < 0 {
		return Estimation{}, &ValidationError{Field: "callLatency", Reason: "must be 0 (default) or more"}
	}
	latency := in.CallLatency
	if latency == 0 {
		latency = DefaultCallLatency
	}
	if in.Repeats < 0 {
		return Estimation{}, &ValidationError{Field: "repeats", Reason: "must be 1 or more"}
	}
	k := int64(max(in.Repeats, 1))

	prompts := make([]int64, len(in.Items))
	var inputTotal int64
	for i, it := range in.Items {
		prompts[i] = EstimatePromptTokens(in.System, it.Input)
		inputTotal += prompts[i] * k
	}
	n := int64(len(in.Items)) * k
	est := Estimation{CatalogVersion: in.Catalog.Version, Cost: CostRange{Low: decimal.Zero, High: decimal.Zero}}
	callsPerProvider := map[string]int{}
	var providerOrder []string
	for _, id := range in.Models {
		me := ModelEstimate{Model: id, Calls: int(n), MaxOutputTokens: in.MaxOutputTokens, InputTokens: inputTotal}
		m, priced := findModel(in.Catalog, id)
		if priced && m.MaxOutputTokens > 0 {
			me.MaxOutputTokens = min(me.MaxOutputTokens, m.MaxOutputTokens)
		}
		me.OutputTokens = TokenRange{Low: n, High: n * int64(me.MaxOutputTokens)}
		if priced {
			c := estimateCost(m, prompts, int64(me.MaxOutputTokens), k)
			me.Cost = &c
			est.Cost.Low = est.Cost.Low.Add(c.Low)
			est.Cost.High = est.Cost.High.Add(c.High)
		} else {
			est.UnpricedModels = append(est.UnpricedModels, id)
		}
		est.Calls += me.Calls
		est.InputTokens += me.InputTokens
		est.OutputTokens.Low += me.OutputTokens.Low
		est.OutputTokens.High += me.OutputTokens.High
		est.Models = append(est.Models, me)

		provider, _, _ := strings.Cut(id, "/")
		if _, seen := callsPerProvider[provider]; !seen {
			providerOrder = append(providerOrder, provider)
		}
		callsPerProvider[provider] += me.Calls
	}
	judged := 0
	for _, it := range in.Items {
		if it.Assertion == AssertJudge {
			judged++
		}
	}
	perStep := 1
	if in.Judge != nil {
		perStep = in.Judge.CallsPerStep()
	}
	est.JudgeCalls = judged * int(k) * len(in.Models) * perStep
	est.Calls += est.JudgeCalls
	if in.Judge != nil && est.JudgeCalls > 0 {
		estimateJudge(&est, in, k)
	}
	for _, p := range providerOrder {
		c := in.Concurrency[p]
		if c < 0 {
			return Estimation{}, &ValidationError{Field: "concurrency", Reason: fmt.Sprintf("%s: must be 1 or more", p)}
		}
		if c == 0 {
			c = DefaultConcurrency
		}
		waves := (callsPerProvider[p] + c - 1) / c
		est.Duration = max(est.Duration, time.Duration(waves)*latency)
	}
	return est, nil
}

// JudgeVerdictTokens is the estimated length of a short verdict, the JSON contract's one sentence of reason,
// score and pass (about as long as a short chain of thought ending with a choice).
var JudgeVerdictTokens = EstimateTokens(`{"reason": "The answer covers the rubric's main point and leaves out nothing it asks for.", "score": 0.9, "pass": true}`)

// estimateJudge adds the judge's tokens and cost: per run of a JUDGE item per model, CallsPerStep calls of the
// judge's prompt around an answer of 1 to the model's output bound, each answered by JudgeVerdictTokens to
// JudgeMaxOutputTokens tokens, priced per call (a call above the long-context threshold at that tier).
func estimateJudge(est *Estimation, in EstimateInput, k int64) {
	calls := k * int64(in.Judge.CallsPerStep())
	judge, priced := findModel(in.Catalog, in.Judge.Model)
	cost := CostRange{Low: decimal.Zero, High: decimal.Zero}
	for _, me := range est.Models {
		maxOut := int64(me.MaxOutputTokens)
		for _, it := range in.Items {
			if it.Assertion != AssertJudge {
				continue
			}
			var system, user string
			if in.Judge.Pairwise != nil {
				system, user = in.Judge.PairwisePrompt(it.Input, "", it.Expected, true)
			} else {
				system, user = in.Judge.Prompt(it.Expected, it.Input, "")
			}
			base := EstimatePromptTokens(system, user)
			low := Usage{InputTokens: base + 1, OutputTokens: JudgeVerdictTokens}
			high := Usage{InputTokens: base + maxOut, OutputTokens: JudgeMaxOutputTokens}
			est.JudgeInputTokens.Low += low.InputTokens * calls
			est.JudgeInputTokens.High += high.InputTokens * calls
			est.JudgeOutputTokens.Low += low.OutputTokens * calls
			est.JudgeOutputTokens.High += high.OutputTokens * calls
			if priced {
				n := decimal.NewFromInt(calls)
				cost.Low = cost.Low.Add(CallCost(judge, low).Mul(n))
				cost.High = cost.High.Add(CallCost(judge, high).Mul(n))
			}
		}
	}
	if priced {
		est.JudgeCost = &cost
	}
}

// estimateCost sums the cost of one call per prompt with 1 and with maxOut output tokens, grouping calls by
// price tier so the sums stay exact and fast.
func estimateCost(m catalog.Model, prompts []int64, maxOut, repeats int64) CostRange {
	var in [2]int64 // input tokens below and above the long-context tier
	var calls [2]int64
	for _, p := range prompts {
		t := 0
		if aboveTier(m, p) {
			t = 1
		}
		in[t] += p * repeats
		calls[t] += repeats
	}
	r := CostRange{Low: decimal.Zero, High: decimal.Zero}
	for t, above := range []bool{false, true} {
		if calls[t] == 0 {
			continue
		}
		r.Low = r.Low.Add(costAt(m, Usage{InputTokens: in[t], OutputTokens: calls[t]}, above))
		r.High = r.High.Add(costAt(m, Usage{InputTokens: in[t], OutputTokens: calls[t] * maxOut}, above))
	}
	return r
}

// validateModels checks "provider/model" ids: present, well formed, no repeats.
func validateModels(ids []string) error {
	if len(ids) == 0 {
		return &ValidationError{Field: "models", Reason: "name at least one model"}
	}
	for i, id := range ids {
		provider, model, ok := strings.Cut(id, "/")
		if !ok || provider == "" || strings.TrimSpace(model) == "" {
			return &ValidationError{Field: fmt.Sprintf("models[%d]", i), Reason: fmt.Sprintf("%q must be written provider/model, e.g. openai/gpt-4.1-mini", id)}
		}
		if slices.Contains(ids[:i], id) {
			return &ValidationError{Field: fmt.Sprintf("models[%d]", i), Reason: fmt.Sprintf("%q is listed twice", id)}
		}
	}
	return nil
}
