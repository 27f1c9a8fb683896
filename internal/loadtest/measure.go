package loadtest

import (
	"cmp"
	"errors"
	"fmt"
	"math/rand/v2"
	"slices"
	"strings"
	"sync"
	"time"

	"github.com/modelarchitect/architect/internal/providers"
	"github.com/modelarchitect/architect/internal/stats"
)

// sample is what one completed request measured, latencies in milliseconds.
type sample struct {
	ttft, e2e     float64
	tpot          float64 // meaningful when hasTPOT
	hasTPOT       bool    // more than one output token
	itl           []float64
	input, output int64
	usageMissing  bool // output counted from chunks
}

func ms(d time.Duration) float64 { return float64(d) / float64(time.Millisecond) }

// measure turns one streamed answer (Request.RecordChunks set) into its metrics, following vLLM's
// benchmarks/serve.py calculate_metrics: TTFT to the first content chunk, E2E to the end of the stream, ITL the
// gaps between content chunks, TPOT = (E2E − TTFT)/(N − 1) only when N > 1. N is the visible output tokens from
// the provider's usage (output minus hidden reasoning, which happens before the first chunk and so inside
// TTFT), or the number of content chunks when it reported none (flagged). estInput stands in for the input
// tokens without usage. ok is false when no content arrived: such a request has no TTFT.
func measure(res providers.Result, estInput int64) (s sample, ok bool) {
	if len(res.ChunkTimes) == 0 {
		return sample{}, false
	}
	s.ttft, s.e2e = ms(res.TTFT), ms(res.Latency)
	s.itl = make([]float64, 0, len(res.ChunkTimes)-1)
	for i := 1; i < len(res.ChunkTimes); i++ {
		s.itl = append(s.itl, ms(res.ChunkTimes[i]-res.ChunkTimes[i-1]))
	}
	visible := int64(len(res.ChunkTimes))
	s.input, s.output = estInput, visible
	s.usageMissing = true
	if res.HasUsage && res.OutputTokens > 0 {
		s.input, s.output = int64(res.InputTokens), int64(res.OutputTokens)
		visible = int64(max(res.OutputTokens-res.ReasoningTokens, 0))
		s.usageMissing = false
	}
	if visible > 1 {
		s.tpot, s.hasTPOT = (s.e2e-s.ttft)/float64(visible-1), true
	}
	return s, true
}

// good reports whether s meets every target's threshold (vLLM's goodput: value ≤ threshold); a request without
// TPOT (at most one output token) meets a TPOT target.
func good(s sample, slo []SLOTarget) bool {
	for _, t := range slo {
		var v float64
		switch t.Metric {
		case MetricTTFT:
			v = s.ttft
		case MetricE2E:
			v = s.e2e
		case MetricTPOT:
			if !s.hasTPOT {
				continue
			}
			v = s.tpot
		}
		if v > t.ThresholdMs {
			return false
		}
	}
	return true
}

// errorKind classifies a failed call that the test's own context did not end.
func errorKind(err error) string {
	pe, ok := errors.AsType[*providers.Error](err)
	if !ok {
		return ErrorOther
	}
	if pe.Status != 0 && (pe.Status < 200 || pe.Status > 299) {
		return fmt.Sprintf("HTTP_%d", pe.Status)
	}
	switch pe.Outcome {
	case providers.OutcomeTimeout:
		return ErrorTimeout
	case providers.OutcomeConnectionError:
		return ErrorConnection
	case providers.OutcomeIncompleteStream, providers.OutcomeServerError:
		return ErrorStream
	case providers.OutcomeInvalidRequest:
		return ErrorInvalid
	default:
		return ErrorOther
	}
}

// maxITLSamples bounds the inter-chunk gaps kept per step for percentiles; past it they are a uniform sample.
const maxITLSamples = 200_000

// accumulator gathers one step's requests; it is safe for concurrent use.
type accumulator struct {
	slo []SLOTarget

	mu                          sync.Mutex
	sent, inFlight, maxInFlight int
	delayed, unfinished         int
	completed, failed, good     int
	usageMissing                int
	input, output               int64
	ttft, tpot, e2e             []float64
	errs                        []ErrorCount

	// ITL: exact count, sum, min and max; percentiles from a reservoir (Vitter 1985, Algorithm R) once there
	// are more than maxITLSamples gaps.
	itl            []float64
	itlN           int
	itlSum         float64
	itlMin, itlMax float64
	rng            *rand.Rand
}

func newAccumulator(slo []SLOTarget, rng *rand.Rand) *accumulator {
	return &accumulator{slo: slo, rng: rng}
}

// started counts a request sent; delayed says it waited for a free slot.
func (a *accumulator) started(delayed bool) {
	a.mu.Lock()
	defer a.mu.Unlock()
	a.sent++
	a.inFlight++
	a.maxInFlight = max(a.maxInFlight, a.inFlight)
	if delayed {
		a.delayed++
	}
}

