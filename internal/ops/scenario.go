package ops

import (
	"context"
	"time"

	"github.com/modelarchitect/architect/ent"
	entbenchmark "github.com/modelarchitect/architect/ent/benchmark"
	entdeployment "github.com/modelarchitect/architect/ent/deployment"
	"github.com/modelarchitect/architect/ent/explanation"
	"github.com/modelarchitect/architect/ent/privacy"
	"github.com/modelarchitect/architect/ent/scenario"
	"github.com/modelarchitect/architect/internal/apperr"
	"github.com/modelarchitect/architect/internal/explain"
	"github.com/modelarchitect/architect/internal/gid"
	"github.com/modelarchitect/architect/internal/model"
	"github.com/modelarchitect/architect/internal/simulation"
)

// CreateScenario creates a Scenario and, when asked, simulates it in the same transaction.
func (s *Service) CreateScenario(ctx context.Context, in ent.CreateScenarioInput, simulate bool) (*ent.Scenario, error) {
	sc, err := s.ent(ctx).Scenario.Create().SetInput(in).Save(ctx)
	if err != nil || !simulate {
		return sc, err
	}
	return s.SimulateScenario(ctx, sc.ID)
}

// UpdateScenario changes a Scenario and, when asked, simulates it again.
func (s *Service) UpdateScenario(ctx context.Context, id int, in ent.UpdateScenarioInput, simulate bool) (*ent.Scenario, error) {
	sc, err := s.lockScenario(ctx, id)
	if err != nil {
		return nil, err
	}
	s.pause(ctx, "updateScenario")
	if sc, err = sc.Update().SetInput(in).Save(ctx); err != nil || !simulate {
		return sc, err
	}
	return s.SimulateScenario(ctx, sc.ID)
}

// RefreshScenario simulates scenario id again when its stored results are stale and were computed before
// before (the time this process started): a process never recomputes results a newer one made, so replicas
// running different catalogs or engines during a rolling deploy do not undo each other. It reports whether
// it simulated.
func (s *Service) RefreshScenario(ctx context.Context, id int, before time.Time) (bool, error) {
	sc, err := s.lockScenario(ctx, id)
	if err != nil {
		return false, err
	}
	r := sc.Results
	if r == nil || r.StaleReason(s.Catalog.Version) == "" || !r.ComputedAt.Before(before) || r.EngineVersion > simulation.EngineVersion {
		return false, nil
	}
	_, err = s.SimulateScenario(ctx, id)
	return err == nil, err
}

// lockScenario reads scenario id and locks it until the transaction of ctx ends: its results are computed
// from its configuration, and its explanations from its results.
func (s *Service) lockScenario(ctx context.Context, id int) (*ent.Scenario, error) {
	return s.ent(ctx).Scenario.Query().Where(scenario.ID(id)).LockForUpdate().Only(ctx)
}

// SimulateScenario simulates a Scenario's workload on the catalog, stores the results with the catalog
// version and the time, and marks the Scenario's earlier explanations stale.
func (s *Service) SimulateScenario(ctx context.Context, id int) (*ent.Scenario, error) {
	c := s.ent(ctx)
	sc, err := s.lockScenario(ctx, id)
	if err != nil {
		return nil, err
	}
	s.pause(ctx, "simulateScenario")
	opts, err := s.simulationOptions(ctx, sc)
	if err != nil {
		return nil, err
	}
	res, err := simulation.Simulate(s.Catalog, sc.Config.Workload(), opts)
	if err != nil {
		return nil, err
	}
	sc, err = sc.Update().SetResults(&model.ScenarioResults{ComputedAt: s.now().UTC().Truncate(time.Microsecond), Result: *res}).Save(ctx)
	if err != nil {
		return nil, err
	}
	err = c.Explanation.Update().Where(explanation.ScenarioID(id), explanation.Stale(false)).SetStale(true).Exec(ctx)
	return sc, err
}

// SweepScenario simulates a Scenario's workload across a range of one variable; nothing is stored.
func (s *Service) SweepScenario(ctx context.Context, id int, spec simulation.SweepSpec) (*simulation.SweepResult, error) {
	sc, err := s.ent(ctx).Scenario.Get(ctx, id)
	if err != nil {
		return nil, err
	}
	opts, err := s.simulationOptions(ctx, sc)
	if err != nil {
		return nil, err
	}
	return simulation.Sweep(s.Catalog, sc.Config.Workload(), opts, spec)
}

