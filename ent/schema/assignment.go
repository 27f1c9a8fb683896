package schema

import (
	"time"

	"entgo.io/contrib/entgql"
	"entgo.io/ent"
	"entgo.io/ent/schema"
	"entgo.io/ent/schema/edge"
	"entgo.io/ent/schema/field"
	"entgo.io/ent/schema/index"
)

// Assignment is the variant an Experiment gave one unit (a user, a session, a request) at its first exposure.
// It is unique per experiment and unit, so every later exposure gets the same variant even after the split
// changes; assignVariant makes it, clients read and delete it.
type Assignment struct{ ent.Schema }

func (Assignment) Mixin() []ent.Mixin {
	return []ent.Mixin{TimeMixin{}, OwnerMixin{Ref: "assignments"}}
}

func (Assignment) Fields() []ent.Field {
	return []ent.Field{
		field.Int("experiment_id").Immutable().Annotations(entgql.Skip(entgql.SkipAll)),
		field.String("unit_id").NotEmpty().MaxLen(200).Immutable().
			Comment("The unit's id as the caller sent it to assignVariant, 1 to 200 characters.").
			Annotations(entgql.OrderField("UNIT_ID")),
		field.String("variant").Immutable().Comment("The model the unit was assigned to, one of the experiment's models."),
		field.Floats("weights").Immutable().
			Comment("The split in force when the unit was assigned: one weight per model, in the experiment's models order."),
		field.Time("assigned_at").Default(time.Now).Immutable().
			Comment("When the unit was first exposed and assigned.").Annotations(entgql.OrderField("ASSIGNED_AT")),
	}
}

func (Assignment) Edges() []ent.Edge {
	return []ent.Edge{
		edge.From("experiment", Experiment.Type).Ref("assignments").Field("experiment_id").Unique().Required().Immutable().
			Comment("The experiment that assigned the unit.").
			Annotations(entgql.Skip(entgql.SkipMutationCreateInput, entgql.SkipMutationUpdateInput)),
	}
}

func (Assignment) Indexes() []ent.Index {
	// The unique index lets replicas racing on a unit's first exposure insert with ON CONFLICT DO NOTHING.
	return []ent.Index{index.Fields("experiment_id", "unit_id").Unique()}
}

func (Assignment) Annotations() []schema.Annotation {
	return append(ownedAnnotations(false), doc("The variant an experiment assigned to one unit at its first exposure "+
		"(assignVariant), kept so that the unit gets the same variant at every later exposure, whatever the split is then. "+
		"Owned by the experiment's owner."))
}
