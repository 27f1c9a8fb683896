package schema

import (
	"entgo.io/contrib/entgql"
	"entgo.io/ent"
	"entgo.io/ent/dialect"
	"entgo.io/ent/dialect/entsql"
	"entgo.io/ent/schema/field"
	"github.com/shopspring/decimal"
)

// money is an exact decimal column: NUMERIC on PostgreSQL (no precision cap), TEXT on SQLite so that no
// digit is lost to SQLite's floating-point NUMERIC affinity. GraphQL sees the Decimal scalar.
// Money fields are nullable: null means not computed or unknown.
func money(name, comment string) ent.Field {
	return field.Other(name, decimal.Decimal{}).Optional().Nillable().
		SchemaType(map[string]string{dialect.Postgres: "numeric", dialect.SQLite: "text"}).
		Comment(comment).
		Annotations(entgql.Type("Decimal"), entgql.Skip(entgql.SkipMutationCreateInput, entgql.SkipMutationUpdateInput))
}

// computed marks a field that only the server sets: never part of a create or update input.
var computed = entgql.Skip(entgql.SkipMutationCreateInput, entgql.SkipMutationUpdateInput)

// emptyJSONList gives a JSON list column added to an existing table a database default, so that the
// migration adding it succeeds on a table that has rows.
var emptyJSONList = entsql.DefaultExprs(map[string]string{dialect.Postgres: "'[]'::jsonb", dialect.SQLite: "'[]'"})
