package compliance

import (
	"fmt"
	"reflect"
	"slices"
	"strings"
)

// Condition is a typed predicate over an assessment's facts. Exactly one field is set: a combinator (all,
// any, not) or a leaf predicate. In JSON: {"all": [{"requirement": ["GDPR"]}, {"not": {"fact": "dpa"}}]}.
type Condition struct {
	All []Condition `json:"all,omitempty"` // every sub-condition holds (an empty list is refused)
	Any []Condition `json:"any,omitempty"` // at least one sub-condition holds
	Not *Condition  `json:"not,omitempty"` // the sub-condition does not hold

	Requirement  []Requirement  `json:"requirement,omitempty"`  // one of these requirements is listed
	DataCategory []DataCategory `json:"dataCategory,omitempty"` // one of these data categories is processed
	UseCase      []string       `json:"useCase,omitempty"`      // the use case is one of these ids
	UseCaseTier  []RiskTier     `json:"useCaseTier,omitempty"`  // the EU AI Act tier is one of these (not in classification rules)
	Purpose      []Purpose      `json:"purpose,omitempty"`      // the system serves one of these purposes
	Role         []Role         `json:"role,omitempty"`         // the team has one of these roles (none stated: PROVIDER and DEPLOYER)
	Sector       []Sector       `json:"sector,omitempty"`       // the sector is one of these
	Fact         string         `json:"fact,omitempty"`         // a named boolean fact is true (see facts.go)
	// SpecialCategoryCondition holds when the GDPR Art. 9(2) condition relied on is one of these (NONE: none).
	SpecialCategoryCondition []SpecialCategoryCondition `json:"specialCategoryCondition,omitempty"`
	// ModelLacks holds when the model is unknown or its catalog attestations do not include this one.
	ModelLacks        string              `json:"modelLacks,omitempty"`
	TransferMechanism []TransferMechanism `json:"transferMechanism,omitempty"` // the mechanism is one of these
	// RetentionDaysAbove holds when prompts and outputs are kept longer than this many days.
	RetentionDaysAbove *int `json:"retentionDaysAbove,omitempty"`
}

// predicates counts the fields set, to enforce exactly one.
func (c Condition) predicates() int {
	n := 0
	v := reflect.ValueOf(c)
	for i := range v.NumField() {
		if !v.Field(i).IsZero() {
			n++
		}
	}
	return n
}

func (c Condition) validate(field string, rs *RuleSet) error {
	if n := c.predicates(); n != 1 {
		return invalid(field, "a condition needs exactly one predicate (all, any, not, requirement, dataCategory, useCase, useCaseTier, purpose, role, sector, fact, specialCategoryCondition, modelLacks, transferMechanism, retentionDaysAbove), got %d", n)
	}
	switch {
	case c.All != nil || c.Any != nil:
		list, key := c.All, "all"
		if c.Any != nil {
			list, key = c.Any, "any"
		}
		if len(list) == 0 {
			return invalid(field+"."+key, "must list at least one condition")
		}
		for i, sub := range list {
			if err := sub.validate(fmt.Sprintf("%s.%s[%d]", field, key, i), rs); err != nil {
				return err
			}
		}
	case c.Not != nil:
		return c.Not.validate(field+".not", rs)
	case c.Requirement != nil:
		return eachKnown(field+".requirement", c.Requirement, requirements)
	case c.DataCategory != nil:
		return eachKnown(field+".dataCategory", c.DataCategory, dataCategories)
	case c.UseCase != nil:
		if len(c.UseCase) == 0 {
			return invalid(field+".useCase", "must list at least one value")
		}
		for i, u := range c.UseCase {
			if _, ok := rs.useCase[u]; !ok {
				return invalid(fmt.Sprintf("%s.useCase[%d]", field, i), "%q is not in useCases", u)
			}
		}
	case c.UseCaseTier != nil:
		return eachKnown(field+".useCaseTier", c.UseCaseTier, riskTiers)
	case c.Purpose != nil:
		return eachKnown(field+".purpose", c.Purpose, purposes)
	case c.Role != nil:
		return eachKnown(field+".role", c.Role, roles)
	case c.Sector != nil:
		return eachKnown(field+".sector", c.Sector, sectors)
	case c.SpecialCategoryCondition != nil:
		return eachKnown(field+".specialCategoryCondition", c.SpecialCategoryCondition, specialCategoryConditions)
	case c.Fact != "":
		if _, ok := factTable[c.Fact]; !ok {
			return invalid(field+".fact", "%q is not a known fact (%s)", c.Fact, strings.Join(factNames(), ", "))
		}
	case c.ModelLacks != "":
		if !contains(rs.Attestations, c.ModelLacks) {
			return invalid(field+".modelLacks", "%q is not in attestations", c.ModelLacks)
		}
	case c.TransferMechanism != nil:
		return eachKnown(field+".transferMechanism", c.TransferMechanism, transferMechanisms)
	case c.RetentionDaysAbove != nil:
		if *c.RetentionDaysAbove < 0 {
			return invalid(field+".retentionDaysAbove", "must be ≥ 0")
		}
	}
	return nil
}

