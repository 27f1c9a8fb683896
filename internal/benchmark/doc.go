// Package benchmark checks model answers against a dataset (EXACT, CONTAINS, REGEX, JSON_VALID, NUMERIC),
// parses uploaded datasets, applies the per-role limits and daily quota, estimates a run's calls, tokens, cost
// and duration, runs one chunk of items against one model with bounded concurrency, and scores each model
// (accuracy with its Wilson interval, latency percentiles, tokens, cost); it makes no HTTP call itself and knows
// nothing of GraphQL, jobs or the database.
package benchmark
