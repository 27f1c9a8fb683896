package compliance

import (
	"strings"
	"testing"

	"github.com/stretchr/testify/require"
)

type tierCase struct {
	purpose Purpose
	rule    string   // the classification rule that sets the tier
	point   string   // the citation it must carry, from Regulation (EU) 2024/1689
	tier    RiskTier // the tier of a use case serving this purpose alone
}

// tierTable is every Art. 5(1) practice and every point of Annex III, with the tier the AI Act gives it.
// Source: Regulation (EU) 2024/1689, Art. 5(1)(a)-(h) and Annex III points 1-8 (OJ L, 12.7.2024).
func tierTable() []tierCase {
	return []tierCase{
		{PurposeManipulation, "AIACT-ART5-1A", "Art. 5(1)(a)", TierProhibited},
		{PurposeExploitingVulnerabilities, "AIACT-ART5-1B", "Art. 5(1)(b)", TierProhibited},
		{PurposeSocialScoring, "AIACT-ART5-1C", "Art. 5(1)(c)", TierProhibited},
		{PurposeCrimePredictionByProfiling, "AIACT-ART5-1D", "Art. 5(1)(d)", TierProhibited},
		{PurposeFacialImageScraping, "AIACT-ART5-1E", "Art. 5(1)(e)", TierProhibited},
		{PurposeSensitiveBiometricCategories, "AIACT-ART5-1G", "Art. 5(1)(g)", TierProhibited},
		{PurposeRealTimeBiometricIDPolicing, "AIACT-ART5-1H", "Art. 5(1)(h)", TierProhibited},
		{PurposeRemoteBiometricID, "AIACT-ANNEX-III-1A", "Annex III point 1(a)", TierHigh},
		{PurposeBiometricCategorisation, "AIACT-ANNEX-III-1B", "Annex III point 1(b)", TierHigh},
		// emotion recognition outside work and education; at work it is Art. 5(1)(f) (TestTierFromContext)
		{PurposeEmotionRecognition, "AIACT-ANNEX-III-1C", "Annex III point 1(c)", TierHigh},
		{PurposeCriticalInfrastructure, "AIACT-ANNEX-III-2", "Annex III point 2", TierHigh},
		{PurposeEducationAdmission, "AIACT-ANNEX-III-3A", "Annex III point 3(a)", TierHigh},
		{PurposeEducationEvaluation, "AIACT-ANNEX-III-3B", "Annex III point 3(b)", TierHigh},
		{PurposeEducationLevel, "AIACT-ANNEX-III-3C", "Annex III point 3(c)", TierHigh},
		{PurposeExamProctoring, "AIACT-ANNEX-III-3D", "Annex III point 3(d)", TierHigh},
		{PurposeRecruitment, "AIACT-ANNEX-III-4A", "Annex III point 4(a)", TierHigh},
		{PurposeWorkerManagement, "AIACT-ANNEX-III-4B", "Annex III point 4(b)", TierHigh},
		{PurposePublicBenefits, "AIACT-ANNEX-III-5A", "Annex III point 5(a)", TierHigh},
		{PurposeCreditworthiness, "AIACT-ANNEX-III-5B", "Annex III point 5(b)", TierHigh},
		{PurposeLifeHealthInsurance, "AIACT-ANNEX-III-5C", "Annex III point 5(c)", TierHigh},
		{PurposeEmergencyTriage, "AIACT-ANNEX-III-5D", "Annex III point 5(d)", TierHigh},
		{PurposeVictimRisk, "AIACT-ANNEX-III-6A", "Annex III point 6(a)", TierHigh},
		{PurposePolygraphPolicing, "AIACT-ANNEX-III-6B", "Annex III point 6(b)", TierHigh},
		{PurposeEvidenceEvaluation, "AIACT-ANNEX-III-6C", "Annex III point 6(c)", TierHigh},
		{PurposeOffendingRisk, "AIACT-ANNEX-III-6D", "Annex III point 6(d)", TierHigh},
		{PurposeCriminalProfiling, "AIACT-ANNEX-III-6E", "Annex III point 6(e)", TierHigh},
		{PurposePolygraphMigration, "AIACT-ANNEX-III-7A", "Annex III point 7(a)", TierHigh},
		{PurposeMigrationRisk, "AIACT-ANNEX-III-7B", "Annex III point 7(b)", TierHigh},
		{PurposeAsylumVisaExamination, "AIACT-ANNEX-III-7C", "Annex III point 7(c)", TierHigh},
		{PurposeBorderIdentification, "AIACT-ANNEX-III-7D", "Annex III point 7(d)", TierHigh},
		{PurposeJudicialAssistance, "AIACT-ANNEX-III-8A", "Annex III point 8(a)", TierHigh},
		{PurposeElectionInfluence, "AIACT-ANNEX-III-8B", "Annex III point 8(b)", TierHigh},
		// 1:1 verification is excluded from Annex III point 1(a)
		{PurposeBiometricVerification, "", "", TierMinimal},
	}
}

