//go:build ignore

// entc generates the ent client and the GraphQL schema of the entities (graph/ent.graphqls).
package main

import (
	"log"

	"entgo.io/contrib/entgql"
	"entgo.io/ent/entc"
	"entgo.io/ent/entc/gen"
)

func main() {
	ex, err := entgql.NewExtension(
		entgql.WithSchemaGenerator(),
		entgql.WithSchemaPath("../graph/ent.graphqls"),
		entgql.WithConfigPath("../gqlgen.yml"),
		entgql.WithWhereInputs(true),
		entgql.WithNodeDescriptor(false),
	)
	if err != nil {
		log.Fatalf("entgql extension: %v", err)
	}
	err = entc.Generate("./schema", &gen.Config{
		Features: []gen.Feature{
			gen.FeaturePrivacy,
			gen.FeatureEntQL,
			gen.FeatureUpsert,
			gen.FeatureExecQuery,
			gen.FeatureGlobalID,
			gen.FeatureVersionedMigration,
			gen.FeatureLock,
		},
		// Our templates may use entgql's functions (fieldMapping: the GraphQL names of a field). lock.tmpl adds
		// LockForUpdate to every query; mutation_append.tmpl makes the generated append inputs append.
		Templates: []*gen.Template{gen.MustParse(gen.NewTemplate("architect").Funcs(entgql.TemplateFuncs).
			ParseFiles("template/nodetype.tmpl", "template/projection.tmpl", "template/lock.tmpl", "template/mutation_append.tmpl"))},
	}, entc.Extensions(ex))
	if err != nil {
		log.Fatalf("ent codegen: %v", err)
	}
}
