package ops

import (
	"context"
	"errors"
	"slices"
	"time"

	"github.com/modelarchitect/architect/ent"
	"github.com/modelarchitect/architect/ent/complianceprofile"
	"github.com/modelarchitect/architect/internal/catalog"
	"github.com/modelarchitect/architect/internal/compliance"
	"github.com/modelarchitect/architect/internal/model"
)

// AssessCompliance evaluates every rule for the requirements in the context. The context's model is looked up
// in the catalog; a model the catalog lacks is assessed as unknown (the rules report it), not refused.
func (s *Service) AssessCompliance(reqs []model.Regulation, c *model.ComplianceContext) (*compliance.Result, error) {
	if c == nil {
		c = &model.ComplianceContext{}
	}
	var m *catalog.Model
	if c.Model != "" {
		found, err := s.Catalog.Model(c.Model)
		switch {
		case err == nil:
			m = &found
		case !errors.Is(err, catalog.ErrNotFound):
			return nil, err
		}
	}
	res, err := s.Compliance.Assess(c.Assessment(reqs, m))
	if err != nil {
		return nil, err
	}
	return &res, nil
}

// CreateComplianceProfile assesses the profile's requirements in its context and saves both.
func (s *Service) CreateComplianceProfile(ctx context.Context, in ent.CreateComplianceProfileInput) (*ent.ComplianceProfile, error) {
	in.Requirements = union(in.Requirements, nil)
	res, err := s.AssessCompliance(in.Requirements, in.Context)
	if err != nil {
		return nil, err
	}
	return s.ent(ctx).ComplianceProfile.Create().SetInput(in).SetRiskScore(float64(res.Score)).
		SetRiskLevel(string(res.Level)).SetUseCaseTier(string(res.UseCaseTier)).SetRecommendations(res.Findings).
		SetPassedRules(res.Passed).SetRuleSetVersion(res.RuleSetVersion).SetAssessedAt(s.now().UTC().Truncate(time.Microsecond)).
		Save(ctx)
}

// UpdateComplianceProfile applies the fields sent to the profile as stored (locked, so that a concurrent
// update of another field is not lost to a stale copy) and assesses the result again. Requirements are a
// set: appending one already there adds nothing.
func (s *Service) UpdateComplianceProfile(ctx context.Context, id int, in ent.UpdateComplianceProfileInput) (*ent.ComplianceProfile, error) {
	cur, err := s.ent(ctx).ComplianceProfile.Query().Where(complianceprofile.ID(id)).LockForUpdate().Only(ctx)
	if err != nil {
		return nil, err
	}
	s.pause(ctx, "updateComplianceProfile")
	reqs, cc := cur.Requirements, cur.Context
	if in.Requirements != nil {
		reqs = in.Requirements
	}
	reqs = union(reqs, in.AppendRequirements)
	if in.Context != nil {
		cc = *in.Context
	}
	res, err := s.AssessCompliance(reqs, &cc)
	if err != nil {
		return nil, err
	}
	return cur.Update().SetInput(in).SetRequirements(reqs).SetRiskScore(float64(res.Score)).SetRiskLevel(string(res.Level)).
		SetUseCaseTier(string(res.UseCaseTier)).SetRecommendations(res.Findings).SetPassedRules(res.Passed).
		SetRuleSetVersion(res.RuleSetVersion).SetAssessedAt(s.now().UTC().Truncate(time.Microsecond)).Save(ctx)
}

// union is a followed by the values of b it lacks, each once.
func union[T comparable](a, b []T) []T {
	out := make([]T, 0, len(a)+len(b))
	for _, v := range append(slices.Clip(a), b...) {
		if !slices.Contains(out, v) {
			out = append(out, v)
		}
	}
	return out
}
