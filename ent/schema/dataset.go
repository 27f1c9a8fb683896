package schema

import (
	"time"

	"entgo.io/contrib/entgql"
	"entgo.io/ent"
	"entgo.io/ent/dialect/entsql"
	"entgo.io/ent/schema"
	"entgo.io/ent/schema/edge"
	"entgo.io/ent/schema/field"
	"entgo.io/ent/schema/index"

	"github.com/modelarchitect/architect/internal/model"
)

// Dataset is a named, versioned set of benchmark items owned by a user.
type Dataset struct{ ent.Schema }

func (Dataset) Mixin() []ent.Mixin {
	return []ent.Mixin{TimeMixin{}, OwnerMixin{Ref: "datasets"}}
}

func (Dataset) Fields() []ent.Field {
	return []ent.Field{
		field.String("name").NotEmpty().MaxLen(200).Comment("A name for people, 1 to 200 characters.").
			Annotations(entgql.OrderField("NAME")),
	}
}

func (Dataset) Edges() []ent.Edge {
	return []ent.Edge{
		edge.To("versions", DatasetVersion.Type).
			Comment("The dataset's immutable versions, a page at a time; deleted with the dataset.").
			Annotations(entsql.OnDelete(entsql.Cascade), entgql.RelayConnection()),
	}
}

// Created and changed through createDataset, addDatasetVersion and deleteDataset (graph/dataset.graphqls).
func (Dataset) Annotations() []schema.Annotation {
	return append(ownedAnnotations(false), doc("A named set of benchmark items with immutable versions: "+
		"changing the items adds a version, and benchmarks name the version they ran. Owned by the user who created it."))
}

// DatasetVersion is one immutable state of a dataset's items.
type DatasetVersion struct{ ent.Schema }

func (DatasetVersion) Mixin() []ent.Mixin {
	return []ent.Mixin{OwnerMixin{Ref: "dataset_versions"}}
}

func (DatasetVersion) Fields() []ent.Field {
	return []ent.Field{
		field.Int("dataset_id").Immutable().Annotations(entgql.Skip(entgql.SkipAll)),
		field.Int("number").Immutable().Positive().Comment("1 for the first version, then one more for each.").
			Annotations(entgql.OrderField("NUMBER")),
		field.JSON("items", model.Dataset{}).Immutable().Comment("The items, in order.").
			Annotations(entgql.Type("[DatasetItem!]")),
		// Not immutable only so that startup can rewrite the hashes the PostgreSQL migration computed in SQL
		// (ops.VersionDatasets); nothing else changes it.
		field.String("content_hash").
			Comment("sha256: and the hex SHA-256 of the items' JSON; equal hashes mean equal items."),
		field.Int("item_count").Immutable().Comment("How many items."),
		field.Time("created_at").Default(time.Now).Immutable().Comment("When the version was made.").
			Annotations(entgql.OrderField("CREATED_AT")),
	}
}

func (DatasetVersion) Edges() []ent.Edge {
	return []ent.Edge{
		edge.From("dataset", Dataset.Type).Ref("versions").Field("dataset_id").Unique().Required().Immutable().
			Comment("The dataset this is a version of."),
		edge.To("benchmarks", Benchmark.Type).Annotations(entgql.Skip(entgql.SkipAll)),
	}
}

func (DatasetVersion) Indexes() []ent.Index {
	return []ent.Index{index.Fields("dataset_id", "number").Unique(), index.Fields("owner_id", "content_hash")}
}

func (DatasetVersion) Annotations() []schema.Annotation {
	return []schema.Annotation{entgql.RelayConnection(), entgql.MultiOrder(),
		doc("One immutable state of a dataset's items. A version a benchmark uses cannot be deleted.")}
}
