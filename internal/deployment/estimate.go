package deployment

import (
	"errors"
	"fmt"
	"math"
	"slices"
	"strings"

	"github.com/shopspring/decimal"

	"github.com/modelarchitect/architect/internal/catalog"
)

// HoursPerMonth is 365 × 24 ÷ 12 = 730, the month the AWS Pricing Calculator and Infracost bill
// on-demand instances for.
const HoursPerMonth = 730

// Plan is one way to run the deployment, with its cost.
type Plan struct {
	Provider          Provider        `json:"provider"` // the provider whose price is used
	Region            string          `json:"region"`
	InstanceType      string          `json:"instanceType"`
	GPU               string          `json:"gpu"`
	GPUCount          int             `json:"gpuCount"` // per instance
	Replicas          int             `json:"replicas"` // instances
	InstanceHourlyUSD decimal.Decimal `json:"instanceHourlyUSD"`
	HourlyUSD         decimal.Decimal `json:"hourlyUSD"`  // InstanceHourlyUSD × Replicas
	MonthlyUSD        decimal.Decimal `json:"monthlyUSD"` // HourlyUSD × HoursPerMonth
	Capacity          *Capacity       `json:"capacity,omitempty"`
	// Utilization is the target load over what the replicas' slots can serve (λ ÷ cμ). MeetsTarget says the
	// plan serves the load with Utilization ≤ MaxUtilization and, with an SLA, LatencyAtPercentileMs within
	// it. These and the queue figures below are only meaningful with a Capacity.
	Utilization float64 `json:"utilization,omitempty"`
	MeetsTarget bool    `json:"meetsTarget"`
	// SLAPercentile is the percentile LatencyAtPercentileMs is at (the request's, default 95).
	SLAPercentile float64 `json:"slaPercentile,omitempty"`
	// LatencyAtPercentileMs is a request's latency at SLAPercentile: service time at the batch plus the
	// queueing delay at that percentile (sizing.go); null in JSON when the queue is unstable.
	LatencyAtPercentileMs *float64 `json:"latencyAtPercentileMs,omitempty"`
	// QueueWaitMs is the waiting time for a free slot at SLAPercentile; ProbabilityOfWaiting is the share of
	// requests that wait at all (Erlang C).
	QueueWaitMs          float64 `json:"queueWaitMs,omitempty"`
	ProbabilityOfWaiting float64 `json:"probabilityOfWaiting,omitempty"`
	// SLAFailsAboveRPS is the request rate above which LatencyAtPercentileMs would exceed the SLA with this
	// plan's replicas and slots (0: one request alone exceeds it); nil without an SLA or a load to size for.
	SLAFailsAboveRPS *float64 `json:"slaFailsAboveRps,omitempty"`
	// MeasuredBy names the load test whose measured service model sized the plan (Request.Measured); "" when
	// the capacity comes from the roofline model over the catalog's GPU figures.
	MeasuredBy string             `json:"measuredBy,omitempty"`
	Price      catalog.Provenance `json:"price"`
	// PriceObservedOn is when the instance price was seen ("" unknown); PriceStale says to check it before
	// trusting the cost: it carries a caveat (PriceCaveat), has no date, or is older than MaxPriceAgeDays.
	PriceObservedOn string `json:"priceObservedOn,omitempty"`
	PriceCaveat     string `json:"priceCaveat,omitempty"`
	PriceStale      bool   `json:"priceStale"`
}

// MaxPriceAgeDays is how old an instance price may be before a plan flags it: cloud GPU prices have moved by
// tens of percent within months (AWS's June 2025 P4/P5 cut).
const MaxPriceAgeDays = 180

