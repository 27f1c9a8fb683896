package compliance

import (
	"errors"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/modelarchitect/architect/internal/catalog"
)

func TestAssessIssueExamples(t *testing.T) {
	t.Parallel()
	rs, err := Default()
	require.NoError(t, err)
	noBAA := &catalog.Model{ID: "acme/chat", Provider: "acme", Regions: []string{"US"}, Attestations: []string{"SOC2_TYPE2"}}
	tests := []struct {
		name     string
		in       Assessment
		rule     string
		severity Severity
		level    Level
	}{
		{"HIPAA with PHI on a model without BAA eligibility is critical",
			Assessment{Requirements: []Requirement{HIPAA}, DataCategories: []DataCategory{PHI}, Region: "us-east-1", Model: noBAA, BAASigned: true},
			"HIPAA-BAA-ELIGIBILITY", SeverityCritical, LevelCritical},
		{"GDPR personal data outside the EEA without adequacy or SCCs is high",
			Assessment{Requirements: []Requirement{GDPR}, DataCategories: []DataCategory{PII}, Region: "us-east-1", Model: noBAA, DPA: true},
			"GDPR-TRANSFER-NO-SAFEGUARD", SeverityHigh, LevelHigh},
		{"EU AI Act high-risk employment needs human oversight by design",
			Assessment{Requirements: []Requirement{EUAIAct}, UseCase: "EMPLOYMENT", Region: "eu-west-1", Model: noBAA},
			"AIACT-PROVIDER-HUMAN-OVERSIGHT", SeverityHigh, LevelHigh},
		{"and by the deployer in use",
			Assessment{Requirements: []Requirement{EUAIAct}, UseCase: "EMPLOYMENT", Region: "eu-west-1", Model: noBAA},
			"AIACT-DEPLOYER-HUMAN-OVERSIGHT", SeverityHigh, LevelHigh},
		{"GDPR health data without an Art. 9(2) condition is critical",
			Assessment{Requirements: []Requirement{GDPR}, DataCategories: []DataCategory{PHI}, Region: "eu-west-1", Model: noBAA, DPA: true},
			"GDPR-SPECIAL-CATEGORY-CONDITION", SeverityCritical, LevelCritical},
		{"PCI DSS card data in prompts unmasked is critical, even without PCI_DSS listed",
			Assessment{DataCategories: []DataCategory{PaymentCard}, Region: "us-east-1", Model: noBAA, EncryptionInTransit: true},
			"PCI-PAN-IN-PROMPT", SeverityCritical, LevelCritical},
		{"prohibited practice scores 100",
			Assessment{Requirements: []Requirement{EUAIAct}, UseCase: "SOCIAL_SCORING", Region: "eu-west-1", Model: noBAA},
			"AIACT-PROHIBITED-PRACTICE", SeverityProhibited, LevelProhibited},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			res, err := rs.Assess(tc.in)
			require.NoError(t, err)
			f := findingByID(res, tc.rule)
			require.Equal(t, tc.rule, f.RuleID, "findings: %v", findingIDs(res))
			require.Equal(t, tc.severity, f.Severity)
			require.Equal(t, tc.level, res.Level)
			require.Equal(t, tc.severity, res.Findings[0].Severity, "most severe first")
			if tc.level == LevelProhibited {
				require.Equal(t, 100, res.Score)
			}
		})
	}
}

func TestAssessEvidenceAndMessage(t *testing.T) {
	t.Parallel()
	rs, err := Default()
	require.NoError(t, err)
	res, err := rs.Assess(Assessment{
		Requirements: []Requirement{HIPAA}, DataCategories: []DataCategory{PHI}, Region: "us-east-1",
		Model: &catalog.Model{ID: "acme/chat", Provider: "acme", Attestations: []string{"SOC2_TYPE2"}},
	})
	require.NoError(t, err)
	f := findingByID(res, "HIPAA-BAA-ELIGIBILITY")
	require.Equal(t, []string{
		"requirements include HIPAA",
		"dataCategories include PHI",
		"selfHosted is false",
		"model acme/chat lacks HIPAA_BAA (catalog attestations: [SOC2_TYPE2])",
	}, f.Evidence)
	require.Equal(t, "PHI would be sent to model acme/chat, which is not covered by a business associate agreement.", f.Message)
	require.Equal(t, "HIPAA, 45 CFR 164.502(e) and 164.504(e)", f.Source)
}

func TestAssessUnknownModelAndRegion(t *testing.T) {
	t.Parallel()
	rs, err := Default()
	require.NoError(t, err)
	base := compliant([]Requirement{GDPR, HIPAA}, []DataCategory{PII, PHI}, "GENERAL")

	unknown := base
	unknown.Model = nil
	res, err := rs.Assess(unknown)
	require.NoError(t, err)
	// an unknown model lacks every attestation, and says so
	require.Subset(t, findingIDs(res), []string{"GEN-MODEL-UNKNOWN", "HIPAA-BAA-ELIGIBILITY", "HIPAA-VENDOR-RETENTION"})
	// its data zones are not checked: no region finding is made up
	require.Contains(t, passedIDs(res), "GDPR-MODEL-OUTSIDE-REGION")

	selfHosted := unknown
	selfHosted.SelfHosted = true
	res, err = rs.Assess(selfHosted)
	require.NoError(t, err)
	require.Empty(t, res.Findings, "self-hosted in the EU with every control: no vendor rules apply")
	require.Contains(t, res.NotApplicable, "GEN-MODEL-UNKNOWN")

	mars := base
	mars.Region = "mars-north-1"
	res, err = rs.Assess(mars)
	require.NoError(t, err)
	require.Subset(t, findingIDs(res), []string{"GEN-REGION-UNKNOWN", "GDPR-TRANSFER-NO-SAFEGUARD"})
}

