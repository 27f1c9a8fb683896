package schema

import (
	"entgo.io/contrib/entgql"
	"entgo.io/ent"
	"entgo.io/ent/schema"
	"entgo.io/ent/schema/edge"
	"entgo.io/ent/schema/field"
	"entgo.io/ent/schema/index"
)

// BenchmarkItemResult is one model's answer to one run of a dataset item. (benchmark, model, item, repeat) is
// unique, so a retried or resumed job never counts a run twice.
type BenchmarkItemResult struct{ ent.Schema }

func (BenchmarkItemResult) Mixin() []ent.Mixin {
	return []ent.Mixin{TimeMixin{}, OwnerMixin{Ref: "benchmark_item_results"}}
}

func (BenchmarkItemResult) Fields() []ent.Field {
	return []ent.Field{
		field.Int("benchmark_id").Immutable().Annotations(entgql.Skip(entgql.SkipAll)),
		field.String("model").Immutable().Comment("The model id that answered, provider/model."),
		field.Int("item").Comment("The item's index in the benchmark's dataset, from 0.").Immutable().Annotations(entgql.OrderField("ITEM")),
		field.Int("repeat").Default(0).NonNegative().Immutable().
			Comment("Which run of the item this is, from 0 to the benchmark's repeats − 1."),
		field.Text("output").Default("").Comment("The model's answer; empty when the call failed."),
		field.Bool("passed").Default(false).Comment("The answer passed the item's assertion."),
		field.String("reason").Default("").Comment("Why the answer failed its assertion; empty when it passed or the call failed."),
		field.String("error").Default("").Comment("Why the call failed after its retries (there is then no answer); empty when it succeeded."),
		field.Float("latency_ms").Default(0).Comment("Milliseconds from sending the request to the end of the answer."),
		field.Float("ttft_ms").Default(0).Comment("Milliseconds from sending the request to the first answer text (hidden reasoning comes before it); 0 when no text arrived."),
		field.Int64("input_tokens").Default(0).Comment("Prompt tokens the API billed, cached ones included."),
		field.Int64("output_tokens").Default(0).Comment("Generated tokens the API billed, reasoning included."),
		field.Int64("cached_tokens").Default(0).Comment("Prompt tokens the API read from its cache (part of inputTokens)."),
		field.Int64("reasoning_tokens").Default(0).Comment("Hidden reasoning tokens (part of outputTokens); 0 for models that do not reason."),
		field.Bool("judged").Default(false).Comment("A JUDGE item: graded by the benchmark's judge model rather than a fixed rule."),
		field.Float("judge_score").Default(0).Comment("The judge's score in [0, 1]: its verdict's score, or its choice's; 0 when invalid or not judged."),
		field.Bool("judge_invalid").Default(false).Comment("The judge's answer kept neither the JSON contract nor a listed choice, so the item did not pass (it counts in failed)."),
		field.Int("judge_calls").Default(0).Comment("Judge calls made for this answer: 0 when the verdict came from the owner's judge cache or nothing was judged."),
		field.Int64("judge_input_tokens").Default(0).Comment("Prompt tokens of the judge call."),
		field.Int64("judge_output_tokens").Default(0).Comment("Generated tokens of the judge call."),
	}
}

func (BenchmarkItemResult) Edges() []ent.Edge {
	return []ent.Edge{
		edge.From("benchmark", Benchmark.Type).Ref("item_results").Field("benchmark_id").Unique().Required().Immutable().
			Annotations(entgql.Skip(entgql.SkipAll)),
	}
}

func (BenchmarkItemResult) Indexes() []ent.Index {
	return []ent.Index{index.Fields("benchmark_id", "model", "item", "repeat").Unique()}
}

func (BenchmarkItemResult) Annotations() []schema.Annotation {
	return []schema.Annotation{entgql.RelayConnection(), entgql.Skip(entgql.SkipMutationCreateInput, entgql.SkipMutationUpdateInput),
		doc("One model's answer to one run of a dataset item of a benchmark, with its check and usage. " +
			"Written once per model, item and repeat, so a retried job never counts a run twice.")}
}
