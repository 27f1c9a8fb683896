package ops

import (
	"context"
	"fmt"
	"math"
	"reflect"
	"slices"
	"time"

	"github.com/modelarchitect/architect/ent"
	"github.com/modelarchitect/architect/ent/assignment"
	"github.com/modelarchitect/architect/ent/benchmarkitemresult"
	entexperiment "github.com/modelarchitect/architect/ent/experiment"
	"github.com/modelarchitect/architect/ent/experimentobservation"
	"github.com/modelarchitect/architect/internal/apperr"
	"github.com/modelarchitect/architect/internal/benchmark"
	"github.com/modelarchitect/architect/internal/catalog"
	"github.com/modelarchitect/architect/internal/experiment"
	"github.com/modelarchitect/architect/internal/model"
)

// CreateExperiment checks the plan against the models and metrics, works out the planned sample size, and
// saves the experiment as a DRAFT.
func (s *Service) CreateExperiment(ctx context.Context, in ent.CreateExperimentInput) (*ent.Experiment, error) {
	plan := deref(in.Plan)
	n, err := plannedSampleSize(in.Models, in.Metrics, plan)
	if err != nil {
		return nil, err
	}
	return s.ent(ctx).Experiment.Create().SetInput(in).SetPlannedSampleSize(n).Save(ctx)
}

// lockExperiment reads experiment id and locks it until the transaction of ctx ends.
func (s *Service) lockExperiment(ctx context.Context, id int) (*ent.Experiment, error) {
	return s.ent(ctx).Experiment.Query().Where(entexperiment.ID(id)).LockForUpdate().Only(ctx)
}

// UpdateExperiment changes an experiment. Its models, metrics and plan change only while it is a DRAFT, except
// the split, which may change while it runs (planChange).
func (s *Service) UpdateExperiment(ctx context.Context, id int, in ent.UpdateExperimentInput) (*ent.Experiment, error) {
	cur, err := s.lockExperiment(ctx, id)
	if err != nil {
		return nil, err
	}
	s.pause(ctx, "updateExperiment")
	models, metrics, plan := cur.Models, cur.Metrics, cur.Plan
	if cur.Status != entexperiment.StatusDRAFT {
		if in.Plan != nil {
			if err := planChange(cur.Status, cur.Models, cur.Plan, *in.Plan); err != nil {
				return nil, err
			}
		}
		if in.Models != nil || in.AppendModels != nil || in.Metrics != nil {
			return nil, apperr.Input("input", "the experiment is %s: its models and metrics change only while it is a DRAFT", cur.Status)
		}
	}
	if in.Models != nil {
		models = in.Models
	}
	models = append(models, in.AppendModels...)
	if in.Metrics != nil {
		metrics = *in.Metrics
	}
	if in.Plan != nil {
		plan = *in.Plan
	}
	n, err := plannedSampleSize(models, metrics, plan)
	if err != nil {
		return nil, err
	}
	return cur.Update().Where(entexperiment.StatusEQ(cur.Status)).SetInput(in).SetModels(models).SetPlannedSampleSize(n).Save(ctx)
}

// planChange checks a new plan for an experiment that has started. The analysis settings are fixed: a test
// chosen, or tuned, after looking at the data no longer keeps its false-positive rate. The split may change
// while it runs (a ramp): units assigned so far keep their variant and the SRM check follows the split each
// unit was assigned under. The rest of the plan is fixed.
func planChange(status entexperiment.Status, models []string, cur, next model.ExperimentPlan) error {
	if next.Mode != cur.Mode {
		return apperr.Input("plan.mode", "the analysis mode is fixed once the experiment has started (it is %s and was started as %s): "+
			"switching between fixed-horizon and sequential tests after seeing data voids their error guarantees; create a new experiment to analyse it otherwise",
			status, cur.Mode)
	}
	if tuning(cur) != tuning(next) {
		return apperr.Input("plan.sequentialTuning", "N* is fixed once the experiment has started (it is %s, with N* = %g): "+
			"a confidence sequence is always valid only for a tuning chosen before the data", status, tuning(cur))
	}
	a, b := planDefaults(models, cur), planDefaults(models, next)
	a.Split, b.Split = nil, nil
	if !reflect.DeepEqual(a, b) {
		return apperr.Input("plan", "the experiment is %s: after the start only plan.split may change; send the rest of the plan as it is (see the plan field)", status)
	}
	if !slices.Equal(weights(models, cur), weights(models, next)) && cur.Bandit != nil {
		return apperr.Input("plan.split", "the experiment is a bandit: its split follows the data (results.bandit), it cannot be set by hand")
	}
	if !slices.Equal(weights(models, cur), weights(models, next)) && status != entexperiment.StatusRUNNING {
		return apperr.Input("plan.split", "the experiment is %s: the split changes only while it is RUNNING", status)
	}
	return nil
}

