package experiment

import (
	"errors"
	"testing"

	"github.com/stretchr/testify/require"
)

func threeArms() Input {
	return Input{
		Variants: []Variant{{"A", 1}, {"B", 1}, {"C", 1}},
		Control:  "A",
		Primary: Metric{Name: "thumbs_up", Kind: KindBinary, Binary: map[string]Binary{
			"A": {1000, 20000}, "B": {1100, 20000}, "C": {1180, 20000},
		}},
		Secondary: []Metric{{Name: "latency_ms", Kind: KindContinuous, LowerIsBetter: true, Continuous: map[string]Continuous{
			"A": {Count: 20000, Mean: 820, Variance: 1600}, "B": {Count: 20000, Mean: 790, Variance: 1500}, "C": {Count: 20000, Mean: 840, Variance: 1700},
		}}},
		PlannedSampleSize: 15000,
	}
}

func TestAnalyzeThreeArms(t *testing.T) {
	t.Parallel()
	res, err := Analyze(threeArms())
	require.NoError(t, err)
	require.Equal(t, DefaultConfidenceLevel, res.ConfidenceLevel)

	p := res.Primary
	require.Equal(t, []string{"A", "B", "C"}, []string{p.Variants[0].Variant, p.Variants[1].Variant, p.Variants[2].Variant})
	require.InDelta(t, 0.05, p.Variants[0].Estimate, 1e-15) // 1000/20000
	require.Len(t, p.Comparisons, 2)
	// /usr/bin/python3 internal/experiment/testdata/reference.py → A3: the pooled tests
	// proportions_ztest([1100, 1000], [20000, 20000]) and proportions_ztest([1180, 1000], [20000, 20000]);
	// the unpooled z-tests of the absolute lifts (A3.B.wald_p, A3.C.wald_p), multipletests([pB, pC],
	// method='holm')[1] (A3.*.wald_adjusted) and the adjusted intervals at level 1 − α·p/p̃ (A3.*.adjusted_*)
	require.Equal(t, "B", p.Comparisons[0].Variant)
	require.InDelta(t, 0.024973006760644276, p.Comparisons[0].PooledPValue, refTol)
	require.InDelta(t, 7.347942134536304e-05, p.Comparisons[1].PooledPValue, refTol)
	require.InDelta(t, 0.024963901436755632, p.Comparisons[0].PValue, refTol)
	require.InDelta(t, 0.024963901436755632, p.Comparisons[0].AdjustedPValue, refTol)
	require.InDelta(t, 7.323976216239705e-05, p.Comparisons[1].PValue, refTol)
	require.InDelta(t, 0.0001464795243247941, p.Comparisons[1].AdjustedPValue, refTol)
	for i, want := range [][2]float64{{0.0006289067946991305, 0.009371093205300864}, {0.003912978616464275, 0.014087021383535714}} {
		a := p.Comparisons[i].Absolute
		require.Equal(t, p.Comparisons[i].AdjustedPValue, a.AdjustedPValue)
		require.InDelta(t, want[0], a.AdjustedLower, refTol)
		require.InDelta(t, want[1], a.AdjustedUpper, refTol)
	}
	require.Equal(t, ScaleAbsolute, p.Scale)
	require.Equal(t, ModeFixedHorizon, res.Mode)
	require.True(t, p.Comparisons[0].Significant)
	require.True(t, p.Comparisons[1].Significant)

	require.False(t, res.SRM.Mismatch)
	require.Equal(t, 1.0, res.SRM.PValue) // 20000 each at 1:1:1 → χ² = 0
	require.Equal(t, Decision{Winner: "C"}, res.Decision, "C is significantly better and has the best rate")

	require.Len(t, res.Secondary, 1)
	require.True(t, res.Secondary[0].LowerIsBetter)
	require.Len(t, res.Secondary[0].Comparisons, 2)
	requireFinite(t, res)
}

