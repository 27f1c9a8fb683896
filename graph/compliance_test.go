package graph_test

import (
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/modelarchitect/architect/internal/catalog"
	"github.com/modelarchitect/architect/internal/compliance"
	"github.com/modelarchitect/architect/internal/testutil"
	"github.com/modelarchitect/architect/internal/viewer"
	"github.com/modelarchitect/architect/internal/workers"
)

type finding struct {
	RuleID, Regulation, Source, Severity, Message, Recommendation string
	Evidence                                                      []string
}

func TestAssessCompliance(t *testing.T) {
	t.Parallel()
	s := testutil.NewServer(t, testutil.SQLite)
	c := s.Client(s.SignUp(t, "comp@example.com", viewer.RoleFree).Token)

	// PHI under HIPAA on the Gemini Developer API, which the catalog does not list as HIPAA BAA eligible.
	var out struct {
		AssessCompliance struct {
			Score    int
			Level    string
			Findings []finding
			Passed   []struct{ RuleID string }
		}
	}
	c.MustDo(t, `{ assessCompliance(input: {requirements: [HIPAA], context: {dataCategories: [PHI], useCase: "CUSTOMER_SUPPORT",
		provider: "gemini", region: "US", model: "gemini/gemini-2.5-flash", encryptionInTransit: true, accessControls: true, logging: true}}) {
		score level findings { ruleId regulation source severity message recommendation evidence } passed { ruleId } } }`, nil, &out)
	r := out.AssessCompliance
	m, err := catalog.Default().Model("gemini/gemini-2.5-flash")
	require.NoError(t, err)
	require.NotContains(t, m.Attestations, "HIPAA_BAA", "the case assumes the catalog lists no BAA for this model")
	critical := false
	for _, f := range r.Findings {
		require.NotEmpty(t, f.Source, f.RuleID)
		require.NotEmpty(t, f.Recommendation, f.RuleID)
		if f.Regulation == "HIPAA" && f.Severity == "CRITICAL" {
			critical = true
		}
	}
	require.True(t, critical, "HIPAA with PHI without BAA eligibility is critical: %+v", r.Findings)
	require.Equal(t, "CRITICAL", r.Level)
	require.GreaterOrEqual(t, r.Score, 75)

	// The API gives what the engine gives.
	rules, err := compliance.Default()
	require.NoError(t, err)
	want, err := rules.Assess(compliance.Assessment{Requirements: []compliance.Requirement{compliance.HIPAA},
		DataCategories: []compliance.DataCategory{compliance.PHI}, UseCase: "CUSTOMER_SUPPORT", Provider: "gemini", Region: "US",
		Model: &m, EncryptionInTransit: true, AccessControls: true, Logging: true})
	require.NoError(t, err)
	require.Equal(t, want.Score, r.Score)
	require.Len(t, r.Findings, len(want.Findings))
	require.Len(t, r.Passed, len(want.Passed))

	e := c.Err(t, `{ assessCompliance(input: {requirements: [GDPR], context: {useCase: "TIME_TRAVEL"}}) { score } }`, nil)
	require.Equal(t, "BAD_USER_INPUT", e.Code())
	require.Contains(t, e.Message, "TIME_TRAVEL")

	var uc struct{ ComplianceUseCases []struct{ ID, Tier string } }
	c.MustDo(t, `{ complianceUseCases { id tier source description } }`, nil, &uc)
	tiers := map[string]string{}
	for _, u := range uc.ComplianceUseCases {
		tiers[u.ID] = u.Tier
	}
	require.Equal(t, "HIGH", tiers["EMPLOYMENT"])
	require.Equal(t, "PROHIBITED", tiers["SOCIAL_SCORING"])
	require.Equal(t, "HIGH", tiers["EMOTION_RECOGNITION"], "Annex III point 1(c), not limited")
}

