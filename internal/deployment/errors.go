package deployment

import (
	"errors"
	"fmt"
)

// ErrEndpointRefused marks an endpoint (or a connection) refused by the endpoint policy.
var ErrEndpointRefused = errors.New("endpoint refused")

// ValidationError is bad input: Field names the input field (e.g. "throughput.requestsPerSecond",
// "config.endpoint"), Reason says what to change.
type ValidationError struct {
	Field  string
	Reason string
	Err    error // optional sentinel, e.g. ErrEndpointRefused
}

func (e *ValidationError) Error() string { return fmt.Sprintf("%s: %s", e.Field, e.Reason) }

// Unwrap returns the sentinel, if any.
func (e *ValidationError) Unwrap() error { return e.Err }

func invalid(field, format string, args ...any) *ValidationError {
	return &ValidationError{Field: field, Reason: fmt.Sprintf(format, args...)}
}

// InputField names the input at fault; the GraphQL layer reports it as BAD_USER_INPUT with extensions.field.
func (e *ValidationError) InputField() string { return e.Field }
