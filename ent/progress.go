package ent

// Progress is the share of the benchmark's planned model calls that are finished, 0 to 1: GraphQL's
// Benchmark.progress. A method without a context, so that gqlgen resolves it in line rather than on a
// goroutine of its own for every row.
func (b *Benchmark) Progress() float64 {
	if b.ProgressTotal <= 0 {
		return 0
	}
	return float64(b.ProgressDone) / float64(b.ProgressTotal)
}
