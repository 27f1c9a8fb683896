//go:build ignore

// schemafile writes ../schema.graphql, the schema as served (SDL), for client code generators.
package main

import (
	"log"
	"os"

	"github.com/modelarchitect/architect/graph"
)

func main() {
	if err := os.WriteFile("../schema.graphql", []byte(graph.SDL()), 0o644); err != nil {
		log.Fatalf("write the schema file: %v", err)
	}
}
