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

// LoadTest sends traffic of a stated shape to a model endpoint and measures how it answers.
type LoadTest struct{ ent.Schema }

func (LoadTest) Mixin() []ent.Mixin {
	return []ent.Mixin{TimeMixin{}, OwnerMixin{Ref: "load_tests"}, VersionMixin{}}
}

func (LoadTest) Fields() []ent.Field {
	return []ent.Field{
		field.String("name").NotEmpty().MaxLen(200).Comment("A name for people, 1 to 200 characters.").
			Annotations(entgql.OrderField("NAME")),
		field.Enum("status").Values("PENDING", "RUNNING", "COMPLETED", "FAILED", "CANCELLED").Default("PENDING").
			Comment("Where the load test is in its lifecycle.").
			Annotations(EnumDoc{
				Type: "A load test's lifecycle: PENDING → RUNNING → COMPLETED or FAILED; PENDING or RUNNING → CANCELLED. " +
					"COMPLETED, FAILED and CANCELLED are final; a load test is never restarted.",
				Values: map[string]string{
					"PENDING":   "Created and not started; startLoadTest starts it.",
					"RUNNING":   "Sending requests; result holds the measurements so far, refreshed at most once a second.",
					"COMPLETED": "Every step ran to its duration or its share of maxRequests; result holds the measurements.",
					"FAILED":    "Stopped by an error, a crash of its worker or its time limit; result keeps what was measured, error says why.",
					"CANCELLED": "Cancelled by its owner; result keeps what was measured until then.",
				},
			}, entgql.OrderField("STATUS"), computed),
		field.String("model").Optional().Nillable().MaxLen(200).Immutable().
			Comment("The target when it is a configured model provider: provider/model, e.g. openai/gpt-4.1-mini; null when the target is a deployment."),
		field.Int("deployment_id").Optional().Nillable().Immutable().
			Comment("The target when it is one of the viewer's SELF_HOSTED deployments; null when the target is a provider's model, or once the deployment is deleted."),
		field.JSON("plan", model.LoadTestPlan{}).Comment("The traffic profile, lengths, limits and SLO targets."),
		field.JSON("result", &model.LoadTestResult{}).Optional().
			Comment("The measurements per step; null until the test has sent its first request.").Annotations(computed),
		money("estimated_cost", "US dollars the test may spend at most: maxRequests calls at the model's catalog prices; null when the target has no price, and costNote says why."),
		field.String("cost_note").Default("").Comment("What the estimated cost assumes, or why it is unknown.").Annotations(computed),
		field.String("error").Optional().Nillable().Comment("Why the load test FAILED; null otherwise.").Annotations(computed),
		field.Time("started_at").Optional().Nillable().Comment("When it started RUNNING; null before.").Annotations(computed),
		field.Time("finished_at").Optional().Nillable().Comment("When it became COMPLETED, FAILED or CANCELLED; null before.").
			Annotations(computed),
		// The calls the test holds against its owner's daily quota (internal/ledger), reserved on start.
		field.String("quota_day").Optional().Nillable().MaxLen(10).Annotations(entgql.Skip(entgql.SkipAll)),
		field.Int("quota_held").Default(0).NonNegative().Annotations(entgql.Skip(entgql.SkipAll)),
	}
}

func (LoadTest) Edges() []ent.Edge {
	return []ent.Edge{
		edge.From("deployment", Deployment.Type).Ref("load_tests").Field("deployment_id").Unique().Immutable().
			Comment("The deployment under test; null when the target is a provider's model or the deployment was deleted.").
			Annotations(entsql.OnDelete(entsql.SetNull)),
	}
}

func (LoadTest) Indexes() []ent.Index { return []ent.Index{index.Fields("status")} }

// LoadTest's create input is written by hand (graph/loadtest.graphqls): a target and a start flag.
func (LoadTest) Annotations() []schema.Annotation {
	return append(ownedAnnotations(false), doc("Traffic of a stated shape (a request rate with Poisson or bursty gaps, "+
		"a fixed concurrency, or a sweep of rates) sent to a model endpoint, with time to first token, time per output token, "+
		"inter-token latency, end-to-end latency and goodput under SLO targets measured per step. Runs as one background job "+
		"that is never restarted; watch it with loadTestUpdated. Owned by the user who created it."))
}
