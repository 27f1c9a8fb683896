// Package apperr defines the errors that reach API clients: each has a code (sent as extensions.code), a
// message a person can act on, and optionally the input field at fault. Code deciding what a client sees
// lives in one place, the GraphQL error presenter; everything else returns these or wraps them.
package apperr

import (
	"errors"
	"fmt"
	"time"
)

// Code is a GraphQL error code, sent as extensions.code.
type Code string

const (
	Unauthenticated Code = "UNAUTHENTICATED"
	Forbidden       Code = "FORBIDDEN"
	BadUserInput    Code = "BAD_USER_INPUT"
	NotFound        Code = "NOT_FOUND"
	RateLimited     Code = "RATE_LIMITED"
	Unavailable     Code = "UNAVAILABLE"
	Internal        Code = "INTERNAL"
)

// RetryAfterUnavailable is the retryAfter (seconds) of an UNAVAILABLE error: long enough for a pool to
// reconnect after a database restart, short enough that a retrying client barely notices.
const RetryAfterUnavailable = 2

// Error is an error a client may see as it is.
type Error struct {
	Code    Code
	Message string
	Field   string         // the input field at fault, in GraphQL spelling (e.g. "config.dataVolume")
	Extra   map[string]any // further extensions, e.g. retryAfter
	Err     error          // the cause, for logs; never sent
}

func (e *Error) Error() string { return e.Message }
func (e *Error) Unwrap() error { return e.Err }

// Input reports bad input in field.
func Input(field, format string, args ...any) *Error {
	return &Error{Code: BadUserInput, Field: field, Message: fmt.Sprintf(format, args...)}
}

// Missing reports a row that does not exist or that the viewer may not see; the two are indistinguishable.
func Missing(what string) *Error {
	return &Error{Code: NotFound, Message: what + " not found"}
}

// Unauthenticated asks the caller to sign in.
func Unauth(format string, args ...any) *Error {
	return &Error{Code: Unauthenticated, Message: fmt.Sprintf(format, args...)}
}

// Deny refuses a signed-in caller.
func Deny(format string, args ...any) *Error {
	return &Error{Code: Forbidden, Message: fmt.Sprintf(format, args...)}
}

// Limited refuses a caller who has done something too often, until retryAt.
func Limited(retryAt time.Time, now time.Time, format string, args ...any) *Error {
	secs := int(retryAt.Sub(now).Round(time.Second) / time.Second)
	if secs < 1 {
		secs = 1
	}
	return &Error{
		Code:    RateLimited,
		Message: fmt.Sprintf(format, args...),
		Extra:   map[string]any{"retryAfter": secs, "resetAt": retryAt.UTC().Format(time.RFC3339)},
	}
}

// Unavailability reports that a dependency (the database) could not be reached: nothing the client did is
// wrong, and the same request may succeed in retryAfter seconds. cause is logged, never sent.
func Unavailability(cause error) *Error {
	return &Error{Code: Unavailable, Err: cause,
		Message: fmt.Sprintf("the service cannot reach its database right now: retry in %d s", RetryAfterUnavailable),
		Extra:   map[string]any{"retryAfter": RetryAfterUnavailable}}
}

// As returns the *Error in err's chain, if any.
func As(err error) (*Error, bool) {
	var e *Error
	ok := errors.As(err, &e)
	return e, ok
}

// FieldError is returned by documents' Validate methods; the presenter turns it into BAD_USER_INPUT.
type FieldError struct {
	Field  string
	Reason string
}

func (e *FieldError) Error() string { return e.Field + ": " + e.Reason }

// Prefix returns e with its field placed under parent ("config" + "dataVolume" = "config.dataVolume").
func (e *FieldError) Prefix(parent string) *FieldError {
	if e.Field == "" {
		return &FieldError{Field: parent, Reason: e.Reason}
	}
	return &FieldError{Field: parent + "." + e.Field, Reason: e.Reason}
}

// InputField names the input at fault.
func (e *FieldError) InputField() string { return e.Field }

// Invalid is implemented by the engines' validation errors: bad input, naming the field at fault.
type Invalid interface {
	error
	InputField() string
}
