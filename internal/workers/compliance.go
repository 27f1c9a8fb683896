package workers

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/riverqueue/river"

	"github.com/modelarchitect/architect/ent"
	"github.com/modelarchitect/architect/ent/complianceprofile"
	"github.com/modelarchitect/architect/ent/predicate"
	"github.com/modelarchitect/architect/internal/catalog"
	"github.com/modelarchitect/architect/internal/compliance"
	"github.com/modelarchitect/architect/internal/model"
)

// ComplianceReassessEvery is how often the worker looks for compliance profiles assessed with an earlier rule-set
// version than its own; it also looks once when it starts, so a deploy with new rules re-assesses at once.
const ComplianceReassessEvery = 15 * time.Minute

// ComplianceReassessArgs re-assesses stale compliance profiles (a periodic job).
type ComplianceReassessArgs struct{}

func (ComplianceReassessArgs) Kind() string { return "compliance_reassess" }

func complianceReassessJob() *river.PeriodicJob {
	return river.NewPeriodicJob(river.PeriodicInterval(ComplianceReassessEvery),
		func() (river.JobArgs, *river.InsertOpts) { return ComplianceReassessArgs{}, nil },
		&river.PeriodicJobOpts{RunOnStart: true})
}

type complianceWorker struct {
	river.WorkerDefaults[ComplianceReassessArgs]
	d *Deps
}

func (w *complianceWorker) Work(ctx context.Context, _ *river.Job[ComplianceReassessArgs]) error {
	_, err := ReassessCompliance(ctx, w.d)
	return err
}

// complianceRules is the rule set profiles are re-assessed with: the one the API serves when it is wired in,
// else the embedded one.
func (d *Deps) complianceRules() (*compliance.RuleSet, error) {
	if d.Compliance != nil {
		return d.Compliance, nil
	}
	return compliance.Default()
}

// ReassessCompliance assesses again every compliance profile whose last assessment used a rule-set version
// these rules supersede (an earlier entry of their change log), one locked row per transaction, and returns how
// many it re-assessed. The result lists the rules that changed since, with what each gave before and after. A
// profile assessed with a version the change log does not know — a newer one, written by an upgraded replica
// during a rolling deploy — is left alone, so that mixed versions do not undo each other. A profile whose stored
// context the new rules refuse (a preset they dropped, say) keeps its old result and gets a stale reason naming
// the rule-set version that refused it; it is tried again by rules of another version, or when it is updated.
func ReassessCompliance(ctx context.Context, d *Deps) (int, error) {
	rules, err := d.complianceRules()
	if err != nil {
		return 0, err
	}
	sys := system(ctx)
	done, after := 0, 0
	for {
		ids, err := d.Client.ComplianceProfile.Query().
			Where(complianceprofile.IDGT(after), stale(rules)).
			Order(ent.Asc(complianceprofile.FieldID)).Limit(100).IDs(sys)
		if err != nil || len(ids) == 0 {
			return done, err
		}
		for _, id := range ids {
			ok, err := reassessProfile(sys, d, rules, id)
			if err != nil {
				return done, fmt.Errorf("re-assess compliance profile %d: %w", id, err)
			}
			if ok {
				done++
			}
		}
		after = ids[len(ids)-1]
	}
}

// stale selects the profiles to re-assess: assessed with a version these rules supersede, and not refused by
// this version already. Profiles never assessed (seeded ones, say) are left for their first update.
func stale(rules *compliance.RuleSet) predicate.ComplianceProfile {
	versions := rules.Versions()
	return complianceprofile.And(complianceprofile.RuleSetVersionIn(versions[:len(versions)-1]...),
		complianceprofile.Or(complianceprofile.StaleReasonIsNil(), complianceprofile.Not(complianceprofile.StaleReasonHasPrefix(refusedBy(rules.Version)))))
}

// refusedBy begins the stale reason of a profile the rule set of version v could not assess; the reason is
// how the job knows which version refused it.
func refusedBy(v string) string { return "rule set " + v + " cannot assess the stored context" }

// reassessProfile re-assesses one profile if it is still stale once locked (an update may have won the race).
func reassessProfile(ctx context.Context, d *Deps, rules *compliance.RuleSet, id int) (bool, error) {
	done := false
	err := d.DB.InTx(ctx, func(ctx context.Context) error {
		p, err := ent.FromContext(ctx).ComplianceProfile.Query().
			Where(complianceprofile.ID(id), stale(rules)).
			LockForUpdate().Only(ctx)
		if ent.IsNotFound(err) {
			return nil
		}
		if err != nil {
			return err
		}
		upd := p.Update()
		_, err = AssessProfile(upd.Mutation(), rules, d.Catalog, p, p.Requirements, p.Context, d.now())
		var invalid *compliance.ValidationError
		switch {
		case errors.As(err, &invalid):
			upd = p.Update().SetStaleReason(fmt.Sprintf("%s (%s); update the profile's context", refusedBy(rules.Version), invalid.Error()))
		case err != nil:
			return err
		default:
			done = true
		}
		return upd.Exec(ctx)
	})
	return done, err
}

// AssessProfile assesses a compliance profile's requirements in its context with the rules and sets every
// derived field on m: score, level, tier and its reasons, findings, passed rules, the rule-set version and when.
// prev is the profile as stored (nil when creating it): when it was assessed with another rule-set version,
// the rules changed since are recorded with what each gave before and after; otherwise none are.
func AssessProfile(m *ent.ComplianceProfileMutation, rules *compliance.RuleSet, cat *catalog.Catalog, prev *ent.ComplianceProfile,
	reqs []model.Regulation, cc model.ComplianceContext, at time.Time) (compliance.Result, error) {
	res, err := cc.Assess(rules, cat, reqs)
	if err != nil {
		return res, err
	}
	res.RuleChanges = []compliance.RuleChange{}
	if prev != nil {
		m.ClearStaleReason()
		if prev.RuleSetVersion != "" && prev.RuleSetVersion != rules.Version {
			// A stored version the log does not know is no one's typo: the whole log is the best account.
			res.RuleChanges, _ = rules.Diff(prev.RuleSetVersion, storedOutcomes(prev), res)
			m.SetPreviousRuleSetVersion(prev.RuleSetVersion)
		} else {
			m.ClearPreviousRuleSetVersion()
		}
	}
	m.SetRiskScore(float64(res.Score))
	m.SetRiskLevel(string(res.Level))
	m.SetUseCaseTier(string(res.UseCaseTier))
	m.SetTierReasons(res.TierReasons)
	m.SetRecommendations(res.Findings)
	m.SetPassedRules(res.Passed)
	m.SetRuleSetVersion(res.RuleSetVersion)
	m.SetRuleChanges(res.RuleChanges)
	m.SetAssessedAt(at.UTC().Truncate(time.Microsecond))
	return res, nil
}

// storedOutcomes is what each rule gave in the profile's stored assessment; rules it does not list were out of
// scope (or did not exist).
func storedOutcomes(p *ent.ComplianceProfile) map[string]compliance.RuleOutcome {
	return compliance.Result{Findings: p.Recommendations, Passed: p.PassedRules, TierReasons: p.TierReasons}.Outcomes()
}
