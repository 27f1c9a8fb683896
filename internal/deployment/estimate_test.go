package deployment

import (
	"fmt"
	"math"
	"strings"
	"testing"

	"github.com/shopspring/decimal"
	"github.com/stretchr/testify/require"

	"github.com/modelarchitect/architect/internal/catalog"
)

func dec(s string) decimal.Decimal { return decimal.RequireFromString(s) }

// testCatalog is hand-made with round figures so every number below can be derived by hand.
func testCatalog() *catalog.Catalog {
	inst := func(typ, gpu string, n int, region, price string) catalog.Instance {
		return catalog.Instance{Provider: "AWS", Type: typ, GPU: gpu, GPUCount: n, Region: region, HourlyUSD: dec(price),
			Provenance: catalog.Provenance{Source: "test", AsOf: "2026-01-01"}}
	}
	return &catalog.Catalog{
		Version: "test-1",
		Models: []catalog.Model{
			{ID: "meta/m10", ParametersBillions: 10, OpenWeights: true, ContextWindow: 100000},
			{ID: "meta/m100", ParametersBillions: 100, OpenWeights: true},
			{ID: "meta/moe", ParametersBillions: 40, ActiveParametersBillions: 10, OpenWeights: true},
			{ID: "meta/noparams", OpenWeights: true},
			{ID: "openai/closed", ParametersBillions: 10},
		},
		GPUs: []catalog.GPU{
			{Name: "X80", MemoryGB: 80, BF16TFLOPS: 1000, HBMTBPerSec: 2},
			{Name: "X25", MemoryGB: 25, BF16TFLOPS: 100, HBMTBPerSec: 1},
		},
		Instances: []catalog.Instance{
			inst("big.1x", "X80", 1, "us-east-1", "3"),
			inst("small.1x", "X25", 1, "us-east-1", "1"),
			inst("big.8x", "X80", 8, "us-east-1", "20"),
			inst("mystery.1x", "Z99", 1, "us-east-1", "0.5"),
			inst("big.1x", "X80", 1, "us-west-2", "2.5"),
			inst("small.1x", "X25", 1, "eu-west-1", "1"),
			{Provider: "GCP", Type: "g-big", GPU: "X80", GPUCount: 1, Region: "us-central1", HourlyUSD: dec("2")},
		},
	}
}

// load is 10 requests/s of 1,000 tokens in and 1,000 out; with 100,000 KV bytes per token one request
// holds 2,000 × 100,000 B = 0.2 GB of KV cache.
func load() Request {
	return Request{Model: "meta/m10", Provider: ProviderAWS, Region: "us-east-1",
		Throughput: &Throughput{RequestsPerSecond: 10, InputTokens: 1000, OutputTokens: 1000}, KVBytesPerToken: 100_000}
}

