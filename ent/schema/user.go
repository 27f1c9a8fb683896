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
		field.String("email").Unique().MaxLen(254).
			Validate(func(s string) error { return validateEmail(s) }).
			Annotations(entgql.OrderField("EMAIL"), entgql.Skip(entgql.SkipMutationCreateInput, entgql.SkipMutationUpdateInput)),
		field.String("password_hash").Sensitive().Annotations(entgql.Skip(entgql.SkipAll)),
		field.String("name").Default("").MaxLen(200).
			Annotations(entgql.OrderField("NAME"), entgql.Skip(entgql.SkipMutationCreateInput, entgql.SkipMutationUpdateInput)),
		field.Enum("role").GoType(viewer.RoleFree).Default(string(viewer.RoleFree)).
			Annotations(entgql.Type("Role"), entgql.OrderField("ROLE"), entgql.Skip(entgql.SkipMutationCreateInput, entgql.SkipMutationUpdateInput)),
		// token_version is part of every token; bumping it (log-out, password or role change) revokes them.
		field.Int("token_version").Default(0).Annotations(entgql.Skip(entgql.SkipAll)),
	}
}

func (User) Edges() []ent.Edge {
	owned := func(name string, t any) ent.Edge {
		return edge.To(name, t).Annotations(entsql.OnDelete(entsql.Cascade), entgql.RelayConnection())
	}
	return []ent.Edge{
		owned("scenarios", Scenario.Type),
		owned("pipelines", Pipeline.Type),
		owned("benchmarks", Benchmark.Type),
		owned("compliance_profiles", ComplianceProfile.Type),
		owned("experiments", Experiment.Type),
		owned("deployments", Deployment.Type),
		owned("explanations", Explanation.Type),
		edge.To("benchmark_item_results", BenchmarkItemResult.Type).
			Annotations(entsql.OnDelete(entsql.Cascade), entgql.Skip(entgql.SkipAll)),
		edge.To("experiment_observations", ExperimentObservation.Type).
			Annotations(entsql.OnDelete(entsql.Cascade), entgql.Skip(entgql.SkipAll)),
		edge.To("quota_ledgers", QuotaLedger.Type).
			Annotations(entsql.OnDelete(entsql.Cascade), entgql.Skip(entgql.SkipAll)),
	}
}

func (User) Policy() ent.Policy { return userPolicy() }

func (User) Annotations() []schema.Annotation {
	return []schema.Annotation{
		entgql.RelayConnection(),
		entgql.QueryField().Directives(hasRole("ADMIN")),
		entgql.MultiOrder(),
	}
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