// Estimation is the answer to a Request.
type Estimation struct {
	Model    string   `json:"model"`
	Provider Provider `json:"provider"`
	Region   string   `json:"region"`
	// Plan is the cheapest plan that meets the target; nil when the cost is unknown (CostUnknown says why in
	// a word, CostUnknownReason in a sentence).
	Plan              *Plan       `json:"plan,omitempty"`
	CostUnknown       CostUnknown `json:"costUnknown,omitempty"`
	CostUnknownReason string      `json:"costUnknownReason,omitempty"`
	// Sizing is the load sized on a measured capacity (Request.Measured) without a price: the replicas it
	// needs and the queue at the load. It is set whenever a measured capacity sized a throughput, priced or
	// not (a priced Plan holds the same figures), so an unpriced SELF_HOSTED server is still sized.
	Sizing *Plan `json:"sizing,omitempty"`
	// Alternatives are the cheapest plans in the provider's other regions, cheapest first.
	Alternatives []Plan `json:"alternatives"`
	// Rejections are the instance types of the region that cannot serve the request, and why.
	Rejections     []Rejection `json:"rejections,omitempty"`
	Notes          []string    `json:"notes,omitempty"`
	HoursPerMonth  int         `json:"hoursPerMonth"`
	CatalogVersion string      `json:"catalogVersion"`
}

// CostUnknown says why an estimate has no price.
type CostUnknown string

const (
	// CostNoInstanceType: a SELF_HOSTED deployment without an instance type runs on hardware the catalog does
	// not price.
	CostNoInstanceType CostUnknown = "NO_INSTANCE_TYPE"
	// CostUnknownInstanceType: the instance type named is not in the catalog.
	CostUnknownInstanceType CostUnknown = "UNKNOWN_INSTANCE_TYPE"
)

// Unpriced says why a request cannot be priced, in a word and in a sentence that says what to do; "" when
// it can (a cloud request, or SELF_HOSTED priced like a catalog instance type).
func Unpriced(cat *catalog.Catalog, req Request) (CostUnknown, string) {
	if req.Provider != ProviderSelfHosted {
		return "", ""
	}
	if req.InstanceType == "" {
		return CostNoInstanceType, "a SELF_HOSTED deployment runs on your own hardware, which the catalog does not price; " +
			"set config.instanceType (and config.replicas) to a catalog instance type to estimate it at that type's on-demand price"
	}
	if _, ok := PricedLike(cat, req.InstanceType, req.Region); ok {
		return "", ""
	}
	return CostUnknownInstanceType, fmt.Sprintf("instance type %q is not in the catalog, so its cost is unknown; "+
		"name a catalog instance type with the same GPUs to estimate it", req.InstanceType)
}

// PricedLike is the catalog instance a SELF_HOSTED server of instanceType is priced like: the type in region
// if it is offered there, else its cheapest offer (ties by provider and region); ok is false when the
// catalog has no such type.
func PricedLike(cat *catalog.Catalog, instanceType, region string) (catalog.Instance, bool) {
	var match []catalog.Instance
	for _, in := range cat.Instances {
		if in.Type == instanceType {
			match = append(match, in)
		}
	}
	if len(match) == 0 {
		return catalog.Instance{}, false
	}
	slices.SortStableFunc(match, func(a, b catalog.Instance) int {
		if ra, rb := a.Region == region, b.Region == region; ra != rb {
			if ra {
				return -1
			}
			return 1
		}
		if c := a.HourlyUSD.Cmp(b.HourlyUSD); c != 0 {
			return c
		}
		return strings.Compare(a.Provider+a.Region, b.Provider+b.Region)
	})
	return match[0], true
}

// SizeMeasured sizes a SELF_HOSTED load on its measured capacity alone, with no catalog and no price: the
// fewest replicas (or req.Replicas) that serve req.Throughput within the SLA at most MaxUtilization busy, the
// queue at that load and the rate above which the SLA fails. The model need not be in the catalog. Bad input
// is a *ValidationError; a load the measured server cannot serve within the SLA a *NoFitError.
func SizeMeasured(req Request) (*Plan, error) {
	switch {
	case req.Measured == nil:
		return nil, invalid("measured", "sizing on a measured capacity needs one: run a SWEEP load test of the model server")
	case req.Throughput == nil:
		return nil, invalid("throughput", "give a throughput target (requests per second with input and output tokens) to size the deployment for")
	case req.Replicas < 0 || req.Replicas > MaxReplicas:
		return nil, invalid("replicas", "replicas must be between 1 and %d (0: size from the throughput)", MaxReplicas)
	}
	if err := checkLoad(req); err != nil {
		return nil, err
	}
	p := &Plan{Provider: ProviderSelfHosted, Region: req.Region}
	if rej := (planner{req: req}).size(p); rej != nil {
		return nil, &NoFitError{Provider: req.Provider, Region: req.Region, Model: req.Model, Rejections: []Rejection{*rej}}
	}
	return p, nil
}

