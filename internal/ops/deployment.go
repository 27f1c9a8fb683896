package ops

import (
	"context"
	"errors"
	"fmt"
	"math"
	"strings"
	"time"

	"github.com/modelarchitect/architect/ent"
	entdeployment "github.com/modelarchitect/architect/ent/deployment"
	entloadtest "github.com/modelarchitect/architect/ent/loadtest"
	"github.com/modelarchitect/architect/internal/apperr"
	"github.com/modelarchitect/architect/internal/deployment"
	"github.com/modelarchitect/architect/internal/gid"
	"github.com/modelarchitect/architect/internal/loadtest"
	"github.com/modelarchitect/architect/internal/model"
	"github.com/modelarchitect/architect/internal/workers"
)

// DeploymentConfig holds the deployment settings.
type DeploymentConfig struct {
	// Endpoints decides which model-server endpoints the server may call (ENDPOINT_ALLOWLIST).
	Endpoints deployment.Policy
}

// CreateDeployment prices the deployment with the same function as estimateDeployment, checks a
// SELF_HOSTED endpoint against the operator's allow-list, saves it PROVISIONING and enqueues its rollout in
// the same transaction. A cloud deployment that no instance type can serve is refused with the reasons; a
// SELF_HOSTED one without an instance type is saved with an unknown cost and a note saying why.
func (s *Service) CreateDeployment(ctx context.Context, in ent.CreateDeploymentInput) (*ent.Deployment, error) {
	if err := s.checkEndpoint(ctx, in.Provider, in.Config); err != nil {
		return nil, err
	}
	cost, err := s.costDeployment(in.ModelName, in.Provider, deref(in.Region), in.Config, nil)
	if err != nil {
		return nil, err
	}
	c := s.ent(ctx).Deployment.Create().SetInput(in).SetCostNote(cost.note)
	if cost.plan != nil {
		c.SetEstimatedCost(cost.plan.MonthlyUSD).SetPlan((*model.DeploymentPlan)(cost.plan))
	}
	d, err := c.Save(ctx)
	if err != nil {
		return nil, err
	}
	return d, s.rollout(ctx, d)
}

func (s *Service) checkEndpoint(ctx context.Context, provider entdeployment.Provider, cfg model.DeploymentConfig) error {
	if provider != entdeployment.ProviderSELF_HOSTED {
		return nil
	}
	if cfg.Endpoint == nil || *cfg.Endpoint == "" {
		return apperr.Input("config.endpoint", "a SELF_HOSTED deployment needs config.endpoint: the base URL of your OpenAI-compatible model server")
	}
	_, err := s.Deployments.Endpoints.CheckEndpoint(ctx, *cfg.Endpoint)
	return err
}

// rollout enqueues the job that brings a PROVISIONING deployment up.
func (s *Service) rollout(ctx context.Context, d *ent.Deployment) error {
	return s.Jobs.Enqueue(ctx, workers.DeploymentRolloutArgs{DeploymentID: d.ID, Since: s.now().UTC()}, nil)
}

// lockDeployment reads deployment id and locks it until the transaction of ctx ends.
func (s *Service) lockDeployment(ctx context.Context, id int) (*ent.Deployment, error) {
	return s.ent(ctx).Deployment.Query().Where(entdeployment.ID(id)).LockForUpdate().Only(ctx)
}

// TerminateDeployment ends a deployment (PROVISIONING, ACTIVE or FAILED → TERMINATED, which is final). The
// built-in endpoint driver has nothing to tear down; cloud drivers would release their instances here.
func (s *Service) TerminateDeployment(ctx context.Context, id int) (*ent.Deployment, error) {
	return s.actOnDeployment(ctx, id, deployment.ActionTerminate)
}

// RedeployDeployment starts a FAILED deployment's rollout again (FAILED → PROVISIONING).
func (s *Service) RedeployDeployment(ctx context.Context, id int) (*ent.Deployment, error) {
	return s.actOnDeployment(ctx, id, deployment.ActionRedeploy)
}

