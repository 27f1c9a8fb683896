package simulation

import (
	"slices"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/modelarchitect/architect/internal/catalog"
	"github.com/modelarchitect/architect/internal/deployment"
)

// selfHostedWorld is setup's hosted acme/m1 (a rate limit of 600 requests a minute) beside meta/open, an
// open-weights model with no hosted price, served on deployment D1: 4 slots per replica measured at 200 ms to
// the first token and 10 ms a token, priced like gpu.1x at $1.50/h. The workload: 285,120 requests a day (3.3
// /s at peak factor 1) of 101 output tokens with an SLA of 1,300 ms at p95.
func selfHostedWorld(t *testing.T) testBundle {
	t.Helper()
	b := setup(t)
	open := testModel("meta/open", "0", "0", 0, 0, 30)
	open.SelfHostOnly, open.OpenWeights, open.ParametersBillions, open.Speed = true, true, 8, nil
	b.cat.Models = append(b.cat.Models, open)
	b.cat.Instances = []catalog.Instance{{Provider: "aws", Type: "gpu.1x", GPU: "X", GPUCount: 1, Region: "us-east-1", HourlyUSD: d("1.5")}}
	b.w = Workload{RequestsPerDay: 285_120, InputTokens: 1000, OutputTokens: 101, LatencySLAMillis: 1300}
	b.opt = Options{RateLimits: map[string]RateLimit{"acme": {RequestsPerMinute: 600}}, SelfHosted: []SelfHosted{{
		DeploymentID: "D1", Model: "meta/open", InstanceType: "gpu.1x", Region: "us-east-1", LoadTestID: "L7", MeasuredAt: "2026-12-07",
		Service: deployment.MeasuredService{SlotsPerReplica: 4, InterceptMs: 200, MsPerOutputToken: 10, Provenance: "load test L7 (sweep) of 2026-12-07"},
	}}}
	return b
}

func candidate(t *testing.T, res *Result, id string) Candidate {
	t.Helper()
	for _, c := range append(append([]Candidate{}, res.Ranked...), res.Excluded...) {
		if c.ModelID == id {
			return c
		}
	}
	t.Fatalf("no candidate %s", id)
	return Candidate{}
}

// TestSelfHostedCandidate: a measured deployment is ranked beside the model APIs, sized on its measured slots
// and service time and priced by its hardware. Expected figures from testdata/selfhosted_reference.py (Erlang
// C from scipy's Poisson distribution, brentq for the SLA's failing rate):
//
//	S = 200 + 100 × 10 = 1,200 ms; 1 replica would be 99 % busy, so 2 (8 slots): utilisation 0.495,
//	P(wait) 0.056177, p50 wait 0, p95 wait 34.598019 ms, p95 latency 1,234.598019 ms ≤ 1,300;
//	the SLA fails above 3.441303 /s; $1.50 × 2 × 24 × 30.4375 = $2,191.50 a month, $0.0002525253 a request.
func TestSelfHostedCandidate(t *testing.T) {
	t.Parallel()
	b := selfHostedWorld(t)
	res, err := Simulate(b.cat, b.w, b.opt)
	require.NoError(t, err)
	c := candidate(t, res, "deployment/D1")
	require.Empty(t, c.Reasons)
	require.Positive(t, c.Rank, "ranked beside the APIs")
	require.Equal(t, "self-hosted", c.Provider)
	f := c.Deployment
	require.NotNil(t, f)
	require.Equal(t, "L7", f.LoadTestID)
	require.Equal(t, "2026-12-07", f.MeasuredAt)
	require.Equal(t, "load test L7 (sweep) of 2026-12-07", f.Provenance)
	require.Equal(t, 2, f.Replicas)
	require.Equal(t, 4, f.SlotsPerReplica)
	require.InDelta(t, 1200, f.ServiceMillis, 1e-9)
	require.NotNil(t, f.SLAFailsAboveRPS)
	require.InDelta(t, 3.441303, *f.SLAFailsAboveRPS, 1e-6)
	require.Equal(t, "gpu.1x", f.InstanceType)
	require.Empty(t, f.CostUnknown)

	require.Equal(t, 8, c.Capacity.Servers)
	require.InDelta(t, 3.3, c.Capacity.PeakRPS, 1e-12)
	require.InDelta(t, 0.495, c.Capacity.Utilization, 1e-9)
	require.InDelta(t, 0.056177, c.Capacity.ProbabilityOfWaiting, 1e-6)
	require.Contains(t, c.Capacity.RateLimit.Basis, "2 replicas × 4 slots of your own server as measured by load test L7")
	require.Zero(t, c.Latency.QueueWaitP50Millis)
	require.InDelta(t, 34.598019, c.Latency.QueueWaitP95Millis, 1e-6)
	require.InDelta(t, 1234.598019, c.Latency.AtSLAPercentileMillis, 1e-6)
	require.InDelta(t, 200, c.Latency.TTFTMillis, 1e-12)
	require.InDelta(t, 100, c.Latency.OutputTokensPerSecond, 1e-12)
	require.Equal(t, SourceLoadTest, c.Latency.TTFTSource)
	require.True(t, c.SLAFit)

	require.Equal(t, "2191.5", c.Cost.Monthly.String())
	require.True(t, c.Cost.Monthly.Equal(c.Cost.MonthlyHardware), "the hardware is the whole cost")
	require.Equal(t, "0.0002525252525253", c.Cost.PerRequest.String())
	require.Equal(t, "72", c.Cost.Daily.String())

	// The catalog row of the same model is still excluded as an API: it has no hosted price.
	require.Equal(t, ReasonSelfHostOnly, candidate(t, res, "meta/open").Reasons[0].Code)
}

