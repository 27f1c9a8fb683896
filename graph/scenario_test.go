package graph_test

import (
	"context"
	"encoding/json"
	"math"
	"testing"
	"time"

	"github.com/shopspring/decimal"
	"github.com/stretchr/testify/require"

	"github.com/modelarchitect/architect/internal/catalog"
	"github.com/modelarchitect/architect/internal/gid"
	"github.com/modelarchitect/architect/internal/simulation"
	"github.com/modelarchitect/architect/internal/testutil"
	"github.com/modelarchitect/architect/internal/viewer"
	"github.com/modelarchitect/architect/internal/workers"
)

// supportTickets is the worked example of docs/guide/scenarios.md: 40,000 tickets a day, 600 tokens in and 150 out, 2 s at
// p95, at most $3,000 a month, data in the EU (peak assumed 3× the average).
const supportTickets = `{name: "Support tickets", config: {taskComplexity: MEDIUM, dataVolume: 40000, inputTokens: 600, outputTokens: 150,
	responseTimeSLA: 2000, slaPercentile: 95, peakFactor: 3, monthlyBudget: "3000", dataRegions: [EU]}}`

func TestSimulateAndExplainScenario(t *testing.T) {
	t.Parallel()
	eachBackend(t, func(t *testing.T, b testutil.Backend) {
		s := testutil.NewServer(t, b)
		c := s.Client(s.SignUp(t, "sim@example.com", viewer.RoleFree).Token)

		var created struct {
			CreateScenario struct {
				ID      string
				Results struct {
					CatalogVersion string
					Winner         *string
					Ranked         []struct {
						ModelID string
						Rank    int
						Cost    struct{ PerMonth string }
						Latency struct{ P95Millis float64 }
					}
					Excluded []struct {
						ModelID string
						Reasons []struct{ Code, Message string }
					}
				}
			}
		}
		c.MustDo(t, `mutation { createScenario(input: `+supportTickets+`, simulate: true) { id results {
			catalogVersion winner ranked { modelId rank cost { perMonth } latency { p95Millis } } excluded { modelId reasons { code message } } } } }`, nil, &created)
		res := created.CreateScenario.Results

		// The API returns what the engine computes for the same workload on the same catalog.
		budget := decimal.NewFromInt(3000)
		want, err := simulation.Simulate(catalog.Default(), simulation.Workload{
			RequestsPerDay: 40000, InputTokens: 600, OutputTokens: 150, PeakFactor: 3, LatencySLAMillis: 2000,
			SLAPercentile: 95, MonthlyBudgetUSD: &budget, Complexity: catalog.ComplexityMedium, DataRegions: []string{"EU"},
		}, simulation.Options{AsOf: "2026-11-25"})
		require.NoError(t, err)
		require.NotEmpty(t, want.Winner)
		require.Equal(t, want.CatalogVersion, res.CatalogVersion)
		require.NotNil(t, res.Winner)
		require.Equal(t, want.Winner, *res.Winner)
		require.Len(t, res.Ranked, len(want.Ranked))
		require.Equal(t, want.Ranked[0].Cost.Monthly.String(), res.Ranked[0].Cost.PerMonth, "money is exact")
		require.LessOrEqual(t, res.Ranked[0].Latency.P95Millis, 2000.0)
		regionExcluded := false
		for _, e := range res.Excluded {
			require.NotEmpty(t, e.Reasons, e.ModelID)
			for _, r := range e.Reasons {
				regionExcluded = regionExcluded || r.Code == "REGION"
			}
		}
		require.True(t, regionExcluded, "some models cannot keep data in the EU")

		vars := map[string]any{"id": created.CreateScenario.ID}
		var ex struct {
			ExplainDecision struct {
				ID, Winner, RunnerUp string
				ScoreDifference      float64
				Current              bool
				Report               string
				Decision             struct{ ID string }
				FeatureImportance    []struct{ Phi float64 }
				Counterfactuals      []struct{ NewWinner, Description string }
			}
		}
		c.MustDo(t, `mutation($id: ID!) { explainDecision(scenarioId: $id) { id winner runnerUp scoreDifference current report decision { id }
			featureImportance { phi } counterfactuals { newWinner description } } }`, vars, &ex)
		e := ex.ExplainDecision
		require.Equal(t, *res.Winner, e.Winner)
		require.Equal(t, created.CreateScenario.ID, e.Decision.ID)
		require.True(t, e.Current)
		require.Contains(t, e.Report, e.Winner)
		sum := 0.0
		for _, f := range e.FeatureImportance {
			sum += f.Phi
		}
		require.InDelta(t, e.ScoreDifference, sum, 1e-9, "Shapley values sum to the score difference (efficiency)")
		require.NotEmpty(t, e.Counterfactuals)
		for _, cf := range e.Counterfactuals {
			require.NotEqual(t, e.Winner, cf.NewWinner, cf.Description)
		}

		// Simulating again makes the explanation stale.
		c.MustDo(t, `mutation($id: ID!) { simulateScenario(id: $id) { id } }`, vars, nil)
		var node struct{ Node struct{ Current, Stale bool } }
		c.MustDo(t, `query($id: ID!) { node(id: $id) { ... on Explanation { current stale } } }`, map[string]any{"id": e.ID}, &node)
		require.False(t, node.Node.Current)
		require.True(t, node.Node.Stale)
	})
}

