package schema

import (
	"strings"

	"entgo.io/contrib/entgql"
	"entgo.io/ent"
	"entgo.io/ent/dialect/entsql"
	"entgo.io/ent/schema"
	"entgo.io/ent/schema/edge"
	"entgo.io/ent/schema/field"

	"github.com/modelarchitect/architect/internal/viewer"
)

// User is a person with an account. Every other entity belongs to one.
type User struct{ ent.Schema }

func (User) Mixin() []ent.Mixin { return []ent.Mixin{TimeMixin{}} }

func (User) Fields() []ent.Field {
	return []ent.Field{
		field.String("email").Unique().MaxLen(254).Comment("The sign-in address, in lower case; unique.").
			Validate(func(s string) error { return validateEmail(s) }).
			Annotations(entgql.OrderField("EMAIL"), entgql.Skip(entgql.SkipMutationCreateInput, entgql.SkipMutationUpdateInput)),
		field.String("password_hash").Sensitive().Annotations(entgql.Skip(entgql.SkipAll)),
		field.String("name").Default("").MaxLen(200).Comment("Display name; empty when none was given at sign-up.").
			Annotations(entgql.OrderField("NAME"), entgql.Skip(entgql.SkipMutationCreateInput, entgql.SkipMutationUpdateInput)),
		field.Enum("role").GoType(viewer.RoleFree).Default(string(viewer.RoleFree)).
			Comment("What the user may do; an ADMIN changes it with setUserRole.").
			Annotations(roleDoc, entgql.Type("Role"), entgql.OrderField("ROLE"), entgql.Skip(entgql.SkipMutationCreateInput, entgql.SkipMutationUpdateInput)),
		// token_version is part of every token; bumping it (log-out, password or role change) revokes them.
		field.Int("token_version").Default(0).Annotations(entgql.Skip(entgql.SkipAll)),
	}
}

func (User) Edges() []ent.Edge {
	owned := func(name string, t any) ent.Edge {
		return edge.To(name, t).Annotations(entsql.OnDelete(entsql.Cascade), entgql.RelayConnection()).
			Comment("The user's " + strings.ReplaceAll(name, "_", " ") + ", a page at a time; deleted with the user.")
	}
	return []ent.Edge{
		owned("scenarios", Scenario.Type),
		owned("pipelines", Pipeline.Type),
		owned("benchmarks", Benchmark.Type),
		owned("compliance_profiles", ComplianceProfile.Type),
		owned("experiments", Experiment.Type),
		owned("deployments", Deployment.Type),
		owned("explanations", Explanation.Type),
		owned("load_tests", LoadTest.Type),
		owned("assignments", Assignment.Type),
		owned("datasets", Dataset.Type),
		edge.To("dataset_versions", DatasetVersion.Type).
			Annotations(entsql.OnDelete(entsql.Cascade), entgql.Skip(entgql.SkipAll)),
		edge.To("benchmark_item_results", BenchmarkItemResult.Type).
			Annotations(entsql.OnDelete(entsql.Cascade), entgql.Skip(entgql.SkipAll)),
		edge.To("experiment_observations", ExperimentObservation.Type).
			Annotations(entsql.OnDelete(entsql.Cascade), entgql.Skip(entgql.SkipAll)),
		edge.To("experiment_keys", ExperimentKey.Type).
			Annotations(entsql.OnDelete(entsql.Cascade), entgql.Skip(entgql.SkipAll)),
		edge.To("quota_ledgers", QuotaLedger.Type).
			Annotations(entsql.OnDelete(entsql.Cascade), entgql.Skip(entgql.SkipAll)),
		edge.To("benchmark_labels", BenchmarkLabel.Type).
			Annotations(entsql.OnDelete(entsql.Cascade), entgql.Skip(entgql.SkipAll)),
		edge.To("judge_answers", JudgeAnswer.Type).
			Annotations(entsql.OnDelete(entsql.Cascade), entgql.Skip(entgql.SkipAll)),
	}
}

func (User) Policy() ent.Policy { return userPolicy() }

func (User) Annotations() []schema.Annotation {
	return []schema.Annotation{
		entgql.RelayConnection(),
		entgql.QueryField().Description("Every user, a page at a time, filtered by where and ordered by orderBy, then by id.").
			Directives(hasRole("ADMIN")),
		doc("A person with an account; every other entity belongs to one. Users see only themselves (me); an ADMIN sees and manages every user."),
		entgql.MultiOrder(),
	}
}

// roleDoc describes the Role enum, which @hasRole and setUserRole take too.
var roleDoc = EnumDoc{
	Type: "A user's role. Roles are ordered FREE < PRO < ENTERPRISE < ADMIN, and each admits everything the roles below it may do. " +
		"A field's description says the lowest role it needs; a signed-in caller below it gets FORBIDDEN, an anonymous one UNAUTHENTICATED.",
	Values: map[string]string{
		string(viewer.RoleFree):       "The role of every new account, and the lowest.",
		string(viewer.RolePro):        "Above FREE: also the fields that need PRO, and larger benchmarks.",
		string(viewer.RoleEnterprise): "Above PRO: also the fields that need ENTERPRISE, and the largest benchmarks.",
		string(viewer.RoleAdmin):      "The highest: reads and changes every user's rows, not only their own; sets roles and deletes users.",
	},
}

// validateEmail accepts a plain address (local@domain.tld) in lower case; sign-up lower-cases it first.
func validateEmail(s string) error {
	at := strings.LastIndexByte(s, '@')
	switch {
	case s != strings.ToLower(s):
		return errEmail("must be lower case")
	case at < 1 || at == len(s)-1:
		return errEmail("must look like name@example.com")
	case strings.ContainsAny(s, " \t\r\n<>(),;:\"[]\\"):
		return errEmail("must not contain spaces or special characters")
	case !strings.Contains(s[at+1:], ".") || strings.HasPrefix(s[at+1:], ".") || strings.HasSuffix(s, "."):
		return errEmail("needs a domain such as example.com")
	}
	return nil
}

type errEmail string

func (e errEmail) Error() string { return "email " + string(e) }
