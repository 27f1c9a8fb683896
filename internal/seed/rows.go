package seed

import (
	"fmt"
	"math/rand/v2"
	"strings"
	"sync"
	"time"

	"github.com/shopspring/decimal"

	"github.com/modelarchitect/architect/ent"
	"github.com/modelarchitect/architect/internal/catalog"
	"github.com/modelarchitect/architect/internal/compliance"
	"github.com/modelarchitect/architect/internal/explain"
	"github.com/modelarchitect/architect/internal/model"
	"github.com/modelarchitect/architect/internal/viewer"
)

// person is one seeded user's plan: its random stream and the facts later rows depend on.
type person struct {
	r       *rand.Rand
	id      int
	joined  time.Time
	role    viewer.Role
	first   string
	last    string
	index   int
	scenIDs []int       // the user's Scenarios, in creation order
	simAt   []time.Time // when each simulated Scenario (the first len(simAt)) was last simulated
	simFrom []time.Time // when each simulated Scenario was created
	simPool []int       // which pool entry each simulated Scenario uses
}

// world holds what every row draws from.
type world struct {
	now       time.Time
	hash      string
	cat       *catalog.Catalog
	rules     *compliance.RuleSet
	fits      []fit
	estimates sync.Map        // deployment request key → estimated
	chat      []catalog.Model // hosted chat models, not deprecated
	open      []catalog.Model // open-weights models that run on GPU instances
	pool      []simulated
	simulated int // simulated Scenarios per user
}

func pick[T any](r *rand.Rand, xs []T) T { return xs[r.IntN(len(xs))] }

// weighted returns one of values, each drawn with its weight's share.
func weighted[T any](r *rand.Rand, values []T, weights []int) T {
	total := 0
	for _, w := range weights {
		total += w
	}
	n := r.IntN(total)
	for i, w := range weights {
		if n < w {
			return values[i]
		}
		n -= w
	}
	return values[len(values)-1]
}

// between returns a time uniformly in [from, to).
func between(r *rand.Rand, from, to time.Time) time.Time {
	d := to.Sub(from)
	if d <= 0 {
		return from
	}
	return from.Add(time.Duration(r.Int64N(int64(d)))).Truncate(time.Millisecond)
}

// distinct returns n different elements of xs (n ≤ len(xs)) in random order.
func distinct[T any](r *rand.Rand, xs []T, n int) []T {
	idx := r.Perm(len(xs))[:min(n, len(xs))]
	out := make([]T, len(idx))
	for i, j := range idx {
		out[i] = xs[j]
	}
	return out
}

func ptr[T any](v T) *T { return &v }

func (w *world) user(c *ent.Client, p *person) *ent.UserCreate {
	p.first, p.last = pick(p.r, firstNames), pick(p.r, lastNames)
	p.joined = between(p.r, w.now.AddDate(-1, 0, 0), w.now.AddDate(0, 0, -7))
	p.role = weighted(p.r, []viewer.Role{viewer.RoleFree, viewer.RolePro, viewer.RoleEnterprise}, []int{55, 30, 15})
	email := fmt.Sprintf("%s.%s.%d@example.com", strings.ToLower(p.first), strings.ToLower(p.last), p.index+1)
	return c.User.Create().
		SetEmail(email).
		SetName(p.first + " " + p.last).
		SetPasswordHash(w.hash).
		SetRole(p.role).
		SetCreatedAt(p.joined).
		SetUpdatedAt(p.joined)
}

func (w *world) scenario(c *ent.Client, p *person, j int) *ent.ScenarioCreate {
	created := between(p.r, p.joined, w.now)
	b := c.Scenario.Create().SetOwnerID(p.id).SetCreatedAt(created)
	if j < w.simulated {
		k := p.r.IntN(len(w.pool))
		sim := w.pool[k]
		at := between(p.r, created, w.now)
		p.simAt = append(p.simAt, at)
		p.simFrom = append(p.simFrom, created)
		p.simPool = append(p.simPool, k)
		return b.SetName(workloads[k].task).
			SetConfig(sim.config).
			SetResults(&model.ScenarioResults{ComputedAt: at, Result: sim.result}).
			SetUpdatedAt(at)
	}
	wl := pick(p.r, workloads)
	cfg := wl.config()
	cfg.DataVolume = max(1, int(float64(wl.volume)*(0.25+1.75*p.r.Float64())))
	cfg.ResponseTimeSLA = max(200, int(float64(wl.sla)*(0.5+p.r.Float64())))
	cfg.InputTokens = max(50, int(float64(wl.in)*(0.5+p.r.Float64())))
	cfg.OutputTokens = max(10, int(float64(wl.out)*(0.5+p.r.Float64())))
	cfg.PeakFactor = pick(p.r, []float64{0, 1.5, 2, 3})
	cfg.DataRegions = pick(p.r, regionSets)
	if p.r.IntN(3) == 0 {
		cfg.MonthlyBudget = ptr(decimal.NewFromInt(int64(500 * (1 + p.r.IntN(40)))))
	}
	return b.SetName(wl.task + pick(p.r, scenarioSuffixes)).SetConfig(cfg).SetUpdatedAt(between(p.r, created, w.now))
}

func (w *world) explanation(c *ent.Client, p *person, k, perUser int) *ent.ExplanationCreate {
	s := k % len(p.simAt)
	sim := w.pool[p.simPool[s]]
	ex := sim.explain
	current := k >= perUser-len(p.simAt)
	at := p.simAt[s]
	if !current { // an earlier simulation, between the Scenario's creation and its latest one
		at = at.Add(-time.Duration(perUser-k) * at.Sub(p.simFrom[s]) / time.Duration(perUser+1)).Truncate(time.Millisecond)
	}
	contributions, counterfactuals := ex.Contributions, ex.Counterfactuals
	if contributions == nil {
		contributions = []explain.Contribution{}
	}
	if counterfactuals == nil {
		counterfactuals = []explain.Counterfactual{}
	}
	return c.Explanation.Create().SetOwnerID(p.id).SetScenarioID(p.scenIDs[s]).
		SetWinner(ex.Winner).SetRunnerUp(ex.RunnerUp).SetScoreDifference(ex.ScoreDifference).
		SetFeatureImportance(contributions).SetCounterfactuals(counterfactuals).
		SetReport(ex.Markdown).SetCatalogVersion(ex.CatalogVersion).
		SetResultsComputedAt(at).SetStale(!current).
		SetCreatedAt(at.Add(time.Second)).SetUpdatedAt(at.Add(time.Second))
}
