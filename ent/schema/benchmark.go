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
		field.String("name").NotEmpty().MaxLen(200).Comment("A name for people, 1 to 200 characters.").
			Annotations(entgql.OrderField("NAME")),
		field.Enum("status").Values("PENDING", "RUNNING", "COMPLETED", "FAILED", "CANCELLED").Default("PENDING").
			Comment("Where the benchmark is in its lifecycle.").
			Annotations(EnumDoc{
				Type: "A benchmark's lifecycle: PENDING → RUNNING → COMPLETED or FAILED; PENDING or RUNNING → CANCELLED. " +
					"COMPLETED, FAILED and CANCELLED are final.",
				Values: map[string]string{
					"PENDING":   "Created and not started: the only state in which it can change (updateBenchmark) or start (startBenchmark).",
					"RUNNING":   "Its model calls are being made; progressDone counts them.",
					"COMPLETED": "Every call was made; results holds each model's scores.",
					"FAILED":    "Stopped by an error that retries did not cure, or by no progress for a long time; error says why.",
					"CANCELLED": "Cancelled by its owner; calls in flight finished and their item results were kept.",
				},
			}, entgql.OrderField("STATUS"), computed),
		field.Strings("models").Comment("The model ids called, provider/model, e.g. openai/gpt-4.1-mini."),
		field.JSON("dataset", model.Dataset{}).Comment("The items every model answers, in order.").
			Annotations(entgql.Type("[DatasetItem!]")),
		field.Text("system").Default("").Comment("The system prompt sent with every item; empty for none."),
		field.Int("max_output_tokens").Default(512).Comment("The output token bound of every call (a model's own maximum when smaller)."),
		field.Int("repeats").Default(1).Positive().
			Comment("How many times each model answers each item (1 to the role's cap); repeats are averaged per item before the run's score and its standard error."),
		field.JSON("judge", &model.BenchmarkJudge{}).Optional().
			Comment("The judge model that grades the dataset's JUDGE items and how its answers are read; null when no item is JUDGE."),
		field.JSON("results", &model.BenchmarkResults{}).Optional().
			Comment("Each model's scores; null until the benchmark is COMPLETED.").Annotations(computed),
		field.Int("progress_done").Default(0).Comment("Steps finished so far (answers, failed calls included, and judge steps, cached ones included).").Annotations(computed),
		field.Int("progress_total").Default(0).Comment("Steps planned: models × dataset items × repeats answers, plus one judge step per run of a JUDGE item.").Annotations(computed),
		field.String("error").Optional().Nillable().Comment("Why the benchmark FAILED; null otherwise.").Annotations(computed),
		field.Time("started_at").Optional().Nillable().Comment("When it started RUNNING; null while PENDING, or when cancelled before it started.").
			Annotations(computed),
		field.Time("finished_at").Optional().Nillable().Comment("When it became COMPLETED, FAILED or CANCELLED; null before.").
			Annotations(computed),
		// The calls a run holds against its owner's daily quota (internal/ledger): reserved on start on the
		// ledger row of quota_day, moved to used as they are made, the rest released when the run ends.
		field.String("quota_day").Optional().Nillable().MaxLen(10).Annotations(entgql.Skip(entgql.SkipAll)),
		field.Int("quota_held").Default(0).NonNegative().Annotations(entgql.Skip(entgql.SkipAll)),
		// Judge steps (one per JUDGE item run, cached or not) and judge calls already counted in progress_done
		// and on the ledger, so that each save counts only what is new.
		field.Int("judge_steps_done").Default(0).NonNegative().Annotations(entgql.Skip(entgql.SkipAll)),
		field.Int("judge_calls_made").Default(0).NonNegative().Annotations(entgql.Skip(entgql.SkipAll)),
		field.Int("dataset_version_id").Optional().Nillable().Annotations(entgql.Skip(entgql.SkipAll)),
	}
}

func (Benchmark) Edges() []ent.Edge {
	return []ent.Edge{
		edge.To("item_results", BenchmarkItemResult.Type).
			Comment("Each model's answer to each item as it arrives, a page at a time; deleted with the benchmark.").
			Annotations(entsql.OnDelete(entsql.Cascade), entgql.RelayConnection()),
		edge.From("dataset_version", DatasetVersion.Type).Ref("benchmarks").Field("dataset_version_id").Unique().
			Comment("The dataset version whose items the benchmark runs (dataset holds a copy)."),
		edge.To("labels", BenchmarkLabel.Type).Annotations(entsql.OnDelete(entsql.Cascade), entgql.Skip(entgql.SkipAll)),
	}
}

func (Benchmark) Indexes() []ent.Index { return []ent.Index{index.Fields("status")} }

// Benchmark's create and update inputs are written by hand (graph/benchmark.graphqls): they take an uploaded
// dataset file and a start flag.
func (Benchmark) Annotations() []schema.Annotation {
	return append(ownedAnnotations(false), doc("A dataset run against several models through their real APIs: "+
		"each model answers every item, each answer is checked, and each model is scored on accuracy, latency, tokens and cost. "+
		"Runs as background jobs; watch it with benchmarkUpdated. Owned by the user who created it."))
}
