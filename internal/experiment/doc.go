// Package experiment computes the statistics of A/B experiments between model variants — lifecycle
// transitions, observation aggregates, lifts on both scales with intervals and p-values (fixed-horizon or
// always-valid sequential), CUPED variance reduction, the sample-ratio-mismatch check (also over changing
// splits), required sample sizes, Thompson-sampling bandit weights, deterministic variant assignment and the
// winner decision — from plain values; it stores nothing and knows nothing of GraphQL, the database or
// idempotency keys.
package experiment
