package workers

import (
	"context"

	"github.com/modelarchitect/architect/internal/benchmark"
	"github.com/modelarchitect/architect/internal/providers"
)

// Grade grades output for item as a benchmark chunk of owner with judge cfg, calling the judge model through
// client.
func Grade(ctx context.Context, d *Deps, owner int, cfg benchmark.JudgeConfig, client providers.Client, it benchmark.Item, output string) (benchmark.JudgeResult, error) {
	j := &judge{d: d, owner: owner, cfg: cfg, client: client, model: "judge", provider: "test"}
	return j.Grade(ctx, it, output)
}