func TestScenarioSweep(t *testing.T) {
	t.Parallel()
	s := testutil.NewServer(t, testutil.SQLite)
	c := s.Client(s.SignUp(t, "sweep@example.com", viewer.RoleFree).Token)
	var created struct{ CreateScenario struct{ ID string } }
	c.MustDo(t, `mutation { createScenario(input: `+supportTickets+`) { id } }`, nil, &created)
	vars := map[string]any{"id": created.CreateScenario.ID}

	var sw struct {
		ScenarioSweep struct {
			Values  []float64
			Winners []*string
			Series  []struct {
				ModelID string
				Points  []struct {
					MonthlyCost *string
					Fits        bool
				}
			}
			WinnerChanges []struct {
				Index    int
				From, To *string
			}
		}
	}
	c.MustDo(t, `query($id: ID!) { scenarioSweep(id: $id, variable: REQUESTS_PER_DAY, from: 1000, to: 10000000, steps: 25, scale: LOG) {
		values winners series { modelId points { monthlyCost fits } } winnerChanges { index from to } } }`, vars, &sw)
	r := sw.ScenarioSweep
	require.Len(t, r.Values, 25)
	require.Equal(t, 1000.0, r.Values[0])
	require.Equal(t, 1e7, r.Values[24])
	require.Len(t, r.Winners, 25)
	require.NotEmpty(t, r.Series)
	for _, ser := range r.Series {
		require.Len(t, ser.Points, 25, ser.ModelID)
		var prev decimal.Decimal
		for i, p := range ser.Points {
			if p.MonthlyCost == nil {
				continue
			}
			cost := decimal.RequireFromString(*p.MonthlyCost)
			if i > 0 {
				require.True(t, cost.GreaterThanOrEqual(prev), "%s: more traffic never costs less", ser.ModelID)
			}
			prev = cost
		}
	}
	for _, ch := range r.WinnerChanges {
		require.NotEqual(t, r.Winners[ch.Index-1], r.Winners[ch.Index])
	}

	e := c.Err(t, `query($id: ID!) { scenarioSweep(id: $id, variable: BUDGET, from: 1, to: 10, steps: 201) { values } }`, vars)
	require.Equal(t, "BAD_USER_INPUT", e.Code())
	require.Equal(t, "steps", e.Extensions["field"])
	require.Contains(t, e.Message, "200")
}

