package simulation

import (
	"cmp"
	"fmt"
	"math"
	"slices"
	"strings"

	"github.com/shopspring/decimal"

	"github.com/modelarchitect/architect/internal/catalog"
)

// ReasonCode says why a candidate was excluded.
type ReasonCode string

const (
	ReasonNotChat       ReasonCode = "NOT_CHAT"        // not a chat model
	ReasonSelfHostOnly  ReasonCode = "SELF_HOST_ONLY"  // no hosted API price; cost it as a deployment
	ReasonDeprecated    ReasonCode = "DEPRECATED"      // retired on or before Options.AsOf
	ReasonUnknownModel  ReasonCode = "UNKNOWN_MODEL"   // a requested candidate is not in the catalog
	ReasonRegion        ReasonCode = "REGION"          // cannot process data in an allowed region
	ReasonCapability    ReasonCode = "CAPABILITY"      // lacks a required capability
	ReasonAttestation   ReasonCode = "ATTESTATION"     // lacks a required attestation
	ReasonContextWindow ReasonCode = "CONTEXT_WINDOW"  // input does not fit
	ReasonMaxOutput     ReasonCode = "MAX_OUTPUT"      // output (+ reasoning) above the model's maximum
	ReasonNoQualityData ReasonCode = "NO_QUALITY_DATA" // no published score and no benchmark accuracy
	ReasonQuality       ReasonCode = "QUALITY"         // tier or accuracy below the workload's floor
	ReasonNoSpeedData   ReasonCode = "NO_SPEED_DATA"   // no speed figures and no benchmark
	ReasonOverCapacity  ReasonCode = "OVER_CAPACITY"   // peak traffic reaches the assumed rate limit
	ReasonSLA           ReasonCode = "SLA"             // latency at the SLA percentile above the SLA
	ReasonBudget        ReasonCode = "BUDGET"          // monthly cost above the budget
	ReasonUnpriced      ReasonCode = "UNPRICED"        // a self-hosted deployment whose hardware the catalog does not price
)

// Reason is one cause of exclusion, with a sentence a person can act on.
type Reason struct {
	Code    ReasonCode
	Message string
}

// Quality is how a candidate's quality was judged.
type Quality struct {
	Tier              catalog.Tier
	HasTier           bool
	IntelligenceIndex *float64
	Accuracy          *float64 // measured, when benchmarked (shown even when too few items to count)
	Items             int      // the benchmark's items behind Accuracy
	// Estimate is the expected share of the workload's items done right: the catalog prior, the benchmark,
	// or both blended by sample size (evidence.go); nil when neither exists.
	Estimate *float64
	Value    float64 // the QUALITY feature's value, 0..1: Estimate
	Source   Source  // where Estimate comes from: CATALOG, BENCHMARK or BLEND
	Evidence string  // a sentence naming the catalog figure and date, the benchmark and its n, or both
}

// Candidate is one model's result. Ranked candidates have Rank ≥ 1 and a score; excluded ones have Reasons.
type Candidate struct {
	ModelID          string
	Name             string
	Provider         string
	ProcessingRegion string // region chosen for the data constraint; "" when the workload has none
	Cost             *Cost  // nil when the model has no hosted price
	Capacity         *Capacity
	Latency          *Latency // nil without speed figures or when peak traffic exceeds capacity
	Quality          Quality
	SLAFit           bool
	BudgetFit        bool
	QualityFit       bool
	Features         []Feature
	Score            float64
	Rank             int
	Pareto           bool
	Reasons          []Reason
	Caveats          []string // conditions from the catalog's provider facts, e.g. "EU residency needs approval"
	// Effort is the reasoning effort of the configuration ranked ("" when the source names none); a
	// candidate "provider/model@effort" is that model called at that effort.
	Effort string
	// ReasoningTokens are the hidden reasoning tokens per request costed; ReasoningEstimated says they are
	// the catalog's estimate for the configuration rather than the workload's figure.
	ReasoningTokens    int
	ReasoningEstimated bool
	// Deployment is set on a self-hosted candidate (Options.SelfHosted): its sizing on the measured capacity
	// and where the figures come from.
	Deployment *DeploymentFit
}

// EngineVersion changes whenever the way a simulation computes its figures or its ranking changes, so that
// stored results computed by an older engine can be found and recomputed (with CatalogVersion).
const EngineVersion = "2026-12-08"

