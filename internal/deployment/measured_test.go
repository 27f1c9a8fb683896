package deployment

import (
	"strings"
	"testing"

	"github.com/stretchr/testify/require"
)

// measuredLoad is SELF_HOSTED meta/m10 priced like big.1x in us-east-1 ($3/h), 3 requests/s of 101 output
// tokens with an SLA of 2,000 ms at p95, on a server measured at 4 slots per replica, 200 ms to the first
// token and 10 ms per token after it: S = 200 + 100 × 10 = 1,200 ms, μ = 1/1.2 s, 3.333333 requests/s per
// replica.
func measuredLoad() Request {
	return Request{Model: "meta/m10", Provider: ProviderSelfHosted, Region: "us-east-1", InstanceType: "big.1x",
		Throughput: &Throughput{RequestsPerSecond: 3, InputTokens: 1000, OutputTokens: 101}, LatencySLAMillis: 2000,
		Measured: &MeasuredService{SlotsPerReplica: 4, InterceptMs: 200, MsPerOutputToken: 10, SaturationRate: 3.4,
			Provenance: "load test 42 of 2026-12-07"}}
}

// TestEstimateWithMeasuredService sizes on the measured model instead of the roofline. Erlang C from the
// textbook sum (Python with scipy's brentq for the rates; Kleinrock 1975, the M/M/m queue):
//
//	sized: the fewest replicas at most 85 % busy: ⌈3 × 1.2 ÷ (4 × 0.85)⌉ = 2 → 8 slots, a = 3.6 erlangs,
//	  utilization 0.45, C(8, 3.6) = 0.034622 < 0.05, so no wait at p95: latency 1,200 ms ≤ 2,000 ms;
//	  the SLA fails above λ where 1.2 + ln(C(8, λ·1.2)/0.05) ÷ (8/1.2 − λ) = 2.0 s: λ = 4.614131 /s
//	fixed 1 replica: 4 slots, utilization 0.9 (over 85 %), C(4, 3.6) = 0.787753, wait at p95
//	  ln(0.787753/0.05) ÷ (4/1.2 − 3) = 8.271486 s, latency 9,471.485757 ms; the SLA fails above 1.701768 /s
func TestEstimateWithMeasuredService(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name                  string
		edit                  func(r *Request)
		replicas              int
		utilization, pWait    float64
		latencyMs, failsAbove float64
		meets                 bool
		hourly                string
	}{
		{name: "sized", edit: func(*Request) {}, replicas: 2, utilization: 0.45, pWait: 0.034622, latencyMs: 1200,
			failsAbove: 4.614131, meets: true, hourly: "6"},
		{name: "fixed replicas", edit: func(r *Request) { r.Replicas = 1 }, replicas: 1, utilization: 0.9, pWait: 0.787753,
			latencyMs: 9471.485757, failsAbove: 1.701768, meets: false, hourly: "3"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			req := measuredLoad()
			tc.edit(&req)
			est, err := Estimate(testCatalog(), req)
			require.NoError(t, err)
			p := est.Plan
			require.NotNil(t, p)
			require.Equal(t, "load test 42 of 2026-12-07", p.MeasuredBy)
			require.Equal(t, tc.replicas, p.Replicas)
			require.True(t, dec(tc.hourly).Equal(p.HourlyUSD), "hourly %s", p.HourlyUSD)
			require.Equal(t, 4, p.Capacity.Batch)
			require.InDelta(t, 1200, p.Capacity.LatencyMs, 1e-9)
			require.InDelta(t, 200, p.Capacity.PrefillMs, 1e-9)
			require.InDelta(t, 10, p.Capacity.TimePerOutputTokenMs, 1e-9)
			require.InDelta(t, 3.333333, p.Capacity.RequestsPerSecond, 1e-6)
			require.InDelta(t, 336.666667, p.Capacity.OutputTokensPerSecond, 1e-6)
			require.Zero(t, p.Capacity.WeightsGB, "memory is not modelled for a measured server")
			require.InDelta(t, tc.utilization, p.Utilization, 1e-6)
			require.InDelta(t, tc.pWait, p.ProbabilityOfWaiting, 1e-6)
			require.NotNil(t, p.LatencyAtPercentileMs)
			require.InDelta(t, tc.latencyMs, *p.LatencyAtPercentileMs, 1e-6)
			require.Equal(t, tc.meets, p.MeetsTarget)
			require.NotNil(t, p.SLAFailsAboveRPS)
			require.InDelta(t, tc.failsAbove, *p.SLAFailsAboveRPS, 1e-6)
			notes := strings.Join(est.Notes, " ")
			require.Contains(t, notes, "capacity measured by load test 42 of 2026-12-07: 4 slots per replica, each request 200 ms to the first token + 100 tokens × 10 ms = 1200 ms")
			require.NotContains(t, notes, "KV cache assumed", "the roofline's assumptions are not used")
		})
	}
}