// planDefaults fills in what a plan leaves to the defaults, so that plans that mean the same compare equal.
func planDefaults(models []string, p model.ExperimentPlan) model.ExperimentPlan {
	if p.Control == "" {
		p.Control = models[0]
	}
	if p.ConfidenceLevel == 0 {
		p.ConfidenceLevel = experiment.DefaultConfidenceLevel
	}
	if p.Power == 0 {
		p.Power = experiment.DefaultPower
	}
	p.SequentialTuning = nil
	return p
}

// weights is the split a plan puts in force, one weight per model: plan.split, or equal weights.
func weights(models []string, p model.ExperimentPlan) []float64 {
	if len(p.Split) == len(models) {
		return p.Split
	}
	w := make([]float64, len(models))
	for i := range w {
		w[i] = 1
	}
	return w
}

func tuning(p model.ExperimentPlan) float64 {
	if p.SequentialTuning == nil {
		return experiment.DefaultSequentialTuning
	}
	return *p.SequentialTuning
}

// plannedSampleSize checks the plan and returns the units per variant it needs; 0 when the plan does not say
// enough (no minimum detectable effect, or no baseline or standard deviation for the primary metric).
func plannedSampleSize(models []string, metrics model.ExperimentMetrics, p model.ExperimentPlan) (int64, error) {
	if len(models) < 2 {
		return 0, apperr.Input("models", "an experiment compares at least 2 models, got %d", len(models))
	}
	seen := map[string]bool{}
	for _, m := range models {
		if seen[m] {
			return 0, apperr.Input("models", "model %s is listed twice", m)
		}
		seen[m] = true
	}
	if p.Control != "" && !seen[p.Control] {
		return 0, apperr.Input("plan.control", "control %s is not one of the experiment's models", p.Control)
	}
	if len(p.Split) > 0 {
		if len(p.Split) != len(models) {
			return 0, apperr.Input("plan.split", "give one weight per model (%d), got %d", len(models), len(p.Split))
		}
		for _, w := range p.Split {
			if !(w > 0) {
				return 0, apperr.Input("plan.split", "weights must be positive")
			}
		}
	}
	if err := checkBanditPlan(models, metrics, p.Bandit); err != nil {
		return 0, err
	}
	if p.MinimumDetectableEffect == 0 {
		return 0, nil
	}
	var (
		ss  experiment.SampleSize
		err error
	)
	switch metrics.Primary.Kind {
	case model.MetricBinary:
		if p.Baseline == nil {
			return 0, nil
		}
		ss, err = experiment.SampleSizeProportions(experiment.ProportionPlan{Baseline: *p.Baseline,
			MinDetectableEffect: p.MinimumDetectableEffect, Relative: p.Relative, ConfidenceLevel: p.ConfidenceLevel, Power: p.Power})
	case model.MetricContinuous:
		if p.StdDev == nil {
			return 0, nil
		}
		ss, err = experiment.SampleSizeMeans(experiment.MeanPlan{StdDev: *p.StdDev, MinDetectableEffect: p.MinimumDetectableEffect,
			ConfidenceLevel: p.ConfidenceLevel, Power: p.Power})
	}
	if err != nil {
		return 0, prefix("plan", err)
	}
	return ss.PerVariant, nil
}

// SampleSizeAnswer is the experimentSampleSize query's answer: the units per variant and the standard
// deviation they rest on.
type SampleSizeAnswer struct {
	experiment.SampleSize
	StdDev *float64 // the continuous metric's standard deviation used; nil for a binary metric
	Spread *Spread  // where StdDev was measured; nil when it was given
}

// Measure is a per-item figure of a benchmark whose spread can stand in for a metric's.
type Measure string