func TestComplianceProfileIsAssessedOnSave(t *testing.T) {
	t.Parallel()
	eachBackend(t, func(t *testing.T, b testutil.Backend) {
		s := testutil.NewServer(t, b)
		c := s.Client(s.SignUp(t, "prof@example.com", viewer.RoleFree).Token)
		type profile struct {
			ID              string
			RiskScore       *float64
			RiskLevel       string
			UseCaseTier     string
			Recommendations []finding
			PassedRules     []struct{ RuleID string }
			RuleSetVersion  string
			AssessedAt      *string
		}
		var created struct{ CreateComplianceProfile profile }
		c.MustDo(t, `mutation { createComplianceProfile(input: {name: "hiring", requirements: [EU_AI_ACT, GDPR],
			context: {useCase: "EMPLOYMENT", dataCategories: [PII], region: "eu-west-1", provider: "AWS", selfHosted: true}}) {
			id riskScore riskLevel useCaseTier recommendations { ruleId regulation severity message } passedRules { ruleId } ruleSetVersion assessedAt } }`, nil, &created)
		p := created.CreateComplianceProfile
		require.NotNil(t, p.RiskScore)
		require.NotNil(t, p.AssessedAt)
		require.NotEmpty(t, p.RuleSetVersion)
		require.Equal(t, "HIGH", p.UseCaseTier, "employment is an Annex III high-risk use")
		aiAct := 0
		for _, f := range p.Recommendations {
			if f.Regulation == "EU_AI_ACT" {
				aiAct++
			}
		}
		require.GreaterOrEqual(t, aiAct, 3, "risk management, logging, human oversight and conformity assessment are missing")

		// With the controls in place the score falls and those findings pass.
		var updated struct{ UpdateComplianceProfile profile }
		c.MustDo(t, `mutation($id: ID!) { updateComplianceProfile(id: $id, input: {context: {useCase: "EMPLOYMENT", dataCategories: [PII],
			region: "eu-west-1", provider: "AWS", selfHosted: true, riskManagement: true, logging: true, humanOversight: true,
			conformityAssessment: true, dpia: true, dpa: true, encryptionInTransit: true, accessControls: true, piiMasking: true, aiDisclosure: true}}) {
			riskScore recommendations { ruleId } passedRules { ruleId } } }`, map[string]any{"id": p.ID}, &updated)
		require.Less(t, *updated.UpdateComplianceProfile.RiskScore, *p.RiskScore)
		require.Greater(t, len(updated.UpdateComplianceProfile.PassedRules), len(p.PassedRules))
	})
}

// A previousRuleSetVersion the rule set's change log does not list is refused, naming the versions it does,
// instead of passing off the whole log as the changes since.
func TestAssessCompliancePreviousVersion(t *testing.T) {
	t.Parallel()
	s := testutil.NewServer(t, testutil.SQLite)
	c := s.Client(s.SignUp(t, "versions@example.com", viewer.RoleFree).Token)
	rules, err := compliance.Default()
	require.NoError(t, err)
	const q = `query($v: String) { assessCompliance(input: {requirements: [EU_AI_ACT], context: {useCase: "EMPLOYMENT"},
		previousRuleSetVersion: $v}) { ruleSetVersion ruleChanges { ruleId } } }`
	for _, tc := range []struct {
		name, version string
		changes       bool // some rule changed since
	}{
		{"the first version", rules.Changes[0].Version, true},
		{"the current version", rules.Version, false},
	} {
		t.Run(tc.name, func(t *testing.T) {
			var out struct {
				AssessCompliance struct{ RuleChanges []struct{ RuleID string } }
			}
			c.MustDo(t, q, map[string]any{"v": tc.version}, &out)
			require.Equal(t, tc.changes, len(out.AssessCompliance.RuleChanges) > 0)
		})
	}

	typo := strings.ReplaceAll(rules.Version, "-", "") // the date without its dashes
	e := c.Err(t, q, map[string]any{"v": typo})
	require.Equal(t, "BAD_USER_INPUT", e.Code())
	require.Equal(t, "previousRuleSetVersion", e.Extensions["field"])
	require.Contains(t, e.Message, `"`+typo+`"`)
	for _, v := range rules.Versions() {
		require.Contains(t, e.Message, v, "the message lists the versions known")
	}
}

type tierReason struct {
	RuleID, Tier, Source string
	SetAside             bool
	Evidence             []string
}

