package graph_test

import (
	"testing"
	"time"

	"github.com/shopspring/decimal"
	"github.com/stretchr/testify/require"

	"github.com/modelarchitect/architect/internal/testutil"
	"github.com/modelarchitect/architect/internal/viewer"
)

type sizingOut struct {
	MeasuredBy       string
	Replicas         int
	Utilization      float64
	MeetsTarget      bool
	SlaFailsAboveRps *float64
	Capacity         struct {
		Batch     int
		LatencyMs float64
	}
}

const sizingFields = `sizing { measuredBy replicas utilization meetsTarget slaFailsAboveRps capacity { batch latencyMs } }`

type selfHostedCandidateOut struct {
	ModelID string
	Rank    int
	Reasons []struct{ Code, Message string }
	Cost    *struct{ PerMonth, MonthlyHardware string }
	Latency *struct {
		TTFTSource            string
		AtSlaPercentileMillis float64
	}
	Deployment *struct {
		DeploymentID, LoadTestID, MeasuredAt, Provenance, Model string
		Replicas, SlotsPerReplica                               int
		ServiceMillis                                           float64
		SlaFailsAboveRps                                        *float64
		InstanceType, HourlyUsd, CostUnknownCode                *string
	}
}

const scenarioCandidateFields = `modelId rank reasons { code message } cost { perMonth monthlyHardware } latency { ttftSource atSlaPercentileMillis }
	deployment { deploymentId loadTestId measuredAt provenance model replicas slotsPerReplica serviceMillis slaFailsAboveRps instanceType hourlyUsd costUnknownCode }`