// The measures.
const (
	MeasureLatency Measure = "LATENCY_MS" // benchmarkItemResult.latencyMs
	MeasureCost    Measure = "COST_USD"   // the call's price in US dollars (benchmark.CallCost of its usage)
)

// Spread is the mean and sample standard deviation of one model's per-item measure in a benchmark, over the
// items whose call succeeded.
type Spread struct {
	BenchmarkID int
	Model       string
	Measure     Measure
	Items       int64
	Mean        float64
	StdDev      float64
}

// SpreadSource names the benchmark, model and measure to take a standard deviation from.
type SpreadSource struct {
	BenchmarkID int
	Model       string
	Measure     Measure
}

// SampleSizeRequest is a two-variant test to size: a binary metric with its Baseline, or a continuous one with
// its StdDev or, instead, StdDevFrom a benchmark.
type SampleSizeRequest struct {
	Kind                    model.MetricKind
	Baseline, StdDev        *float64
	StdDevFrom              *SpreadSource
	MinimumDetectableEffect float64
	Relative                bool
	ConfidenceLevel, Power  float64 // 0: the defaults
}

// PlanSampleSize is the experimentSampleSize query: SampleSize, with a continuous metric's standard deviation
// given or measured in a benchmark.
func (s *Service) PlanSampleSize(ctx context.Context, r SampleSizeRequest) (*SampleSizeAnswer, error) {
	var a SampleSizeAnswer
	if r.StdDevFrom != nil {
		if r.Kind != model.MetricContinuous {
			return nil, apperr.Input("stdDevFrom", "only a continuous metric takes its standard deviation from a benchmark; a binary one's follows from its baseline")
		}
		if r.StdDev != nil {
			return nil, apperr.Input("stdDevFrom", "send stdDev or stdDevFrom, not both")
		}
		var err error
		if a.Spread, err = s.measuredSpread(ctx, *r.StdDevFrom); err != nil {
			return nil, err
		}
		r.StdDev = &a.Spread.StdDev
	}
	ss, err := SampleSize(r.Kind, r.Baseline, r.StdDev, r.MinimumDetectableEffect, r.Relative, r.ConfidenceLevel, r.Power)
	if err != nil {
		return nil, err
	}
	a.SampleSize = *ss
	if r.Kind == model.MetricContinuous {
		a.StdDev = r.StdDev
	}
	return &a, nil
}

// SampleSize is the units per variant of a two-variant test of a binary metric (baseline) or a continuous
// one (stdDev).
func SampleSize(kind model.MetricKind, baseline, stdDev *float64, mde float64, relative bool, confidence, power float64) (*experiment.SampleSize, error) {
	var (
		ss  experiment.SampleSize
		err error
	)
	switch kind {
	case model.MetricBinary:
		if baseline == nil {
			return nil, apperr.Input("baseline", "a binary metric needs the control's conversion rate as baseline")
		}
		ss, err = experiment.SampleSizeProportions(experiment.ProportionPlan{Baseline: *baseline, MinDetectableEffect: mde,
			Relative: relative, ConfidenceLevel: confidence, Power: power})
	default:
		if stdDev == nil {
			return nil, apperr.Input("stdDev", "a continuous metric needs its standard deviation: send stdDev, or stdDevFrom to measure it in a benchmark")
		}
		ss, err = experiment.SampleSizeMeans(experiment.MeanPlan{StdDev: *stdDev, MinDetectableEffect: mde, ConfidenceLevel: confidence, Power: power})
	}
	if err != nil {
		return nil, err
	}
	return &ss, nil
}

// RatioSampleSize is the experimentRatioSampleSize query: the units per variant of a ratio metric by the delta
// method.
func RatioSampleSize(p experiment.RatioPlan) (*experiment.RatioSampleSize, error) {
	r, err := experiment.SampleSizeRatio(p)
	if err != nil {
		return nil, err
	}
	return &r, nil
}

