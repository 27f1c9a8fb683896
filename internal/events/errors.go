package events

import (
	"errors"
	"fmt"
)

// ErrClosed is returned by a broker's methods after Close, and by Subscription.Err when the broker closed
// the subscription.
var ErrClosed = errors.New("events: broker is closed")

// ValidationError reports a bad Event, Filter or configuration field.
type ValidationError struct {
	Field  string
	Reason string
}

func (e *ValidationError) Error() string {
	return fmt.Sprintf("events: invalid %s: %s", e.Field, e.Reason)
}
