// Package simulation turns a workload and the model catalog into a ranked recommendation: per candidate model
// the monthly cost, the p50/p95 latency at peak under an M/M/c queue, the sustainable throughput, SLA, budget
// and quality fit, an additive score and the Pareto front, plus sweeps of one workload variable. It is pure and
// deterministic: it does no I/O, reads no clock and stores nothing.
package simulation
