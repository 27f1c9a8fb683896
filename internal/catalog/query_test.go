package catalog

import (
	"errors"
	"slices"
	"testing"

	"github.com/shopspring/decimal"
	"github.com/stretchr/testify/require"
)

func ids(ms []Model) []string {
	out := make([]string, len(ms))
	for i, m := range ms {
		out[i] = m.ID
	}
	return out
}

func TestTierFor(t *testing.T) {
	t.Parallel()
	cases := []struct {
		name  string
		c     Complexity
		index float64
		want  Tier
	}{
		{"low at the good cut-off", ComplexityLow, 10, TierGood},
		{"low just below good", ComplexityLow, 9.99, TierAdequate},
		{"low zero is weak", ComplexityLow, 0, TierWeak},
		{"medium GPT-4.1 level (19.4), the reference, is good", ComplexityMedium, 19.4, TierGood},
		{"medium at 19 is good", ComplexityMedium, 19, TierGood},
		{"medium just below 19 is adequate", ComplexityMedium, 18.99, TierAdequate},
		{"medium below 6 unsuitable", ComplexityMedium, 5.9, TierUnsuitable},
		{"high GPT-5 (high) level (34.7), the reference, is good", ComplexityHigh, 34.7, TierGood},
		{"high at 34 is good", ComplexityHigh, 34, TierGood},
		{"high just below 34 is adequate", ComplexityHigh, 33.99, TierAdequate},
		{"high at 15 is weak", ComplexityHigh, 15, TierWeak},
		{"high below 15 unsuitable", ComplexityHigh, 14.9, TierUnsuitable},
		{"unknown complexity", Complexity("EXTREME"), 90, TierUnsuitable},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			require.Equal(t, tc.want, TierFor(tc.c, tc.index))
		})
	}
}

func TestEmbeddedTiersFollowRule(t *testing.T) {
	t.Parallel()
	for _, m := range Default().Models {
		if m.Quality == nil || m.Quality.IntelligenceIndex == nil {
			continue
		}
		require.Equal(t, TiersFor(*m.Quality.IntelligenceIndex), m.Quality.Tiers, m.ID)
	}
}

func TestFindModels(t *testing.T) {
	t.Parallel()
	c := Default()
	maxOut := decimal.RequireFromString("0.000002")
	cases := []struct {
		name   string
		filter ModelFilter
		order  ModelOrder
		check  func(t *testing.T, ms []Model)
	}{
		{"EU region leaves out the Anthropic and Gemini Developer APIs", ModelFilter{Region: "EU"}, ModelOrder{}, func(t *testing.T, ms []Model) {
			require.NotEmpty(t, ms)
			for _, m := range ms {
				require.Contains(t, m.Regions, "EU", m.ID)
				require.NotEqual(t, "anthropic", m.Provider)
				require.NotEqual(t, "gemini", m.Provider)
			}
		}},
		{"provider and max output price", ModelFilter{Provider: "openai", MaxOutputPerToken: &maxOut}, ModelOrder{Field: OrderByPrice}, func(t *testing.T, ms []Model) {
			require.NotEmpty(t, ms)
			for i, m := range ms {
				require.Equal(t, "openai", m.Provider)
				require.False(t, m.OutputPerToken.GreaterThan(maxOut), m.ID)
				if i > 0 {
					require.False(t, ms[i-1].BlendedPerToken().GreaterThan(m.BlendedPerToken()), "price order")
				}
			}
		}},
		{"min tier at HIGH", ModelFilter{MinTier: TierGood, TierAt: ComplexityHigh, HostedOnly: true}, ModelOrder{Field: OrderByQuality, Direction: Desc}, func(t *testing.T, ms []Model) {
			require.NotEmpty(t, ms)
			for i, m := range ms {
				tier, ok := m.TierAt(ComplexityHigh)
				require.True(t, ok)
				require.Equal(t, TierGood, tier)
				require.False(t, m.SelfHostOnly)
				if i > 0 {
					require.GreaterOrEqual(t, *ms[i-1].Quality.IntelligenceIndex, *m.Quality.IntelligenceIndex)
				}
			}
		}},
		{"attestation, capability and context window", ModelFilter{Attestations: []string{"HIPAA_BAA"}, Capabilities: []string{"vision"}, MinContextWindow: 1_000_000}, ModelOrder{Field: OrderByContextWindow, Direction: Desc}, func(t *testing.T, ms []Model) {
			require.NotEmpty(t, ms)
			for _, m := range ms {
				require.True(t, m.HasAttestation("HIPAA_BAA"))
				require.True(t, m.HasCapability("vision"))
				require.GreaterOrEqual(t, m.ContextWindow, 1_000_000)
			}
		}},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			ms, err := c.FindModels(tc.filter, tc.order)
			require.NoError(t, err)
			tc.check(t, ms)
		})
	}
}

