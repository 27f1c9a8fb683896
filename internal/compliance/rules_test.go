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

// compliant is an assessment with every control in place, in an EU region with a fully attested model, relying
// on explicit consent for special-category data.
func compliant(reqs []Requirement, data []DataCategory, useCase string) Assessment {
	a := Assessment{
		Requirements: reqs, DataCategories: data, UseCase: useCase,
		Provider: "acme", Region: "eu-west-1", Model: goodModel(), SpecialCategoryCondition: ConditionExplicitConsent,
		HumanOversight: true, Logging: true, PIIMasking: true, PaymentCardMasking: true,
		EncryptionInTransit: true, AccessControls: true, RiskManagement: true, ConformityAssessment: true,
		DPIA: true, DPA: true, BAASigned: true, ServiceProviderContract: true, AIDisclosure: true, ParentalConsent: true,
		DataGovernance: true, TechnicalDocumentation: true, InstructionsForUse: true, AccuracyRobustness: true,
		QualityManagement: true, Registered: true, Monitoring: true, WorkersInformed: true, AffectedPersonsInformed: true,
		FRIA: true, ContentMarking: true, AILiteracy: true, DerogationDocumented: true,
	}
	return a
}

type ruleCase struct {
	rule   string
	base   Assessment        // the rule applies and passes (a classification rule: does not set the tier)
	breaks func(*Assessment) // makes it fail (a classification rule: set the tier)
}

func with(a Assessment, change func(*Assessment)) Assessment {
	change(&a)
	return a
}

