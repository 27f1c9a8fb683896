package graph_test

import (
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"net/http/httputil"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/modelarchitect/architect/internal/providers/providertest"
	"github.com/modelarchitect/architect/internal/testutil"
	"github.com/modelarchitect/architect/internal/viewer"
)

// slottedModelServer is a team's model server that serves 2 requests at once, each with 5 tokens: the first
// after 30 ms, the rest 15 ms apart (a service time of 30 + 4 × 15 = 90 ms, a ceiling of 2 ÷ 0.09 = 22.2
// requests/s); GET /v1/models answers for the rollout.
func slottedModelServer(t *testing.T) *httptest.Server {
	t.Helper()
	oa := providertest.NewOpenAI(t, "", func(providertest.Request) providertest.Reply {
		return providertest.Reply{Chunks: []string{"a", "b", "c", "d", "e"}, FirstChunkDelay: 30 * time.Millisecond,
			ChunkDelay: 15 * time.Millisecond, Usage: &providertest.Usage{Input: 40, Output: 5}}
	})
	oa.LimitSlots(2)
	target, _ := url.Parse(oa.URL)
	proxy := httputil.NewSingleHostReverseProxy(target)
	hs := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.URL.Path == "/v1/models" {
			_, _ = w.Write([]byte(`{"object":"list","data":[{"id":"meta/llama-3.1-8b-instruct","object":"model"}]}`))
			return
		}
		proxy.ServeHTTP(w, r)
	}))
	t.Cleanup(hs.Close)
	return hs
}

type measuredOut struct {
	LoadTestID, Provenance           string
	Slots, SlotsPerReplica, Replicas int
	InterceptMs, MsPerOutputToken    float64
	MeanServiceMs, SaturationRate    float64
	SLOFailRate                      *float64
	Steps                            []struct {
		TargetRate, PredictedRequestRate, MeasuredRequestRate, MeasuredGoodput float64
		Saturated                                                              bool
		PredictedGoodput                                                       *float64
		Latency                                                                []struct {
			Metric      string
			PredictedMs *float64
			MeasuredMs  float64
		}
	}
}

type capacityPlanOut struct {
	Replicas         int
	MeasuredBy       *string
	SlaFailsAboveRps *float64
	Capacity         struct {
		Batch     int
		LatencyMs float64
	}
}

const capacityFields = `measuredCapacityNote costNote plan { replicas measuredBy slaFailsAboveRps capacity { batch latencyMs } }
	measuredCapacity { loadTestId provenance slots slotsPerReplica replicas interceptMs msPerOutputToken meanServiceMs saturationRate sloFailRate
		steps { targetRate saturated predictedRequestRate measuredRequestRate predictedGoodput measuredGoodput latency { metric predictedMs measuredMs } } }`

