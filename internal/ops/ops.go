// Package ops holds the product's operations that span storage and an engine: simulate a Scenario and store
// the results, explain them, cost a Pipeline on save, assess a ComplianceProfile, move an Experiment through
// its lifecycle. Each reads and writes through the ent client in the context (the mutation's transaction),
// so the privacy rules apply; the engines under internal/ do the computing. Nothing here knows GraphQL.
//
// Every operation that changes a row from what it read first locks the row (LockForUpdate), computes from
// the locked row, and names the status it leaves in its UPDATE, so two replicas on PostgreSQL cannot
// interleave a read and a write. Changes are announced by the ent hook of internal/live, not here.
package ops

import (
	"context"
	"time"

	"github.com/modelarchitect/architect/ent"
	"github.com/modelarchitect/architect/internal/catalog"
	"github.com/modelarchitect/architect/internal/compliance"
	"github.com/modelarchitect/architect/internal/database"
	"github.com/modelarchitect/architect/internal/providers"
)

// Service runs the operations.
type Service struct {
	Client      *ent.Client // used when the context holds none
	Catalog     *catalog.Catalog
	Compliance  *compliance.RuleSet
	Providers   *providers.Registry
	Jobs        Enqueuer
	Benchmarks  BenchmarkConfig
	Deployments DeploymentConfig
	Now         func() time.Time // nil: time.Now
	// Pause, when set (tests), is called by each read-then-write operation after it has read and locked the
	// row it changes and before it writes, with the operation's name, so a test can hold one operation there
	// while another runs.
	Pause func(ctx context.Context, op string)
}

func (s *Service) pause(ctx context.Context, op string) {
	if s.Pause != nil {
		s.Pause(ctx, op)
	}
}

func (s *Service) ent(ctx context.Context) *ent.Client { return database.ClientFrom(ctx, s.Client) }

func (s *Service) now() time.Time {
	if s.Now != nil {
		return s.Now()
	}
	return time.Now()
}
