package compliance

import (
	"fmt"
	"slices"
	"sort"
	"strings"

	"github.com/modelarchitect/architect/internal/catalog"
)

// UseCaseFacts describe what an AI system is for and whom it touches; the EU AI Act tier follows from them
// (see the classification rules of the rule set). A preset use case is a named set of these facts.
type UseCaseFacts struct {
	// Sector is the field the system is used in; empty means not stated, and the use case counts as not
	// described (AIACT-USE-CASE-UNCLASSIFIED).
	Sector Sector `json:"sector,omitempty"`
	// Purposes are the uses the EU AI Act names (Art. 5 practices, Annex III uses) that the system serves:
	// the decisions it makes or informs about people, and its biometric uses.
	Purposes []Purpose `json:"purposes,omitempty"`
	// InteractsWithPeople: people talk or write to the system directly (a chatbot, a voice agent), Art. 50(1).
	InteractsWithPeople bool `json:"interactsWithPeople,omitempty"`
	// GeneratesContent: the system generates synthetic audio, images, video or text, Art. 50(2).
	GeneratesContent bool `json:"generatesContent,omitempty"`
	// Deepfakes: it generates or manipulates images, audio or video that resemble real people, places or
	// events and could be taken for real, Art. 50(4) first subparagraph.
	Deepfakes bool `json:"deepfakes,omitempty"`
	// PublicInterestText: it writes text published to inform the public on matters of public interest,
	// Art. 50(4) second subparagraph.
	PublicInterestText bool `json:"publicInterestText,omitempty"`
	// AtWorkplace: it is used on workers or job applicants at work (implied by sector EMPLOYMENT).
	AtWorkplace bool `json:"atWorkplace,omitempty"`
	// InEducation: it is used on pupils or students in an education institution (implied by sector EDUCATION).
	InEducation bool `json:"inEducation,omitempty"`
	// PublicAuthority: the deployer is a public authority or body (implied by sectors PUBLIC_SECTOR,
	// LAW_ENFORCEMENT and MIGRATION_BORDER).
	PublicAuthority bool `json:"publicAuthority,omitempty"`
	// PublicService: the deployer is a private entity providing public services (Art. 27(1)).
	PublicService bool `json:"publicService,omitempty"`
	// Profiling: the system evaluates personal aspects of people (work performance, economic situation,
	// health, preferences, behaviour, location), GDPR Art. 4(4); it rules out the Art. 6(3) derogation.
	Profiling bool `json:"profiling,omitempty"`
	// RegulatedProduct: the system is a product, or a safety component of a product, covered by the EU
	// product laws of Annex I (medical devices, machinery, toys, lifts, vehicles, …) that need a third-party
	// conformity assessment, Art. 6(1).
	RegulatedProduct bool `json:"regulatedProduct,omitempty"`
}

// given reports whether any use-case fact is set.
func (u UseCaseFacts) given() bool {
	return u.Sector != "" || len(u.Purposes) > 0 || u.InteractsWithPeople || u.GeneratesContent || u.Deepfakes ||
		u.PublicInterestText || u.AtWorkplace || u.InEducation || u.PublicAuthority || u.PublicService ||
		u.Profiling || u.RegulatedProduct
}