func TestScenarioErrors(t *testing.T) {
	t.Parallel()
	s := testutil.NewServer(t, testutil.SQLite)
	c := s.Client(s.SignUp(t, "err@example.com", viewer.RoleFree).Token)
	var created struct{ CreateScenario struct{ ID string } }
	c.MustDo(t, `mutation { createScenario(input: `+supportTickets+`) { id results { winner } } }`, nil, &created)

	e := c.Err(t, `mutation($id: ID!) { explainDecision(scenarioId: $id) { id } }`, map[string]any{"id": created.CreateScenario.ID})
	require.Equal(t, "BAD_USER_INPUT", e.Code())
	require.Contains(t, e.Message, "simulateScenario")

	for _, tc := range []struct{ config, field string }{
		{`{taskComplexity: LOW, dataVolume: 0, responseTimeSLA: 100, inputTokens: 1, outputTokens: 1}`, "config.dataVolume"},
		{`{taskComplexity: LOW, dataVolume: 10, responseTimeSLA: 100, inputTokens: -1, outputTokens: 1}`, "config.inputTokens"},
		{`{taskComplexity: LOW, dataVolume: 10, responseTimeSLA: 100, inputTokens: 1, outputTokens: 1, peakFactor: 0.5}`, "config.peakFactor"},
		{`{taskComplexity: LOW, dataVolume: 10, responseTimeSLA: 100, inputTokens: 1, outputTokens: 1, slaPercentile: 100}`, "config.slaPercentile"},
		{`{taskComplexity: LOW, dataVolume: 10, responseTimeSLA: 100, inputTokens: 1, outputTokens: 1, monthlyBudget: "-1"}`, "config.monthlyBudget"},
	} {
		e := c.Err(t, `mutation { createScenario(input: {name: "bad", config: `+tc.config+`}) { id } }`, nil)
		require.Equal(t, "BAD_USER_INPUT", e.Code(), tc.config)
		require.Equal(t, tc.field, e.Extensions["field"], tc.config)
	}
	n, err := s.DB.Client.Scenario.Query().Count(testutil.System())
	require.NoError(t, err)
	require.Equal(t, 1, n, "no bad scenario was written")
}

func TestCatalogQueries(t *testing.T) {
	t.Parallel()
	s := testutil.NewServer(t, testutil.SQLite)
	c := s.Client(s.SignUp(t, "cat@example.com", viewer.RoleFree).Token)
	var out struct {
		CatalogVersion string
		Models         []struct {
			ID, Provider   string
			InputPerToken  string
			OutputPerToken string
			Price          struct{ Source, AsOf string }
			Speed          *struct{ TTFTMillis float64 }
			Quality        *struct {
				Tiers []struct {
					Complexity string
					Tier       int
				}
			}
			Effort          *string
			DeprecationDate *string
			ContextLimit    string
		}
		InstanceTypes []struct {
			Type, Region string
			HourlyUsd    string
			Provenance   struct{ Source, AsOf string }
			ObservedOn   *string
			PriceCaveat  *string
		}
	}
	c.MustDo(t, `{ catalogVersion
		models(where: {provider: "openai", hostedOnly: true}, orderBy: {field: PRICE, direction: ASC}) {
			id provider inputPerToken outputPerToken price { source asOf } speed { ttftMillis } quality { tiers { complexity tier } }
			effort deprecationDate contextLimit }
		instanceTypes(where: {provider: "AWS"}) { type region hourlyUsd provenance { source asOf } observedOn priceCaveat } }`, nil, &out)
	require.Equal(t, catalog.Default().Version, out.CatalogVersion)
	require.NotEmpty(t, out.Models)
	prev := decimal.Zero
	for _, m := range out.Models {
		require.Equal(t, "openai", m.Provider)
		require.NotEmpty(t, m.Price.Source, m.ID)
		require.NotEmpty(t, m.Price.AsOf, m.ID)
		mod, err := catalog.Default().Model(m.ID)
		require.NoError(t, err)
		blended := mod.BlendedPerToken()
		require.True(t, blended.GreaterThanOrEqual(prev), "ordered by price")
		prev = blended
		require.Equal(t, mod.InputPerToken.String(), m.InputPerToken)
		require.Equal(t, string(mod.ContextLimit), m.ContextLimit)
		// Optional strings the catalog leaves empty are null, not "".
		require.Equal(t, mod.Effort == "", m.Effort == nil, m.ID)
		require.Equal(t, mod.DeprecationDate == "", m.DeprecationDate == nil, m.ID)
	}
	require.NotEmpty(t, out.InstanceTypes)
	for _, it := range out.InstanceTypes {
		d := decimal.RequireFromString(it.HourlyUsd)
		require.True(t, d.IsPositive(), it.Type)
		require.NotEmpty(t, it.Provenance.AsOf)
		in, err := catalog.Default().Instance("AWS", it.Type, it.Region)
		require.NoError(t, err)
		require.Equal(t, in.ObservedOn == "", it.ObservedOn == nil, it.Type)
		require.Equal(t, in.PriceCaveat == "", it.PriceCaveat == nil, it.Type)
	}
	_ = json.Valid
	_ = math.Abs
}

