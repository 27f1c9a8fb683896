package catalog

import (
	"errors"
	"fmt"
	"strings"
)

// ErrNotFound is returned (wrapped) when a model, GPU or instance type is not in the catalog.
var ErrNotFound = errors.New("not found in catalog")

// ValidationError is one problem with catalog data or with a query argument.
type ValidationError struct {
	Field  string // path of the offending value, e.g. "models[12].price.source" or "filter.minTier"
	Reason string // what is wrong and what to do
}

func (e *ValidationError) Error() string { return e.Field + ": " + e.Reason }

// ValidationErrors is every problem found in one catalog; it is returned as a whole so an operator can fix
// an override file in one pass.
type ValidationErrors []*ValidationError

func (es ValidationErrors) Error() string {
	const show = 10
	var b strings.Builder
	fmt.Fprintf(&b, "catalog has %d problem(s)", len(es))
	for i, e := range es {
		if i == show {
			fmt.Fprintf(&b, "; and %d more", len(es)-show)
			break
		}
		b.WriteString("; ")
		b.WriteString(e.Error())
	}
	return b.String()
}

// Unwrap lets errors.As find the individual *ValidationError values.
func (es ValidationErrors) Unwrap() []error {
	out := make([]error, len(es))
	for i, e := range es {
		out[i] = e
	}
	return out
}

// InputField names the input at fault; the GraphQL layer reports it as BAD_USER_INPUT with extensions.field.
func (e *ValidationError) InputField() string { return e.Field }