// Assessment is what a team plans: which rules bind it, what the system is for, what data flows, where and
// through which model, and which controls are in place. A control left false counts as not in place: the
// advisor cannot verify controls and errs towards a finding.
type Assessment struct {
	Requirements   []Requirement  `json:"requirements"`
	DataCategories []DataCategory `json:"dataCategories"`
	// UseCase is a preset id of the rule set (EMPLOYMENT, CREDIT_SCORING, CHATBOT, …), whose facts are added
	// to the ones below, or a free label for a use case described by its facts alone (an unknown id with no
	// facts is refused, as it is most likely a typo). Empty: no preset.
	UseCase string `json:"useCase"`
	UseCaseFacts
	// Roles are the team's roles for the AI system; empty means PROVIDER and DEPLOYER (a team that builds a
	// system on a model and runs it).
	Roles    []Role `json:"roles,omitempty"`
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

	// Exceptions the team claims; each is checked against the facts and shown in the evidence.
	MedicalOrSafetyReason bool `json:"medicalOrSafetyReason,omitempty"` // emotion recognition for medical or safety reasons, Art. 5(1)(f)
	AnnexIIIDerogation    bool `json:"annexIIIDerogation,omitempty"`    // Art. 6(3): an Annex III system that does only a narrow or preparatory task
	// SpecialCategoryCondition is the GDPR Art. 9(2) condition relied on for special-category data; empty: NONE.
	SpecialCategoryCondition SpecialCategoryCondition `json:"specialCategoryCondition,omitempty"`

	HumanOversight          bool `json:"humanOversight"`          // a person reviews and can override outputs
	Logging                 bool `json:"logging"`                 // inputs, outputs and decisions are logged for audit
	PIIMasking              bool `json:"piiMasking"`              // personal data is redacted before prompts
	PaymentCardMasking      bool `json:"paymentCardMasking"`      // card numbers are masked or tokenised before prompts
	EncryptionInTransit     bool `json:"encryptionInTransit"`     // TLS 1.2+ to the model and between services
	AccessControls          bool `json:"accessControls"`          // unique users, least privilege, MFA on the system
	RiskManagement          bool `json:"riskManagement"`          // an EU AI Act Art. 9 risk-management system exists
	ConformityAssessment    bool `json:"conformityAssessment"`    // EU AI Act Art. 43 assessment done (importers: verified)
	DPIA                    bool `json:"dpia"`                    // data-protection / privacy risk assessment done
	DPA                     bool `json:"dpa"`                     // GDPR Art. 28 processor agreement signed with the vendor
	BAASigned               bool `json:"baaSigned"`               // HIPAA business associate agreement signed
	ServiceProviderContract bool `json:"serviceProviderContract"` // CCPA service-provider terms signed with the vendor
	AIDisclosure            bool `json:"aiDisclosure"`            // people are told they deal with AI / synthetic content
	ParentalConsent         bool `json:"parentalConsent"`         // verified parental consent for children's data

	DataGovernance          bool `json:"dataGovernance,omitempty"`          // Art. 10: training, validation and test data examined for quality and bias
	TechnicalDocumentation  bool `json:"technicalDocumentation,omitempty"`  // Art. 11 and Annex IV documentation drawn up (importers: verified)
	InstructionsForUse      bool `json:"instructionsForUse,omitempty"`      // Art. 13: instructions for use given to deployers
	AccuracyRobustness      bool `json:"accuracyRobustness,omitempty"`      // Art. 15: accuracy measured and declared, robustness and security tested
	QualityManagement       bool `json:"qualityManagement,omitempty"`       // Art. 17 quality-management system
	Registered              bool `json:"registered,omitempty"`              // registered in the EU database, Art. 49
	Monitoring              bool `json:"monitoring,omitempty"`              // Art. 26(1), (4), (5): used as instructed, input data checked, operation monitored
	WorkersInformed         bool `json:"workersInformed,omitempty"`         // Art. 26(7): workers and their representatives informed
	AffectedPersonsInformed bool `json:"affectedPersonsInformed,omitempty"` // Art. 26(11): people told a high-risk system decides about them
	FRIA                    bool `json:"fria,omitempty"`                    // Art. 27 fundamental-rights impact assessment done
	ContentMarking          bool `json:"contentMarking,omitempty"`          // Art. 50(2): outputs marked machine-readably as AI-generated
	AILiteracy              bool `json:"aiLiteracy,omitempty"`              // Art. 4: staff trained for the AI systems they use
	DerogationDocumented    bool `json:"derogationDocumented,omitempty"`    // Art. 6(4): the not-high-risk assessment is documented

	// RetentionDays is how long prompts and outputs are kept (by the team and the vendor); 0 means not kept.
	RetentionDays int `json:"retentionDays"`
	// TransferMechanism is the GDPR basis for processing outside the EEA; empty means NONE.
	TransferMechanism TransferMechanism `json:"transferMechanism"`
}

// facts is an Assessment resolved against a rule set's tables: the preset's facts merged in, lists
// deduplicated, defaults applied, and (after classification) the tier.
type facts struct {
	Assessment
	requirements   []Requirement
	dataCategories []DataCategory
	purposes       []Purpose
	roles          []Role
	rolesGiven     bool
	preset         *UseCase
	fromPreset     map[string]bool // "dataCategories/PII", "purposes/RECRUITMENT": values only the preset gave
	tier           RiskTier
	tierSources    []string // sources of the classification rules that set the tier
	transfer       TransferMechanism
	condition      SpecialCategoryCondition
	retentionDays  int
	region         Region
	regionKnown    bool
	jurisdiction   Jurisdiction
}