// An unlisted use case — medical triage, which no preset names — is assessed from its facts, and a profile
// keeps the facts (docs/engines/compliance.md, "The tier").
func TestAssessUnlistedUseCase(t *testing.T) {
	t.Parallel()
	eachBackend(t, func(t *testing.T, b testutil.Backend) {
		s := testutil.NewServer(t, b)
		c := s.Client(s.SignUp(t, "triage@example.com", viewer.RoleFree).Token)
		const ctx = `{useCase: "MEDICAL_TRIAGE", sector: HEALTHCARE, purposes: [EMERGENCY_TRIAGE], interactsWithPeople: true,
			roles: [DEPLOYER], dataCategories: [PHI], region: "eu-west-1", dpa: true, humanOversight: true}`
		var out struct {
			AssessCompliance struct {
				Score       int
				Level       string
				UseCaseTier string
				Roles       []string
				TierReasons []tierReason
				Findings    []struct {
					RuleID, Severity, RuleVersion string
					Role                          *string
					Evidence                      []string
				}
			}
		}
		c.MustDo(t, `{ assessCompliance(input: {requirements: [EU_AI_ACT, GDPR], context: `+ctx+`}) {
			score level useCaseTier roles tierReasons { ruleId tier source setAside evidence }
			findings { ruleId severity ruleVersion role evidence } } }`, nil, &out)
		r := out.AssessCompliance
		require.Equal(t, "HIGH", r.UseCaseTier)
		require.Equal(t, []string{"DEPLOYER"}, r.Roles)
		require.Equal(t, tierReason{RuleID: "AIACT-ANNEX-III-5D", Tier: "HIGH",
			Source: "Regulation (EU) 2024/1689 (AI Act) Art. 6(2) and Annex III point 5(d)", Evidence: []string{"purposes include EMERGENCY_TRIAGE", "annexIIIDerogation is false"}},
			r.TierReasons[0], "the fact that triggered the tier")
		require.Equal(t, "AIACT-ART50-1", r.TierReasons[1].RuleID)
		byID := map[string]int{}
		for i, f := range r.Findings {
			byID[f.RuleID] = i
			require.NotEmpty(t, f.RuleVersion, f.RuleID)
		}
		require.Contains(t, byID, "GDPR-SPECIAL-CATEGORY-CONDITION", "health data needs a GDPR Art. 9(2) condition")
		require.Nil(t, r.Findings[byID["GDPR-SPECIAL-CATEGORY-CONDITION"]].Role)
		require.Contains(t, byID, "AIACT-DEPLOYER-MONITORING")
		require.Equal(t, "DEPLOYER", *r.Findings[byID["AIACT-DEPLOYER-MONITORING"]].Role)
		require.NotContains(t, byID, "AIACT-PROVIDER-RISK-MANAGEMENT", "a deployer owes no Art. 9 risk-management system")
		require.Equal(t, "CRITICAL", r.Level)

		// A profile stores the facts and the tier reasons.
		var created struct {
			CreateComplianceProfile struct {
				UseCaseTier string
				Stale       bool
				StaleReason *string
				TierReasons []tierReason
				Context     struct {
					UseCase, Sector, SpecialCategoryCondition string
					Purposes, Roles                           []string
					InteractsWithPeople                       bool
				}
			}
		}
		c.MustDo(t, `mutation { createComplianceProfile(input: {name: "triage", requirements: [EU_AI_ACT, GDPR], context: `+ctx+`}) {
			useCaseTier stale staleReason tierReasons { ruleId tier }
			context { useCase sector purposes roles interactsWithPeople specialCategoryCondition } } }`, nil, &created)
		p := created.CreateComplianceProfile
		require.Equal(t, "HIGH", p.UseCaseTier)
		require.False(t, p.Stale)
		require.Nil(t, p.StaleReason)
		require.Equal(t, "AIACT-ANNEX-III-5D", p.TierReasons[0].RuleID)
		require.Equal(t, "MEDICAL_TRIAGE", p.Context.UseCase)
		require.Equal(t, "HEALTHCARE", p.Context.Sector)
		require.Equal(t, []string{"EMERGENCY_TRIAGE"}, p.Context.Purposes)
		require.Equal(t, []string{"DEPLOYER"}, p.Context.Roles)
		require.True(t, p.Context.InteractsWithPeople)
		require.Equal(t, "NONE", p.Context.SpecialCategoryCondition)
	})
}

