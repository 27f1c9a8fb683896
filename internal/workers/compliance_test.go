package workers_test

import (
	"context"
	"encoding/json"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/modelarchitect/architect/ent"
	"github.com/modelarchitect/architect/internal/catalog"
	"github.com/modelarchitect/architect/internal/compliance"
	"github.com/modelarchitect/architect/internal/database"
	"github.com/modelarchitect/architect/internal/model"
	"github.com/modelarchitect/architect/internal/testutil"
	"github.com/modelarchitect/architect/internal/workers"
)

// nextRules is the embedded rule set as a later version would be: AIACT-AI-LITERACY raised to MEDIUM,
// GDPR-DATA-MINIMISATION removed, and the preset GENERAL dropped.
func nextRules(t *testing.T) *compliance.RuleSet {
	t.Helper()
	rs, err := compliance.Default()
	require.NoError(t, err)
	raw, err := json.Marshal(rs)
	require.NoError(t, err)
	var doc map[string]any
	require.NoError(t, json.Unmarshal(raw, &doc))
	const v = "2099-01-01.1"
	doc["version"] = v
	var rules []any
	for _, r := range doc["rules"].([]any) {
		rule := r.(map[string]any)
		switch rule["id"] {
		case "GDPR-DATA-MINIMISATION":
			continue
		case "AIACT-AI-LITERACY":
			rule["severity"], rule["version"] = "MEDIUM", v
		}
		rules = append(rules, rule)
	}
	doc["rules"] = rules
	var presets []any
	for _, u := range doc["useCases"].([]any) {
		if u.(map[string]any)["id"] != "GENERAL" {
			presets = append(presets, u)
		}
	}
	doc["useCases"] = presets
	doc["changes"] = append(doc["changes"].([]any), map[string]any{"version": v, "date": "2099-01-01", "summary": "test",
		"rules": []any{
			map[string]any{"id": "AIACT-AI-LITERACY", "change": "CHANGED", "note": "raised to MEDIUM"},
			map[string]any{"id": "GDPR-DATA-MINIMISATION", "change": "REMOVED", "note": "dropped"},
		}})
	raw, err = json.Marshal(doc)
	require.NoError(t, err)
	next, err := compliance.Parse(raw)
	require.NoError(t, err)
	return next
}

// generalBack is next as the version after it: the preset GENERAL back (from the embedded rules) and
// AIACT-AI-LITERACY lowered to LOW again.
func generalBack(t *testing.T, next *compliance.RuleSet) *compliance.RuleSet {
	t.Helper()
	embedded, err := compliance.Default()
	require.NoError(t, err)
	raw, err := json.Marshal(next)
	require.NoError(t, err)
	var doc map[string]any
	require.NoError(t, json.Unmarshal(raw, &doc))
	const v = "2099-02-01.1"
	doc["version"] = v
	for _, r := range doc["rules"].([]any) {
		if rule := r.(map[string]any); rule["id"] == "AIACT-AI-LITERACY" {
			rule["severity"], rule["version"] = "LOW", v
		}
	}
	for _, u := range embedded.UseCases {
		if u.ID == "GENERAL" {
			doc["useCases"] = append(doc["useCases"].([]any), u)
		}
	}
	doc["changes"] = append(doc["changes"].([]any), map[string]any{"version": v, "date": "2099-02-01", "summary": "test",
		"rules": []any{map[string]any{"id": "AIACT-AI-LITERACY", "change": "CHANGED", "note": "back to LOW"}}})
	raw, err = json.Marshal(doc)
	require.NoError(t, err)
	later, err := compliance.Parse(raw)
	require.NoError(t, err)
	return later
}

type testBundle struct {
	db    *database.DB
	owner int
	now   time.Time
}

func setup(t *testing.T, b testutil.Backend) *testBundle {
	t.Helper()
	db := testutil.NewDB(t, b)
	u, err := db.Client.User.Create().SetEmail("owner@example.com").SetPasswordHash("x").Save(testutil.System())
	require.NoError(t, err)
	return &testBundle{db: db, owner: u.ID, now: time.Date(2026, 12, 7, 9, 0, 0, 0, time.UTC)}
}

// profile stores a profile assessed with rules, as the API would have.
func (tb *testBundle) profile(t *testing.T, rules *compliance.RuleSet, name string, cc model.ComplianceContext) *ent.ComplianceProfile {
	t.Helper()
	reqs := []model.Regulation{"EU_AI_ACT", "GDPR"}
	create := tb.db.Client.ComplianceProfile.Create().SetOwnerID(tb.owner).SetName(name).SetRequirements(reqs).SetContext(cc)
	_, err := workers.AssessProfile(create.Mutation(), rules, catalog.Default(), nil, reqs, cc, tb.now)
	require.NoError(t, err)
	p, err := create.Save(testutil.System())
	require.NoError(t, err)
	return p
}

