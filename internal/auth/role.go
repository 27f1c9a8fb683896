package auth

import (
	"context"

	"github.com/modelarchitect/architect/internal/apperr"
	"github.com/modelarchitect/architect/internal/viewer"
)

// RequireRole admits the viewer in ctx when their role is min or above: UNAUTHENTICATED without a viewer,
// FORBIDDEN below min. It is the body of the @hasRole directive.
func RequireRole(ctx context.Context, min viewer.Role) error {
	v := viewer.FromContext(ctx)
	if v == nil {
		return apperr.Unauth("sign in first: send Authorization: Bearer <token> from logIn or signUp")
	}
	if !v.Role.AtLeast(min) {
		return apperr.Deny("this needs the %s role or above; your role is %s", min, v.Role)
	}
	return nil
}
