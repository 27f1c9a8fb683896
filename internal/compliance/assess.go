package compliance

import (
	"slices"
	"sort"
	"strings"
)

// Finding is a rule that applies and fails.
type Finding struct {
	RuleID         string   `json:"ruleId"`
	Regulation     string   `json:"regulation"`
	Source         string   `json:"source"` // article or section
	Severity       Severity `json:"severity"`
	Message        string   `json:"message"`
	Recommendation string   `json:"recommendation"`
	// Evidence lists the facts that put the rule in scope and made it fail, in the rule's order.
	Evidence []string `json:"evidence"`
}

// PassedRule is a rule that applies and holds.
type PassedRule struct {
	RuleID     string   `json:"ruleId"`
	Regulation string   `json:"regulation"`
	Source     string   `json:"source"`
	Severity   Severity `json:"severity"` // the severity it would have had
}

// Result is the outcome of an assessment. Findings are ordered by severity (most serious first), then rule
// id; Passed and NotApplicable by rule id.
type Result struct {
	RuleSetVersion string       `json:"ruleSetVersion"`
	Score          int          `json:"score"` // 0–100, see Score
	Level          Level        `json:"level"`
	UseCaseTier    RiskTier     `json:"useCaseTier"`
	Findings       []Finding    `json:"findings"`
	Passed         []PassedRule `json:"passed"`
	NotApplicable  []string     `json:"notApplicable"` // ids of rules out of scope for this assessment
}

// Assess evaluates every rule of the set against the assessment. Unknown requirements, data categories,
// use cases or transfer mechanisms and negative retention are a *ValidationError; an unknown region or a
// nil model are facts the rules report, not errors.
func (rs *RuleSet) Assess(a Assessment) (Result, error) {
	f, err := rs.resolve(a)
	if err != nil {
		return Result{}, err
	}
	res := Result{RuleSetVersion: rs.Version, UseCaseTier: f.tier, Findings: []Finding{}, Passed: []PassedRule{}, NotApplicable: []string{}}
	var failed, passed []Severity
	for _, r := range rs.Rules {
		applies, scope := r.AppliesWhen.eval(f)
		if !applies {
			res.NotApplicable = append(res.NotApplicable, r.ID)
			continue
		}
		fails, why := r.FailsWhen.eval(f)
		if !fails {
			res.Passed = append(res.Passed, PassedRule{RuleID: r.ID, Regulation: r.Regulation, Source: r.Source, Severity: r.Severity})
			passed = append(passed, r.Severity)
			continue
		}
		res.Findings = append(res.Findings, Finding{
			RuleID:         r.ID,
			Regulation:     r.Regulation,
			Source:         r.Source,
			Severity:       r.Severity,
			Message:        f.fill(r.Message),
			Recommendation: f.fill(r.Recommendation),
			Evidence:       slices.Concat(scope, why),
		})
		failed = append(failed, r.Severity)
	}
	res.Score, res.Level = Score(failed, passed)
	sort.SliceStable(res.Findings, func(i, j int) bool {
		a, b := res.Findings[i], res.Findings[j]
		if ra, rb := severityRank(a.Severity), severityRank(b.Severity); ra != rb {
			return ra < rb
		}
		return a.RuleID < b.RuleID
	})
	sort.Slice(res.Passed, func(i, j int) bool { return res.Passed[i].RuleID < res.Passed[j].RuleID })
	sort.Strings(res.NotApplicable)
	return res, nil
}

func severityRank(s Severity) int {
	for i, x := range severities {
		if x == s {
			return i
		}
	}
	return len(severities)
}

// fill replaces the placeholders a rule's message may use.
func (f *facts) fill(s string) string {
	return strings.NewReplacer(
		"{model}", f.modelName(),
		"{provider}", f.providerName(),
		"{region}", orNone(f.Region),
		"{useCase}", orNone(f.useCase),
	).Replace(s)
}

// providerName is the vendor as the team named it, else the model's API provider, else a generic phrase.
func (f *facts) providerName() string {
	switch {
	case f.Provider != "":
		return f.Provider
	case f.Model != nil && f.Model.Provider != "":
		return f.Model.Provider
	}
	return "the model vendor"
}