func (rs *RuleSet) resolve(a Assessment) (*facts, error) {
	f := &facts{Assessment: a, tier: TierUnclassified, transfer: a.TransferMechanism, condition: a.SpecialCategoryCondition.OrNone(),
		retentionDays: a.RetentionDays, fromPreset: map[string]bool{}}
	for i, r := range a.Requirements {
		if !contains(requirements, r) {
			return nil, invalid(fmt.Sprintf("requirements[%d]", i), "%q is not one of GDPR, HIPAA, SOC2, CCPA, PCI_DSS, EU_AI_ACT", r)
		}
		f.requirements = appendNew(f.requirements, r)
	}
	for i, d := range a.DataCategories {
		if !contains(dataCategories, d) {
			return nil, invalid(fmt.Sprintf("dataCategories[%d]", i), "%q is not one of %s", d, joinValues(dataCategories))
		}
		f.dataCategories = appendNew(f.dataCategories, d)
	}
	if a.Sector != "" && !contains(sectors, a.Sector) {
		return nil, invalid("sector", "%q is not one of %s", a.Sector, joinValues(sectors))
	}
	for i, p := range a.Purposes {
		if !contains(purposes, p) {
			return nil, invalid(fmt.Sprintf("purposes[%d]", i), "%q is not one of %s", p, joinValues(purposes))
		}
		f.purposes = appendNew(f.purposes, p)
	}
	for i, r := range a.Roles {
		if !contains(roles, r) {
			return nil, invalid(fmt.Sprintf("roles[%d]", i), "%q is not one of PROVIDER, DEPLOYER, IMPORTER", r)
		}
		f.roles = appendNew(f.roles, r)
	}
	f.rolesGiven = len(f.roles) > 0
	if !f.rolesGiven {
		f.roles = slices.Clone(defaultRoles)
	}
	if a.UseCase != "" {
		u, ok := rs.useCase[a.UseCase]
		switch {
		case ok:
			f.merge(&u)
		case !a.UseCaseFacts.given():
			return nil, invalid("useCase", "%q is not a preset use case; describe the use case by its facts (sector, purposes, interactsWithPeople, …) and keep %q as its label, or use one of %s",
				a.UseCase, a.UseCase, strings.Join(rs.useCaseIDs(), ", "))
		}
	}
	if f.transfer == "" {
		f.transfer = TransferNone
	}
	if !contains(transferMechanisms, f.transfer) {
		return nil, invalid("transferMechanism", "%q is not one of NONE, SCC, ADEQUACY, DPF, BCR", a.TransferMechanism)
	}
	if !contains(specialCategoryConditions, f.condition) {
		return nil, invalid("specialCategoryCondition", "%q is not one of %s", a.SpecialCategoryCondition, joinValues(specialCategoryConditions))
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

// merge adds a preset's facts to the ones given: lists are united, flags or-ed, and the sector given wins.
func (f *facts) merge(u *UseCase) {
	f.preset = u
	if f.Sector == "" {
		f.Sector = u.Sector
	}
	for _, d := range u.DataCategories {
		if !contains(f.dataCategories, d) {
			f.dataCategories = append(f.dataCategories, d)
			f.fromPreset["dataCategories/"+string(d)] = true
		}
	}
	for _, p := range u.Purposes {
		if !contains(f.purposes, p) {
			f.purposes = append(f.purposes, p)
			f.fromPreset["purposes/"+string(p)] = true
		}
	}
	for name, def := range useCaseFlags {
		if have := def.flag(&f.UseCaseFacts); !*have && *def.flag(&u.UseCaseFacts) {
			*have = true
			f.fromPreset["flags/"+name] = true
		}
	}
}

func appendNew[T comparable](list []T, v T) []T {
	if contains(list, v) {
		return list
	}
	return append(list, v)
}

func joinValues[T ~string](values []T) string {
	s := make([]string, len(values))
	for i, v := range values {
		s[i] = string(v)
	}
	return strings.Join(s, ", ")
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

// useCaseName is the use case as the team named it, for messages.
func (f *facts) useCaseName() string {
	if f.UseCase != "" {
		return f.UseCase
	}
	return "the system"
}

// origin says where a list value came from when the preset, not the team, supplied it.
func (f *facts) origin(list, value string) string {
	if f.fromPreset[list+"/"+value] {
		return fmt.Sprintf(" (from use case %s)", f.UseCase)
	}
	return ""
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

// biometricIdentification lists the purposes that process biometric data to identify a person, which makes
// it special-category data under GDPR Art. 9(1).
var biometricIdentification = []Purpose{PurposeRemoteBiometricID, PurposeRealTimeBiometricIDPolicing,
	PurposeBiometricVerification, PurposeFacialImageScraping}

// specialCategoryData says which special categories of GDPR Art. 9(1) the system processes, if any.
func (f *facts) specialCategoryData() []string {
	var why []string
	for _, d := range []DataCategory{PHI, SpecialCategory} {
		if contains(f.dataCategories, d) {
			why = append(why, string(d)+f.origin("dataCategories", string(d)))
		}
	}
	if contains(f.dataCategories, Biometric) {
		for _, p := range biometricIdentification {
			if contains(f.purposes, p) {
				why = append(why, fmt.Sprintf("BIOMETRIC used for %s", p))
				break
			}
		}
	}
	return why
}

// useCaseFlag is a boolean use-case fact; a preset may set it.
type useCaseFlag struct {
	flag func(*UseCaseFacts) *bool
}

var useCaseFlags = map[string]useCaseFlag{
	"interactsWithPeople": {func(u *UseCaseFacts) *bool { return &u.InteractsWithPeople }},
	"generatesContent":    {func(u *UseCaseFacts) *bool { return &u.GeneratesContent }},
	"deepfakes":           {func(u *UseCaseFacts) *bool { return &u.Deepfakes }},
	"publicInterestText":  {func(u *UseCaseFacts) *bool { return &u.PublicInterestText }},
	"atWorkplace":         {func(u *UseCaseFacts) *bool { return &u.AtWorkplace }},
	"inEducation":         {func(u *UseCaseFacts) *bool { return &u.InEducation }},
	"publicAuthority":     {func(u *UseCaseFacts) *bool { return &u.PublicAuthority }},
	"publicService":       {func(u *UseCaseFacts) *bool { return &u.PublicService }},
	"profiling":           {func(u *UseCaseFacts) *bool { return &u.Profiling }},
	"regulatedProduct":    {func(u *UseCaseFacts) *bool { return &u.RegulatedProduct }},
}

// useCaseFact is a use-case flag as a fact; its evidence says when the preset set it.
func useCaseFact(name string) factDef {
	return factDef{
		get: func(f *facts) bool { return *useCaseFlags[name].flag(&f.UseCaseFacts) },
		describe: func(f *facts, v bool) string {
			return fmt.Sprintf("%s is %t%s", name, v, f.origin("flags", name))
		},
	}
}

type factDef struct {
	get      func(*facts) bool
	describe func(*facts, bool) string
}

// control is a fact that describes itself as "name is true/false".
func control(name string, get func(*facts) bool) factDef {
	return factDef{get: get, describe: func(_ *facts, v bool) string { return fmt.Sprintf("%s is %t", name, v) }}
}

// implied is a flag that a sector implies: it holds when set, or when the sector is one of these.
func implied(name, flagName string, by ...Sector) factDef {
	flag := func(f *facts) bool { return *useCaseFlags[flagName].flag(&f.UseCaseFacts) }
	return factDef{
		get: func(f *facts) bool { return flag(f) || contains(by, f.Sector) },
		describe: func(f *facts, v bool) string {
			if v && !flag(f) {
				return fmt.Sprintf("%s holds: sector is %s", name, f.Sector)
			}
			return fmt.Sprintf("%s is %t%s", name, v, f.origin("flags", flagName))
		},
	}
}

// factTable holds every boolean fact a rule may name with {"fact": name}.
var factTable = map[string]factDef{
	"humanOversight":            control("humanOversight", func(f *facts) bool { return f.HumanOversight }),
	"logging":                   control("logging", func(f *facts) bool { return f.Logging }),
	"piiMasking":                control("piiMasking", func(f *facts) bool { return f.PIIMasking }),
	"paymentCardMasking":        control("paymentCardMasking", func(f *facts) bool { return f.PaymentCardMasking }),
	"encryptionInTransit":       control("encryptionInTransit", func(f *facts) bool { return f.EncryptionInTransit }),
	"accessControls":            control("accessControls", func(f *facts) bool { return f.AccessControls }),
	"riskManagement":            control("riskManagement", func(f *facts) bool { return f.RiskManagement }),
	"conformityAssessment":      control("conformityAssessment", func(f *facts) bool { return f.ConformityAssessment }),
	"dpia":                      control("dpia", func(f *facts) bool { return f.DPIA }),
	"dpa":                       control("dpa", func(f *facts) bool { return f.DPA }),
	"baaSigned":                 control("baaSigned", func(f *facts) bool { return f.BAASigned }),
	"serviceProviderContract":   control("serviceProviderContract", func(f *facts) bool { return f.ServiceProviderContract }),
	"aiDisclosure":              control("aiDisclosure", func(f *facts) bool { return f.AIDisclosure }),
	"parentalConsent":           control("parentalConsent", func(f *facts) bool { return f.ParentalConsent }),
	"dataGovernance":            control("dataGovernance", func(f *facts) bool { return f.DataGovernance }),
	"technicalDocumentation":    control("technicalDocumentation", func(f *facts) bool { return f.TechnicalDocumentation }),
	"instructionsForUse":        control("instructionsForUse", func(f *facts) bool { return f.InstructionsForUse }),
	"accuracyRobustness":        control("accuracyRobustness", func(f *facts) bool { return f.AccuracyRobustness }),
	"qualityManagement":         control("qualityManagement", func(f *facts) bool { return f.QualityManagement }),
	"registered":                control("registered", func(f *facts) bool { return f.Registered }),
	"monitoring":                control("monitoring", func(f *facts) bool { return f.Monitoring }),
	"workersInformed":           control("workersInformed", func(f *facts) bool { return f.WorkersInformed }),
	"affectedPersonsInformed":   control("affectedPersonsInformed", func(f *facts) bool { return f.AffectedPersonsInformed }),
	"fria":                      control("fria", func(f *facts) bool { return f.FRIA }),
	"contentMarking":            control("contentMarking", func(f *facts) bool { return f.ContentMarking }),
	"aiLiteracy":                control("aiLiteracy", func(f *facts) bool { return f.AILiteracy }),
	"derogationDocumented":      control("derogationDocumented", func(f *facts) bool { return f.DerogationDocumented }),
	"selfHosted":                control("selfHosted", func(f *facts) bool { return f.SelfHosted }),
	"automatedDecisions":        control("automatedDecisions", func(f *facts) bool { return f.AutomatedDecisions }),
	"interactsWithPeople":       useCaseFact("interactsWithPeople"),
	"generatesContent":          useCaseFact("generatesContent"),
	"deepfakes":                 useCaseFact("deepfakes"),
	"publicInterestText":        useCaseFact("publicInterestText"),
	"publicService":             useCaseFact("publicService"),
	"profiling":                 useCaseFact("profiling"),
	"regulatedProduct":          useCaseFact("regulatedProduct"),
	"medicalOrSafetyReason":     control("medicalOrSafetyReason", func(f *facts) bool { return f.MedicalOrSafetyReason }),
	"annexIIIDerogationClaimed": control("annexIIIDerogation", func(f *facts) bool { return f.AnnexIIIDerogation }),
	"workplace":                 implied("workplace", "atWorkplace", SectorEmployment),
	"education":                 implied("education", "inEducation", SectorEducation),
	"publicAuthority":           implied("publicAuthority", "publicAuthority", SectorPublic, SectorLawEnforcement, SectorMigration),
	"described": {
		get: func(f *facts) bool { return f.Sector != "" },
		describe: func(f *facts, v bool) string {
			if v {
				return fmt.Sprintf("sector is %s", f.Sector)
			}
			return "no sector is given (and no preset use case gives one)"
		},
	},
	"annexIIIDerogation": {
		// The Art. 6(3) derogation holds only when claimed and the system profiles no one (Art. 6(3), last subparagraph).
		get: func(f *facts) bool { return f.AnnexIIIDerogation && !f.Profiling },
		describe: func(f *facts, v bool) string {
			switch {
			case v:
				return "annexIIIDerogation is claimed and profiling is false"
			case f.AnnexIIIDerogation:
				return "annexIIIDerogation is claimed but void: the system profiles people (profiling is true)"
			}
			return "annexIIIDerogation is false"
		},
	},
	"specialCategoryData": {
		get: func(f *facts) bool { return len(f.specialCategoryData()) > 0 },
		describe: func(f *facts, v bool) string {
			if v {
				return "special-category data under GDPR Art. 9(1): " + strings.Join(f.specialCategoryData(), ", ")
			}
			return "no special-category data (health, biometric identification, SPECIAL_CATEGORY)"
		},
	},
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