// Result is a simulation of one workload on one catalog version.
type Result struct {
	CatalogVersion string
	EngineVersion  string
	Workload       Workload // with defaults applied
	DaysPerMonth   decimal.Decimal
	PeakRPS        float64
	Weights        Weights
	QualityBasis   Source // BENCHMARK when every ranked candidate's quality estimate includes a benchmark, else CATALOG
	Anchors        Anchors
	Ranked         []Candidate
	Excluded       []Candidate
	Winner         string // "" when nothing fits
	ParetoFront    []string
}

// Simulate evaluates every candidate model of cat for w. It returns a *ValidationError for bad input.
func Simulate(cat *catalog.Catalog, w Workload, opt Options) (*Result, error) {
	if cat == nil {
		return nil, invalid("catalog", "is nil")
	}
	w, err := w.normalize()
	if err != nil {
		return nil, err
	}
	if err := opt.validate(); err != nil {
		return nil, err
	}
	weights := DefaultWeights
	if opt.Weights != nil {
		weights = *opt.Weights
	}
	res := &Result{
		CatalogVersion: cat.Version,
		EngineVersion:  EngineVersion,
		Workload:       w,
		DaysPerMonth:   DaysPerMonth,
		PeakRPS:        float64(w.RequestsPerDay) * w.PeakFactor / secondsPerDay,
		Weights:        weights,
	}
	var fitting []Candidate
	keep := func(c Candidate) {
		if len(c.Reasons) == 0 {
			fitting = append(fitting, c)
		} else {
			res.Excluded = append(res.Excluded, c)
		}
	}
	for _, m := range candidates(cat, w, opt) {
		c, err := evaluate(m.model, m.found, m.id, w, opt)
		if err != nil {
			return nil, fmt.Errorf("simulate %s: %w", m.id, err)
		}
		keep(c)
	}
	for _, h := range selfHostedCandidates(opt.SelfHosted, w) {
		c, err := evaluateSelfHosted(cat, h, w, opt)
		if err != nil {
			return nil, fmt.Errorf("simulate %s: %w", h.ID(), err)
		}
		keep(c)
	}
	res.Anchors = anchorsOf(cat, w, opt)
	res.QualityBasis = score(fitting, w, weights, res.Anchors)
	slices.SortFunc(fitting, func(a, b Candidate) int {
		return cmp.Or(cmp.Compare(b.Score, a.Score), a.Cost.Monthly.Cmp(b.Cost.Monthly), cmp.Compare(a.ModelID, b.ModelID))
	})
	for i := range fitting {
		fitting[i].Rank = i + 1
	}
	res.ParetoFront = markPareto(fitting)
	res.Ranked = fitting
	if len(fitting) > 0 {
		res.Winner = fitting[0].ModelID
	}
	slices.SortFunc(res.Excluded, func(a, b Candidate) int { return cmp.Compare(a.ModelID, b.ModelID) })
	return res, nil
}

type candidateModel struct {
	id    string
	model catalog.Model
	found bool
}

func candidates(cat *catalog.Catalog, w Workload, opt Options) []candidateModel {
	if len(w.Candidates) == 0 {
		out := make([]candidateModel, len(cat.Models))
		for i, m := range cat.Models {
			out[i] = candidateModel{id: m.ID, model: m, found: true}
		}
		return out
	}
	ids := slices.Clone(w.Candidates)
	slices.Sort(ids)
	ids = slices.Compact(ids)
	out := make([]candidateModel, 0, len(ids))
	for _, id := range ids {
		if slices.ContainsFunc(opt.SelfHosted, func(h SelfHosted) bool { return h.ID() == id }) {
			continue // evaluated as a self-hosted candidate
		}
		m, err := cat.Model(id)
		out = append(out, candidateModel{id: id, model: m, found: err == nil})
	}
	return out
}