func TestEstimateWithMeasuredServiceRefusals(t *testing.T) {
	t.Parallel()
	t.Run("one request over the SLA", func(t *testing.T) {
		t.Parallel()
		req := measuredLoad()
		req.LatencySLAMillis = 1000
		_, err := Estimate(testCatalog(), req)
		var nf *NoFitError
		require.ErrorAs(t, err, &nf)
		require.Equal(t, RejectLatency, nf.Rejections[0].Reason)
		require.Contains(t, err.Error(), "one request alone takes 1200 ms as measured (200 ms to the first token + 100 tokens × 10 ms) and the SLA is 1000 ms")
	})
	t.Run("a cloud provider", func(t *testing.T) {
		t.Parallel()
		req := measuredLoad()
		req.Provider = ProviderAWS
		_, err := Estimate(testCatalog(), req)
		var ve *ValidationError
		require.ErrorAs(t, err, &ve)
		require.Equal(t, "measured", ve.Field)
	})
	t.Run("no slots", func(t *testing.T) {
		t.Parallel()
		req := measuredLoad()
		req.Measured.SlotsPerReplica = 0
		_, err := Estimate(testCatalog(), req)
		var ve *ValidationError
		require.ErrorAs(t, err, &ve)
		require.Equal(t, "measured.slotsPerReplica", ve.Field)
	})
	t.Run("no load to size for", func(t *testing.T) {
		t.Parallel()
		req := measuredLoad()
		req.Throughput, req.Replicas = nil, 2
		est, err := Estimate(testCatalog(), req)
		require.NoError(t, err)
		require.Nil(t, est.Plan.Capacity)
		require.Empty(t, est.Plan.MeasuredBy)
		require.Contains(t, strings.Join(est.Notes, " "), "is not used: give a throughput")
	})
}

// TestSLAFailRateOfARooflinePlan: a catalog-sized plan reports where its SLA breaks too. big.1x with an SLA
// of 30 s at p95 (TestEstimateCheapestInstance): 7 replicas × batch 53, each request 29.971428571 s; the SLA
// leaves 28.6 ms of waiting, which holds up to λ = 11.293976 /s (Python: Erlang C in log space, brentq), above
// the 10.52 /s the 85 % ceiling allows.
func TestSLAFailRateOfARooflinePlan(t *testing.T) {
	t.Parallel()
	req := load()
	req.LatencySLAMillis = 30000
	req.InstanceType = "big.1x"
	est, err := Estimate(testCatalog(), req)
	require.NoError(t, err)
	require.Equal(t, 7, est.Plan.Replicas)
	require.Equal(t, 53, est.Plan.Capacity.Batch)
	require.Empty(t, est.Plan.MeasuredBy)
	require.NotNil(t, est.Plan.SLAFailsAboveRPS)
	require.InDelta(t, 11.293976, *est.Plan.SLAFailsAboveRPS, 1e-5)
}

