package graph

import (
	"time"

	"github.com/99designs/gqlgen/graphql"

	"github.com/modelarchitect/architect/ent"
	"github.com/modelarchitect/architect/graph/gqlmodel"
	"github.com/modelarchitect/architect/internal/benchmark"
	"github.com/modelarchitect/architect/internal/evaluation"
	"github.com/modelarchitect/architect/internal/experiment"
	"github.com/modelarchitect/architect/internal/identity"
	"github.com/modelarchitect/architect/internal/loadtest"
	"github.com/modelarchitect/architect/internal/ops"
)

func authPayload(r *identity.Result, err error) (*gqlmodel.AuthPayload, error) {
	if err != nil {
		return nil, err
	}
	return &gqlmodel.AuthPayload{Token: r.Token, ExpiresAt: r.ExpiresAt, User: r.User}, nil
}

func deref[T any](p *T) T {
	var zero T
	if p == nil {
		return zero
	}
	return *p
}

func observation(in gqlmodel.RecordExperimentObservationsInput) ops.Observation {
	o := ops.Observation{IdempotencyKey: in.IdempotencyKey, Variant: in.Variant, Metric: in.Metric,
		Binary: in.Binary, Continuous: in.Continuous, Values: in.Values}
	if in.Units != nil {
		o.Units = make([]experiment.Unit, len(in.Units))
		for i, u := range in.Units {
			o.Units[i] = *u
		}
	}
	if c := in.Cuped; c != nil {
		o.CUPED = &experiment.CUPEDArm{Covariate: deref(c.Covariate), NoCovariate: deref(c.NoCovariate)}
	}
	return o
}

func sampleSizeRequest(in gqlmodel.ExperimentSampleSizeInput) ops.SampleSizeRequest {
	r := ops.SampleSizeRequest{Kind: in.Kind, Baseline: in.Baseline, StdDev: in.StdDev, MinimumDetectableEffect: in.MinimumDetectableEffect,
		Relative: deref(in.Relative), ConfidenceLevel: deref(in.ConfidenceLevel), Power: deref(in.Power)}
	if f := in.StdDevFrom; f != nil {
		r.StdDevFrom = &ops.SpreadSource{BenchmarkID: f.BenchmarkID, Model: f.Model, Measure: f.Measure}
	}
	return r
}

func ratioPlan(in gqlmodel.ExperimentRatioSampleSizeInput) experiment.RatioPlan {
	return experiment.RatioPlan{NumeratorMean: in.NumeratorMean, NumeratorStdDev: in.NumeratorStdDev, DenominatorMean: in.DenominatorMean,
		DenominatorStdDev: in.DenominatorStdDev, Correlation: deref(in.Correlation), MinDetectableEffect: in.MinimumDetectableEffect,
		Relative: deref(in.Relative), ConfidenceLevel: deref(in.ConfidenceLevel), Power: deref(in.Power)}
}

func benchmarkDraft(in gqlmodel.CreateBenchmarkInput) ops.BenchmarkDraft {
	d := ops.BenchmarkDraft{Name: &in.Name, Models: in.Models, Dataset: values(in.Dataset), System: in.System, MaxOutputTokens: in.MaxOutputTokens,
		Repeats: in.Repeats, Judge: in.Judge, DatasetVersion: in.DatasetVersionID}
	if in.DatasetFile != nil {
		d.File, d.Filename = in.DatasetFile.File, in.DatasetFile.Filename
	}
	return d
}

func datasetDraft(items []*benchmark.Item, file *graphql.Upload) ops.DatasetDraft {
	d := ops.DatasetDraft{Items: values(items)}
	if file != nil {
		d.File, d.Filename = file.File, file.Filename
	}
	return d
}

func benchmarkUpdate(in gqlmodel.UpdateBenchmarkInput) ops.BenchmarkDraft {
	return ops.BenchmarkDraft{Name: in.Name, Models: in.Models, Dataset: values(in.Dataset), System: in.System, MaxOutputTokens: in.MaxOutputTokens,
		Repeats: in.Repeats, Judge: in.Judge, DatasetVersion: in.DatasetVersionID}
}

