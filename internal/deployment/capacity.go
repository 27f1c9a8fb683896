package deployment

import (
	"fmt"
	"math"
)

// Capacity model constants, each with its source.
const (
	// BytesPerParameter: weights and KV cache in BF16, matching the catalog's BF16 TFLOPS figures.
	BytesPerParameter = 2
	// MemoryFraction of GPU memory usable for weights and KV cache (weights + KV cache ≤ Σ GPU memory × 0.9):
	// vLLM's default gpu_memory_utilization (vllm/engine/arg_utils.py).
	MemoryFraction = 0.9
	// MFU, the share of peak FLOPS reached in prefill and compute-bound decode: 40 %, which puts the prefill
	// of 5,000 tokens of Llama-3.3-70B on 2×H100 in FP8 (1,979 dense TFLOPS each, NVIDIA's H100 datasheet) at
	// 2 × 70e9 × 5,000 ÷ (2 × 1,979e12 × 0.4) ≈ 442 ms against 407 ms measured (TTFT at concurrency 1, NVIDIA
	// NIM 1.8.0 LLM benchmarking "Performance" page).
	MFU = 0.4
	// HBMEfficiency, the share of peak memory bandwidth reached in decode: 0.56, from 70e9 B ÷ (2 × 3.35 TB/s)
	// = 10.45 ms theoretical vs 18.58 ms measured time per output token in the same NIM benchmark.
	HBMEfficiency = 0.56
	// MaxBatch is the most concurrent requests per replica: vLLM's default max_num_seqs = 256
	// (vllm/engine/arg_utils.py, SchedulerConfig).
	MaxBatch = 256
	// DefaultKVBytesPerToken when the request gives none: Llama-3-70B in BF16,
	// 2 × 80 layers × 8 KV heads × 128 dims × 2 bytes = 327,680 B (the model's config.json: num_hidden_layers,
	// num_key_value_heads, hidden_size ÷ num_attention_heads). It overstates the cache of
	// smaller GQA models (Llama-3-8B: 131,072 B) and understates Llama-3.1-405B (516,096 B).
	DefaultKVBytesPerToken = 327_680
	// MaxReplicas caps a plan.
	MaxReplicas = 1000
)

// hardware is one replica: an instance's GPUs working together (tensor parallel).
type hardware struct {
	gpus   int
	memGB  float64 // per GPU, 1 GB = 1e9 bytes
	tflops float64 // BF16 dense, per GPU
	hbmTBs float64 // per GPU
}

// workload is the model and one request's shape.
type workload struct {
	params, activeParams float64 // total (in memory) and active per token, in parameters
	kvPerToken           float64 // bytes
	in, out              int     // tokens per request
}

// Capacity is one replica's modelled performance at the batch the plan runs it at.
type Capacity struct {
	Batch                 int     `json:"batch"`                 // concurrent requests per replica
	RequestsPerSecond     float64 `json:"requestsPerSecond"`     // per replica
	OutputTokensPerSecond float64 `json:"outputTokensPerSecond"` // per replica
	LatencyMs             float64 `json:"latencyMs"`             // end to end per request at that batch
	PrefillMs             float64 `json:"prefillMs"`             // compute time of one prompt (time to first token without queueing)
	TimePerOutputTokenMs  float64 `json:"timePerOutputTokenMs"`  // one decode step at that batch
	WeightsGB             float64 `json:"weightsGB"`
	KVCacheGB             float64 `json:"kvCacheGB"` // at that batch, every request at full length
	UsableMemoryGB        float64 `json:"usableMemoryGB"`
}

// RejectReason says why an instance type cannot serve the request.
type RejectReason string

// Reject reasons.
const (
	RejectMemory    RejectReason = "MEMORY"      // weights, or weights plus one request's KV cache, do not fit
	RejectLatency   RejectReason = "LATENCY"     // one request alone takes longer than the SLA
	RejectReplicas  RejectReason = "REPLICAS"    // more than MaxReplicas would be needed
	RejectNoGPUSpec RejectReason = "NO_GPU_SPEC" // the catalog has no specification for the instance's GPU
)

// Rejection is an instance type that cannot serve the request, and why.
type Rejection struct {
	InstanceType string       `json:"instanceType"`
	Region       string       `json:"region"`
	Reason       RejectReason `json:"reason"`
	Detail       string       `json:"detail"`
}

