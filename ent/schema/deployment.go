package schema

import (
	"entgo.io/contrib/entgql"
	"entgo.io/ent"
	"entgo.io/ent/schema"
	"entgo.io/ent/schema/edge"
	"entgo.io/ent/schema/field"
	"entgo.io/ent/schema/index"

	"github.com/modelarchitect/architect/internal/model"
)

// Deployment is a model served on a cloud or on a team's own model server.
type Deployment struct{ ent.Schema }

func (Deployment) Mixin() []ent.Mixin {
	return []ent.Mixin{TimeMixin{}, OwnerMixin{Ref: "deployments"}, VersionMixin{}}
}

func (Deployment) Fields() []ent.Field {
	return []ent.Field{
		field.String("model_name").NotEmpty().MaxLen(200).
			Comment("The model served: an open-weights catalog model id, e.g. meta/llama-3.3-70b-instruct (a SELF_HOSTED deployment without config.instanceType may name any model).").
			Annotations(entgql.OrderField("MODEL_NAME")),
		field.Enum("provider").Values("AWS", "GCP", "AZURE", "SELF_HOSTED").
			Comment("Where the model runs: a cloud's GPU instances, or SELF_HOSTED for a team's own model server.").
			Annotations(EnumDoc{
				Type: "Where a deployment runs.",
				Values: map[string]string{
					"AWS":         "Amazon Web Services GPU instances, priced from the catalog.",
					"GCP":         "Google Cloud GPU instances, priced from the catalog.",
					"AZURE":       "Microsoft Azure GPU instances, priced from the catalog.",
					"SELF_HOSTED": "The team's own OpenAI-compatible model server at config.endpoint; priced only when config.instanceType names a catalog instance type.",
				},
			}, entgql.Type("DeploymentProvider")),
		field.String("region").MaxLen(100).Default("").Comment("The cloud region, e.g. us-east-1; may be empty for SELF_HOSTED."),
		field.Enum("status").Values("PROVISIONING", "ACTIVE", "FAILED", "TERMINATED").Default("PROVISIONING").
			Comment("Where the deployment is in its lifecycle; statusReason says why.").
			Annotations(EnumDoc{
				Type: "A deployment's lifecycle: PROVISIONING → ACTIVE or FAILED; ACTIVE → FAILED; FAILED → PROVISIONING (redeployDeployment); " +
					"any state but TERMINATED → TERMINATED (terminateDeployment), which is final.",
				Values: map[string]string{
					"PROVISIONING": "Being brought up by a background job, after createDeployment or redeployDeployment.",
					"ACTIVE":       "Serving: the last health check passed.",
					"FAILED":       "Provisioning failed or did not finish in time, or a health check failed; redeployDeployment tries again.",
					"TERMINATED":   "Ended by its owner; final.",
				},
			}, entgql.OrderField("STATUS"), computed),
		field.String("status_reason").Default("").
			Comment("Why the deployment is in its status, e.g. the failed health check; empty when nothing needs saying.").Annotations(computed),
		money("estimated_cost", "US dollars per month (plan.monthlyUsd); null when the cost is unknown, and costNote says why."),
		field.String("cost_note").Default("").Comment("Why the cost is unknown, or what it assumes; empty when nothing needs saying.").Annotations(computed),
		field.JSON("plan", &model.DeploymentPlan{}).Optional().Comment("the priced instance plan").
			Annotations(entgql.Skip(entgql.SkipAll)), // published through graph/deployment.graphqls
		field.JSON("config", model.DeploymentConfig{}).Comment("What to deploy on and size for."),
		field.JSON("measured_capacity", &model.MeasuredCapacity{}).Optional().
			Comment("the service model fitted to the latest qualifying SWEEP load test of the deployment").
			Annotations(entgql.Skip(entgql.SkipAll)), // published through graph/deployment.graphqls
		field.String("measured_capacity_note").Default(model.NoMeasuredCapacity).
			Comment("Why measuredCapacity is null, or why the latest SWEEP load test did not replace it; empty when nothing needs saying.").
			Annotations(entgql.Skip(entgql.SkipWhereInput), computed),
	}
}

func (Deployment) Edges() []ent.Edge {
	return []ent.Edge{
		edge.To("load_tests", LoadTest.Type).Comment("The load tests run against this deployment, a page at a time.").
			Annotations(entgql.RelayConnection(), entgql.Skip(entgql.SkipMutationCreateInput, entgql.SkipMutationUpdateInput)),
	}
}

func (Deployment) Indexes() []ent.Index { return []ent.Index{index.Fields("status")} }

func (Deployment) Annotations() []schema.Annotation {
	return append(ownedAnnotations(true), doc("A model served on a cloud's GPU instances or on a team's own model server, "+
		"with its sized and priced plan and its lifecycle. Brought up and health-checked by background jobs; watch it with deploymentUpdated. "+
		"Owned by the user who created it."))
}