// NoFitError says that no instance type in the region can serve the request, and why.
type NoFitError struct {
	Provider   Provider
	Region     string
	Model      string
	Rejections []Rejection // why each instance type of the region was rejected
	// Regions lists the provider's regions that have instances, when the region has none (or none of the
	// requested type).
	Regions []string
	// Alternatives are plans that fit in other regions, cheapest first.
	Alternatives []Plan
}

func (e *NoFitError) Error() string {
	var b strings.Builder
	if len(e.Rejections) == 1 && e.Rejections[0].InstanceType == "" { // sized on a measured capacity, no instance type
		fmt.Fprintf(&b, "the measured capacity cannot serve the load: %s (%s)", strings.ToLower(string(e.Rejections[0].Reason)), e.Rejections[0].Detail)
		return b.String()
	}
	if len(e.Rejections) == 0 {
		fmt.Fprintf(&b, "no %s instance in region %q", e.Provider, e.Region)
		if len(e.Regions) > 0 {
			fmt.Fprintf(&b, "; regions with instances: %s", strings.Join(e.Regions, ", "))
		}
	} else {
		fmt.Fprintf(&b, "no %s instance type in %s can serve %s:", e.Provider, e.Region, e.Model)
		for i, r := range e.Rejections {
			if i == 5 {
				fmt.Fprintf(&b, " and %d more", len(e.Rejections)-5)
				break
			}
			if i > 0 {
				b.WriteString(";")
			}
			fmt.Fprintf(&b, " %s: %s (%s)", r.InstanceType, strings.ToLower(string(r.Reason)), r.Detail)
		}
	}
	if len(e.Alternatives) > 0 {
		a := e.Alternatives[0]
		fmt.Fprintf(&b, "; cheapest elsewhere: %d × %s in %s at $%s/h", a.Replicas, a.InstanceType, a.Region, a.HourlyUSD)
	}
	return b.String()
}

// Estimate returns the cheapest instance type and replica count in the request's region that meets the
// throughput target and latency SLA, its cost per hour and per month, and the cheapest plan in each other
// region of the same provider. A SELF_HOSTED deployment is priced only when InstanceType names a catalog
// instance type (at that type's on-demand price); otherwise the Estimation has no Plan and says why.
// Bad input is a *ValidationError; nothing that fits is a *NoFitError.
func Estimate(cat *catalog.Catalog, req Request) (*Estimation, error) {
	if cat == nil {
		return nil, errors.New("deployment: no catalog")
	}
	model, err := checkRequest(cat, req)
	if err != nil {
		return nil, err
	}
	est := &Estimation{
		Model: req.Model, Provider: req.Provider, Region: req.Region, Alternatives: []Plan{},
		HoursPerMonth: HoursPerMonth, CatalogVersion: cat.Version,
	}
	pl := planner{gpus: cat.GPUs, model: model, req: req}
	if req.Provider == ProviderSelfHosted {
		return pl.selfHosted(cat, est)
	}
	byRegion := map[string][]catalog.Instance{}
	for _, in := range cat.Instances {
		if req.Provider.is(in.Provider) && (req.InstanceType == "" || in.Type == req.InstanceType) {
			byRegion[in.Region] = append(byRegion[in.Region], in)
		}
	}
	regions := make([]string, 0, len(byRegion))
	for r := range byRegion {
		regions = append(regions, r)
	}
	slices.Sort(regions)
	for _, r := range regions {
		if r == req.Region {
			continue
		}
		if p, _ := pl.cheapest(byRegion[r]); p != nil {
			est.Alternatives = append(est.Alternatives, *p)
		}
	}
	slices.SortStableFunc(est.Alternatives, func(a, b Plan) int { return a.HourlyUSD.Cmp(b.HourlyUSD) })
	inRegion := byRegion[req.Region]
	if len(inRegion) == 0 {
		return nil, &NoFitError{Provider: req.Provider, Region: req.Region, Model: req.Model, Regions: regions,
			Alternatives: est.Alternatives}
	}
	plan, rejections := pl.cheapest(inRegion)
	if plan == nil {
		return nil, &NoFitError{Provider: req.Provider, Region: req.Region, Model: req.Model, Rejections: rejections,
			Alternatives: est.Alternatives}
	}
	est.Plan, est.Rejections = plan, rejections
	est.Notes = append(pl.notes(), priceNotes(plan)...)
	pl.setSLAFailRates(est)
	return est, nil
}

