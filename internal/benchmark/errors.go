package benchmark

import (
	"fmt"
	"strconv"
	"time"
)

// ValidationError is bad input the user can fix: a dataset item, a file line, an argument.
type ValidationError struct {
	Field  string // items[3].expected for an inline item; the column (input, expected, ...) or "file" for an upload
	Line   int    // 1-based line of an uploaded file; 0 for inline input
	Reason string
}

func (e *ValidationError) Error() string {
	if e.Line > 0 {
		return fmt.Sprintf("line %d: %s: %s", e.Line, e.Field, e.Reason)
	}
	return e.Field + ": " + e.Reason
}

// LimitError is a benchmark larger than the user's role allows.
type LimitError struct {
	Role  Role
	Limit string // "models", "items" or "repeats"
	Max   int
	Got   int
}

func (e *LimitError) Error() string {
	return fmt.Sprintf("the %s role allows at most %s %s in one benchmark; this one has %s",
		e.Role, thousands(e.Max), e.Limit, thousands(e.Got))
}

// QuotaError is a benchmark that would exceed the user's daily quota of model calls (RATE_LIMITED).
type QuotaError struct {
	Role      Role
	Limit     int       // model calls per day
	Used      int       // calls already made or reserved today
	Requested int       // calls the work needs
	ResetAt   time.Time // when the quota starts again (next 00:00 UTC)
	Work      string    // what needs them, e.g. "this load test"; "": "this benchmark"
}

func (e *QuotaError) Error() string {
	work := e.Work
	if work == "" {
		work = "this benchmark"
	}
	return fmt.Sprintf("daily quota of %s model calls for %s exceeded (benchmarks and load tests together): %s used today, %s needs %s; the quota resets at %s",
		thousands(e.Limit), e.Role, thousands(e.Used), work, thousands(e.Requested), e.ResetAt.UTC().Format(time.RFC3339))
}

// thousands writes n with comma separators: 50000 → "50,000".
func thousands(n int) string {
	s := strconv.Itoa(n)
	neg := ""
	if n < 0 {
		neg, s = "-", s[1:]
	}
	for i := len(s) - 3; i > 0; i -= 3 {
		s = s[:i] + "," + s[i:]
	}
	return neg + s
}

// InputField names the input at fault; the GraphQL layer reports it as BAD_USER_INPUT with extensions.field.
func (e *ValidationError) InputField() string { return e.Field }
