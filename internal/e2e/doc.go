// Package e2e holds end-to-end tests that run the architect binary as separate processes (several replicas
// on one PostgreSQL, a process killed in the middle of a benchmark, graceful shutdown, the log a real
// process writes), real front-end clients (Apollo Client and urql under Node) against a test server, and the
// client code generators (graphql-codegen, relay-compiler) on schema.graphql and the guides' operations.
// It has no code besides its tests.
package e2e
