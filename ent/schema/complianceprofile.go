package schema

import (
	"entgo.io/contrib/entgql"
	"entgo.io/ent"
	"entgo.io/ent/schema"
	"entgo.io/ent/schema/field"

	"github.com/modelarchitect/architect/internal/model"
)

// ComplianceProfile is a set of regulatory requirements and the assessed risk of meeting them.
type ComplianceProfile struct{ ent.Schema }

func (ComplianceProfile) Mixin() []ent.Mixin {
	return []ent.Mixin{TimeMixin{}, OwnerMixin{Ref: "compliance_profiles"}}
}

func (ComplianceProfile) Fields() []ent.Field {
	return []ent.Field{
		field.String("name").NotEmpty().MaxLen(200).Annotations(entgql.OrderField("NAME")),
		field.JSON("requirements", []model.Regulation{}),
		field.Float("risk_score").Optional().Nillable().Comment("0-100; null until assessed").
			Annotations(entgql.OrderField("RISK_SCORE"), computed),
		field.JSON("recommendations", []model.ComplianceRecommendation{}).Default([]model.ComplianceRecommendation{}).
			Annotations(computed),
	}
}

func (ComplianceProfile) Annotations() []schema.Annotation { return ownedAnnotations(true) }
