package deployment

import (
	"math"

	"github.com/modelarchitect/architect/internal/catalog"
)

// Input caps.
const (
	MaxRequestsPerSecond = 1_000_000
	MaxTokens            = 10_000_000
	MaxSLAMillis         = 3_600_000
	MaxKVBytesPerToken   = 100_000_000
)

// Throughput is the peak load a deployment must serve: RequestsPerSecond requests arriving per second,
// each reading InputTokens and writing OutputTokens (so RequestsPerSecond × OutputTokens output tokens/s).
type Throughput struct {
	RequestsPerSecond float64 `json:"requestsPerSecond"`
	InputTokens       int     `json:"inputTokens"`
	OutputTokens      int     `json:"outputTokens"`
}

// Request asks for a deployment plan.
type Request struct {
	Model    string   `json:"model"` // catalog model id of an open-weights model
	Provider Provider `json:"provider"`
	Region   string   `json:"region"` // required for AWS, GCP, AZURE
	// Throughput is required unless InstanceType and Replicas are both given.
	Throughput *Throughput `json:"throughput,omitempty"`
	// LatencySLAMillis is the most a request may take end to end (waiting for a slot, prefill and decode) at
	// that load, at SLAPercentile; 0: none.
	LatencySLAMillis float64 `json:"latencySLAMs,omitempty"`
	// SLAPercentile is the percentile of requests the SLA must hold for, 50 to 99.9; 0: DefaultSLAPercentile.
	SLAPercentile float64 `json:"slaPercentile,omitempty"`
	// InstanceType restricts the plan to one instance type; for SELF_HOSTED it names the hardware to price
	// the deployment like (without it a SELF_HOSTED cost is unknown).
	InstanceType string `json:"instanceType,omitempty"`
	// Replicas fixes the replica count (with InstanceType) instead of sizing it from Throughput.
	Replicas int `json:"replicas,omitempty"`
	// KVBytesPerToken is the model's KV-cache size per token; 0 takes DefaultKVBytesPerToken.
	KVBytesPerToken int64 `json:"kvBytesPerToken,omitempty"`
	// AsOf (YYYY-MM-DD) is today for judging how old instance prices are; the engine reads no clock. "":
	// only undated and caveated prices are flagged.
	AsOf string `json:"-"`
	// Measured, for SELF_HOSTED only, is the endpoint's service model measured by a load test: sizing uses it
	// instead of the roofline model over the catalog's GPU figures.
	Measured *MeasuredService `json:"measured,omitempty"`
}

// MeasuredService is a self-hosted model server's service model as a load test measured it (a SWEEP fitted
// by internal/loadtest.FitService), per replica: SlotsPerReplica requests served at once, each taking
// InterceptMs + MsPerOutputToken × (output tokens − 1).
type MeasuredService struct {
	SlotsPerReplica  int     `json:"slotsPerReplica"`
	InterceptMs      float64 `json:"interceptMs"`      // service time to the first output token, unloaded (the measured TTFT)
	MsPerOutputToken float64 `json:"msPerOutputToken"` // per output token after the first (the measured TPOT)
	// SaturationRate is the requests/s per replica past which the load test saw the endpoint saturate; it is
	// reported, not used: the queue's capacity is SlotsPerReplica ÷ the service time at the load's lengths.
	SaturationRate float64 `json:"saturationRate"`
	// Provenance names the measurement for people, e.g. "load test TG9hZFRlc3Q6NQ of 2026-12-07".
	Provenance string `json:"provenance"`
}

// MaxMeasuredSlots bounds MeasuredService.SlotsPerReplica: a load test keeps at most 1,024 requests in
// flight, so it cannot measure more slots than that.
const MaxMeasuredSlots = 1024

// serviceMs is the measured service time of a request with out output tokens, milliseconds.
func (m MeasuredService) serviceMs(out int) float64 {
	return m.InterceptMs + m.MsPerOutputToken*float64(max(out-1, 0))
}