func (s *Service) actOnDeployment(ctx context.Context, id int, a deployment.Action) (*ent.Deployment, error) {
	d, err := s.lockDeployment(ctx, id)
	if err != nil {
		return nil, err
	}
	s.pause(ctx, strings.ToLower(string(a))+"Deployment")
	next, err := deployment.Apply(deployment.Status(d.Status), a)
	if err != nil {
		return nil, apperr.Input("id", "%s", err)
	}
	reason := "terminated by its owner"
	if a == deployment.ActionRedeploy {
		if err := s.checkEndpoint(ctx, d.Provider, d.Config); err != nil {
			return nil, err
		}
		reason = "redeploying"
	}
	d, err = d.Update().Where(entdeployment.StatusEQ(d.Status)).SetStatus(entdeployment.Status(next)).SetStatusReason(reason).Save(ctx)
	if err != nil {
		return nil, err
	}
	if a == deployment.ActionRedeploy {
		return d, s.rollout(ctx, d)
	}
	return d, nil
}

// UpdateDeployment applies the fields sent and prices the deployment again.
func (s *Service) UpdateDeployment(ctx context.Context, id int, in ent.UpdateDeploymentInput) (*ent.Deployment, error) {
	cur, err := s.lockDeployment(ctx, id)
	if err != nil {
		return nil, err
	}
	s.pause(ctx, "updateDeployment")
	name, provider, region, config := cur.ModelName, cur.Provider, cur.Region, cur.Config
	if in.ModelName != nil {
		name = *in.ModelName
	}
	if in.Provider != nil {
		provider = *in.Provider
	}
	if in.Region != nil {
		region = *in.Region
	}
	if in.Config != nil {
		config = *in.Config
	}
	if in.Config != nil && cur.Status != entdeployment.StatusPROVISIONING && cur.Status != entdeployment.StatusFAILED {
		// A running deployment's endpoint is checked by its health job; changing it needs a redeploy.
		if cfgEndpoint(cur.Config) != cfgEndpoint(config) {
			return nil, apperr.Input("config.endpoint", "the deployment is %s: terminate it and create a new one to change its endpoint", cur.Status)
		}
	}
	if err := s.checkEndpoint(ctx, provider, config); err != nil {
		return nil, err
	}
	// A measured capacity is of the model server as tested: another model or endpoint voids it.
	measured := cur.MeasuredCapacity
	if measured != nil && (name != cur.ModelName || cfgEndpoint(config) != cfgEndpoint(cur.Config)) {
		measured = nil
	}
	cost, err := s.costDeployment(name, provider, region, config, measured)
	if err != nil {
		return nil, err
	}
	u := cur.Update().Where(entdeployment.StatusEQ(cur.Status)).SetInput(in)
	if measured == nil && cur.MeasuredCapacity != nil {
		u.ClearMeasuredCapacity().SetMeasuredCapacityNote(fmt.Sprintf("the capacity measured by %s was dropped: the model or endpoint changed since; %s",
			cur.MeasuredCapacity.Provenance, model.NoMeasuredCapacity))
	}
	setCost(u, cost)
	return u.Save(ctx)
}

// setCost writes a deployment's plan, cost and cost note (clearing the plan and cost when it has none).
func setCost(u *ent.DeploymentUpdateOne, cost deploymentCost) {
	u.SetCostNote(cost.note)
	if cost.plan != nil {
		u.SetEstimatedCost(cost.plan.MonthlyUSD).SetPlan((*model.DeploymentPlan)(cost.plan))
	} else {
		u.ClearEstimatedCost().ClearPlan()
	}
}

type deploymentCost struct {
	plan *deployment.Plan
	note string
}

// costDeployment prices a deployment's settings; a SELF_HOSTED one with a measured capacity is sized on it.
// A SELF_HOSTED one without an instance type has no plan: its note says so, and what its measured capacity
// needs for the configured load (Deployment.sizing).
func (s *Service) costDeployment(modelName string, provider entdeployment.Provider, region string, cfg model.DeploymentConfig,
	measured *model.MeasuredCapacity) (deploymentCost, error) {
	req := deploymentRequest(modelName, provider, region, cfg, measured)
	if code, why := deployment.Unpriced(s.Catalog, req); code == deployment.CostNoInstanceType {
		// The team's own server: the model need not be in the catalog, and the cost is unknown.
		if req.Measured != nil && req.Throughput != nil {
			if p, err := deployment.SizeMeasured(req); err == nil {
				why += fmt.Sprintf("; sized on the capacity measured by %s, the load needs %d replicas of %d slots (sizing)", req.Measured.Provenance,
					p.Replicas, req.Measured.SlotsPerReplica)
			} else {
				why += fmt.Sprintf("; the capacity measured by %s cannot serve the load: %s", req.Measured.Provenance, err)
			}
		}
		return deploymentCost{note: why}, nil
	}
	est, err := s.estimate(req)
	if err != nil {
		return deploymentCost{}, err
	}
	note := est.CostUnknownReason
	if note == "" {
		note = strings.Join(est.Notes, "; ")
	}
	return deploymentCost{plan: est.Plan, note: note}, nil
}