// measuredSpread reads one model's items of a benchmark of the viewer's and returns the mean and sample
// standard deviation of their latency or cost; failed calls are left out (their latency is a timeout and
// they cost nothing).
func (s *Service) measuredSpread(ctx context.Context, src SpreadSource) (*Spread, error) {
	c := s.ent(ctx)
	b, err := c.Benchmark.Get(ctx, src.BenchmarkID)
	if err != nil {
		return nil, err
	}
	if !slices.Contains(b.Models, src.Model) {
		return nil, apperr.Input("stdDevFrom.model", "%q is not a model of benchmark %q (%v)", src.Model, b.Name, b.Models)
	}
	var price catalog.Model
	if src.Measure == MeasureCost {
		if price, err = s.Catalog.Model(src.Model); err != nil {
			return nil, apperr.Input("stdDevFrom.model", "model %s has no price in the catalog, so its cost cannot be measured; use LATENCY_MS", src.Model)
		}
	}
	items, err := c.BenchmarkItemResult.Query().
		Where(benchmarkitemresult.BenchmarkID(b.ID), benchmarkitemresult.Model(src.Model), benchmarkitemresult.Error("")).
		Order(ent.Asc(benchmarkitemresult.FieldItem)).All(ctx)
	if err != nil {
		return nil, err
	}
	values := make([]float64, len(items))
	for i, it := range items {
		if src.Measure == MeasureCost {
			values[i] = benchmark.CallCost(price, benchmark.Usage{InputTokens: it.InputTokens, OutputTokens: it.OutputTokens,
				CachedTokens: it.CachedTokens, ReasoningTokens: it.ReasoningTokens}).InexactFloat64()
		} else {
			values[i] = it.LatencyMs
		}
	}
	if len(values) < 2 {
		return nil, apperr.Input("stdDevFrom", "benchmark %q has %d successful calls of %s; a spread needs at least 2", b.Name, len(values), src.Model)
	}
	agg, err := experiment.ContinuousFromValues(values)
	if err != nil {
		return nil, prefix("stdDevFrom", err)
	}
	return &Spread{BenchmarkID: b.ID, Model: src.Model, Measure: src.Measure, Items: agg.Count, Mean: agg.Mean, StdDev: math.Sqrt(agg.Variance)}, nil
}

// TransitionExperiment applies a lifecycle action; completing also computes the final results.
func (s *Service) TransitionExperiment(ctx context.Context, id int, action experiment.Action) (*ent.Experiment, error) {
	e, err := s.lockExperiment(ctx, id)
	if err != nil {
		return nil, err
	}
	s.pause(ctx, "transitionExperiment")
	next, err := experiment.Apply(experiment.Status(e.Status), action)
	if err != nil {
		return nil, apperr.Input("id", "%s", err)
	}
	u := e.Update().Where(entexperiment.StatusEQ(e.Status)).SetStatus(entexperiment.Status(next))
	if action == experiment.ActionComplete {
		res, err := s.analyze(ctx, e)
		if err != nil {
			return nil, err
		}
		u.SetResults(res)
	}
	return u.Save(ctx)
}

// Observation is one recording: exactly one of Binary, Continuous, Values, CUPED or Units.
type Observation struct {
	IdempotencyKey string
	Variant        string
	Metric         string
	Binary         *experiment.Binary
	Continuous     *experiment.Continuous
	Values         []float64
	CUPED          *experiment.CUPEDArm // a continuous metric's sums with a pre-experiment covariate
	Units          []experiment.Unit    // a continuous metric's per-unit values with their covariates
}