// Per-replica figures for meta/m10 (W = 10e9 × 2 B = 20 GB), derived from the formulas in capacity.go:
//
//	big.1x (1 × X80): usable 0.9 × 80 = 72 GB, batch ≤ ⌊52 GB ÷ 0.2 GB⌋ = 260 → 256;
//	  prefill 2 × 10e9 × 1000 ÷ (1000e12 × 0.4) = 50 ms; step(B) = (20e9 + B × 0.2e9) ÷ (2e12 × 0.56)
//	  latency(B) = 0.05 B + 1000 × step(B) = 17.857142857 + 0.228571429 B s
//	  no SLA: B = 256, latency 76.371428571 s, 256 ÷ 76.371428571 = 3.352039 req/s; at most 85 % busy:
//	  ⌈10 ÷ (3.352039 × 0.85)⌉ = 4 replicas (waits: Erlang C over 4 × 256 slots, none at the 95th percentile)
//	  SLA 30 s: B ≤ (30 − 17.857142857) ÷ 0.228571429 = 53.125 → 53, latency 29.971428571 s, so a request
//	  may wait at most 28.6 ms: 7 replicas (testdata/sizing_reference.txt: the step from 7 to 8 is at 10.55 req/s)
//	small.1x (1 × X25): usable 22.5 GB, batch ⌊2.5 ÷ 0.2⌋ = 12; prefill 500 ms; step(B) = (20e9 + B × 0.2e9) ÷ 5.6e11
//	  latency(12) = 6 + 1000 × 0.04 = 46 s → 12 ÷ 46 = 0.26087 req/s → ⌈10 ÷ (0.26087 × 0.85)⌉ = 46 replicas;
//	  latency(1) = 36.571 s
//	big.8x (8 × X80): prefill 6.25 ms, step(B) = (20e9 + B × 0.2e9) ÷ 8.96e12; one replica serves 10 req/s at
//	  batch 64 (latency 0.4 + 3.661 = 4.061 s, 15.76 req/s, 63 % busy); latency(1) = 2.2607 s
//	(The figures were checked with testdata/sizing_reference.py.)
func TestEstimateCheapestInstance(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name         string
		edit         func(r *Request)
		instance     string
		replicas     int
		batch        int
		hourly       string
		monthly      string
		latencyMs    float64
		alternatives []string // region: type × replicas = hourly
		rejections   []RejectReason
	}{
		{
			name:     "no SLA",
			edit:     func(*Request) {},
			instance: "big.1x", replicas: 4, batch: 256,
			hourly:    "12",   // 4 × $3 (small.1x: 46 × $1 = $46; big.8x: 1 × $20)
			monthly:   "8760", // $12 × 730 h
			latencyMs: 76371.428571,
			// us-west-2: 4 × $2.5 = $10; eu-west-1: 46 × $1 = $46
			alternatives: []string{"us-west-2 big.1x 4 10", "eu-west-1 small.1x 46 46"},
			rejections:   []RejectReason{RejectNoGPUSpec},
		},
		{
			name: "30 s SLA",
			edit: func(r *Request) { r.LatencySLAMillis = 30000 },
			// big.1x now needs 7 × $3 = $21 (its 30 s service time leaves no room to queue), so big.8x at
			// 1 × $20 wins; small.1x cannot meet 30 s
			instance: "big.8x", replicas: 1, batch: 64,
			hourly:    "20",
			monthly:   "14600", // $20 × 730
			latencyMs: 4060.714286,
			// us-west-2: 7 × $2.5 = $17.5; eu-west-1 has only small.1x, which misses the SLA
			alternatives: []string{"us-west-2 big.1x 7 17.5"},
			rejections:   []RejectReason{RejectNoGPUSpec, RejectLatency},
		},
		{
			name: "3 s SLA leaves the 8-GPU instance",
			edit: func(r *Request) { r.LatencySLAMillis = 3000 },
			// big.8x: latency(B) = 2,232.142857 + B × (6.25 + 22.321429) ms ≤ 3,000 → B ≤ 26.875 → 26,
			// latency 2,232.142857 + 26 × 28.571429 = 2,975 ms, 26 ÷ 2.975 = 8.7395 req/s → 2 replicas × $20
			instance: "big.8x", replicas: 2, batch: 26,
			hourly: "40", monthly: "29200", latencyMs: 2975,
			rejections: []RejectReason{RejectLatency, RejectNoGPUSpec, RejectLatency},
		},
		{
			name: "fixed instance type and replicas",
			edit: func(r *Request) { r.InstanceType, r.Replicas = "big.8x", 2 },
			// the batch with the lowest latency at the 95th percentile for 2 replicas: 32, service 3,146 ms
			instance: "big.8x", replicas: 2, batch: 32,
			hourly: "40", monthly: "29200", latencyMs: 3146.428571,
		},
		{
			name: "fixed replicas choose the batch that meets the target",
			edit: func(r *Request) {
				r.InstanceType, r.Replicas, r.LatencySLAMillis, r.Throughput.RequestsPerSecond = "big.8x", 2, 5000, 17.4
			},
			// batch 32 is faster (3,146 ms) but 17.4 ÷ (64 ÷ 3.146429) = 85.5 % busy, over the 85 % ceiling;
			// batch 64: 4,060.714 ms service, 17.4 ÷ (128 ÷ 4.060714) = 55.2 % busy, within the 5 s SLA
			instance: "big.8x", replicas: 2, batch: 64,
			hourly: "40", monthly: "29200", latencyMs: 4060.714286,
		},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			req := load()
			tc.edit(&req)
			est, err := Estimate(testCatalog(), req)
			require.NoError(t, err)
			p := est.Plan
			require.NotNil(t, p)
			require.Equal(t, tc.instance, p.InstanceType)
			require.Equal(t, tc.replicas, p.Replicas)
			require.True(t, dec(tc.hourly).Equal(p.HourlyUSD), "hourly %s", p.HourlyUSD)
			require.True(t, dec(tc.monthly).Equal(p.MonthlyUSD), "monthly %s", p.MonthlyUSD)
			require.Equal(t, tc.batch, p.Capacity.Batch)
			require.True(t, p.MeetsTarget)
			if tc.latencyMs > 0 {
				require.InDelta(t, tc.latencyMs, p.Capacity.LatencyMs, 1e-3)
			}
			var alts []string
			for _, a := range est.Alternatives {
				alts = append(alts, a.Region+" "+a.InstanceType+" "+itoa(a.Replicas)+" "+a.HourlyUSD.String())
			}
			require.Equal(t, tc.alternatives, alts)
			var rej []RejectReason
			for _, r := range est.Rejections {
				rej = append(rej, r.Reason)
			}
			require.Equal(t, tc.rejections, rej)
			require.Equal(t, 730, est.HoursPerMonth)
			require.Equal(t, "test-1", est.CatalogVersion)
		})
	}
}

