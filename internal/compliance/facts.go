package compliance

import (
	"fmt"
	"slices"
	"sort"
	"strings"

	"github.com/modelarchitect/architect/internal/catalog"
)

// Assessment is what a team plans: which rules bind it, what data flows, for what, where and through which
// model, and which controls are in place. A control left false counts as not in place: the advisor cannot
// verify controls and errs towards a finding.
type Assessment struct {
	Requirements   []Requirement  `json:"requirements"`
	DataCategories []DataCategory `json:"dataCategories"`
	// UseCase is a use-case id of the rule set (e.g. EMPLOYMENT, CREDIT_SCORING, CHATBOT, SOCIAL_SCORING);
	// empty means not classified yet.
	UseCase  string `json:"useCase"`
	Provider string `json:"provider"` // informational: the model API or cloud, used in messages
	// Region is where data is processed: a cloud region (eu-west-1, europe-west4, westeurope, ...) or a
	// model-API data zone (US, EU, APAC, CN, GLOBAL); case-insensitive. A region missing from the rule set is
	// treated as outside the EEA without adequacy, and reported.
	Region string `json:"region"`
	// Model is the catalog entry of the chosen model, or nil when it is not in the catalog. A nil model has no
	// known attestations or data zones: every rule that needs one treats it as missing, and the
	// GEN-MODEL-UNKNOWN rule reports that the facts could not be verified.
	Model *catalog.Model `json:"-"`
	// SelfHosted means the team runs the model on its own infrastructure in Region, so no model-API vendor
	// receives the data (the cloud provider's own agreements then apply).
	SelfHosted bool `json:"selfHosted"`
	// AutomatedDecisions means the system makes decisions with legal or similarly significant effects on people.
	AutomatedDecisions bool `json:"automatedDecisions"`

	HumanOversight          bool `json:"humanOversight"`          // a person reviews and can override outputs
	Logging                 bool `json:"logging"`                 // inputs, outputs and decisions are logged for audit
	PIIMasking              bool `json:"piiMasking"`              // personal data is redacted before prompts
	PaymentCardMasking      bool `json:"paymentCardMasking"`      // card numbers are masked or tokenised before prompts
	EncryptionInTransit     bool `json:"encryptionInTransit"`     // TLS 1.2+ to the model and between services
	AccessControls          bool `json:"accessControls"`          // unique users, least privilege, MFA on the system
	RiskManagement          bool `json:"riskManagement"`          // an EU AI Act Art. 9 risk-management system exists
	ConformityAssessment    bool `json:"conformityAssessment"`    // EU AI Act Art. 43 assessment done
	DPIA                    bool `json:"dpia"`                    // data-protection / privacy risk assessment done
	DPA                     bool `json:"dpa"`                     // GDPR Art. 28 processor agreement signed with the vendor
	BAASigned               bool `json:"baaSigned"`               // HIPAA business associate agreement signed
	ServiceProviderContract bool `json:"serviceProviderContract"` // CCPA service-provider terms signed with the vendor
	AIDisclosure            bool `json:"aiDisclosure"`            // people are told they deal with AI / synthetic content
	ParentalConsent         bool `json:"parentalConsent"`         // verified parental consent for children's data

	// RetentionDays is how long prompts and outputs are kept (by the team and the vendor); 0 means not kept.
	RetentionDays int `json:"retentionDays"`
	// TransferMechanism is the GDPR basis for processing outside the EEA; empty means NONE.
	TransferMechanism TransferMechanism `json:"transferMechanism"`
}

// facts is an Assessment resolved against a rule set's tables.
type facts struct {
	Assessment
	requirements   []Requirement
	dataCategories []DataCategory
	useCase        string
	tier           RiskTier
	transfer       TransferMechanism
	retentionDays  int
	region         Region
	regionKnown    bool
	jurisdiction   Jurisdiction
}

