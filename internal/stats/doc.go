// Package stats holds the statistics shared by the modules that measure and compare things (benchmarks, load
// tests, evaluations, experiments): percentiles by numpy's default method, and the normal and Student-t
// critical values and p-values with one rule for large degrees of freedom; it knows nothing of what the
// numbers are.
package stats
