package auth

import (
	"context"
	"slices"

	"github.com/modelarchitect/architect/internal/apperr"
	"github.com/modelarchitect/architect/internal/gid"
	"github.com/modelarchitect/architect/internal/viewer"
)

// ScopedFields are the root fields an experiment API key may call, each with the argument that names the
// experiment.
var ScopedFields = map[string]string{"assignVariant": "experimentId", "recordExperimentObservations": "id"}

// unscopedTypes are the types no field below a scoped call may return: the owner's account, which leads to
// all their rows, and the experiment's keys.
var unscopedTypes = []string{"User", "ExperimentKey"}

// CheckScope admits a field for the viewer in ctx. A viewer without a scope passes. An experiment API key's
// passes only for ScopedFields naming its experiment at the root (object Query, Mutation or Subscription) and,
// below them, for fields that do not return the owner or the keys; anything else is FORBIDDEN. It runs for
// every field of every request (wired in internal/server), before @hasRole and the resolver.
func CheckScope(ctx context.Context, object, field, typ string, args map[string]any) error {
	v := viewer.FromContext(ctx)
	if v == nil || v.Scope == nil {
		return nil
	}
	switch object {
	case "Query", "Mutation", "Subscription":
		arg, ok := ScopedFields[field]
		if !ok {
			return apperr.Deny("an experiment API key may call only assignVariant and recordExperimentObservations, not %s; use a user's token for the rest", field)
		}
		if id, _ := args[arg].(int); id != v.Scope.ExperimentID {
			return apperr.Deny("this API key is for experiment %s only", gid.Encode(v.Scope.ExperimentID))
		}
	default:
		if slices.Contains(unscopedTypes, typ) {
			return apperr.Deny("an experiment API key cannot read %s.%s; use a user's token", object, field)
		}
	}
	return nil
}