// TestMeasuredFiguresTakePrecedence: once the viewer has a finished benchmark of a model, simulations use
// its measured latency and accuracy instead of the catalog's estimates, and say so.
// A benchmark too small to count is shown but not used; one with enough items is blended with the catalog
// figure by sample size (internal/simulation/evidence.go).
func TestMeasuredFiguresCountBySampleSize(t *testing.T) {
	t.Parallel()
	_, _, env := modelAPIs(t, 3*time.Millisecond)
	s := testutil.NewServer(t, testutil.SQLite, testutil.ServerOptions{Env: env})
	c := s.Client(s.SignUp(t, "measured@example.com", viewer.RolePro).Token)
	type figures struct {
		ModelID string
		Latency *struct {
			TTFTMillis               float64 `json:"ttftMillis"`
			TtftSource, SpreadSource string
		}
		Quality struct {
			Accuracy *float64
			Items    int
			Estimate *float64
			Source   string
			Evidence string
		}
	}
	simulate := func() map[string]figures {
		var sc struct {
			CreateScenario struct {
				Results struct{ Ranked, Excluded []figures }
			}
		}
		c.MustDo(t, `mutation { createScenario(input: {name: "m", config: {taskComplexity: LOW, dataVolume: 1000, inputTokens: 100, outputTokens: 50,
			responseTimeSLA: 0, candidates: ["openai/gpt-4.1-mini", "openai/gpt-4.1"]}}, simulate: true) {
			results { ranked { ...F } excluded { ...F } } } }
			fragment F on SimulationCandidate { modelId latency { ttftMillis ttftSource spreadSource } quality { accuracy items estimate source evidence } }`, nil, &sc)
		out := map[string]figures{}
		for _, f := range append(sc.CreateScenario.Results.Ranked, sc.CreateScenario.Results.Excluded...) {
			out[f.ModelID] = f
		}
		return out
	}
	bench := func(items int) benchmarkOut {
		var cr struct{ CreateBenchmark struct{ ID string } }
		c.MustDo(t, `mutation { createBenchmark(input: {name: "m", models: ["openai/gpt-4.1-mini"], dataset: `+dataset(items)+`}, start: true) { id } }`, nil, &cr)
		done := waitBenchmark(t, c, cr.CreateBenchmark.ID)
		require.Equal(t, "COMPLETED", done.Status)
		return done
	}
	mini, err := catalog.Default().Model("openai/gpt-4.1-mini")
	require.NoError(t, err)
	prior := *mini.Quality.IntelligenceIndex / 100

	bench(simulation.MinItems - 1)
	small := simulate()["openai/gpt-4.1-mini"]
	require.NotNil(t, small.Quality.Accuracy, "the measured accuracy is shown")
	require.Equal(t, 0.0, *small.Quality.Accuracy, "the fake answered nonsense")
	require.Equal(t, simulation.MinItems-1, small.Quality.Items)
	require.Equal(t, "CATALOG", small.Quality.Source, "too few items to count")
	require.InDelta(t, prior, *small.Quality.Estimate, 1e-12)
	require.Contains(t, small.Quality.Evidence, "fewer than the 10 needed")
	require.Equal(t, "CATALOG", small.Latency.TtftSource)
	require.Equal(t, mini.Speed.TTFTMillis, small.Latency.TTFTMillis)

	const n = 3 * simulation.MinItems
	done := bench(n)
	big := simulate()
	f := big["openai/gpt-4.1-mini"]
	require.Equal(t, "BLEND", f.Quality.Source)
	require.Equal(t, n, f.Quality.Items)
	// Beta(n₀p₀, n₀(1 − p₀)) updated by 0 passes of n: mean n₀p₀ ÷ (n₀ + n).
	require.InDelta(t, simulation.PriorItems*prior/float64(simulation.PriorItems+n), *f.Quality.Estimate, 1e-12)
	require.Equal(t, "BLEND", f.Latency.TtftSource)
	measured := done.Results.Models[0].Ttft.P50
	require.InDelta(t, (simulation.PriorItems*mini.Speed.TTFTMillis+n*measured)/(simulation.PriorItems+n), f.Latency.TTFTMillis, 1e-9)
	require.Equal(t, "CATALOG", big["openai/gpt-4.1"].Latency.TtftSource, "a model without a benchmark keeps the catalog's figures")
}

