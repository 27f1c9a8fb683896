// Package stats holds the descriptive statistics shared by the modules that measure things (benchmarks, load
// tests): percentiles by numpy's default method; it knows nothing of what the numbers are.
package stats
