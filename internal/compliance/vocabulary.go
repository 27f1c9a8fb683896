package compliance

// Requirement is a regulation or framework the team must satisfy.
type Requirement string

// The requirements.
const (
	GDPR    Requirement = "GDPR"
	HIPAA   Requirement = "HIPAA"
	SOC2    Requirement = "SOC2"
	CCPA    Requirement = "CCPA"
	PCIDSS  Requirement = "PCI_DSS"
	EUAIAct Requirement = "EU_AI_ACT"
	general Requirement = "GENERAL" // regulation of the rules that check the facts themselves (unknown model or region)
)

var requirements = []Requirement{GDPR, HIPAA, SOC2, CCPA, PCIDSS, EUAIAct}

// DataCategory is a kind of sensitive data the system processes.
type DataCategory string

// The data categories.
const (
	PII         DataCategory = "PII"          // personal data / personal information
	PHI         DataCategory = "PHI"          // protected health information; data concerning health (GDPR Art. 4(15))
	PaymentCard DataCategory = "PAYMENT_CARD" // cardholder data (PAN)
	Biometric   DataCategory = "BIOMETRIC"    // face, voice, fingerprint and other biometric data (GDPR Art. 4(14))
	Children    DataCategory = "CHILDREN"     // data of children
	// SpecialCategory is the rest of GDPR Art. 9(1): racial or ethnic origin, political opinions, religious or
	// philosophical beliefs, trade-union membership, genetic data, sex life or sexual orientation.
	SpecialCategory DataCategory = "SPECIAL_CATEGORY"
)

var dataCategories = []DataCategory{PII, PHI, PaymentCard, Biometric, Children, SpecialCategory}

// RiskTier is the EU AI Act risk tier of a use case.
type RiskTier string

// The tiers. TierUnclassified is the tier of a use case described too little to classify (no sector, no
// preset, and no purpose or duty that sets a tier).
const (
	TierProhibited   RiskTier = "PROHIBITED" // Art. 5
	TierHigh         RiskTier = "HIGH"       // Art. 6(1) and Annex I, Art. 6(2) and Annex III
	TierLimited      RiskTier = "LIMITED"    // Art. 50 transparency
	TierMinimal      RiskTier = "MINIMAL"
	TierUnclassified RiskTier = "UNCLASSIFIED"
)

var riskTiers = []RiskTier{TierProhibited, TierHigh, TierLimited, TierMinimal, TierUnclassified}

// tierRank orders the tiers a classification rule may set, most serious first.
func tierRank(t RiskTier) int {
	switch t {
	case TierProhibited:
		return 0
	case TierHigh:
		return 1
	case TierLimited:
		return 2
	case TierMinimal:
		return 3
	}
	return 4
}

// Sector is the field an AI system is used in. It tells the rules where the system runs (a workplace, a
// school, a public authority); the purposes decide the tier.
type Sector string

// The sectors.
const (
	SectorHealthcare             Sector = "HEALTHCARE"
	SectorFinance                Sector = "FINANCE"
	SectorInsurance              Sector = "INSURANCE"
	SectorEmployment             Sector = "EMPLOYMENT" // human resources and work: the system runs at a workplace
	SectorEducation              Sector = "EDUCATION"  // schools, universities, vocational training
	SectorPublic                 Sector = "PUBLIC_SECTOR"
	SectorLawEnforcement         Sector = "LAW_ENFORCEMENT"
	SectorMigration              Sector = "MIGRATION_BORDER"
	SectorJustice                Sector = "JUSTICE"
	SectorElections              Sector = "ELECTIONS"
	SectorCriticalInfrastructure Sector = "CRITICAL_INFRASTRUCTURE"
	SectorEmergencyServices      Sector = "EMERGENCY_SERVICES"
	SectorRetail                 Sector = "RETAIL"
	SectorMedia                  Sector = "MEDIA"
	SectorSoftware               Sector = "SOFTWARE"
	SectorOther                  Sector = "OTHER"
)

var sectors = []Sector{SectorHealthcare, SectorFinance, SectorInsurance, SectorEmployment, SectorEducation, SectorPublic,
	SectorLawEnforcement, SectorMigration, SectorJustice, SectorElections, SectorCriticalInfrastructure,
	SectorEmergencyServices, SectorRetail, SectorMedia, SectorSoftware, SectorOther}

// Purpose is something an AI system is used for that the EU AI Act names: a prohibited practice of Art. 5(1),
// a high-risk use of Annex III, or biometric verification (named because GDPR Art. 9 applies to it).
type Purpose string

