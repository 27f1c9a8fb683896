package model

import (
	"github.com/modelarchitect/architect/internal/apperr"
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

// Validate checks the workload's ranges.
func (c ScenarioConfig) Validate() error {
	switch {
	case !c.TaskComplexity.Valid():
		return bad("taskComplexity", "must be LOW, MEDIUM or HIGH")
	case c.DataVolume < 1:
		return bad("dataVolume", "must be at least 1 request per day")
	case c.ResponseTimeSLA < 1:
		return bad("responseTimeSLA", "must be at least 1 millisecond")
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

// Validate checks the replica count.
func (c DeploymentConfig) Validate() error {
	if c.Replicas != nil && *c.Replicas < 1 {
		return bad("replicas", "must be at least 1")
	}
	return nil
}
