package schema

import (
	"entgo.io/contrib/entgql"
	"entgo.io/ent"
	"entgo.io/ent/dialect/entsql"
	"entgo.io/ent/schema"
	"entgo.io/ent/schema/edge"
	"entgo.io/ent/schema/field"
	"entgo.io/ent/schema/index"

	"github.com/modelarchitect/architect/internal/model"
)

// Benchmark runs a dataset against several models and records how each did.
type Benchmark struct{ ent.Schema }

func (Benchmark) Mixin() []ent.Mixin {
	return []ent.Mixin{TimeMixin{}, OwnerMixin{Ref: "benchmarks"}, VersionMixin{}}
}

func (Benchmark) Fields() []ent.Field {
	return []ent.Field{
		field.String("name").NotEmpty().MaxLen(200).Annotations(entgql.OrderField("NAME")),
		field.Enum("status").Values("PENDING", "RUNNING", "COMPLETED", "FAILED", "CANCELLED").Default("PENDING").
			Annotations(entgql.OrderField("STATUS"), computed),
		field.Strings("models").Comment("model ids provider/model, e.g. openai/gpt-4.1-mini"),
		field.JSON("dataset", model.Dataset{}).Annotations(entgql.Type("[DatasetItem!]")),
		field.Text("system").Default("").Comment("system prompt sent with every item"),
		field.Int("max_output_tokens").Default(512).Comment("output bound of every call"),
		field.JSON("results", &model.BenchmarkResults{}).Optional().Annotations(computed),
		field.Int("progress_done").Default(0).Comment("model calls finished").Annotations(computed),
		field.Int("progress_total").Default(0).Comment("model calls planned").Annotations(computed),
		field.String("error").Optional().Nillable().Annotations(computed),
		field.Time("started_at").Optional().Nillable().Annotations(computed),
		field.Time("finished_at").Optional().Nillable().Annotations(computed),
		// The calls a run holds against its owner's daily quota (internal/ledger): reserved on start on the
		// ledger row of quota_day, moved to used as they are made, the rest released when the run ends.
		field.String("quota_day").Optional().Nillable().MaxLen(10).Annotations(entgql.Skip(entgql.SkipAll)),
		field.Int("quota_held").Default(0).NonNegative().Annotations(entgql.Skip(entgql.SkipAll)),
	}
}

func (Benchmark) Edges() []ent.Edge {
	return []ent.Edge{
		edge.To("item_results", BenchmarkItemResult.Type).
			Annotations(entsql.OnDelete(entsql.Cascade), entgql.RelayConnection()),
	}
}

func (Benchmark) Indexes() []ent.Index { return []ent.Index{index.Fields("status")} }

// Benchmark's create and update inputs are written by hand (graph/benchmark.graphqls): they take an uploaded
// dataset file and a start flag.
func (Benchmark) Annotations() []schema.Annotation { return ownedAnnotations(false) }
