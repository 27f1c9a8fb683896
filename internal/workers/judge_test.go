package workers_test

import (
	"context"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/modelarchitect/architect/internal/benchmark"
	"github.com/modelarchitect/architect/internal/providers"
	"github.com/modelarchitect/architect/internal/testutil"
	"github.com/modelarchitect/architect/internal/workers"
)

// racingJudge answers like a judge model, after storing the same verdict under the same key as another chunk
// grading the same answer at the same moment would: between ask's cache lookup and its insert.
type racingJudge struct {
	store func(ctx context.Context)
}

func (r racingJudge) Complete(ctx context.Context, _ providers.Request) (providers.Result, error) {
	r.store(ctx)
	return providers.Result{Text: `{"reason": "fine", "score": 1, "pass": true}`, InputTokens: 10, OutputTokens: 5}, nil
}

// TestJudgeCacheRace: two chunks of one benchmark judging the same answer at once (two models answering an item
// alike) both get the verdict; the one whose cache insert loses does not fail its item. Before the fix the loser
// failed with "sql: no rows in result set" on both backends (TestCompareGradedJudgeScores, about 1 run in 20).
func TestJudgeCacheRace(t *testing.T) {
	for _, b := range testutil.Backends() {
		t.Run(string(b), func(t *testing.T) {
			db := testutil.NewDB(t, b)
			u, err := db.Client.User.Create().SetEmail("owner@example.com").SetPasswordHash("x").Save(testutil.System())
			require.NoError(t, err)
			d := &workers.Deps{Client: db.Client}
			cfg := benchmark.JudgeConfig{Model: "openai/judge"}
			item := benchmark.Item{Input: "What is 2+2?", Expected: "Is it right?"}
			other := racingJudge{store: func(context.Context) {}}
			first := racingJudge{store: func(ctx context.Context) {
				_, err := workers.Grade(ctx, d, u.ID, cfg, other, item, "4")
				require.NoError(t, err)
			}}
			got, err := workers.Grade(context.Background(), d, u.ID, cfg, first, item, "4")
			require.NoError(t, err, "the chunk whose insert lost still has its verdict")
			require.True(t, got.Pass)
			require.Equal(t, 1, got.Calls)
			n, err := db.Client.JudgeAnswer.Query().Count(testutil.System())
			require.NoError(t, err)
			require.Equal(t, 1, n, "one cached verdict per key")
		})
	}
}
