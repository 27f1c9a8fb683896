package graph

import (
	"github.com/modelarchitect/architect/graph/gqlmodel"
	"github.com/modelarchitect/architect/internal/catalog"
	"github.com/modelarchitect/architect/internal/model"
	"github.com/modelarchitect/architect/internal/simulation"
)

func modelFilter(w *gqlmodel.ModelWhereInput) catalog.ModelFilter {
	if w == nil {
		return catalog.ModelFilter{}
	}
	return catalog.ModelFilter{
		Provider:          deref(w.Provider),
		Mode:              deref(w.Mode),
		Capabilities:      w.Capabilities,
		Region:            deref(w.Region),
		Attestations:      w.Attestations,
		MaxInputPerToken:  w.MaxInputPerToken,
		MaxOutputPerToken: w.MaxOutputPerToken,
		MinContextWindow:  deref(w.MinContextWindow),
		MinTier:           catalog.Tier(deref(w.MinTier)),
		TierAt:            catalog.Complexity(deref(w.TierAt)),
		HasSpeed:          deref(w.HasSpeed),
		HostedOnly:        deref(w.HostedOnly),
	}
}

func modelOrder(o *gqlmodel.ModelOrder) catalog.ModelOrder {
	if o == nil {
		return catalog.ModelOrder{}
	}
	return catalog.ModelOrder{Field: o.Field, Direction: catalog.Direction(o.Direction)}
}

func instanceFilter(w *gqlmodel.InstanceTypeWhereInput) catalog.InstanceFilter {
	if w == nil {
		return catalog.InstanceFilter{}
	}
	return catalog.InstanceFilter{
		Provider:       deref(w.Provider),
		Region:         deref(w.Region),
		GPU:            deref(w.Gpu),
		MinGPUMemoryGB: deref(w.MinGpuMemoryGb),
		MaxHourlyUSD:   w.MaxHourlyUsd,
	}
}

// complexityTiers lists a model's tiers in complexity order.
func complexityTiers(t map[catalog.Complexity]catalog.Tier) []*gqlmodel.ComplexityTier {
	var out []*gqlmodel.ComplexityTier
	for _, c := range []catalog.Complexity{catalog.ComplexityLow, catalog.ComplexityMedium, catalog.ComplexityHigh} {
		if v, ok := t[c]; ok {
			out = append(out, &gqlmodel.ComplexityTier{Complexity: model.Complexity(c), Tier: int(v)})
		}
	}
	return out
}

func tier(q *simulation.Quality) *int {
	if !q.HasTier {
		return nil
	}
	t := int(q.Tier)
	return &t
}

// scenarioConfig shows a simulated workload in the shape of the Scenario's config.
func scenarioConfig(w simulation.Workload) *model.ScenarioConfig {
	return &model.ScenarioConfig{
		TaskComplexity:       model.Complexity(w.Complexity),
		DataVolume:           int(w.RequestsPerDay),
		ResponseTimeSLA:      int(w.LatencySLAMillis),
		SLAPercentile:        w.SLAPercentile,
		InputTokens:          w.InputTokens,
		OutputTokens:         w.OutputTokens,
		CachedInputFraction:  w.CachedInputFraction,
		ReasoningTokens:      w.ReasoningTokens,
		PeakFactor:           w.PeakFactor,
		MonthlyBudget:        w.MonthlyBudgetUSD,
		DataRegions:          w.DataRegions,
		RequiredCapabilities: w.RequiredCapabilities,
		RequiredAttestations: w.RequiredAttestations,
		Candidates:           w.Candidates,
		MinAccuracy:          w.MinAccuracy,
	}
}

func nonEmpty(s string) *string {
	if s == "" {
		return nil
	}
	return &s
}

// nonZero is nil for a zero value (a GraphQL null), else a pointer to v.
func nonZero[T comparable](v T) *T {
	var zero T
	if v == zero {
		return nil
	}
	return &v
}

func nonEmptyAll(ss []string) []*string {
	out := make([]*string, len(ss))
	for i, s := range ss {
		out[i] = nonEmpty(s)
	}
	return out
}

// ptrs turns a slice of values into a slice of pointers for gqlgen.
func ptrs[T any](vs []T, err error) ([]*T, error) {
	if err != nil {
		return nil, err
	}
	out := make([]*T, len(vs))
	for i := range vs {
		out[i] = &vs[i]
	}
	return out, nil
}
