package compliance

import (
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/modelarchitect/architect/internal/catalog"
)

// goodModel has every data zone and attestation the rules look for.
func goodModel() *catalog.Model {
	return &catalog.Model{
		ID: "acme/model-1", Provider: "acme",
		Regions:      []string{"US", "EU"},
		Attestations: []string{"HIPAA_BAA", "SOC2_TYPE2", "ZDR", "GDPR_DPA"},
	}
}

// compliant is an assessment with every control in place, in an EU region with a fully attested model.
func compliant(reqs []Requirement, data []DataCategory, useCase string) Assessment {
	return Assessment{
		Requirements: reqs, DataCategories: data, UseCase: useCase,
		Provider: "acme", Region: "eu-west-1", Model: goodModel(),
		HumanOversight: true, Logging: true, PIIMasking: true, PaymentCardMasking: true,
		EncryptionInTransit: true, AccessControls: true, RiskManagement: true, ConformityAssessment: true,
		DPIA: true, DPA: true, BAASigned: true, ServiceProviderContract: true, AIDisclosure: true, ParentalConsent: true,
	}
}

type ruleCase struct {
	rule   string
	base   Assessment        // the rule applies and passes
	breaks func(*Assessment) // makes it fail
}

func ruleCases() []ruleCase {
	ai := func(useCase string) Assessment { return compliant([]Requirement{EUAIAct}, nil, useCase) }
	gdpr := func(data ...DataCategory) Assessment { return compliant([]Requirement{GDPR}, data, "GENERAL") }
	hipaa := compliant([]Requirement{HIPAA}, []DataCategory{PHI}, "GENERAL")
	card := compliant(nil, []DataCategory{PaymentCard}, "GENERAL")
	ccpa := compliant([]Requirement{CCPA}, []DataCategory{PII}, "GENERAL")
	soc2 := compliant([]Requirement{SOC2}, nil, "GENERAL")
	withAttestations := func(list ...string) func(*Assessment) {
		return func(a *Assessment) { a.Model.Attestations = list }
	}
	return []ruleCase{
		{"AIACT-PROHIBITED-PRACTICE", ai("CHATBOT"), func(a *Assessment) { a.UseCase = "SOCIAL_SCORING" }},
		{"AIACT-USE-CASE-UNCLASSIFIED", ai("GENERAL"), func(a *Assessment) { a.UseCase = "" }},
		{"AIACT-RISK-MANAGEMENT", ai("EMPLOYMENT"), func(a *Assessment) { a.RiskManagement = false }},
		{"AIACT-LOGGING", ai("CREDIT_SCORING"), func(a *Assessment) { a.Logging = false }},
		{"AIACT-HUMAN-OVERSIGHT", ai("EDUCATION"), func(a *Assessment) { a.HumanOversight = false }},
		{"AIACT-CONFORMITY-ASSESSMENT", ai("ESSENTIAL_SERVICES"), func(a *Assessment) { a.ConformityAssessment = false }},
		{"AIACT-TRANSPARENCY", ai("CHATBOT"), func(a *Assessment) { a.AIDisclosure = false }},
		{"GDPR-TRANSFER-NO-SAFEGUARD", func() Assessment { a := gdpr(PII); a.Region = "us-east-1"; a.TransferMechanism = TransferSCC; return a }(),
			func(a *Assessment) { a.TransferMechanism = "" }},
		{"GDPR-MODEL-OUTSIDE-REGION", gdpr(PII), func(a *Assessment) { a.Model.Regions = []string{"US", "GLOBAL"} }},
		{"GDPR-PROCESSOR-AGREEMENT", gdpr(PII), func(a *Assessment) { a.DPA = false }},
		{"GDPR-DPIA", gdpr(PHI), func(a *Assessment) { a.DPIA = false }},
		{"GDPR-AUTOMATED-DECISION", func() Assessment { a := gdpr(PII); a.AutomatedDecisions = true; return a }(),
			func(a *Assessment) { a.HumanOversight = false }},
		{"GDPR-STORAGE-LIMITATION", func() Assessment { a := gdpr(PII); a.RetentionDays = 30; return a }(),
			func(a *Assessment) { a.RetentionDays = 31 }},
		{"GDPR-DATA-MINIMISATION", gdpr(PII), func(a *Assessment) { a.PIIMasking = false }},
		{"GDPR-CHILD-CONSENT", gdpr(Children), func(a *Assessment) { a.ParentalConsent = false }},
		{"GDPR-SECURITY", gdpr(Biometric), func(a *Assessment) { a.AccessControls = false }},
		{"HIPAA-BAA-ELIGIBILITY", hipaa, withAttestations("SOC2_TYPE2", "ZDR")},
		{"HIPAA-BAA-SIGNED", hipaa, func(a *Assessment) { a.BAASigned = false }},
		{"HIPAA-AUDIT-CONTROLS", hipaa, func(a *Assessment) { a.Logging = false }},
		{"HIPAA-TRANSMISSION-SECURITY", hipaa, func(a *Assessment) { a.EncryptionInTransit = false }},
		{"HIPAA-ACCESS-CONTROL", hipaa, func(a *Assessment) { a.AccessControls = false }},
		{"HIPAA-VENDOR-RETENTION", hipaa, withAttestations("HIPAA_BAA")},
		{"PCI-PAN-IN-PROMPT", card, func(a *Assessment) { a.PaymentCardMasking = false }},
		{"PCI-TRANSMISSION", card, func(a *Assessment) { a.EncryptionInTransit = false }},
		{"PCI-PAN-RETAINED", func() Assessment { a := card; a.PaymentCardMasking = false; return a }(),
			func(a *Assessment) { a.RetentionDays = 7 }},
		{"CCPA-SERVICE-PROVIDER-CONTRACT", ccpa, func(a *Assessment) { a.ServiceProviderContract = false }},
		{"CCPA-AUTOMATED-DECISIONS", func() Assessment { a := ccpa; a.AutomatedDecisions = true; return a }(),
			func(a *Assessment) { a.HumanOversight = false }},
		{"CCPA-REASONABLE-SECURITY", ccpa, func(a *Assessment) { a.EncryptionInTransit = false }},
		{"SOC2-VENDOR-ATTESTATION", soc2, withAttestations("ISO27001")},
		{"SOC2-MONITORING", soc2, func(a *Assessment) { a.Logging = false }},
		{"SOC2-LOGICAL-ACCESS", soc2, func(a *Assessment) { a.AccessControls = false }},
		{"SOC2-TRANSMISSION", soc2, func(a *Assessment) { a.EncryptionInTransit = false }},
		{"GEN-MODEL-UNKNOWN", soc2, func(a *Assessment) { a.Model = nil }},
		{"GEN-REGION-UNKNOWN", soc2, func(a *Assessment) { a.Region = "mars-north-1" }},
	}
}

