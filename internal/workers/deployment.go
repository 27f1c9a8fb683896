package workers

import (
	"cmp"
	"context"
	"fmt"
	"strconv"
	"time"

	"github.com/riverqueue/river"

	"github.com/modelarchitect/architect/ent"
	entdeployment "github.com/modelarchitect/architect/ent/deployment"
	"github.com/modelarchitect/architect/internal/deployment"
)

type rolloutWorker struct {
	river.WorkerDefaults[DeploymentRolloutArgs]
	d *Deps
}

// Work asks the deployment's driver whether it is up: READY → ACTIVE, FAILED → FAILED with the reason,
// still PENDING → ask again after RolloutPoll, until RolloutTimeout has passed since the rollout began.
func (w *rolloutWorker) Work(ctx context.Context, job *river.Job[DeploymentRolloutArgs]) error {
	sys := system(ctx)
	d, err := w.d.Client.Deployment.Get(sys, job.Args.DeploymentID)
	if err != nil || d.Status != entdeployment.StatusPROVISIONING {
		return ignoreNotFound(err) // deleted, terminated, or already settled
	}
	drv, ok := w.d.Drivers[string(d.Provider)]
	if !ok {
		return transition(sys, w.d, d, deployment.Result{Outcome: deployment.OutcomeFailed, Reason: fmt.Sprintf(
			"this installation has no driver for %s deployments (the built-in endpoint driver serves SELF_HOSTED; cloud drivers plug in beside it)", d.Provider)})
	}
	res, err := drv.Provision(ctx, target(d))
	if err != nil {
		res = deployment.Result{Outcome: deployment.OutcomePending, Reason: err.Error()}
	}
	res = deployment.WithDeadline(res, job.Args.Since, w.d.now(), cmp.Or(w.d.RolloutTimeout, 5*time.Minute))
	if res.Outcome == deployment.OutcomePending {
		return river.JobSnooze(cmp.Or(w.d.RolloutPoll, 2*time.Second))
	}
	return transition(sys, w.d, d, res)
}

type healthWorker struct {
	river.WorkerDefaults[HealthCheckArgs]
	d *Deps
}

// Work checks every ACTIVE deployment and fails the ones whose driver says they stopped serving.
func (w *healthWorker) Work(ctx context.Context, _ *river.Job[HealthCheckArgs]) error {
	sys := system(ctx)
	active, err := w.d.Client.Deployment.Query().Where(entdeployment.StatusEQ(entdeployment.StatusACTIVE)).All(sys)
	if err != nil {
		return err
	}
	for _, d := range active {
		drv, ok := w.d.Drivers[string(d.Provider)]
		if !ok {
			continue
		}
		res, err := drv.Check(ctx, target(d))
		if err != nil {
			continue // the driver could not tell; keep the status and ask next time
		}
		if res.Outcome == deployment.OutcomeFailed {
			if err := transition(sys, w.d, d, res); err != nil {
				return err
			}
		}
	}
	return nil
}

// transition moves a deployment to the driver's outcome if its lifecycle allows it from the status the row
// has once locked (the driver was asked about the status it had before).
func transition(ctx context.Context, d *Deps, dep *ent.Deployment, r deployment.Result) error {
	return d.DB.InTx(ctx, func(ctx context.Context) error {
		c := ent.FromContext(ctx)
		cur, err := c.Deployment.Query().Where(entdeployment.ID(dep.ID)).LockForUpdate().Only(ctx)
		if err != nil || cur.Status != dep.Status {
			return ignoreNotFound(err) // deleted, or e.g. terminated meanwhile: the outcome no longer applies
		}
		next, err := deployment.Next(deployment.Status(cur.Status), r)
		if err != nil || next == deployment.Status(cur.Status) {
			return nil
		}
		return c.Deployment.UpdateOne(cur).Where(entdeployment.StatusEQ(cur.Status)).
			SetStatus(entdeployment.Status(next)).SetStatusReason(r.Reason).Exec(ctx)
	})
}

func target(d *ent.Deployment) deployment.Target {
	t := deployment.Target{DeploymentID: strconv.Itoa(d.ID), Provider: deployment.Provider(d.Provider), Region: d.Region, Model: d.ModelName}
	if d.Config.Endpoint != nil {
		t.Config.Endpoint = *d.Config.Endpoint
	}
	if d.Config.InstanceType != nil {
		t.Config.InstanceType = *d.Config.InstanceType
	}
	if d.Config.Replicas != nil {
		t.Config.Replicas = *d.Config.Replicas
	}
	return t
}
