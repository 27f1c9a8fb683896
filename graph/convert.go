package graph

import (
	"time"

	"github.com/modelarchitect/architect/ent"
	"github.com/modelarchitect/architect/graph/gqlmodel"
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
	return ops.Observation{IdempotencyKey: in.IdempotencyKey, Variant: in.Variant, Metric: in.Metric,
		Binary: in.Binary, Continuous: in.Continuous, Values: in.Values}
}

func benchmarkDraft(in gqlmodel.CreateBenchmarkInput) ops.BenchmarkDraft {
	d := ops.BenchmarkDraft{Name: &in.Name, Models: in.Models, Dataset: values(in.Dataset), System: in.System, MaxOutputTokens: in.MaxOutputTokens}
	if in.DatasetFile != nil {
		d.File, d.Filename = in.DatasetFile.File, in.DatasetFile.Filename
	}
	return d
}

func benchmarkUpdate(in gqlmodel.UpdateBenchmarkInput) ops.BenchmarkDraft {
	return ops.BenchmarkDraft{Name: in.Name, Models: in.Models, Dataset: values(in.Dataset), System: in.System, MaxOutputTokens: in.MaxOutputTokens}
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
	d := ops.LoadTestDraft{Name: in.Name, Model: in.Model, DeploymentID: in.DeploymentID}
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
