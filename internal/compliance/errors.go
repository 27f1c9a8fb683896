package compliance

import "fmt"

// ValidationError reports an assessment input or a rule-set entry that cannot be used. Field is the path
// of the offending value (e.g. "dataCategories[1]" or "rules[3].failsWhen.all[0].fact").
type ValidationError struct {
	Field  string
	Reason string
}

func (e *ValidationError) Error() string {
	return fmt.Sprintf("invalid %s: %s", e.Field, e.Reason)
}

func invalid(field, format string, args ...any) *ValidationError {
	return &ValidationError{Field: field, Reason: fmt.Sprintf(format, args...)}
}

// InputField names the input at fault; the GraphQL layer reports it as BAD_USER_INPUT with extensions.field.
func (e *ValidationError) InputField() string { return e.Field }