// setSLAFailRates reports on each plan of est the request rate at which its SLA starts to fail, and sets
// est.Sizing from a plan sized on a measured capacity.
func (pl planner) setSLAFailRates(est *Estimation) {
	if est.Plan != nil {
		pl.setSLAFailRate(est.Plan)
		if est.Plan.MeasuredBy != "" {
			est.Sizing = est.Plan.unpriced()
		}
	}
	for i := range est.Alternatives {
		pl.setSLAFailRate(&est.Alternatives[i])
	}
}

// setSLAFailRate sets the request rate at which p's SLA starts to fail (with an SLA and a sized load).
func (pl planner) setSLAFailRate(p *Plan) {
	if sla := pl.req.LatencySLAMillis; sla > 0 && p.Capacity != nil && p.Capacity.LatencyMs > 0 {
		r := round6(slaFailRate(p.Replicas*p.Capacity.Batch, p.Capacity.LatencyMs/1000, p.SLAPercentile/100, sla))
		p.SLAFailsAboveRPS = &r
	}
}

// unpriced is p's sizing without its instance and price.
func (p *Plan) unpriced() *Plan {
	return &Plan{Provider: ProviderSelfHosted, Region: p.Region, Replicas: p.Replicas, Capacity: p.Capacity, Utilization: p.Utilization,
		MeetsTarget: p.MeetsTarget, SLAPercentile: p.SLAPercentile, LatencyAtPercentileMs: p.LatencyAtPercentileMs, QueueWaitMs: p.QueueWaitMs,
		ProbabilityOfWaiting: p.ProbabilityOfWaiting, SLAFailsAboveRPS: p.SLAFailsAboveRPS, MeasuredBy: p.MeasuredBy}
}

func (pl planner) selfHosted(cat *catalog.Catalog, est *Estimation) (*Estimation, error) {
	req := pl.req
	if est.CostUnknown, est.CostUnknownReason = Unpriced(cat, req); est.CostUnknown != "" {
		// No price, but a measured capacity still sizes the load (replicas are sized, never fixed: a
		// replica count needs an instance type).
		if req.Measured != nil && req.Throughput != nil {
			pl.req.Replicas = 0
			p := &Plan{Provider: ProviderSelfHosted, Region: req.Region}
			if rej := pl.size(p); rej != nil {
				return nil, &NoFitError{Provider: req.Provider, Region: req.Region, Model: req.Model, Rejections: []Rejection{*rej}}
			}
			est.Sizing = p
		}
		if req.Measured == nil {
			est.Notes = []string{"nothing sizes the load: a measured capacity (loadTestId: a SWEEP load test of the server) sizes it without a price, a catalog instance type sizes and prices it"}
		} else {
			est.Notes = pl.notes()
		}
		return est, nil
	}
	in, _ := PricedLike(cat, req.InstanceType, req.Region)
	if req.Replicas == 0 && req.Throughput == nil {
		pl.req.Replicas = 1
	}
	plan, rej := pl.plan(in)
	if plan == nil {
		return nil, &NoFitError{Provider: req.Provider, Region: req.Region, Model: req.Model, Rejections: []Rejection{*rej}}
	}
	est.Plan = plan
	est.Notes = append(pl.notes(), fmt.Sprintf("SELF_HOSTED hardware priced at the on-demand rate of %s %s in %s; your own cost may differ",
		plan.Provider, plan.InstanceType, plan.Region))
	est.Notes = append(est.Notes, priceNotes(plan)...)
	pl.setSLAFailRates(est)
	return est, nil
}

// planner prices instances for one request.
type planner struct {
	gpus  []catalog.GPU
	model *catalog.Model
	req   Request
}