func TestFindModelsMissingFiguresSortLast(t *testing.T) {
	t.Parallel()
	fast, slow := 200.0, 50.0
	c := &Catalog{Models: []Model{
		{ID: "a/none"},
		{ID: "b/slow", Speed: &Speed{OutputTokensPerSecond: slow}},
		{ID: "c/fast", Speed: &Speed{OutputTokensPerSecond: fast}},
	}}
	for _, dir := range []Direction{Asc, Desc} {
		ms, err := c.FindModels(ModelFilter{}, ModelOrder{Field: OrderBySpeed, Direction: dir})
		require.NoError(t, err)
		want := []string{"b/slow", "c/fast", "a/none"}
		if dir == Desc {
			want = []string{"c/fast", "b/slow", "a/none"}
		}
		require.Equal(t, want, ids(ms), dir)
	}
}

func TestFindModelsRefusesBadArguments(t *testing.T) {
	t.Parallel()
	c := Default()
	cases := []struct {
		name   string
		filter ModelFilter
		order  ModelOrder
		field  string
	}{
		{"unknown order field", ModelFilter{}, ModelOrder{Field: "COLOUR"}, "order.field"},
		{"unknown direction", ModelFilter{}, ModelOrder{Direction: "UP"}, "order.direction"},
		{"min tier without complexity", ModelFilter{MinTier: TierAdequate}, ModelOrder{}, "filter.tierAt"},
		{"tier above 3", ModelFilter{MinTier: 7, TierAt: ComplexityLow}, ModelOrder{}, "filter.minTier"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			_, err := c.FindModels(tc.filter, tc.order)
			var ve *ValidationError
			require.ErrorAs(t, err, &ve)
			require.Equal(t, tc.field, ve.Field)
		})
	}
}

func TestLookupNotFound(t *testing.T) {
	t.Parallel()
	_, err := Default().Model("openai/gpt-404")
	require.True(t, errors.Is(err, ErrNotFound))
	_, err = Default().GPU("B300")
	require.ErrorIs(t, err, ErrNotFound)
}

func TestFindInstances(t *testing.T) {
	t.Parallel()
	c := Default()
	maxHourly := decimal.RequireFromString("15")
	ins, err := c.FindInstances(InstanceFilter{Provider: "GCP", GPU: "H100-80GB", MinGPUMemoryGB: 80, MaxHourlyUSD: &maxHourly})
	require.NoError(t, err)
	require.NotEmpty(t, ins)
	for i, in := range ins {
		require.Equal(t, "GCP", in.Provider)
		require.Equal(t, "H100-80GB", in.GPU)
		require.False(t, in.HourlyUSD.GreaterThan(maxHourly))
		if i > 0 {
			require.False(t, ins[i-1].HourlyUSD.GreaterThan(in.HourlyUSD), "cheapest first")
		}
	}
	// a3-highgpu-1g us-central1: VM 1.18251 + H100 4.20076 = 5.38327 is the cheapest GCP H100 row.
	require.Equal(t, "a3-highgpu-1g", ins[0].Type)
	require.Equal(t, "us-central1", ins[0].Region)
	require.Equal(t, "5.38327", ins[0].HourlyUSD.String())

	// 8 x 80 GB = 640 GB total; a 1-GPU instance has 80 GB and must be filtered out.
	big, err := c.FindInstances(InstanceFilter{MinGPUMemoryGB: 600})
	require.NoError(t, err)
	for _, in := range big {
		require.GreaterOrEqual(t, in.GPUCount, 8, in.Type)
	}

	eu, err := c.FindInstances(InstanceFilter{Provider: "AWS", Region: "eu-west-1"})
	require.NoError(t, err)
	require.Len(t, eu, 1)
	require.Equal(t, "p4d.24xlarge", eu[0].Type)

	_, err = c.FindInstances(InstanceFilter{MinGPUMemoryGB: -1})
	var ve *ValidationError
	require.ErrorAs(t, err, &ve)
}

