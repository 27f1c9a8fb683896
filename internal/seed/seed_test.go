package seed_test

import (
	"context"
	"encoding/json"
	"fmt"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/modelarchitect/architect/ent"
	"github.com/modelarchitect/architect/ent/benchmark"
	"github.com/modelarchitect/architect/ent/deployment"
	"github.com/modelarchitect/architect/ent/experiment"
	"github.com/modelarchitect/architect/ent/scenario"
	"github.com/modelarchitect/architect/internal/auth"
	"github.com/modelarchitect/architect/internal/catalog"
	"github.com/modelarchitect/architect/internal/pipeline"
	"github.com/modelarchitect/architect/internal/seed"
	"github.com/modelarchitect/architect/internal/testutil"
)

var fixedNow = time.Date(2026, 3, 2, 12, 0, 0, 0, time.UTC)

func options(users, perUser int, s int64) seed.Options {
	return seed.Options{Users: users, PerUser: perUser, Seed: s, Now: fixedNow, Argon2: testutil.FastArgon2}
}

func TestSeedCountsAndOwnership(t *testing.T) {
	t.Parallel()
	for _, b := range testutil.Backends() {
		t.Run(string(b), func(t *testing.T) {
			t.Parallel()
			db := testutil.NewDB(t, b)
			ctx, c := testutil.System(), db.Client
			o := options(3, 4, 1)
			var lastDone, lastTotal, calls int
			o.Progress = func(done, total int) { lastDone, lastTotal, calls = done, total, calls+1 }
			require.NoError(t, seed.Seed(context.Background(), c, o))

			// 3 users × (1 user row + 8 kinds × 4 rows) = 99 rows.
			require.Equal(t, 99, o.Total())
			require.Equal(t, 99, lastDone)
			require.Equal(t, 99, lastTotal)
			require.Greater(t, calls, 1, "progress is reported batch by batch")

			users := c.User.Query().AllX(ctx)
			require.Len(t, users, 3)
			for _, u := range users {
				require.NoError(t, auth.VerifyPassword(seed.Password, u.PasswordHash), "user %s", u.Email)
				require.Equal(t, 0, u.TokenVersion)
				require.Equal(t, 4, c.Scenario.Query().Where(scenario.OwnerID(u.ID)).CountX(ctx))
			}
			perOwner := map[string]map[int]int{}
			count := func(kind string, owner int) {
				if perOwner[kind] == nil {
					perOwner[kind] = map[int]int{}
				}
				perOwner[kind][owner]++
			}
			for _, r := range c.Scenario.Query().AllX(ctx) {
				count("scenario", r.OwnerID)
			}
			for _, r := range c.Pipeline.Query().AllX(ctx) {
				count("pipeline", r.OwnerID)
			}
			for _, r := range c.Benchmark.Query().AllX(ctx) {
				count("benchmark", r.OwnerID)
				require.LessOrEqual(t, r.ProgressDone, r.ProgressTotal)
				for _, m := range r.Models {
					_, err := catalog.Default().Model(m)
					require.NoError(t, err, "benchmark model ids come from the catalog")
				}
			}
			for _, r := range c.ComplianceProfile.Query().AllX(ctx) {
				count("compliance", r.OwnerID)
			}
			for _, r := range c.Experiment.Query().AllX(ctx) {
				count("experiment", r.OwnerID)
			}
			for _, r := range c.Deployment.Query().AllX(ctx) {
				count("deployment", r.OwnerID)
				_, err := catalog.Default().Model(r.ModelName)
				require.NoError(t, err, "deployment model names come from the catalog")
			}
			for _, r := range c.Explanation.Query().WithDecision().AllX(ctx) {
				count("explanation", r.OwnerID)
				require.Equal(t, r.OwnerID, r.Edges.Decision.OwnerID, "an explanation explains its owner's scenario")
				require.NotNil(t, r.Edges.Decision.Results, "an explained scenario has been simulated")
			}
			require.Len(t, perOwner, 7, "every entity kind is seeded")
			for kind, owners := range perOwner {
				require.Len(t, owners, 3, kind)
				for _, u := range users {
					require.Equal(t, 4, owners[u.ID], "%s rows of user %s", kind, u.Email)
				}
			}

			require.ErrorIs(t, seed.Seed(context.Background(), c, o), seed.ErrAlreadySeeded)
			require.NoError(t, seed.Seed(context.Background(), c, options(2, 1, 2)), "another seed adds other users")
			require.Equal(t, 5, c.User.Query().CountX(ctx))
		})
	}
}