func (a *accumulator) succeeded(s sample) {
	a.mu.Lock()
	defer a.mu.Unlock()
	a.inFlight--
	a.completed++
	a.ttft = append(a.ttft, s.ttft)
	a.e2e = append(a.e2e, s.e2e)
	if s.hasTPOT {
		a.tpot = append(a.tpot, s.tpot)
	}
	if good(s, a.slo) {
		a.good++
	}
	a.input += s.input
	a.output += s.output
	if s.usageMissing {
		a.usageMissing++
	}
	for _, x := range s.itl {
		a.addITL(x)
	}
}

func (a *accumulator) addITL(x float64) {
	a.itlN++
	a.itlSum += x
	if a.itlN == 1 || x < a.itlMin {
		a.itlMin = x
	}
	if a.itlN == 1 || x > a.itlMax {
		a.itlMax = x
	}
	if len(a.itl) < maxITLSamples {
		a.itl = append(a.itl, x)
	} else if j := a.rng.IntN(a.itlN); j < maxITLSamples {
		a.itl[j] = x
	}
}

// failedWith counts a failed request; unfinished says the step's end cut it.
func (a *accumulator) failedWith(kind, message string, unfinished bool) {
	a.mu.Lock()
	defer a.mu.Unlock()
	a.inFlight--
	a.failed++
	if unfinished {
		a.unfinished++
	}
	for i := range a.errs {
		if a.errs[i].Kind == kind {
			a.errs[i].Count++
			return
		}
	}
	a.errs = append(a.errs, ErrorCount{Kind: kind, Count: 1, Example: shorten(message)})
}

func shorten(s string) string {
	s = strings.TrimSpace(strings.ToValidUTF8(s, ""))
	if r := []rune(s); len(r) > 200 {
		s = string(r[:200]) + "…"
	}
	return s
}

// step summarises what was gathered over elapsed; the distributions are computed on copies, outside the lock.
func (a *accumulator) step(base Step, elapsed time.Duration) Step {
	a.mu.Lock()
	st := base
	st.Sent, st.Completed, st.Failed = a.sent, a.completed, a.failed
	st.Delayed, st.Unfinished, st.MaxInFlight = a.delayed, a.unfinished, a.maxInFlight
	st.InputTokens, st.OutputTokens, st.UsageMissing = a.input, a.output, a.usageMissing
	st.GoodRequests = a.good
	ttft, tpot, e2e, itl := slices.Clone(a.ttft), slices.Clone(a.tpot), slices.Clone(a.e2e), slices.Clone(a.itl)
	itlN, itlSum, itlMin, itlMax := a.itlN, a.itlSum, a.itlMin, a.itlMax
	st.Errors = append([]ErrorCount{}, a.errs...)
	a.mu.Unlock()

	st.DurationSeconds = elapsed.Seconds()
	if st.DurationSeconds > 0 {
		st.RequestRate = float64(st.Completed) / st.DurationSeconds
		st.OutputTokensPerSecond = float64(st.OutputTokens) / st.DurationSeconds
		st.Goodput = float64(st.GoodRequests) / st.DurationSeconds
	}
	// distribution sorts the copies in place, which sloResults then needs.
	st.TTFT, st.TPOT, st.E2E, st.ITL = distribution(ttft), distribution(tpot), distribution(e2e), distribution(itl)
	if itlN > 0 {
		st.ITL.Count, st.ITL.MeanMs, st.ITL.MinMs, st.ITL.MaxMs = itlN, itlSum/float64(itlN), itlMin, itlMax
	}
	st.SLO = sloResults(a.slo, ttft, tpot, e2e, st.Completed)
	slices.SortStableFunc(st.Errors, func(x, y ErrorCount) int {
		return cmp.Or(cmp.Compare(y.Count, x.Count), strings.Compare(x.Kind, y.Kind))
	})
	return st
}

// distribution sorts xs in place and summarises it.
func distribution(xs []float64) Distribution {
	if len(xs) == 0 {
		return Distribution{}
	}
	slices.Sort(xs)
	sum := 0.0
	for _, x := range xs {
		sum += x
	}
	p := func(q float64) float64 { v, _ := stats.Percentile(xs, q); return v }
	return Distribution{Count: len(xs), MeanMs: sum / float64(len(xs)), MedianMs: p(0.5), P90Ms: p(0.9),
		P95Ms: p(0.95), P99Ms: p(0.99), MinMs: xs[0], MaxMs: xs[len(xs)-1]}
}

// sloResults checks each target against the sorted samples of its metric.
func sloResults(slo []SLOTarget, ttft, tpot, e2e []float64, completed int) []SLOResult {
	out := make([]SLOResult, 0, len(slo))
	for _, t := range slo {
		r := SLOResult{Metric: t.Metric, Percentile: t.Percentile, ThresholdMs: t.ThresholdMs}
		xs := map[Metric][]float64{MetricTTFT: ttft, MetricTPOT: tpot, MetricE2E: e2e}[t.Metric]
		if len(xs) > 0 {
			r.MeasuredMs, _ = stats.Percentile(xs, t.Percentile/100)
			r.Met = r.MeasuredMs <= t.ThresholdMs
		} else {
			r.Met = t.Metric == MetricTPOT && completed > 0
		}
		out = append(out, r)
	}
	return out
}
