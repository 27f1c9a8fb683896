// Package loadtest runs a load test against one model endpoint — requests released at a gamma-distributed
// rate (open loop) or kept at a fixed concurrency (closed loop), each sent once and streamed — and reports
// per step TTFT, TPOT, ITL and E2E percentiles, throughput, goodput against SLO targets and the errors; it
// also validates plans, estimates their tokens and compares two results. It knows nothing of GraphQL, jobs or
// the database, and takes the client that sends requests (and so the network policy) from its caller.
package loadtest