func TestReassessCompliance(t *testing.T) {
	t.Parallel()
	for _, b := range testutil.Backends() {
		t.Run(string(b), func(t *testing.T) {
			t.Parallel()
			if b == testutil.Postgres && testutil.PostgresURL() == "" {
				t.Skip("TEST_DATABASE_URL is not set")
			}
			tb := setup(t, b)
			old, err := compliance.Default()
			require.NoError(t, err)
			next := nextRules(t)
			hiring := tb.profile(t, old, "hiring", model.ComplianceContext{UseCase: "EMPLOYMENT", Region: "eu-west-1"})
			general := tb.profile(t, old, "general", model.ComplianceContext{UseCase: "GENERAL", DataCategories: []compliance.DataCategory{compliance.PII}})
			current := tb.profile(t, next, "current", model.ComplianceContext{UseCase: "CHATBOT"})
			never, err := tb.db.Client.ComplianceProfile.Create().SetOwnerID(tb.owner).SetName("never assessed").
				SetRequirements([]model.Regulation{"GDPR"}).Save(testutil.System())
			require.NoError(t, err)
			require.Equal(t, old.Version, hiring.RuleSetVersion)
			require.Empty(t, hiring.RuleChanges)

			d := &workers.Deps{DB: tb.db, Client: tb.db.Client, Catalog: catalog.Default(), Compliance: next,
				Now: func() time.Time { return tb.now.Add(time.Hour) }}
			n, err := workers.ReassessCompliance(context.Background(), d)
			require.NoError(t, err)
			require.Equal(t, 1, n, "hiring is re-assessed; general cannot be; current is current")

			got, err := tb.db.Client.ComplianceProfile.Get(testutil.System(), hiring.ID)
			require.NoError(t, err)
			require.Equal(t, next.Version, got.RuleSetVersion)
			require.Equal(t, old.Version, *got.PreviousRuleSetVersion)
			require.Equal(t, tb.now.Add(time.Hour), *got.AssessedAt)
			require.Nil(t, got.StaleReason)
			changes := map[string]compliance.RuleChange{}
			for _, c := range got.RuleChanges {
				changes[c.RuleID] = c
			}
			require.Len(t, changes, 2)
			lit := changes["AIACT-AI-LITERACY"]
			require.Equal(t, compliance.ChangeChanged, lit.Change)
			require.Equal(t, compliance.OutcomeFinding, *lit.Before)
			require.Equal(t, compliance.OutcomeFinding, *lit.After)
			gone := changes["GDPR-DATA-MINIMISATION"]
			require.Equal(t, compliance.ChangeRemoved, gone.Change)
			require.Equal(t, compliance.OutcomeFinding, *gone.Before, "EMPLOYMENT brings PII, unmasked")
			require.Equal(t, compliance.OutcomeAbsent, *gone.After)
			for _, f := range got.Recommendations {
				if f.RuleID == "AIACT-AI-LITERACY" {
					require.Equal(t, compliance.SeverityMedium, f.Severity, "the new rule is applied")
				}
			}
			require.Less(t, 0, len(got.TierReasons))

			stuck, err := tb.db.Client.ComplianceProfile.Get(testutil.System(), general.ID)
			require.NoError(t, err)
			require.Equal(t, old.Version, stuck.RuleSetVersion, "keeps its old result")
			require.NotNil(t, stuck.StaleReason)
			require.Contains(t, *stuck.StaleReason, "GENERAL")
			require.Contains(t, *stuck.StaleReason, next.Version)

			unchanged, err := tb.db.Client.ComplianceProfile.Get(testutil.System(), current.ID)
			require.NoError(t, err)
			require.WithinDuration(t, current.UpdatedAt, unchanged.UpdatedAt, time.Microsecond, "a current profile is not touched")

			left, err := tb.db.Client.ComplianceProfile.Get(testutil.System(), never.ID)
			require.NoError(t, err)
			require.Empty(t, left.RuleSetVersion, "a profile never assessed waits for its first update")

			n, err = workers.ReassessCompliance(context.Background(), d)
			require.NoError(t, err)
			require.Zero(t, n, "nothing left to do, and the stuck profile is not retried")
		})
	}
}