// priceNotes say when the chosen plan's price should be checked.
func priceNotes(p *Plan) []string {
	switch {
	case p.PriceCaveat != "":
		return []string{fmt.Sprintf("%s in %s: %s", p.InstanceType, p.Region, p.PriceCaveat)}
	case p.PriceStale && p.PriceObservedOn == "":
		return []string{fmt.Sprintf("%s in %s: the source does not say when its price $%s/h was observed; check the provider's price list",
			p.InstanceType, p.Region, p.InstanceHourlyUSD)}
	case p.PriceStale:
		return []string{fmt.Sprintf("%s in %s: its price $%s/h was observed %s, more than %d days ago; check the provider's price list",
			p.InstanceType, p.Region, p.InstanceHourlyUSD, p.PriceObservedOn, MaxPriceAgeDays)}
	}
	return nil
}

func (pl planner) notes() []string {
	if m := pl.req.Measured; m != nil {
		if t := pl.req.Throughput; t != nil {
			return []string{fmt.Sprintf("capacity measured by %s: %d slots per replica, each request %s ms to the first token + %d tokens × %s ms = %s ms; the catalog's GPU figures are not used",
				m.Provenance, m.SlotsPerReplica, num(m.InterceptMs), max(t.OutputTokens-1, 0), num(m.MsPerOutputToken), num(m.serviceMs(t.OutputTokens)))}
		}
		return []string{fmt.Sprintf("the capacity measured by %s is not used: give a throughput to size the deployment for", m.Provenance)}
	}
	var n []string
	if r, estimated := pl.model.ReasoningTokens(0); pl.req.Throughput != nil && r > 0 && estimated {
		n = append(n, fmt.Sprintf("%s reasons: %d hidden reasoning tokens per request (the catalog's estimate: %s) are decoded and held with the output",
			pl.model.ID, r, pl.model.ExpectedReasoning.Provenance.Source))
	}
	if pl.req.Throughput != nil && pl.req.KVBytesPerToken == 0 {
		n = append(n, fmt.Sprintf("KV cache assumed at %d bytes per token (Llama-3-70B in BF16); give kvBytesPerToken for this model",
			DefaultKVBytesPerToken))
	}
	return n
}

// cheapest returns the cheapest plan among instances (ties: fewer GPUs in total, then type name) and the
// rejections of the others.
func (pl planner) cheapest(instances []catalog.Instance) (*Plan, []Rejection) {
	var best *Plan
	var rejections []Rejection
	for _, in := range instances {
		p, rej := pl.plan(in)
		if p == nil {
			rejections = append(rejections, *rej)
			continue
		}
		if best == nil || better(p, best) {
			best = p
		}
	}
	slices.SortStableFunc(rejections, func(a, b Rejection) int { return strings.Compare(a.InstanceType, b.InstanceType) })
	return best, rejections
}

func better(a, b *Plan) bool {
	if c := a.HourlyUSD.Cmp(b.HourlyUSD); c != 0 {
		return c < 0
	}
	if ga, gb := a.GPUCount*a.Replicas, b.GPUCount*b.Replicas; ga != gb {
		return ga < gb
	}
	return a.InstanceType < b.InstanceType
}

// plan sizes and prices one instance type, or says why it cannot serve the request.
func (pl planner) plan(in catalog.Instance) (*Plan, *Rejection) {
	reject := func(r RejectReason, format string, args ...any) (*Plan, *Rejection) {
		return nil, &Rejection{InstanceType: in.Type, Region: in.Region, Reason: r, Detail: fmt.Sprintf(format, args...)}
	}
	var gpu *catalog.GPU
	for i := range pl.gpus {
		if pl.gpus[i].Name == in.GPU {
			gpu = &pl.gpus[i]
			break
		}
	}
	if gpu == nil || in.GPUCount < 1 || !positive(gpu.MemoryGB) || !positive(gpu.BF16TFLOPS) || !positive(gpu.HBMTBPerSec) {
		return reject(RejectNoGPUSpec, "the catalog has no complete specification of GPU %q", in.GPU)
	}
	hw := hardware{gpus: in.GPUCount, memGB: gpu.MemoryGB, tflops: gpu.BF16TFLOPS, hbmTBs: gpu.HBMTBPerSec}
	p := &Plan{
		Provider: Provider(strings.ToUpper(in.Provider)), Region: in.Region, InstanceType: in.Type, GPU: in.GPU,
		GPUCount: in.GPUCount, Replicas: pl.req.Replicas, InstanceHourlyUSD: in.HourlyUSD, Price: in.Provenance,
		PriceObservedOn: in.ObservedOn, PriceCaveat: in.PriceCaveat, PriceStale: in.PriceStale(pl.req.AsOf, MaxPriceAgeDays),
	}
	if t := pl.req.Throughput; t != nil && pl.req.Measured != nil {
		if rej := pl.size(p); rej != nil {
			rej.InstanceType, rej.Region = in.Type, in.Region
			return nil, rej
		}
	} else if t != nil {
		q := pl.req.percentile()
		rep, reason, detail := newReplica(hw, pl.workload())
		var sz sizing
		if reason == "" {
			sz, reason, detail = rep.size(t.RequestsPerSecond, pl.req.LatencySLAMillis, q/100, pl.req.Replicas)
		}
		if reason != "" {
			return reject(reason, "%s", detail)
		}
		pl.apply(p, sz)
	} else if pl.model.ParametersBillions > 0 {
		// a fixed instance and count without a load: check only that the weights fit
		w, usable := pl.workload().params*BytesPerParameter, MemoryFraction*float64(hw.gpus)*hw.memGB*1e9
		if w >= usable {
			return reject(RejectMemory, "weights need %s GB but 90%% of %d × %s GB is %s GB", gb(w), hw.gpus, num(hw.memGB), gb(usable))
		}
	}
	p.HourlyUSD = in.HourlyUSD.Mul(decimal.NewFromInt(int64(p.Replicas)))
	p.MonthlyUSD = p.HourlyUSD.Mul(decimal.NewFromInt(HoursPerMonth))
	return p, nil
}