func TestAssessRegions(t *testing.T) {
	t.Parallel()
	rs, err := Default()
	require.NoError(t, err)
	tests := []struct {
		region   string
		transfer bool // GDPR-TRANSFER-NO-SAFEGUARD fires
	}{
		{"eu-west-1", false},        // Ireland, EEA
		{"europe-west4", false},     // Netherlands, EEA
		{"westeurope", false},       // Azure, Netherlands
		{"EU", false},               // model-API EU zone
		{"eu", false},               // case-insensitive (Vertex "eu" multi-region)
		{"eu-west-2", false},        // London: UK adequacy
		{"switzerlandnorth", false}, // Swiss adequacy
		{"us-east-1", true},
		{"US", true},
		{"GLOBAL", true},
		{"ap-southeast-1", true}, // Singapore
		{"CN", true},
	}
	for _, tc := range tests {
		t.Run(tc.region, func(t *testing.T) {
			t.Parallel()
			a := compliant([]Requirement{GDPR}, []DataCategory{PII}, "GENERAL")
			a.Region = tc.region
			a.Model.Regions = []string{"US", "EU", "GLOBAL", "APAC", "CN"}
			res, err := rs.Assess(a)
			require.NoError(t, err)
			require.Equal(t, tc.transfer, contains(findingIDs(res), "GDPR-TRANSFER-NO-SAFEGUARD"), "findings %v", findingIDs(res))
			require.NotContains(t, findingIDs(res), "GEN-REGION-UNKNOWN")
		})
	}
}

func TestAssessDeterministic(t *testing.T) {
	t.Parallel()
	rs, err := Default()
	require.NoError(t, err)
	a := Assessment{Requirements: []Requirement{GDPR, HIPAA, SOC2, CCPA, EUAIAct}, DataCategories: []DataCategory{PII, PHI, PaymentCard, Children},
		UseCase: "CREDIT_SCORING", Region: "us-east-1", RetentionDays: 90, AutomatedDecisions: true}
	b := a
	b.Requirements = []Requirement{EUAIAct, CCPA, SOC2, HIPAA, GDPR, GDPR}
	b.DataCategories = []DataCategory{Children, PaymentCard, PHI, PII}
	first, err := rs.Assess(a)
	require.NoError(t, err)
	for range 5 {
		again, err := rs.Assess(b)
		require.NoError(t, err)
		require.Equal(t, findingIDs(first), findingIDs(again))
		require.Equal(t, first.Score, again.Score)
		require.Equal(t, first.Passed, again.Passed)
	}
	for i := 1; i < len(first.Findings); i++ {
		p, c := first.Findings[i-1], first.Findings[i]
		require.True(t, severityRank(p.Severity) < severityRank(c.Severity) ||
			p.Severity == c.Severity && p.RuleID < c.RuleID, "ordered by severity then id")
	}
}

func TestAssessValidation(t *testing.T) {
	t.Parallel()
	rs, err := Default()
	require.NoError(t, err)
	tests := []struct {
		name  string
		in    Assessment
		field string
	}{
		{"unknown requirement", Assessment{Requirements: []Requirement{GDPR, "FERPA"}}, "requirements[1]"},
		{"unknown data category", Assessment{DataCategories: []DataCategory{"SECRETS"}}, "dataCategories[0]"},
		{"unknown use case without facts", Assessment{UseCase: "DATING"}, "useCase"},
		{"unknown sector", func() Assessment { a := Assessment{}; a.Sector = "SPACE"; return a }(), "sector"},
		{"unknown purpose", func() Assessment { a := Assessment{}; a.Purposes = []Purpose{PurposeRecruitment, "HIRING"}; return a }(), "purposes[1]"},
		{"unknown role", Assessment{Roles: []Role{"RESELLER"}}, "roles[0]"},
		{"unknown Art. 9(2) condition", Assessment{SpecialCategoryCondition: "CONSENT"}, "specialCategoryCondition"},
		{"unknown transfer mechanism", Assessment{TransferMechanism: "HANDSHAKE"}, "transferMechanism"},
		{"negative retention", Assessment{RetentionDays: -1}, "retentionDays"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			_, err := rs.Assess(tc.in)
			var ve *ValidationError
			require.True(t, errors.As(err, &ve), "got %v", err)
			require.Equal(t, tc.field, ve.Field)
		})
	}
}

func TestAssessNothingApplies(t *testing.T) {
	t.Parallel()
	rs, err := Default()
	require.NoError(t, err)
	res, err := rs.Assess(Assessment{})
	require.NoError(t, err)
	require.Equal(t, 0, res.Score)
	require.Equal(t, LevelNone, res.Level)
	require.Empty(t, res.Findings)
	require.Empty(t, res.Passed)
	require.Len(t, res.NotApplicable, len(rs.Rules))
	require.Empty(t, res.TierReasons)
	require.Equal(t, TierUnclassified, res.UseCaseTier)
	require.Equal(t, []Role{RoleProvider, RoleDeployer}, res.Roles, "no role stated: provider and deployer")
}