// replica is one replica's roofline model (prefill compute-bound, decode memory-bound; Yuan et al. 2024, "LLM
// Inference Unveiled: Survey and Roofline Model Insights", arXiv 2402.16363):
//
//	weights W           = P × 2 B;  usable memory M = 0.9 × GPUs × GPU memory
//	KV per request      = kvPerToken × (in + out)                 (every request at full length)
//	batch limit         = ⌊(M − W) ÷ KV per request⌋, at most 256
//	prefill             = 2 × P_active × in ÷ (GPUs × FLOPS × 0.4)
//	decode step (B)     = max( (min(P, P_active × B) × 2 B + B × KV per request) ÷ (GPUs × HBM × 0.56),
//	                           2 × P_active × B ÷ (GPUs × FLOPS × 0.4) )
//	latency (B)         = B × prefill + out × step(B)
//	throughput (B)      = B ÷ latency(B) requests/s
//
// The latency follows from Little's law: with B requests in flight, B new prompts are prefilled during one
// request's life and each stalls decoding; so the throughput is also 1 ÷ (prefill + out × step ÷ B), the
// GPU time one request takes. Requests beyond the batch wait in a queue: see sizing.go.
type replica struct {
	wl                        workload
	weights, usable, kvReq    float64
	maxBatch                  int
	prefill, flops, bandwidth float64 // seconds; FLOP/s and B/s reached
}

// newReplica models hw serving wl, or says why hw cannot serve even one request.
func newReplica(hw hardware, wl workload) (replica, RejectReason, string) {
	r := replica{wl: wl, weights: wl.params * BytesPerParameter, usable: MemoryFraction * float64(hw.gpus) * hw.memGB * 1e9}
	if r.weights >= r.usable {
		return r, RejectMemory, fmt.Sprintf("weights need %s GB but 90%% of %d × %s GB is %s GB",
			gb(r.weights), hw.gpus, num(hw.memGB), gb(r.usable))
	}
	r.kvReq = wl.kvPerToken * float64(wl.in+wl.out)
	fit := math.Floor((r.usable - r.weights) / r.kvReq)
	if fit < 1 {
		return r, RejectMemory, fmt.Sprintf("weights (%s GB) fit in %s GB but not with the KV cache of one %d-token request (%s GB)",
			gb(r.weights), gb(r.usable), wl.in+wl.out, gb(r.kvReq))
	}
	r.maxBatch = int(math.Min(fit, MaxBatch))
	r.flops = float64(hw.gpus) * hw.tflops * 1e12 * MFU
	r.bandwidth = float64(hw.gpus) * hw.hbmTBs * 1e12 * HBMEfficiency
	r.prefill = 2 * wl.activeParams * float64(wl.in) / r.flops
	return r, "", ""
}

// step is one decode step at batch b, seconds.
func (r replica) step(b int) float64 {
	read := math.Min(r.wl.params, r.wl.activeParams*float64(b))*BytesPerParameter + float64(b)*r.kvReq
	return math.Max(read/r.bandwidth, 2*r.wl.activeParams*float64(b)/r.flops)
}

// latency is one request's service time at batch b, seconds.
func (r replica) latency(b int) float64 { return float64(b)*r.prefill + float64(r.wl.out)*r.step(b) }

// capacity reports the replica at batch b.
func (r replica) capacity(b int) Capacity {
	l := r.latency(b)
	rps := float64(b) / l
	return Capacity{
		Batch: b, RequestsPerSecond: rps, OutputTokensPerSecond: rps * float64(r.wl.out),
		LatencyMs: l * 1000, PrefillMs: r.prefill * 1000, TimePerOutputTokenMs: r.step(b) * 1000,
		WeightsGB: r.weights / 1e9, KVCacheGB: float64(b) * r.kvReq / 1e9, UsableMemoryGB: r.usable / 1e9,
	}
}

// largestBatchWithin is the largest batch whose service time is within slaMs, 0 when not even one request's
// is (latency grows with the batch).
func (r replica) largestBatchWithin(slaMs float64) int {
	if r.latency(1)*1000 > slaMs {
		return 0
	}
	lo, hi := 1, r.maxBatch
	for lo < hi {
		mid := (lo + hi + 1) / 2
		if r.latency(mid)*1000 <= slaMs {
			lo = mid
		} else {
			hi = mid - 1
		}
	}
	return lo
}

// rounded returns c with its figures rounded to six decimals for reporting.
func (c Capacity) rounded() Capacity {
	r := func(x float64) float64 { return math.Round(x*1e6) / 1e6 }
	return Capacity{
		Batch: c.Batch, RequestsPerSecond: r(c.RequestsPerSecond), OutputTokensPerSecond: r(c.OutputTokensPerSecond),
		LatencyMs: r(c.LatencyMs), PrefillMs: r(c.PrefillMs), TimePerOutputTokenMs: r(c.TimePerOutputTokenMs),
		WeightsGB: r(c.WeightsGB), KVCacheGB: r(c.KVCacheGB), UsableMemoryGB: r(c.UsableMemoryGB),
	}
}

func gb(bytes float64) string { return num(bytes / 1e9) }

// num formats a figure for a message with four significant digits.
func num(x float64) string { return fmt.Sprintf("%.4g", x) }