// nextRuleFile writes the embedded rule set as a later version would be — AIACT-AI-LITERACY raised to
// MEDIUM, GDPR-DATA-MINIMISATION removed, the preset GENERAL dropped — and returns its path and rules.
func nextRuleFile(t *testing.T) (string, *compliance.RuleSet) {
	t.Helper()
	rs, err := compliance.Default()
	require.NoError(t, err)
	raw, err := json.Marshal(rs)
	require.NoError(t, err)
	var doc map[string]any
	require.NoError(t, json.Unmarshal(raw, &doc))
	const v = "2099-01-01.1"
	doc["version"] = v
	var rules, presets []any
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
	for _, u := range doc["useCases"].([]any) {
		if u.(map[string]any)["id"] != "GENERAL" {
			presets = append(presets, u)
		}
	}
	doc["rules"], doc["useCases"] = rules, presets
	doc["changes"] = append(doc["changes"].([]any), map[string]any{"version": v, "date": "2099-01-01", "summary": "test",
		"rules": []any{
			map[string]any{"id": "AIACT-AI-LITERACY", "change": "CHANGED", "note": "raised to MEDIUM"},
			map[string]any{"id": "GDPR-DATA-MINIMISATION", "change": "REMOVED", "note": "dropped"},
		}})
	raw, err = json.Marshal(doc)
	require.NoError(t, err)
	next, err := compliance.Parse(raw)
	require.NoError(t, err)
	path := filepath.Join(t.TempDir(), "rules.json")
	require.NoError(t, os.WriteFile(path, raw, 0o600))
	return path, next
}

type ruleChange struct {
	RuleID, Change, RuleVersion, Note string
	Before, After                     *string
}

