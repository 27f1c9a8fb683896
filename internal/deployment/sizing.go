package deployment

import (
	"fmt"
	"math"

	"github.com/modelarchitect/architect/internal/queueing"
)

// Sizing constants, each with its reason.
const (
	// DefaultSLAPercentile is the percentile the latency SLA holds at when the request names none: the p95 of
	// the scenarios' SLA (internal/simulation), so both modules mean the same by "meets the SLA".
	DefaultSLAPercentile = 95
	// MaxUtilization is the busiest a sized plan runs its slots at peak: 85 %. The M/M/c model assumes
	// Poisson arrivals and exponential service; real traffic is burstier and the roofline model is an
	// estimate, and near saturation the waiting time grows without bound (ρ → 1), so a plan keeps headroom
	// whatever the SLA says (the same margin as the scenarios' HEADROOM feature rewards).
	MaxUtilization = 0.85
)

// sizing is a batch and replica count for a load, with the queue it makes. A replica running batch B is B
// slots (continuous batching); each serves one request in latency(B); the deployment is replicas × B
// servers of an M/M/c queue (queueing.ErlangC): arrival rate λ = the target requests per second, service rate
// μ = 1 ÷ latency(B) per slot. Latency at percentile q = latency(B) + the q-quantile of the wait,
// max(0, ln(C ÷ (1 − q)) ÷ (cμ − λ)) (queueing.WaitQuantile), the same model the scenarios use for a hosted API's
// rate limit, with servers from batch slots instead of the limit.
type sizing struct {
	batch, replicas int
	capacity        Capacity
	utilization     float64 // λ ÷ (replicas × B × μ)
	stable          bool    // utilization < 1
	pWait           float64 // Erlang C: the share of requests that wait for a slot
	waitMs          float64 // the q-quantile of the wait
	latencyMs       float64 // service + wait at the percentile; +Inf when unstable
}

// meets reports whether s serves the load within the SLA (0: none) at the percentile, at most MaxUtilization busy.
func (s sizing) meets(slaMs float64) bool {
	return s.stable && s.utilization <= MaxUtilization && (slaMs == 0 || s.latencyMs <= slaMs)
}

// queueAt evaluates replicas × batch b under λ requests per second at percentile q (0..1).
func (r replica) queueAt(b, replicas int, lambda, q float64) (sizing, error) {
	return queueAt(r.latency(b), r.capacity(b), b, replicas, lambda, q)
}

// queueAt evaluates replicas × b slots, each serving a request in service seconds, under λ requests per
// second at percentile q (0..1); capacity is one replica's, for the report.
func queueAt(service float64, capacity Capacity, b, replicas int, lambda, q float64) (sizing, error) {
	mu := 1 / service
	servers := replicas * b
	s := sizing{batch: b, replicas: replicas, capacity: capacity, utilization: lambda / (float64(servers) * mu)}
	c, err := queueing.ErlangC(servers, lambda/mu)
	if err == queueing.ErrUnstable {
		s.latencyMs = math.Inf(1)
		return s, nil
	}
	if err != nil {
		return s, err
	}
	wait, err := queueing.WaitQuantile(servers, lambda, mu, q)
	if err != nil {
		return s, err
	}
	s.stable, s.pWait, s.waitMs = true, c, wait*1000
	s.latencyMs = service*1000 + s.waitMs
	return s, nil
}

// batches are the batch sizes tried: powers of two up to limit, and limit.
func batches(limit int) []int {
	var bs []int
	for b := 1; b < limit; b *= 2 {
		bs = append(bs, b)
	}
	return append(bs, limit)
}