func TestSelfHostedCandidateExclusions(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name    string
		edit    func(b *testBundle)
		code    ReasonCode
		message string
		sized   bool // the sizing is still reported
	}{
		{name: "no instance type: sized, not priced", edit: func(b *testBundle) { b.opt.SelfHosted[0].InstanceType = "" },
			code: ReasonUnpriced, message: "it would need 2 replicas of 4 measured slots at this peak", sized: true},
		{name: "one request alone over the SLA", edit: func(b *testBundle) { b.w.LatencySLAMillis = 1000 },
			code: ReasonSLA, message: "one request alone takes 1200 ms as measured"},
		{name: "over the budget", edit: func(b *testBundle) { x := d("2000"); b.w.MonthlyBudgetUSD = &x },
			code: ReasonBudget, message: "costs $2191.50 a month, above the $2000.00 budget", sized: true},
		{name: "a model outside the catalog", edit: func(b *testBundle) { b.opt.SelfHosted[0].Model = "our/own" },
			code: ReasonUnknownModel, message: "serves our/own, which is not in the catalog"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			b := selfHostedWorld(t)
			tc.edit(&b)
			res, err := Simulate(b.cat, b.w, b.opt)
			require.NoError(t, err)
			c := candidate(t, res, "deployment/D1")
			require.Zero(t, c.Rank)
			require.Len(t, c.Reasons, 1, "%+v", c.Reasons)
			require.Equal(t, tc.code, c.Reasons[0].Code)
			require.Contains(t, c.Reasons[0].Message, tc.message)
			if tc.sized {
				require.Equal(t, 2, c.Deployment.Replicas)
				require.InDelta(t, 3.441303, *c.Deployment.SLAFailsAboveRPS, 1e-6)
			}
		})
	}
}

// TestSelfHostedCandidateList: with a candidate list, a deployment takes part when the list names it or its
// model; otherwise it stays out.
func TestSelfHostedCandidateList(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		list []string
		in   bool
	}{{[]string{"acme/m1"}, false}, {[]string{"deployment/D1"}, true}, {[]string{"meta/open"}, true}} {
		b := selfHostedWorld(t)
		b.w.Candidates = tc.list
		res, err := Simulate(b.cat, b.w, b.opt)
		require.NoError(t, err)
		ids := []string{}
		for _, c := range append(res.Ranked, res.Excluded...) {
			ids = append(ids, c.ModelID)
		}
		require.Equal(t, tc.in, slices.Contains(ids, "deployment/D1"), "%v: %v", tc.list, ids)
		require.False(t, slices.Contains(ids, "deployment/D1") && candidate(t, res, "deployment/D1").Reasons != nil &&
			candidate(t, res, "deployment/D1").Reasons[0].Code == ReasonUnknownModel, "not looked up in the catalog")
	}
}