// ExplainScenario explains a Scenario's stored results and keeps the explanation, linked to the Scenario
// and to the results' computedAt. The explanation belongs to the Scenario's owner.
func (s *Service) ExplainScenario(ctx context.Context, scenarioID int) (*ent.Explanation, error) {
	c := s.ent(ctx)
	sc, err := s.lockScenario(ctx, scenarioID)
	if err != nil {
		return nil, err
	}
	switch {
	case sc.Results == nil:
		return nil, apperr.Input("scenarioId", "the scenario has no results yet: run simulateScenario first")
	}
	if why := sc.Results.StaleReason(s.Catalog.Version); why != "" {
		return nil, apperr.Input("scenarioId", "the results are stale (%s): run simulateScenario again", why)
	}
	opts, err := s.simulationOptions(ctx, sc)
	if err != nil {
		return nil, err
	}
	ex, err := explain.Explain(explain.Input{Catalog: s.Catalog, Workload: sc.Results.Workload, Options: opts, Result: &sc.Results.Result})
	if err != nil {
		return nil, err
	}
	return c.Explanation.Create().
		SetOwnerID(sc.OwnerID).
		SetScenarioID(sc.ID).
		SetWinner(ex.Winner).
		SetRunnerUp(ex.RunnerUp).
		SetScoreDifference(ex.ScoreDifference).
		SetFeatureImportance(nonNil(ex.Contributions)).
		SetCounterfactuals(nonNil(ex.Counterfactuals)).
		SetReport(ex.Markdown).
		SetCatalogVersion(ex.CatalogVersion).
		SetResultsComputedAt(sc.Results.ComputedAt).
		Save(ctx)
}

// simulationOptions are the engine's options for a Scenario: today's date (so retired models drop out), the
// figures the Scenario owner's finished benchmarks measured, with their sample sizes: the engine blends
// them with the catalog's figures by how many items and calls stand behind them (the newest benchmark of each
// model counts; the results name the benchmark), and the owner's SELF_HOSTED deployments with a measured
// capacity, each a candidate of its own.
func (s *Service) simulationOptions(ctx context.Context, sc *ent.Scenario) (simulation.Options, error) {
	opts := simulation.Options{AsOf: s.now().UTC().Format(time.DateOnly), Measured: map[string]simulation.Measured{}}
	hosted, err := s.measuredDeployments(ctx, sc.OwnerID)
	if err != nil {
		return opts, err
	}
	opts.SelfHosted = hosted
	done, err := s.ent(ctx).Benchmark.Query().
		Where(entbenchmark.OwnerID(sc.OwnerID), entbenchmark.StatusEQ(entbenchmark.StatusCOMPLETED), entbenchmark.ResultsNotNil()).
		Order(ent.Desc(entbenchmark.FieldFinishedAt)).Limit(200).All(privacy.DecisionContext(ctx, privacy.Allow))
	if err != nil {
		return opts, err
	}
	for _, b := range done {
		for _, sc := range b.Results.Models {
			id := s.Catalog.CanonicalID(sc.Model) // openai/gpt-5@minimal measures the openai/gpt-5 row
			if _, seen := opts.Measured[id]; seen || sc.Items == 0 {
				continue
			}
			m := simulation.Measured{BenchmarkID: gid.Encode(b.ID), Items: sc.Items, Samples: sc.Latency.Count, Accuracy: ptr(sc.Accuracy)}
			if sc.Latency.Count > 0 {
				m.LatencyP50Millis, m.LatencyP95Millis = ptr(ms(sc.Latency.P50)), ptr(ms(sc.Latency.P95))
			}
			if sc.TTFT.Count > 0 {
				m.TTFTMillis = ptr(ms(sc.TTFT.P50))
			}
			if sc.OutputTokensPerSecond > 0 {
				m.OutputTokensPerSecond = ptr(sc.OutputTokensPerSecond)
			}
			opts.Measured[id] = m
		}
	}
	return opts, nil
}

// maxSelfHosted bounds the measured deployments one simulation ranks (the oldest first).
const maxSelfHosted = 50

// measuredDeployments are owner's SELF_HOSTED deployments, not TERMINATED, whose model server a SWEEP load
// test measured, as the simulation takes them.
func (s *Service) measuredDeployments(ctx context.Context, owner int) ([]simulation.SelfHosted, error) {
	deps, err := s.ent(ctx).Deployment.Query().
		Where(entdeployment.OwnerID(owner), entdeployment.ProviderEQ(entdeployment.ProviderSELF_HOSTED),
			entdeployment.StatusNEQ(entdeployment.StatusTERMINATED), entdeployment.MeasuredCapacityNotNil()).
		Order(ent.Asc(entdeployment.FieldID)).Limit(maxSelfHosted).All(privacy.DecisionContext(ctx, privacy.Allow))
	if err != nil {
		return nil, err
	}
	var out []simulation.SelfHosted
	for _, d := range deps {
		mc := d.MeasuredCapacity
		out = append(out, simulation.SelfHosted{DeploymentID: gid.Encode(d.ID), Model: d.ModelName, InstanceType: deref(d.Config.InstanceType),
			Region: d.Region, Service: *mc.Service(), LoadTestID: gid.Encode(mc.LoadTestID), MeasuredAt: mc.MeasuredAt.UTC().Format(time.DateOnly)})
	}
	return out, nil
}

func ptr[T any](v T) *T { return &v }

func ms(d time.Duration) float64 { return float64(d) / float64(time.Millisecond) }

// nonNil keeps a JSON list column a list ([]) rather than null.
func nonNil[T any](s []T) []T {
	if s == nil {
		return []T{}
	}
	return s
}