// TestScenarioRanksMeasuredDeployment: once a SWEEP has measured a SELF_HOSTED deployment, its owner's
// scenarios rank the deployment beside the model APIs (modelId deployment/<id>), sized on the measurement with
// its provenance and the rate at which the SLA starts to fail; without config.instanceType the deployment
// has no plan, says so with costUnknownCode, and is still sized (Deployment.sizing, estimateDeployment's
// sizing); the scenario shows it sized but UNPRICED until an instance type prices it. The scenario's 30
// requests/s of 5 output tokens with an SLA of 1,000 ms at p95 is the deployment's configured load, so both
// paths must size it alike.
func TestScenarioRanksMeasuredDeployment(t *testing.T) {
	t.Parallel()
	eachBackend(t, func(t *testing.T, b testutil.Backend) {
		hs := slottedModelServer(t)
		s := testutil.NewServer(t, b, testutil.ServerOptions{Env: map[string]string{"ENDPOINT_ALLOWLIST": "127.0.0.1"}, Deps: fastRollouts})
		c := s.Client(s.SignUp(t, "scenario-capacity@example.com", viewer.RoleEnterprise).Token)
		cfg := func(instanceType any) map[string]any {
			return map[string]any{"endpoint": hs.URL + "/v1", "instanceType": instanceType,
				"throughput": map[string]any{"requestsPerSecond": 30, "inputTokens": 100, "outputTokens": 5}, "latencySlaMs": 1000}
		}
		var cd struct{ CreateDeployment struct{ ID string } }
		c.MustDo(t, `mutation($c: DeploymentConfigInput!) { createDeployment(input: {modelName: "meta/llama-3.1-8b-instruct", provider: SELF_HOSTED,
			config: $c}) { id } }`, map[string]any{"c": cfg(nil)}, &cd)
		dep := cd.CreateDeployment.ID
		waitDeployment(t, c, dep, "ACTIVE")

		type depOut struct {
			CostNote         string
			CostUnknownCode  *string
			EstimatedCost    *string
			Plan             *struct{ Replicas int }
			Sizing           *sizingOut
			MeasuredCapacity *struct {
				LoadTestID, Provenance    string
				MeasuredAt                time.Time
				SlotsPerReplica           int
				MeanServiceMs, MeanOutput float64
			}
		}
		read := func() depOut {
			var out struct{ Node depOut }
			c.MustDo(t, `query($id: ID!) { node(id: $id) { ... on Deployment { costNote costUnknownCode estimatedCost plan { replicas } `+sizingFields+`
				measuredCapacity { loadTestId provenance measuredAt slotsPerReplica meanServiceMs } } } }`, map[string]any{"id": dep}, &out)
			return out.Node
		}
		before := read()
		require.Nil(t, before.Plan)
		require.Equal(t, "NO_INSTANCE_TYPE", *before.CostUnknownCode, "the missing price is stated, not left blank")
		require.Nil(t, before.Sizing, "nothing measured yet")

		plan := map[string]any{"mode": "SWEEP", "rates": []float64{4, 8, 60}, "maxConcurrency": 16, "durationSeconds": 2, "maxRequests": 400,
			"outputTokens": map[string]any{"kind": "FIXED", "value": 5}, "slo": []map[string]any{{"metric": "E2E", "thresholdMs": 200, "percentile": 90}}}
		var started struct{ CreateLoadTest struct{ ID string } }
		c.MustDo(t, `mutation($in: CreateLoadTestInput!) { createLoadTest(input: $in, start: true) { id } }`,
			map[string]any{"in": map[string]any{"name": "sweep", "deploymentId": dep, "plan": plan}}, &started)
		lt := started.CreateLoadTest.ID
		require.Equal(t, "COMPLETED", waitLoadTest(t, c, lt).Status)

		// 2: measured, unpriced, sized
		d := read()
		m := d.MeasuredCapacity
		require.NotNil(t, m, d.CostNote)
		require.Nil(t, d.Plan)
		require.Nil(t, d.EstimatedCost)
		require.Equal(t, "NO_INSTANCE_TYPE", *d.CostUnknownCode)
		require.Contains(t, d.CostNote, "set config.instanceType")
		require.Contains(t, d.CostNote, "sized on the capacity measured by "+m.Provenance)
		sz := d.Sizing
		require.NotNil(t, sz, "sized from the measurement without a price")
		t.Logf("%s: %d slots of %.1f ms per replica; 30 requests/s need %d replicas, %.0f %% busy; the SLA fails above %.2f /s",
			b, m.SlotsPerReplica, m.MeanServiceMs, sz.Replicas, 100*sz.Utilization, *sz.SlaFailsAboveRps)
		require.Equal(t, m.Provenance, sz.MeasuredBy)
		require.Equal(t, m.SlotsPerReplica, sz.Capacity.Batch)
		require.InDelta(t, m.MeanServiceMs, sz.Capacity.LatencyMs, 1e-3, "5 output tokens, as tested")
		require.GreaterOrEqual(t, sz.Replicas, 2, "30 requests/s is more than 2 slots of about 90 ms serve")
		require.True(t, sz.MeetsTarget)
		require.LessOrEqual(t, sz.Utilization, 0.85)
		require.NotNil(t, sz.SlaFailsAboveRps)
		require.GreaterOrEqual(t, *sz.SlaFailsAboveRps, 30.0, "the sized replicas meet the SLA at 30 /s, so it fails only above")

		const estimate = `query($lt: ID, $sla: Float) { estimateDeployment(input: {model: "meta/llama-3.1-8b-instruct", provider: SELF_HOSTED,
			throughput: {requestsPerSecond: 30, inputTokens: 100, outputTokens: 5}, latencySlaMs: $sla}, loadTestId: $lt) {
			plan { replicas } costUnknownCode costUnknownReason ` + sizingFields + ` } }`
		var est struct {
			EstimateDeployment struct {
				Plan              *struct{ Replicas int }
				CostUnknownCode   string
				CostUnknownReason string
				Sizing            *sizingOut
			}
		}
		c.MustDo(t, estimate, map[string]any{"lt": lt, "sla": 1000}, &est)
		e := est.EstimateDeployment
		require.Nil(t, e.Plan)
		require.Equal(t, "NO_INSTANCE_TYPE", e.CostUnknownCode)
		require.Contains(t, e.CostUnknownReason, "set config.instanceType")
		require.NotNil(t, e.Sizing)
		require.Equal(t, *sz, *e.Sizing, "estimateDeployment sizes the same load on the same test alike")
		c.MustDo(t, estimate, map[string]any{"lt": nil, "sla": 1000}, &est)
		require.Nil(t, est.EstimateDeployment.Sizing, "no measurement, nothing to size with")
		require.Equal(t, "NO_INSTANCE_TYPE", est.EstimateDeployment.CostUnknownCode)
		bad := c.Err(t, estimate, map[string]any{"lt": lt, "sla": 10})
		require.Equal(t, "BAD_USER_INPUT", bad.Code())
		require.Equal(t, "latencySlaMs", bad.Extensions["field"])
		require.Contains(t, bad.Message, "the measured capacity cannot serve the load")

		// 1: the scenario ranks the deployment, unpriced for now
		const scenarioQ = `mutation { createScenario(input: {name: "self-hosted?", config: {taskComplexity: LOW, dataVolume: 2592000, inputTokens: 100,
			outputTokens: 5, responseTimeSLA: 1000, candidates: ["meta/llama-3.1-8b-instruct", "openai/gpt-4.1-mini"]}}, simulate: true) {
			id results { peakRps ranked { ` + scenarioCandidateFields + ` } excluded { ` + scenarioCandidateFields + ` } } } }`
		type scenarioOut struct {
			CreateScenario struct {
				ID      string
				Results struct {
					PeakRps          float64
					Ranked, Excluded []selfHostedCandidateOut
				}
			}
		}
		find := func(r scenarioOut) *selfHostedCandidateOut {
			for _, x := range append(r.CreateScenario.Results.Ranked, r.CreateScenario.Results.Excluded...) {
				if x.ModelID == "deployment/"+dep {
					return &x
				}
			}
			return nil
		}
		var sc scenarioOut
		c.MustDo(t, scenarioQ, nil, &sc)
		require.InDelta(t, 30, sc.CreateScenario.Results.PeakRps, 1e-12)
		cand := find(sc)
		require.NotNil(t, cand, "%+v", sc)
		require.Zero(t, cand.Rank)
		require.Len(t, cand.Reasons, 1)
		require.Equal(t, "UNPRICED", cand.Reasons[0].Code)
		require.Contains(t, cand.Reasons[0].Message, "set config.instanceType")
		require.Nil(t, cand.Cost)
		f := cand.Deployment
		require.NotNil(t, f)
		require.Equal(t, dep, f.DeploymentID)
		require.Equal(t, lt, f.LoadTestID)
		require.Equal(t, m.MeasuredAt.UTC().Format(time.DateOnly), f.MeasuredAt)
		require.Equal(t, m.Provenance, f.Provenance)
		require.Equal(t, "meta/llama-3.1-8b-instruct", f.Model)
		require.Equal(t, sz.Replicas, f.Replicas, "the scenario sizes the deployment's own load as the deployment does")
		require.Equal(t, m.SlotsPerReplica, f.SlotsPerReplica)
		require.InDelta(t, m.MeanServiceMs, f.ServiceMillis, 1e-6)
		require.InDelta(t, *sz.SlaFailsAboveRps, *f.SlaFailsAboveRps, 1e-6, "the rate at which the SLO starts to fail")
		require.Equal(t, "NO_INSTANCE_TYPE", *f.CostUnknownCode)
		require.Nil(t, f.InstanceType)
		require.Equal(t, "LOAD_TEST", cand.Latency.TTFTSource)
		require.LessOrEqual(t, cand.Latency.AtSlaPercentileMillis, 1000.0)

		// priced like a catalog instance type: the deployment gets a plan, and the scenario ranks it on its cost
		var up struct {
			UpdateDeployment struct {
				CostUnknownCode *string
				Plan            *struct {
					Replicas          int
					InstanceHourlyUsd string
					MeasuredBy        *string
				}
				Sizing *sizingOut
			}
		}
		c.MustDo(t, `mutation($id: ID!, $c: DeploymentConfigInput!) { updateDeployment(id: $id, input: {config: $c}) {
			costUnknownCode plan { replicas instanceHourlyUsd measuredBy } `+sizingFields+` } }`, map[string]any{"id": dep, "c": cfg("g5.xlarge")}, &up)
		p := up.UpdateDeployment.Plan
		require.NotNil(t, p)
		require.Nil(t, up.UpdateDeployment.CostUnknownCode)
		require.Equal(t, m.Provenance, *p.MeasuredBy)
		require.Equal(t, sz.Replicas, p.Replicas)
		require.Equal(t, *sz, *up.UpdateDeployment.Sizing, "the sizing does not depend on the price")
		c.MustDo(t, scenarioQ, nil, &sc)
		cand = find(sc)
		require.NotNil(t, cand)
		require.Empty(t, cand.Reasons)
		require.Positive(t, cand.Rank)
		require.Equal(t, "g5.xlarge", *cand.Deployment.InstanceType)
		require.Equal(t, p.InstanceHourlyUsd, *cand.Deployment.HourlyUsd)
		// replicas × hourly × 24 h × 30.4375 days (the scenario's month, 365.25 ÷ 12 days)
		want := decimal.RequireFromString(p.InstanceHourlyUsd).Mul(decimal.NewFromInt(int64(p.Replicas) * 24)).Mul(decimal.RequireFromString("30.4375"))
		require.True(t, want.Equal(decimal.RequireFromString(cand.Cost.PerMonth)), "%s ≠ %s", cand.Cost.PerMonth, want)
		require.Equal(t, cand.Cost.PerMonth, cand.Cost.MonthlyHardware)

		// another user's scenarios never see the deployment
		other := s.Client(s.SignUp(t, "scenario-capacity-other@example.com", viewer.RoleFree).Token)
		var osc scenarioOut
		other.MustDo(t, scenarioQ, nil, &osc)
		require.Nil(t, find(osc))
	})
}
