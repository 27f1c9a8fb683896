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
		field.String("name").NotEmpty().MaxLen(200).Comment("A name for people, 1 to 200 characters.").
			Annotations(entgql.OrderField("NAME")),
		field.JSON("requirements", []model.Regulation{}).
			Comment("The regulations to assess against; a set, so one listed twice counts once."),
		field.JSON("context", model.ComplianceContext{}).Default(model.ComplianceContext{}).
			Comment("The use case, data, place, model and controls the requirements are assessed against.").
			Annotations(entsql.DefaultExprs(map[string]string{dialect.Postgres: "'{}'::jsonb", dialect.SQLite: "'{}'"})),
		field.Float("risk_score").Optional().Nillable().Comment("0 (no finding) to 100 (a prohibited practice), higher with more and worse findings; null when never assessed.").
			Annotations(entgql.OrderField("RISK_SCORE"), computed),
		field.String("risk_level").Default("NONE").Comment("The band of the most serious finding.").Annotations(entgql.Type("RiskLevel"), entgql.Skip(entgql.SkipWhereInput), computed),
		field.String("use_case_tier").Default("UNCLASSIFIED").Comment("The EU AI Act risk tier of the use case, from its facts (tierReasons says why).").
			Annotations(entgql.Type("AIActTier"), entgql.Skip(entgql.SkipWhereInput), computed),
		field.JSON("recommendations", []compliance.Finding{}).Default([]compliance.Finding{}).
			Comment("The findings: every rule that applies and failed, most serious first, each with what to do.").
			Annotations(computed, entgql.Type("[ComplianceFinding!]")),
		field.JSON("passed_rules", []compliance.PassedRule{}).Default([]compliance.PassedRule{}).
			Comment("Every rule that applies and holds.").
			Annotations(computed, entgql.Type("[PassedRule!]"), emptyJSONList),
		field.JSON("tier_reasons", []compliance.TierReason{}).Default([]compliance.TierReason{}).
			Comment("Why the use case has its EU AI Act tier: the classification rules its facts triggered, with the facts.").
			Annotations(computed, entgql.Type("[AIActTierReason!]"), emptyJSONList),
		field.String("rule_set_version").Default("").Comment("The rule-set version of the last assessment.").Annotations(computed),
		field.String("previous_rule_set_version").Optional().Nillable().
			Comment("The rule-set version of the assessment before the last one when it differed; null otherwise.").Annotations(computed),
		field.JSON("rule_changes", []compliance.RuleChange{}).Default([]compliance.RuleChange{}).
			Comment("The rules that changed between previousRuleSetVersion and ruleSetVersion, with what each gave before and after; empty when the version did not change.").
			Annotations(computed, entgql.Type("[ComplianceRuleChange!]"), emptyJSONList),
		field.Time("assessed_at").Optional().Nillable().Comment("When the last assessment ran; null when never assessed.").Annotations(computed),
		field.String("stale_reason").Optional().Nillable().
			Comment("why the background re-assessment could not assess the profile with the current rule set").
			Annotations(entgql.Skip(entgql.SkipAll)),
	}
}

func (ComplianceProfile) Annotations() []schema.Annotation {
	return append(ownedAnnotations(true), doc("Regulations a system must meet (GDPR, HIPAA, EU AI Act, …) and the facts of the system, "+
		"assessed against versioned rules on every save: a risk score, the EU AI Act tier and why, findings with what to do, and the rules that hold. "+
		"Owned by the user who created it."))
}
