package graph

import (
	"github.com/modelarchitect/architect/graph/gqlmodel"
	"github.com/modelarchitect/architect/internal/identity"
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

// progress is the share of finished calls; 0 before any are planned.
func progress(done, total int) float64 {
	if total <= 0 {
		return 0
	}
	return float64(done) / float64(total)
}

func observation(in gqlmodel.RecordExperimentObservationsInput) ops.Observation {
	return ops.Observation{IdempotencyKey: in.IdempotencyKey, Variant: in.Variant, Metric: in.Metric,
		Binary: in.Binary, Continuous: in.Continuous, Values: in.Values}
}
