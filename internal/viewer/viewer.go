// Package viewer carries who is calling (a user id and role, or nobody) through a context, and orders
// roles. It has no dependencies so that the ent schema, the privacy rules and the server can all use it.
package viewer

import (
	"context"
	"fmt"
	"io"
	"strconv"
)

// Role is a user's role. Roles are ordered: FREE < PRO < ENTERPRISE < ADMIN.
type Role string

const (
	RoleFree       Role = "FREE"
	RolePro        Role = "PRO"
	RoleEnterprise Role = "ENTERPRISE"
	RoleAdmin      Role = "ADMIN"
)

var rank = map[Role]int{RoleFree: 1, RolePro: 2, RoleEnterprise: 3, RoleAdmin: 4}

// Values lists the roles in order; ent uses it for the enum column.
func (Role) Values() []string {
	return []string{string(RoleFree), string(RolePro), string(RoleEnterprise), string(RoleAdmin)}
}

// Valid reports whether r is one of the four roles.
func (r Role) Valid() bool { return rank[r] > 0 }

// AtLeast reports whether r admits min: a role admits itself and every role below it.
func (r Role) AtLeast(min Role) bool { return r.Valid() && rank[r] >= rank[min] }

// Below returns the role just below r, and false for FREE.
func (r Role) Below() (Role, bool) {
	for k, v := range rank {
		if v == rank[r]-1 {
			return k, true
		}
	}
	return "", false
}

// ParseRole parses a role name as given on the command line or in GraphQL.
func ParseRole(s string) (Role, error) {
	r := Role(s)
	if !r.Valid() {
		return "", fmt.Errorf("unknown role %q: use FREE, PRO, ENTERPRISE or ADMIN", s)
	}
	return r, nil
}

// Viewer is an authenticated caller.
type Viewer struct {
	ID   int
	Role Role
	// Scope, when set, is an experiment API key's: the caller acts as the experiment's owner (ID, Role) but
	// only through the fields auth.CheckScope admits.
	Scope *Scope
}

// Scope limits a viewer to one experiment: assign units and record observations, nothing else.
type Scope struct {
	ExperimentID int
	KeyID        int // the ExperimentKey row
}

// Admin reports whether the viewer administers every row.
func (v *Viewer) Admin() bool { return v != nil && v.Role == RoleAdmin && v.Scope == nil }

type ctxKey struct{}

// NewContext returns ctx carrying v.
func NewContext(ctx context.Context, v *Viewer) context.Context {
	return context.WithValue(ctx, ctxKey{}, v)
}

// FromContext returns the viewer in ctx, or nil when the caller is anonymous.
func FromContext(ctx context.Context) *Viewer {
	v, _ := ctx.Value(ctxKey{}).(*Viewer)
	return v
}

// MarshalGQL writes the role as a GraphQL enum value.
func (r Role) MarshalGQL(w io.Writer) { _, _ = io.WriteString(w, strconv.Quote(string(r))) }

// UnmarshalGQL reads a GraphQL enum value.
func (r *Role) UnmarshalGQL(v any) error {
	s, ok := v.(string)
	if !ok {
		return fmt.Errorf("role must be a string, got %T", v)
	}
	p, err := ParseRole(s)
	if err != nil {
		return err
	}
	*r = p
	return nil
}
