package ops

import (
	"context"
	"errors"
	"fmt"
	"strings"

	"github.com/shopspring/decimal"

	"github.com/modelarchitect/architect/ent"
	entdeployment "github.com/modelarchitect/architect/ent/deployment"
	entloadtest "github.com/modelarchitect/architect/ent/loadtest"
	"github.com/modelarchitect/architect/internal/apperr"
	"github.com/modelarchitect/architect/internal/benchmark"
	"github.com/modelarchitect/architect/internal/ledger"
	"github.com/modelarchitect/architect/internal/loadtest"
	"github.com/modelarchitect/architect/internal/model"
	"github.com/modelarchitect/architect/internal/workers"
)

// LoadTestDraft is what a client sends to create a load test: a target (Model or DeploymentID) and a plan.
type LoadTestDraft struct {
	Name         string
	Model        *string
	DeploymentID *int
	Plan         loadtest.Plan
	// PromptsFrom, when set, is a benchmark of the viewer whose dataset inputs become Plan.Prompts.
	PromptsFrom *int
}

// CreateLoadTest checks the target and the plan, prices maxRequests calls and saves a PENDING load test;
// with start it starts at once.
func (s *Service) CreateLoadTest(ctx context.Context, d LoadTestDraft, start bool) (*ent.LoadTest, error) {
	if d.Plan.Burstiness == 0 && d.Plan.Mode != loadtest.ModeConcurrency {
		d.Plan.Burstiness = 1 // Poisson, stored so the plan says it
	}
	if d.PromptsFrom != nil {
		if len(d.Plan.Prompts) > 0 {
			return nil, apperr.Input("promptsFromBenchmark", "give the prompts as plan.prompts or promptsFromBenchmark, not both")
		}
		b, err := s.ent(ctx).Benchmark.Get(ctx, *d.PromptsFrom)
		if ent.IsNotFound(err) {
			return nil, apperr.Missing("benchmark")
		} else if err != nil {
			return nil, err
		}
		for _, it := range b.Dataset {
			d.Plan.Prompts = append(d.Plan.Prompts, it.Input)
		}
	}
	if err := planErr(d.Plan.Validate()); err != nil {
		return nil, err
	}
	c := s.ent(ctx).LoadTest.Create().SetName(d.Name).SetPlan(model.LoadTestPlan(d.Plan))
	switch {
	case (d.Model == nil) == (d.DeploymentID == nil):
		return nil, apperr.Input("model", "give the target as model (provider/model) or as deploymentId, exactly one of them")
	case d.Model != nil:
		if err := s.checkProviderTarget(*d.Model, d.Plan); err != nil {
			return nil, err
		}
		c.SetModel(*d.Model)
		cost, note := s.loadTestCost(*d.Model, d.Plan)
		c.SetNillableEstimatedCost(cost).SetCostNote(note)
	default:
		dep, err := s.loadTestDeployment(ctx, *d.DeploymentID)
		if err != nil {
			return nil, err
		}
		c.SetDeploymentID(dep.ID).SetCostNote("the deployment's own model server: its calls are not priced per token")
	}
	lt, err := c.Save(ctx)
	if err != nil || !start {
		return lt, err
	}
	return s.StartLoadTest(ctx, lt.ID)
}

// planErr names a plan's field as the client wrote it: plan.rates, plan.slo[1].thresholdMs.
func planErr(err error) error {
	var ve *loadtest.ValidationError
	if errors.As(err, &ve) {
		return apperr.Input("plan."+ve.Field, "plan.%s: %s", ve.Field, ve.Reason)
	}
	return err
}

// checkProviderTarget refuses a model without a configured provider, and a maxConcurrency above the
// provider's configured cap (a load test must not exceed what the operator allows in flight).
func (s *Service) checkProviderTarget(modelID string, p loadtest.Plan) error {
	cfg, err := s.Providers.Config(modelID)
	if err != nil {
		return apperr.Input("model", "%s", err)
	}
	var ve *loadtest.ValidationError
	if err := p.CheckMaxConcurrency(cfg.EffectiveConcurrency()); errors.As(err, &ve) {
		return apperr.Input("plan."+ve.Field, "plan.%s is %d: it %s: %s (its %s_CONCURRENCY setting)", ve.Field, p.MaxConcurrency, ve.Reason,
			cfg.Name, strings.ToUpper(strings.ReplaceAll(cfg.Name, "-", "_")))
	}
	return nil
}

// loadTestDeployment reads a deployment of the viewer that can be load-tested: SELF_HOSTED with an endpoint,
// not TERMINATED. Another user's deployment is NOT_FOUND, as everywhere.
func (s *Service) loadTestDeployment(ctx context.Context, id int) (*ent.Deployment, error) {
	dep, err := s.ent(ctx).Deployment.Get(ctx, id)
	if ent.IsNotFound(err) {
		return nil, apperr.Missing("deployment")
	}
	if err != nil {
		return nil, err
	}
	switch {
	case dep.Provider != entdeployment.ProviderSELF_HOSTED || dep.Config.Endpoint == nil:
		return nil, apperr.Input("deploymentId", "deployment %d runs on %s: only a SELF_HOSTED deployment has an endpoint to load-test", dep.ID, dep.Provider)
	case dep.Status == entdeployment.StatusTERMINATED:
		return nil, apperr.Input("deploymentId", "deployment %d is TERMINATED", dep.ID)
	}
	return dep, nil
}