func eachKnown[T ~string](field string, values, known []T) error {
	if len(values) == 0 {
		return invalid(field, "must list at least one value")
	}
	for i, v := range values {
		if !contains(known, v) {
			return invalid(fmt.Sprintf("%s[%d]", field, i), "%q is not one of %v", v, known)
		}
	}
	return nil
}

// eval returns whether c holds for f, and the evidence: the facts that decide the outcome, in evaluation
// order. For all, a true result shows every sub-condition's evidence and a false one the first that failed;
// any is the mirror image.
func (c Condition) eval(f *facts) (bool, []string) {
	switch {
	case c.All != nil:
		var ev []string
		for _, sub := range c.All {
			ok, e := sub.eval(f)
			if !ok {
				return false, e
			}
			ev = append(ev, e...)
		}
		return true, ev
	case c.Any != nil:
		var ev []string
		for _, sub := range c.Any {
			ok, e := sub.eval(f)
			if ok {
				return true, e
			}
			ev = append(ev, e...)
		}
		return false, ev
	case c.Not != nil:
		ok, e := c.Not.eval(f)
		return !ok, e
	case c.Requirement != nil:
		return matchAny("requirements", c.Requirement, f.requirements)
	case c.DataCategory != nil:
		return matchOrigin(f, "dataCategories", c.DataCategory, f.dataCategories)
	case c.UseCase != nil:
		ok := contains(c.UseCase, f.UseCase)
		return ok, []string{fmt.Sprintf("useCase is %s", orNone(f.UseCase))}
	case c.UseCaseTier != nil:
		ok := contains(c.UseCaseTier, f.tier)
		why := fmt.Sprintf("%s is %s risk under the EU AI Act", f.useCaseName(), f.tier)
		if len(f.tierSources) > 0 {
			why += " (" + joinSources(f.tierSources) + ")"
		}
		return ok, []string{why}
	case c.Purpose != nil:
		return matchOrigin(f, "purposes", c.Purpose, f.purposes)
	case c.Role != nil:
		ok, why := matchAny("roles", c.Role, f.roles)
		if !f.rolesGiven {
			why[0] += " (no role stated: assessed as PROVIDER and DEPLOYER)"
		}
		return ok, why
	case c.Sector != nil:
		ok := contains(c.Sector, f.Sector)
		return ok, []string{fmt.Sprintf("sector is %s", orNone(string(f.Sector)))}
	case c.SpecialCategoryCondition != nil:
		ok := contains(c.SpecialCategoryCondition, f.condition)
		return ok, []string{fmt.Sprintf("specialCategoryCondition is %s", f.condition)}
	case c.Fact != "":
		def := factTable[c.Fact]
		v := def.get(f)
		return v, []string{def.describe(f, v)}
	case c.ModelLacks != "":
		return f.modelLacks(c.ModelLacks)
	case c.TransferMechanism != nil:
		ok := contains(c.TransferMechanism, f.transfer)
		return ok, []string{fmt.Sprintf("transferMechanism is %s", f.transfer)}
	case c.RetentionDaysAbove != nil:
		ok := f.retentionDays > *c.RetentionDaysAbove
		return ok, []string{fmt.Sprintf("retentionDays is %d (limit %d)", f.retentionDays, *c.RetentionDaysAbove)}
	}
	return false, nil
}

func matchAny[T ~string](name string, want, have []T) (bool, []string) {
	for _, w := range want {
		if contains(have, w) {
			return true, []string{fmt.Sprintf("%s include %s", name, w)}
		}
	}
	return false, []string{fmt.Sprintf("%s include none of %v", name, want)}
}

// matchOrigin is matchAny that also says when the matching value came from the preset use case.
func matchOrigin[T ~string](f *facts, name string, want, have []T) (bool, []string) {
	for _, w := range want {
		if contains(have, w) {
			return true, []string{fmt.Sprintf("%s include %s%s", name, w, f.origin(name, string(w)))}
		}
	}
	return false, []string{fmt.Sprintf("%s include none of %v", name, want)}
}

func orNone(s string) string {
	if s == "" {
		return "(none)"
	}
	return s
}

// usesTier reports whether c depends on the EU AI Act tier, which classification rules must not (they set it).
func (c Condition) usesTier() bool {
	if c.UseCaseTier != nil {
		return true
	}
	for _, sub := range append(slices.Clone(c.All), c.Any...) {
		if sub.usesTier() {
			return true
		}
	}
	return c.Not != nil && c.Not.usesTier()
}