// size finds the fewest replicas, over the batch sizes, whose latency at percentile q (0..1) is within
// slaMs (0: no SLA) at λ requests per second with utilization at most MaxUtilization; ties go to the lower
// latency. With fixed > 0 the replica count is given: the batch with the lowest latency among those that meet
// the target is chosen, else the one with the lowest latency (the caller says it does not meet it). It refuses when no batch can meet the SLA even with a
// free slot (RejectLatency) or would need more than MaxReplicas (RejectReplicas).
func (r replica) size(lambda, slaMs, q float64, fixed int) (sizing, RejectReason, string) {
	limit := r.maxBatch
	if slaMs > 0 {
		if limit = min(limit, r.largestBatchWithin(slaMs)); limit == 0 {
			return sizing{}, RejectLatency, fmt.Sprintf("one request alone takes %s ms (prefill %s ms + %d tokens × %s ms) and the SLA is %s ms",
				num(r.latency(1)*1000), num(r.prefill*1000), r.wl.out, num(r.step(1)*1000), num(slaMs))
		}
	}
	var best *sizing
	better := func(s sizing) bool {
		return best == nil || s.replicas < best.replicas || (s.replicas == best.replicas && s.latencyMs < best.latencyMs)
	}
	for _, b := range batches(limit) {
		if fixed > 0 {
			// A batch that meets the target beats one that does not; then the lower latency.
			s, err := r.queueAt(b, fixed, lambda, q)
			if err == nil && (best == nil || s.meets(slaMs) && !best.meets(slaMs) ||
				s.meets(slaMs) == best.meets(slaMs) && s.latencyMs < best.latencyMs) {
				best = &s
			}
			continue
		}
		mu := 1 / r.latency(b)
		first := max(1, int(math.Ceil(lambda/(float64(b)*mu*MaxUtilization))))
		for n := first; n <= MaxReplicas; n++ {
			s, err := r.queueAt(b, n, lambda, q)
			if err != nil {
				break
			}
			if s.meets(slaMs) {
				if better(s) {
					best = &s
				}
				break
			}
			if best != nil && n >= best.replicas {
				break // no better than what another batch needs
			}
		}
	}
	if best == nil {
		if fixed > 0 {
			return sizing{}, RejectReplicas, "the queue model has no answer for this load"
		}
		mu := 1 / r.latency(limit)
		need := lambda / (float64(limit) * mu * MaxUtilization)
		return sizing{}, RejectReplicas, fmt.Sprintf("%s replicas of %d slots would be needed to stay %d %% busy; the limit is %d",
			num(math.Ceil(need)), limit, int(MaxUtilization*100), MaxReplicas)
	}
	return *best, "", ""
}

// measured sizes with a load test's service model (MeasuredService) instead of the roofline: each replica is
// SlotsPerReplica slots, each serving a request of the load's output tokens in the measured service time.
// Unlike the roofline's batch, the slot count is what was measured, so it is not searched.
type measured struct {
	m   MeasuredService
	out int // output tokens per request
}

// service is one request's service time, seconds.
func (x measured) service() float64 { return x.m.serviceMs(x.out) / 1000 }

// capacity reports one replica as measured; memory figures are not modelled (the server runs the model).
func (x measured) capacity() Capacity {
	s := x.service()
	rps := float64(x.m.SlotsPerReplica) / s
	return Capacity{Batch: x.m.SlotsPerReplica, RequestsPerSecond: rps, OutputTokensPerSecond: rps * float64(x.out),
		LatencyMs: s * 1000, PrefillMs: x.m.InterceptMs, TimePerOutputTokenMs: x.m.MsPerOutputToken}
}

// size finds the fewest replicas whose latency at percentile q (0..1) is within slaMs (0: no SLA) at λ
// requests per second, at most MaxUtilization busy; with fixed > 0 it evaluates that many. The rejections
// are the roofline's: one request alone over the SLA, or more than MaxReplicas.
func (x measured) size(lambda, slaMs, q float64, fixed int) (sizing, RejectReason, string) {
	service, c := x.service(), x.m.SlotsPerReplica
	if slaMs > 0 && service*1000 > slaMs {
		return sizing{}, RejectLatency, fmt.Sprintf("one request alone takes %s ms as measured (%s ms to the first token + %d tokens × %s ms) and the SLA is %s ms",
			num(service*1000), num(x.m.InterceptMs), max(x.out-1, 0), num(x.m.MsPerOutputToken), num(slaMs))
	}
	if fixed > 0 {
		s, err := queueAt(service, x.capacity(), c, fixed, lambda, q)
		if err != nil {
			return sizing{}, RejectReplicas, "the queue model has no answer for this load"
		}
		return s, "", ""
	}
	first := max(1, int(math.Ceil(lambda*service/(float64(c)*MaxUtilization))))
	for n := first; n <= MaxReplicas; n++ {
		s, err := queueAt(service, x.capacity(), c, n, lambda, q)
		if err != nil {
			break
		}
		if s.meets(slaMs) {
			return s, "", ""
		}
	}
	return sizing{}, RejectReplicas, fmt.Sprintf("more than %d replicas of %d measured slots would be needed to serve %s requests/s within the SLA",
		MaxReplicas, c, num(lambda))
}

// slaFailRate is the request rate above which the latency at percentile q (0..1) of servers slots, each
// serving a request in service seconds, exceeds slaMs: the largest λ with service + the q-quantile of the wait
// within it (M/M/c, queueing.WaitQuantile). The quantile grows with λ, without bound as λ nears the slots'
// capacity, so a bisection finds it; 0 when one request alone exceeds the SLA.
func slaFailRate(servers int, service, q, slaMs float64) float64 {
	mu := 1 / service
	within := func(lambda float64) bool {
		w, err := queueing.WaitQuantile(servers, lambda, mu, q)
		return err == nil && (service+w)*1000 <= slaMs
	}
	if !within(0) {
		return 0
	}
	lo, hi := 0.0, float64(servers)*mu
	for hi-lo > 1e-9*hi {
		if mid := (lo + hi) / 2; within(mid) {
			lo = mid
		} else {
			hi = mid
		}
	}
	return lo
}
