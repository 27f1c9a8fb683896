package evaluation

import (
	"errors"
	"fmt"
	"math"
	"testing"

	"github.com/stretchr/testify/require"
)

// labelled returns n labels for model "m" whose human and judge verdicts follow the given rules.
func labelled(n int, human, judge func(i int) bool) []Label {
	out := make([]Label, n)
	for i := range out {
		out[i] = Label{ItemID: fmt.Sprintf("item-%04d", i), Model: "m", Human: human(i), Judge: judge(i)}
	}
	return out
}

func verdicts(n, passed int) []bool {
	out := make([]bool, n)
	for i := range passed {
		out[i] = true
	}
	return out
}

func TestCalibrateJudgeNearChance(t *testing.T) {
	t.Parallel()
	// the judge's verdict (i even) is unrelated to the person's (i divisible by 3): TPR ≈ TNR ≈ 0.5
	labels := labelled(600, func(i int) bool { return i%3 == 0 }, func(i int) bool { return i%2 == 0 })
	res, err := Calibrate(CalibrationInput{Labels: labels, Run: verdicts(100, 40)})
	require.NoError(t, err)
	require.Less(t, res.TPR+res.TNR-1, MinYouden)
	require.False(t, res.Corrected)
	require.Zero(t, res.CorrectedPassRate)
	require.Equal(t, Interval{}, res.Interval)
	require.Contains(t, res.Reason, "barely separates")
	require.InDelta(t, 0, res.Kappa, 0.15)
	require.Equal(t, 0.4, res.ObservedPassRate)
}

func TestCalibrateBootstrapIsSeeded(t *testing.T) {
	t.Parallel()
	// a judge that misses every fifth pass and passes every seventh fail
	labels := labelled(400, func(i int) bool { return i%2 == 0 }, func(i int) bool {
		if i%2 == 0 {
			return i%10 != 0
		}
		return i%14 == 1
	})
	in := CalibrationInput{Labels: labels, Run: verdicts(300, 120), Seed: 42, Resamples: 500}
	a, err := Calibrate(in)
	require.NoError(t, err)
	b, err := Calibrate(in)
	require.NoError(t, err)
	require.Equal(t, a, b, "same seed, same result")
	require.True(t, a.Corrected, a.Reason)
	require.Empty(t, a.Reason)
	require.Equal(t, 500, a.Resamples)
	require.LessOrEqual(t, a.Interval.Low, a.CorrectedPassRate)
	require.GreaterOrEqual(t, a.Interval.High, a.CorrectedPassRate)
	// Rogan–Gladen by hand from the reported rates
	want := (a.ObservedPassRate + a.TNR - 1) / (a.TPR + a.TNR - 1)
	require.InDelta(t, want, a.CorrectedPassRate, 1e-15)

	in.Seed = 43
	c, err := Calibrate(in)
	require.NoError(t, err)
	require.NotEqual(t, a.Interval, c.Interval, "another seed draws other resamples")
	require.Equal(t, a.CorrectedPassRate, c.CorrectedPassRate)

	in.Alpha = 0.5
	narrow, err := Calibrate(in)
	require.NoError(t, err)
	require.Less(t, narrow.Interval.High-narrow.Interval.Low, c.Interval.High-c.Interval.Low, "a 50 % interval is narrower than a 95 % one")
}

func TestCalibrateClipsToUnitInterval(t *testing.T) {
	t.Parallel()
	// a judge with TNR ≈ 0.5 seeing a run it passes 30 % of the time: (0.3 + 0.5 − 1)/J < 0, clipped to 0
	labels := labelled(400, func(i int) bool { return i%2 == 0 }, func(i int) bool { return i%2 == 0 || i%4 == 1 })
	res, err := Calibrate(CalibrationInput{Labels: labels, Run: verdicts(100, 30), Resamples: 200})
	require.NoError(t, err)
	require.True(t, res.Corrected, res.Reason)
	require.Equal(t, 0.0, res.CorrectedPassRate)
	require.GreaterOrEqual(t, res.Interval.Low, 0.0)
	require.LessOrEqual(t, res.Interval.High, 1.0)
}

func TestCalibrateRejects(t *testing.T) {
	t.Parallel()
	good := func() CalibrationInput {
		return CalibrationInput{Labels: labelled(100, func(i int) bool { return i%2 == 0 }, func(i int) bool { return i%2 == 0 }), Run: verdicts(10, 5)}
	}
	tests := []struct {
		name   string
		modify func(*CalibrationInput)
		field  string
	}{
		{"empty run", func(in *CalibrationInput) { in.Run = nil }, "run"},
		{"no labels", func(in *CalibrationInput) { in.Labels = nil }, "labels"},
		{"no human fail", func(in *CalibrationInput) {
			for i := range in.Labels {
				in.Labels[i].Human = true
			}
		}, "labels"},
		{"duplicate label", func(in *CalibrationInput) { in.Labels[7] = in.Labels[3] }, "labels[7]"},
		{"empty item id", func(in *CalibrationInput) { in.Labels[2].ItemID = "" }, "labels[2].itemId"},
		{"empty model", func(in *CalibrationInput) { in.Labels[0].Model = "" }, "labels[0].model"},
		{"negative resamples", func(in *CalibrationInput) { in.Resamples = -1 }, "resamples"},
		{"too many resamples", func(in *CalibrationInput) { in.Resamples = 1_000_000 }, "resamples"},
		{"alpha NaN", func(in *CalibrationInput) { in.Alpha = math.NaN() }, "alpha"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			in := good()
			tc.modify(&in)
			_, err := Calibrate(in)
			var ve *ValidationError
			require.True(t, errors.As(err, &ve), "want a *ValidationError, got %v", err)
			require.Equal(t, tc.field, ve.InputField())
		})
	}
}

func TestHeldOutIsStable(t *testing.T) {
	t.Parallel()
	held := 0
	for i := range 10_000 {
		if HeldOut(fmt.Sprintf("item-%d", i), "model") {
			held++
		}
	}
	// Binomial(10 000, 0.5) has sd 50; ±250 is 5 sd
	require.InDelta(t, HeldOutFraction*10_000, held, 250)
	require.Equal(t, HeldOut("a", "bc"), HeldOut("a", "bc"))
	require.NotEqual(t, fieldHash("evaluation.heldout.v1", "ab", "c"), fieldHash("evaluation.heldout.v1", "a", "bc"))
}
