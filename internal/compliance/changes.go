package compliance

import (
	"slices"
	"sort"
)

// RuleOutcome is what a rule gave in one assessment.
type RuleOutcome string

// The outcomes.
const (
	OutcomeFinding       RuleOutcome = "FINDING"        // in scope and failed
	OutcomePassed        RuleOutcome = "PASSED"         // in scope and held
	OutcomeNotApplicable RuleOutcome = "NOT_APPLICABLE" // out of scope
	OutcomeTierReason    RuleOutcome = "TIER_REASON"    // a classification rule that set the tier
	OutcomeSetAside      RuleOutcome = "SET_ASIDE"      // a classification rule an exception set aside
	OutcomeAbsent        RuleOutcome = "ABSENT"         // the rule was not in that rule set
)

// RuleChange is a rule that changed between two versions of the rule set, with what it gave before and
// after when both assessments are known.
type RuleChange struct {
	RuleID  string     `json:"ruleId"`
	Change  ChangeKind `json:"change"`  // over the whole span: ADDED, CHANGED or REMOVED
	Version string     `json:"version"` // the latest version in the span that touched the rule
	Note    string     `json:"note"`    // what changed; several versions' notes are joined
	// Before and After are the rule's outcomes in the earlier and the new assessment; nil when not known.
	Before *RuleOutcome `json:"before,omitempty"`
	After  *RuleOutcome `json:"after,omitempty"`
}

// ChangesSince lists the rules that changed after version from, up to this rule set's version, ordered by
// rule id. An empty from (never assessed) or the current version give none. A version the change log does not
// know (an operator's own rule file, say) gives every logged change, and known false.
func (rs *RuleSet) ChangesSince(from string) (changes []RuleChange, known bool) {
	if from == "" || from == rs.Version {
		return []RuleChange{}, true
	}
	start, known := rs.version[from]
	if known {
		start++
	} else {
		start = 0
	}
	byID := map[string]*RuleChange{}
	var order []string
	for _, c := range rs.Changes[start:] {
		for _, r := range c.Rules {
			cur, seen := byID[r.ID]
			if !seen {
				cur = &RuleChange{RuleID: r.ID, Change: r.Change, Version: c.Version, Note: r.Note}
				byID[r.ID] = cur
				order = append(order, r.ID)
				continue
			}
			cur.Change = combine(cur.Change, r.Change)
			cur.Version = c.Version
			cur.Note += "; " + c.Version + ": " + r.Note
		}
	}
	changes = []RuleChange{}
	for _, id := range order {
		if c := byID[id]; c.Change != "" {
			changes = append(changes, *c)
		}
	}
	sort.Slice(changes, func(i, j int) bool { return changes[i].RuleID < changes[j].RuleID })
	return changes, known
}

// combine is the net change of two successive ones; "" means none (added, then removed).
func combine(first, then ChangeKind) ChangeKind {
	switch {
	case first == ChangeAdded && then == ChangeRemoved:
		return ""
	case first == ChangeAdded:
		return ChangeAdded
	case then == ChangeRemoved:
		return ChangeRemoved
	case first == ChangeRemoved:
		return ChangeChanged // removed, then added again
	}
	return ChangeChanged
}

// Outcomes maps every rule of the result to what it gave.
func (r Result) Outcomes() map[string]RuleOutcome {
	out := map[string]RuleOutcome{}
	for _, f := range r.Findings {
		out[f.RuleID] = OutcomeFinding
	}
	for _, p := range r.Passed {
		out[p.RuleID] = OutcomePassed
	}
	for _, id := range r.NotApplicable {
		out[id] = OutcomeNotApplicable
	}
	for _, t := range r.TierReasons {
		out[t.RuleID] = map[bool]RuleOutcome{false: OutcomeTierReason, true: OutcomeSetAside}[t.SetAside]
	}
	return out
}

// Explain fills the changes' Before and After: after from the new result, before from the earlier outcomes
// (nil when not known). A rule the earlier outcomes do not list was out of scope then, or absent if the change
// added it.
func Explain(changes []RuleChange, before map[string]RuleOutcome, after Result) []RuleChange {
	now := after.Outcomes()
	out := slices.Clone(changes)
	for i := range out {
		c := &out[i]
		a, ok := now[c.RuleID]
		if !ok {
			a = OutcomeAbsent
		}
		c.After = &a
		if before == nil {
			continue
		}
		b, ok := before[c.RuleID]
		switch {
		case ok:
		case c.Change == ChangeAdded:
			b = OutcomeAbsent
		default:
			b = OutcomeNotApplicable
		}
		c.Before = &b
	}
	return out
}

// Diff is the result's RuleChanges against an assessment made with rule-set version from, whose outcomes
// are before (nil when unknown): every rule added, changed or removed since, with its outcomes. Like
// ChangesSince, a version the change log does not know gives every logged change and known false; the caller
// decides whether that is an error (a version a client typed) or the best it can do (a stored one).
func (rs *RuleSet) Diff(from string, before map[string]RuleOutcome, after Result) (changes []RuleChange, known bool) {
	changes, known = rs.ChangesSince(from)
	return Explain(changes, before, after), known
}

// Versions lists the versions of the change log, oldest first; the last is the rule set's own.
func (rs *RuleSet) Versions() []string {
	out := make([]string, len(rs.Changes))
	for i, c := range rs.Changes {
		out[i] = c.Version
	}
	return out
}

// Supersedes reports whether v is a version the change log lists before this rule set's own: an assessment
// made with it is out of date. A version the log does not know (a later rule set's, or another file's) is not.
func (rs *RuleSet) Supersedes(v string) bool {
	i, ok := rs.version[v]
	return ok && i < rs.version[rs.Version]
}
