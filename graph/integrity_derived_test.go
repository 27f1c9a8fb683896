package graph_test

import (
	"encoding/json"
	"testing"

	"github.com/shopspring/decimal"
	"github.com/stretchr/testify/require"

	"github.com/modelarchitect/architect/ent/experimentobservation"
	"github.com/modelarchitect/architect/internal/gid"
	"github.com/modelarchitect/architect/internal/testutil"
	"github.com/modelarchitect/architect/internal/viewer"
)

// TestDerivedFieldInterleavings races, on two replicas of one database, two partial updates of one row that
// change different inputs of a value the server derives and stores (a risk score, a cost, a sample size, a
// simulation). The first update is held after its locked read on replica a while the second runs on
// replica b. Both must succeed, the row must keep both changes, and the stored derived value must be what
// the server's stateless query computes from the stored inputs. Each case first checks that the value with
// both changes differs from the value with either change alone, so a lost update could not go unnoticed.
func TestDerivedFieldInterleavings(t *testing.T) {
	t.Parallel()
	eachBackend(t, func(t *testing.T, b testutil.Backend) {
		p := newPair(t, b, nil)
		// ENTERPRISE can do everything the cases need: deployments (ENTERPRISE) and experiments (PRO).
		u := p.a.SignUp(t, "derived@example.com", viewer.RoleEnterprise)
		client := func(s *testutil.Server) *testutil.Client { return s.Client(u.Token) }
		c := client(p.b)

		// race runs the interleaving and requires both updates to succeed.
		race := func(t *testing.T, op, q1 string, v1 map[string]any, q2 string, v2 map[string]any) {
			t.Helper()
			r1, r2 := p.interleave(t, op, do(client, q1, v1, t), do(client, q2, v2, t))
			require.Empty(t, r1.Errors, "the held update")
			require.Empty(t, r2.Errors, "the racing update")
		}
		// node reads the stored row through the API.
		node := func(t *testing.T, id, fragment string, out any) {
			t.Helper()
			var r struct{ Node json.RawMessage }
			c.MustDo(t, `query($id: ID!) { node(id: $id) { `+fragment+` } }`, map[string]any{"id": id}, &r)
			require.NoError(t, json.Unmarshal(r.Node, out))
		}

		t.Run("compliance profile: requirements racing context", func(t *testing.T) {
			// GDPR only, PII in the EU on the team's own servers, controls in place: a low score. HIPAA alone
			// changes little without PHI, and PHI on the Gemini API in the US changes little without HIPAA;
			// both together are a critical finding (no BAA eligibility).
			r0, r1 := []string{"GDPR"}, []string{"GDPR", "HIPAA"}
			controls := map[string]any{"useCase": "CUSTOMER_SUPPORT", "encryptionInTransit": true, "accessControls": true,
				"logging": true, "dpa": true, "piiMasking": true, "aiDisclosure": true}
			c0 := with(controls, map[string]any{"dataCategories": []string{"PII"}, "provider": "AWS", "region": "eu-west-1", "selfHosted": true})
			c1 := with(controls, map[string]any{"dataCategories": []string{"PII", "PHI"}, "provider": "gemini", "region": "US",
				"model": "gemini/gemini-2.5-flash", "transferMechanism": "DPF"})
			type assessment struct {
				Score       int
				Level       string
				UseCaseTier string
				Findings    []struct{ RuleID string }
			}
			assess := func(reqs []string, ctx map[string]any) assessment {
				var out struct{ AssessCompliance assessment }
				c.MustDo(t, `query($r: [Regulation!]!, $c: ComplianceContextInput!) { assessCompliance(input: {requirements: $r, context: $c}) {
					score level useCaseTier findings { ruleId } } }`, map[string]any{"r": reqs, "c": ctx}, &out)
				return out.AssessCompliance
			}
			both := assess(r1, c1)
			require.NotEqual(t, both.Score, assess(r1, c0).Score, "the case must tell a lost context apart")
			require.NotEqual(t, both.Score, assess(r0, c1).Score, "the case must tell lost requirements apart")

			var cr struct{ CreateComplianceProfile struct{ ID string } }
			c.MustDo(t, `mutation($r: [Regulation!]!, $c: ComplianceContextInput!) { createComplianceProfile(input: {name: "race",
				requirements: $r, context: $c}) { id } }`, map[string]any{"r": r0, "c": c0}, &cr)
			id := cr.CreateComplianceProfile.ID
			const update = `mutation($id: ID!, $in: UpdateComplianceProfileInput!) { updateComplianceProfile(id: $id, input: $in) { id } }`
			race(t, "updateComplianceProfile",
				update, map[string]any{"id": id, "in": map[string]any{"requirements": r1}},
				update, map[string]any{"id": id, "in": map[string]any{"context": c1}})

			var stored struct {
				Requirements    []string
				Context         map[string]any
				RiskScore       *float64
				RiskLevel       string
				UseCaseTier     string
				Recommendations []struct{ RuleID string }
			}
			node(t, id, `... on ComplianceProfile { requirements riskScore riskLevel useCaseTier recommendations { ruleId }
				context { dataCategories useCase provider region model selfHosted automatedDecisions humanOversight logging piiMasking
					paymentCardMasking encryptionInTransit accessControls riskManagement conformityAssessment dpia dpa baaSigned
					serviceProviderContract aiDisclosure parentalConsent retentionDays transferMechanism } }`, &stored)
			require.Equal(t, r1, stored.Requirements, "the held update's requirements")
			require.Equal(t, "gemini/gemini-2.5-flash", stored.Context["model"], "the racing update's context")
			require.Equal(t, []any{"PII", "PHI"}, stored.Context["dataCategories"])
			want := assess(stored.Requirements, stored.Context)
			require.Equal(t, both.Score, want.Score)
			require.NotNil(t, stored.RiskScore)
			require.Equal(t, float64(want.Score), *stored.RiskScore, "the stored score is the stored inputs' score")
			require.Equal(t, want.Level, stored.RiskLevel)
			require.Equal(t, want.UseCaseTier, stored.UseCaseTier)
			require.Equal(t, want.Findings, stored.Recommendations)
		})

		t.Run("pipeline: nodes racing edges", func(t *testing.T) {
			// A router sends 70 % of runs down x and 30 % down y. The nodes update moves the weights to
			// 20/80; the edges update swaps which model each branch reaches. Every combination is a valid
			// graph with its own cost.
			llm := func(id, model string) map[string]any {
				return map[string]any{"id": id, "kind": "LLM", "llm": map[string]any{"model": model, "inputTokens": 1000, "outputTokens": 200}}
			}
			nodes := func(x, y string) []map[string]any {
				return []map[string]any{{"id": "in", "kind": "INPUT"},
					{"id": "route", "kind": "ROUTER", "router": map[string]any{"branches": []map[string]any{
						{"name": "x", "weight": x}, {"name": "y", "weight": y}}}},
					llm("small", "openai/gpt-4.1-mini"), llm("large", "openai/gpt-4.1"), {"id": "out", "kind": "OUTPUT"}}
			}
			edges := func(x, y string) []map[string]any {
				return []map[string]any{{"id": "e1", "source": "in", "target": "route"},
					{"id": "e2", "source": "route", "sourcePort": "x", "target": x},
					{"id": "e3", "source": "route", "sourcePort": "y", "target": y},
					{"id": "e4", "source": "small", "target": "out"}, {"id": "e5", "source": "large", "target": "out"}}
			}
			n0, n1 := nodes("0.7", "0.3"), nodes("0.2", "0.8")
			e0, e1 := edges("small", "large"), edges("large", "small")
			type validation struct {
				Valid    bool
				Problems json.RawMessage
				Plan     *struct{ CostPer1000Runs string }
			}
			validate := func(n, e any) validation {
				var out struct{ ValidatePipeline validation }
				c.MustDo(t, `query($n: [PipelineNodeInput!]!, $e: [PipelineLinkInput!]!) { validatePipeline(input: {nodes: $n, edges: $e}) {
					valid problems { code severity message nodeIds edgeIds path } plan { costPer1000Runs } } }`,
					map[string]any{"n": n, "e": e}, &out)
				return out.ValidatePipeline
			}
			cost := func(v validation) decimal.Decimal {
				require.True(t, v.Valid, "%s", v.Problems)
				require.NotNil(t, v.Plan)
				return decimal.RequireFromString(v.Plan.CostPer1000Runs)
			}
			both := cost(validate(n1, e1))
			require.False(t, both.Equal(cost(validate(n1, e0))), "the case must tell lost edges apart")
			require.False(t, both.Equal(cost(validate(n0, e1))), "the case must tell lost nodes apart")

			var cr struct{ CreatePipeline struct{ ID string } }
			c.MustDo(t, `mutation($n: [PipelineNodeInput!]!, $e: [PipelineLinkInput!]!) { createPipeline(input: {name: "race", nodes: $n, edges: $e}) { id } }`,
				map[string]any{"n": n0, "e": e0}, &cr)
			id := cr.CreatePipeline.ID
			const update = `mutation($id: ID!, $in: UpdatePipelineInput!) { updatePipeline(id: $id, input: $in) { id } }`
			race(t, "updatePipeline",
				update, map[string]any{"id": id, "in": map[string]any{"name": "race, reweighted", "nodes": n1}},
				update, map[string]any{"id": id, "in": map[string]any{"edges": e1}})

			var stored struct {
				Name          string
				Nodes         []map[string]any
				Edges         []map[string]any
				EstimatedCost *string
				Problems      json.RawMessage
				Plan          *struct{ CostPer1000Runs string }
			}
			// The node fields asked for are all the configs this graph uses, so they feed validatePipeline as is.
			node(t, id, `... on Pipeline { name estimatedCost problems { code severity message nodeIds edgeIds path } plan { costPer1000Runs }
				nodes { id kind name llm { model inputTokens outputTokens reasoningTokens callsPerRun latency { p50Ms p95Ms } } router { branches { name weight } } }
				edges { id source sourcePort target targetPort } }`, &stored)
			require.Equal(t, "race, reweighted", stored.Name, "the held update's name")
			require.Equal(t, "0.2", stored.Nodes[1]["router"].(map[string]any)["branches"].([]any)[0].(map[string]any)["weight"], "the held update's nodes")
			require.Equal(t, "large", stored.Edges[1]["target"], "the racing update's edges")
			want := validate(stored.Nodes, stored.Edges)
			require.True(t, cost(want).Equal(both))
			require.NotNil(t, stored.EstimatedCost)
			require.True(t, decimal.RequireFromString(*stored.EstimatedCost).Equal(cost(want)), "stored %s, computed %s", *stored.EstimatedCost, want.Plan.CostPer1000Runs)
			require.NotNil(t, stored.Plan)
			require.Equal(t, *stored.EstimatedCost, stored.Plan.CostPer1000Runs)
			require.JSONEq(t, string(want.Problems), string(stored.Problems))
		})

		t.Run("deployment: config racing model", func(t *testing.T) {
			// The config update raises the peak load tenfold; the model update moves to a model an eighth
			// the size. Priced on AWS, so every combination has a cost.
			const m0, m1 = "meta/llama-3.3-70b-instruct", "meta/llama-3.1-8b-instruct"
			cfg := func(rps float64) map[string]any {
				return map[string]any{"throughput": map[string]any{"requestsPerSecond": rps, "inputTokens": 600, "outputTokens": 150},
					"latencySlaMs": 30000}
			}
			cfg0, cfg1 := cfg(2), cfg(20)
			type estimate struct {
				Plan *struct {
					InstanceType string
					Replicas     int
					MonthlyUsd   string
				}
			}
			estimateFor := func(in map[string]any) estimate {
				var out struct{ EstimateDeployment estimate }
				c.MustDo(t, `query($in: EstimateDeploymentInput!) { estimateDeployment(input: $in) { plan { instanceType replicas monthlyUsd } } }`,
					map[string]any{"in": in}, &out)
				require.NotNil(t, out.EstimateDeployment.Plan, "%v", in)
				return out.EstimateDeployment
			}
			monthly := func(model string, config map[string]any) decimal.Decimal {
				in := with(config, map[string]any{"model": model, "provider": "AWS", "region": "us-east-1"})
				return decimal.RequireFromString(estimateFor(in).Plan.MonthlyUsd)
			}
			both := monthly(m1, cfg1)
			require.False(t, both.Equal(monthly(m0, cfg1)), "the case must tell a lost model apart")
			require.False(t, both.Equal(monthly(m1, cfg0)), "the case must tell a lost config apart")

			var cr struct{ CreateDeployment struct{ ID string } }
			c.MustDo(t, `mutation($m: String!, $c: DeploymentConfigInput!) { createDeployment(input: {modelName: $m, provider: AWS,
				region: "us-east-1", config: $c}) { id } }`, map[string]any{"m": m0, "c": cfg0}, &cr)
			id := cr.CreateDeployment.ID
			// This installation has no AWS driver, so the rollout job fails the deployment at once. Wait for
			// it: it locks the row too, and must not be the lock waiter the interleaving waits for.
			waitDeployment(t, c, id, "FAILED")
			const update = `mutation($id: ID!, $in: UpdateDeploymentInput!) { updateDeployment(id: $id, input: $in) { id } }`
			race(t, "updateDeployment",
				update, map[string]any{"id": id, "in": map[string]any{"config": cfg1}},
				update, map[string]any{"id": id, "in": map[string]any{"modelName": m1}})

			var stored struct {
				ModelName, Provider, Region string
				EstimatedCost               *string
				Config                      map[string]any
				Plan                        *struct {
					InstanceType string
					Replicas     int
					MonthlyUsd   string
				}
			}
			node(t, id, `... on Deployment { modelName provider region estimatedCost plan { instanceType replicas monthlyUsd }
				config { instanceType replicas throughput { requestsPerSecond inputTokens outputTokens } latencySlaMs kvBytesPerToken } }`, &stored)
			require.Equal(t, m1, stored.ModelName, "the racing update's model")
			require.EqualValues(t, 20, stored.Config["throughput"].(map[string]any)["requestsPerSecond"], "the held update's config")
			in := map[string]any{"model": stored.ModelName, "provider": stored.Provider, "region": stored.Region}
			for k, v := range stored.Config {
				if v != nil { // null config fields take the estimate's defaults
					in[k] = v
				}
			}
			want := estimateFor(in).Plan
			require.True(t, decimal.RequireFromString(want.MonthlyUsd).Equal(both))
			require.NotNil(t, stored.EstimatedCost)
			require.True(t, decimal.RequireFromString(*stored.EstimatedCost).Equal(decimal.RequireFromString(want.MonthlyUsd)),
				"stored %s, computed %s", *stored.EstimatedCost, want.MonthlyUsd)
			require.NotNil(t, stored.Plan)
			require.Equal(t, want.InstanceType, stored.Plan.InstanceType)
			require.Equal(t, want.Replicas, stored.Plan.Replicas)
		})

		const createExperimentQ = `mutation($m: ExperimentMetricsInput!, $p: ExperimentPlanInput) { createExperiment(input: {name: "race",
			models: ["openai/gpt-4.1", "openai/gpt-4.1-mini"], metrics: $m, plan: $p}) { id } }`

		t.Run("experiment: plan racing metrics", func(t *testing.T) {
			// The plan update lowers the minimum detectable effect; the metrics update makes the primary metric
			// continuous. The plan carries both a baseline and a standard deviation, so the sample size is
			// defined for either kind and differs in every combination.
			plan := func(mde float64) map[string]any {
				return map[string]any{"baseline": 0.1, "stdDev": 0.5, "minimumDetectableEffect": mde}
			}
			metrics := func(kind string) map[string]any {
				return map[string]any{"primary": map[string]any{"name": "resolved", "kind": kind}}
			}
			p0, p1 := plan(0.05), plan(0.02)
			m0, m1 := metrics("BINARY"), metrics("CONTINUOUS")
			sampleSize := func(kind string, plan map[string]any) int {
				var out struct{ ExperimentSampleSize struct{ PerVariant int } }
				c.MustDo(t, `query($in: ExperimentSampleSizeInput!) { experimentSampleSize(input: $in) { perVariant } }`,
					map[string]any{"in": with(plan, map[string]any{"kind": kind})}, &out)
				return out.ExperimentSampleSize.PerVariant
			}
			both := sampleSize("CONTINUOUS", p1)
			require.NotEqual(t, both, sampleSize("BINARY", p1), "the case must tell lost metrics apart")
			require.NotEqual(t, both, sampleSize("CONTINUOUS", p0), "the case must tell a lost plan apart")

			var cr struct{ CreateExperiment struct{ ID string } }
			c.MustDo(t, createExperimentQ, map[string]any{"m": m0, "p": p0}, &cr)
			id := cr.CreateExperiment.ID
			const update = `mutation($id: ID!, $in: UpdateExperimentInput!) { updateExperiment(id: $id, input: $in) { id } }`
			race(t, "updateExperiment",
				update, map[string]any{"id": id, "in": map[string]any{"plan": p1}},
				update, map[string]any{"id": id, "in": map[string]any{"metrics": m1}})

			var stored struct {
				Status            string
				PlannedSampleSize int
				Metrics           struct{ Primary struct{ Kind string } }
				Plan              map[string]any
			}
			node(t, id, `... on Experiment { status plannedSampleSize metrics { primary { kind } }
				plan { baseline stdDev minimumDetectableEffect relative confidenceLevel power } }`, &stored)
			require.Equal(t, "DRAFT", stored.Status)
			require.Equal(t, "CONTINUOUS", stored.Metrics.Primary.Kind, "the racing update's metrics")
			require.EqualValues(t, 0.02, stored.Plan["minimumDetectableEffect"], "the held update's plan")
			want := sampleSize(stored.Metrics.Primary.Kind, stored.Plan)
			require.Equal(t, both, want)
			require.Equal(t, want, stored.PlannedSampleSize, "the stored sample size is the stored plan's")
		})

		t.Run("experiment: ending racing a recording", func(t *testing.T) {
			const (
				completeQ = `mutation($id: ID!) { completeExperiment(id: $id) { id } }`
				stopQ     = `mutation($id: ID!) { stopExperiment(id: $id) { id } }`
				recordQ   = `mutation($id: ID!, $in: RecordExperimentObservationsInput!) { recordExperimentObservations(id: $id, input: $in) { id } }`
			)
			recording := func(key string, trials int) map[string]any {
				return map[string]any{"idempotencyKey": key, "variant": "openai/gpt-4.1", "metric": "resolved",
					"binary": map[string]any{"conversions": trials / 10, "trials": trials}}
			}
			for _, tc := range []struct {
				name, held, endQ, status string
				recordFirst              bool // the recording is held and the ending races it
			}{
				// The ending locks the RUNNING experiment first: the recording waits, then finds it ended.
				{"complete held, recording refused", "transitionExperiment", completeQ, "COMPLETED", false},
				{"stop held, recording refused", "transitionExperiment", stopQ, "STOPPED", false},
				// The recording locks first: the completion waits for it and counts it.
				{"recording held, completion counts it", "recordObservations", completeQ, "COMPLETED", true},
			} {
				t.Run(tc.name, func(t *testing.T) {
					var cr struct{ CreateExperiment struct{ ID string } }
					c.MustDo(t, createExperimentQ, map[string]any{"m": map[string]any{"primary": map[string]any{"name": "resolved", "kind": "BINARY"}}}, &cr)
					id := cr.CreateExperiment.ID
					vars := map[string]any{"id": id}
					c.MustDo(t, `mutation($id: ID!) { startExperiment(id: $id) { id } }`, vars, nil)
					c.MustDo(t, recordQ, map[string]any{"id": id, "in": recording("before", 100)}, nil)
					rec := do(client, recordQ, map[string]any{"id": id, "in": recording("racing", 50)}, t)
					end := do(client, tc.endQ, vars, t)

					var rRec, rEnd *testutil.Response
					if tc.recordFirst {
						rRec, rEnd = p.interleave(t, tc.held, rec, end)
					} else {
						rEnd, rRec = p.interleave(t, tc.held, end, rec)
					}
					require.Empty(t, rEnd.Errors)

					var stored struct {
						Status  string
						Results struct {
							Primary struct {
								Variants []struct {
									Variant string
									Units   int
								}
							}
						}
					}
					node(t, id, `... on Experiment { status results { primary { variants { variant units } } } }`, &stored)
					require.Equal(t, tc.status, stored.Status)
					require.Equal(t, "openai/gpt-4.1", stored.Results.Primary.Variants[0].Variant)
					units := stored.Results.Primary.Variants[0].Units
					if tc.recordFirst {
						require.Empty(t, rRec.Errors, "the recording came first")
						require.Equal(t, 150, units, "the final results count the recording that came first")
						return
					}
					require.Len(t, rRec.Errors, 1, "a recording after the experiment ended is refused")
					require.Equal(t, "BAD_USER_INPUT", rRec.Errors[0].Code())
					require.Contains(t, rRec.Errors[0].Message, tc.status)
					require.Equal(t, 100, units, "the results are the ones the experiment ended with")
					row, err := gid.Decode(id)
					require.NoError(t, err)
					n, err := p.a.DB.Client.ExperimentObservation.Query().Where(experimentobservation.ExperimentID(row),
						experimentobservation.IdempotencyKey("racing")).Count(testutil.System())
					require.NoError(t, err)
					require.Zero(t, n, "nothing of the refused recording is stored")
				})
			}
		})

		t.Run("scenario: simulation racing a config change", func(t *testing.T) {
			config := func(requests, inputTokens int) map[string]any {
				return map[string]any{"taskComplexity": "MEDIUM", "dataVolume": requests, "inputTokens": inputTokens, "outputTokens": 150,
					"responseTimeSLA": 2000, "slaPercentile": 95, "peakFactor": 3, "dataRegions": []string{"EU"}}
			}
			const (
				simulateQ = `mutation($id: ID!) { simulateScenario(id: $id) { id } }`
				updateQ   = `mutation($id: ID!, $in: UpdateScenarioInput!, $sim: Boolean) { updateScenario(id: $id, input: $in, simulate: $sim) { id } }`
			)
			for _, tc := range []struct {
				name, held string
				simulate   bool // whether the update simulates too
				updateHeld bool // the update is held and the simulation races it
			}{
				// The simulation reads the old config first; the update (which simulates again) waits for it.
				{"simulation held, update with simulate", "simulateScenario", true, false},
				// The update locks first; the simulation waits and simulates the new config.
				{"update held, simulation", "updateScenario", false, true},
			} {
				t.Run(tc.name, func(t *testing.T) {
					var cr struct{ CreateScenario struct{ ID string } }
					c.MustDo(t, `mutation($c: ScenarioConfigInput!) { createScenario(input: {name: "race", config: $c}, simulate: true) { id } }`,
						map[string]any{"c": config(40000, 600)}, &cr)
					id := cr.CreateScenario.ID
					sim := do(client, simulateQ, map[string]any{"id": id}, t)
					upd := do(client, updateQ, map[string]any{"id": id, "in": map[string]any{"config": config(10000, 2400)}, "sim": tc.simulate}, t)
					var r1, r2 *testutil.Response
					if tc.updateHeld {
						r1, r2 = p.interleave(t, tc.held, upd, sim)
					} else {
						r1, r2 = p.interleave(t, tc.held, sim, upd)
					}
					require.Empty(t, r1.Errors, "the held operation")
					require.Empty(t, r2.Errors, "the racing operation")

					type workload struct{ DataVolume, InputTokens, OutputTokens, ResponseTimeSLA int }
					var stored struct {
						Config  workload
						Results struct {
							Winner   *string
							Workload workload
							Ranked   []struct {
								ModelID string
								Cost    *struct{ PerMonth string }
							}
						}
					}
					const w = `dataVolume inputTokens outputTokens responseTimeSLA`
					node(t, id, `... on Scenario { config { `+w+` } results { winner workload { `+w+` } ranked { modelId cost { perMonth } } } }`, &stored)
					require.Equal(t, workload{10000, 2400, 150, 2000}, stored.Config, "the update's config")
					require.Equal(t, stored.Config, stored.Results.Workload, "the stored results simulate the stored config")

					// A one-point sweep simulates the stored config again without storing anything.
					var sw struct {
						ScenarioSweep struct {
							Winners []*string
							Series  []struct {
								ModelID string
								Points  []struct {
									MonthlyCost *string
									Rank        int
								}
							}
						}
					}
					c.MustDo(t, `query($id: ID!, $v: Float!) { scenarioSweep(id: $id, variable: INPUT_TOKENS, from: $v, to: $v, steps: 1) {
						winners series { modelId points { monthlyCost rank } } } }`,
						map[string]any{"id": id, "v": stored.Config.InputTokens}, &sw)
					require.Len(t, sw.ScenarioSweep.Winners, 1)
					require.NotNil(t, sw.ScenarioSweep.Winners[0], "something fits the workload")
					require.NotNil(t, stored.Results.Winner)
					require.Equal(t, *sw.ScenarioSweep.Winners[0], *stored.Results.Winner)
					ranked := map[string]string{}
					for _, s := range sw.ScenarioSweep.Series {
						if pt := s.Points[0]; pt.Rank > 0 {
							require.NotNil(t, pt.MonthlyCost, s.ModelID)
							ranked[s.ModelID] = *pt.MonthlyCost
						}
					}
					require.Len(t, stored.Results.Ranked, len(ranked))
					for _, r := range stored.Results.Ranked {
						require.NotNil(t, r.Cost, r.ModelID)
						require.Contains(t, ranked, r.ModelID)
						require.True(t, decimal.RequireFromString(ranked[r.ModelID]).Equal(decimal.RequireFromString(r.Cost.PerMonth)),
							"%s: stored %s, computed %s", r.ModelID, r.Cost.PerMonth, ranked[r.ModelID])
					}
				})
			}
		})
	})
}

// with is base with the entries of extra added (extra wins); neither map changes.
func with(base, extra map[string]any) map[string]any {
	out := make(map[string]any, len(base)+len(extra))
	for k, v := range base {
		out[k] = v
	}
	for k, v := range extra {
		out[k] = v
	}
	return out
}