// evaluate computes everything about one candidate and collects every reason to exclude it.
func evaluate(m catalog.Model, found bool, id string, w Workload, opt Options) (Candidate, error) {
	c := Candidate{ModelID: id, Name: m.Name, Provider: m.Provider}
	if !found {
		c.Reasons = append(c.Reasons, Reason{ReasonUnknownModel, fmt.Sprintf("%s is not in catalog; check the id (provider/model)", id)})
		return c, nil
	}
	add := func(code ReasonCode, format string, args ...any) {
		c.Reasons = append(c.Reasons, Reason{code, fmt.Sprintf(format, args...)})
	}
	if m.FactsNote != "" {
		c.Caveats = append(c.Caveats, m.FactsNote)
	}
	if m.Mode != "chat" {
		add(ReasonNotChat, "%s is a %s model, not a chat model", id, m.Mode)
	}
	if m.SelfHostOnly {
		add(ReasonSelfHostOnly, "%s has no hosted API price in the catalog; estimate a self-hosted deployment instead", id)
	}
	if opt.AsOf != "" && m.DeprecationDate != "" && m.DeprecationDate <= opt.AsOf {
		add(ReasonDeprecated, "%s was retired on %s", id, m.DeprecationDate)
	}

	region, uplift, ok := processingRegion(m, w.DataRegions)
	c.ProcessingRegion = region
	if !ok && !m.SelfHostOnly { // a self-hosted model processes data wherever it is deployed
		add(ReasonRegion, "%s processes data in %s; the workload allows only %s", id, listOr(m.Regions, "no stated region"), strings.Join(w.DataRegions, ", "))
	}
	for _, capability := range w.RequiredCapabilities {
		if !m.HasCapability(capability) {
			add(ReasonCapability, "%s does not support %s", id, capability)
		}
	}
	for _, a := range w.RequiredAttestations {
		if !m.HasAttestation(a) {
			add(ReasonAttestation, "%s has no %s attestation in the catalog", id, a)
		}
	}
	reasoning, estimated := w.reasoningFor(m)
	c.Effort, c.ReasoningTokens, c.ReasoningEstimated = m.Effort, reasoning, estimated
	if estimated && reasoning > 0 {
		c.Caveats = append(c.Caveats, fmt.Sprintf("%d reasoning tokens per request at %s effort are an estimate (%s); set reasoningTokens if you know better",
			reasoning, orNone(m.Effort), m.ExpectedReasoning.Provenance.Source))
	}
	// Feasibility before ranking: the request must fit the model's limits as its API counts them (TOTAL:
	// input + output + reasoning share the window; SPLIT: separate input and output limits).
	if ok, limit, why := m.Fits(w.InputTokens, w.OutputTokens, reasoning); !ok {
		code := ReasonContextWindow
		if limit == "output" {
			code = ReasonMaxOutput
		}
		add(code, "%s", why)
		if limit == "output" {
			// The window may be broken too; say so as well (checked without the output limit).
			m := m
			m.MaxOutputTokens = 0
			if ok, _, why := m.Fits(w.InputTokens, w.OutputTokens, reasoning); !ok {
				add(ReasonContextWindow, "%s", why)
			}
		}
	}

	var meas *Measured
	if mm, ok := opt.Measured[id]; ok {
		meas = &mm
	}
	c.Quality, c.QualityFit = judgeQuality(m, meas, w)
	switch {
	case !c.Quality.HasTier && c.Quality.Estimate == nil:
		add(ReasonNoQualityData, "%s has no published quality score; run a benchmark of at least %d items to measure its accuracy", id, MinItems)
	case !c.QualityFit && c.Quality.Source != SourceCatalog:
		add(ReasonQuality, "%s's estimated accuracy %.1f%% (%s) is below the required %.1f%%", id, *c.Quality.Estimate*100, c.Quality.Evidence, *w.MinAccuracy*100)
	case !c.QualityFit:
		add(ReasonQuality, "%s is tier %d (%s) at %s complexity; the workload needs tier %d", id, c.Quality.Tier, tierName(c.Quality.Tier), w.Complexity, w.MinTier)
	}

	if !m.SelfHostOnly && found {
		cost := costOf(m, w, uplift)
		c.Cost = &cost
		c.BudgetFit = w.MonthlyBudgetUSD == nil || !cost.Monthly.GreaterThan(*w.MonthlyBudgetUSD)
		if !c.BudgetFit {
			add(ReasonBudget, "costs $%s a month, above the $%s budget", cost.Monthly.StringFixed(2), w.MonthlyBudgetUSD.StringFixed(2))
		}
	}

	s, ok := serviceTime(m, meas, w.OutputTokens)
	if !ok {
		add(ReasonNoSpeedData, "%s has no speed figures; run a benchmark to measure its latency", id)
		return c, nil
	}
	capa, lat, err := atPeak(s, w, opt.rateLimit(m.Provider), reasoning)
	if err != nil {
		return c, err
	}
	c.Capacity, c.Latency = &capa, lat
	if lat == nil {
		add(ReasonOverCapacity, "peak traffic of %.2f requests/s reaches the %.2f requests/s the assumed rate limit sustains (%s)",
			capa.PeakRPS, capa.SustainableRPS, capa.RateLimit.Basis)
		return c, nil
	}
	c.SLAFit = w.LatencySLAMillis == 0 || lat.AtSLAPercentileMillis <= w.LatencySLAMillis
	if !c.SLAFit {
		add(ReasonSLA, "p%s latency at peak is %.0f ms, above the %.0f ms SLA", pct(w.SLAPercentile), lat.AtSLAPercentileMillis, w.LatencySLAMillis)
	}
	return c, nil
}

