// Package workers holds the River workers, the long-running work: benchmark chunks called against real model
// APIs, deployment rollouts and health checks, and the reaper that keeps no row RUNNING forever. Each job is
// idempotent and resumable, so River may retry or rescue it after a crash without counting anything twice.
package workers

import (
	"time"

	"github.com/riverqueue/river"
)

// BenchmarkChunkArgs runs items [From, To) of a benchmark against one model. Fields are only ever added.
type BenchmarkChunkArgs struct {
	BenchmarkID int    `json:"benchmark_id"`
	Model       string `json:"model"`
	From        int    `json:"from"`
	To          int    `json:"to"`
}

func (BenchmarkChunkArgs) Kind() string { return "benchmark_chunk" }

func (BenchmarkChunkArgs) InsertOpts() river.InsertOpts { return river.InsertOpts{MaxAttempts: 6} }

// DeploymentRolloutArgs brings a PROVISIONING deployment to ACTIVE or FAILED. Since is when the rollout
// started: the deadline counts from it across snoozes.
type DeploymentRolloutArgs struct {
	DeploymentID int       `json:"deployment_id"`
	Since        time.Time `json:"since"`
}

func (DeploymentRolloutArgs) Kind() string { return "deployment_rollout" }

func (DeploymentRolloutArgs) InsertOpts() river.InsertOpts { return river.InsertOpts{MaxAttempts: 10} }

// HealthCheckArgs checks every ACTIVE deployment (a periodic job).
type HealthCheckArgs struct{}

func (HealthCheckArgs) Kind() string { return "deployment_health" }

// ReapArgs finds RUNNING benchmarks that stopped making progress (a periodic job).
type ReapArgs struct{}

func (ReapArgs) Kind() string { return "benchmark_reap" }