// Stored results computed by another engine or on another catalog read as stale, with the reason, until the
// refresh job simulates them again.
func TestStaleResultsAreRecomputed(t *testing.T) {
	t.Parallel()
	eachBackend(t, func(t *testing.T, b testutil.Backend) {
		var deps *workers.Deps
		s := testutil.NewServer(t, b, testutil.ServerOptions{Deps: func(d *workers.Deps) { deps = d }})
		c := s.Client(s.SignUp(t, "stale@example.com", viewer.RoleFree).Token)
		type results struct {
			ComputedAt     time.Time
			CatalogVersion string
			EngineVersion  string
			Stale          bool
			StaleReason    *string
		}
		var created struct{ CreateScenario struct{ ID string } }
		c.MustDo(t, `mutation { createScenario(input: `+supportTickets+`, simulate: true) { id } }`, nil, &created)
		id := created.CreateScenario.ID
		read := func() results {
			var out struct{ Node struct{ Results results } }
			c.MustDo(t, `query($id: ID!) { node(id: $id) { ... on Scenario { results { computedAt catalogVersion engineVersion stale staleReason } } } }`,
				map[string]any{"id": id}, &out)
			return out.Node.Results
		}
		fresh := read()
		require.False(t, fresh.Stale)
		require.Nil(t, fresh.StaleReason)
		require.Equal(t, simulation.EngineVersion, fresh.EngineVersion)
		n, err := workers.RefreshScenarios(context.Background(), deps)
		require.NoError(t, err)
		require.Zero(t, n, "current results are left alone")

		// As if an older binary had computed them.
		row, err := gid.Decode(id)
		require.NoError(t, err)
		sc, err := s.DB.Client.Scenario.Get(testutil.System(), row)
		require.NoError(t, err)
		set := func(engine, catalog string, at time.Time) {
			r := *sc.Results
			r.EngineVersion, r.CatalogVersion, r.ComputedAt = engine, catalog, at
			require.NoError(t, s.DB.Client.Scenario.UpdateOneID(row).SetResults(&r).Exec(testutil.System()))
		}
		// Computed by a newer replica (a later engine, after this process started): shown stale here, but this
		// process's job leaves it alone rather than undo it.
		set("2099-01-01", fresh.CatalogVersion, time.Now())
		require.True(t, read().Stale)
		n, err = workers.RefreshScenarios(context.Background(), deps)
		require.NoError(t, err)
		require.Zero(t, n, "a newer replica's results")
		// Another catalog, but computed after this process started (by a replica on another catalog file):
		// also left alone.
		set(simulation.EngineVersion, "sha256:0000000000000000", time.Now())
		require.True(t, read().Stale)
		n, err = workers.RefreshScenarios(context.Background(), deps)
		require.NoError(t, err)
		require.Zero(t, n, "results made since this process started")

		// As an older binary left them, before this process started.
		set("2026-01-01", "sha256:0000000000000000", deps.Started.Add(-time.Hour))
		stale := read()
		require.True(t, stale.Stale)
		require.NotNil(t, stale.StaleReason)
		require.Contains(t, *stale.StaleReason, `simulation engine "2026-01-01"`)
		// Stale results are not explained: the explanation would mix two engines. (On a busy machine the
		// server's own run of the refresh job, RunOnStart, may recompute them first; then they are explained.)
		r := c.Do(t, `mutation($id: ID!) { explainDecision(scenarioId: $id) { id } }`, map[string]any{"id": id})
		if len(r.Errors) == 0 {
			require.False(t, read().Stale, "explained while stale")
		} else {
			require.Len(t, r.Errors, 1)
			require.Equal(t, "BAD_USER_INPUT", r.Errors[0].Code())
			require.Contains(t, r.Errors[0].Message, "the results are stale")
		}

		n, err = workers.RefreshScenarios(context.Background(), deps)
		require.NoError(t, err)
		// 1, or 0 when the server's own run of the job (RunOnStart, late on a busy machine) got there first:
		// either way the same job recomputed them.
		require.LessOrEqual(t, n, 1)
		again := read()
		require.False(t, again.Stale)
		require.Equal(t, simulation.EngineVersion, again.EngineVersion)
		require.Equal(t, fresh.CatalogVersion, again.CatalogVersion)
		require.False(t, again.ComputedAt.Before(fresh.ComputedAt))
	})
}

