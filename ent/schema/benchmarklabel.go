package schema

import (
	"entgo.io/contrib/entgql"
	"entgo.io/ent"
	"entgo.io/ent/schema"
	"entgo.io/ent/schema/edge"
	"entgo.io/ent/schema/field"
	"entgo.io/ent/schema/index"
)

// BenchmarkLabel is a person's pass/fail verdict on one model's answer to one run of a JUDGE item, set by the
// benchmark's owner; the judge is calibrated against these (benchmarkCalibration).
type BenchmarkLabel struct{ ent.Schema }

func (BenchmarkLabel) Mixin() []ent.Mixin {
	return []ent.Mixin{TimeMixin{}, OwnerMixin{Ref: "benchmark_labels"}}
}

func (BenchmarkLabel) Fields() []ent.Field {
	return []ent.Field{
		field.Int("benchmark_id").Immutable(),
		field.String("model").Immutable(),
		field.Int("item").Immutable(),
		field.Int("repeat").Default(0).Immutable(),
		field.Bool("passed").Comment("the person passed the answer"),
	}
}

func (BenchmarkLabel) Edges() []ent.Edge {
	return []ent.Edge{
		edge.From("benchmark", Benchmark.Type).Ref("labels").Field("benchmark_id").Unique().Required().Immutable(),
	}
}

func (BenchmarkLabel) Indexes() []ent.Index {
	return []ent.Index{index.Fields("benchmark_id", "model", "item", "repeat").Unique()}
}

// Read and written through labelBenchmarkAnswers and benchmarkCalibration only.
func (BenchmarkLabel) Annotations() []schema.Annotation {
	return []schema.Annotation{entgql.Skip(entgql.SkipAll)}
}
