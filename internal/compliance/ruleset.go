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

// RuleSet is a parsed, validated rule file: the rules, the tables they rely on and the log of their changes.
// It is immutable once returned and safe for concurrent use.
type RuleSet struct {
	Version       string         `json:"version"` // changes whenever any rule or table changes; results record it
	AsOf          string         `json:"asOf"`    // date the legal facts were last checked, YYYY-MM-DD
	Attestations  []string       `json:"attestations"`
	UseCases      []UseCase      `json:"useCases"`
	Jurisdictions []Jurisdiction `json:"jurisdictions"`
	Regions       []Region       `json:"regions"`
	Rules         []Rule         `json:"rules"`
	// Changes is the log of rule changes, oldest first; its last entry is Version.
	Changes []Change `json:"changes"`

	useCase      map[string]UseCase
	jurisdiction map[string]Jurisdiction
	region       map[string]Region // by lower-case id
	version      map[string]int    // index in Changes by version
}

// UseCase is a preset: a named set of use-case facts (and the data categories they imply). Its EU AI Act tier
// is what the classification rules derive from those facts; the file states it too, and Parse checks the two
// agree, so that a rule change that moves a preset cannot go unnoticed.
type UseCase struct {
	ID          string `json:"id"`
	Description string `json:"description"`
	UseCaseFacts
	DataCategories []DataCategory `json:"dataCategories,omitempty"`
	Tier           RiskTier       `json:"tier"`
	// Source lists the articles or annex points that set the tier (derived from the rules, not in the file).
	Source string `json:"-"`
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

// Rule is one check. An obligation rule (Severity set) is in scope when AppliesWhen holds, and fails — giving a
// finding — when FailsWhen holds too; an in-scope rule that does not fail is reported as passed. A
// classification rule (Tier set) puts the system in that EU AI Act tier when AppliesWhen holds, unless Unless
// holds (an exception, such as the Art. 6(3) derogation); it is reported as a tier reason either way.
type Rule struct {
	ID         string   `json:"id"`
	Regulation string   `json:"regulation"` // a Requirement, or GENERAL
	Source     string   `json:"source"`     // article, paragraph and point, e.g. "GDPR Art. 9(1) and 9(2)"
	Severity   Severity `json:"severity,omitempty"`
	Tier       RiskTier `json:"tier,omitempty"`
	// Role, when set, addresses the obligation to that role: the rule is in scope only for a team in it.
	Role Role `json:"role,omitempty"`
	// Version is the rule-set version that last added or changed the rule (an entry of Changes).
	Version        string     `json:"version"`
	AppliesWhen    Condition  `json:"appliesWhen"`
	FailsWhen      *Condition `json:"failsWhen,omitempty"`
	Unless         *Condition `json:"unless,omitempty"`
	Message        string     `json:"message"` // may use {model}, {provider}, {region}, {useCase}, {tierSources}
	Recommendation string     `json:"recommendation"`
}

func (r *Rule) classification() bool { return r.Tier != "" }

// ChangeKind is how a rule changed in a version of the rule set.
type ChangeKind string

// The kinds of change.
const (
	ChangeAdded   ChangeKind = "ADDED"
	ChangeChanged ChangeKind = "CHANGED"
	ChangeRemoved ChangeKind = "REMOVED"
)

var changeKinds = []ChangeKind{ChangeAdded, ChangeChanged, ChangeRemoved}

// Change is one version of the rule set: when it was made and what it did to which rules.
type Change struct {
	Version string        `json:"version"`
	Date    string        `json:"date"` // YYYY-MM-DD
	Summary string        `json:"summary"`
	Rules   []ChangedRule `json:"rules"`
}

// ChangedRule is one rule's change in a version.
type ChangedRule struct {
	ID     string     `json:"id"`
	Change ChangeKind `json:"change"`
	Note   string     `json:"note"` // what changed, in words
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
		case u.Sector == "":
			return invalid(f+".sector", "a preset must name its sector")
		case !contains(sectors, u.Sector):
			return invalid(f+".sector", "%q is not one of %s", u.Sector, joinValues(sectors))
		}
		for j, p := range u.Purposes {
			if !contains(purposes, p) {
				return invalid(fmt.Sprintf("%s.purposes[%d]", f, j), "%q is not one of %s", p, joinValues(purposes))
			}
		}
		for j, d := range u.DataCategories {
			if !contains(dataCategories, d) {
				return invalid(fmt.Sprintf("%s.dataCategories[%d]", f, j), "%q is not one of %s", d, joinValues(dataCategories))
			}
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
		if err := rs.validateRule(fmt.Sprintf("rules[%d]", i), &r, ids); err != nil {
			return err
		}
		ids[r.ID] = true
	}
	if err := rs.indexChanges(ids); err != nil {
		return err
	}
	// Each preset's tier is what its facts give.
	for i := range rs.UseCases {
		u := &rs.UseCases[i]
		f, err := rs.resolve(Assessment{UseCase: u.ID})
		if err != nil {
			return err
		}
		rs.classify(f)
		if f.tier != u.Tier {
			return invalid(fmt.Sprintf("useCases[%d].tier", i), "preset %s is %s but its facts make it %s (%s)", u.ID, u.Tier, f.tier, joinSources(f.tierSources))
		}
		u.Source = joinSources(f.tierSources)
		if u.Source == "" {
			u.Source = "Regulation (EU) 2024/1689 (AI Act): no Art. 5, Art. 6 or Art. 50 rule applies (Art. 4 AI literacy still does)"
		}
		rs.useCase[u.ID] = *u
	}
	return nil
}