// obligationCases has one passing and one failing case per obligation rule.
func obligationCases() []ruleCase {
	ai := func(useCase string) Assessment { return compliant([]Requirement{EUAIAct}, nil, useCase) }
	gdpr := func(data ...DataCategory) Assessment { return compliant([]Requirement{GDPR}, data, "GENERAL") }
	hipaa := compliant([]Requirement{HIPAA}, []DataCategory{PHI}, "GENERAL")
	card := compliant(nil, []DataCategory{PaymentCard}, "GENERAL")
	ccpa := compliant([]Requirement{CCPA}, []DataCategory{PII}, "GENERAL")
	soc2 := compliant([]Requirement{SOC2}, nil, "GENERAL")
	withAttestations := func(list ...string) func(*Assessment) {
		return func(a *Assessment) { a.Model.Attestations = list }
	}
	off := func(f func(*Assessment) *bool) func(*Assessment) { return func(a *Assessment) { *f(a) = false } }
	derogation := with(ai(""), func(a *Assessment) {
		a.Sector, a.Purposes, a.AnnexIIIDerogation = SectorSoftware, []Purpose{PurposeRecruitment}, true
	})
	device := with(ai(""), func(a *Assessment) { a.Sector, a.RegulatedProduct = SectorHealthcare, true })
	automated := with(gdpr(PHI), func(a *Assessment) { a.AutomatedDecisions, a.HumanOversight = true, false })
	return []ruleCase{
		{"AIACT-PROHIBITED-PRACTICE", ai("CHATBOT"), func(a *Assessment) { a.UseCase = "SOCIAL_SCORING" }},
		{"AIACT-USE-CASE-UNCLASSIFIED", ai("GENERAL"), func(a *Assessment) { a.UseCase = "" }},
		{"AIACT-AI-LITERACY", ai("GENERAL"), off(func(a *Assessment) *bool { return &a.AILiteracy })},
		{"AIACT-PROVIDER-RISK-MANAGEMENT", ai("EMPLOYMENT"), off(func(a *Assessment) *bool { return &a.RiskManagement })},
		{"AIACT-PROVIDER-DATA-GOVERNANCE", ai("EMPLOYMENT"), off(func(a *Assessment) *bool { return &a.DataGovernance })},
		{"AIACT-PROVIDER-TECHNICAL-DOCUMENTATION", ai("EDUCATION"), off(func(a *Assessment) *bool { return &a.TechnicalDocumentation })},
		{"AIACT-PROVIDER-RECORD-KEEPING", ai("CREDIT_SCORING"), off(func(a *Assessment) *bool { return &a.Logging })},
		{"AIACT-PROVIDER-INSTRUCTIONS", ai("INSURANCE_PRICING"), off(func(a *Assessment) *bool { return &a.InstructionsForUse })},
		{"AIACT-PROVIDER-HUMAN-OVERSIGHT", ai("EDUCATION"), off(func(a *Assessment) *bool { return &a.HumanOversight })},
		{"AIACT-PROVIDER-ACCURACY-ROBUSTNESS", ai("EMERGENCY_TRIAGE"), off(func(a *Assessment) *bool { return &a.AccuracyRobustness })},
		{"AIACT-PROVIDER-QUALITY-MANAGEMENT", ai("LAW_ENFORCEMENT"), off(func(a *Assessment) *bool { return &a.QualityManagement })},
		{"AIACT-PROVIDER-CONFORMITY", ai("ESSENTIAL_SERVICES"), off(func(a *Assessment) *bool { return &a.ConformityAssessment })},
		{"AIACT-PROVIDER-CONFORMITY-ANNEX-I", device, off(func(a *Assessment) *bool { return &a.ConformityAssessment })},
		{"AIACT-PROVIDER-REGISTRATION", ai("MIGRATION_BORDER"), off(func(a *Assessment) *bool { return &a.Registered })},
		{"AIACT-PROVIDER-REGISTRATION-NATIONAL", ai("CRITICAL_INFRASTRUCTURE"), off(func(a *Assessment) *bool { return &a.Registered })},
		{"AIACT-PROVIDER-DEROGATION-RECORD", derogation, func(a *Assessment) { a.Profiling = true }},
		{"AIACT-DEPLOYER-HUMAN-OVERSIGHT", ai("CREDIT_SCORING"), off(func(a *Assessment) *bool { return &a.HumanOversight })},
		{"AIACT-DEPLOYER-MONITORING", ai("CRITICAL_INFRASTRUCTURE"), off(func(a *Assessment) *bool { return &a.Monitoring })},
		{"AIACT-DEPLOYER-LOGS", ai("JUSTICE_DEMOCRACY"), off(func(a *Assessment) *bool { return &a.Logging })},
		{"AIACT-DEPLOYER-INFORM-WORKERS", ai("EMPLOYMENT"), off(func(a *Assessment) *bool { return &a.WorkersInformed })},
		{"AIACT-DEPLOYER-INFORM-PERSONS", ai("EDUCATION"), off(func(a *Assessment) *bool { return &a.AffectedPersonsInformed })},
		{"AIACT-DEPLOYER-FRIA", ai("CREDIT_SCORING"), off(func(a *Assessment) *bool { return &a.FRIA })},
		{"AIACT-DEPLOYER-REGISTRATION", ai("ESSENTIAL_SERVICES"), off(func(a *Assessment) *bool { return &a.Registered })},
		{"AIACT-IMPORTER-VERIFICATION", with(ai("EMPLOYMENT"), func(a *Assessment) { a.Roles = []Role{RoleImporter} }),
			off(func(a *Assessment) *bool { return &a.TechnicalDocumentation })},
		{"AIACT-ART50-1-DISCLOSURE", ai("CHATBOT"), off(func(a *Assessment) *bool { return &a.AIDisclosure })},
		{"AIACT-ART50-2-MARKING", ai("CONTENT_GENERATION"), off(func(a *Assessment) *bool { return &a.ContentMarking })},
		{"AIACT-ART50-3-INFORM", ai("EMOTION_RECOGNITION"), off(func(a *Assessment) *bool { return &a.AIDisclosure })},
		{"AIACT-ART50-4-DISCLOSURE", ai("DEEPFAKE"), off(func(a *Assessment) *bool { return &a.AIDisclosure })},
		{"GDPR-TRANSFER-NO-SAFEGUARD", with(gdpr(PII), func(a *Assessment) { a.Region, a.TransferMechanism = "us-east-1", TransferSCC }),
			func(a *Assessment) { a.TransferMechanism = "" }},
		{"GDPR-MODEL-OUTSIDE-REGION", gdpr(PII), func(a *Assessment) { a.Model.Regions = []string{"US", "GLOBAL"} }},
		{"GDPR-PROCESSOR-AGREEMENT", gdpr(SpecialCategory), off(func(a *Assessment) *bool { return &a.DPA })},
		{"GDPR-DPIA", gdpr(PHI), off(func(a *Assessment) *bool { return &a.DPIA })},
		{"GDPR-AUTOMATED-DECISION", with(gdpr(PII), func(a *Assessment) { a.AutomatedDecisions = true }),
			off(func(a *Assessment) *bool { return &a.HumanOversight })},
		{"GDPR-SPECIAL-CATEGORY-CONDITION", gdpr(PHI), func(a *Assessment) { a.SpecialCategoryCondition = "" }},
		{"GDPR-SPECIAL-CATEGORY-AUTOMATED", automated, func(a *Assessment) { a.SpecialCategoryCondition = ConditionHealthOrSocialCare }},
		{"GDPR-STORAGE-LIMITATION", with(gdpr(PII), func(a *Assessment) { a.RetentionDays = 30 }), func(a *Assessment) { a.RetentionDays = 31 }},
		{"GDPR-DATA-MINIMISATION", gdpr(PII), off(func(a *Assessment) *bool { return &a.PIIMasking })},
		{"GDPR-CHILD-CONSENT", gdpr(Children), off(func(a *Assessment) *bool { return &a.ParentalConsent })},
		{"GDPR-SECURITY", gdpr(Biometric), off(func(a *Assessment) *bool { return &a.AccessControls })},
		{"HIPAA-BAA-ELIGIBILITY", hipaa, withAttestations("SOC2_TYPE2", "ZDR")},
		{"HIPAA-BAA-SIGNED", hipaa, off(func(a *Assessment) *bool { return &a.BAASigned })},
		{"HIPAA-AUDIT-CONTROLS", hipaa, off(func(a *Assessment) *bool { return &a.Logging })},
		{"HIPAA-TRANSMISSION-SECURITY", hipaa, off(func(a *Assessment) *bool { return &a.EncryptionInTransit })},
		{"HIPAA-ACCESS-CONTROL", hipaa, off(func(a *Assessment) *bool { return &a.AccessControls })},
		{"HIPAA-VENDOR-RETENTION", hipaa, withAttestations("HIPAA_BAA")},
		{"PCI-PAN-IN-PROMPT", card, off(func(a *Assessment) *bool { return &a.PaymentCardMasking })},
		{"PCI-TRANSMISSION", card, off(func(a *Assessment) *bool { return &a.EncryptionInTransit })},
		{"PCI-PAN-RETAINED", with(card, func(a *Assessment) { a.PaymentCardMasking = false }), func(a *Assessment) { a.RetentionDays = 7 }},
		{"CCPA-SERVICE-PROVIDER-CONTRACT", ccpa, off(func(a *Assessment) *bool { return &a.ServiceProviderContract })},
		{"CCPA-AUTOMATED-DECISIONS", with(ccpa, func(a *Assessment) { a.AutomatedDecisions = true }),
			off(func(a *Assessment) *bool { return &a.HumanOversight })},
		{"CCPA-REASONABLE-SECURITY", ccpa, off(func(a *Assessment) *bool { return &a.EncryptionInTransit })},
		{"SOC2-VENDOR-ATTESTATION", soc2, withAttestations("ISO27001")},
		{"SOC2-MONITORING", soc2, off(func(a *Assessment) *bool { return &a.Logging })},
		{"SOC2-LOGICAL-ACCESS", soc2, off(func(a *Assessment) *bool { return &a.AccessControls })},
		{"SOC2-TRANSMISSION", soc2, off(func(a *Assessment) *bool { return &a.EncryptionInTransit })},
		{"GEN-MODEL-UNKNOWN", soc2, func(a *Assessment) { a.Model = nil }},
		{"GEN-REGION-UNKNOWN", soc2, func(a *Assessment) { a.Region = "mars-north-1" }},
	}
}

