package seed

import (
	"fmt"
	"sync"

	"golang.org/x/sync/errgroup"

	"github.com/modelarchitect/architect/internal/catalog"
	"github.com/modelarchitect/architect/internal/explain"
	"github.com/modelarchitect/architect/internal/model"
	"github.com/modelarchitect/architect/internal/simulation"
)

// simulated is one workload run through the real simulation and explanation engines. Seeding reuses a
// handful of them for every simulated Scenario and its Explanations: each costs a few hundred milliseconds,
// too much to repeat for thousands of rows.
type simulated struct {
	config  model.ScenarioConfig
	result  simulation.Result
	explain *explain.Explanation
}

// pools remembers simulated pools by catalog version and date, so repeated seeding in one process (tests)
// simulates once.
var pools sync.Map

// simulatePool simulates and explains each entry of workloads, in parallel.
func simulatePool(cat *catalog.Catalog, asOf string) ([]simulated, error) {
	key := cat.Version + "@" + asOf
	if p, ok := pools.Load(key); ok {
		return p.([]simulated), nil
	}
	out := make([]simulated, len(workloads))
	var g errgroup.Group
	g.SetLimit(2)
	for i, w := range workloads {
		g.Go(func() error {
			cfg := w.config()
			res, err := simulation.Simulate(cat, cfg.Workload(), simulation.Options{AsOf: asOf})
			if err != nil {
				return fmt.Errorf("simulate %q: %w", w.task, err)
			}
			ex, err := explain.Explain(explain.Input{Catalog: cat, Workload: cfg.Workload(), Options: simulation.Options{AsOf: asOf}, Result: res})
			if err != nil {
				return fmt.Errorf("explain %q: %w", w.task, err)
			}
			out[i] = simulated{config: cfg, result: *res, explain: ex}
			return nil
		})
	}
	if err := g.Wait(); err != nil {
		return nil, err
	}
	pools.Store(key, out)
	return out, nil
}

// config is the workload as a Scenario stores it.
func (w workload) config() model.ScenarioConfig {
	return model.ScenarioConfig{
		TaskComplexity:  model.Complexity(w.complexity),
		DataVolume:      w.volume,
		ResponseTimeSLA: w.sla,
		InputTokens:     w.in,
		OutputTokens:    w.out,
	}
}
