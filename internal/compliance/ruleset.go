package compliance

import (
	"bytes"
	_ "embed"
	"encoding/json"
	"fmt"
	"io"
	"os"
	"regexp"
	"strings"
	"sync"
)

//go:embed data/rules.json
var embeddedRules []byte

// RuleSet is a parsed, validated rule file: the rules and the tables they rely on. It is immutable once
// returned and safe for concurrent use.
type RuleSet struct {
	Version       string         `json:"version"` // changes whenever any rule or table changes; results record it
	AsOf          string         `json:"asOf"`    // date the legal facts were last checked, YYYY-MM-DD
	Attestations  []string       `json:"attestations"`
	UseCases      []UseCase      `json:"useCases"`
	Jurisdictions []Jurisdiction `json:"jurisdictions"`
	Regions       []Region       `json:"regions"`
	Rules         []Rule         `json:"rules"`

	useCase      map[string]UseCase
	jurisdiction map[string]Jurisdiction
	region       map[string]Region // by lower-case id
}

// UseCase is a use case a team can declare, with its EU AI Act risk tier.
type UseCase struct {
	ID          string   `json:"id"`
	Tier        RiskTier `json:"tier"`
	Source      string   `json:"source"` // article or annex point that sets the tier
	Description string   `json:"description"`
}

// Jurisdiction is a country or data zone with its standing under GDPR Chapter V.
type Jurisdiction struct {
	Code     string `json:"code"` // ISO 3166-1 alpha-2, or a data zone: EU, APAC, GLOBAL
	Name     string `json:"name"`
	EEA      bool   `json:"eea"`      // in the European Economic Area (or an EU data zone)
	Adequacy bool   `json:"adequacy"` // covered by an EU adequacy decision (Art. 45) for all organisations
	// Zone is the model-API data zone (catalog.Model.Regions: US, EU, APAC, CN, GLOBAL) that serves this
	// jurisdiction without a further transfer; empty when none does.
	Zone   string `json:"zone"`
	Source string `json:"source"`
}

// Region is a cloud or model-API region and the jurisdiction its data is processed in.
type Region struct {
	ID           string `json:"id"`       // us-east-1, europe-west4, westeurope, EU, GLOBAL, ...
	Provider     string `json:"provider"` // AWS, GCP, AZURE, or MODEL_API for a model API's data zone
	Jurisdiction string `json:"jurisdiction"`
}

// Rule is one check: when AppliesWhen holds the rule is in scope, and it fails — giving a finding — when
// FailsWhen holds too; an in-scope rule that does not fail is reported as passed.
type Rule struct {
	ID             string    `json:"id"`
	Regulation     string    `json:"regulation"` // a Requirement, or GENERAL
	Source         string    `json:"source"`     // article or section, e.g. "GDPR Art. 44–46"
	Severity       Severity  `json:"severity"`
	AppliesWhen    Condition `json:"appliesWhen"`
	FailsWhen      Condition `json:"failsWhen"`
	Message        string    `json:"message"` // may use {model}, {provider}, {region}, {useCase}
	Recommendation string    `json:"recommendation"`
}

var defaultRuleSet = sync.OnceValues(func() (*RuleSet, error) { return Parse(embeddedRules) })

// Default returns the embedded rule set.
func Default() (*RuleSet, error) { return defaultRuleSet() }

// Load reads and parses a rule file in the format of the embedded data/rules.json (an operator's
// override).
func Load(path string) (*RuleSet, error) {
	data, err := os.ReadFile(path)
	if err != nil {
		return nil, fmt.Errorf("read compliance rules %s: %w", path, err)
	}
	rs, err := Parse(data)
	if err != nil {
		return nil, fmt.Errorf("compliance rules %s: %w", path, err)
	}
	return rs, nil
}

// Parse decodes and validates a rule file. Unknown keys, unknown predicates or values, duplicate ids and
// conditions that are not exactly one predicate are a *ValidationError naming the entry.
func Parse(data []byte) (*RuleSet, error) {
	dec := json.NewDecoder(bytes.NewReader(data))
	dec.DisallowUnknownFields()
	var rs RuleSet
	if err := dec.Decode(&rs); err != nil {
		return nil, invalid("rules", "not a valid rule file: %v", err)
	}
	if _, err := dec.Token(); err != io.EOF {
		return nil, invalid("rules", "unexpected data after the rule file's JSON object")
	}
	if err := rs.index(); err != nil {
		return nil, err
	}
	return &rs, nil
}

