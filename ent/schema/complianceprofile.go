package schema

import (
	"entgo.io/contrib/entgql"
	"entgo.io/ent"
	"entgo.io/ent/dialect"
	"entgo.io/ent/dialect/entsql"
	"entgo.io/ent/schema"
	"entgo.io/ent/schema/field"

	"github.com/modelarchitect/architect/internal/compliance"
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
		field.JSON("context", model.ComplianceContext{}).Default(model.ComplianceContext{}).
			Comment("the data, use, place, model and controls the requirements are assessed against").
			Annotations(entsql.DefaultExprs(map[string]string{dialect.Postgres: "'{}'::jsonb", dialect.SQLite: "'{}'"})),
		field.Float("risk_score").Optional().Nillable().Comment("0-100 (docs/engines/compliance.md gives the formula)").
			Annotations(entgql.OrderField("RISK_SCORE"), computed),
		field.String("risk_level").Default("NONE").Annotations(entgql.Type("RiskLevel"), entgql.Skip(entgql.SkipWhereInput), computed),
		field.String("use_case_tier").Default("UNCLASSIFIED").Comment("the EU AI Act tier of the use case").
			Annotations(entgql.Type("AIActTier"), entgql.Skip(entgql.SkipWhereInput), computed),
		field.JSON("recommendations", []compliance.Finding{}).Default([]compliance.Finding{}).
			Comment("the findings: every rule that applies and failed, most serious first, with what to do").
			Annotations(computed, entgql.Type("[ComplianceFinding!]")),
		field.JSON("passed_rules", []compliance.PassedRule{}).Default([]compliance.PassedRule{}).
			Annotations(computed, entgql.Type("[PassedRule!]"), emptyJSONList),
		field.JSON("tier_reasons", []compliance.TierReason{}).Default([]compliance.TierReason{}).
			Comment("why the use case has its EU AI Act tier: the classification rules its facts triggered, with the facts").
			Annotations(computed, entgql.Type("[AIActTierReason!]"), emptyJSONList),
		field.String("rule_set_version").Default("").Comment("the rule-set version of the last assessment").Annotations(computed),
		field.String("previous_rule_set_version").Optional().Nillable().
			Comment("the rule-set version of the assessment before the last one, when it differed").Annotations(computed),
		field.JSON("rule_changes", []compliance.RuleChange{}).Default([]compliance.RuleChange{}).
			Comment("the rules that changed between the previous assessment's rule set and the last one's, with what each gave before and after").
			Annotations(computed, entgql.Type("[ComplianceRuleChange!]"), emptyJSONList),
		field.Time("assessed_at").Optional().Nillable().Annotations(computed),
		field.String("stale_reason").Optional().Nillable().
			Comment("why the background re-assessment could not assess the profile with the current rule set").
			Annotations(entgql.Skip(entgql.SkipAll)),
	}
}

func (ComplianceProfile) Annotations() []schema.Annotation { return ownedAnnotations(true) }