func itoa(n int) string { return decimal.NewFromInt(int64(n)).String() }

func TestReplicaCapacityFigures(t *testing.T) {
	t.Parallel()
	x80 := hardware{gpus: 1, memGB: 80, tflops: 1000, hbmTBs: 2}
	tests := []struct {
		name              string
		hw                hardware
		wl                workload
		sla               float64
		batch             int
		prefillMs, tpotMs float64
		latencyMs, rps    float64
		reject            RejectReason
	}{
		{
			name: "dense model on one GPU",
			hw:   x80, wl: workload{params: 10e9, activeParams: 10e9, kvPerToken: 1e5, in: 1000, out: 1000},
			// see TestEstimateCheapestInstance: step(256) = (20e9 + 51.2e9) ÷ 1.12e12 = 63.5714 ms
			batch: 256, prefillMs: 50, tpotMs: 63.571429, latencyMs: 76371.428571, rps: 3.352039,
		},
		{
			name: "mixture of experts: memory holds all 40B, decode reads the 10B active per request",
			hw:   hardware{gpus: 8, memGB: 80, tflops: 1000, hbmTBs: 2},
			wl:   workload{params: 40e9, activeParams: 10e9, kvPerToken: 1e5, in: 1000, out: 1000},
			// prefill 2 × 10e9 × 1000 ÷ 3.2e15 = 6.25 ms; step(256) = (min(40e9, 2560e9) × 2 + 256 × 0.2e9) ÷ 8.96e12
			// = 131.2e9 ÷ 8.96e12 = 14.642857 ms; latency 256 × 6.25 ms + 1000 × 14.642857 ms = 16,242.857 ms
			batch: 256, prefillMs: 6.25, tpotMs: 14.642857, latencyMs: 16242.857143, rps: 15.760774,
		},
		{
			name: "compute-bound decode at a large batch",
			hw:   hardware{gpus: 1, memGB: 80, tflops: 10, hbmTBs: 2},
			wl:   workload{params: 1e9, activeParams: 1e9, kvPerToken: 1000, in: 100, out: 100},
			// memory: (2e9 + 256 × 0.2e6) ÷ 1.12e12 = 1.8314 ms; compute: 2 × 1e9 × 256 ÷ 4e12 = 128 ms
			// prefill 2 × 1e9 × 100 ÷ 4e12 = 50 ms; latency 256 × 0.05 + 100 × 0.128 = 25.6 s
			batch: 256, prefillMs: 50, tpotMs: 128, latencyMs: 25600, rps: 10,
		},
		{
			name: "weights do not fit",
			hw:   x80, wl: workload{params: 40e9, activeParams: 40e9, kvPerToken: 1, in: 1, out: 1},
			reject: RejectMemory, // 80 GB ≥ 72 GB
		},
		{
			name: "one request's KV cache does not fit",
			hw:   x80, wl: workload{params: 30e9, activeParams: 30e9, kvPerToken: 1e6, in: 10000, out: 10000},
			reject: RejectMemory, // 60 GB weights + 20 GB cache > 72 GB
		},
		{
			name: "one request alone misses the SLA",
			hw:   x80, wl: workload{params: 10e9, activeParams: 10e9, kvPerToken: 1e5, in: 1000, out: 1000},
			sla:    18000, // latency(1) = 17.857 + 0.229 = 18.086 s
			reject: RejectLatency,
		},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			r, reason, detail := newReplica(tc.hw, tc.wl)
			batch := r.maxBatch
			if reason == "" && tc.sla > 0 {
				if batch = r.largestBatchWithin(tc.sla); batch == 0 {
					reason, detail = RejectLatency, "one request alone is slower than the SLA"
				}
			}
			if tc.reject != "" {
				require.Equal(t, tc.reject, reason)
				require.NotEmpty(t, detail)
				return
			}
			require.Empty(t, reason)
			c := r.capacity(batch)
			require.Equal(t, tc.batch, c.Batch)
			require.InDelta(t, tc.prefillMs, c.PrefillMs, 1e-6)
			require.InDelta(t, tc.tpotMs, c.TimePerOutputTokenMs, 1e-6)
			require.InDelta(t, tc.latencyMs, c.LatencyMs, 1e-6)
			require.InDelta(t, tc.rps, c.RequestsPerSecond, 1e-6)
			require.InDelta(t, tc.rps*float64(tc.wl.out), c.OutputTokensPerSecond, 1e-3)
		})
	}
}