func (rs *RuleSet) validateRule(f string, r *Rule, ids map[string]bool) error {
	switch {
	case !idPattern.MatchString(r.ID):
		return invalid(f+".id", "%q must be upper case like GDPR-TRANSFER", r.ID)
	case ids[r.ID]:
		return invalid(f+".id", "%q appears twice", r.ID)
	case !contains(requirements, Requirement(r.Regulation)) && Requirement(r.Regulation) != general:
		return invalid(f+".regulation", "%q is not one of GDPR, HIPAA, SOC2, CCPA, PCI_DSS, EU_AI_ACT, GENERAL", r.Regulation)
	case r.Source == "":
		return invalid(f+".source", "must name the article or section")
	case r.Message == "" || r.Recommendation == "":
		return invalid(f, "rule %s needs a message and a recommendation", r.ID)
	case r.Version == "":
		return invalid(f+".version", "must name the rule-set version that last changed the rule")
	case r.Role != "" && !contains(roles, r.Role):
		return invalid(f+".role", "%q is not one of PROVIDER, DEPLOYER, IMPORTER", r.Role)
	}
	if r.classification() {
		switch {
		case !contains([]RiskTier{TierProhibited, TierHigh, TierLimited}, r.Tier):
			return invalid(f+".tier", "%q is not one of PROHIBITED, HIGH, LIMITED", r.Tier)
		case r.Severity != "":
			return invalid(f+".severity", "a classification rule (with a tier) has no severity: the obligations that follow from its tier are rules of their own")
		case r.FailsWhen != nil:
			return invalid(f+".failsWhen", "a classification rule names its exceptions in unless, not failsWhen")
		case r.Role != "":
			return invalid(f+".role", "a classification rule applies whatever the team's role")
		case r.AppliesWhen.usesTier() || r.Unless != nil && r.Unless.usesTier():
			return invalid(f, "classification rule %s cannot depend on useCaseTier, which it helps decide", r.ID)
		}
		if err := r.AppliesWhen.validate(f+".appliesWhen", rs); err != nil {
			return err
		}
		if r.Unless != nil {
			return r.Unless.validate(f+".unless", rs)
		}
		return nil
	}
	switch {
	case !contains(severities, r.Severity):
		return invalid(f+".severity", "%q is not one of PROHIBITED, CRITICAL, HIGH, MEDIUM, LOW", r.Severity)
	case r.FailsWhen == nil:
		return invalid(f+".failsWhen", "an obligation rule needs failsWhen")
	case r.Unless != nil:
		return invalid(f+".unless", "only classification rules (with a tier) have exceptions; put them in failsWhen")
	}
	if err := r.AppliesWhen.validate(f+".appliesWhen", rs); err != nil {
		return err
	}
	return r.FailsWhen.validate(f+".failsWhen", rs)
}

// indexChanges checks the change log against the rules: versions are unique, the last one is the rule set's,
// every rule's version is the last entry that added or changed it, and removed rules are gone.
func (rs *RuleSet) indexChanges(ids map[string]bool) error {
	if len(rs.Changes) == 0 {
		return invalid("changes", "must list at least the current version %s", rs.Version)
	}
	rs.version = map[string]int{}
	last := map[string]string{} // rule id → version of its last ADDED/CHANGED, "" once REMOVED
	for i, c := range rs.Changes {
		f := fmt.Sprintf("changes[%d]", i)
		switch {
		case c.Version == "":
			return invalid(f+".version", "must not be empty")
		case hasKey(rs.version, c.Version):
			return invalid(f+".version", "%q appears twice", c.Version)
		case !datePattern.MatchString(c.Date):
			return invalid(f+".date", "must be a date YYYY-MM-DD, got %q", c.Date)
		case c.Summary == "" || len(c.Rules) == 0:
			return invalid(f, "version %s needs a summary and the rules it changed", c.Version)
		}
		rs.version[c.Version] = i
		for j, r := range c.Rules {
			g := fmt.Sprintf("%s.rules[%d]", f, j)
			switch {
			case !contains(changeKinds, r.Change):
				return invalid(g+".change", "%q is not one of ADDED, CHANGED, REMOVED", r.Change)
			case r.Note == "":
				return invalid(g+".note", "must say what changed")
			case r.Change == ChangeRemoved:
				last[r.ID] = ""
			default:
				last[r.ID] = c.Version
			}
		}
	}
	if v := rs.Changes[len(rs.Changes)-1].Version; v != rs.Version {
		return invalid("changes", "the last entry is %s, not the rule set's version %s", v, rs.Version)
	}
	for i, r := range rs.Rules {
		if last[r.ID] != r.Version {
			return invalid(fmt.Sprintf("rules[%d].version", i), "rule %s says %s but the change log last added or changed it in %q", r.ID, r.Version, last[r.ID])
		}
	}
	for id, v := range last {
		if v != "" && !ids[id] {
			return invalid("changes", "rule %s is added or changed in %s but is not in rules (log its removal)", id, v)
		}
	}
	return nil
}

func hasKey[K comparable, V any](m map[K]V, k K) bool {
	_, ok := m[k]
	return ok
}
