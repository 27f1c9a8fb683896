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
	PHI         DataCategory = "PHI"          // protected health information
	PaymentCard DataCategory = "PAYMENT_CARD" // cardholder data (PAN)
	Biometric   DataCategory = "BIOMETRIC"
	Children    DataCategory = "CHILDREN" // data of children
)

var dataCategories = []DataCategory{PII, PHI, PaymentCard, Biometric, Children}

// RiskTier is the EU AI Act risk tier of a use case.
type RiskTier string

// The tiers. TierUnclassified is the tier of an empty use case.
const (
	TierProhibited   RiskTier = "PROHIBITED" // Art. 5
	TierHigh         RiskTier = "HIGH"       // Art. 6 and Annex III
	TierLimited      RiskTier = "LIMITED"    // Art. 50 transparency
	TierMinimal      RiskTier = "MINIMAL"
	TierUnclassified RiskTier = "UNCLASSIFIED"
)

var riskTiers = []RiskTier{TierProhibited, TierHigh, TierLimited, TierMinimal, TierUnclassified}

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
