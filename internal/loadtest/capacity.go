package loadtest

import (
	"fmt"
	"math"

	"github.com/modelarchitect/architect/internal/queueing"
)

// Fitting a service model to a sweep, constants with their reasons.
const (
	// MinFitSteps: the lowest rate gives the service time, a step past saturation gives the ceiling, and at
	// least one step between them checks the queueing model's prediction against a measurement.
	MinFitSteps = 3
	// MinFitRequests is the fewest completed requests at the lowest rate a service time is averaged over.
	MinFitRequests = 5
	// SaturationSigmas: a step is past saturation when it completed fewer requests than its arrivals would
	// have by more than three standard deviations of the arrival count (by a normal approximation a false
	// alarm about once in 740 steps).
	SaturationSigmas = 3
	// MaxLowestWaitShare: the lowest rate's latencies stand for the service time only when queueing adds
	// little to them: the fitted model's mean wait there is at most 10 % of the service time.
	MaxLowestWaitShare = 0.1
)

// FitRefusal says why a load test yields no service model.
type FitRefusal string

// Fit refusals.
const (
	FitNotCompleted   FitRefusal = "NOT_COMPLETED"      // cancelled, failed or still running
	FitNotDeployment  FitRefusal = "NOT_DEPLOYMENT"     // the target is a provider's model (for callers: a Result does not name its target)
	FitNotSweep       FitRefusal = "NOT_SWEEP"          // RATE or CONCURRENCY: one step
	FitTooFewSteps    FitRefusal = "TOO_FEW_STEPS"      // fewer than MinFitSteps steps ran
	FitTooFewRequests FitRefusal = "TOO_FEW_REQUESTS"   // fewer than MinFitRequests completed at the lowest rate
	FitNotSaturated   FitRefusal = "NONE_SATURATED"     // no step went past saturation
	FitLowestQueues   FitRefusal = "LOWEST_RATE_QUEUES" // the lowest rate already queues: its latencies are not the service time
	FitClientCapped   FitRefusal = "CLIENT_CAPPED"      // the test's own maxConcurrency may have been the ceiling
)

// FitError says why a result does not qualify for a service model, in words a person can act on.
type FitError struct {
	Refusal FitRefusal
	Reason  string
}

func (e *FitError) Error() string { return "no measured capacity: " + e.Reason }

func refuse(r FitRefusal, format string, args ...any) error {
	return &FitError{Refusal: r, Reason: fmt.Sprintf(format, args...)}
}

// ServiceModel is an endpoint's capacity as a SWEEP measured it: Slots requests served at once, each taking
// ServiceMs(out) for out output tokens, so that the endpoint serves at most Slots ÷ E[S] requests per second.
// It feeds the same M/M/c queue the deployment sizing uses (internal/queueing), with its predictions for each
// step of the sweep beside the measurements.
type ServiceModel struct {
	Slots         int     `json:"slots"`         // c: round(SlotsEstimate), at least 1
	SlotsEstimate float64 `json:"slotsEstimate"` // λ_sat × E[S] before rounding (Little's law over the busy slots)
	// InterceptMs and MsPerOutputToken are the lowest rate's mean TTFT and mean TPOT: a request of out output
	// tokens takes InterceptMs + MsPerOutputToken × (out − 1).
	InterceptMs      float64 `json:"interceptMs"`
	MsPerOutputToken float64 `json:"msPerOutputToken"`
	MeanOutputTokens float64 `json:"meanOutputTokens"` // of the lowest rate's completed requests
	MeanServiceMs    float64 `json:"meanServiceMs"`    // E[S] = ServiceMs(MeanOutputTokens)
	// SaturationRate is λ_sat in requests/s: the most a step past saturation completed per second in which its
	// slots could complete anything (its duration less one service time).
	SaturationRate float64 `json:"saturationRate"`
	SaturatedFrom  float64 `json:"saturatedFrom"` // the target rate of the first step past saturation
	// SLOFailRate is the request rate above which the model puts some SLO target's percentile over its
	// threshold (0: no rate meets them); nil when the plan has no SLO targets.
	SLOFailRate *float64 `json:"sloFailRate,omitempty"`
	// MeasuredSLOFailRate is the target rate of the first step that missed an SLO target; nil when every step
	// met them all, or there are none.
	MeasuredSLOFailRate *float64  `json:"measuredSloFailRate,omitempty"`
	Steps               []StepFit `json:"steps"`
}

// ServiceMs is the service time of a request with out output tokens, milliseconds.
func (m ServiceModel) ServiceMs(out float64) float64 {
	return m.InterceptMs + m.MsPerOutputToken*max(out-1, 0)
}