func TestTierByPurpose(t *testing.T) {
	t.Parallel()
	rs, err := Default()
	require.NoError(t, err)
	seen := map[Purpose]bool{}
	areas := map[string]bool{}
	for _, tc := range tierTable() {
		seen[tc.purpose] = true
		t.Run(string(tc.purpose), func(t *testing.T) {
			t.Parallel()
			a := Assessment{Requirements: []Requirement{EUAIAct}}
			a.Sector, a.Purposes = SectorOther, []Purpose{tc.purpose}
			res, err := rs.Assess(a)
			require.NoError(t, err)
			require.Equal(t, tc.tier, res.UseCaseTier)
			if tc.rule == "" {
				require.Empty(t, res.TierReasons)
				return
			}
			r, ok := tierReason(res, tc.rule)
			require.True(t, ok, "reasons %v", res.TierReasons)
			require.False(t, r.SetAside)
			require.Equal(t, tc.tier, r.Tier)
			require.Contains(t, r.Source, "Regulation (EU) 2024/1689")
			require.True(t, strings.HasSuffix(r.Source, tc.point), "source %q cites %q", r.Source, tc.point)
			require.Contains(t, r.Evidence, "purposes include "+string(tc.purpose), "says which fact triggered it")
			if tc.tier == TierProhibited {
				require.Equal(t, 100, res.Score)
				require.Equal(t, "AIACT-PROHIBITED-PRACTICE", res.Findings[0].RuleID)
				require.Contains(t, res.Findings[0].Message, tc.point)
			}
		})
		if strings.HasPrefix(tc.point, "Annex III point ") {
			areas[tc.point[len("Annex III point "):][:1]] = true
		}
	}
	require.ElementsMatch(t, purposes, keys(seen), "every purpose has a row")
	require.Len(t, areas, 8, "every Annex III area 1-8")
}

