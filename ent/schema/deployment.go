package schema

import (
	"entgo.io/contrib/entgql"
	"entgo.io/ent"
	"entgo.io/ent/schema"
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
		field.String("model_name").NotEmpty().MaxLen(200).Annotations(entgql.OrderField("MODEL_NAME")),
		field.Enum("provider").Values("AWS", "GCP", "AZURE", "SELF_HOSTED").
			Comment("where the model runs: a cloud, or SELF_HOSTED for a team's own model server").
			Annotations(entgql.Type("DeploymentProvider")),
		field.String("region").MaxLen(100).Default(""),
		field.Enum("status").Values("PROVISIONING", "ACTIVE", "FAILED", "TERMINATED").Default("PROVISIONING").
			Annotations(entgql.OrderField("STATUS"), computed),
		field.String("status_reason").Default("").Annotations(computed),
		money("estimated_cost", "US dollars per month; null when the cost is unknown (costNote says why)"),
		field.String("cost_note").Default("").Comment("why the cost is unknown, or what it assumes").Annotations(computed),
		field.JSON("plan", &model.DeploymentPlan{}).Optional().Comment("the priced instance plan").
			Annotations(entgql.Skip(entgql.SkipAll)), // published through graph/deployment.graphqls
		field.JSON("config", model.DeploymentConfig{}),
	}
}

func (Deployment) Indexes() []ent.Index { return []ent.Index{index.Fields("status")} }

func (Deployment) Annotations() []schema.Annotation { return ownedAnnotations(true) }