// StepFit is one step of the sweep: what the model predicts at its target rate next to what was measured.
// Predicted rates count, as the measured ones do, only requests that can finish within the step: those that
// arrive at least one service time before its end.
type StepFit struct {
	TargetRate           float64 `json:"targetRate"`
	Saturated            bool    `json:"saturated"`   // past saturation by the test in FitService
	Utilization          float64 `json:"utilization"` // λ ÷ cμ; 1 or more: the model's queue grows without bound
	PredictedRequestRate float64 `json:"predictedRequestRate"`
	MeasuredRequestRate  float64 `json:"measuredRequestRate"`
	// PredictedGoodput is the rate of requests meeting every SLO target; nil when Utilization ≥ 1 (no steady
	// state: the wait, and so the share of good requests, depends on how long the step ran).
	PredictedGoodput *float64     `json:"predictedGoodput,omitempty"`
	MeasuredGoodput  float64      `json:"measuredGoodput"`
	Latency          []LatencyFit `json:"latency"` // one per SLO target; without targets E2E at the 99th percentile
}

// LatencyFit is one latency percentile, predicted and measured, milliseconds.
type LatencyFit struct {
	Metric      Metric   `json:"metric"`
	Percentile  float64  `json:"percentile"`
	PredictedMs *float64 `json:"predictedMs,omitempty"` // nil: unbounded in the model (Utilization ≥ 1, or the 100th percentile)
	MeasuredMs  float64  `json:"measuredMs"`
}