// Profiles assessed with an older rule set are shown stale, then re-assessed by the background job, with the
// rules that changed listed (docs/engines/compliance.md, "Versions and changes").
func TestComplianceProfilesAfterRuleSetChange(t *testing.T) {
	t.Parallel()
	eachBackend(t, func(t *testing.T, b testutil.Backend) {
		db := testutil.NewDB(t, b)
		path, next := nextRuleFile(t)
		old, err := compliance.Default()
		require.NoError(t, err)
		type profile struct {
			ID, RuleSetVersion     string
			Stale                  bool
			StaleReason            *string
			PreviousRuleSetVersion *string
			RiskScore              float64
			RuleChanges            []ruleChange
			Recommendations        []struct{ RuleID, Severity string }
		}
		const fields = `id ruleSetVersion stale staleReason previousRuleSetVersion riskScore
			ruleChanges { ruleId change ruleVersion note before after } recommendations { ruleId severity }`
		read := func(c *testutil.Client, id string) profile {
			var out struct{ Node profile }
			c.MustDo(t, `query($id: ID!) { node(id: $id) { ... on ComplianceProfile { `+fields+` } } }`, map[string]any{"id": id}, &out)
			return out.Node
		}

		// 1. Profiles assessed with today's rules.
		a := testutil.NewServer(t, b, testutil.ServerOptions{DB: db})
		user := a.SignUp(t, "rules@example.com", viewer.RoleFree)
		var hiring, general struct{ CreateComplianceProfile profile }
		a.Client(user.Token).MustDo(t, `mutation { createComplianceProfile(input: {name: "hiring", requirements: [EU_AI_ACT, GDPR],
			context: {useCase: "EMPLOYMENT", region: "eu-west-1"}}) { `+fields+` } }`, nil, &hiring)
		a.Client(user.Token).MustDo(t, `mutation { createComplianceProfile(input: {name: "general", requirements: [GDPR],
			context: {useCase: "GENERAL", dataCategories: [PII]}}) { `+fields+` } }`, nil, &general)
		require.Equal(t, old.Version, hiring.CreateComplianceProfile.RuleSetVersion)
		require.Empty(t, hiring.CreateComplianceProfile.RuleChanges)
		require.NoError(t, a.App.Jobs.Stop(t.Context()))

		// 2. A server with the new rules whose workers still run the old ones (a replica not yet upgraded): the
		// profiles show stale, and an assessment names the rules changed since the old version.
		env := map[string]string{"COMPLIANCE_RULES_FILE": path}
		s := testutil.NewServer(t, b, testutil.ServerOptions{DB: db, Env: env, Deps: func(d *workers.Deps) { d.Compliance = old }})
		c := s.Client(user.Token) // same secret, same database
		p := read(c, hiring.CreateComplianceProfile.ID)
		require.True(t, p.Stale)
		require.Contains(t, *p.StaleReason, "assessed with rule set "+old.Version+", the server now uses "+next.Version)
		var assessed struct {
			AssessCompliance struct{ RuleChanges []ruleChange }
		}
		c.MustDo(t, `query($v: String) { assessCompliance(input: {requirements: [GDPR], context: {useCase: "EMPLOYMENT"},
			previousRuleSetVersion: $v}) { ruleChanges { ruleId change ruleVersion note before after } } }`, map[string]any{"v": old.Version}, &assessed)
		finding, absent, notApplicable := "FINDING", "ABSENT", "NOT_APPLICABLE"
		require.Equal(t, []ruleChange{
			{RuleID: "AIACT-AI-LITERACY", Change: "CHANGED", RuleVersion: next.Version, Note: "raised to MEDIUM", After: &notApplicable},
			{RuleID: "GDPR-DATA-MINIMISATION", Change: "REMOVED", RuleVersion: next.Version, Note: "dropped", After: &absent},
		}, assessed.AssessCompliance.RuleChanges)
		require.NoError(t, s.App.Jobs.Stop(t.Context()))

		// 3. Workers with the new rules re-assess the stale profiles when they start.
		w := testutil.NewServer(t, b, testutil.ServerOptions{DB: db, Env: env, Deps: func(d *workers.Deps) { d.Compliance = next }})
		c = w.Client(user.Token)
		require.Eventually(t, func() bool { return !read(c, hiring.CreateComplianceProfile.ID).Stale }, 20*time.Second, 50*time.Millisecond)
		p = read(c, hiring.CreateComplianceProfile.ID)
		require.Equal(t, next.Version, p.RuleSetVersion)
		require.Nil(t, p.StaleReason)
		require.Equal(t, old.Version, *p.PreviousRuleSetVersion)
		require.Equal(t, []ruleChange{
			{RuleID: "AIACT-AI-LITERACY", Change: "CHANGED", RuleVersion: next.Version, Note: "raised to MEDIUM", Before: &finding, After: &finding},
			{RuleID: "GDPR-DATA-MINIMISATION", Change: "REMOVED", RuleVersion: next.Version, Note: "dropped", Before: &finding, After: &absent},
		}, p.RuleChanges)
		for _, f := range p.Recommendations {
			if f.RuleID == "AIACT-AI-LITERACY" {
				require.Equal(t, "MEDIUM", f.Severity)
			}
		}
		// The profile whose preset the new rules dropped keeps its result and says why it is stale.
		require.Eventually(t, func() bool {
			r := read(c, general.CreateComplianceProfile.ID).StaleReason
			return r != nil && strings.Contains(*r, "cannot assess the stored context")
		}, 20*time.Second, 50*time.Millisecond)
		g := read(c, general.CreateComplianceProfile.ID)
		require.True(t, g.Stale)
		require.Equal(t, old.Version, g.RuleSetVersion)
		require.Contains(t, *g.StaleReason, "GENERAL")

		// An update re-assesses at once, and the same version lists no changes.
		var upd struct{ UpdateComplianceProfile profile }
		c.MustDo(t, `mutation($id: ID!) { updateComplianceProfile(id: $id, input: {context: {useCase: "EMPLOYMENT", region: "eu-west-1", aiLiteracy: true}}) { `+
			fields+` } }`, map[string]any{"id": hiring.CreateComplianceProfile.ID}, &upd)
		require.Empty(t, upd.UpdateComplianceProfile.RuleChanges)
		require.Nil(t, upd.UpdateComplianceProfile.PreviousRuleSetVersion)
		require.False(t, upd.UpdateComplianceProfile.Stale)
		require.NoError(t, w.App.Jobs.Stop(t.Context()))

		// 4. A replica still on the old rules (API and workers) during a rolling deploy: the profile the new rules
		// assessed is stale to it, but its workers leave it alone, and it says so.
		o := testutil.NewServer(t, b, testutil.ServerOptions{DB: db, Deps: func(d *workers.Deps) { d.Compliance = old }})
		p = read(o.Client(user.Token), hiring.CreateComplianceProfile.ID)
		require.True(t, p.Stale)
		require.Equal(t, next.Version, p.RuleSetVersion)
		require.Contains(t, *p.StaleReason, "does not list as an earlier version")
		require.Contains(t, *p.StaleReason, "the background job leaves it alone")
	})
}
