package schema

import (
	"entgo.io/contrib/entgql"
	"entgo.io/ent"
	"entgo.io/ent/schema"
	"entgo.io/ent/schema/edge"
	"entgo.io/ent/schema/field"
)

// ExperimentKey is a scoped, revocable API key an experiment's owner issues for a production service: it may
// call assignVariant and recordExperimentObservations for that one experiment, as its owner, and nothing
// else (internal/auth.CheckScope). Only the SHA-256 of the secret is stored; the secret is shown once.
type ExperimentKey struct{ ent.Schema }

func (ExperimentKey) Mixin() []ent.Mixin {
	return []ent.Mixin{TimeMixin{}, OwnerMixin{Ref: "experiment_keys"}}
}

func (ExperimentKey) Fields() []ent.Field {
	return []ent.Field{
		field.Int("experiment_id").Immutable().Annotations(entgql.Skip(entgql.SkipAll)),
		field.String("name").NotEmpty().MaxLen(200).Immutable().
			Comment("A name for people, 1 to 200 characters, e.g. the service that holds the key."),
		field.String("prefix").Immutable().
			Comment("The secret's first characters (mak_ and 6 more), to recognise a key in a configuration; the rest is never shown again."),
		field.String("secret_hash").Immutable().Unique().Sensitive().Annotations(entgql.Skip(entgql.SkipAll)),
		field.Time("revoked_at").Optional().Nillable().
			Comment("When revokeExperimentKey revoked it; null while it works. A revoked key is refused as UNAUTHENTICATED."),
	}
}

func (ExperimentKey) Edges() []ent.Edge {
	return []ent.Edge{
		edge.From("experiment", Experiment.Type).Ref("api_keys").Field("experiment_id").Unique().Required().Immutable().
			Comment("The experiment the key may assign and record for."),
	}
}

func (ExperimentKey) Annotations() []schema.Annotation {
	return []schema.Annotation{entgql.Skip(entgql.SkipMutationCreateInput, entgql.SkipMutationUpdateInput, entgql.SkipWhereInput, entgql.SkipOrderField),
		doc("A scoped, revocable API key for an experiment's production service: its bearer may call assignVariant and " +
			"recordExperimentObservations for this experiment only, as the experiment's owner. Made by createExperimentKey, " +
			"which shows the secret once; listed in Experiment.apiKeys without it. Owned by the experiment's owner.")}
}