// Subscribers of a scenario see every change, on any replica: results marked stale, recomputed by the refresh
// job, the workload edited; deletion ends the stream.
func TestScenarioSubscription(t *testing.T) {
	t.Parallel()
	eachBackend(t, func(t *testing.T, b testutil.Backend) {
		var deps *workers.Deps
		keep := testutil.ServerOptions{Deps: func(d *workers.Deps) { deps = d }}
		var a, other *testutil.Server
		if b == testutil.Postgres { // replicas share events through PostgreSQL; SQLite is one process
			servers := testutil.Replicas(t, b, testutil.ServerOptions{}, keep)
			a, other = servers[0], servers[1]
		} else {
			a = testutil.NewServer(t, b, keep)
			other = a
		}
		u := a.SignUp(t, "scsub@example.com", viewer.RoleFree)
		var created struct{ CreateScenario struct{ ID string } }
		a.Client(u.Token).MustDo(t, `mutation { createScenario(input: `+supportTickets+`, simulate: true) { id } }`, nil, &created)
		id := created.CreateScenario.ID

		sk := a.Dial(t, testutil.TransportWS, map[string]any{"authorization": "Bearer " + u.Token})
		sk.Ack()
		sk.Subscribe("s", `subscription($id: ID!) { scenarioUpdated(id: $id) { name results { engineVersion stale } } }`, map[string]any{"id": id})
		type state struct {
			ScenarioUpdated struct {
				Name    string
				Results struct {
					EngineVersion string
					Stale         bool
				}
			}
		}
		next := func() state {
			t.Helper()
			r, typ := sk.Next("s", 10*time.Second)
			require.Equal(t, "next", typ)
			require.Empty(t, r.Errors)
			var st state
			require.NoError(t, json.Unmarshal(r.Data, &st))
			return st
		}
		first := next()
		require.Equal(t, "Support tickets", first.ScenarioUpdated.Name)
		require.False(t, first.ScenarioUpdated.Results.Stale)

		// Results as an older engine left them, written on the other replica.
		row, err := gid.Decode(id)
		require.NoError(t, err)
		sc, err := other.DB.Client.Scenario.Get(testutil.System(), row)
		require.NoError(t, err)
		old := *sc.Results
		old.EngineVersion, old.ComputedAt = "2026-01-01", deps.Started.Add(-time.Hour)
		require.NoError(t, other.DB.Client.Scenario.UpdateOneID(row).SetResults(&old).Exec(testutil.System()))
		st := next()
		require.True(t, st.ScenarioUpdated.Results.Stale)
		require.Equal(t, "2026-01-01", st.ScenarioUpdated.Results.EngineVersion)

		n, err := workers.RefreshScenarios(context.Background(), deps) // the other replica's workers
		require.NoError(t, err)
		require.Equal(t, 1, n)
		st = next()
		require.False(t, st.ScenarioUpdated.Results.Stale)
		require.Equal(t, simulation.EngineVersion, st.ScenarioUpdated.Results.EngineVersion)

		other.Client(u.Token).MustDo(t, `mutation($id: ID!) { updateScenario(id: $id, input: {name: "Renamed"}) { id } }`, map[string]any{"id": id}, nil)
		require.Equal(t, "Renamed", next().ScenarioUpdated.Name)

		other.Client(u.Token).MustDo(t, `mutation($id: ID!) { deleteScenario(id: $id) }`, map[string]any{"id": id}, nil)
		r, typ := sk.Next("s", 10*time.Second)
		require.Equal(t, "next", typ)
		require.Len(t, r.Errors, 1)
		require.Equal(t, "NOT_FOUND", r.Errors[0].Code())
		require.Equal(t, "the scenario was deleted", r.Errors[0].Message)
		_, typ = sk.Next("s", 10*time.Second)
		require.Equal(t, "complete", typ)
	})
}