// deploymentRequest is what a deployment's settings ask of the planner.
func deploymentRequest(modelName string, provider entdeployment.Provider, region string, cfg model.DeploymentConfig,
	measured *model.MeasuredCapacity) deployment.Request {
	req := deployment.Request{
		Model:           modelName,
		Provider:        deployment.Provider(provider),
		Region:          region,
		Throughput:      cfg.Throughput,
		InstanceType:    deref(cfg.InstanceType),
		Replicas:        deref(cfg.Replicas),
		KVBytesPerToken: deref(cfg.KVBytesPerToken),
	}
	if provider == entdeployment.ProviderSELF_HOSTED {
		req.Measured = measured.Service()
	}
	if cfg.LatencySLAMs != nil {
		req.LatencySLAMillis = *cfg.LatencySLAMs
	}
	req.SLAPercentile = deref(cfg.SLAPercentile)
	return req
}

// DeploymentSizing is what a SELF_HOSTED deployment's configured load needs on its measured capacity,
// priced or not: nil without a measured capacity, without config.throughput, or when the measured server
// cannot serve the load (its cost note says why). Without an instance type the replicas are sized, never
// the configured ones (a replica count needs an instance type).
func (s *Service) DeploymentSizing(d *ent.Deployment) *deployment.Plan {
	req := deploymentRequest(d.ModelName, d.Provider, d.Region, d.Config, d.MeasuredCapacity)
	if req.Measured == nil || req.Throughput == nil {
		return nil
	}
	if req.InstanceType == "" {
		req.Replicas = 0
	}
	p, err := deployment.SizeMeasured(req)
	if err != nil {
		return nil
	}
	return p
}

// DeploymentCostUnknown says in a word why a deployment has no price; nil when it can have one.
func (s *Service) DeploymentCostUnknown(d *ent.Deployment) *deployment.CostUnknown {
	code, _ := deployment.Unpriced(s.Catalog, deploymentRequest(d.ModelName, d.Provider, d.Region, d.Config, nil))
	if code == "" {
		return nil
	}
	return &code
}

// DeleteDeployment deletes a deployment; its load tests stay, without it. It locks the deployment first and
// its load tests only then (through the foreign key's ON DELETE SET NULL): the order every path that locks
// both takes, so that it cannot deadlock with a load test finishing at that moment (workers.loadTestWorker).
func (s *Service) DeleteDeployment(ctx context.Context, id int) error {
	d, err := s.lockDeployment(ctx, id)
	if err != nil {
		return err
	}
	s.pause(ctx, "deleteDeployment")
	return s.ent(ctx).Deployment.DeleteOne(d).Exec(ctx)
}

func deref[T any](p *T) T {
	var zero T
	if p == nil {
		return zero
	}
	return *p
}

func cfgEndpoint(c model.DeploymentConfig) string { return deref(c.Endpoint) }

// EstimateDeployment plans a deployment on the catalog as of today (so that old instance prices are flagged).
// With loadTestID, a SELF_HOSTED plan is sized on the capacity that load test measured; a load test the
// viewer cannot see is NOT_FOUND, one that does not qualify BAD_USER_INPUT with the reason.
func (s *Service) EstimateDeployment(ctx context.Context, req deployment.Request, loadTestID *int) (*deployment.Estimation, error) {
	if loadTestID != nil {
		if req.Provider != deployment.ProviderSelfHosted {
			return nil, apperr.Input("loadTestId", "a load test measures one model server: it sizes a SELF_HOSTED estimate only, not %s", req.Provider)
		}
		mc, err := s.loadTestCapacity(ctx, *loadTestID)
		if err != nil {
			return nil, err
		}
		req.Measured = mc.Service()
	}
	return s.estimate(req)
}

func (s *Service) estimate(req deployment.Request) (*deployment.Estimation, error) {
	req.AsOf = s.now().UTC().Format(time.DateOnly)
	return deployment.Estimate(s.Catalog, req)
}