func (rs *RuleSet) resolve(a Assessment) (*facts, error) {
	f := &facts{Assessment: a, useCase: a.UseCase, tier: TierUnclassified, transfer: a.TransferMechanism, retentionDays: a.RetentionDays}
	for i, r := range a.Requirements {
		if !contains(requirements, r) {
			return nil, invalid(fmt.Sprintf("requirements[%d]", i), "%q is not one of GDPR, HIPAA, SOC2, CCPA, PCI_DSS, EU_AI_ACT", r)
		}
		if !contains(f.requirements, r) {
			f.requirements = append(f.requirements, r)
		}
	}
	for i, d := range a.DataCategories {
		if !contains(dataCategories, d) {
			return nil, invalid(fmt.Sprintf("dataCategories[%d]", i), "%q is not one of PII, PHI, PAYMENT_CARD, BIOMETRIC, CHILDREN", d)
		}
		if !contains(f.dataCategories, d) {
			f.dataCategories = append(f.dataCategories, d)
		}
	}
	if a.UseCase != "" {
		u, ok := rs.useCase[a.UseCase]
		if !ok {
			return nil, invalid("useCase", "%q is not a known use case; use one of %s", a.UseCase, strings.Join(rs.useCaseIDs(), ", "))
		}
		f.tier = u.Tier
	}
	if f.transfer == "" {
		f.transfer = TransferNone
	}
	if !contains(transferMechanisms, f.transfer) {
		return nil, invalid("transferMechanism", "%q is not one of NONE, SCC, ADEQUACY, DPF, BCR", a.TransferMechanism)
	}
	if a.RetentionDays < 0 {
		return nil, invalid("retentionDays", "must be ≥ 0 (0 means prompts and outputs are not kept), got %d", a.RetentionDays)
	}
	f.region, f.regionKnown = rs.region[strings.ToLower(a.Region)]
	if f.regionKnown {
		f.jurisdiction = rs.jurisdiction[f.region.Jurisdiction]
	}
	return f, nil
}

func (rs *RuleSet) useCaseIDs() []string {
	ids := make([]string, 0, len(rs.UseCases))
	for _, u := range rs.UseCases {
		ids = append(ids, u.ID)
	}
	sort.Strings(ids)
	return ids
}

func (f *facts) modelName() string {
	if f.Model == nil {
		return "(unknown model)"
	}
	return f.Model.ID
}

// modelLacks holds when the model is unknown or does not list the attestation.
func (f *facts) modelLacks(attestation string) (bool, []string) {
	switch {
	case f.Model == nil:
		return true, []string{fmt.Sprintf("the model is not in the catalog, so %s cannot be verified", attestation)}
	case slices.Contains(f.Model.Attestations, attestation):
		return false, []string{fmt.Sprintf("model %s has %s", f.Model.ID, attestation)}
	default:
		return true, []string{fmt.Sprintf("model %s lacks %s (catalog attestations: %v)", f.Model.ID, attestation, f.Model.Attestations)}
	}
}

// modelOutsideRegion holds when a known, vendor-hosted model does not process data in the data zone that
// serves the region (so the data leaves it), or lists no zones at all.
func (f *facts) modelOutsideRegion() bool {
	if f.Model == nil || f.SelfHosted || !f.regionKnown {
		return false
	}
	return f.jurisdiction.Zone == "" || !slices.Contains(f.Model.Regions, f.jurisdiction.Zone)
}

type factDef struct {
	get      func(*facts) bool
	describe func(*facts, bool) string
}

// control is a fact that describes itself as "name is true/false".
func control(name string, get func(*facts) bool) factDef {
	return factDef{get: get, describe: func(_ *facts, v bool) string { return fmt.Sprintf("%s is %t", name, v) }}
}

