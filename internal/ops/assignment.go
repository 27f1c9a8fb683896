package ops

import (
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"fmt"
	"slices"

	"github.com/modelarchitect/architect/ent"
	"github.com/modelarchitect/architect/ent/assignment"
	entexperiment "github.com/modelarchitect/architect/ent/experiment"
	"github.com/modelarchitect/architect/internal/apperr"
	"github.com/modelarchitect/architect/internal/experiment"
	"github.com/modelarchitect/architect/internal/gid"
)

// AssignmentSeed is the seed of an experiment's assignment hash (experiment.Hash): its GraphQL id and a colon,
// so that seed and unit id cannot run into each other.
func AssignmentSeed(e *ent.Experiment) string { return gid.Encode(e.ID) + ":" }

// AssignVariant returns unit's assignment in a RUNNING experiment: the stored one, or at the unit's first
// exposure a new one by experiment.Assign under the split in force. Replicas racing on a first exposure all
// insert with ON CONFLICT DO NOTHING and read back the one row that won. The experiment is read with a shared
// lock, so no unit is assigned after a concurrent stop or completion has committed.
func (s *Service) AssignVariant(ctx context.Context, experimentID int, unitID string) (*ent.Assignment, error) {
	c := s.ent(ctx)
	e, err := c.Experiment.Query().Where(entexperiment.ID(experimentID)).LockForShare().Only(ctx)
	if err != nil {
		return nil, err
	}
	if e.Status != entexperiment.StatusRUNNING {
		return nil, apperr.Input("experimentId", "the experiment is %s: units are assigned only while it is RUNNING", e.Status)
	}
	if unitID == "" || len(unitID) > 200 {
		return nil, apperr.Input("unitId", "send the unit's id, 1 to 200 characters, the same at every exposure (e.g. a user id)")
	}
	stored := c.Assignment.Query().Where(assignment.ExperimentID(e.ID), assignment.UnitID(unitID))
	if a, err := stored.Only(ctx); !ent.IsNotFound(err) {
		return a, err
	}
	s.pause(ctx, "assignVariant")
	split := assignmentWeights(e)
	i, err := experiment.Assign(AssignmentSeed(e), unitID, split)
	if err != nil && e.Plan.Bandit != nil {
		return nil, apperr.Input("experimentId", "every arm of the bandit is stopped by a guardrail (results.bandit); stop or complete the experiment")
	}
	if err != nil {
		return nil, prefix("plan.split", err)
	}
	err = c.Assignment.Create().SetOwnerID(e.OwnerID).SetExperimentID(e.ID).SetUnitID(unitID).SetVariant(e.Models[i]).
		SetWeights(split).SetAssignedAt(s.now()).
		OnConflictColumns(assignment.FieldExperimentID, assignment.FieldUnitID).DoNothing().Exec(ctx)
	if err != nil && !errors.Is(err, sql.ErrNoRows) { // PostgreSQL returns no row when another replica's insert won
		return nil, err
	}
	return stored.Only(ctx)
}

// exposures counts the experiment's assigned units per variant and per split in force, for the SRM check;
// nil when no unit was assigned (the check then uses the primary metric's units).
func (s *Service) exposures(ctx context.Context, e *ent.Experiment) (*experiment.Exposures, error) {
	var groups []struct {
		Variant string `json:"variant"`
		Weights string `json:"weights"`
		Count   int64  `json:"count"`
	}
	err := s.ent(ctx).Assignment.Query().Where(assignment.ExperimentID(e.ID)).
		GroupBy(assignment.FieldVariant, assignment.FieldWeights).Aggregate(ent.Count()).Scan(ctx, &groups)
	if err != nil || len(groups) == 0 {
		return nil, err
	}
	x := &experiment.Exposures{Units: make([]int64, len(e.Models))}
	periods := map[string]int{} // the split as stored → its index in x.Periods
	for _, g := range groups {
		v := slices.Index(e.Models, g.Variant)
		if v < 0 {
			return nil, fmt.Errorf("experiment %d: assignment to %q, not one of its models", e.ID, g.Variant)
		}
		var w []float64
		if err := json.Unmarshal([]byte(g.Weights), &w); err != nil {
			return nil, fmt.Errorf("experiment %d: assignment weights %q: %w", e.ID, g.Weights, err)
		}
		key := fmt.Sprint(w) // PostgreSQL's jsonb and SQLite's text spell one split differently
		p, ok := periods[key]
		if !ok {
			p, periods[key] = len(x.Periods), len(x.Periods)
			x.Periods = append(x.Periods, experiment.SRMPeriod{Weights: w})
		}
		x.Units[v] += g.Count
		x.Periods[p].Units += g.Count
	}
	return x, nil
}