// TestEveryRuleFiresAndPasses checks each rule of the embedded set once passing and once failing.
func TestEveryRuleFiresAndPasses(t *testing.T) {
	t.Parallel()
	rs, err := Default()
	require.NoError(t, err)
	covered := map[string]bool{}
	for _, tc := range ruleCases() {
		covered[tc.rule] = true
		t.Run(tc.rule, func(t *testing.T) {
			t.Parallel()
			passing, err := rs.Assess(tc.base)
			require.NoError(t, err)
			require.Contains(t, passedIDs(passing), tc.rule, "applies and passes")
			require.NotContains(t, findingIDs(passing), tc.rule)

			failing := tc.base
			failing.Model = cloneModel(tc.base.Model)
			tc.breaks(&failing)
			res, err := rs.Assess(failing)
			require.NoError(t, err)
			require.Contains(t, findingIDs(res), tc.rule, "fires")
			require.NotContains(t, passedIDs(res), tc.rule)
			f := findingByID(res, tc.rule)
			require.NotEmpty(t, f.Evidence)
			require.NotEmpty(t, f.Source)
			require.NotEmpty(t, f.Recommendation)
			require.GreaterOrEqual(t, res.Score, passing.Score, "a new finding never lowers the score")
		})
	}
	for _, r := range rs.Rules {
		require.True(t, covered[r.ID], "rule %s has no firing/passing case", r.ID)
	}
}

func cloneModel(m *catalog.Model) *catalog.Model {
	if m == nil {
		return nil
	}
	c := *m
	c.Regions = append([]string(nil), m.Regions...)
	c.Attestations = append([]string(nil), m.Attestations...)
	return &c
}

func findingIDs(r Result) []string {
	ids := make([]string, 0, len(r.Findings))
	for _, f := range r.Findings {
		ids = append(ids, f.RuleID)
	}
	return ids
}

func passedIDs(r Result) []string {
	ids := make([]string, 0, len(r.Passed))
	for _, p := range r.Passed {
		ids = append(ids, p.RuleID)
	}
	return ids
}

func findingByID(r Result, id string) Finding {
	for _, f := range r.Findings {
		if f.RuleID == id {
			return f
		}
	}
	return Finding{}
}