// values turns gqlgen's list of pointers into values; nil stays nil (the field was not sent).
func values[T any](ps []*T) []T {
	if ps == nil {
		return nil
	}
	out := make([]T, len(ps))
	for i, p := range ps {
		out[i] = *p
	}
	return out
}

func millis(d time.Duration) float64 { return float64(d) / float64(time.Millisecond) }

func loadTestDraft(in gqlmodel.CreateLoadTestInput) ops.LoadTestDraft {
	d := ops.LoadTestDraft{Name: in.Name, Model: in.Model, DeploymentID: in.DeploymentID, PromptsFrom: in.PromptsFromBenchmark}
	if in.Plan != nil {
		d.Plan = loadtest.Plan(*in.Plan)
	}
	return d
}

func loadTestComparison(a, b *ent.LoadTest, c loadtest.Comparison, err error) (*gqlmodel.LoadTestComparison, error) {
	if err != nil {
		return nil, err
	}
	steps := make([]*loadtest.StepComparison, len(c.Steps))
	for i := range c.Steps {
		steps[i] = &c.Steps[i]
	}
	return &gqlmodel.LoadTestComparison{A: a, B: b, Steps: steps}, nil
}

func side(in *gqlmodel.BenchmarkSideInput) ops.BenchmarkSide {
	if in == nil {
		return ops.BenchmarkSide{}
	}
	return ops.BenchmarkSide{BenchmarkID: in.BenchmarkID, Model: deref(in.Model)}
}

func gateInput(in gqlmodel.BenchmarkGateInput) ops.BenchmarkGate {
	g := ops.BenchmarkGate{Candidate: side(in.Candidate), MustPass: in.MustPass,
		Gate: evaluation.Gate{MinScore: deref(in.MinScore), MaxDrop: deref(in.MaxDrop), Alpha: deref(in.Alpha)}}
	if in.Baseline != nil {
		b := side(in.Baseline)
		g.Baseline = &b
	}
	return g
}

func benchmarkLabels(in []*gqlmodel.BenchmarkLabelInput) []ops.BenchmarkLabel {
	out := make([]ops.BenchmarkLabel, len(in))
	for i, l := range in {
		out[i] = ops.BenchmarkLabel{Model: l.Model, Item: l.Item, Repeat: deref(l.Repeat), Passed: l.Passed}
	}
	return out
}

func sideOut(s ops.SideRun) *gqlmodel.BenchmarkSide {
	return &gqlmodel.BenchmarkSide{Benchmark: s.Benchmark, Model: s.Model, Score: s.Score}
}

func benchmarkComparison(c *ops.BenchmarkComparison, err error) (*gqlmodel.BenchmarkComparison, error) {
	if err != nil || c == nil {
		return nil, err
	}
	return &gqlmodel.BenchmarkComparison{Baseline: sideOut(c.Baseline), Candidate: sideOut(c.Candidate), Statistics: &c.Statistics}, nil
}

func benchmarkGate(r *ops.BenchmarkGateResult, err error) (*gqlmodel.BenchmarkGateResult, error) {
	if err != nil {
		return nil, err
	}
	out := &gqlmodel.BenchmarkGateResult{Verdict: r.Verdict, Inconclusive: r.Inconclusive, Reasons: r.Reasons,
		CandidateScore: r.Candidate.Score, Checks: make([]*evaluation.Check, len(r.Checks))}
	for i := range r.Checks {
		out.Checks[i] = &r.Checks[i]
	}
	if r.Comparison != nil {
		out.Comparison, _ = benchmarkComparison(r.Comparison, nil)
	}
	if out.Reasons == nil {
		out.Reasons = []string{}
	}
	return out, nil
}

func itemIndexes(ids []string) []int {
	out := make([]int, len(ids))
	for i, id := range ids {
		out[i] = ops.ItemIndex(id)
	}
	return out
}
