package experiment

import (
	"testing"

	"github.com/stretchr/testify/require"
)

// TestAnalyzeExposures: with assigned units, the SRM check and the winner decision follow the splits in
// force when units were assigned, not the primary metric's units against the current weights.
func TestAnalyzeExposures(t *testing.T) {
	t.Parallel()
	in := Input{
		Variants: []Variant{{"A", 20}, {"B", 80}}, // the split now, after a ramp from 50/50
		Control:  "A", PlannedSampleSize: 500,
		Primary: Metric{Name: "resolved", Kind: KindBinary, Binary: map[string]Binary{
			"A": {Conversions: 88, Trials: 880}, "B": {Conversions: 424, Trials: 2120}}},
	}
	plain, err := Analyze(in)
	require.NoError(t, err)
	require.True(t, plain.SRM.Mismatch, "880/2120 against 20/80 alone: expected 600/2400")
	require.Equal(t, ConditionNoSRM, plain.Decision.Unmet[0].Condition)

	// 1,000 units at 50/50 then 2,000 at 20/80: expected 900/2100 (TestCheckSRMOverPeriods' case).
	in.Exposures = &Exposures{Units: []int64{880, 2120}, Periods: []SRMPeriod{{1000, []float64{50, 50}}, {2000, []float64{20, 80}}}}
	res, err := Analyze(in)
	require.NoError(t, err)
	require.False(t, res.SRM.Mismatch)
	require.InDelta(t, 0.42555611641912916, res.SRM.PValue, refTol) // reference.py P1
	require.Contains(t, res.SRM.Notes[len(res.SRM.Notes)-1], "3000 assigned units")
	require.Equal(t, "B", res.Decision.Winner, "10 % against 20 % on these units is significant and the split holds")

	for _, tc := range []struct {
		name  string
		exp   Exposures
		field string
	}{
		{"one count per variant", Exposures{Units: []int64{1}, Periods: []SRMPeriod{{1, []float64{1, 1}}}}, "exposures.units"},
		{"periods add up", Exposures{Units: []int64{1, 1}, Periods: []SRMPeriod{{3, []float64{1, 1}}}}, "exposures.periods"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			in := in
			in.Exposures = &tc.exp
			_, err := Analyze(in)
			var ve *ValidationError
			require.ErrorAs(t, err, &ve)
			require.Equal(t, tc.field, ve.Field)
		})
	}
}