var (
	idPattern   = regexp.MustCompile(`^[A-Z][A-Z0-9_-]*$`)
	datePattern = regexp.MustCompile(`^\d{4}-\d{2}-\d{2}$`)
)

func (rs *RuleSet) index() error {
	if rs.Version == "" {
		return invalid("version", "must not be empty")
	}
	if !datePattern.MatchString(rs.AsOf) {
		return invalid("asOf", "must be a date YYYY-MM-DD, got %q", rs.AsOf)
	}
	for i, a := range rs.Attestations {
		if !idPattern.MatchString(a) {
			return invalid(fmt.Sprintf("attestations[%d]", i), "%q must be upper case like HIPAA_BAA", a)
		}
	}
	rs.useCase = map[string]UseCase{}
	for i, u := range rs.UseCases {
		f := fmt.Sprintf("useCases[%d]", i)
		switch {
		case !idPattern.MatchString(u.ID):
			return invalid(f+".id", "%q must be upper case like EMPLOYMENT", u.ID)
		case rs.useCase[u.ID].ID != "":
			return invalid(f+".id", "%q appears twice", u.ID)
		case !contains(riskTiers, u.Tier) || u.Tier == TierUnclassified:
			return invalid(f+".tier", "%q is not one of PROHIBITED, HIGH, LIMITED, MINIMAL", u.Tier)
		case u.Source == "":
			return invalid(f+".source", "must name the article or annex point")
		}
		rs.useCase[u.ID] = u
	}
	rs.jurisdiction = map[string]Jurisdiction{}
	for i, j := range rs.Jurisdictions {
		f := fmt.Sprintf("jurisdictions[%d]", i)
		switch {
		case j.Code == "":
			return invalid(f+".code", "must not be empty")
		case rs.jurisdiction[j.Code].Code != "":
			return invalid(f+".code", "%q appears twice", j.Code)
		case j.Source == "":
			return invalid(f+".source", "must name where EEA membership or adequacy is stated")
		}
		rs.jurisdiction[j.Code] = j
	}
	rs.region = map[string]Region{}
	for i, r := range rs.Regions {
		f := fmt.Sprintf("regions[%d]", i)
		key := strings.ToLower(r.ID)
		switch {
		case r.ID == "":
			return invalid(f+".id", "must not be empty")
		case rs.region[key].ID != "":
			return invalid(f+".id", "%q appears twice (ids are case-insensitive)", r.ID)
		case rs.jurisdiction[r.Jurisdiction].Code == "":
			return invalid(f+".jurisdiction", "%q is not in jurisdictions", r.Jurisdiction)
		}
		rs.region[key] = r
	}
	ids := map[string]bool{}
	for i, r := range rs.Rules {
		f := fmt.Sprintf("rules[%d]", i)
		switch {
		case !idPattern.MatchString(r.ID):
			return invalid(f+".id", "%q must be upper case like GDPR-TRANSFER", r.ID)
		case ids[r.ID]:
			return invalid(f+".id", "%q appears twice", r.ID)
		case !contains(requirements, Requirement(r.Regulation)) && Requirement(r.Regulation) != general:
			return invalid(f+".regulation", "%q is not one of GDPR, HIPAA, SOC2, CCPA, PCI_DSS, EU_AI_ACT, GENERAL", r.Regulation)
		case r.Source == "":
			return invalid(f+".source", "must name the article or section")
		case !contains(severities, r.Severity):
			return invalid(f+".severity", "%q is not one of PROHIBITED, CRITICAL, HIGH, MEDIUM, LOW", r.Severity)
		case r.Message == "" || r.Recommendation == "":
			return invalid(f, "rule %s needs a message and a recommendation", r.ID)
		}
		ids[r.ID] = true
		if err := r.AppliesWhen.validate(f+".appliesWhen", rs); err != nil {
			return err
		}
		if err := r.FailsWhen.validate(f+".failsWhen", rs); err != nil {
			return err
		}
	}
	return nil
}