// size sizes p's replicas on the measured capacity (Request.Measured) for the request's throughput, or says
// why it cannot (the Rejection names no instance type).
func (pl planner) size(p *Plan) *Rejection {
	t, m := pl.req.Throughput, pl.req.Measured
	sz, reason, detail := measured{m: *m, out: t.OutputTokens}.size(t.RequestsPerSecond, pl.req.LatencySLAMillis, pl.req.percentile()/100, pl.req.Replicas)
	if reason != "" {
		return &Rejection{Reason: reason, Detail: detail}
	}
	p.MeasuredBy = m.Provenance
	pl.apply(p, sz)
	pl.setSLAFailRate(p)
	return nil
}

// apply sets p's replicas, capacity and queue figures from sz.
func (pl planner) apply(p *Plan, sz sizing) {
	rc := sz.capacity.rounded()
	p.Replicas, p.Capacity, p.SLAPercentile = sz.replicas, &rc, pl.req.percentile()
	p.Utilization, p.MeetsTarget = round6(sz.utilization), sz.meets(pl.req.LatencySLAMillis)
	if sz.stable {
		l := round6(sz.latencyMs)
		p.LatencyAtPercentileMs, p.QueueWaitMs, p.ProbabilityOfWaiting = &l, round6(sz.waitMs), round6(sz.pWait)
	}
}

func (pl planner) workload() workload {
	params := pl.model.ParametersBillions * 1e9
	active := params
	if a := pl.model.ActiveParametersBillions; a > 0 && a < pl.model.ParametersBillions {
		active = a * 1e9
	}
	kv := float64(pl.req.KVBytesPerToken)
	if kv == 0 {
		kv = DefaultKVBytesPerToken
	}
	w := workload{params: params, activeParams: active, kvPerToken: kv}
	if t := pl.req.Throughput; t != nil {
		// A reasoning model decodes its hidden reasoning too (catalog.Model.ReasoningTokens, as the simulation
		// counts it).
		reasoning, _ := pl.model.ReasoningTokens(0)
		w.in, w.out = t.InputTokens, t.OutputTokens+reasoning
	}
	return w
}

func positive(x float64) bool { return x > 0 && !math.IsInf(x, 0) }

func round6(x float64) float64 { return math.Round(x*1e6) / 1e6 }

// InputField names the input a person would change to get a fit: the region (or, with no instance in any
// region, the model); sized on a measured capacity alone, the SLA or the load. The GraphQL layer reports it
// as BAD_USER_INPUT.
func (e *NoFitError) InputField() string {
	if len(e.Rejections) == 1 && e.Rejections[0].InstanceType == "" { // a measured capacity, no instance type
		if e.Rejections[0].Reason == RejectLatency {
			return "latencySlaMs"
		}
		return "throughput.requestsPerSecond"
	}
	return "region"
}
