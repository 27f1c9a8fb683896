package schema

import (
	"entgo.io/contrib/entgql"
	"entgo.io/ent"
	"entgo.io/ent/schema"
	"entgo.io/ent/schema/field"
	"entgo.io/ent/schema/index"
)

// QuotaLedger counts the model calls one owner reserved and made on one UTC day, per kind of work. The daily
// quota is checked against it under a lock of its row (internal/ledger), so no interleaving of replicas can
// reserve past the quota, and deleting the work that made calls gives none of them back.
type QuotaLedger struct{ ent.Schema }

func (QuotaLedger) Mixin() []ent.Mixin {
	return []ent.Mixin{OwnerMixin{Ref: "quota_ledgers"}}
}

func (QuotaLedger) Fields() []ent.Field {
	return []ent.Field{
		field.String("day").NotEmpty().MaxLen(10).Immutable().Comment("the UTC day, 2006-01-02"),
		field.Enum("kind").Values("BENCHMARK", "LOAD_TEST").Immutable().Comment("the work the calls are for"),
		field.Int("reserved").Default(0).NonNegative().Comment("calls held by work that is still running"),
		field.Int("used").Default(0).NonNegative().Comment("calls made"),
	}
}

func (QuotaLedger) Indexes() []ent.Index {
	return []ent.Index{index.Fields("owner_id", "day", "kind").Unique()}
}

func (QuotaLedger) Annotations() []schema.Annotation {
	return []schema.Annotation{entgql.Skip(entgql.SkipAll)}
}

// Tombstone remembers a deleted row of a streamed entity for a while, so that a live stream that lost
// events (and re-reads what changed) learns of the deletion too. No foreign key: the owner may be gone.
type Tombstone struct{ ent.Schema }

func (Tombstone) Fields() []ent.Field {
	return []ent.Field{
		field.String("kind").NotEmpty().MaxLen(64).Immutable(),
		field.Int("row_id").Immutable(),
		field.Int("owner_id").Immutable(),
		field.Time("deleted_at").Immutable(),
	}
}

func (Tombstone) Indexes() []ent.Index {
	return []ent.Index{index.Fields("owner_id", "kind", "deleted_at"), index.Fields("deleted_at")}
}

func (Tombstone) Policy() ent.Policy { return ownerPolicy("owner_id") }

func (Tombstone) Annotations() []schema.Annotation {
	return []schema.Annotation{entgql.Skip(entgql.SkipAll)}
}
