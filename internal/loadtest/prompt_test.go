package loadtest

import (
	"math/rand/v2"
	"strings"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/modelarchitect/architect/internal/benchmark"
)

// TestSyntheticPrompt: a prompt of n tokens is 4n bytes or a little less, which benchmark.EstimateTokens counts
// as n; prompts differ from their first word on, so no server cache serves them.
func TestSyntheticPrompt(t *testing.T) {
	t.Parallel()
	rng := rand.New(rand.NewPCG(1, 2))
	for _, n := range []int{1, 2, 5, 11, 12, 13, 64, 500, 4096, MaxInputTokens} {
		p := syntheticPrompt(rng, n)
		require.Equal(t, int64(n), benchmark.EstimateTokens(p), "n=%d: %d bytes", n, len(p))
		require.Equal(t, strings.TrimSpace(p), p)
		if n >= 64 {
			require.True(t, strings.HasSuffix(p, promptTail), "n=%d", n)
		}
	}
	a, b := syntheticPrompt(rng, 100), syntheticPrompt(rng, 100)
	require.NotEqual(t, strings.Fields(a)[:3], strings.Fields(b)[:3])
}

// TestDrawer: lengths within their bounds, prompts from the list when given, the same sequence from the same seed.
func TestDrawer(t *testing.T) {
	t.Parallel()
	p := ratePlan()
	p.InputTokens = Length{Kind: LengthUniform, Min: 10, Max: 12}
	p.OutputTokens = Length{Kind: LengthUniform, Min: 3, Max: 5}
	d := newDrawer(p, "m")
	seen := map[int]bool{}
	for range 300 {
		q := d.next()
		require.Equal(t, "m", q.req.Model)
		require.True(t, q.req.RecordChunks)
		require.GreaterOrEqual(t, q.req.MaxOutputTokens, 3)
		require.LessOrEqual(t, q.req.MaxOutputTokens, 5)
		seen[q.req.MaxOutputTokens] = true
		in := benchmark.EstimateTokens(q.req.Prompt)
		require.True(t, in >= 10 && in <= 12, "%d", in)
		require.Equal(t, benchmark.EstimatePromptTokens("", q.req.Prompt), q.estInput)
	}
	require.Len(t, seen, 3)

	again, other := newDrawer(p, "m"), newDrawer(p, "m")
	other.plan.Seed = 2
	other.rng = rand.New(rand.NewPCG(2, streamRequests))
	first := newDrawer(p, "m").next()
	require.Equal(t, first, again.next())
	require.NotEqual(t, first.req.Prompt, other.next().req.Prompt)

	p.Prompts = []string{"alpha", "beta"}
	d = newDrawer(p, "m")
	for range 50 {
		require.Contains(t, p.Prompts, d.next().req.Prompt)
	}
}
