package seed

import (
	"github.com/modelarchitect/architect/ent"
	entexperiment "github.com/modelarchitect/architect/ent/experiment"
	"github.com/modelarchitect/architect/internal/experiment"
	"github.com/modelarchitect/architect/internal/model"
	"github.com/modelarchitect/architect/internal/ops"
)

var experimentStatuses = []entexperiment.Status{entexperiment.StatusDRAFT, entexperiment.StatusRUNNING, entexperiment.StatusCOMPLETED, entexperiment.StatusSTOPPED}

// trial is an experiment drawn for a user, with the aggregated observations it has recorded so far.
type trial struct {
	create       *ent.ExperimentCreate
	observations []observation
}

// observation is one recorded aggregate for a variant and metric.
type observation struct {
	variant, metric string
	binary          *experiment.Binary
	continuous      *experiment.Continuous
}

func (w *world) experiment(c *ent.Client, p *person) trial {
	created := between(p.r, p.joined, w.now)
	idea := pick(p.r, experimentIdeas)
	ms := distinct(p.r, w.chat, 2)
	models := []string{ms[0].ID, ms[1].ID}
	metrics := model.ExperimentMetrics{
		Primary:   model.MetricSpec{Name: idea.primary, Kind: model.MetricKind(idea.primaryKind)},
		Secondary: []model.MetricSpec{},
	}
	for _, sm := range distinct(p.r, secondaryMetrics, p.r.IntN(3)) {
		metrics.Secondary = append(metrics.Secondary, model.MetricSpec{Name: sm.name, Kind: model.MetricKind(sm.kind),
			LowerIsBetter: sm.lowerIsBetter})
	}
	plan := model.ExperimentPlan{Control: models[0]}
	baseline, stdDev := 0.2+0.5*p.r.Float64(), 0.8+0.8*p.r.Float64()
	if metrics.Primary.Kind == model.MetricBinary {
		plan.Baseline, plan.MinimumDetectableEffect, plan.Relative = ptr(round2(baseline)), pick(p.r, []float64{0.05, 0.1, 0.2}), true
	} else {
		plan.StdDev, plan.MinimumDetectableEffect = ptr(round2(stdDev)), pick(p.r, []float64{0.1, 0.2, 0.3})
	}
	var planned int64
	if ss, err := ops.SampleSize(metrics.Primary.Kind, plan.Baseline, plan.StdDev, plan.MinimumDetectableEffect, plan.Relative, 0.95, 0.8); err == nil {
		planned = ss.PerVariant
	}
	status := weighted(p.r, experimentStatuses, []int{25, 35, 30, 10})
	updated := between(p.r, created, w.now)
	t := trial{create: c.Experiment.Create().SetOwnerID(p.id).SetName(idea.name).SetHypothesis(idea.hypothesis).
		SetModels(models).SetMetrics(metrics).SetPlan(plan).SetPlannedSampleSize(planned).SetStatus(status).
		SetCreatedAt(created).SetUpdatedAt(updated)}
	if status == entexperiment.StatusDRAFT {
		return t
	}
	// Units recorded so far: about the plan when completed, part of it otherwise.
	share := 0.1 + 0.8*p.r.Float64()
	if status == entexperiment.StatusCOMPLETED {
		share = 1 + 0.2*p.r.Float64()
	}
	units := max(int64(20), int64(float64(max(planned, 200))*share))
	lift := 1 + (p.r.Float64()-0.4)*0.3 // the treatment's true effect: −12 % to +18 %
	for i, m := range models {
		effect := 1.0
		if i == 1 {
			effect = lift
		}
		n := units + int64(p.r.IntN(int(units/50)+1)) // splits are never exactly even
		for _, spec := range append([]model.MetricSpec{metrics.Primary}, metrics.Secondary...) {
			o := observation{variant: m, metric: spec.Name}
			if spec.Kind == model.MetricBinary {
				rate := min(0.99, baseline*effect)
				o.binary = &experiment.Binary{Trials: n, Conversions: int64(float64(n) * rate * (0.97 + 0.06*p.r.Float64()))}
			} else {
				o.continuous = &experiment.Continuous{Count: n, Mean: round2((3 + p.r.Float64()) * effect), Variance: round2(stdDev * stdDev)}
			}
			t.observations = append(t.observations, o)
		}
	}
	if res, err := analyze(models, metrics, plan, planned, t.observations); err == nil {
		t.create.SetResults(&model.ExperimentResults{ComputedAt: updated, Result: res})
	}
	return t
}

// analyze runs the experiment engine on the observations, as the API does after each recording.
func analyze(models []string, metrics model.ExperimentMetrics, plan model.ExperimentPlan, planned int64, obs []observation) (experiment.Result, error) {
	metric := func(spec model.MetricSpec) experiment.Metric {
		m := experiment.Metric{Name: spec.Name, Kind: experiment.MetricKind(spec.Kind), LowerIsBetter: spec.LowerIsBetter,
			Binary: map[string]experiment.Binary{}, Continuous: map[string]experiment.Continuous{}}
		for _, o := range obs {
			switch {
			case o.metric != spec.Name:
			case o.binary != nil:
				m.Binary[o.variant] = *o.binary
			case o.continuous != nil:
				m.Continuous[o.variant] = *o.continuous
			}
		}
		return m
	}
	in := experiment.Input{Control: plan.Control, PlannedSampleSize: planned, Primary: metric(metrics.Primary)}
	for _, m := range models {
		in.Variants = append(in.Variants, experiment.Variant{Key: m, Weight: 1})
	}
	for _, sm := range metrics.Secondary {
		in.Secondary = append(in.Secondary, metric(sm))
	}
	return experiment.Analyze(in)
}

// assignments are the first exposures of a few units of an experiment under way, assigned as assignVariant
// assigns them (the seeded plans split traffic equally).
func assignments(c *ent.Client, e *ent.Experiment) []*ent.AssignmentCreate {
	if e.Status == entexperiment.StatusDRAFT {
		return nil
	}
	split := make([]float64, len(e.Models))
	for i := range split {
		split[i] = 1
	}
	var out []*ent.AssignmentCreate
	for _, unit := range []string{"user-1", "user-2", "user-3"} {
		v, err := experiment.Assign(ops.AssignmentSeed(e), unit, split)
		if err != nil {
			continue
		}
		out = append(out, c.Assignment.Create().SetOwnerID(e.OwnerID).SetExperimentID(e.ID).SetUnitID(unit).
			SetVariant(e.Models[v]).SetWeights(split).SetAssignedAt(e.CreatedAt).SetCreatedAt(e.CreatedAt).SetUpdatedAt(e.CreatedAt))
	}
	return out
}

func round2(x float64) float64 { return float64(int64(x*100+0.5)) / 100 }
