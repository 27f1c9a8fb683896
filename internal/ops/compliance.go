package ops

import (
	"context"
	"fmt"
	"slices"
	"strings"

	"github.com/modelarchitect/architect/ent"
	"github.com/modelarchitect/architect/ent/complianceprofile"
	"github.com/modelarchitect/architect/internal/apperr"
	"github.com/modelarchitect/architect/internal/compliance"
	"github.com/modelarchitect/architect/internal/model"
	"github.com/modelarchitect/architect/internal/workers"
)

// AssessCompliance evaluates every rule for the requirements in the context. The context's model is looked up
// in the catalog; a model the catalog lacks is assessed as unknown (the rules report it), not refused. With the
// rule-set version of an earlier assessment, the result lists the rules changed since; a version the rule set's
// change log does not list (most likely mistyped) is refused, naming the versions it does.
func (s *Service) AssessCompliance(reqs []model.Regulation, c *model.ComplianceContext, previousVersion *string) (*compliance.Result, error) {
	if c == nil {
		c = &model.ComplianceContext{}
	}
	res, err := c.Assess(s.Compliance, s.Catalog, reqs)
	if err != nil {
		return nil, err
	}
	res.RuleChanges = []compliance.RuleChange{}
	if previousVersion != nil {
		changes, known := s.Compliance.Diff(*previousVersion, nil, res)
		if !known {
			return nil, apperr.Input("previousRuleSetVersion",
				"previousRuleSetVersion %q is not a version of the rule set this server uses; give the ruleSetVersion of an earlier assessment, one of: %s",
				*previousVersion, strings.Join(s.Compliance.Versions(), ", "))
		}
		res.RuleChanges = changes
	}
	return &res, nil
}

// CreateComplianceProfile assesses the profile's requirements in its context and saves both.
func (s *Service) CreateComplianceProfile(ctx context.Context, in ent.CreateComplianceProfileInput) (*ent.ComplianceProfile, error) {
	in.Requirements = union(in.Requirements, nil)
	var cc model.ComplianceContext
	if in.Context != nil {
		cc = *in.Context
	}
	create := s.ent(ctx).ComplianceProfile.Create().SetInput(in)
	if _, err := workers.AssessProfile(create.Mutation(), s.Compliance, s.Catalog, nil, in.Requirements, cc, s.now()); err != nil {
		return nil, err
	}
	return create.Save(ctx)
}

// UpdateComplianceProfile applies the fields sent to the profile as stored (locked, so that a concurrent
// update of another field is not lost to a stale copy) and assesses the result again; when the stored
// assessment used another rule-set version, the result lists the rules changed since. Requirements are a
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
	upd := cur.Update().SetInput(in).SetRequirements(reqs)
	if _, err := workers.AssessProfile(upd.Mutation(), s.Compliance, s.Catalog, cur, reqs, cc, s.now()); err != nil {
		return nil, err
	}
	return upd.Save(ctx)
}

// ComplianceStaleReason says why a profile's assessment may be out of date — it used another rule-set version
// than the one served, or none — and is nil when it is current.
func (s *Service) ComplianceStaleReason(p *ent.ComplianceProfile) *string {
	var why string
	switch {
	case p.RuleSetVersion == s.Compliance.Version:
		return nil
	case p.StaleReason != nil:
		why = *p.StaleReason
	case p.RuleSetVersion == "":
		why = "not assessed yet; an update assesses it"
	case !s.Compliance.Supersedes(p.RuleSetVersion):
		why = fmt.Sprintf("assessed with rule set %s, which the server's rule set %s does not list as an earlier version (a newer deploy's rules, or another rule file); the background job leaves it alone, an update re-assesses it with %s",
			p.RuleSetVersion, s.Compliance.Version, s.Compliance.Version)
	default:
		why = fmt.Sprintf("assessed with rule set %s, the server now uses %s; the background job re-assesses it within %s, an update at once, and ruleChanges then lists what changed",
			p.RuleSetVersion, s.Compliance.Version, workers.ComplianceReassessEvery)
	}
	return &why
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