// The purposes, with the point of Regulation (EU) 2024/1689 that names them.
const (
	PurposeManipulation                 Purpose = "MANIPULATION"                          // Art. 5(1)(a)
	PurposeExploitingVulnerabilities    Purpose = "EXPLOITING_VULNERABILITIES"            // Art. 5(1)(b)
	PurposeSocialScoring                Purpose = "SOCIAL_SCORING"                        // Art. 5(1)(c)
	PurposeCrimePredictionByProfiling   Purpose = "CRIME_PREDICTION_BY_PROFILING"         // Art. 5(1)(d)
	PurposeFacialImageScraping          Purpose = "FACIAL_IMAGE_SCRAPING"                 // Art. 5(1)(e)
	PurposeEmotionRecognition           Purpose = "EMOTION_RECOGNITION"                   // Art. 5(1)(f) at work or school, else Annex III 1(c)
	PurposeSensitiveBiometricCategories Purpose = "BIOMETRIC_CATEGORISATION_SENSITIVE"    // Art. 5(1)(g)
	PurposeRealTimeBiometricIDPolicing  Purpose = "REALTIME_BIOMETRIC_ID_LAW_ENFORCEMENT" // Art. 5(1)(h)
	PurposeRemoteBiometricID            Purpose = "REMOTE_BIOMETRIC_IDENTIFICATION"       // Annex III 1(a)
	PurposeBiometricCategorisation      Purpose = "BIOMETRIC_CATEGORISATION"              // Annex III 1(b)
	PurposeCriticalInfrastructure       Purpose = "CRITICAL_INFRASTRUCTURE_SAFETY"        // Annex III 2
	PurposeEducationAdmission           Purpose = "EDUCATION_ADMISSION"                   // Annex III 3(a)
	PurposeEducationEvaluation          Purpose = "EDUCATION_EVALUATION"                  // Annex III 3(b)
	PurposeEducationLevel               Purpose = "EDUCATION_LEVEL"                       // Annex III 3(c)
	PurposeExamProctoring               Purpose = "EXAM_PROCTORING"                       // Annex III 3(d)
	PurposeRecruitment                  Purpose = "RECRUITMENT"                           // Annex III 4(a)
	PurposeWorkerManagement             Purpose = "WORKER_MANAGEMENT"                     // Annex III 4(b)
	PurposePublicBenefits               Purpose = "PUBLIC_BENEFITS"                       // Annex III 5(a)
	PurposeCreditworthiness             Purpose = "CREDITWORTHINESS"                      // Annex III 5(b)
	PurposeLifeHealthInsurance          Purpose = "LIFE_HEALTH_INSURANCE_PRICING"         // Annex III 5(c)
	PurposeEmergencyTriage              Purpose = "EMERGENCY_TRIAGE"                      // Annex III 5(d)
	PurposeVictimRisk                   Purpose = "VICTIM_RISK_ASSESSMENT"                // Annex III 6(a)
	PurposePolygraphPolicing            Purpose = "POLYGRAPH_LAW_ENFORCEMENT"             // Annex III 6(b)
	PurposeEvidenceEvaluation           Purpose = "EVIDENCE_EVALUATION"                   // Annex III 6(c)
	PurposeOffendingRisk                Purpose = "OFFENDING_RISK_ASSESSMENT"             // Annex III 6(d)
	PurposeCriminalProfiling            Purpose = "CRIMINAL_PROFILING"                    // Annex III 6(e)
	PurposePolygraphMigration           Purpose = "POLYGRAPH_MIGRATION"                   // Annex III 7(a)
	PurposeMigrationRisk                Purpose = "MIGRATION_RISK_ASSESSMENT"             // Annex III 7(b)
	PurposeAsylumVisaExamination        Purpose = "ASYLUM_VISA_EXAMINATION"               // Annex III 7(c)
	PurposeBorderIdentification         Purpose = "BORDER_IDENTIFICATION"                 // Annex III 7(d)
	PurposeJudicialAssistance           Purpose = "JUDICIAL_ASSISTANCE"                   // Annex III 8(a)
	PurposeElectionInfluence            Purpose = "ELECTION_INFLUENCE"                    // Annex III 8(b)
	PurposeBiometricVerification        Purpose = "BIOMETRIC_VERIFICATION"                // excluded from Annex III 1(a); GDPR Art. 9
)

var purposes = []Purpose{PurposeManipulation, PurposeExploitingVulnerabilities, PurposeSocialScoring,
	PurposeCrimePredictionByProfiling, PurposeFacialImageScraping, PurposeEmotionRecognition,
	PurposeSensitiveBiometricCategories, PurposeRealTimeBiometricIDPolicing, PurposeRemoteBiometricID,
	PurposeBiometricCategorisation, PurposeCriticalInfrastructure, PurposeEducationAdmission,
	PurposeEducationEvaluation, PurposeEducationLevel, PurposeExamProctoring, PurposeRecruitment,
	PurposeWorkerManagement, PurposePublicBenefits, PurposeCreditworthiness, PurposeLifeHealthInsurance,
	PurposeEmergencyTriage, PurposeVictimRisk, PurposePolygraphPolicing, PurposeEvidenceEvaluation,
	PurposeOffendingRisk, PurposeCriminalProfiling, PurposePolygraphMigration, PurposeMigrationRisk,
	PurposeAsylumVisaExamination, PurposeBorderIdentification, PurposeJudicialAssistance,
	PurposeElectionInfluence, PurposeBiometricVerification}