func TestEstimateNothingFits(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name       string
		edit       func(r *Request)
		rejections []RejectReason
		regions    []string
		message    string
	}{
		{
			name:       "memory",
			edit:       func(r *Request) { r.Model, r.Region = "meta/m100", "us-west-2" }, // 200 GB of weights on one 80 GB GPU
			rejections: []RejectReason{RejectMemory},
			message:    "no AWS instance type in us-west-2 can serve meta/m100: big.1x: memory (weights need 200 GB but 90% of 1 × 80 GB is 72 GB)",
		},
		{
			name:       "latency",
			edit:       func(r *Request) { r.LatencySLAMillis = 100 },
			rejections: []RejectReason{RejectLatency, RejectLatency, RejectNoGPUSpec, RejectLatency},
			message:    "big.1x: latency (one request alone takes 1.809e+04 ms",
		},
		{
			name:    "no instance in the region",
			edit:    func(r *Request) { r.Region = "ap-south-1" },
			regions: []string{"eu-west-1", "us-east-1", "us-west-2"},
			message: `no AWS instance in region "ap-south-1"; regions with instances: eu-west-1, us-east-1, us-west-2; cheapest elsewhere: 4 × big.1x in us-west-2 at $10/h`,
		},
		{
			name: "self-hosted hardware too small",
			edit: func(r *Request) {
				r.Provider, r.Model, r.InstanceType, r.Replicas, r.Throughput = ProviderSelfHosted, "meta/m100", "big.1x", 1, nil
			},
			rejections: []RejectReason{RejectMemory},
			message:    "big.1x: memory (weights need 200 GB but 90% of 1 × 80 GB is 72 GB)",
		},
		{
			name:    "instance type not offered in the region",
			edit:    func(r *Request) { r.Region, r.InstanceType = "eu-west-1", "big.8x" },
			regions: []string{"us-east-1"},
			message: `no AWS instance in region "eu-west-1"; regions with instances: us-east-1`,
		},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			req := load()
			tc.edit(&req)
			est, err := Estimate(testCatalog(), req)
			require.Nil(t, est)
			var nf *NoFitError
			require.ErrorAs(t, err, &nf)
			var rej []RejectReason
			for _, r := range nf.Rejections {
				rej = append(rej, r.Reason)
			}
			require.Equal(t, tc.rejections, rej)
			require.Equal(t, tc.regions, nf.Regions)
			require.Contains(t, err.Error(), tc.message)
		})
	}
}

