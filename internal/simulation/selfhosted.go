package simulation

import (
	"errors"
	"fmt"
	"math"
	"slices"
	"strings"

	"github.com/shopspring/decimal"

	"github.com/modelarchitect/architect/internal/catalog"
	"github.com/modelarchitect/architect/internal/deployment"
)

// SelfHostedPrefix starts the id of a self-hosted candidate: "deployment/" and the deployment's id.
const SelfHostedPrefix = "deployment/"

// SelfHosted is one of the workspace's SELF_HOSTED deployments whose model server a SWEEP load test measured.
// The simulation ranks it as a candidate of its own, "deployment/<DeploymentID>", sized and priced by the
// rule estimateDeployment uses (internal/deployment.SizeMeasured): the fewest replicas of the measured slots
// that serve the workload's peak within its SLA at most 85 % busy, priced like InstanceType.
type SelfHosted struct {
	DeploymentID string // the deployment's id as clients know it
	Model        string // the model it serves: a catalog id gives its quality and limits
	InstanceType string // the catalog instance type its hardware is priced like; "": it cannot be priced
	Region       string // preferred for InstanceType's price
	// Service is the measured service model per replica; its Provenance names the load test for people.
	Service    deployment.MeasuredService
	LoadTestID string // the load test that measured it, as clients know it
	MeasuredAt string // when that load test finished, YYYY-MM-DD
}

// ID is the candidate id the deployment is ranked under.
func (s SelfHosted) ID() string { return SelfHostedPrefix + s.DeploymentID }

// DeploymentFit is a self-hosted candidate's sizing on its measured capacity, with where the figures come
// from.
type DeploymentFit struct {
	DeploymentID string
	Model        string
	LoadTestID   string
	MeasuredAt   string // YYYY-MM-DD
	Provenance   string // the load test for people: id, name and date
	// Replicas is the fewest replicas that serve the peak within the SLA at most 85 % busy, each with
	// SlotsPerReplica slots serving a request in ServiceMillis = TTFT + TPOT × (output tokens − 1) as measured.
	Replicas        int
	SlotsPerReplica int
	ServiceMillis   float64
	// SLAFailsAboveRPS is the request rate above which the latency at the SLA percentile passes the SLA with
	// Replicas (M/M/c); nil without an SLA.
	SLAFailsAboveRPS *float64
	// InstanceType and HourlyUSD price one replica (the catalog's on-demand price of the type it is priced
	// like); with no price, CostUnknown and CostUnknownReason say why.
	InstanceType      string
	HourlyUSD         *decimal.Decimal
	CostUnknown       deployment.CostUnknown
	CostUnknownReason string
}

// selfHostedCandidates are the measured deployments w considers: all of them without a candidate list, else
// those it names by their id or their model's.
func selfHostedCandidates(hosted []SelfHosted, w Workload) []SelfHosted {
	var out []SelfHosted
	for _, h := range hosted {
		if len(w.Candidates) == 0 || slices.Contains(w.Candidates, h.ID()) || slices.Contains(w.Candidates, h.Model) {
			out = append(out, h)
		}
	}
	return out
}