// RecordObservations adds a recording to a RUNNING experiment and updates its results. A recording whose
// idempotency key was seen before adds nothing (and must carry the same data). The experiment is locked
// first, so a recording never lands after the experiment stopped and the results count every recording.
func (s *Service) RecordObservations(ctx context.Context, id int, o Observation) (*ent.Experiment, error) {
	c := s.ent(ctx)
	e, err := s.lockExperiment(ctx, id)
	if err != nil {
		return nil, err
	}
	s.pause(ctx, "recordObservations")
	if err := experiment.CanRecord(experiment.Status(e.Status)); err != nil {
		return nil, apperr.Input("id", "%s", err)
	}
	row, err := observationRow(e, o)
	if err != nil {
		return nil, err
	}
	if err := s.checkUnitVariants(ctx, id, o); err != nil {
		return nil, err
	}
	prev, err := c.ExperimentObservation.Query().
		Where(experimentobservation.ExperimentID(id), experimentobservation.IdempotencyKey(o.IdempotencyKey)).Only(ctx)
	switch {
	case err == nil:
		if prev.Variant != row.Variant || prev.Metric != row.Metric || prev.Conversions != row.Conversions || prev.Trials != row.Trials ||
			prev.Count != row.Count || prev.Mean != row.Mean || prev.Variance != row.Variance || !reflect.DeepEqual(prev.Cuped, row.Cuped) {
			return nil, apperr.Input("idempotencyKey", "idempotency key %q was used before for other observations; use a new key for new data", o.IdempotencyKey)
		}
		return e, nil // a retry: nothing to add
	case !ent.IsNotFound(err):
		return nil, err
	}
	create := c.ExperimentObservation.Create().SetOwnerID(e.OwnerID).SetExperimentID(id).SetIdempotencyKey(o.IdempotencyKey).
		SetVariant(row.Variant).SetMetric(row.Metric).SetConversions(row.Conversions).SetTrials(row.Trials).
		SetCount(row.Count).SetMean(row.Mean).SetVariance(row.Variance)
	if row.Cuped != nil {
		create.SetCuped(row.Cuped)
	}
	if err := create.Exec(ctx); ent.IsConstraintError(err) {
		return nil, apperr.Input("idempotencyKey", "a recording with key %q was saved at the same moment; retrying adds nothing", o.IdempotencyKey)
	} else if err != nil {
		return nil, err
	}
	res, err := s.analyze(ctx, e)
	if err != nil {
		return nil, err
	}
	return e.Update().Where(entexperiment.StatusEQ(e.Status)).SetResults(res).Save(ctx)
}

// checkUnitVariants refuses per-unit values recorded under a variant other than the one assignVariant gave
// the unit, and a unit named twice in one recording. Units without an id, or never assigned, pass.
func (s *Service) checkUnitVariants(ctx context.Context, id int, o Observation) error {
	at := map[string]int{} // unit id → its index in the recording
	var ids []string
	for i, u := range o.Units {
		if u.UnitID == "" {
			continue
		}
		if j, dup := at[u.UnitID]; dup {
			return apperr.Input(fmt.Sprintf("units[%d].unitId", i), "unit %q is also units[%d]: a unit may appear once per recording", u.UnitID, j)
		}
		at[u.UnitID] = i
		ids = append(ids, u.UnitID)
	}
	if len(ids) == 0 {
		return nil
	}
	wrong, err := s.ent(ctx).Assignment.Query().
		Where(assignment.ExperimentID(id), assignment.UnitIDIn(ids...), assignment.VariantNEQ(o.Variant)).All(ctx)
	if err != nil || len(wrong) == 0 {
		return err
	}
	first := slices.MinFunc(wrong, func(a, b *ent.Assignment) int { return at[a.UnitID] - at[b.UnitID] })
	return apperr.Input(fmt.Sprintf("units[%d].unitId", at[first.UnitID]),
		"unit %q was assigned %s by assignVariant, not %s: record its values under %s", first.UnitID, first.Variant, o.Variant, first.Variant)
}