func TestEstimateSelfHosted(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name    string
		req     Request
		hourly  string
		monthly string
		region  string
		unknown string
	}{
		{
			name:    "no instance type: cost unknown",
			req:     Request{Model: "meta/m10", Provider: ProviderSelfHosted},
			unknown: "set config.instanceType",
		},
		{
			name:    "instance type not in the catalog",
			req:     Request{Model: "meta/m10", Provider: ProviderSelfHosted, InstanceType: "dgx-in-the-basement", Replicas: 1},
			unknown: `instance type "dgx-in-the-basement" is not in the catalog`,
		},
		{
			name: "named type and count, priced at the cheapest region",
			req:  Request{Model: "meta/m10", Provider: ProviderSelfHosted, InstanceType: "big.1x", Replicas: 2},
			// us-west-2 at $2.5 < us-east-1 at $3: 2 × 2.5 = $5/h, × 730 = $3,650
			hourly: "5", monthly: "3650", region: "us-west-2",
		},
		{
			name: "named type in the named region, sized from the load",
			req: Request{Model: "meta/m10", Provider: ProviderSelfHosted, Region: "us-east-1", InstanceType: "big.1x",
				Throughput: &Throughput{RequestsPerSecond: 10, InputTokens: 1000, OutputTokens: 1000}, KVBytesPerToken: 100_000},
			// 4 replicas (see TestEstimateCheapestInstance) × $3 = $12/h
			hourly: "12", monthly: "8760", region: "us-east-1",
		},
		{
			name:   "named type without a count is one replica",
			req:    Request{Model: "meta/m10", Provider: ProviderSelfHosted, InstanceType: "small.1x"},
			hourly: "1", monthly: "730", region: "eu-west-1", // two regions at $1: eu-west-1 sorts first
		},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			est, err := Estimate(testCatalog(), tc.req)
			require.NoError(t, err)
			if tc.unknown != "" {
				require.Nil(t, est.Plan)
				require.Contains(t, est.CostUnknownReason, tc.unknown)
				return
			}
			require.Empty(t, est.CostUnknownReason)
			require.True(t, dec(tc.hourly).Equal(est.Plan.HourlyUSD), "hourly %s", est.Plan.HourlyUSD)
			require.True(t, dec(tc.monthly).Equal(est.Plan.MonthlyUSD), "monthly %s", est.Plan.MonthlyUSD)
			require.Equal(t, tc.region, est.Plan.Region)
			require.Contains(t, strings.Join(est.Notes, " "), "your own cost may differ")
			require.Empty(t, est.Alternatives)
		})
	}
}

