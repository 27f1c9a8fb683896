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
	Source         string   `json:"source"` // article, paragraph and point, or section
	Severity       Severity `json:"severity"`
	Role           *Role    `json:"role,omitempty"`    // the role the obligation is addressed to; nil: whoever the regulation binds
	Version        string   `json:"version,omitempty"` // the rule-set version that last changed the rule
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
	Role       *Role    `json:"role,omitempty"`
	Version    string   `json:"version,omitempty"`
}

// TierReason is a classification rule whose practice the facts show: it sets the tier, or an exception the
// team claims sets it aside.
type TierReason struct {
	RuleID         string   `json:"ruleId"`
	Tier           RiskTier `json:"tier"`
	Source         string   `json:"source"`
	Version        string   `json:"version,omitempty"`
	SetAside       bool     `json:"setAside"` // an exception holds, so this rule does not set the tier
	Message        string   `json:"message"`
	Recommendation string   `json:"recommendation"`
	// Evidence lists the facts that triggered the rule, then those of its exception, if it has one, whether
	// or not the exception holds.
	Evidence []string `json:"evidence"`
}

// Result is the outcome of an assessment. Every rule of the set is in exactly one list: Findings (ordered by
// severity, most serious first, then rule id), Passed, NotApplicable, or — for classification rules whose
// practice is present — TierReasons (the ones that set the tier first, then by rule id).
type Result struct {
	RuleSetVersion string       `json:"ruleSetVersion"`
	Score          int          `json:"score"` // 0–100, see Score
	Level          Level        `json:"level"`
	UseCaseTier    RiskTier     `json:"useCaseTier"`
	TierReasons    []TierReason `json:"tierReasons"`
	Roles          []Role       `json:"roles"` // the roles assessed: those given, else PROVIDER and DEPLOYER
	Findings       []Finding    `json:"findings"`
	Passed         []PassedRule `json:"passed"`
	NotApplicable  []string     `json:"notApplicable"` // ids of rules out of scope for this assessment
	// RuleChanges are the rules that changed since the rule-set version the caller assessed with before (see
	// RuleSet.Diff); empty when none was given or it is this version.
	RuleChanges []RuleChange `json:"ruleChanges,omitempty"`
}

// Assess evaluates every rule of the set against the assessment: first the classification rules, which give
// the EU AI Act tier, then the obligation rules. Unknown enum values, an unknown use case without facts, and
// negative retention are a *ValidationError; an unknown region or a nil model are facts the rules report,
// not errors.
func (rs *RuleSet) Assess(a Assessment) (Result, error) {
	f, err := rs.resolve(a)
	if err != nil {
		return Result{}, err
	}
	res := Result{RuleSetVersion: rs.Version, TierReasons: rs.classify(f), Roles: f.roles,
		Findings: []Finding{}, Passed: []PassedRule{}, NotApplicable: []string{}}
	res.UseCaseTier = f.tier
	var failed []Severity
	for i := range rs.Rules {
		r := &rs.Rules[i]
		if r.classification() {
			if !slices.ContainsFunc(res.TierReasons, func(t TierReason) bool { return t.RuleID == r.ID }) {
				res.NotApplicable = append(res.NotApplicable, r.ID)
			}
			continue
		}
		applies, scope := r.AppliesWhen.eval(f)
		if applies && r.Role != "" {
			var why []string
			applies, why = (&Condition{Role: []Role{r.Role}}).eval(f)
			scope = append(scope, why...)
		}
		if !applies {
			res.NotApplicable = append(res.NotApplicable, r.ID)
			continue
		}
		fails, why := r.FailsWhen.eval(f)
		if !fails {
			res.Passed = append(res.Passed, PassedRule{RuleID: r.ID, Regulation: r.Regulation, Source: r.Source,
				Severity: r.Severity, Role: r.addressee(), Version: r.Version})
			continue
		}
		res.Findings = append(res.Findings, Finding{
			RuleID:         r.ID,
			Regulation:     r.Regulation,
			Source:         r.Source,
			Severity:       r.Severity,
			Role:           r.addressee(),
			Version:        r.Version,
			Message:        f.fill(r.Message),
			Recommendation: f.fill(r.Recommendation),
			Evidence:       slices.Concat(scope, why),
		})
		failed = append(failed, r.Severity)
	}
	res.Score, res.Level = Score(failed)
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

// classify evaluates the classification rules, sets f's tier and its sources, and returns the tier reasons:
// those that set the tier first (most serious tier first), then those an exception set aside, each by id.
// No rule firing gives MINIMAL for a described use case (one with a sector) and UNCLASSIFIED otherwise.
func (rs *RuleSet) classify(f *facts) []TierReason {
	reasons := []TierReason{}
	for i := range rs.Rules {
		r := &rs.Rules[i]
		if !r.classification() {
			continue
		}
		applies, ev := r.AppliesWhen.eval(f)
		if !applies {
			continue
		}
		t := TierReason{RuleID: r.ID, Tier: r.Tier, Source: r.Source, Version: r.Version, Recommendation: r.Recommendation}
		if r.Unless != nil {
			// The exception is shown whether or not it holds: it tells the team what could set the rule aside.
			var why []string
			t.SetAside, why = r.Unless.eval(f)
			ev = append(ev, why...)
		}
		t.Evidence = ev
		reasons = append(reasons, t)
	}
	sort.SliceStable(reasons, func(i, j int) bool {
		a, b := reasons[i], reasons[j]
		if a.SetAside != b.SetAside {
			return !a.SetAside
		}
		if ra, rb := tierRank(a.Tier), tierRank(b.Tier); ra != rb {
			return ra < rb
		}
		return a.RuleID < b.RuleID
	})
	f.tier = TierMinimal
	if f.Sector == "" {
		f.tier = TierUnclassified
	}
	f.tierSources = nil
	for _, t := range reasons {
		if t.SetAside {
			continue
		}
		if tierRank(t.Tier) < tierRank(f.tier) {
			f.tier, f.tierSources = t.Tier, nil
		}
		if t.Tier == f.tier {
			f.tierSources = append(f.tierSources, t.Source)
		}
	}
	// Messages are filled once the tier is known, so that they may name it.
	for i := range reasons {
		r := rs.rule(reasons[i].RuleID)
		reasons[i].Message = f.fill(r.Message)
		reasons[i].Recommendation = f.fill(r.Recommendation)
	}
	return reasons
}

// addressee is the role the rule binds, or nil.
func (r *Rule) addressee() *Role {
	if r.Role == "" {
		return nil
	}
	role := r.Role
	return &role
}

func (rs *RuleSet) rule(id string) *Rule {
	for i := range rs.Rules {
		if rs.Rules[i].ID == id {
			return &rs.Rules[i]
		}
	}
	return nil
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
		"{useCase}", f.useCaseName(),
		"{tierSources}", joinSources(f.tierSources),
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

// joinSources lists citations, naming a regulation once when several in a row share it:
// "Regulation (EU) 2024/1689 (AI Act) Art. 50(1); Art. 50(2)".
func joinSources(sources []string) string {
	var b strings.Builder
	prev := ""
	for i, s := range sources {
		if i > 0 {
			b.WriteString("; ")
		}
		law, _, ok := strings.Cut(s, " Art. ")
		switch {
		case ok && law == prev:
			b.WriteString(strings.TrimPrefix(s, law+" "))
		default:
			b.WriteString(s)
		}
		if ok {
			prev = law
		} else {
			prev = ""
		}
	}
	return b.String()
}