// observationRow checks a recording against the experiment and folds raw values into an aggregate.
func observationRow(e *ent.Experiment, o Observation) (*ent.ExperimentObservation, error) {
	if o.IdempotencyKey == "" {
		return nil, apperr.Input("idempotencyKey", "send a key that identifies this recording, so that a retry adds nothing")
	}
	if !slices.Contains(e.Models, o.Variant) {
		return nil, apperr.Input("variant", "%q is not a model of this experiment (%v)", o.Variant, e.Models)
	}
	spec, ok := metricSpec(e.Metrics, o.Metric)
	if !ok {
		return nil, apperr.Input("metric", "%q is not a metric of this experiment", o.Metric)
	}
	given := 0
	for _, b := range []bool{o.Binary != nil, o.Continuous != nil, o.Values != nil, o.CUPED != nil, o.Units != nil} {
		if b {
			given++
		}
	}
	if given != 1 {
		return nil, apperr.Input("input", "send exactly one of binary, continuous, values, cuped or units")
	}
	row := &ent.ExperimentObservation{Variant: o.Variant, Metric: o.Metric}
	switch spec.Kind {
	case model.MetricBinary:
		b := o.Binary
		if o.Continuous != nil {
			return nil, apperr.Input("continuous", "metric %q is BINARY: send binary {conversions, trials} or 0/1 values", o.Metric)
		}
		if o.CUPED != nil || o.Units != nil {
			field := "units"
			if o.CUPED != nil {
				field = "cuped"
			}
			return nil, apperr.Input(field, "metric %q is BINARY: a pre-experiment covariate (CUPED) is supported for CONTINUOUS metrics only; send binary {conversions, trials} or 0/1 values", o.Metric)
		}
		if o.Values != nil {
			outcomes := make([]bool, len(o.Values))
			for i, v := range o.Values {
				if v != 0 && v != 1 {
					return nil, apperr.Input(fmt.Sprintf("values[%d]", i), "metric %q is BINARY: values must be 0 or 1", o.Metric)
				}
				outcomes[i] = v == 1
			}
			agg := experiment.BinaryFromOutcomes(outcomes)
			b = &agg
		}
		if err := b.Validate("binary"); err != nil {
			return nil, err
		}
		row.Conversions, row.Trials = b.Conversions, b.Trials
	case model.MetricContinuous:
		c := o.Continuous
		if o.Binary != nil {
			return nil, apperr.Input("binary", "metric %q is CONTINUOUS: send continuous {count, mean, variance} or values", o.Metric)
		}
		if o.Values != nil {
			agg, err := experiment.ContinuousFromValues(o.Values)
			if err != nil {
				return nil, err
			}
			c = &agg
		}
		if o.CUPED != nil || o.Units != nil {
			arm, field := o.CUPED, "cuped"
			if o.Units != nil {
				a, err := experiment.CUPEDArmFromUnits(o.Units)
				if err != nil {
					return nil, err
				}
				arm, field = &a, "units"
			}
			agg, err := arm.Total(field)
			if err != nil {
				return nil, err
			}
			c, row.Cuped = &agg, (*model.ObservationCovariate)(arm)
		}
		if err := c.Validate("continuous"); err != nil {
			return nil, err
		}
		row.Count, row.Mean, row.Variance = c.Count, c.Mean, c.Variance
	}
	return row, nil
}

func metricSpec(m model.ExperimentMetrics, name string) (model.MetricSpec, bool) {
	for _, s := range append([]model.MetricSpec{m.Primary}, m.Secondary...) {
		if s.Name == name {
			return s, true
		}
	}
	return model.MetricSpec{}, false
}

// analyze sums the experiment's recordings per metric and variant and runs the statistics. A bandit's weight
// history is carried over from the results it replaces.
func (s *Service) analyze(ctx context.Context, e *ent.Experiment) (*model.ExperimentResults, error) {
	in, err := s.analysisInput(ctx, e)
	if err != nil {
		return nil, err
	}
	return s.results(e, in)
}

// analysis is an experiment's analysis input with, per continuous metric that has covariate data, each
// variant's CUPED sums.
type analysis struct {
	experiment.Input
	cuped map[string]map[string]experiment.CUPEDArm // metric → variant → sums
}

// results runs the statistics on an analysis input of e.
func (s *Service) results(e *ent.Experiment, in analysis) (*model.ExperimentResults, error) {
	res, err := experiment.Analyze(in.Input)
	if err != nil {
		return nil, err
	}
	out := &model.ExperimentResults{ComputedAt: s.now().UTC().Truncate(time.Microsecond), Result: res}
	if out.CUPED, err = cupedMetrics(in); err != nil {
		return nil, err
	}
	if e.Plan.Bandit != nil {
		out.Bandit = &model.BanditState{}
		if e.Results != nil && e.Results.Bandit != nil {
			out.Bandit = e.Results.Bandit
		}
	}
	return out, nil
}

// cupedMetrics compares each treatment with the control by CUPED on every metric with covariate data, in the
// metrics' order, with the experiment's mode and confidence and the metric's scale.
func cupedMetrics(in analysis) ([]model.CUPEDMetric, error) {
	var out []model.CUPEDMetric
	for _, m := range append([]experiment.Metric{in.Primary}, in.Secondary...) {
		arms, ok := in.cuped[m.Name]
		if !ok {
			continue
		}
		cm := model.CUPEDMetric{Metric: m.Name, Comparisons: []model.CUPEDComparison{}}
		for _, v := range in.Variants {
			if v.Key == in.Control {
				continue
			}
			r, err := experiment.CompareCUPED(experiment.CUPEDInput{Control: arms[in.Control], Treatment: arms[v.Key],
				Options: experiment.Options{ConfidenceLevel: in.ConfidenceLevel, Scale: m.Scale, Mode: in.Mode, Sequential: in.Sequential}})
			if err != nil {
				return nil, fmt.Errorf("cuped %s %s: %w", m.Name, v.Key, err)
			}
			r.Raw.Variant, r.Adjusted.Variant = v.Key, v.Key
			cm.Comparisons = append(cm.Comparisons, model.CUPEDComparison{Variant: v.Key, CUPEDResult: r})
		}
		out = append(out, cm)
	}
	return out, nil
}