// The context moves the tier: the workplace, the exceptions the team claims, and Art. 6(1) products.
func TestTierFromContext(t *testing.T) {
	t.Parallel()
	rs, err := Default()
	require.NoError(t, err)
	facts := func(sector Sector, change func(*Assessment), p ...Purpose) Assessment {
		a := Assessment{Requirements: []Requirement{EUAIAct}}
		a.Sector, a.Purposes = sector, p
		if change != nil {
			change(&a)
		}
		return a
	}
	tests := []struct {
		name  string
		in    Assessment
		tier  RiskTier
		rules []string // the tier reasons that set it
	}{
		{"emotion recognition at work is prohibited", facts(SectorRetail, func(a *Assessment) { a.AtWorkplace = true }, PurposeEmotionRecognition),
			TierProhibited, []string{"AIACT-ART5-1F"}},
		{"emotion recognition in the employment sector is at work", facts(SectorEmployment, nil, PurposeEmotionRecognition),
			TierProhibited, []string{"AIACT-ART5-1F"}},
		{"emotion recognition in education is prohibited", facts(SectorEducation, nil, PurposeEmotionRecognition),
			TierProhibited, []string{"AIACT-ART5-1F"}},
		{"emotion recognition at work for safety reasons stays high-risk",
			facts(SectorEmployment, func(a *Assessment) { a.MedicalOrSafetyReason = true }, PurposeEmotionRecognition),
			TierHigh, []string{"AIACT-ANNEX-III-1C"}},
		{"emotion recognition of customers is high-risk", facts(SectorRetail, nil, PurposeEmotionRecognition),
			TierHigh, []string{"AIACT-ANNEX-III-1C"}},
		{"Art. 6(3) derogation without profiling", facts(SectorEmployment, func(a *Assessment) { a.AnnexIIIDerogation = true }, PurposeRecruitment),
			TierMinimal, nil},
		{"profiling voids the Art. 6(3) derogation",
			facts(SectorEmployment, func(a *Assessment) { a.AnnexIIIDerogation, a.Profiling = true, true }, PurposeRecruitment),
			TierHigh, []string{"AIACT-ANNEX-III-4A"}},
		{"a medical device is high-risk under Art. 6(1)", facts(SectorHealthcare, func(a *Assessment) { a.RegulatedProduct = true }),
			TierHigh, []string{"AIACT-ART6-1-PRODUCT"}},
		{"a chatbot is limited", facts(SectorRetail, func(a *Assessment) { a.InteractsWithPeople = true }),
			TierLimited, []string{"AIACT-ART50-1"}},
		{"public-interest text is limited", facts(SectorMedia, func(a *Assessment) { a.PublicInterestText = true }),
			TierLimited, []string{"AIACT-ART50-4"}},
		{"the worst tier wins", facts(SectorFinance, func(a *Assessment) { a.InteractsWithPeople = true }, PurposeCreditworthiness, PurposeSocialScoring),
			TierProhibited, []string{"AIACT-ART5-1C"}},
		{"a described use case with no trigger is minimal", facts(SectorSoftware, nil), TierMinimal, nil},
		{"an undescribed one is unclassified", facts("", nil), TierUnclassified, nil},
		{"a purpose classifies even without a sector", facts("", nil, PurposeRecruitment), TierHigh, []string{"AIACT-ANNEX-III-4A"}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			res, err := rs.Assess(tc.in)
			require.NoError(t, err)
			require.Equal(t, tc.tier, res.UseCaseTier, "reasons %+v", res.TierReasons)
			var setting []string
			for _, r := range res.TierReasons {
				if !r.SetAside && r.Tier == res.UseCaseTier {
					setting = append(setting, r.RuleID)
				}
			}
			require.Equal(t, tc.rules, setting)
		})
	}
}

// An unlisted use case is assessed from its facts (docs/engines/compliance.md, "The tier"): medical triage
// is no preset.
func TestUnlistedUseCaseFromFacts(t *testing.T) {
	t.Parallel()
	rs, err := Default()
	require.NoError(t, err)
	_, isPreset := rs.useCase["MEDICAL_TRIAGE"]
	require.False(t, isPreset)

	triage := Assessment{Requirements: []Requirement{EUAIAct, GDPR}, DataCategories: []DataCategory{PHI},
		UseCase: "MEDICAL_TRIAGE", Region: "eu-west-1", Model: goodModel(), Roles: []Role{RoleDeployer}}
	triage.Sector, triage.Purposes, triage.InteractsWithPeople = SectorHealthcare, []Purpose{PurposeEmergencyTriage}, true
	res, err := rs.Assess(triage)
	require.NoError(t, err)
	require.Equal(t, TierHigh, res.UseCaseTier)
	require.Equal(t, []Role{RoleDeployer}, res.Roles)
	r, ok := tierReason(res, "AIACT-ANNEX-III-5D")
	require.True(t, ok)
	require.Equal(t, []string{"purposes include EMERGENCY_TRIAGE", "annexIIIDerogation is false"}, r.Evidence)
	_, ok = tierReason(res, "AIACT-ART50-1")
	require.True(t, ok, "it talks to patients, so Art. 50(1) applies too")
	ids := findingIDs(res)
	require.Contains(t, ids, "GDPR-SPECIAL-CATEGORY-CONDITION", "health data needs an Art. 9(2) condition")
	require.Contains(t, ids, "AIACT-DEPLOYER-HUMAN-OVERSIGHT")
	require.NotContains(t, ids, "AIACT-PROVIDER-RISK-MANAGEMENT", "a deployer does not owe Art. 9")
	require.NotContains(t, ids, "AIACT-ART50-1-DISCLOSURE", "Art. 50(1) binds the provider")
	f := findingByID(res, "AIACT-DEPLOYER-HUMAN-OVERSIGHT")
	require.Equal(t, RoleDeployer, *f.Role)
	require.Equal(t, "No one with the competence, training and authority oversees MEDICAL_TRIAGE in use.", f.Message)
	require.Contains(t, f.Evidence, "roles include DEPLOYER")

	// A symptom checker that is a medical device is high-risk through Art. 6(1), not Annex III.
	checker := triage
	checker.Purposes, checker.RegulatedProduct = nil, true
	res, err = rs.Assess(checker)
	require.NoError(t, err)
	require.Equal(t, TierHigh, res.UseCaseTier)
	_, ok = tierReason(res, "AIACT-ART6-1-PRODUCT")
	require.True(t, ok)

	// A label without facts is most likely a typo, and refused.
	_, err = rs.Assess(Assessment{UseCase: "MEDICAL_TRIAGE"})
	var ve *ValidationError
	require.ErrorAs(t, err, &ve)
	require.Equal(t, "useCase", ve.Field)
}