// TestDeploymentCapacityFromASweep: a SWEEP of 4, 8 and 60 requests/s against a deployment whose server has
// 2 slots of 90 ms gives the deployment its measured capacity (2 slots, the service time, the saturation
// rate, predicted beside measured goodput) and a plan sized on it, which deploymentUpdated subscribers see;
// estimateDeployment sizes on the same test by its id, and refuses a test that does not qualify.
func TestDeploymentCapacityFromASweep(t *testing.T) {
	t.Parallel()
	eachBackend(t, func(t *testing.T, b testutil.Backend) {
		hs := slottedModelServer(t)
		s := testutil.NewServer(t, b, testutil.ServerOptions{Env: map[string]string{"ENDPOINT_ALLOWLIST": "127.0.0.1"}, Deps: fastRollouts})
		c := s.Client(s.SignUp(t, "capacity@example.com", viewer.RoleEnterprise).Token)
		var cd struct{ CreateDeployment deploymentOut }
		c.MustDo(t, `mutation($e: String!) { createDeployment(input: {modelName: "meta/llama-3.1-8b-instruct", provider: SELF_HOSTED,
			config: {endpoint: $e, instanceType: "g5.xlarge", throughput: {requestsPerSecond: 5, inputTokens: 100, outputTokens: 5}, latencySlaMs: 1000}}) { id status } }`,
			map[string]any{"e": hs.URL + "/v1"}, &cd)
		dep := cd.CreateDeployment.ID
		waitDeployment(t, c, dep, "ACTIVE")

		type depOut struct {
			MeasuredCapacityNote, CostNote string
			Plan                           capacityPlanOut
			MeasuredCapacity               *measuredOut
		}
		read := func() depOut {
			var out struct{ Node depOut }
			c.MustDo(t, `query($id: ID!) { node(id: $id) { ... on Deployment { `+capacityFields+` } } }`, map[string]any{"id": dep}, &out)
			return out.Node
		}
		before := read()
		require.Nil(t, before.MeasuredCapacity)
		require.Contains(t, before.MeasuredCapacityNote, "no SWEEP load test of this deployment has completed")
		require.Nil(t, before.Plan.MeasuredBy, "sized on the catalog's GPU figures")

		// a load test that does not qualify is refused by estimateDeployment, with the reason
		const create = `mutation($in: CreateLoadTestInput!, $start: Boolean) { createLoadTest(input: $in, start: $start) { id } }`
		plan := map[string]any{"mode": "SWEEP", "rates": []float64{4, 8, 60}, "maxConcurrency": 16, "durationSeconds": 2, "maxRequests": 400,
			"outputTokens": map[string]any{"kind": "FIXED", "value": 5}, "slo": []map[string]any{{"metric": "E2E", "thresholdMs": 200, "percentile": 90}}}
		var pending struct{ CreateLoadTest struct{ ID string } }
		c.MustDo(t, create, map[string]any{"in": map[string]any{"name": "later", "deploymentId": dep, "plan": plan}}, &pending)
		const estimate = `query($lt: ID, $p: DeploymentProvider!) { estimateDeployment(input: {model: "meta/llama-3.1-8b-instruct", provider: $p,
			instanceType: "g5.xlarge", throughput: {requestsPerSecond: 30, inputTokens: 100, outputTokens: 5}, latencySlaMs: 1000}, loadTestId: $lt) {
			plan { replicas measuredBy slaFailsAboveRps capacity { batch latencyMs } } notes } }`
		e := c.Err(t, estimate, map[string]any{"lt": pending.CreateLoadTest.ID, "p": "SELF_HOSTED"})
		require.Equal(t, "BAD_USER_INPUT", e.Code())
		require.Contains(t, e.Message, "it is PENDING: only a COMPLETED sweep measures capacity")

		// the sweep, watched from the deployment's side
		sk := s.Dial(t, testutil.TransportWS, map[string]any{"authorization": "Bearer " + c.Token})
		sk.Subscribe("d", `subscription($id: ID!) { deploymentUpdated(id: $id) { plan { measuredBy capacity { batch } } measuredCapacity { slots } } }`,
			map[string]any{"id": dep})
		var started struct{ CreateLoadTest struct{ ID string } }
		c.MustDo(t, create, map[string]any{"in": map[string]any{"name": "sweep", "deploymentId": dep, "plan": plan}, "start": true}, &started)
		lt := started.CreateLoadTest.ID
		for {
			r, typ := sk.Next("d", 30*time.Second)
			require.Equal(t, "next", typ)
			require.Empty(t, r.Errors)
			var ev struct {
				DeploymentUpdated struct {
					Plan             struct{ MeasuredBy *string }
					MeasuredCapacity *struct{ Slots int }
				}
			}
			require.NoError(t, json.Unmarshal(r.Data, &ev))
			if ev.DeploymentUpdated.MeasuredCapacity != nil {
				require.NotNil(t, ev.DeploymentUpdated.Plan.MeasuredBy, "the subscriber sees the plan sized on the measurement")
				break
			}
		}
		require.Equal(t, "COMPLETED", waitLoadTest(t, c, lt).Status)

		after := read()
		m := after.MeasuredCapacity
		require.NotNil(t, m, after.MeasuredCapacityNote)
		t.Logf("%s: slots %d, service %.1f ms (TTFT %.1f + 4 × %.1f), λ_sat %.2f /s, SLO fail rate %v", b, m.Slots, m.MeanServiceMs,
			m.InterceptMs, m.MsPerOutputToken, m.SaturationRate, *m.SLOFailRate)
		require.Equal(t, lt, m.LoadTestID)
		require.Contains(t, m.Provenance, "load test "+lt+" (sweep) of ")
		require.Equal(t, 2, m.Slots)
		require.Equal(t, 1, m.Replicas, "config.replicas is not set: one replica")
		require.Equal(t, 2, m.SlotsPerReplica)
		require.GreaterOrEqual(t, m.MeanServiceMs, 90.0, "never below the scripted service time")
		require.Less(t, m.MeanServiceMs, 120.0)
		require.True(t, m.SaturationRate > 0.6*22.2 && m.SaturationRate < 1.2*22.2, "λ_sat %.2f /s against a ceiling of 2 ÷ 0.09 s = 22.2 /s", m.SaturationRate)
		require.NotNil(t, m.SLOFailRate)
		require.Len(t, m.Steps, 3)
		require.Equal(t, []bool{false, false, true}, []bool{m.Steps[0].Saturated, m.Steps[1].Saturated, m.Steps[2].Saturated})
		require.NotNil(t, m.Steps[1].PredictedGoodput, "predicted beside measured below saturation")
		require.Nil(t, m.Steps[2].PredictedGoodput, "no steady state past saturation")
		require.Equal(t, "E2E", m.Steps[1].Latency[0].Metric)
		require.Empty(t, after.MeasuredCapacityNote)

		// the stored plan is the measured one
		require.NotNil(t, after.Plan.MeasuredBy)
		require.Equal(t, m.Provenance, *after.Plan.MeasuredBy)
		require.Equal(t, 2, after.Plan.Capacity.Batch)
		require.InDelta(t, m.MeanServiceMs, after.Plan.Capacity.LatencyMs, 1e-3, "5 output tokens, as tested")
		require.Equal(t, 1, after.Plan.Replicas, "5 requests/s on 2 slots of about 90 ms: one replica, 23 % busy")
		require.NotNil(t, after.Plan.SlaFailsAboveRps)
		require.Contains(t, after.CostNote, "capacity measured by "+m.Provenance)

		// a new load is sized on the measured capacity again; another model voids the measurement
		const update = `mutation($id: ID!, $in: UpdateDeploymentInput!) { updateDeployment(id: $id, input: $in) {
			measuredCapacityNote plan { replicas measuredBy } measuredCapacity { slots } } }`
		var up struct {
			UpdateDeployment struct {
				MeasuredCapacityNote string
				Plan                 *struct {
					Replicas   int
					MeasuredBy *string
				}
				MeasuredCapacity *struct{ Slots int }
			}
		}
		c.MustDo(t, update, map[string]any{"id": dep, "in": map[string]any{"config": map[string]any{"endpoint": hs.URL + "/v1", "instanceType": "g5.xlarge",
			"throughput": map[string]any{"requestsPerSecond": 30, "inputTokens": 100, "outputTokens": 5}, "latencySlaMs": 1000}}}, &up)
		require.Equal(t, m.Provenance, *up.UpdateDeployment.Plan.MeasuredBy)
		require.GreaterOrEqual(t, up.UpdateDeployment.Plan.Replicas, 2, "30 requests/s is more than 2 slots of about 90 ms serve")
		c.MustDo(t, update, map[string]any{"id": dep, "in": map[string]any{"modelName": "our-other-model", "config": map[string]any{"endpoint": hs.URL + "/v1"}}}, &up)
		require.Nil(t, up.UpdateDeployment.MeasuredCapacity)
		require.Nil(t, up.UpdateDeployment.Plan)
		require.Contains(t, up.UpdateDeployment.MeasuredCapacityNote, "was dropped: the model or endpoint changed since")

		// estimateDeployment on the same test: 30 requests/s needs more than one replica of 2 slots
		var est struct {
			EstimateDeployment struct {
				Plan  capacityPlanOut
				Notes []string
			}
		}
		c.MustDo(t, estimate, map[string]any{"lt": lt, "p": "SELF_HOSTED"}, &est)
		p := est.EstimateDeployment.Plan
		require.Equal(t, m.Provenance, *p.MeasuredBy)
		require.Equal(t, 2, p.Capacity.Batch)
		require.GreaterOrEqual(t, p.Replicas, 2)
		require.True(t, strings.Contains(strings.Join(est.EstimateDeployment.Notes, " "), "2 slots per replica"), "%v", est.EstimateDeployment.Notes)
		e = c.Err(t, estimate, map[string]any{"lt": lt, "p": "AWS"})
		require.Equal(t, "BAD_USER_INPUT", e.Code())
		require.Equal(t, "loadTestId", e.Extensions["field"])

		// another user's load test is NOT_FOUND
		other := s.Client(s.SignUp(t, "capacity-other@example.com", viewer.RoleEnterprise).Token)
		e = other.Err(t, estimate, map[string]any{"lt": lt, "p": "SELF_HOSTED"})
		require.Equal(t, "NOT_FOUND", e.Code())
	})
}