// During a rolling deploy old and new workers run side by side. A worker re-assesses only profiles assessed
// with a version its rules supersede: an old worker leaves alone a profile the new rules assessed, instead of
// assessing it back with the old rules and a "previous version" it does not know, which the new worker would
// then undo again.
func TestReassessComplianceMixedVersions(t *testing.T) {
	t.Parallel()
	for _, b := range testutil.Backends() {
		t.Run(string(b), func(t *testing.T) {
			t.Parallel()
			if b == testutil.Postgres && testutil.PostgresURL() == "" {
				t.Skip("TEST_DATABASE_URL is not set")
			}
			tb := setup(t, b)
			old, err := compliance.Default()
			require.NoError(t, err)
			next := nextRules(t)
			newer := tb.profile(t, next, "assessed by the new server", model.ComplianceContext{UseCase: "EMPLOYMENT", Region: "eu-west-1"})
			older := tb.profile(t, old, "assessed by the old server", model.ComplianceContext{UseCase: "EMPLOYMENT", Region: "eu-west-1"})
			worker := func(rules *compliance.RuleSet) *workers.Deps {
				return &workers.Deps{DB: tb.db, Client: tb.db.Client, Catalog: catalog.Default(), Compliance: rules,
					Now: func() time.Time { return tb.now.Add(time.Hour) }}
			}

			n, err := workers.ReassessCompliance(context.Background(), worker(old))
			require.NoError(t, err)
			require.Zero(t, n, "the old worker knows neither profile as out of date")
			got, err := tb.db.Client.ComplianceProfile.Get(testutil.System(), newer.ID)
			require.NoError(t, err)
			require.Equal(t, next.Version, got.RuleSetVersion, "not assessed back with the old rules")
			require.Nil(t, got.PreviousRuleSetVersion)
			require.WithinDuration(t, newer.UpdatedAt, got.UpdatedAt, time.Microsecond, "not touched")

			n, err = workers.ReassessCompliance(context.Background(), worker(next))
			require.NoError(t, err)
			require.Equal(t, 1, n, "the new worker re-assesses the old server's profile, once")
			got, err = tb.db.Client.ComplianceProfile.Get(testutil.System(), older.ID)
			require.NoError(t, err)
			require.Equal(t, next.Version, got.RuleSetVersion)
			require.Equal(t, old.Version, *got.PreviousRuleSetVersion)

			for _, rules := range []*compliance.RuleSet{old, next, old} {
				n, err = workers.ReassessCompliance(context.Background(), worker(rules))
				require.NoError(t, err)
				require.Zero(t, n, "rule set %s: nothing flips back and forth", rules.Version)
			}
		})
	}
}

// A profile the rules of one version refused is tried again by rules of another version, not by the same.
func TestReassessComplianceRetriesRefusedProfiles(t *testing.T) {
	t.Parallel()
	for _, b := range testutil.Backends() {
		t.Run(string(b), func(t *testing.T) {
			t.Parallel()
			if b == testutil.Postgres && testutil.PostgresURL() == "" {
				t.Skip("TEST_DATABASE_URL is not set")
			}
			tb := setup(t, b)
			old, err := compliance.Default()
			require.NoError(t, err)
			next := nextRules(t)
			later := generalBack(t, next)
			general := tb.profile(t, old, "general", model.ComplianceContext{UseCase: "GENERAL", DataCategories: []compliance.DataCategory{compliance.PII}})
			worker := func(rules *compliance.RuleSet) *workers.Deps {
				return &workers.Deps{DB: tb.db, Client: tb.db.Client, Catalog: catalog.Default(), Compliance: rules,
					Now: func() time.Time { return tb.now.Add(time.Hour) }}
			}

			n, err := workers.ReassessCompliance(context.Background(), worker(next))
			require.NoError(t, err)
			require.Zero(t, n)
			got, err := tb.db.Client.ComplianceProfile.Get(testutil.System(), general.ID)
			require.NoError(t, err)
			require.Equal(t, old.Version, got.RuleSetVersion)
			require.NotNil(t, got.StaleReason)
			require.Contains(t, *got.StaleReason, "rule set "+next.Version+" cannot assess")

			n, err = workers.ReassessCompliance(context.Background(), worker(next))
			require.NoError(t, err)
			require.Zero(t, n)
			again, err := tb.db.Client.ComplianceProfile.Get(testutil.System(), general.ID)
			require.NoError(t, err)
			require.WithinDuration(t, got.UpdatedAt, again.UpdatedAt, time.Microsecond, "the rules that refused it do not try again")

			n, err = workers.ReassessCompliance(context.Background(), worker(later))
			require.NoError(t, err)
			require.Equal(t, 1, n, "rules of a later version try again, and accept the preset")
			got, err = tb.db.Client.ComplianceProfile.Get(testutil.System(), general.ID)
			require.NoError(t, err)
			require.Equal(t, later.Version, got.RuleSetVersion)
			require.Equal(t, old.Version, *got.PreviousRuleSetVersion)
			require.Nil(t, got.StaleReason)
		})
	}
}
