package schema

import (
	"entgo.io/contrib/entgql"
	"entgo.io/ent/schema"
)

// ownedAnnotations are the GraphQL annotations of an entity a client authors: a Relay connection at the top
// level (the viewer's own rows), ordering by several fields, where-filters, and generated create/update inputs.
func ownedAnnotations(authored bool) []schema.Annotation {
	a := []schema.Annotation{
		entgql.RelayConnection(),
		entgql.QueryField().Directives(hasRole("FREE")),
		entgql.MultiOrder(),
	}
	if authored {
		a = append(a, entgql.Mutations(entgql.MutationCreate(), entgql.MutationUpdate()))
	}
	return a
}
