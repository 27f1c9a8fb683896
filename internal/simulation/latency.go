package simulation

import (
	"math"

	"gonum.org/v1/gonum/stat/distuv"

	"github.com/modelarchitect/architect/internal/catalog"
	"github.com/modelarchitect/architect/internal/queueing"
)

// secondsPerDay converts requests per day to requests per second.
const secondsPerDay = 86_400

// maxServers caps the concurrency a rate limit is modelled with: a limit that would allow more concurrent
// requests behaves as this many servers.
const maxServers = 100_000

// z95 is the standard normal 95th percentile, used to fit a log-normal service-time spread through a measured
// p50 and p95.
var z95 = distuv.UnitNormal.Quantile(0.95)

// Latency is a candidate's latency at peak traffic.
type Latency struct {
	TTFTMillis            float64 // time to first (answer) token used
	OutputTokensPerSecond float64 // decode speed used (0 when the service time came from a measured p50)
	ServiceP50Millis      float64 // median service time: TTFT + output tokens / decode speed
	QueueWaitP50Millis    float64 // median queueing delay at peak (M/M/c, Erlang C)
	QueueWaitP95Millis    float64 // 95th percentile queueing delay at peak
	P50Millis             float64 // median service time + median wait
	P95Millis             float64 // 95th percentile service time + 95th percentile wait
	AtSLAPercentileMillis float64 // the same at the workload's SLA percentile
	TTFTSource            Source
	DecodeSource          Source
	SpreadSource          Source // BENCHMARK: service-time spread from a measured p95/p50; CATALOG: none (medians only)
}

// Capacity is what the assumed rate limit sustains and how loaded it is at peak.
type Capacity struct {
	RateLimit            RateLimit
	Servers              int     // c of the M/M/c model
	MeanServiceMillis    float64 // 1/μ
	SustainableRPS       float64 // c·μ, requests per second
	SustainablePerDay    float64 // SustainableRPS × 86,400
	PeakRPS              float64 // λ = requests per day × peak factor / 86,400
	Utilization          float64 // ρ = λ / (c·μ)
	ProbabilityOfWaiting float64 // Erlang C
	Stable               bool    // ρ < 1
}

// service is a model's service time at concurrency 1 for the workload: a median and a log-normal spread σ.
type service struct {
	ttftMs, tps, medianMs, sigma float64
	ttftSrc, decodeSrc, spread   Source
}

// serviceTime builds the service time from the catalog's figures and the benchmark's, combined by sample
// size (evidence.go); ok is false when neither has enough. Latency = TTFT + output tokens / decode speed
// (NVIDIA NIM LLM benchmarking, "Metrics": E2E = TTFT + (N − 1) × inter-token latency); the TTFT of a
// reasoning configuration is its time to first answer token, which already
// holds its thinking, so reasoning tokens are not added again. Catalog speeds are medians at concurrency 1
// (Artificial Analysis, ~1k input tokens); TTFT is not scaled with the input size.
func serviceTime(m catalog.Model, meas *Measured, outTokens int) (service, bool) {
	var (
		catTTFT, catTPS float64
		haveCat         = m.Speed != nil
		mTTFT, mTPS     *float64
		n               int
	)
	if haveCat {
		catTTFT, catTPS = m.Speed.TTFTMillis, m.Speed.OutputTokensPerSecond
	}
	if meas != nil {
		mTTFT, mTPS, n = meas.TTFTMillis, meas.OutputTokensPerSecond, meas.Samples
	}
	s := service{spread: SourceCatalog}
	var haveTTFT, haveTPS bool
	s.ttftMs, s.ttftSrc, haveTTFT = blendSpeed(catTTFT, haveCat, mTTFT, n)
	s.tps, s.decodeSrc, haveTPS = blendSpeed(catTPS, haveCat, mTPS, n)
	measuredEnough := meas != nil && meas.Samples >= MinItems
	switch {
	case haveTTFT && haveTPS && s.tps > 0:
		s.medianMs = s.ttftMs + float64(outTokens)/s.tps*1000
	case measuredEnough && meas.LatencyP50Millis != nil:
		// Only an end-to-end median was measured (at the benchmark's token sizes): use it as the service time.
		s.medianMs, s.ttftMs, s.tps = *meas.LatencyP50Millis, 0, 0
		s.ttftSrc, s.decodeSrc = SourceBenchmark, SourceBenchmark
	default:
		return s, false
	}
	if measuredEnough && meas.LatencyP50Millis != nil && meas.LatencyP95Millis != nil && *meas.LatencyP95Millis >= *meas.LatencyP50Millis {
		s.sigma = math.Log(*meas.LatencyP95Millis / *meas.LatencyP50Millis) / z95
		s.spread = SourceBenchmark
	}
	return s, s.medianMs > 0 && finite(s.medianMs)
}

