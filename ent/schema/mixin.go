package schema

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"time"

	"entgo.io/contrib/entgql"
	"entgo.io/ent"
	"entgo.io/ent/schema/edge"
	"entgo.io/ent/schema/field"
	"entgo.io/ent/schema/index"
	"entgo.io/ent/schema/mixin"

	"github.com/modelarchitect/architect/internal/apperr"
	"github.com/modelarchitect/architect/internal/model"
	"github.com/modelarchitect/architect/internal/viewer"
)

// TimeMixin adds created_at and updated_at.
type TimeMixin struct{ mixin.Schema }

func (TimeMixin) Fields() []ent.Field {
	return []ent.Field{
		field.Time("created_at").Default(time.Now).Immutable().Comment("When the row was created.").
			Annotations(entgql.OrderField("CREATED_AT"), entgql.Skip(entgql.SkipMutationCreateInput, entgql.SkipMutationUpdateInput)),
		field.Time("updated_at").Default(time.Now).UpdateDefault(time.Now).
			Comment("When the row last changed, by the owner or by the server.").
			Annotations(entgql.OrderField("UPDATED_AT"), entgql.Skip(entgql.SkipMutationCreateInput, entgql.SkipMutationUpdateInput)),
	}
}

// VersionMixin numbers a row's states: every update adds one to version in the same statement, so under the
// row's lock the numbers follow the commit order. Live streams use it to never send an older state after a
// newer one (internal/live), whatever the clocks of the replicas that wrote them.
type VersionMixin struct{ mixin.Schema }

func (VersionMixin) Fields() []ent.Field {
	return []ent.Field{field.Int64("version").Default(0).Annotations(entgql.Skip(entgql.SkipAll))}
}

func (VersionMixin) Hooks() []ent.Hook {
	return []ent.Hook{func(next ent.Mutator) ent.Mutator {
		return ent.MutateFunc(func(ctx context.Context, m ent.Mutation) (ent.Value, error) {
			if m.Op().Is(ent.OpUpdate | ent.OpUpdateOne) {
				if err := m.AddField("version", int64(1)); err != nil {
					return nil, err
				}
			}
			return next.Mutate(ctx, m)
		})
	}}
}

// OwnerMixin makes an entity belong to a User: an immutable owner_id set from the viewer on create, an
// owner edge (cascade-deleted with the user), an index, and the ownership privacy policy. Ref is the name
// of the User edge that lists these rows.
type OwnerMixin struct {
	mixin.Schema
	Ref string
}

func (OwnerMixin) Fields() []ent.Field {
	return []ent.Field{
		// The owner is never an input: it is always the viewer. GraphQL exposes it as the owner field,
		// resolved through the request's dataloader (internal/loaders).
		field.Int("owner_id").Immutable().Annotations(entgql.Skip(entgql.SkipAll)),
	}
}

func (m OwnerMixin) Edges() []ent.Edge {
	return []ent.Edge{
		edge.From("owner", User.Type).Ref(m.Ref).Field("owner_id").Unique().Required().Immutable().
			Annotations(entgql.Skip(entgql.SkipAll)),
	}
}

func (OwnerMixin) Indexes() []ent.Index {
	return []ent.Index{index.Fields("owner_id")}
}

func (OwnerMixin) Policy() ent.Policy { return ownerPolicy("owner_id") }

func (OwnerMixin) Hooks() []ent.Hook {
	return []ent.Hook{setOwnerOnCreate, validateDocuments}
}

type ownerSetter interface {
	OwnerID() (int, bool)
	SetOwnerID(int)
}

// setOwnerOnCreate fills owner_id from the viewer when the creating code did not set it.
func setOwnerOnCreate(next ent.Mutator) ent.Mutator {
	return ent.MutateFunc(func(ctx context.Context, m ent.Mutation) (ent.Value, error) {
		if !m.Op().Is(ent.OpCreate) {
			return next.Mutate(ctx, m)
		}
		s, ok := m.(ownerSetter)
		if !ok {
			return nil, fmt.Errorf("%T has no owner", m)
		}
		if _, set := s.OwnerID(); !set {
			if v := viewer.FromContext(ctx); v != nil {
				s.SetOwnerID(v.ID)
			}
		}
		return next.Mutate(ctx, m)
	})
}

// validateDocuments runs Validate on every JSON document a mutation writes, naming the field at fault.
func validateDocuments(next ent.Mutator) ent.Mutator {
	return ent.MutateFunc(func(ctx context.Context, m ent.Mutation) (ent.Value, error) {
		for _, name := range m.Fields() {
			v, _ := m.Field(name)
			d, ok := v.(model.Validator)
			if !ok {
				continue
			}
			if err := d.Validate(); err != nil {
				var fe *apperr.FieldError
				if errors.As(err, &fe) {
					return nil, fe.Prefix(entgqlName(name))
				}
				return nil, err
			}
		}
		return next.Mutate(ctx, m)
	})
}

// entgqlName turns a column name into its GraphQL field name (snake_case to camelCase).
func entgqlName(s string) string {
	parts := strings.Split(s, "_")
	for i := 1; i < len(parts); i++ {
		if parts[i] != "" {
			parts[i] = strings.ToUpper(parts[i][:1]) + parts[i][1:]
		}
	}
	return strings.Join(parts, "")
}
