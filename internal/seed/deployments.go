package seed

import (
	"fmt"
	"strings"

	"github.com/modelarchitect/architect/ent"
	entdeployment "github.com/modelarchitect/architect/ent/deployment"
	"github.com/modelarchitect/architect/internal/catalog"
	"github.com/modelarchitect/architect/internal/deployment"
	"github.com/modelarchitect/architect/internal/model"
)

var deploymentStatuses = []entdeployment.Status{entdeployment.StatusACTIVE, entdeployment.StatusPROVISIONING, entdeployment.StatusFAILED, entdeployment.StatusTERMINATED}

func (w *world) deployment(c *ent.Client, p *person) *ent.DeploymentCreate {
	created := between(p.r, p.joined, w.now)
	status := weighted(p.r, deploymentStatuses, []int{50, 15, 15, 20})
	f := pick(p.r, w.fits)
	replicas := 1 + p.r.IntN(4)
	req := deployment.Request{Model: f.model, Provider: deployment.Provider(f.instance.Provider), Region: f.instance.Region,
		InstanceType: f.instance.Type, Replicas: replicas}
	cfg := model.DeploymentConfig{InstanceType: ptr(f.instance.Type), Replicas: ptr(replicas)}
	if p.r.IntN(7) == 0 { // a team's own model server, priced like a cloud instance half the time
		req.Provider, req.Region = deployment.ProviderSelfHosted, ""
		cfg.Endpoint = ptr(pick(p.r, selfHostedEndpoints))
		if p.r.IntN(2) == 0 {
			req.InstanceType, cfg.InstanceType = "", nil
			req.Throughput = &deployment.Throughput{RequestsPerSecond: 2, InputTokens: 1000, OutputTokens: 300}
			cfg.Throughput = req.Throughput
		}
	}
	b := c.Deployment.Create().SetOwnerID(p.id).SetModelName(f.model).SetStatus(entdeployment.Status(status)).
		SetProvider(entdeployment.Provider(req.Provider)).SetRegion(req.Region).SetConfig(cfg).
		SetCreatedAt(created).SetUpdatedAt(between(p.r, created, w.now))
	if reasons, ok := deploymentReasons[string(status)]; ok {
		b.SetStatusReason(pick(p.r, reasons))
	}
	// The engine's own estimate, as the API stores it.
	est, err := w.estimate(req)
	switch {
	case err != nil:
		b.SetCostNote(err.Error())
	case est.Plan == nil:
		b.SetCostNote(est.CostUnknownReason)
	default:
		b.SetPlan((*model.DeploymentPlan)(est.Plan)).SetEstimatedCost(est.Plan.MonthlyUSD).SetCostNote(strings.Join(est.Notes, " "))
	}
	return b
}

// fit is an open-weights model and a GPU instance type that can serve it.
type fit struct {
	model    string
	instance catalog.Instance
}

// fits lists every open-weights model and instance pair the deployment engine can plan on one replica.
func fits(cat *catalog.Catalog, open []catalog.Model) []fit {
	var out []fit
	for _, m := range open {
		for _, in := range cat.Instances {
			est, err := deployment.Estimate(cat, deployment.Request{Model: m.ID, Provider: deployment.Provider(in.Provider),
				Region: in.Region, InstanceType: in.Type, Replicas: 1})
			if err == nil && est.Plan != nil {
				out = append(out, fit{model: m.ID, instance: in})
			}
		}
	}
	return out
}

// estimate runs the deployment engine once per distinct request (there are a few hundred).
func (w *world) estimate(req deployment.Request) (*deployment.Estimation, error) {
	key := fmt.Sprintf("%s|%s|%s|%s|%d|%v", req.Model, req.Provider, req.Region, req.InstanceType, req.Replicas, req.Throughput != nil)
	if v, ok := w.estimates.Load(key); ok {
		e := v.(estimated)
		return e.est, e.err
	}
	est, err := deployment.Estimate(w.cat, req)
	w.estimates.Store(key, estimated{est, err})
	return est, err
}

type estimated struct {
	est *deployment.Estimation
	err error
}

// explanation explains the user's simulated Scenario k mod S; only the newest explanation of each
// Scenario (the last S) matches its current results, the earlier ones are stale.
