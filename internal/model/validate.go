package model

import (
	"errors"

	"github.com/modelarchitect/architect/internal/apperr"
	"github.com/modelarchitect/architect/internal/catalog"
	"github.com/modelarchitect/architect/internal/experiment"
	"github.com/modelarchitect/architect/internal/simulation"
)

// Validator is implemented by documents that check themselves; an ent hook calls it on every write.
type Validator interface {
	Validate() error
}

func bad(field, reason string) error { return &apperr.FieldError{Field: field, Reason: reason} }

// Valid reports whether c is a known complexity.
func (c Complexity) Valid() bool {
	return c == ComplexityLow || c == ComplexityMedium || c == ComplexityHigh
}

// Workload is the simulation's view of the config.
func (c ScenarioConfig) Workload() simulation.Workload {
	return simulation.Workload{
		RequestsPerDay:       int64(c.DataVolume),
		InputTokens:          c.InputTokens,
		OutputTokens:         c.OutputTokens,
		CachedInputFraction:  c.CachedInputFraction,
		CacheWriteFraction:   c.CacheWriteFraction,
		CacheWriteHour:       c.CacheWriteHour,
		ReasoningTokens:      c.ReasoningTokens,
		PeakFactor:           c.PeakFactor,
		LatencySLAMillis:     float64(c.ResponseTimeSLA),
		SLAPercentile:        c.SLAPercentile,
		MonthlyBudgetUSD:     c.MonthlyBudget,
		Complexity:           catalog.Complexity(c.TaskComplexity),
		MinAccuracy:          c.MinAccuracy,
		DataRegions:          c.DataRegions,
		RequiredCapabilities: c.RequiredCapabilities,
		RequiredAttestations: c.RequiredAttestations,
		Candidates:           c.Candidates,
	}
}

// workloadFields maps the simulation's field names to the config's where they differ.
var workloadFields = map[string]string{"requestsPerDay": "dataVolume", "latencySlaMs": "responseTimeSLA", "complexity": "taskComplexity", "monthlyBudget": "monthlyBudget"}

// Validate checks the workload with the simulation's own rules, naming the config's field.
func (c ScenarioConfig) Validate() error {
	if !c.TaskComplexity.Valid() {
		return bad("taskComplexity", "must be LOW, MEDIUM or HIGH")
	}
	var ve *simulation.ValidationError
	if err := c.Workload().Validate(); errors.As(err, &ve) {
		field := ve.Field
		if f, ok := workloadFields[field]; ok {
			field = f
		}
		return bad(field, ve.Reason)
	} else if err != nil {
		return err
	}
	return nil
}

// Validate checks that the primary metric and every secondary one is named and typed, with unique names.
func (m ExperimentMetrics) Validate() error {
	seen := map[string]bool{}
	check := func(field string, s MetricSpec) error {
		switch {
		case s.Name == "":
			return bad(field+".name", "must not be empty")
		case s.Kind != MetricBinary && s.Kind != MetricContinuous:
			return bad(field+".kind", "must be BINARY or CONTINUOUS")
		case s.Scale != "" && s.Scale != experiment.ScaleAbsolute && s.Scale != experiment.ScaleRelative:
			return bad(field+".scale", "must be ABSOLUTE or RELATIVE")
		case seen[s.Name]:
			return bad(field+".name", "metric "+s.Name+" is named twice")
		}
		seen[s.Name] = true
		return nil
	}
	if err := check("primary", m.Primary); err != nil {
		return err
	}
	for _, s := range m.Secondary {
		if err := check("secondary", s); err != nil {
			return err
		}
	}
	return nil
}

// Validate checks the analysis mode and the sequential tuning N*.
func (p ExperimentPlan) Validate() error {
	switch {
	case p.Mode != "" && p.Mode != experiment.ModeFixedHorizon && p.Mode != experiment.ModeSequential:
		return bad("mode", "must be FIXED_HORIZON or SEQUENTIAL")
	case p.SequentialTuning != nil && !(*p.SequentialTuning >= 1 && *p.SequentialTuning <= 1e12):
		return bad("sequentialTuning", "must be a number of units from 1 to 10¹², the total of two arms at which you expect to decide (e.g. 5000); leave it out for 5000")
	}
	return nil
}

// Validate checks the replica count.
func (c DeploymentConfig) Validate() error {
	if c.Replicas != nil && *c.Replicas < 1 {
		return bad("replicas", "must be at least 1")
	}
	return nil
}
