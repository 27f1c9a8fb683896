package evaluation

import (
	"errors"
	"math"
	"testing"

	"github.com/stretchr/testify/require"
)

func pf(id string, scores ...float64) Item { return Item{ID: id, Scores: scores} }

func TestCompareFlipsAndOrder(t *testing.T) {
	t.Parallel()
	base := []Item{pf("a", 1), pf("b", 1), pf("c", 0), pf("d", 0.6), pf("e", 0.2)}
	cand := []Item{pf("e", 0.1), pf("d", 0.4), pf("c", 1), pf("b", 0), pf("a", 0)}
	c, err := Compare(base, cand, 0)
	require.NoError(t, err)
	require.Equal(t, DefaultAlpha, c.Alpha)
	require.Equal(t, 5, c.N)
	require.Equal(t, []string{"a", "b", "d"}, c.PassToFail)
	require.Equal(t, []string{"c"}, c.FailToPass)
	var order []string
	for _, d := range c.Items {
		order = append(order, d.ID)
	}
	// diffs a −1, b −1, c +1, d −0.2, e −0.1: largest drop first, the tie a/b by id
	require.Equal(t, []string{"a", "b", "d", "e", "c"}, order)
	require.InDelta(t, -0.2, c.Items[2].Diff, 1e-15)
	require.InDelta(t, (-1-1+1-0.2-0.1)/5, c.MeanDiff, 1e-15)
	require.NotNil(t, c.McNemar, c.McNemarSkipped)
	require.Equal(t, McNemar{PassToFail: 3, FailToPass: 1, PValue: 0.625}, *c.McNemar) // 2·P(Bin(4, ½) ≤ 1) = 2·5/16
	require.Equal(t, float64(4), c.DF)
	require.Less(t, c.Interval.Low, c.MeanDiff)
	require.Greater(t, c.Interval.High, c.MeanDiff)
}

func TestCompareRepeatsAndClustersSkipMcNemar(t *testing.T) {
	t.Parallel()
	c, err := Compare([]Item{pf("a", 1, 0), pf("b", 1)}, []Item{pf("a", 1, 1), pf("b", 0)}, 0)
	require.NoError(t, err)
	require.Nil(t, c.McNemar)
	require.Contains(t, c.McNemarSkipped, "more than once")
	require.InDelta(t, -0.25, c.MeanDiff, 1e-15) // a: 0.5 → 1, b: 1 → 0

	base := []Item{{ID: "a", Cluster: "s1", Scores: []float64{1}}, {ID: "b", Cluster: "s2", Scores: []float64{1}}, {ID: "c", Cluster: "s2", Scores: []float64{0}}}
	cand := []Item{{ID: "a", Cluster: "s1", Scores: []float64{0}}, {ID: "b", Cluster: "s2", Scores: []float64{1}}, {ID: "c", Cluster: "s2", Scores: []float64{1}}}
	c, err = Compare(base, cand, 0.1)
	require.NoError(t, err)
	require.True(t, c.Clustered)
	require.Nil(t, c.McNemar)
	require.Contains(t, c.McNemarSkipped, "cluster")
	require.Zero(t, c.DF, "the clustered interval is normal")
	require.InDelta(t, 1.6448536269514722*c.SE, c.Interval.High-c.MeanDiff, 1e-12) // scipy.stats.norm.ppf(0.95)
}

func TestCompareEqualDifferences(t *testing.T) {
	t.Parallel()
	c, err := Compare([]Item{pf("a", 0.3), pf("b", 0.5), pf("c", 0.2)}, []Item{pf("a", 0.4), pf("b", 0.6), pf("c", 0.3)}, 0)
	require.NoError(t, err)
	require.Nil(t, c.PairedT)
	require.NotEmpty(t, c.PairedTSkipped)
	require.Zero(t, c.SE)
	require.Equal(t, c.Interval.Low, c.Interval.High)
	require.False(t, math.IsNaN(c.PValue))
}

func TestCompareRefusesDifferentItems(t *testing.T) {
	t.Parallel()
	_, err := Compare([]Item{pf("a", 1), pf("b", 1), pf("c", 1)}, []Item{pf("b", 1), pf("c", 0), pf("d", 1), pf("e", 0)}, 0)
	var me *ItemSetMismatchError
	require.True(t, errors.As(err, &me), "got %v", err)
	require.Equal(t, []string{"a"}, me.OnlyBaseline)
	require.Equal(t, []string{"d", "e"}, me.OnlyCandidate)
	require.Equal(t, 3, me.Baseline)
	require.Equal(t, 4, me.Candidate)
	require.Contains(t, err.Error(), `missing from candidate: "a"`)
	require.Contains(t, err.Error(), `missing from baseline: "d", "e"`)
}