// classificationCases has one case per classification rule where its practice is absent or an exception sets
// it aside, and the change that makes it set the tier.
func classificationCases() []ruleCase {
	described := func(change func(*Assessment)) Assessment {
		return with(compliant([]Requirement{EUAIAct}, nil, ""), func(a *Assessment) { a.Sector = SectorOther; change(a) })
	}
	adds := func(p Purpose) func(*Assessment) { return func(a *Assessment) { a.Purposes = append(a.Purposes, p) } }
	cases := []ruleCase{
		{"AIACT-ART5-1F", described(func(a *Assessment) {
			a.Purposes, a.AtWorkplace, a.MedicalOrSafetyReason = []Purpose{PurposeEmotionRecognition}, true, true
		}), func(a *Assessment) { a.MedicalOrSafetyReason = false }},
		{"AIACT-ART6-1-PRODUCT", described(func(*Assessment) {}), func(a *Assessment) { a.RegulatedProduct = true }},
		{"AIACT-ART50-1", described(func(*Assessment) {}), func(a *Assessment) { a.InteractsWithPeople = true }},
		{"AIACT-ART50-2", described(func(*Assessment) {}), func(a *Assessment) { a.GeneratesContent = true }},
		{"AIACT-ART50-3", described(func(*Assessment) {}), adds(PurposeBiometricCategorisation)},
		{"AIACT-ART50-4", described(func(*Assessment) {}), func(a *Assessment) { a.PublicInterestText = true }},
	}
	for _, tc := range tierTable() {
		switch {
		case tc.tier == TierProhibited && tc.rule != "AIACT-ART5-1F":
			// no exception in the rule: absent, then present
			cases = append(cases, ruleCase{tc.rule, described(func(*Assessment) {}), adds(tc.purpose)})
		case tc.tier == TierHigh && tc.purpose != PurposeEmotionRecognition:
			// the Art. 6(3) derogation sets it aside; profiling voids the derogation
			cases = append(cases, ruleCase{tc.rule, described(func(a *Assessment) {
				a.Purposes, a.AnnexIIIDerogation = []Purpose{tc.purpose}, true
			}), func(a *Assessment) { a.Profiling = true }})
		case tc.rule == "AIACT-ANNEX-III-1C":
			cases = append(cases, ruleCase{tc.rule, described(func(a *Assessment) {
				a.Purposes, a.AnnexIIIDerogation = []Purpose{tc.purpose}, true
			}), func(a *Assessment) { a.AnnexIIIDerogation = false }})
		}
	}
	return cases
}

