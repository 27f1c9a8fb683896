// Package deployment plans model deployments (the cheapest GPU instance type and replica count that meets a
// throughput target and latency SLA, with its hourly and monthly cost), defines the deployment lifecycle and
// the Driver contract, and checks endpoint URLs against the operator's allow-list; it provisions nothing and
// makes no network calls itself.
package deployment