// Role is the team's role for the AI system under the EU AI Act (Art. 3(3), 3(4), 3(6)).
type Role string

// The roles.
const (
	RoleProvider Role = "PROVIDER" // develops the system (or has it developed) and offers or uses it under its own name
	RoleDeployer Role = "DEPLOYER" // uses the system under its authority in a professional activity
	RoleImporter Role = "IMPORTER" // places in the EU a system bearing the name of a provider established outside it
)

var roles = []Role{RoleProvider, RoleDeployer, RoleImporter}

// defaultRoles are assumed when the team states none: a team that builds an AI system on a model and runs it
// is its provider and its deployer.
var defaultRoles = []Role{RoleProvider, RoleDeployer}

// SpecialCategoryCondition is the GDPR Art. 9(2) condition that lifts the ban on processing special
// categories of personal data (health, biometric identification, and the rest of Art. 9(1)).
type SpecialCategoryCondition string

// The conditions. The empty value means none.
const (
	ConditionNone                      SpecialCategoryCondition = "NONE"
	ConditionExplicitConsent           SpecialCategoryCondition = "EXPLICIT_CONSENT"            // Art. 9(2)(a)
	ConditionEmploymentSocialLaw       SpecialCategoryCondition = "EMPLOYMENT_SOCIAL_LAW"       // Art. 9(2)(b)
	ConditionVitalInterests            SpecialCategoryCondition = "VITAL_INTERESTS"             // Art. 9(2)(c)
	ConditionNotForProfitMembers       SpecialCategoryCondition = "NOT_FOR_PROFIT_MEMBERS"      // Art. 9(2)(d)
	ConditionMadePublic                SpecialCategoryCondition = "MADE_PUBLIC_BY_PERSON"       // Art. 9(2)(e)
	ConditionLegalClaims               SpecialCategoryCondition = "LEGAL_CLAIMS"                // Art. 9(2)(f)
	ConditionSubstantialPublicInterest SpecialCategoryCondition = "SUBSTANTIAL_PUBLIC_INTEREST" // Art. 9(2)(g)
	ConditionHealthOrSocialCare        SpecialCategoryCondition = "HEALTH_OR_SOCIAL_CARE"       // Art. 9(2)(h) and 9(3)
	ConditionPublicHealth              SpecialCategoryCondition = "PUBLIC_HEALTH"               // Art. 9(2)(i)
	ConditionResearchStatistics        SpecialCategoryCondition = "RESEARCH_OR_STATISTICS"      // Art. 9(2)(j)
)

// OrNone is the condition, NONE when empty.
func (c SpecialCategoryCondition) OrNone() SpecialCategoryCondition {
	if c == "" {
		return ConditionNone
	}
	return c
}

var specialCategoryConditions = []SpecialCategoryCondition{ConditionNone, ConditionExplicitConsent,
	ConditionEmploymentSocialLaw, ConditionVitalInterests, ConditionNotForProfitMembers, ConditionMadePublic,
	ConditionLegalClaims, ConditionSubstantialPublicInterest, ConditionHealthOrSocialCare, ConditionPublicHealth,
	ConditionResearchStatistics}

// TransferMechanism is the legal basis for moving personal data out of the EEA (GDPR Chapter V).
type TransferMechanism string

// The mechanisms. The empty value means none.
const (
	TransferNone     TransferMechanism = "NONE"
	TransferSCC      TransferMechanism = "SCC"      // standard contractual clauses, Art. 46(2)(c)
	TransferAdequacy TransferMechanism = "ADEQUACY" // adequacy decision, Art. 45
	TransferDPF      TransferMechanism = "DPF"      // EU-US Data Privacy Framework, Decision (EU) 2023/1795
	TransferBCR      TransferMechanism = "BCR"      // binding corporate rules, Art. 47
)

var transferMechanisms = []TransferMechanism{TransferNone, TransferSCC, TransferAdequacy, TransferDPF, TransferBCR}

// Severity is how serious a finding is.
type Severity string

// The severities, most serious first.
const (
	SeverityProhibited Severity = "PROHIBITED"
	SeverityCritical   Severity = "CRITICAL"
	SeverityHigh       Severity = "HIGH"
	SeverityMedium     Severity = "MEDIUM"
	SeverityLow        Severity = "LOW"
)

var severities = []Severity{SeverityProhibited, SeverityCritical, SeverityHigh, SeverityMedium, SeverityLow}

// Level is the overall risk level of an assessment.
type Level string

// The levels, from none to prohibited.
const (
	LevelNone       Level = "NONE"
	LevelLow        Level = "LOW"
	LevelMedium     Level = "MEDIUM"
	LevelHigh       Level = "HIGH"
	LevelCritical   Level = "CRITICAL"
	LevelProhibited Level = "PROHIBITED"
)

func contains[T comparable](list []T, v T) bool {
	for _, x := range list {
		if x == v {
			return true
		}
	}
	return false
}