func TestSeedSpreadsStatuses(t *testing.T) {
	t.Parallel()
	db := testutil.NewDB(t, testutil.SQLite)
	ctx, c := testutil.System(), db.Client
	require.NoError(t, seed.Seed(context.Background(), c, options(10, 20, 7)))

	// 200 rows per kind drawn with weights of at least 10%: every value appears (the data is fixed by the seed).
	var bs []struct {
		Status benchmark.Status `json:"status"`
		Count  int              `json:"count"`
	}
	c.Benchmark.Query().GroupBy(benchmark.FieldStatus).Aggregate(ent.Count()).ScanX(ctx, &bs)
	require.Len(t, bs, 5, "PENDING, RUNNING, COMPLETED, FAILED, CANCELLED (ent/schema/benchmark.go)")
	var es []struct {
		Status experiment.Status `json:"status"`
		Count  int               `json:"count"`
	}
	c.Experiment.Query().GroupBy(experiment.FieldStatus).Aggregate(ent.Count()).ScanX(ctx, &es)
	require.Len(t, es, 4, "DRAFT, RUNNING, COMPLETED, STOPPED")
	var ds []struct {
		Status deployment.Status `json:"status"`
		Count  int               `json:"count"`
	}
	c.Deployment.Query().GroupBy(deployment.FieldStatus).Aggregate(ent.Count()).ScanX(ctx, &ds)
	require.Len(t, ds, 4, "PROVISIONING, ACTIVE, FAILED, TERMINATED")

	for _, d := range c.Deployment.Query().AllX(ctx) {
		if d.Provider == deployment.ProviderSELF_HOSTED {
			require.NotNil(t, d.Config.Endpoint)
			continue
		}
		require.NotNil(t, d.EstimatedCost, "cloud deployments are priced by the deployment engine")
		require.NotNil(t, d.Plan)
		require.True(t, d.EstimatedCost.Equal(d.Plan.MonthlyUSD))
		require.True(t, d.EstimatedCost.IsPositive())
		require.NotEmpty(t, d.Region)
	}
	assessed := 0
	for _, cp := range c.ComplianceProfile.Query().AllX(ctx) {
		if cp.AssessedAt == nil {
			require.Nil(t, cp.RiskScore)
			continue
		}
		assessed++
		require.NotNil(t, cp.RiskScore)
		require.NotEmpty(t, cp.RuleSetVersion)
	}
	require.Greater(t, assessed, 100, "about 80% of 200 profiles are assessed")
	for _, e := range c.Experiment.Query().WithObservations().AllX(ctx) {
		require.Positive(t, e.PlannedSampleSize, "the plan names a baseline or standard deviation and an effect")
		if e.Status == experiment.StatusDRAFT {
			require.Empty(t, e.Edges.Observations)
			require.Nil(t, e.Results)
			continue
		}
		require.NotEmpty(t, e.Edges.Observations, "an experiment under way has recorded observations")
		require.NotNil(t, e.Results, "and the engine's analysis of them")
		for _, o := range e.Edges.Observations {
			require.Equal(t, e.OwnerID, o.OwnerID)
			require.Contains(t, e.Models, o.Variant)
		}
	}
	for _, p := range c.Pipeline.Query().AllX(ctx) {
		require.False(t, pipeline.HasErrors(p.Problems), "pipeline %d is valid: %+v", p.ID, p.Problems)
		require.NotNil(t, p.Plan)
		require.NotNil(t, p.EstimatedCost)
		require.True(t, p.EstimatedCost.Equal(p.Plan.CostPer1000Runs), "the cost is the engine's")
	}
	passed, failed := 0, 0
	for _, b := range c.Benchmark.Query().WithItemResults().AllX(ctx) {
		require.Len(t, b.Edges.ItemResults, b.ProgressDone, "one item result per call made")
		for _, r := range b.Edges.ItemResults {
			require.Equal(t, b.OwnerID, r.OwnerID)
			if r.Passed {
				passed++
			} else {
				failed++
			}
		}
		switch b.Status {
		case benchmark.StatusCOMPLETED:
			require.Equal(t, b.ProgressTotal, b.ProgressDone)
			require.NotNil(t, b.Results)
			require.Len(t, b.Results.Models, len(b.Models), "the engine scored every model")
			require.NotNil(t, b.FinishedAt)
		case benchmark.StatusPENDING:
			require.Zero(t, b.ProgressDone)
			require.Nil(t, b.StartedAt)
		case benchmark.StatusFAILED:
			require.NotNil(t, b.Error)
		}
	}
	require.Positive(t, passed, "the engine's checks pass right answers")
	require.Positive(t, failed, "and fail wrong ones")
}

func TestSeedIsDeterministic(t *testing.T) {
	t.Parallel()
	dump := func(s int64) string {
		db := testutil.NewDB(t, testutil.SQLite)
		require.NoError(t, seed.Seed(context.Background(), db.Client, options(4, 3, s)))
		ctx, c := testutil.System(), db.Client
		all := []any{
			c.User.Query().Order(ent.Asc("id")).AllX(ctx),
			c.Scenario.Query().Order(ent.Asc("id")).AllX(ctx),
			c.Pipeline.Query().Order(ent.Asc("id")).AllX(ctx),
			c.Benchmark.Query().Order(ent.Asc("id")).AllX(ctx),
			c.ComplianceProfile.Query().Order(ent.Asc("id")).AllX(ctx),
			c.Experiment.Query().Order(ent.Asc("id")).AllX(ctx),
			c.Deployment.Query().Order(ent.Asc("id")).AllX(ctx),
			c.Explanation.Query().Order(ent.Asc("id")).AllX(ctx),
			c.ExperimentObservation.Query().Order(ent.Asc("id")).AllX(ctx),
			c.BenchmarkItemResult.Query().Order(ent.Asc("id")).AllX(ctx),
		}
		b, err := json.Marshal(all)
		require.NoError(t, err)
		return string(b)
	}
	a, b := dump(42), dump(42)
	require.Equal(t, a, b, "the same seed gives the same rows")
	require.NotEqual(t, a, dump(43), "another seed gives other rows")
}

func TestSeedRefusesNegativeCounts(t *testing.T) {
	t.Parallel()
	db := testutil.NewDB(t, testutil.SQLite)
	for _, o := range []seed.Options{{Users: -1}, {Users: 1, PerUser: -1}} {
		require.Error(t, seed.Seed(context.Background(), db.Client, o), fmt.Sprintf("%+v", o))
	}
	require.NoError(t, seed.Seed(context.Background(), db.Client, seed.Options{}), "zero users is nothing to do")
}