// TestEveryRuleFiresAndPasses checks each rule of the embedded set once passing and once failing: an
// obligation rule is passed, then a finding; a classification rule is absent or set aside, then a tier reason.
func TestEveryRuleFiresAndPasses(t *testing.T) {
	t.Parallel()
	rs, err := Default()
	require.NoError(t, err)
	covered := map[string]bool{}
	for _, tc := range obligationCases() {
		covered[tc.rule] = true
		t.Run(tc.rule, func(t *testing.T) {
			t.Parallel()
			passing, err := rs.Assess(tc.base)
			require.NoError(t, err)
			require.Contains(t, passedIDs(passing), tc.rule, "applies and passes (findings %v)", findingIDs(passing))
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
			require.NotEmpty(t, f.Version)
			require.NotEmpty(t, f.Recommendation)
			require.GreaterOrEqual(t, res.Score, passing.Score, "a new finding never lowers the score")
		})
	}
	for _, tc := range classificationCases() {
		covered[tc.rule] = true
		t.Run(tc.rule, func(t *testing.T) {
			t.Parallel()
			before, err := rs.Assess(tc.base)
			require.NoError(t, err)
			if r, ok := tierReason(before, tc.rule); ok {
				require.True(t, r.SetAside, "present but set aside: %v", r.Evidence)
			} else {
				require.Contains(t, before.NotApplicable, tc.rule)
			}
			after := tc.base
			tc.breaks(&after)
			res, err := rs.Assess(after)
			require.NoError(t, err)
			r, ok := tierReason(res, tc.rule)
			require.True(t, ok, "sets the tier: %v", res.TierReasons)
			require.False(t, r.SetAside)
			require.NotEmpty(t, r.Evidence)
			require.NotEmpty(t, r.Message)
			require.LessOrEqual(t, tierRank(res.UseCaseTier), tierRank(r.Tier), "the tier is at least the rule's")
			require.GreaterOrEqual(t, res.Score, before.Score)
		})
	}
	for _, r := range rs.Rules {
		require.True(t, covered[r.ID], "rule %s has no firing/passing case", r.ID)
	}
}