// processingRegion picks where the data is processed: with no constraint, nowhere in particular at list
// price; otherwise the allowed region with the smallest uplift (ties alphabetically).
func processingRegion(m catalog.Model, allowed []string) (string, decimal.Decimal, bool) {
	one := decimal.NewFromInt(1)
	if len(allowed) == 0 {
		return "", one, true
	}
	best, bestUplift, found := "", one, false
	regions := slices.Clone(m.Regions)
	slices.Sort(regions)
	for _, r := range regions {
		if !slices.Contains(allowed, r) {
			continue
		}
		u := one
		if x, ok := m.RegionalUplift[r]; ok {
			u = x
		}
		if !found || u.LessThan(bestUplift) {
			best, bestUplift, found = r, u, true
		}
	}
	return best, bestUplift, found
}

// judgeQuality estimates quality (evidence.go) and decides the fit: with a benchmark that counts and an
// accuracy floor, the estimate against MinAccuracy; otherwise the catalog tier against MinTier; a model with
// only a benchmark and no floor fits.
func judgeQuality(m catalog.Model, meas *Measured, w Workload) (Quality, bool) {
	q := Quality{}
	if m.Quality != nil {
		q.IntelligenceIndex = m.Quality.IntelligenceIndex
	}
	q.Tier, q.HasTier = m.TierAt(w.Complexity)
	if meas != nil && meas.Accuracy != nil {
		q.Accuracy, q.Items = meas.Accuracy, meas.Items
	}
	q.Estimate, q.Source, q.Evidence = accuracyEstimate(m, meas)
	if q.Estimate != nil {
		q.Value = *q.Estimate
	}
	measured := q.Source != SourceCatalog
	switch {
	case measured && w.MinAccuracy != nil:
		return q, *q.Estimate >= *w.MinAccuracy
	case q.HasTier:
		return q, q.Tier >= w.MinTier
	case measured:
		return q, true
	}
	return q, false
}

// Anchors are the fixed points cost and latency are scored against when the workload gives no budget (or no
// SLA): the cheapest and dearest monthly cost, and the lowest and highest latency at the SLA percentile, over
// every model of the catalog that could serve any workload at all (a priced chat model not retired by AsOf),
// for this workload, from catalog figures only. They do not depend on which candidates are listed or
// measured, so neither does any candidate's score: removing a candidate never reorders the others.
type Anchors struct {
	CostLow, CostHigh       float64 // US dollars a month
	LatencyLow, LatencyHigh float64 // milliseconds at the SLA percentile
}

func anchorsOf(cat *catalog.Catalog, w Workload, opt Options) Anchors {
	var a Anchors
	first := true
	firstLat := true
	for _, m := range cat.Models {
		if m.Mode != "chat" || m.SelfHostOnly || (opt.AsOf != "" && m.DeprecationDate != "" && m.DeprecationDate <= opt.AsOf) {
			continue
		}
		cost := costOf(m, w, decimal.NewFromInt(1)).Monthly.InexactFloat64()
		if cost > 0 {
			if first {
				a.CostLow, a.CostHigh, first = cost, cost, false
			}
			a.CostLow, a.CostHigh = min(a.CostLow, cost), max(a.CostHigh, cost)
		}
		s, ok := serviceTime(m, nil, w.OutputTokens)
		if !ok {
			continue
		}
		r, _ := w.reasoningFor(m)
		if _, lat, err := atPeak(s, w, opt.rateLimit(m.Provider), r); err == nil && lat != nil && lat.AtSLAPercentileMillis > 0 {
			l := lat.AtSLAPercentileMillis
			if firstLat {
				a.LatencyLow, a.LatencyHigh, firstLat = l, l, false
			}
			a.LatencyLow, a.LatencyHigh = min(a.LatencyLow, l), max(a.LatencyHigh, l)
		}
	}
	return a
}

