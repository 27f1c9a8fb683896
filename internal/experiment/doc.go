// Package experiment computes the statistics of A/B experiments between model variants — lifecycle
// transitions, observation aggregates, lifts with confidence intervals and p-values, the sample-ratio-mismatch
// check, required sample sizes and the winner decision — from plain values; it stores nothing and knows
// nothing of GraphQL, the database or idempotency keys.
package experiment
