package graph_test

import (
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/modelarchitect/architect/internal/catalog"
	"github.com/modelarchitect/architect/internal/compliance"
	"github.com/modelarchitect/architect/internal/testutil"
	"github.com/modelarchitect/architect/internal/viewer"
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
