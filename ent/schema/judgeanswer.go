package schema

import (
	"entgo.io/contrib/entgql"
	"entgo.io/ent"
	"entgo.io/ent/schema"
	"entgo.io/ent/schema/field"
	"entgo.io/ent/schema/index"
)

// JudgeAnswer caches a judge model's answer per owner under evaluation.CacheKey (rubric and prompt, input,
// output, judge model), so that scoring the same answer again makes no call. It belongs to the owner, not to the
// benchmark that filled it, so it outlives the benchmark and goes with the account.
type JudgeAnswer struct{ ent.Schema }

func (JudgeAnswer) Mixin() []ent.Mixin {
	return []ent.Mixin{TimeMixin{}, OwnerMixin{Ref: "judge_answers"}}
}

func (JudgeAnswer) Fields() []ent.Field {
	return []ent.Field{
		field.String("key").NotEmpty().MaxLen(64).Immutable().Comment("hex SHA-256 from evaluation.CacheKey"),
		field.String("judge_model").Immutable(),
		field.Text("answer").Immutable().Comment("the judge's raw answer, read again under the benchmark's judge settings"),
		field.Int64("input_tokens").Default(0).Immutable(),
		field.Int64("output_tokens").Default(0).Immutable(),
	}
}

func (JudgeAnswer) Indexes() []ent.Index {
	return []ent.Index{index.Fields("owner_id", "key").Unique()}
}

func (JudgeAnswer) Annotations() []schema.Annotation {
	return []schema.Annotation{entgql.Skip(entgql.SkipAll)}
}