// checkRequest validates the request and returns its model.
func checkRequest(cat *catalog.Catalog, req Request) (*catalog.Model, error) {
	if !req.Provider.Valid() {
		return nil, invalid("provider", "unknown provider %q; use AWS, GCP, AZURE or SELF_HOSTED", req.Provider)
	}
	if req.Model == "" {
		return nil, invalid("model", "name the catalog model to deploy")
	}
	var model *catalog.Model
	for i := range cat.Models {
		if cat.Models[i].ID == req.Model {
			model = &cat.Models[i]
			break
		}
	}
	if model == nil {
		return nil, invalid("model", "model %q is not in the catalog", req.Model)
	}
	if !model.OpenWeights && !model.SelfHostOnly {
		return nil, invalid("model", "model %q is not open-weights: only its provider's API serves it, so it cannot be deployed", req.Model)
	}
	if req.Provider.cloud() && req.Region == "" {
		return nil, invalid("region", "name the %s region to deploy in", req.Provider)
	}
	if req.Replicas < 0 || req.Replicas > MaxReplicas {
		return nil, invalid("replicas", "replicas must be between 1 and %d (0: size from the throughput)", MaxReplicas)
	}
	if req.Replicas > 0 && req.InstanceType == "" {
		return nil, invalid("instanceType", "a replica count needs an instance type")
	}
	if req.KVBytesPerToken < 0 || req.KVBytesPerToken > MaxKVBytesPerToken {
		return nil, invalid("kvBytesPerToken", "must be between 1 and %d (0: the default)", MaxKVBytesPerToken)
	}
	if err := checkLoad(req); err != nil {
		return nil, err
	}
	t := req.Throughput
	if t == nil {
		if req.Provider.cloud() && req.Replicas == 0 {
			return nil, invalid("throughput", "give a throughput target (requests per second with input and output tokens) to size the deployment, or name instanceType and replicas")
		}
		return model, nil
	}
	switch {
	case model.ContextWindow > 0 && !fits(model, t):
		reasoning, _ := model.ReasoningTokens(0)
		_, limit, why := model.Fits(t.InputTokens, t.OutputTokens, reasoning)
		field := "throughput.inputTokens"
		if limit == "output" {
			field = "throughput.outputTokens"
		}
		return nil, invalid(field, "%s", why)
	case !positive(model.ParametersBillions):
		return nil, invalid("model", "model %q has no parameter count in the catalog, so its GPU needs cannot be estimated", req.Model)
	}
	return model, nil
}

// checkLoad validates what a request asks of any server, whatever the model: the SLA, its percentile, a
// measured service model and the throughput's bounds.
func checkLoad(req Request) error {
	if bad(req.LatencySLAMillis) || req.LatencySLAMillis > MaxSLAMillis {
		return invalid("latencySLAMs", "must be between 0 (no SLA) and %d ms", MaxSLAMillis)
	}
	if p := req.SLAPercentile; bad(p) || (p != 0 && (p < 50 || p > 99.9)) {
		return invalid("slaPercentile", "must be between 50 and 99.9 (0: %d)", DefaultSLAPercentile)
	}
	if m := req.Measured; m != nil {
		switch {
		case req.Provider != ProviderSelfHosted:
			return invalid("measured", "a measured service model is of one model server: it applies to a SELF_HOSTED deployment only, not %s", req.Provider)
		case m.SlotsPerReplica < 1 || m.SlotsPerReplica > MaxMeasuredSlots:
			return invalid("measured.slotsPerReplica", "must be between 1 and %d", MaxMeasuredSlots)
		case bad(m.InterceptMs) || bad(m.MsPerOutputToken) || m.InterceptMs+m.MsPerOutputToken == 0 || m.InterceptMs > MaxSLAMillis:
			return invalid("measured.interceptMs", "the measured service time must be positive: an intercept of 0 to %d ms and a non-negative time per token", MaxSLAMillis)
		}
	}
	t := req.Throughput
	switch {
	case t == nil:
		return nil
	case bad(t.RequestsPerSecond) || t.RequestsPerSecond == 0 || t.RequestsPerSecond > MaxRequestsPerSecond:
		return invalid("throughput.requestsPerSecond", "must be above 0 and at most %d", MaxRequestsPerSecond)
	case t.InputTokens < 0 || t.InputTokens > MaxTokens:
		return invalid("throughput.inputTokens", "must be between 0 and %d", MaxTokens)
	case t.OutputTokens < 1 || t.OutputTokens > MaxTokens:
		return invalid("throughput.outputTokens", "must be between 1 and %d", MaxTokens)
	}
	return nil
}

// bad reports a negative or non-finite number.
func bad(x float64) bool { return math.IsNaN(x) || math.IsInf(x, 0) || x < 0 }

// percentile is the SLA percentile the request asks for.
func (r Request) percentile() float64 {
	if r.SLAPercentile == 0 {
		return DefaultSLAPercentile
	}
	return r.SLAPercentile
}

func fits(m *catalog.Model, t *Throughput) bool {
	reasoning, _ := m.ReasoningTokens(0)
	ok, _, _ := m.Fits(t.InputTokens, t.OutputTokens, reasoning)
	return ok
}