// TestUnpricedSizedOnMeasurement: a SELF_HOSTED load without a catalog instance type has no price, says so
// in a word and a sentence, and is still sized on its measured capacity. The figures are the "sized" case of
// TestEstimateWithMeasuredService (the same load, 2 replicas of 4 slots; testdata/sizing_reference.py).
func TestUnpricedSizedOnMeasurement(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name         string
		instanceType string
		code         CostUnknown
		reason       string
	}{
		{name: "no instance type", code: CostNoInstanceType, reason: "set config.instanceType"},
		{name: "an instance type not in the catalog", instanceType: "our.rack", code: CostUnknownInstanceType, reason: `instance type "our.rack" is not in the catalog`},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			req := measuredLoad()
			req.InstanceType = tc.instanceType
			est, err := Estimate(testCatalog(), req)
			require.NoError(t, err)
			require.Nil(t, est.Plan)
			require.Equal(t, tc.code, est.CostUnknown)
			require.Contains(t, est.CostUnknownReason, tc.reason)
			s := est.Sizing
			require.NotNil(t, s, "sized without a price")
			require.Equal(t, 2, s.Replicas)
			require.Empty(t, s.InstanceType)
			require.True(t, s.HourlyUSD.IsZero())
			require.Equal(t, "load test 42 of 2026-12-07", s.MeasuredBy)
			require.Equal(t, 4, s.Capacity.Batch)
			require.InDelta(t, 0.45, s.Utilization, 1e-6)
			require.InDelta(t, 0.034622, s.ProbabilityOfWaiting, 1e-6)
			require.InDelta(t, 1200, *s.LatencyAtPercentileMs, 1e-6)
			require.True(t, s.MeetsTarget)
			require.InDelta(t, 4.614131, *s.SLAFailsAboveRPS, 1e-6)
			require.Contains(t, strings.Join(est.Notes, " "), "capacity measured by load test 42 of 2026-12-07: 4 slots per replica")
		})
	}
	t.Run("priced: the sizing repeats the plan's", func(t *testing.T) {
		t.Parallel()
		est, err := Estimate(testCatalog(), measuredLoad())
		require.NoError(t, err)
		require.Empty(t, est.CostUnknown)
		require.Equal(t, est.Plan.Replicas, est.Sizing.Replicas)
		require.Equal(t, *est.Plan.SLAFailsAboveRPS, *est.Sizing.SLAFailsAboveRPS)
	})
	t.Run("no measurement: nothing sized, and the note says how", func(t *testing.T) {
		t.Parallel()
		req := measuredLoad()
		req.InstanceType, req.Measured = "", nil
		est, err := Estimate(testCatalog(), req)
		require.NoError(t, err)
		require.Nil(t, est.Plan)
		require.Nil(t, est.Sizing)
		require.Equal(t, CostNoInstanceType, est.CostUnknown)
		require.Contains(t, strings.Join(est.Notes, " "), "nothing sizes the load")
	})
	t.Run("the SLA out of the measured server's reach", func(t *testing.T) {
		t.Parallel()
		req := measuredLoad()
		req.InstanceType, req.LatencySLAMillis = "", 1000
		_, err := Estimate(testCatalog(), req)
		var nf *NoFitError
		require.ErrorAs(t, err, &nf)
		require.Equal(t, "the measured capacity cannot serve the load: latency (one request alone takes 1200 ms as measured (200 ms to the first token + 100 tokens × 10 ms) and the SLA is 1000 ms)", err.Error())
	})
	t.Run("SizeMeasured needs no catalog model", func(t *testing.T) {
		t.Parallel()
		req := measuredLoad()
		req.Model, req.InstanceType = "our-own-model", ""
		p, err := SizeMeasured(req)
		require.NoError(t, err)
		require.Equal(t, 2, p.Replicas)
		req.Throughput.RequestsPerSecond = -1
		_, err = SizeMeasured(req)
		var ve *ValidationError
		require.ErrorAs(t, err, &ve)
		require.Equal(t, "throughput.requestsPerSecond", ve.Field)
	})
}
