package simulation

import (
	"math"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/modelarchitect/architect/internal/catalog"
)

func TestSweepRefusesTooManySteps(t *testing.T) {
	t.Parallel()
	_, err := Sweep(catalog.Default(), workedExample(), Options{}, SweepSpec{Variable: SweepRequestsPerDay, From: 1000, To: 10_000_000, Steps: 201})
	var ve *ValidationError
	require.ErrorAs(t, err, &ve)
	require.Equal(t, "steps", ve.Field)
	require.Contains(t, ve.Reason, "200")
}

func TestSweepRefusesBadSpecs(t *testing.T) {
	t.Parallel()
	cases := []struct {
		name  string
		spec  SweepSpec
		field string
	}{
		{"zero steps", SweepSpec{Variable: SweepBudget, From: 1, To: 2}, "steps"},
		{"unknown variable", SweepSpec{Variable: "COLOUR", From: 1, To: 2, Steps: 2}, "variable"},
		{"log from zero", SweepSpec{Variable: SweepRequestsPerDay, From: 0, To: 10, Steps: 3, Scale: ScaleLog}, "from"},
		{"NaN", SweepSpec{Variable: SweepBudget, From: math.NaN(), To: 2, Steps: 2}, "from"},
		{"requests below 1", SweepSpec{Variable: SweepRequestsPerDay, From: 0, To: 10, Steps: 2}, "requestsPerDay"},
		{"peak below 1", SweepSpec{Variable: SweepPeakFactor, From: 0.5, To: 2, Steps: 2}, "peakFactor"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			_, err := Sweep(catalog.Default(), workedExample(), Options{}, tc.spec)
			var ve *ValidationError
			require.ErrorAs(t, err, &ve)
			require.Equal(t, tc.field, ve.Field)
		})
	}
}

func TestSweepRequestsLogScale(t *testing.T) {
	t.Parallel()
	res, err := Sweep(catalog.Default(), workedExample(), Options{}, SweepSpec{
		Variable: SweepRequestsPerDay, From: 1000, To: 10_000_000, Steps: 5, Scale: ScaleLog,
	})
	require.NoError(t, err)
	// 1,000 × 10^(k) for k = 0, 1, 2, 3, 4 (equal ratios of 10 between 5 points).
	require.Equal(t, []float64{1000, 10_000, 100_000, 1_000_000, 10_000_000}, res.Values)
	require.Len(t, res.Winners, 5)
	require.NotEmpty(t, res.Series)
	for _, s := range res.Series {
		require.Len(t, s.Points, 5)
		var prev *float64
		for _, p := range s.Points {
			if p.MonthlyCost != nil {
				c := p.MonthlyCost.InexactFloat64()
				if prev != nil {
					require.GreaterOrEqual(t, c, *prev, "cost grows with traffic for %s", s.ModelID)
				}
				prev = &c
			}
		}
	}
	checkChanges(t, res)
}

func TestSweepBudgetMarksWinnerChange(t *testing.T) {
	t.Parallel()
	// Below $411.82 a month (openai/gpt-5.4-nano's cost) only cheaper candidates can fit; the winner must change
	// somewhere between $50 and $3,000.
	res, err := Sweep(catalog.Default(), workedExample(), Options{}, SweepSpec{Variable: SweepBudget, From: 50, To: 3000, Steps: 60})
	require.NoError(t, err)
	require.Equal(t, 50.0, res.Values[0])
	require.Equal(t, 3000.0, res.Values[len(res.Values)-1])
	require.NotEmpty(t, res.WinnerChanges)
	checkChanges(t, res)
	require.Equal(t, "openai/gpt-5.4-nano", res.Winners[len(res.Winners)-1])
}

func checkChanges(t *testing.T, res *SweepResult) {
	t.Helper()
	changes := 0
	for i := 1; i < len(res.Winners); i++ {
		if res.Winners[i] != res.Winners[i-1] {
			require.Less(t, changes, len(res.WinnerChanges))
			ch := res.WinnerChanges[changes]
			require.Equal(t, i, ch.Index)
			require.Equal(t, res.Winners[i-1], ch.From)
			require.Equal(t, res.Winners[i], ch.To)
			require.Equal(t, res.Values[i], ch.Value)
			changes++
		}
	}
	require.Equal(t, changes, len(res.WinnerChanges))
}
