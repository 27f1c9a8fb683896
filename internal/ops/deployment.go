package ops

import (
	"context"
	"strings"
	"time"

	"github.com/modelarchitect/architect/ent"
	entdeployment "github.com/modelarchitect/architect/ent/deployment"
	"github.com/modelarchitect/architect/internal/apperr"
	"github.com/modelarchitect/architect/internal/deployment"
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
	cost, err := s.costDeployment(in.ModelName, in.Provider, deref(in.Region), in.Config)
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
	cost, err := s.costDeployment(name, provider, region, config)
	if err != nil {
		return nil, err
	}
	u := cur.Update().Where(entdeployment.StatusEQ(cur.Status)).SetInput(in).SetCostNote(cost.note)
	if cost.plan != nil {
		u.SetEstimatedCost(cost.plan.MonthlyUSD).SetPlan((*model.DeploymentPlan)(cost.plan))
	} else {
		u.ClearEstimatedCost().ClearPlan()
	}
	return u.Save(ctx)
}

type deploymentCost struct {
	plan *deployment.Plan
	note string
}

func (s *Service) costDeployment(modelName string, provider entdeployment.Provider, region string, cfg model.DeploymentConfig) (deploymentCost, error) {
	req := deployment.Request{
		Model:           modelName,
		Provider:        deployment.Provider(provider),
		Region:          region,
		Throughput:      cfg.Throughput,
		InstanceType:    deref(cfg.InstanceType),
		Replicas:        deref(cfg.Replicas),
		KVBytesPerToken: deref(cfg.KVBytesPerToken),
	}
	if cfg.LatencySLAMs != nil {
		req.LatencySLAMillis = *cfg.LatencySLAMs
	}
	req.SLAPercentile = deref(cfg.SLAPercentile)
	if req.Provider == deployment.ProviderSelfHosted && req.InstanceType == "" {
		// The team's own server: the model need not be in the catalog, and the cost is unknown.
		return deploymentCost{note: "a SELF_HOSTED deployment runs on your own hardware, which the catalog does not price; " +
			"set config.instanceType (and config.replicas) to a catalog instance type to estimate it at that type's on-demand price"}, nil
	}
	est, err := s.EstimateDeployment(req)
	if err != nil {
		return deploymentCost{}, err
	}
	note := est.CostUnknownReason
	if note == "" {
		note = strings.Join(est.Notes, "; ")
	}
	return deploymentCost{plan: est.Plan, note: note}, nil
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
func (s *Service) EstimateDeployment(req deployment.Request) (*deployment.Estimation, error) {
	req.AsOf = s.now().UTC().Format(time.DateOnly)
	return deployment.Estimate(s.Catalog, req)
}
