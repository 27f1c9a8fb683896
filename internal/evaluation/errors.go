package evaluation

import (
	"fmt"
	"strings"
)

// ValidationError reports input that cannot be evaluated. Field is the path of the offending input
// (e.g. "candidate.items[3].scores[1]"); Reason says what is wrong and what to send instead.
type ValidationError struct {
	Field  string
	Reason string
}

func (e *ValidationError) Error() string {
	return fmt.Sprintf("invalid %s: %s", e.Field, e.Reason)
}

// InputField names the input at fault; the GraphQL layer reports it as BAD_USER_INPUT with extensions.field.
func (e *ValidationError) InputField() string { return e.Field }

func invalid(field, format string, args ...any) error {
	return &ValidationError{Field: field, Reason: fmt.Sprintf(format, args...)}
}

// ItemSetMismatchError refuses a paired comparison whose two sides did not score the same items: a paired
// difference needs both scores of every item, and dropping the unmatched ones silently would bias the result.
type ItemSetMismatchError struct {
	OnlyBaseline  []string // item ids the candidate lacks, sorted
	OnlyCandidate []string // item ids the baseline lacks, sorted
	Baseline      int      // items on the baseline side
	Candidate     int      // items on the candidate side
}

func (e *ItemSetMismatchError) Error() string {
	var b strings.Builder
	fmt.Fprintf(&b, "baseline and candidate must score the same items (baseline has %d, candidate %d)", e.Baseline, e.Candidate)
	if len(e.OnlyBaseline) > 0 {
		fmt.Fprintf(&b, "; missing from candidate: %s", listIDs(e.OnlyBaseline))
	}
	if len(e.OnlyCandidate) > 0 {
		fmt.Fprintf(&b, "; missing from baseline: %s", listIDs(e.OnlyCandidate))
	}
	b.WriteString("; rerun the missing items or compare runs of the same item set")
	return b.String()
}

// InputField names the candidate's items, the side that is usually rerun to fix the mismatch.
func (e *ItemSetMismatchError) InputField() string { return "candidate.items" }

// listIDs quotes at most ten ids so that an error about a large suite stays readable.
func listIDs(ids []string) string {
	const shown = 10
	quoted := make([]string, 0, min(len(ids), shown))
	for _, id := range ids[:min(len(ids), shown)] {
		quoted = append(quoted, fmt.Sprintf("%q", id))
	}
	s := strings.Join(quoted, ", ")
	if len(ids) > shown {
		s += fmt.Sprintf(" and %d more", len(ids)-shown)
	}
	return s
}