// TestEffortRows: every effort row is its model at one reasoning effort, with the base row's prices and
// limits, and its estimated reasoning never falls as the effort rises.
func TestEffortRows(t *testing.T) {
	t.Parallel()
	c := Default()
	byModel := map[string][]Model{}
	for _, m := range c.Models {
		if m.Reasoning && m.ExpectedReasoning != nil {
			byModel[BaseID(m.ID)] = append(byModel[BaseID(m.ID)], m)
		}
		e := EffortOf(m.ID)
		if e == "" {
			continue
		}
		require.Equal(t, e, m.Effort, m.ID)
		base, err := c.Model(BaseID(m.ID))
		require.NoError(t, err)
		require.NotEqual(t, base.Effort, e, "the base row is the fastest configuration, not repeated: %s", m.ID)
		require.True(t, base.InputPerToken.Equal(m.InputPerToken) && base.OutputPerToken.Equal(m.OutputPerToken), m.ID)
		require.Equal(t, base.ContextWindow, m.ContextWindow, m.ID)
		require.Equal(t, base.ContextLimit, m.ContextLimit, m.ID)
		require.True(t, m.ExpectedReasoning.Provenance.Estimate, m.ID)
	}
	require.NotEmpty(t, byModel)
	for id, rows := range byModel {
		slices.SortFunc(rows, func(a, b Model) int {
			return slices.Index(Efforts, a.Effort) - slices.Index(Efforts, b.Effort)
		})
		for i := 1; i < len(rows); i++ {
			require.GreaterOrEqual(t, rows[i].ExpectedReasoning.TokensPerRequest, rows[i-1].ExpectedReasoning.TokensPerRequest,
				"%s: %s reasons less than %s", id, rows[i].Effort, rows[i-1].Effort)
		}
	}
	// The base row answers for its own effort under the effort's id.
	m, err := c.Model("openai/gpt-5@minimal")
	require.NoError(t, err)
	require.Equal(t, "openai/gpt-5@minimal", m.ID)
	require.Equal(t, "minimal", m.Effort)
	require.Equal(t, "openai/gpt-5", c.CanonicalID("openai/gpt-5@minimal"), "one row, two ids")
	require.Equal(t, "openai/gpt-5@high", c.CanonicalID("openai/gpt-5@high"))
	require.Equal(t, "openai/nope@high", c.CanonicalID("openai/nope@high"))

	// Worked by hand from the Artificial Analysis snapshot of 2026-07-10 (oolong-tea-2026/
	// artificial-analysis-leaderboards ed1690f, data/2026-07-10/llms.json): GPT-5 (high) answers first after
	// 80,194 ms at 88.5 tokens/s; the median time to first token of the 14 OpenAI non-reasoning rows is
	// (829 + 904) / 2 = 866.5 ms, so (80,194 − 866.5) ms × 88.5 /s = 7,020.5 → 7,020 tokens.
	high, err := c.Model("openai/gpt-5@high")
	require.NoError(t, err)
	require.Equal(t, 7020, high.ExpectedReasoning.TokensPerRequest)
	require.InDelta(t, 79327.5, high.ExpectedReasoning.ThinkingMillis, 1e-9)
}

func TestPriceStale(t *testing.T) {
	t.Parallel()
	dated := Instance{ObservedOn: "2026-06"}
	// "2026-06" reads as 2026-06-01: 180 days before 2026-11-28.
	require.False(t, dated.PriceStale("2026-11-28", 180), "180 days: not more than the limit")
	require.True(t, dated.PriceStale("2026-11-29", 180), "181 days")
	require.False(t, dated.PriceStale("", 180), "no date to measure against")
	require.True(t, Instance{}.PriceStale("", 180), "no observation date")
	require.True(t, Instance{ObservedOn: "2026-11-01", PriceCaveat: "cut"}.PriceStale("2026-11-02", 180), "a caveat")
	require.True(t, Instance{ObservedOn: "2026-13"}.PriceStale("2026-12-07", 180), "an unreadable date")
}
