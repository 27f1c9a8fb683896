// Package e2e holds end-to-end tests that run the architect binary as separate processes: several replicas
// on one PostgreSQL, a process killed in the middle of a benchmark. It has no code besides its tests.
package e2e