func TestEstimateValidation(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name  string
		edit  func(r *Request)
		field string
	}{
		{"unknown provider", func(r *Request) { r.Provider = "ORACLE" }, "provider"},
		{"no model", func(r *Request) { r.Model = "" }, "model"},
		{"unknown model", func(r *Request) { r.Model = "meta/none" }, "model"},
		{"closed model", func(r *Request) { r.Model = "openai/closed" }, "model"},
		{"no parameter count", func(r *Request) { r.Model = "meta/noparams" }, "model"},
		{"no region", func(r *Request) { r.Region = "" }, "region"},
		{"no throughput", func(r *Request) { r.Throughput = nil }, "throughput"},
		{"zero rps", func(r *Request) { r.Throughput.RequestsPerSecond = 0 }, "throughput.requestsPerSecond"},
		{"NaN rps", func(r *Request) { r.Throughput.RequestsPerSecond = math.NaN() }, "throughput.requestsPerSecond"},
		{"no output tokens", func(r *Request) { r.Throughput.OutputTokens = 0 }, "throughput.outputTokens"},
		{"context window", func(r *Request) { r.Throughput.InputTokens = 100001 }, "throughput.inputTokens"},
		{"negative SLA", func(r *Request) { r.LatencySLAMillis = -1 }, "latencySLAMs"},
		{"infinite SLA", func(r *Request) { r.LatencySLAMillis = math.Inf(1) }, "latencySLAMs"},
		{"replicas without type", func(r *Request) { r.Replicas = 2 }, "instanceType"},
		{"too many replicas", func(r *Request) { r.InstanceType, r.Replicas = "big.1x", 1001 }, "replicas"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			req := load()
			tc.edit(&req)
			_, err := Estimate(testCatalog(), req)
			var ve *ValidationError
			require.ErrorAs(t, err, &ve)
			require.Equal(t, tc.field, ve.Field)
			require.NotEmpty(t, ve.Reason)
		})
	}
}

// More traffic never lowers the cost; a tighter SLA never lowers it either.
func TestEstimateMonotone(t *testing.T) {
	t.Parallel()
	prev := decimal.Zero
	for _, rps := range []float64{0.1, 1, 3, 3.4, 10, 30, 100, 300} {
		req := load()
		req.Throughput.RequestsPerSecond = rps
		est, err := Estimate(testCatalog(), req)
		require.NoError(t, err)
		require.True(t, est.Plan.HourlyUSD.GreaterThanOrEqual(prev), "rps %v: %s < %s", rps, est.Plan.HourlyUSD, prev)
		prev = est.Plan.HourlyUSD
	}
	prev = decimal.Zero
	for _, sla := range []float64{0, 80000, 60000, 40000, 30000, 20000, 10000, 5000, 3000} {
		req := load()
		req.LatencySLAMillis = sla
		est, err := Estimate(testCatalog(), req)
		require.NoError(t, err, "sla %v", sla)
		require.True(t, est.Plan.HourlyUSD.GreaterThanOrEqual(prev), "sla %v: %s < %s", sla, est.Plan.HourlyUSD, prev)
		prev = est.Plan.HourlyUSD
	}
}

// A self-hosted reasoning model decodes its hidden reasoning too: the estimate counts the catalog's expected
// reasoning tokens as output, in the context check and in the sizing, and says so.
func TestEstimateCountsReasoning(t *testing.T) {
	t.Parallel()
	cat := catalog.Default()
	m, err := cat.Model("openai/gpt-oss-120b")
	require.NoError(t, err)
	r, estimated := m.ReasoningTokens(0)
	require.True(t, estimated)
	require.Positive(t, r)
	req := Request{Model: m.ID, Provider: ProviderAWS, Region: "us-east-1", AsOf: "2026-12-07",
		Throughput: &Throughput{RequestsPerSecond: 2, InputTokens: 1000, OutputTokens: 200}}
	est, err := Estimate(cat, req)
	require.NoError(t, err)
	require.Contains(t, strings.Join(est.Notes, " "), fmt.Sprintf("%d hidden reasoning tokens per request", r))

	// The window is shared: input + output + reasoning must fit.
	req.Throughput.InputTokens = m.ContextWindow - 200 - r + 1
	_, err = Estimate(cat, req)
	var ve *ValidationError
	require.ErrorAs(t, err, &ve)
	require.Equal(t, "throughput.inputTokens", ve.Field)
	require.Contains(t, ve.Reason, fmt.Sprintf("200 output + %d reasoning tokens exceed", r))
}