// FitService fits the endpoint's service model to a completed SWEEP, or says with a *FitError why r does not
// qualify. The model:
//
//   - Service time from the lowest rate: S(out) = TTFT + TPOT × (out − 1) with the step's mean TTFT and TPOT
//     (vLLM's decomposition of a request's latency). A result keeps per-step summaries, not per-request
//     samples, and every step of a sweep shares one length profile, so a least-squares line across steps
//     would have no spread in output length to fit; the higher rates also carry queueing in their TTFT. The
//     lowest rate is accepted only if the fitted queue's mean wait there is at most MaxLowestWaitShare of
//     E[S] (E[Wq] = C ÷ (cμ − λ), Kleinrock 1975, the M/M/m queue).
//   - Past saturation: a step of target rate λ and duration T would, unsaturated, complete about
//     λ·(T − E[S]) requests (those arriving in its last service time cannot finish in it); the arrival count
//     of gamma gaps with shape k has variance ≈ λT ÷ k (a renewal process: variance ≈ t·σ²/m³, Cox 1962,
//     Renewal Theory §9.3). A step is past saturation when it completed fewer than λ·(T − E[S]) −
//     SaturationSigmas·√(λT/k). Failed requests count as not served.
//   - λ_sat = the most completed ÷ (T − E[S]) over the steps past saturation: at saturation every slot is
//     busy from the first service time of the step on.
//   - Slots by Little's law applied to the slots alone (L = λW, Little 1961): at saturation all c are busy,
//     each for E[S], so c ≈ λ_sat × E[S]. For a server whose per-request time grows with its batch, c is the
//     number of unloaded-speed slots that give the measured ceiling (cμ ≈ λ_sat), not its batch size.
//
// Predictions use M/M/c with c slots and μ = 1 ÷ E[S] (Poisson arrivals, exponential service; DOMAIN 8.4):
// P(Wq > t) = C·e^(−(cμ−λ)t), TTFT_q = TTFT + Wq_q, E2E_q = E[S] + Wq_q, TPOT = the fitted TPOT; a request
// is good when its wait leaves every target met, so goodput = λ·P(Wq ≤ min over targets of the slack).
func FitService(r Result) (ServiceModel, error) {
	if r.Cancelled {
		return ServiceModel{}, refuse(FitNotCompleted, "the load test was stopped before its plan ended: only a completed sweep measures capacity")
	}
	for _, s := range r.Steps {
		if s.InProgress {
			return ServiceModel{}, refuse(FitNotCompleted, "the load test is still running: capacity is fitted once it completes")
		}
	}
	if r.Plan.Mode != ModeSweep {
		return ServiceModel{}, refuse(FitNotSweep, "a %s load test has one step: run a SWEEP of at least %d rates, the highest past what the endpoint can serve",
			r.Plan.Mode, MinFitSteps)
	}
	if len(r.Steps) < MinFitSteps {
		why := ""
		if r.MaxRequestsReached {
			why = " (maxRequests ran out before the other rates)"
		}
		return ServiceModel{}, refuse(FitTooFewSteps, "it ran %d steps%s; at least %d are needed: the lowest rate for the service time, one past saturation for the ceiling and one between to check the model",
			len(r.Steps), why, MinFitSteps)
	}
	low := r.Steps[0]
	if low.Completed < MinFitRequests || low.TTFT.Count == 0 {
		return ServiceModel{}, refuse(FitTooFewRequests, "only %d requests completed at the lowest rate (%g/s); at least %d are needed for the service time: lengthen durationSeconds",
			low.Completed, low.TargetRate, MinFitRequests)
	}
	m := ServiceModel{InterceptMs: low.TTFT.MeanMs, MsPerOutputToken: low.TPOT.MeanMs,
		MeanOutputTokens: float64(low.OutputTokens) / float64(low.Completed)}
	m.MeanServiceMs = m.ServiceMs(m.MeanOutputTokens)
	if m.MeanServiceMs <= 0 {
		return ServiceModel{}, refuse(FitTooFewRequests, "the lowest rate measured no service time (mean TTFT %g ms)", m.InterceptMs)
	}
	service := m.MeanServiceMs / 1000

	k := r.Plan.shape()
	saturated := make([]bool, len(r.Steps))
	for i, s := range r.Steps {
		expected, sigma := s.TargetRate*max(s.DurationSeconds-service, 0), math.Sqrt(s.TargetRate*s.DurationSeconds/k)
		saturated[i] = float64(s.Completed) < expected-SaturationSigmas*sigma
		if !saturated[i] {
			continue
		}
		if i == 0 {
			return ServiceModel{}, refuse(FitLowestQueues, "the lowest rate (%g/s) is already past saturation (%d completed where its arrivals would have given %.1f): add a lower rate",
				s.TargetRate, s.Completed, expected)
		}
		if m.SaturatedFrom == 0 {
			m.SaturatedFrom = s.TargetRate
		}
		m.SaturationRate = max(m.SaturationRate, float64(s.Completed)/(s.DurationSeconds-service))
	}
	if m.SaturatedFrom > 0 && m.SaturationRate == 0 {
		return ServiceModel{}, refuse(FitNotSaturated, "no request completed past saturation (from %g/s on): the endpoint stopped answering, which says nothing of its capacity",
			m.SaturatedFrom)
	}
	if m.SaturationRate == 0 {
		top := r.Steps[len(r.Steps)-1]
		expected := top.TargetRate * max(top.DurationSeconds-service, 0)
		return ServiceModel{}, refuse(FitNotSaturated, "no step went past saturation: the highest rate, %g/s, completed %d requests where its arrivals alone give %.1f ± %.1f; add a higher rate",
			top.TargetRate, top.Completed, expected, math.Sqrt(top.TargetRate*top.DurationSeconds/k))
	}
	m.SlotsEstimate = m.SaturationRate * service
	m.Slots = max(1, int(math.Round(m.SlotsEstimate)))
	if m.Slots >= r.Plan.MaxConcurrency {
		return ServiceModel{}, refuse(FitClientCapped, "the fitted %d slots reach the test's maxConcurrency (%d): the test itself may have capped the load; run it again with maxConcurrency well above the endpoint's batch size",
			m.Slots, r.Plan.MaxConcurrency)
	}
	q := newQueue(m)
	if share, ok := q.meanWaitShare(low.TargetRate); !ok || share > MaxLowestWaitShare {
		why := "exceeds what they can serve"
		if ok {
			why = fmt.Sprintf("would make requests wait %.0f %% of their service time on average", 100*share)
		}
		return ServiceModel{}, refuse(FitLowestQueues, "at the lowest rate (%g/s) the fitted %d slots of %.4g ms each: the rate %s, so its latencies are not the service time; add a lower rate",
			low.TargetRate, m.Slots, m.MeanServiceMs, why)
	}

	for i, s := range r.Steps {
		m.Steps = append(m.Steps, q.step(s, r.Plan.SLO, saturated[i]))
		if m.MeasuredSLOFailRate == nil && !stepMet(s) {
			m.MeasuredSLOFailRate = ptr(s.TargetRate)
		}
	}
	if len(r.Plan.SLO) > 0 {
		m.SLOFailRate = ptr(q.sloFailRate(r.Plan.SLO))
	}
	return m, nil
}

func ptr(x float64) *float64 { return &x }

func stepMet(s Step) bool {
	for _, o := range s.SLO {
		if !o.Met {
			return false
		}
	}
	return true
}

// queue is the fitted M/M/c queue: c slots, μ = 1 ÷ E[S] per second, and the service figures in ms.
type queue struct {
	m  ServiceModel
	c  int
	mu float64
}

func newQueue(m ServiceModel) queue { return queue{m: m, c: m.Slots, mu: 1000 / m.MeanServiceMs} }

