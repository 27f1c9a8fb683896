package auth

import (
	"context"

	"github.com/modelarchitect/architect/internal/apperr"
	"github.com/modelarchitect/architect/internal/viewer"
)

type problemKey struct{}

// WithTokenProblem records why the request's token was refused, so that a guarded field can say so.
func WithTokenProblem(ctx context.Context, reason string) context.Context {
	return context.WithValue(ctx, problemKey{}, reason)
}

// RequireRole admits the viewer in ctx when their role is min or above: UNAUTHENTICATED without a viewer,
// FORBIDDEN below min. It is the body of the @hasRole directive.
func RequireRole(ctx context.Context, min viewer.Role) error {
	v := viewer.FromContext(ctx)
	if v == nil {
		if reason, ok := ctx.Value(problemKey{}).(string); ok {
			return apperr.Unauth("%s: log in again and send the new token as Authorization: Bearer <token>", reason)
		}
		return apperr.Unauth("sign in first: send Authorization: Bearer <token> from logIn or signUp")
	}
	if !v.Role.AtLeast(min) {
		return apperr.Deny("this needs the %s role or above; your role is %s", min, v.Role)
	}
	return nil
}