// evaluateSelfHosted is evaluate for a measured deployment. The model's catalog row gives its quality, its
// capabilities and its context window; the measurement gives its speed and capacity, and the hardware's
// price its cost: monthly = replicas × the instance's hourly price × 24 × DaysPerMonth, whatever the tokens.
// Data regions and attestations are those of the team's own hosting, which the catalog does not know: a
// caveat says to check them rather than an exclusion.
func evaluateSelfHosted(cat *catalog.Catalog, h SelfHosted, w Workload, opt Options) (Candidate, error) {
	c := Candidate{ModelID: h.ID(), Name: h.Model + " on your deployment", Provider: "self-hosted"}
	add := func(code ReasonCode, format string, args ...any) {
		c.Reasons = append(c.Reasons, Reason{code, fmt.Sprintf(format, args...)})
	}
	m, err := cat.Model(h.Model)
	if err != nil {
		add(ReasonUnknownModel, "the deployment serves %s, which is not in the catalog: its quality and limits are unknown", h.Model)
		return c, nil
	}
	c.Name = m.Name + " on your deployment"
	if m.Mode != "chat" {
		add(ReasonNotChat, "%s is a %s model, not a chat model", h.Model, m.Mode)
	}
	if len(w.DataRegions) > 0 {
		c.Caveats = append(c.Caveats, fmt.Sprintf("data is processed where your server runs: check that it is in %s", strings.Join(w.DataRegions, ", ")))
	}
	if len(w.RequiredAttestations) > 0 {
		c.Caveats = append(c.Caveats, fmt.Sprintf("%s are your own hosting's to hold, not a provider's", strings.Join(w.RequiredAttestations, ", ")))
	}
	for _, capability := range w.RequiredCapabilities {
		if !m.HasCapability(capability) {
			add(ReasonCapability, "%s does not support %s", h.Model, capability)
		}
	}
	reasoning, _ := w.reasoningFor(m)
	c.Effort, c.ReasoningTokens = m.Effort, reasoning
	if ok, limit, why := m.Fits(w.InputTokens, w.OutputTokens, reasoning); !ok {
		code := ReasonContextWindow
		if limit == "output" {
			code = ReasonMaxOutput
		}
		add(code, "%s", why)
	}
	var meas *Measured
	if mm, ok := opt.Measured[m.ID]; ok {
		meas = &mm
	}
	c.Quality, c.QualityFit = judgeQuality(m, meas, w)
	switch {
	case !c.Quality.HasTier && c.Quality.Estimate == nil:
		add(ReasonNoQualityData, "%s has no published quality score; run a benchmark of at least %d items to measure its accuracy", h.Model, MinItems)
	case !c.QualityFit && c.Quality.Source != SourceCatalog:
		add(ReasonQuality, "%s's estimated accuracy %.1f%% (%s) is below the required %.1f%%", h.Model, *c.Quality.Estimate*100, c.Quality.Evidence, *w.MinAccuracy*100)
	case !c.QualityFit:
		add(ReasonQuality, "%s is tier %d (%s) at %s complexity; the workload needs tier %d", h.Model, c.Quality.Tier, tierName(c.Quality.Tier), w.Complexity, w.MinTier)
	}

	// Sized as estimateDeployment sizes it: decoded tokens are the answer and the hidden reasoning.
	decoded := max(w.OutputTokens+reasoning, 1)
	fit := &DeploymentFit{DeploymentID: h.DeploymentID, Model: h.Model, LoadTestID: h.LoadTestID, MeasuredAt: h.MeasuredAt,
		Provenance: h.Service.Provenance, SlotsPerReplica: h.Service.SlotsPerReplica,
		ServiceMillis: h.Service.InterceptMs + h.Service.MsPerOutputToken*float64(decoded-1)}
	c.Deployment = fit
	req := deployment.Request{Model: h.Model, Provider: deployment.ProviderSelfHosted, Region: h.Region, InstanceType: h.InstanceType,
		Throughput:       &deployment.Throughput{RequestsPerSecond: peakRPS(w), InputTokens: w.InputTokens, OutputTokens: decoded},
		LatencySLAMillis: w.LatencySLAMillis, SLAPercentile: w.SLAPercentile, Measured: &h.Service}
	sized, err := deployment.SizeMeasured(req)
	var nf *deployment.NoFitError
	var ve *deployment.ValidationError
	switch {
	case errors.As(err, &nf) && nf.Rejections[0].Reason == deployment.RejectLatency:
		add(ReasonSLA, "%s", nf.Rejections[0].Detail)
		return c, nil
	case errors.As(err, &nf), errors.As(err, &ve):
		add(ReasonOverCapacity, "its measured capacity cannot serve a peak of %.2f requests/s: %s", peakRPS(w), err)
		return c, nil
	case err != nil:
		return c, err
	}
	fit.Replicas, fit.SLAFailsAboveRPS = sized.Replicas, sized.SLAFailsAboveRPS
	servers := sized.Replicas * h.Service.SlotsPerReplica
	s := service{ttftMs: h.Service.InterceptMs, medianMs: fit.ServiceMillis, ttftSrc: SourceLoadTest, decodeSrc: SourceLoadTest, spread: SourceLoadTest}
	if h.Service.MsPerOutputToken > 0 {
		s.tps = 1000 / h.Service.MsPerOutputToken
	}
	rl := RateLimit{RequestsPerMinute: int64(math.Floor(float64(servers) / fit.ServiceMillis * 60_000)),
		Basis: fmt.Sprintf("no rate limit: %d replicas × %d slots of your own server as measured by %s", sized.Replicas, h.Service.SlotsPerReplica, h.Service.Provenance)}
	capa, lat, err := atLoad(s, w, rl, servers)
	if err != nil {
		return c, err
	}
	c.Capacity, c.Latency = &capa, lat
	c.SLAFit = lat != nil && (w.LatencySLAMillis == 0 || lat.AtSLAPercentileMillis <= w.LatencySLAMillis)

	if fit.CostUnknown, fit.CostUnknownReason = deployment.Unpriced(cat, req); fit.CostUnknown != "" {
		add(ReasonUnpriced, "%s: it would need %d replicas of %d measured slots at this peak, but its cost cannot be compared (%s)",
			h.Model+" on deployment "+h.DeploymentID, sized.Replicas, h.Service.SlotsPerReplica, fit.CostUnknownReason)
		return c, nil
	}
	in, _ := deployment.PricedLike(cat, h.InstanceType, h.Region)
	fit.InstanceType, fit.HourlyUSD = in.Type, &in.HourlyUSD
	cost := hardwareCost(in.HourlyUSD, sized.Replicas, w)
	c.Cost = &cost
	c.BudgetFit = w.MonthlyBudgetUSD == nil || !cost.Monthly.GreaterThan(*w.MonthlyBudgetUSD)
	if !c.BudgetFit {
		add(ReasonBudget, "costs $%s a month, above the $%s budget", cost.Monthly.StringFixed(2), w.MonthlyBudgetUSD.StringFixed(2))
	}
	return c, nil
}

// hardwareCost prices replicas instances of hourly US dollars for a month of DaysPerMonth days, whatever the
// tokens: daily = hourly × replicas × 24, monthly = daily × DaysPerMonth, per request = daily ÷ requests per
// day.
func hardwareCost(hourly decimal.Decimal, replicas int, w Workload) Cost {
	daily := hourly.Mul(decimal.NewFromInt(int64(replicas) * 24))
	monthly := daily.Mul(DaysPerMonth)
	return Cost{PerRequest: daily.Div(decimal.NewFromInt(w.RequestsPerDay)), Daily: daily, Monthly: monthly, MonthlyHardware: monthly,
		RegionalUplift: decimal.NewFromInt(1)}
}