func tierReason(r Result, id string) (TierReason, bool) {
	for _, t := range r.TierReasons {
		if t.RuleID == id {
			return t, true
		}
	}
	return TierReason{}, false
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

// Registration and the conformity procedure follow the route to high risk: Art. 49 registers Annex III systems
// (point 2 nationally, Art. 49(5)), not AI in an Annex I product (Art. 6(1)), whose conformity assessment is
// the one of its product law (Art. 43(3)).
func TestRegistrationAndConformityByRoute(t *testing.T) {
	t.Parallel()
	rs, err := Default()
	require.NoError(t, err)
	assessment := func(role Role, sector Sector, change func(*Assessment), p ...Purpose) Assessment {
		a := Assessment{Requirements: []Requirement{EUAIAct}, Roles: []Role{role}}
		a.Sector, a.Purposes = sector, p
		if change != nil {
			change(&a)
		}
		return a
	}
	product := func(a *Assessment) { a.RegulatedProduct = true }
	tests := []struct {
		name      string
		in        Assessment
		fires     []string
		doesNot   []string
		sourceHas map[string]string // rule id → part of its source
	}{
		{"a medical device is not registered in the EU database", assessment(RoleProvider, SectorHealthcare, product),
			[]string{"AIACT-PROVIDER-CONFORMITY-ANNEX-I"},
			[]string{"AIACT-PROVIDER-REGISTRATION", "AIACT-PROVIDER-REGISTRATION-NATIONAL", "AIACT-PROVIDER-CONFORMITY"},
			map[string]string{"AIACT-PROVIDER-CONFORMITY-ANNEX-I": "Art. 43(3)"}},
		{"an Annex III system is registered in the EU database", assessment(RoleProvider, SectorEmployment, nil, PurposeRecruitment),
			[]string{"AIACT-PROVIDER-REGISTRATION", "AIACT-PROVIDER-CONFORMITY"},
			[]string{"AIACT-PROVIDER-REGISTRATION-NATIONAL", "AIACT-PROVIDER-CONFORMITY-ANNEX-I"},
			map[string]string{"AIACT-PROVIDER-REGISTRATION": "Art. 49(1)", "AIACT-PROVIDER-CONFORMITY": "Art. 43(1)-(2)"}},
		{"critical infrastructure is registered nationally", assessment(RoleProvider, SectorCriticalInfrastructure, nil, PurposeCriticalInfrastructure),
			[]string{"AIACT-PROVIDER-REGISTRATION-NATIONAL", "AIACT-PROVIDER-CONFORMITY"},
			[]string{"AIACT-PROVIDER-REGISTRATION"},
			map[string]string{"AIACT-PROVIDER-REGISTRATION-NATIONAL": "Art. 49(5)"}},
		{"an Annex III system in an Annex I product is registered and assessed under its product law",
			assessment(RoleProvider, SectorEmployment, product, PurposeRecruitment),
			[]string{"AIACT-PROVIDER-REGISTRATION", "AIACT-PROVIDER-CONFORMITY-ANNEX-I"},
			[]string{"AIACT-PROVIDER-CONFORMITY"}, nil},
		{"an Annex I product whose Annex III use is derogated registers under Art. 49(2) only",
			assessment(RoleProvider, SectorEmployment, func(a *Assessment) { a.RegulatedProduct, a.AnnexIIIDerogation = true, true }, PurposeRecruitment),
			[]string{"AIACT-PROVIDER-DEROGATION-RECORD", "AIACT-PROVIDER-CONFORMITY-ANNEX-I"},
			[]string{"AIACT-PROVIDER-REGISTRATION"}, nil},
		{"a public authority using an Annex III system registers its use", assessment(RoleDeployer, SectorPublic, nil, PurposePublicBenefits),
			[]string{"AIACT-DEPLOYER-REGISTRATION"}, nil, nil},
		{"a public authority using an Annex I product does not", assessment(RoleDeployer, SectorPublic, product),
			nil, []string{"AIACT-DEPLOYER-REGISTRATION"}, nil},
		{"nor one using critical infrastructure (Annex III point 2)", assessment(RoleDeployer, SectorPublic, nil, PurposeCriticalInfrastructure),
			nil, []string{"AIACT-DEPLOYER-REGISTRATION"}, nil},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			res, err := rs.Assess(tc.in)
			require.NoError(t, err)
			require.Equal(t, TierHigh, res.UseCaseTier)
			ids := findingIDs(res)
			for _, id := range tc.fires {
				require.Contains(t, ids, id)
			}
			for _, id := range tc.doesNot {
				require.NotContains(t, ids, id)
			}
			for id, part := range tc.sourceHas {
				require.Contains(t, findingByID(res, id).Source, part, id)
			}
		})
	}
}