func TestAnalyzeDecision(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name   string
		modify func(*Input)
		winner string
		unmet  []Condition
	}{
		{"all conditions hold", func(*Input) {}, "C", nil},
		{"no plan", func(in *Input) { in.PlannedSampleSize = 0 }, "", []Condition{ConditionSampleSize}},
		{"plan not reached", func(in *Input) { in.PlannedSampleSize = 20001 }, "", []Condition{ConditionSampleSize}},
		{"sample ratio mismatch", func(in *Input) { in.Variants[2].Weight = 1.2 }, "", []Condition{ConditionNoSRM}},
		{"not significant", func(in *Input) {
			in.Primary.Binary = map[string]Binary{"A": {1000, 20000}, "B": {1001, 20000}, "C": {999, 20000}}
		}, "", []Condition{ConditionSignificant}},
		{"nothing holds", func(in *Input) {
			in.Primary.Binary = map[string]Binary{"A": {10, 200}, "B": {11, 200}, "C": {9, 300}}
		}, "", []Condition{ConditionSignificant, ConditionNoSRM, ConditionSampleSize}},
		{"control beats every treatment", func(in *Input) {
			in.Primary.Binary = map[string]Binary{"A": {1300, 20000}, "B": {1100, 20000}, "C": {1000, 20000}}
		}, "A", nil},
		{"one worse, one indistinguishable: no winner", func(in *Input) {
			in.Primary.Binary = map[string]Binary{"A": {1300, 20000}, "B": {1100, 20000}, "C": {1299, 20000}}
		}, "", []Condition{ConditionSignificant}},
		{"lower is better picks the lowest", func(in *Input) {
			in.Primary, in.Secondary = in.Secondary[0], []Metric{in.Primary}
		}, "B", nil},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			in := threeArms()
			tc.modify(&in)
			res, err := Analyze(in)
			require.NoError(t, err)
			require.Equal(t, tc.winner, res.Decision.Winner)
			var got []Condition
			for _, u := range res.Decision.Unmet {
				require.NotEmpty(t, u.Message)
				got = append(got, u.Condition)
			}
			require.Equal(t, tc.unmet, got)
		})
	}
}

func TestAnalyzeTwoArmsNoHolm(t *testing.T) {
	t.Parallel()
	res, err := Analyze(Input{
		Variants:          []Variant{{"gpt", 50}, {"claude", 50}},
		Control:           "gpt",
		Primary:           Metric{Name: "conv", Kind: KindBinary, Binary: map[string]Binary{"gpt": {480, 10000}, "claude": {560, 10000}}},
		ConfidenceLevel:   0.99,
		PlannedSampleSize: 8158, // N1 rounded up
	})
	require.NoError(t, err)
	c := res.Primary.Comparisons[0]
	// B1.wald_p: the absolute lift's unpooled z-test → p = 0.010826921277131306, not < 0.01
	require.InDelta(t, 0.010826921277131306, c.AdjustedPValue, refTol)
	require.False(t, c.Significant)
	require.Equal(t, "", res.Decision.Winner)
}

func TestAnalyzeMissingObservations(t *testing.T) {
	t.Parallel()
	in := threeArms()
	in.Primary.Binary = map[string]Binary{"A": {10, 100}}
	in.Secondary = nil
	res, err := Analyze(in)
	require.NoError(t, err)
	for _, c := range res.Primary.Comparisons {
		require.Equal(t, 1.0, c.PValue)
		require.Nil(t, c.Absolute)
	}
	require.True(t, res.SRM.Mismatch, "100/0/0 against 1:1:1")
	requireFinite(t, res)
}

func TestAnalyzeValidation(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name   string
		modify func(*Input)
		field  string
	}{
		{"one variant", func(in *Input) { in.Variants = in.Variants[:1] }, "variants"},
		{"empty key", func(in *Input) { in.Variants[1].Key = "" }, "variants[1].key"},
		{"duplicate key", func(in *Input) { in.Variants[2].Key = "B" }, "variants[2].key"},
		{"bad weight", func(in *Input) { in.Variants[0].Weight = -1 }, "variants[0].weight"},
		{"unknown control", func(in *Input) { in.Control = "Z" }, "control"},
		{"negative plan", func(in *Input) { in.PlannedSampleSize = -1 }, "plannedSampleSize"},
		{"confidence", func(in *Input) { in.ConfidenceLevel = 0.999999 }, "confidenceLevel"},
		{"no primary name", func(in *Input) { in.Primary.Name = "" }, "primary.name"},
		{"duplicate metric", func(in *Input) { in.Secondary[0].Name = "thumbs_up" }, "secondary[0].name"},
		{"unknown kind", func(in *Input) { in.Primary.Kind = "RATIO" }, "primary.kind"},
		{"wrong data for kind", func(in *Input) { in.Primary.Continuous = map[string]Continuous{"A": {}} }, "primary.continuous"},
		{"unknown variant in data", func(in *Input) { in.Primary.Binary["Z"] = Binary{} }, "primary.binary.Z"},
		{"bad observation", func(in *Input) { in.Secondary[0].Continuous["B"] = Continuous{Count: 3, Variance: -2} }, "secondary[0].continuous.B.variance"},
		{"overflowing metric", func(in *Input) {
			in.Secondary[0].Continuous["A"] = Continuous{Count: 3, Mean: -1.7e308, Variance: 1}
			in.Secondary[0].Continuous["B"] = Continuous{Count: 3, Mean: 1.7e308, Variance: 1}
		}, "secondary[0].treatment"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			in := threeArms()
			tc.modify(&in)
			_, err := Analyze(in)
			var ve *ValidationError
			require.True(t, errors.As(err, &ve), "got %v", err)
			require.Equal(t, tc.field, ve.Field)
		})
	}
}