// loadTestCost prices maxRequests calls of the plan's mean lengths at the model's catalog prices.
func (s *Service) loadTestCost(modelID string, p loadtest.Plan) (*decimal.Decimal, string) {
	m, err := s.Catalog.Model(modelID)
	if err != nil {
		return nil, "the catalog has no price for " + modelID + ": the cost is unknown, not zero"
	}
	in, out := loadtest.EstimateTokens(p)
	cost := benchmark.CallCost(m, benchmark.Usage{InputTokens: in, OutputTokens: out}).Round(6)
	return &cost, fmt.Sprintf("at most: %d requests × the mean prompt and output bound (%d input, %d output tokens in all), at catalog prices of %s",
		p.MaxRequests, in, out, s.Catalog.Version)
}

// StartLoadTest moves a PENDING load test to RUNNING, reserves maxRequests calls on the owner's ledger for
// today (RATE_LIMITED when they do not fit the daily quota, shared with benchmarks) and enqueues its one job
// in the same transaction.
func (s *Service) StartLoadTest(ctx context.Context, id int) (*ent.LoadTest, error) {
	c := s.ent(ctx)
	lt, err := workers.LockLoadTest(ctx, c, id)
	if err != nil {
		return nil, err
	}
	s.pause(ctx, "startLoadTest")
	if lt.Status != entloadtest.StatusPENDING {
		return nil, apperr.Input("id", "the load test is %s: only a PENDING load test can start", lt.Status)
	}
	p := loadtest.Plan(lt.Plan)
	if lt.Model != nil {
		if err := s.checkProviderTarget(*lt.Model, p); err != nil {
			return nil, err
		}
	} else {
		if lt.DeploymentID == nil {
			return nil, apperr.Input("id", "the load test's deployment was deleted: create a new load test")
		}
		dep, err := s.loadTestDeployment(ctx, *lt.DeploymentID)
		if err != nil {
			return nil, err
		}
		if dep.Status != entdeployment.StatusACTIVE {
			return nil, apperr.Input("id", "deployment %d is %s: start the load test once it is ACTIVE", dep.ID, dep.Status)
		}
	}
	now := s.now().UTC()
	day := ledger.Day(now)
	if err := s.reserveCalls(ctx, ledger.Key{Owner: lt.OwnerID, Day: day, Kind: ledger.LoadTest}, p.MaxRequests, now, "this load test (maxRequests)"); err != nil {
		return nil, err
	}
	lt, err = lt.Update().Where(entloadtest.StatusEQ(entloadtest.StatusPENDING)).SetStatus(entloadtest.StatusRUNNING).
		SetStartedAt(now).SetQuotaDay(day).SetQuotaHeld(p.MaxRequests).ClearError().ClearFinishedAt().Save(ctx)
	if err != nil {
		return nil, err
	}
	return lt, s.Jobs.Enqueue(ctx, workers.LoadTestArgs{LoadTestID: lt.ID}, nil)
}

// CancelLoadTest stops a PENDING or RUNNING load test: its job sees the status at its next progress save
// (within a second) and stops; the result so far is kept and the calls it would still have made go back to
// the quota.
func (s *Service) CancelLoadTest(ctx context.Context, id int) (*ent.LoadTest, error) {
	c := s.ent(ctx)
	lt, err := workers.LockLoadTest(ctx, c, id)
	if err != nil {
		return nil, err
	}
	s.pause(ctx, "cancelLoadTest")
	if lt.Status != entloadtest.StatusPENDING && lt.Status != entloadtest.StatusRUNNING {
		return nil, apperr.Input("id", "the load test is %s: only a PENDING or RUNNING load test can be cancelled", lt.Status)
	}
	return workers.EndLoadTest(ctx, c, lt, entloadtest.StatusCANCELLED, func(u *ent.LoadTestUpdateOne) { u.SetFinishedAt(s.now().UTC()) })
}

// DeleteLoadTest deletes a load test; a running one's job finds it gone and stops. Calls it made stay counted.
func (s *Service) DeleteLoadTest(ctx context.Context, id int) (int, error) {
	c := s.ent(ctx)
	lt, err := workers.LockLoadTest(ctx, c, id)
	if err != nil {
		return 0, err
	}
	s.pause(ctx, "deleteLoadTest")
	if err := ledger.Settle(ctx, c, workers.LoadTestQuotaKey(lt), 0, lt.QuotaHeld); err != nil {
		return 0, err
	}
	return id, c.LoadTest.DeleteOne(lt).Exec(ctx)
}

// CompareLoadTests sets two of the viewer's load tests side by side, b against a.
func (s *Service) CompareLoadTests(ctx context.Context, a, b int) (*ent.LoadTest, *ent.LoadTest, loadtest.Comparison, error) {
	c := s.ent(ctx)
	la, err := c.LoadTest.Get(ctx, a)
	if err != nil {
		return nil, nil, loadtest.Comparison{}, err
	}
	lb, err := c.LoadTest.Get(ctx, b)
	if err != nil {
		return nil, nil, loadtest.Comparison{}, err
	}
	if la.Result == nil || lb.Result == nil {
		return nil, nil, loadtest.Comparison{}, apperr.Input("b", "both load tests need results: a has %s, b has %s", resultState(la), resultState(lb))
	}
	ra, rb := loadtest.Result(*la.Result), loadtest.Result(*lb.Result)
	ra.Plan, rb.Plan = loadtest.Plan(la.Plan), loadtest.Plan(lb.Plan) // saved results leave the prompts out
	cmp, err := loadtest.Compare(ra, rb)
	if err != nil {
		return nil, nil, loadtest.Comparison{}, apperr.Input("b", "%s", err)
	}
	return la, lb, cmp, nil
}

func resultState(l *ent.LoadTest) string {
	if l.Result == nil {
		return "none (" + string(l.Status) + ")"
	}
	return fmt.Sprintf("%d steps", len(l.Result.Steps))
}