// Presets are facts: the tier the file states is the one the facts give, and the facts given are added.
func TestPresetsAreFacts(t *testing.T) {
	t.Parallel()
	rs, err := Default()
	require.NoError(t, err)
	for _, u := range rs.UseCases {
		a := Assessment{UseCase: u.ID}
		res, err := rs.Assess(a)
		require.NoError(t, err)
		require.Equal(t, u.Tier, res.UseCaseTier, u.ID)
		require.NotEmpty(t, u.Source, u.ID)
	}
	// emotion recognition is high-risk (Regulation (EU) 2024/1689, Annex III point 1(c)), not limited
	require.Equal(t, TierHigh, rs.useCase["EMOTION_RECOGNITION"].Tier)
	require.Contains(t, rs.useCase["EMOTION_RECOGNITION"].Source, "Annex III point 1(c)")

	// facts given add to a preset's: a chatbot that screens job candidates is high-risk
	a := Assessment{UseCase: "CHATBOT"}
	a.Purposes = []Purpose{PurposeRecruitment}
	res, err := rs.Assess(a)
	require.NoError(t, err)
	require.Equal(t, TierHigh, res.UseCaseTier)
	_, ok := tierReason(res, "AIACT-ART50-1")
	require.True(t, ok)

	// evidence says when a value came from the preset
	res, err = rs.Assess(Assessment{Requirements: []Requirement{GDPR}, UseCase: "EMPLOYMENT"})
	require.NoError(t, err)
	require.Contains(t, findingByID(res, "GDPR-DATA-MINIMISATION").Evidence, "dataCategories include PII (from use case EMPLOYMENT)")
	res, err = rs.Assess(Assessment{Requirements: []Requirement{EUAIAct}, UseCase: "CUSTOMER_SUPPORT"})
	require.NoError(t, err)
	require.Contains(t, findingByID(res, "AIACT-ART50-1-DISCLOSURE").Evidence, "interactsWithPeople is true (from use case CUSTOMER_SUPPORT)")
	res, err = rs.Assess(Assessment{Requirements: []Requirement{EUAIAct}, UseCase: "EMPLOYMENT"})
	require.NoError(t, err)
	require.Contains(t, findingByID(res, "AIACT-DEPLOYER-INFORM-WORKERS").Evidence, "workplace holds: sector is EMPLOYMENT")
}

func keys[K comparable, V any](m map[K]V) []K {
	out := make([]K, 0, len(m))
	for k := range m {
		out = append(out, k)
	}
	return out
}

func TestJoinSources(t *testing.T) {
	t.Parallel()
	require.Equal(t, "Regulation (EU) 2024/1689 (AI Act) Art. 50(1); Art. 50(2); HIPAA, 45 CFR 164.312(b); Regulation (EU) 2016/679 (GDPR) Art. 9(1)",
		joinSources([]string{"Regulation (EU) 2024/1689 (AI Act) Art. 50(1)", "Regulation (EU) 2024/1689 (AI Act) Art. 50(2)",
			"HIPAA, 45 CFR 164.312(b)", "Regulation (EU) 2016/679 (GDPR) Art. 9(1)"}))
	require.Empty(t, joinSources(nil))
}
