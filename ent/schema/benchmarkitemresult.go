package schema

import (
	"entgo.io/contrib/entgql"
	"entgo.io/ent"
	"entgo.io/ent/schema"
	"entgo.io/ent/schema/edge"
	"entgo.io/ent/schema/field"
	"entgo.io/ent/schema/index"
)

// BenchmarkItemResult is one model's answer to one dataset item. (benchmark, model, item) is unique, so a
// retried or resumed job never counts an item twice.
type BenchmarkItemResult struct{ ent.Schema }

func (BenchmarkItemResult) Mixin() []ent.Mixin {
	return []ent.Mixin{TimeMixin{}, OwnerMixin{Ref: "benchmark_item_results"}}
}

func (BenchmarkItemResult) Fields() []ent.Field {
	return []ent.Field{
		field.Int("benchmark_id").Immutable().Annotations(entgql.Skip(entgql.SkipAll)),
		field.String("model").Immutable(),
		field.Int("item").Comment("index of the item in the dataset").Immutable().Annotations(entgql.OrderField("ITEM")),
		field.Text("output").Default(""),
		field.Bool("passed").Default(false),
		field.String("reason").Default("").Comment("why the answer failed its assertion"),
		field.String("error").Default("").Comment("the call failed after retries; there is no answer"),
		field.Float("latency_ms").Default(0),
		field.Float("ttft_ms").Default(0).Comment("time to first token; 0 when no text arrived"),
		field.Int64("input_tokens").Default(0),
		field.Int64("output_tokens").Default(0),
		field.Int64("cached_tokens").Default(0),
		field.Int64("reasoning_tokens").Default(0),
	}
}

func (BenchmarkItemResult) Edges() []ent.Edge {
	return []ent.Edge{
		edge.From("benchmark", Benchmark.Type).Ref("item_results").Field("benchmark_id").Unique().Required().Immutable().
			Annotations(entgql.Skip(entgql.SkipAll)),
	}
}

func (BenchmarkItemResult) Indexes() []ent.Index {
	return []ent.Index{index.Fields("benchmark_id", "model", "item").Unique()}
}

func (BenchmarkItemResult) Annotations() []schema.Annotation {
	return []schema.Annotation{entgql.RelayConnection(), entgql.Skip(entgql.SkipMutationCreateInput, entgql.SkipMutationUpdateInput)}
}
