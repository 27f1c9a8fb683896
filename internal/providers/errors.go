package providers

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"time"
)

// Outcome classifies how a call ended, for metrics labels and for deciding what to do next.
type Outcome string

// Outcomes of a call.
const (
	OutcomeOK               Outcome = "ok"
	OutcomeRateLimited      Outcome = "rate_limited"      // HTTP 429; retried
	OutcomeServerError      Outcome = "server_error"      // HTTP 5xx or an error event in the stream; retried
	OutcomeConnectionError  Outcome = "connection_error"  // no HTTP response (refused, reset, DNS); retried
	OutcomeIncompleteStream Outcome = "incomplete_stream" // the stream stopped before its end marker; retried
	OutcomeClientError      Outcome = "client_error"      // HTTP 4xx other than 429: bad key, bad model, bad request; not retried
	OutcomeTimeout          Outcome = "timeout"           // the per-call timeout passed; not retried
	OutcomeCanceled         Outcome = "canceled"          // the caller's context ended
	OutcomeInvalidRequest   Outcome = "invalid_request"   // the Request was rejected before any HTTP call
	OutcomeOther            Outcome = "error"
)

// Sentinels for errors.Is: errors.Is(err, providers.ErrRateLimited) holds for an *Error of that outcome.
var (
	ErrRateLimited      error = outcomeSentinel(OutcomeRateLimited)
	ErrServer           error = outcomeSentinel(OutcomeServerError)
	ErrConnection       error = outcomeSentinel(OutcomeConnectionError)
	ErrIncompleteStream error = outcomeSentinel(OutcomeIncompleteStream)
	ErrClient           error = outcomeSentinel(OutcomeClientError)
	ErrTimeout          error = outcomeSentinel(OutcomeTimeout)
	ErrInvalidRequest   error = outcomeSentinel(OutcomeInvalidRequest)
)

type outcomeSentinel Outcome

func (o outcomeSentinel) Error() string { return strings.ReplaceAll(string(o), "_", " ") }

// Error is a failed call to a provider, after any retries.
type Error struct {
	Provider   string        // configured provider name: "openai", "gemini", "vllm"
	Outcome    Outcome       // why it failed
	Status     int           // HTTP status; 0 when there was no response
	Message    string        // the provider's own message, or ours when it sent none
	Type       string        // OpenAI error.type, Google error.status ("RESOURCE_EXHAUSTED")
	Code       string        // OpenAI error.code, Google error.code
	RetryAfter time.Duration // how long the server asked us to wait (Retry-After, retry-after-ms, Google RetryInfo); 0 if it did not say
	Attempts   int           // HTTP attempts made
	Err        error         // underlying cause (network error), may be nil
}

func (e *Error) Error() string {
	var b strings.Builder
	b.WriteString(e.Provider)
	b.WriteString(": ")
	b.WriteString(outcomeSentinel(e.Outcome).Error())
	if e.Status != 0 {
		fmt.Fprintf(&b, " (HTTP %d", e.Status)
		if e.Type != "" {
			fmt.Fprintf(&b, " %s", e.Type)
		}
		b.WriteString(")")
	}
	if e.RetryAfter > 0 {
		fmt.Fprintf(&b, ", retry after %s", e.RetryAfter)
	}
	if e.Attempts > 1 {
		fmt.Fprintf(&b, " after %d attempts", e.Attempts)
	}
	if e.Message != "" {
		b.WriteString(": ")
		b.WriteString(e.Message)
	}
	return b.String()
}

// Unwrap returns the underlying cause.
func (e *Error) Unwrap() error { return e.Err }

// Is reports whether target is the sentinel of e's outcome.
func (e *Error) Is(target error) bool {
	s, ok := target.(outcomeSentinel)
	return ok && Outcome(s) == e.Outcome
}

// Retryable reports whether another attempt may succeed: rate limits, server errors, lost connections and
// cut streams. Client errors and timeouts are final.
func (e *Error) Retryable() bool {
	switch e.Outcome {
	case OutcomeRateLimited, OutcomeServerError, OutcomeConnectionError, OutcomeIncompleteStream:
		return true
	default:
		return false
	}
}

// OutcomeOf classifies the error a Client returned (nil is OutcomeOK).
func OutcomeOf(err error) Outcome {
	if err == nil {
		return OutcomeOK
	}
	if pe, ok := errors.AsType[*Error](err); ok {
		return pe.Outcome
	}
	if errors.Is(err, context.Canceled) || errors.Is(err, context.DeadlineExceeded) {
		return OutcomeCanceled
	}
	return OutcomeOther
}

// ModelError says why a "provider/model" id cannot be used, in words that say what to set.
type ModelError struct {
	Model  string // the id as given
	Reason string // "needs GEMINI_API_KEY"
}

func (e *ModelError) Error() string { return fmt.Sprintf("model %s %s", e.Model, e.Reason) }

// ConfigError is a bad configuration value.
type ConfigError struct {
	Variable string // environment variable or Config field
	Reason   string
}

func (e *ConfigError) Error() string { return e.Variable + ": " + e.Reason }