// cupedArms sums a continuous metric's recordings per variant for CUPED, when at least one carries a
// covariate; recordings without one count as units without a covariate.
func cupedArms(rows []*ent.ExperimentObservation, metric string) (map[string]experiment.CUPEDArm, bool) {
	arms, found := map[string]experiment.CUPEDArm{}, false
	for _, r := range rows {
		if r.Metric != metric {
			continue
		}
		a := experiment.CUPEDArm{NoCovariate: experiment.Continuous{Count: r.Count, Mean: r.Mean, Variance: r.Variance}.Moments()}
		if r.Cuped != nil {
			a, found = experiment.CUPEDArm(*r.Cuped), true
		}
		arms[r.Variant] = arms[r.Variant].Add(a)
	}
	return arms, found
}

// analysisInput is the input of the experiment's analysis: its recordings summed per metric and variant, the
// plan, the assigned units, and the CUPED sums.
func (s *Service) analysisInput(ctx context.Context, e *ent.Experiment) (analysis, error) {
	rows, err := s.ent(ctx).ExperimentObservation.Query().Where(experimentobservation.ExperimentID(e.ID)).
		Order(ent.Asc(experimentobservation.FieldID)).All(ctx)
	if err != nil {
		return analysis{}, err
	}
	metric := func(spec model.MetricSpec) (experiment.Metric, error) {
		m := experiment.Metric{Name: spec.Name, Kind: experiment.MetricKind(spec.Kind), LowerIsBetter: spec.LowerIsBetter, Scale: spec.Scale,
			Binary: map[string]experiment.Binary{}, Continuous: map[string]experiment.Continuous{}}
		for _, r := range rows {
			if r.Metric != spec.Name {
				continue
			}
			var err error
			if spec.Kind == model.MetricBinary {
				m.Binary[r.Variant], err = m.Binary[r.Variant].Add(experiment.Binary{Conversions: r.Conversions, Trials: r.Trials})
			} else {
				m.Continuous[r.Variant], err = m.Continuous[r.Variant].Merge(experiment.Continuous{Count: r.Count, Mean: r.Mean, Variance: r.Variance})
			}
			if err != nil {
				return m, err
			}
		}
		return m, nil
	}
	in := experiment.Input{Control: e.Plan.Control, ConfidenceLevel: e.Plan.ConfidenceLevel, PlannedSampleSize: e.PlannedSampleSize,
		Mode: e.Plan.Mode, Sequential: experiment.Sequential{Tuning: tuning(e.Plan)}}
	if in.Control == "" {
		in.Control = e.Models[0]
	}
	split := weights(e.Models, e.Plan)
	for i, m := range e.Models {
		in.Variants = append(in.Variants, experiment.Variant{Key: m, Weight: split[i]})
	}
	if in.Exposures, err = s.exposures(ctx, e); err != nil {
		return analysis{}, err
	}
	if in.Primary, err = metric(e.Metrics.Primary); err != nil {
		return analysis{}, err
	}
	for _, sm := range e.Metrics.Secondary {
		m, err := metric(sm)
		if err != nil {
			return analysis{}, err
		}
		in.Secondary = append(in.Secondary, m)
	}
	a := analysis{Input: in, cuped: map[string]map[string]experiment.CUPEDArm{}}
	for _, spec := range append([]model.MetricSpec{e.Metrics.Primary}, e.Metrics.Secondary...) {
		if arms, ok := cupedArms(rows, spec.Name); ok && spec.Kind == model.MetricContinuous {
			a.cuped[spec.Name] = arms
		}
	}
	return a, nil
}

// prefix places a validation error's field under parent.
func prefix(parent string, err error) error {
	if inv, ok := err.(interface{ InputField() string }); ok {
		return apperr.Input(parent+"."+inv.InputField(), "%s", err)
	}
	return err
}