func TestCompareRejects(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name       string
		base, cand []Item
		alpha      float64
		field      string
	}{
		{"alpha NaN", []Item{pf("a", 1), pf("b", 0)}, []Item{pf("a", 1), pf("b", 0)}, math.NaN(), "alpha"},
		{"alpha 0.6", []Item{pf("a", 1), pf("b", 0)}, []Item{pf("a", 1), pf("b", 0)}, 0.6, "alpha"},
		{"empty baseline", nil, []Item{pf("a", 1), pf("b", 0)}, 0, "baseline.items"},
		{"bad candidate score", []Item{pf("a", 1), pf("b", 0)}, []Item{pf("a", 1), pf("b", math.Inf(-1))}, 0, "candidate.items[1].scores[0]"},
		{"cluster disagrees", []Item{{ID: "a", Cluster: "x", Scores: []float64{1}}, {ID: "b", Cluster: "y", Scores: []float64{1}}},
			[]Item{{ID: "a", Cluster: "x", Scores: []float64{1}}, {ID: "b", Cluster: "x", Scores: []float64{1}}}, 0, "candidate.items"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			_, err := Compare(tc.base, tc.cand, tc.alpha)
			var ve *ValidationError
			require.True(t, errors.As(err, &ve), "want a *ValidationError, got %v", err)
			require.Equal(t, tc.field, ve.Field)
		})
	}
}

// TestGradedPairedT gives the graded fixture P2 of reference.json as a judge's graded scores beside pass/fail
// scores (each graded score thresholded at 0.5): the paired t-test must then agree with scipy's ttest_rel on the
// graded means, while the interval and flips stay on pass/fail. With graded scores on one side only, the
// t-test falls back to pass/fail.
func TestGradedPairedT(t *testing.T) {
	t.Parallel()
	ref, err := loadReference()
	require.NoError(t, err)
	p2 := ref.Paired[1]
	require.Equal(t, "P2", p2.Name)
	split := func(in []refItem, graded bool) []Item {
		out := refItems(in)
		for i := range out {
			pf := make([]float64, len(out[i].Scores))
			for r, x := range out[i].Scores {
				if x >= PassThreshold {
					pf[r] = 1
				}
			}
			if graded {
				out[i].Graded = out[i].Scores
			}
			out[i].Scores = pf
		}
		return out
	}
	c, err := Compare(split(p2.Baseline, true), split(p2.Candidate, true), p2.Alpha)
	require.NoError(t, err)
	require.True(t, c.PairedTGraded)
	require.NotNil(t, c.PairedT)
	// scipy.stats.ttest_rel(candidate_means, baseline_means) on the graded scores (reference.py, case P2)
	require.InDelta(t, p2.Expect["t"], c.PairedT.Statistic, refTol)
	require.InDelta(t, p2.Expect["t_p"], c.PairedT.PValue, refTol)
	require.InDelta(t, p2.Expect["mean_diff"], c.PairedT.MeanDiff, refTol)
	passFail, err := Compare(split(p2.Baseline, false), split(p2.Candidate, false), p2.Alpha)
	require.NoError(t, err)
	require.Equal(t, passFail.MeanDiff, c.MeanDiff, "the interval stays on pass/fail")
	require.Equal(t, passFail.Interval, c.Interval)
	require.NotEqual(t, passFail.PairedT.Statistic, c.PairedT.Statistic)

	oneSided, err := Compare(split(p2.Baseline, true), split(p2.Candidate, false), p2.Alpha)
	require.NoError(t, err)
	require.False(t, oneSided.PairedTGraded)
	require.Equal(t, passFail.PairedT, oneSided.PairedT)

	bad := split(p2.Candidate, true)
	bad[4].Graded = bad[4].Graded[:2]
	_, err = Compare(split(p2.Baseline, true), bad, p2.Alpha)
	var ve *ValidationError
	require.ErrorAs(t, err, &ve)
	require.Equal(t, "candidate.items[4].graded", ve.Field)
}