// quantile of the log-normal service time: median × exp(σ·z_q); with σ = 0 the service time is its median.
func (s service) quantile(q float64) float64 {
	return s.medianMs * math.Exp(s.sigma*distuv.UnitNormal.Quantile(q))
}

// meanMs is the log-normal mean, median × exp(σ²/2).
func (s service) meanMs() float64 { return s.medianMs * math.Exp(s.sigma*s.sigma/2) }

// atPeak computes capacity and, when the queue is stable, latency at the workload's peak (an M/M/c queue,
// package queueing).
// Latency at percentile q = service-time q-quantile + M/M/c waiting-time q-quantile; adding quantiles is
// conservative (it would be exact if slow service and long waits always came together).
func atPeak(s service, w Workload, rl RateLimit, reasoning int) (Capacity, *Latency, error) {
	meanS := s.meanMs() / 1000
	tokens := float64(w.InputTokens + w.OutputTokens + reasoning)
	maxRPS := float64(rl.RequestsPerMinute) / 60
	if rl.TokensPerMinute > 0 && tokens > 0 {
		maxRPS = math.Min(maxRPS, float64(rl.TokensPerMinute)/60/tokens)
	}
	servers := int(math.Max(1, math.Floor(maxRPS*meanS)))
	if servers > maxServers {
		servers = maxServers
	}
	return atLoad(s, w, rl, servers)
}

// atLoad is atPeak's queue with servers given: servers slots, each serving a request in s, at the
// workload's peak.
func atLoad(s service, w Workload, rl RateLimit, servers int) (Capacity, *Latency, error) {
	meanS := s.meanMs() / 1000
	mu := 1 / meanS
	lambda := peakRPS(w)
	capa := Capacity{
		RateLimit:         rl,
		Servers:           servers,
		MeanServiceMillis: meanS * 1000,
		SustainableRPS:    float64(servers) * mu,
		SustainablePerDay: float64(servers) * mu * secondsPerDay,
		PeakRPS:           lambda,
		Utilization:       lambda / (float64(servers) * mu),
	}
	pw, err := queueing.ErlangC(servers, lambda/mu)
	if err == queueing.ErrUnstable {
		return capa, nil, nil
	}
	if err != nil {
		return capa, nil, err
	}
	capa.ProbabilityOfWaiting, capa.Stable = pw, true
	wait := func(q float64) float64 { return queueing.WaitQuantileOf(pw, servers, lambda, mu, q) * 1000 }
	w50, w95, wSLA := wait(0.5), wait(0.95), wait(w.SLAPercentile/100)
	return capa, &Latency{
		TTFTMillis:            s.ttftMs,
		OutputTokensPerSecond: s.tps,
		ServiceP50Millis:      s.medianMs,
		QueueWaitP50Millis:    w50,
		QueueWaitP95Millis:    w95,
		P50Millis:             s.medianMs + w50,
		P95Millis:             s.quantile(0.95) + w95,
		AtSLAPercentileMillis: s.quantile(w.SLAPercentile/100) + wSLA,
		TTFTSource:            s.ttftSrc,
		DecodeSource:          s.decodeSrc,
		SpreadSource:          s.spread,
	}, nil
}

// peakRPS is the workload's request rate at peak, λ = requests per day × peak factor ÷ 86,400.
func peakRPS(w Workload) float64 { return float64(w.RequestsPerDay) * w.PeakFactor / secondsPerDay }
