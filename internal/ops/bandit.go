package ops

import (
	"context"
	"fmt"

	"github.com/modelarchitect/architect/ent"
	entexperiment "github.com/modelarchitect/architect/ent/experiment"
	"github.com/modelarchitect/architect/internal/apperr"
	"github.com/modelarchitect/architect/internal/experiment"
	"github.com/modelarchitect/architect/internal/model"
)

// checkBanditPlan checks a bandit plan against the experiment's models and metrics.
func checkBanditPlan(models []string, metrics model.ExperimentMetrics, b *model.BanditPlan) error {
	if b == nil {
		return nil
	}
	if !(b.MinShare >= 0 && b.MinShare*float64(len(models)) < 1) {
		return apperr.Input("plan.bandit.minShare", "the floor per arm must be at least 0 and below 1/%d (the arms' floors must leave some traffic to the posterior), got %g", len(models), b.MinShare)
	}
	if b.WarmupUnits < 0 {
		return apperr.Input("plan.bandit.warmupUnits", "must be 0 (the default, %d) or more", experiment.DefaultBanditWarmupUnits)
	}
	guard := func(field, name string, bound *float64) error {
		if (name == "") != (bound == nil) {
			return apperr.Input("plan.bandit."+field, "give a guardrail's metric and its bound together, or neither")
		}
		if name == "" {
			return nil
		}
		for _, s := range metrics.Secondary {
			if s.Name == name {
				return nil
			}
		}
		return apperr.Input("plan.bandit."+field, "%q is not a secondary metric of the experiment; a guardrail watches a secondary metric", name)
	}
	if err := guard("qualityMetric", b.QualityMetric, b.QualityFloor); err != nil {
		return err
	}
	return guard("costMetric", b.CostMetric, b.CostCeiling)
}

// assignmentWeights is the split new units are assigned by: a bandit's current weights once it has updated
// them, the plan's split otherwise.
func assignmentWeights(e *ent.Experiment) []float64 {
	if e.Plan.Bandit != nil && e.Results != nil {
		if w := e.Results.Bandit.Current(); len(w) == len(e.Models) {
			return w
		}
	}
	return weights(e.Models, e.Plan)
}

// UpdateBandit recomputes a RUNNING bandit's results and its weights by Thompson sampling on the primary
// metric (experiment.UpdateBandit), appends them to the weight history and stores both; assignVariant
// assigns new units by them from then on. The draws are seeded by the experiment and the update's number,
// so an update can be reproduced.
func (s *Service) UpdateBandit(ctx context.Context, id int) (*ent.Experiment, error) {
	e, err := s.lockExperiment(ctx, id)
	if err != nil {
		return nil, err
	}
	s.pause(ctx, "updateBandit")
	switch {
	case e.Plan.Bandit == nil:
		return nil, apperr.Input("experimentId", "the experiment is not a bandit: give plan.bandit when you create it")
	case e.Status != entexperiment.StatusRUNNING:
		return nil, apperr.Input("experimentId", "the experiment is %s: bandit weights change only while it is RUNNING", e.Status)
	}
	in, err := s.analysisInput(ctx, e)
	if err != nil {
		return nil, err
	}
	res, err := s.results(e, in)
	if err != nil {
		return nil, err
	}
	b := e.Plan.Bandit
	cfg := experiment.BanditConfig{LowerIsBetter: e.Metrics.Primary.LowerIsBetter, MinShare: b.MinShare, WarmupUnits: b.WarmupUnits,
		Seed: uint64(e.ID)<<20 + uint64(len(res.Bandit.Updates)), QualityFloor: b.QualityFloor, CostCeiling: b.CostCeiling,
		ConfidenceLevel: e.Plan.ConfidenceLevel}
	arms := make([]experiment.BanditArm, len(e.Models))
	for i, m := range e.Models {
		arms[i] = experiment.BanditArm{Key: m, Reward: perUnit(in.Primary, m)}
		for _, sm := range in.Secondary {
			v := perUnit(sm, m)
			switch sm.Name {
			case b.QualityMetric:
				arms[i].Quality = &v
			case b.CostMetric:
				arms[i].Cost = &v
			}
		}
	}
	upd, err := experiment.UpdateBandit(arms, cfg)
	if err != nil {
		return nil, fmt.Errorf("update bandit %d: %w", e.ID, err)
	}
	w := make([]float64, len(upd.Arms))
	for i, a := range upd.Arms {
		w[i] = a.Weight
	}
	res.Bandit.Updates = append(res.Bandit.Updates, model.BanditUpdate{At: res.ComputedAt, Weights: w, BanditResult: upd})
	return e.Update().Where(entexperiment.StatusEQ(e.Status)).SetResults(res).Save(ctx)
}

// RunningBandits lists the ids of the RUNNING bandit experiments, for the scheduled update.
func (s *Service) RunningBandits(ctx context.Context) ([]int, error) {
	es, err := s.ent(ctx).Experiment.Query().Where(entexperiment.StatusEQ(entexperiment.StatusRUNNING)).
		Select(entexperiment.FieldID, entexperiment.FieldPlan).All(ctx)
	if err != nil {
		return nil, err
	}
	var ids []int
	for _, e := range es {
		if e.Plan.Bandit != nil {
			ids = append(ids, e.ID)
		}
	}
	return ids, nil
}

// perUnit is one variant's data of a metric as per-unit values: a binary metric's conversions as 0/1 values.
func perUnit(m experiment.Metric, variant string) experiment.Continuous {
	if m.Kind == experiment.KindBinary {
		return m.Binary[variant].AsContinuous()
	}
	return m.Continuous[variant]
}
