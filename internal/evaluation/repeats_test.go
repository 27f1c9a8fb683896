package evaluation

import (
	"errors"
	"math"
	"testing"

	"github.com/stretchr/testify/require"
)

func TestSummarizeAveragesRepeatsFirst(t *testing.T) {
	t.Parallel()
	s, err := Summarize([]Item{
		{ID: "b", Scores: []float64{1, 0, 0, 0}}, // one item run four times counts once
		{ID: "a", Scores: []float64{1}},
		{ID: "c", Scores: []float64{0.5, 0.7}},
	})
	require.NoError(t, err)
	require.Equal(t, []string{"a", "b", "c"}, []string{s.Items[0].ID, s.Items[1].ID, s.Items[2].ID})
	require.Equal(t, ItemScore{ID: "b", Repeats: 4, Mean: 0.25, PassRate: 0.25}, s.Items[1])
	require.Equal(t, ItemScore{ID: "a", Repeats: 1, Mean: 1, PassRate: 1, Passed: true}, s.Items[0])
	require.InDelta(t, 0.6, s.Items[2].Mean, 1e-15)
	require.Equal(t, 1.0, s.Items[2].PassRate, "both repeats score at least PassThreshold")
	require.Zero(t, s.Repeats, "items ran a different number of times")
	// item means 1, 0.25, 0.6: mean 0.6167, sample sd 0.37528, SE = sd/√3
	require.InDelta(t, (1+0.25+0.6)/3, s.Score, 1e-15)
	require.InDelta(t, 0.3752776749732567/math.Sqrt(3), s.SE, 1e-12) // numpy: np.std([1, .25, .6], ddof=1)
	require.False(t, s.Clustered)
	require.Zero(t, s.ClusteredSE)
}

func TestSummarizeClusters(t *testing.T) {
	t.Parallel()
	// Item means 1, 0, 1, 1 in clusters {x: 1, 0} and {y: 1, 1}; mean 0.75; residual sums x: 0.25 − 0.75 = −0.5,
	// y: 0.25 + 0.25 = 0.5; CR0 SE = √(0.25 + 0.25)/4 (the formula by hand).
	s, err := Summarize([]Item{
		{ID: "1", Cluster: "x", Scores: []float64{1}},
		{ID: "2", Cluster: "x", Scores: []float64{0}},
		{ID: "3", Cluster: "y", Scores: []float64{1, 1}},
		{ID: "4", Cluster: "y", Scores: []float64{1}},
	})
	require.NoError(t, err)
	require.True(t, s.Clustered)
	require.Equal(t, 2, s.Clusters)
	require.InDelta(t, math.Sqrt(0.5)/4, s.ClusteredSE, 1e-15)
}

func TestSummarizeRejects(t *testing.T) {
	t.Parallel()
	ok := func() []Item { return []Item{{ID: "a", Scores: []float64{1}}, {ID: "b", Scores: []float64{0}}} }
	tests := []struct {
		name   string
		modify func([]Item) []Item
		field  string
	}{
		{"no items", func([]Item) []Item { return nil }, "items"},
		{"one item", func(it []Item) []Item { return it[:1] }, "items"},
		{"NaN score", func(it []Item) []Item { it[1].Scores[0] = math.NaN(); return it }, "items[1].scores[0]"},
		{"Inf score", func(it []Item) []Item { it[0].Scores = []float64{1, math.Inf(1)}; return it }, "items[0].scores[1]"},
		{"score above 1", func(it []Item) []Item { it[0].Scores[0] = 1.5; return it }, "items[0].scores[0]"},
		{"negative score", func(it []Item) []Item { it[1].Scores[0] = -0.1; return it }, "items[1].scores[0]"},
		{"no scores", func(it []Item) []Item { it[1].Scores = nil; return it }, "items[1].scores"},
		{"empty id", func(it []Item) []Item { it[0].ID = ""; return it }, "items[0].id"},
		{"duplicate id", func(it []Item) []Item { it[1].ID = "a"; return it }, "items[1].id"},
		{"some clustered", func(it []Item) []Item { it[1].Cluster = "k"; return it }, "items[1].cluster"},
		{"one cluster", func(it []Item) []Item { it[0].Cluster, it[1].Cluster = "k", "k"; return it }, "items"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			_, err := Summarize(tc.modify(ok()))
			var ve *ValidationError
			require.True(t, errors.As(err, &ve), "want a *ValidationError, got %v", err)
			require.Equal(t, tc.field, ve.InputField())
			require.NotEmpty(t, ve.Reason)
		})
	}
}