// factTable holds every boolean fact a rule may name with {"fact": name}.
var factTable = map[string]factDef{
	"humanOversight":          control("humanOversight", func(f *facts) bool { return f.HumanOversight }),
	"logging":                 control("logging", func(f *facts) bool { return f.Logging }),
	"piiMasking":              control("piiMasking", func(f *facts) bool { return f.PIIMasking }),
	"paymentCardMasking":      control("paymentCardMasking", func(f *facts) bool { return f.PaymentCardMasking }),
	"encryptionInTransit":     control("encryptionInTransit", func(f *facts) bool { return f.EncryptionInTransit }),
	"accessControls":          control("accessControls", func(f *facts) bool { return f.AccessControls }),
	"riskManagement":          control("riskManagement", func(f *facts) bool { return f.RiskManagement }),
	"conformityAssessment":    control("conformityAssessment", func(f *facts) bool { return f.ConformityAssessment }),
	"dpia":                    control("dpia", func(f *facts) bool { return f.DPIA }),
	"dpa":                     control("dpa", func(f *facts) bool { return f.DPA }),
	"baaSigned":               control("baaSigned", func(f *facts) bool { return f.BAASigned }),
	"serviceProviderContract": control("serviceProviderContract", func(f *facts) bool { return f.ServiceProviderContract }),
	"aiDisclosure":            control("aiDisclosure", func(f *facts) bool { return f.AIDisclosure }),
	"parentalConsent":         control("parentalConsent", func(f *facts) bool { return f.ParentalConsent }),
	"selfHosted":              control("selfHosted", func(f *facts) bool { return f.SelfHosted }),
	"automatedDecisions":      control("automatedDecisions", func(f *facts) bool { return f.AutomatedDecisions }),
	"modelKnown": {
		get: func(f *facts) bool { return f.Model != nil },
		describe: func(f *facts, v bool) string {
			if v {
				return fmt.Sprintf("model %s is in the catalog", f.Model.ID)
			}
			return "the model is not in the catalog (no attestations or data zones known)"
		},
	},
	"regionKnown": {
		get: func(f *facts) bool { return f.regionKnown },
		describe: func(f *facts, v bool) string {
			if v {
				return fmt.Sprintf("region %s is in %s", f.region.ID, f.jurisdiction.Name)
			}
			return fmt.Sprintf("region %s is not in the rule set's region table", orNone(f.Region))
		},
	},
	"regionInEEA": {
		get: func(f *facts) bool { return f.regionKnown && f.jurisdiction.EEA },
		describe: func(f *facts, v bool) string {
			return fmt.Sprintf("region %s (%s) is %s the EEA", orNone(f.Region), orNone(f.jurisdiction.Name), map[bool]string{true: "in", false: "outside"}[v])
		},
	},
	"regionAdequate": {
		get: func(f *facts) bool { return f.regionKnown && f.jurisdiction.Adequacy },
		describe: func(f *facts, v bool) string {
			if v {
				return fmt.Sprintf("%s has an EU adequacy decision", f.jurisdiction.Name)
			}
			return fmt.Sprintf("region %s (%s) has no EU adequacy decision", orNone(f.Region), orNone(f.jurisdiction.Name))
		},
	},
	"modelOutsideRegion": {
		get: func(f *facts) bool { return f.modelOutsideRegion() },
		describe: func(f *facts, v bool) string {
			if f.Model == nil || f.SelfHosted || !f.regionKnown {
				return "the model's data zones are not checked (unknown model, self-hosted or unknown region)"
			}
			zone := orNone(f.jurisdiction.Zone)
			if v {
				return fmt.Sprintf("model %s processes data in %v, not in the %s zone serving region %s", f.Model.ID, f.Model.Regions, zone, f.region.ID)
			}
			return fmt.Sprintf("model %s processes data in the %s zone serving region %s", f.Model.ID, zone, f.region.ID)
		},
	},
}

func factNames() []string {
	names := make([]string, 0, len(factTable))
	for n := range factTable {
		names = append(names, n)
	}
	sort.Strings(names)
	return names
}
