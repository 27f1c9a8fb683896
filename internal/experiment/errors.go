package experiment

import (
	"errors"
	"fmt"
)

// ValidationError reports input that cannot be analysed. Field is the path of the offending input
// (e.g. "primary.binary.B.conversions"); Reason says what is wrong and what to send instead.
type ValidationError struct {
	Field  string
	Reason string
}

func (e *ValidationError) Error() string {
	return fmt.Sprintf("invalid %s: %s", e.Field, e.Reason)
}

func invalid(field, format string, args ...any) error {
	return &ValidationError{Field: field, Reason: fmt.Sprintf(format, args...)}
}

// ErrIllegalTransition is matched (errors.Is) by every *StateError.
var ErrIllegalTransition = errors.New("illegal experiment state transition")

// StateError reports an action the experiment's current state does not allow.
type StateError struct {
	Current Status // the state the experiment is in
	Action  Action // what was attempted
}

func (e *StateError) Error() string {
	allowed := e.Action.allowedFrom()
	return fmt.Sprintf("cannot %s an experiment that is %s (only when %s)", e.Action.verb(), e.Current, allowed)
}

// Is makes errors.Is(err, ErrIllegalTransition) true.
func (e *StateError) Is(target error) bool { return target == ErrIllegalTransition }

// InputField names the input at fault; the GraphQL layer reports it as BAD_USER_INPUT with extensions.field.
func (e *ValidationError) InputField() string { return e.Field }
