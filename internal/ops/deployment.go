package ops

import (
	"context"
	"strings"

	"github.com/modelarchitect/architect/ent"
	entdeployment "github.com/modelarchitect/architect/ent/deployment"
	"github.com/modelarchitect/architect/internal/deployment"
	"github.com/modelarchitect/architect/internal/model"
)

// CreateDeployment prices the deployment with the same function as estimateDeployment and saves it. A cloud
// deployment that no instance type can serve is refused with the reasons; a SELF_HOSTED one without an
// instance type is saved with an unknown cost and a note saying why.
func (s *Service) CreateDeployment(ctx context.Context, in ent.CreateDeploymentInput) (*ent.Deployment, error) {
	cost, err := s.costDeployment(in.ModelName, in.Provider, deref(in.Region), in.Config)
	if err != nil {
		return nil, err
	}
	c := s.ent(ctx).Deployment.Create().SetInput(in).SetCostNote(cost.note)
	if cost.plan != nil {
		c.SetEstimatedCost(cost.plan.MonthlyUSD).SetPlan((*model.DeploymentPlan)(cost.plan))
	}
	return c.Save(ctx)
}

// UpdateDeployment applies the fields sent and prices the deployment again.
func (s *Service) UpdateDeployment(ctx context.Context, id int, in ent.UpdateDeploymentInput) (*ent.Deployment, error) {
	cur, err := s.ent(ctx).Deployment.Get(ctx, id)
	if err != nil {
		return nil, err
	}
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
	cost, err := s.costDeployment(name, provider, region, config)
	if err != nil {
		return nil, err
	}
	u := cur.Update().SetInput(in).SetCostNote(cost.note)
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
		Model:        modelName,
		Provider:     deployment.Provider(provider),
		Region:       region,
		Throughput:   cfg.Throughput,
		InstanceType: deref(cfg.InstanceType),
		Replicas:     deref(cfg.Replicas),
	}
	if cfg.LatencySLAMs != nil {
		req.LatencySLAMillis = *cfg.LatencySLAMs
	}
	if req.Provider == deployment.ProviderSelfHosted && req.InstanceType == "" {
		// The team's own server: the model need not be in the catalog, and the cost is unknown.
		return deploymentCost{note: "a SELF_HOSTED deployment runs on your own hardware, which the catalog does not price; " +
			"set config.instanceType (and config.replicas) to a catalog instance type to estimate it at that type's on-demand price"}, nil
	}
	est, err := deployment.Estimate(s.Catalog, req)
	if err != nil {
		return deploymentCost{}, err
	}
	note := est.CostUnknownReason
	if note == "" {
		note = strings.Join(est.Notes, " ")
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
