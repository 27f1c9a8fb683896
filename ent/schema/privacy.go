package schema

import (
	"context"

	"entgo.io/ent"
	"entgo.io/ent/entql"

	"github.com/modelarchitect/architect/ent/privacy"

	"github.com/modelarchitect/architect/internal/viewer"
)

// The privacy rules below are the only place where ownership is enforced: every query path (node, nodes,
// connections, edges, dataloaders) and every mutation goes through them. Trusted code (sign-up, log-in,
// workers) runs with privacy.DecisionContext(ctx, privacy.Allow), which skips them.

// ErrAnonymous is returned when nobody is signed in and a rule needs a viewer.
var errAnonymous = privacy.Denyf("viewer required")

// ownedBy restricts a query or an update/delete mutation to rows whose column equals the viewer's id.
func ownedBy(column string) privacy.FilterFunc {
	return func(ctx context.Context, f privacy.Filter) error {
		v := viewer.FromContext(ctx)
		switch {
		case v == nil:
			return errAnonymous
		case v.Admin():
			return privacy.Allow
		}
		f.Where(entql.FieldEQ(column, v.ID))
		return privacy.Allow
	}
}

// ownerMutationRule lets a viewer create rows only for themselves and update or delete only their own rows.
type ownerMutationRule struct{ column string }

func (r ownerMutationRule) EvalMutation(ctx context.Context, m ent.Mutation) error {
	v := viewer.FromContext(ctx)
	if m.Op().Is(ent.OpCreate) {
		if v == nil {
			return errAnonymous
		}
		owner, ok := m.Field(r.column)
		if !ok || v.Admin() || owner == v.ID {
			// A missing owner fails the NOT NULL constraint; the owner hook fills it from the viewer.
			return privacy.Allow
		}
		return privacy.Denyf("rows are created for the viewer only")
	}
	return ownedBy(r.column).EvalMutation(ctx, m)
}

// ownerPolicy is the policy of every owned entity; column is the owner's id column.
func ownerPolicy(column string) ent.Policy {
	return privacy.Policy{
		Query:    privacy.QueryPolicy{ownedBy(column)},
		Mutation: privacy.MutationPolicy{ownerMutationRule{column}},
	}
}

// userPolicy lets a viewer read and change only their own user row; admins all; nobody creates users
// except trusted code (sign-up, the CLI).
func userPolicy() ent.Policy {
	return privacy.Policy{
		Query: privacy.QueryPolicy{ownedBy("id")},
		Mutation: privacy.MutationPolicy{
			privacy.OnMutationOperation(privacy.MutationRuleFunc(func(ctx context.Context, m ent.Mutation) error {
				if viewer.FromContext(ctx).Admin() {
					return privacy.Allow
				}
				return privacy.Denyf("users are created by sign-up")
			}), ent.OpCreate),
			ownedBy("id"),
		},
	}
}