// logScale is 1 at or below low, 0 at or above high, and in between falls with the logarithm of x: costs and
// latencies of models span orders of magnitude, and twice as dear should weigh the same at any price.
func logScale(x, low, high float64) float64 {
	switch {
	case !(high > low) || low <= 0:
		return 1
	case x <= low:
		return 1
	case x >= high:
		return 0
	}
	return 1 - math.Log(x/low)/math.Log(high/low)
}

// score sets the features of the ranked candidates, each from the candidate's own figures and fixed
// reference points only (no other candidate's), and reports the basis of the QUALITY feature for display:
// BENCHMARK when every ranked candidate's quality estimate includes a benchmark, else CATALOG.
//
//	cost    = 1 − monthly cost ÷ budget, or without a budget logScale(cost, Anchors.CostLow, Anchors.CostHigh)
//	latency = 1 − latency at the SLA percentile ÷ SLA, or without one logScale over the latency anchors
//	quality = the estimated accuracy (evidence.go);  headroom = 1 − utilisation at peak
func score(cs []Candidate, w Workload, weights Weights, a Anchors) Source {
	basis := SourceCatalog
	if len(cs) > 0 {
		basis = SourceBenchmark
		for _, c := range cs {
			if c.Quality.Source == SourceCatalog {
				basis = SourceCatalog
				break
			}
		}
	}
	for i := range cs {
		c := &cs[i]
		cost := c.Cost.Monthly.InexactFloat64()
		costValue := logScale(cost, a.CostLow, a.CostHigh)
		if w.MonthlyBudgetUSD != nil && w.MonthlyBudgetUSD.IsPositive() {
			costValue = 1 - c.Cost.Monthly.Div(*w.MonthlyBudgetUSD).InexactFloat64()
		}
		lat := c.Latency.AtSLAPercentileMillis
		latValue := logScale(lat, a.LatencyLow, a.LatencyHigh)
		if w.LatencySLAMillis > 0 {
			latValue = 1 - lat/w.LatencySLAMillis
		}
		c.Features = []Feature{
			NewFeature(FeatureCost, costValue, weights),
			NewFeature(FeatureLatency, latValue, weights),
			NewFeature(FeatureQuality, c.Quality.Value, weights),
			NewFeature(FeatureHeadroom, 1-c.Capacity.Utilization, weights),
		}
		c.Score = Score(c.Features)
	}
	return basis
}

// markPareto flags the ranked candidates no other ranked candidate beats on cost, p95 latency and quality at
// once (no worse on all three and better on one), and returns their ids in rank order.
func markPareto(cs []Candidate) []string {
	var front []string
	for i := range cs {
		dominated := false
		for j := range cs {
			if i != j && dominates(cs[j], cs[i]) {
				dominated = true
				break
			}
		}
		cs[i].Pareto = !dominated
		if !dominated {
			front = append(front, cs[i].ModelID)
		}
	}
	return front
}

func dominates(a, b Candidate) bool {
	costCmp := a.Cost.Monthly.Cmp(b.Cost.Monthly)
	latA, latB := a.Latency.P95Millis, b.Latency.P95Millis
	qa, qb := a.Quality.Value, b.Quality.Value
	noWorse := costCmp <= 0 && latA <= latB && qa >= qb
	better := costCmp < 0 || latA < latB || qa > qb
	return noWorse && better
}

func tierName(t catalog.Tier) string {
	return [...]string{"unsuitable", "weak", "adequate", "good"}[max(0, min(3, int(t)))]
}

func listOr(xs []string, empty string) string {
	if len(xs) == 0 {
		return empty
	}
	return strings.Join(xs, ", ")
}

func orNone(s string) string {
	if s == "" {
		return "its measured"
	}
	return s
}

func pct(p float64) string {
	return strings.TrimSuffix(strings.TrimRight(fmt.Sprintf("%.2f", p), "0"), ".")
}
