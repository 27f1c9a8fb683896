// Package pipeline validates a pipeline graph (typed nodes and edges) and, for a valid one, computes its
// topological order, critical-path latency and cost per 1,000 runs from the catalog; it runs nothing and
// stores nothing.
package pipeline