// erlang is the Erlang C probability of waiting at λ requests/s; ok is false when λ ≥ cμ.
func (q queue) erlang(lambda float64) (float64, bool) {
	pw, err := queueing.ErlangC(q.c, lambda/q.mu)
	return pw, err == nil
}

// meanWaitShare is E[Wq] ÷ E[S] = C ÷ (c − a) at λ (a = λ/μ); ok is false when λ ≥ cμ.
func (q queue) meanWaitShare(lambda float64) (float64, bool) {
	pw, ok := q.erlang(lambda)
	if !ok {
		return math.Inf(1), false
	}
	return pw / (float64(q.c) - lambda/q.mu), true
}

// quantile is the model's Percentile-th percentile of metric at λ with Erlang C probability pw, ms; +Inf
// when it is unbounded.
func (q queue) quantile(metric Metric, percentile, lambda, pw float64) float64 {
	if metric == MetricTPOT {
		return q.m.MsPerOutputToken
	}
	wait := queueing.WaitQuantileOf(pw, q.c, lambda, q.mu, percentile/100) * 1000
	if metric == MetricTTFT {
		return q.m.InterceptMs + wait
	}
	return q.m.MeanServiceMs + wait
}

// goodShare is the share of requests meeting every target at λ: P(Wq ≤ slack), the slack being the least
// time any TTFT or E2E target leaves for waiting; 0 when the fitted TPOT misses a TPOT target.
func (q queue) goodShare(slo []SLOTarget, lambda, pw float64) float64 {
	slack := math.Inf(1)
	for _, t := range slo {
		switch t.Metric {
		case MetricTPOT:
			if q.m.MsPerOutputToken > t.ThresholdMs {
				return 0
			}
		case MetricTTFT:
			slack = min(slack, t.ThresholdMs-q.m.InterceptMs)
		case MetricE2E:
			slack = min(slack, t.ThresholdMs-q.m.MeanServiceMs)
		}
	}
	switch {
	case slack < 0:
		return 0
	case math.IsInf(slack, 1):
		return 1
	}
	return 1 - pw*math.Exp(-(float64(q.c)*q.mu-lambda)*slack/1000)
}

// step predicts step s and sets the prediction beside what s measured.
func (q queue) step(s Step, slo []SLOTarget, saturated bool) StepFit {
	lambda := s.TargetRate
	capacity := float64(q.c) * q.mu
	finishing := 0.0 // the share of the step's arrivals that can finish within it
	if s.DurationSeconds > 0 {
		finishing = max(s.DurationSeconds-q.m.MeanServiceMs/1000, 0) / s.DurationSeconds
	}
	f := StepFit{TargetRate: lambda, Saturated: saturated, Utilization: lambda / capacity,
		MeasuredRequestRate: s.RequestRate, MeasuredGoodput: s.Goodput}
	pw, stable := q.erlang(lambda)
	if stable {
		f.PredictedRequestRate = lambda * finishing
		f.PredictedGoodput = ptr(lambda * finishing * q.goodShare(slo, lambda, pw))
	} else {
		f.PredictedRequestRate = capacity * finishing
	}
	add := func(metric Metric, percentile, measured float64) {
		l := LatencyFit{Metric: metric, Percentile: percentile, MeasuredMs: measured}
		if v := q.quantile(metric, percentile, lambda, pw); (stable || metric == MetricTPOT) && !math.IsInf(v, 0) {
			l.PredictedMs = ptr(v)
		}
		f.Latency = append(f.Latency, l)
	}
	if len(slo) == 0 {
		add(MetricE2E, 99, s.E2E.P99Ms)
	}
	for i, t := range slo {
		measured := 0.0
		if i < len(s.SLO) {
			measured = s.SLO[i].MeasuredMs
		}
		add(t.Metric, t.Percentile, measured)
	}
	return f
}

// sloFailRate is the request rate above which some target's percentile passes its threshold in the model:
// each percentile grows with λ (and without bound as λ → cμ), so a bisection finds it; 0 when the targets
// fail even without load.
func (q queue) sloFailRate(slo []SLOTarget) float64 {
	met := func(lambda float64) bool {
		pw, ok := q.erlang(lambda)
		if !ok {
			return false
		}
		for _, t := range slo {
			if q.quantile(t.Metric, t.Percentile, lambda, pw) > t.ThresholdMs {
				return false
			}
		}
		return true
	}
	if !met(0) {
		return 0
	}
	lo, hi := 0.0, float64(q.c)*q.mu
	for range 100 {
		mid := (lo + hi) / 2
		if met(mid) {
			lo = mid
		} else {
			hi = mid
		}
		if hi-lo <= 1e-9*hi {
			break
		}
	}
	return lo
}