// loadTestCapacity fits the capacity of the deployment load test id measured.
func (s *Service) loadTestCapacity(ctx context.Context, id int) (*model.MeasuredCapacity, error) {
	lt, err := s.ent(ctx).LoadTest.Query().Where(entloadtest.ID(id)).WithDeployment().Only(ctx)
	if ent.IsNotFound(err) {
		return nil, apperr.Missing("load test")
	}
	if err != nil {
		return nil, err
	}
	mc, err := measuredCapacity(lt, lt.Edges.Deployment)
	var fe *loadtest.FitError
	if errors.As(err, &fe) {
		return nil, apperr.Input("loadTestId", "load test %s: %s", gid.Encode(lt.ID), fe.Reason)
	}
	return mc, err
}

// measuredCapacity fits the capacity of deployment dep (nil: deleted) that load test lt measured, or says
// with a *loadtest.FitError why lt does not qualify.
func measuredCapacity(lt *ent.LoadTest, dep *ent.Deployment) (*model.MeasuredCapacity, error) {
	switch {
	case lt.DeploymentID == nil || dep == nil:
		why := "its target is a provider's model: only a load test of a SELF_HOSTED deployment measures a model server you run"
		if lt.Model == nil {
			why = "its deployment was deleted, so the replicas it fronted are unknown"
		}
		return nil, &loadtest.FitError{Refusal: loadtest.FitNotDeployment, Reason: why}
	case lt.Status != entloadtest.StatusCOMPLETED || lt.Result == nil:
		return nil, &loadtest.FitError{Refusal: loadtest.FitNotCompleted, Reason: fmt.Sprintf("it is %s: only a COMPLETED sweep measures capacity", lt.Status)}
	}
	fit, err := loadtest.FitService(loadtest.Result(*lt.Result))
	if err != nil {
		return nil, err
	}
	at := lt.UpdatedAt
	if lt.FinishedAt != nil {
		at = *lt.FinishedAt
	}
	replicas := max(deref(dep.Config.Replicas), 1)
	return &model.MeasuredCapacity{ServiceModel: fit, LoadTestID: lt.ID, MeasuredAt: at.UTC(), Replicas: replicas,
		SlotsPerReplica: max(1, int(math.Round(float64(fit.Slots)/float64(replicas)))),
		Provenance:      fmt.Sprintf("load test %s (%s) of %s", gid.Encode(lt.ID), lt.Name, at.UTC().Format(time.DateOnly))}, nil
}

// MeasureDeployment runs in the transaction that completes load test lt. When lt is a SWEEP of a deployment,
// the capacity it measured replaces the deployment's (and its plan is sized again on it); a sweep that does
// not qualify leaves the deployment's capacity as it was and says why in its measuredCapacityNote. A plan
// the measured capacity cannot make (the SLA is out of reach) is cleared, and the cost note says why. Only
// a storage error is returned: the load test completes whatever the fit says. The caller has locked the
// deployment before the load test (workers.LockLoadTestTarget), the order DeleteDeployment takes too, so
// deleting the deployment at that moment waits for the completion (or the completion for the deletion,
// which leaves the test without a deployment to measure) instead of deadlocking.
func (s *Service) MeasureDeployment(ctx context.Context, lt *ent.LoadTest) error {
	if lt.DeploymentID == nil || lt.Plan.Mode != loadtest.ModeSweep {
		return nil
	}
	dep, err := s.lockDeployment(ctx, *lt.DeploymentID)
	if ent.IsNotFound(err) {
		return nil
	}
	if err != nil {
		return err
	}
	u := dep.Update()
	mc, err := measuredCapacity(lt, dep)
	var fe *loadtest.FitError
	switch {
	case errors.As(err, &fe):
		note := fmt.Sprintf("load test %s (%s) did not measure the capacity: %s", gid.Encode(lt.ID), lt.Name, fe.Reason)
		if dep.MeasuredCapacity != nil {
			note += "; the capacity measured by " + dep.MeasuredCapacity.Provenance + " stays"
		}
		return u.SetMeasuredCapacityNote(note).Exec(ctx)
	case err != nil:
		return err
	}
	u.SetMeasuredCapacity(mc).SetMeasuredCapacityNote("")
	cost, err := s.costDeployment(dep.ModelName, dep.Provider, dep.Region, dep.Config, mc)
	if err != nil {
		cost = deploymentCost{note: fmt.Sprintf("no plan with the capacity measured by %s: %s", mc.Provenance, err)}
	}
	setCost(u, cost)
	return u.Exec(ctx)
}
