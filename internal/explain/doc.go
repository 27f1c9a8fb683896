// Package explain explains a simulation's recommendation: exact Shapley values of the score features of the
// winner against the runner-up, counterfactual workload changes that would change the winner (each re-simulated
// to confirm it), and a Markdown report for a product manager. It is pure and deterministic; it stores nothing.
package explain
