package model

import (
	"encoding/json"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/modelarchitect/architect/internal/experiment"
)

// TestExperimentDocumentsBeforeModes: plans, metric specs and results stored before analysis modes and
// scales existed read as what they were, fixed-horizon on the absolute scale, and results of that version
// show no p-value they never had.
func TestExperimentDocumentsBeforeModes(t *testing.T) {
	t.Parallel()
	var p ExperimentPlan
	require.NoError(t, json.Unmarshal([]byte(`{"control":"a"}`), &p))
	require.Equal(t, experiment.ModeFixedHorizon, p.Mode)
	require.Nil(t, p.SequentialTuning)
	var m ExperimentMetrics
	require.NoError(t, json.Unmarshal([]byte(`{"primary":{"name":"r","kind":"BINARY"},"secondary":[{"name":"l","kind":"CONTINUOUS"}]}`), &m))
	require.Equal(t, experiment.ScaleAbsolute, m.Primary.Scale)
	require.Equal(t, experiment.ScaleAbsolute, m.Secondary[0].Scale)

	// The shape the earlier engine stored: one p-value per comparison (the pooled z-test for a binary metric).
	old := `{"computedAt":"2026-11-25T10:00:00Z","ConfidenceLevel":0.95,"Control":"a",
		"Primary":{"Name":"r","Kind":"BINARY","Comparisons":[{"Variant":"b","Statistic":2.5,"PValue":0.0124,"AdjustedPValue":0.0124,"Significant":true,
			"Absolute":{"Estimate":0.008,"StdErr":0.003,"Lower":0.002,"Upper":0.014},"Relative":{"Estimate":0.16,"StdErr":0.07,"Lower":0.02,"Upper":0.3}}]},
		"Secondary":[{"Name":"l","Kind":"CONTINUOUS","Comparisons":[{"Variant":"b","Statistic":-5.9,"DF":19915,"PValue":3e-9,"AdjustedPValue":3e-9,
			"Absolute":{"Estimate":-26,"StdErr":4.4,"Lower":-34.6,"Upper":-17.4}}]}]}`
	var r ExperimentResults
	require.NoError(t, json.Unmarshal([]byte(old), &r))
	require.Equal(t, experiment.ModeFixedHorizon, r.Mode)
	require.Nil(t, r.SequentialSettings())
	c := r.Primary.Comparisons[0]
	require.Equal(t, experiment.ScaleAbsolute, r.Primary.Scale)
	require.Equal(t, experiment.ScaleAbsolute, c.Scale)
	require.Equal(t, 0.0124, c.Absolute.PValue)
	require.Equal(t, 1.0, c.Relative.PValue)
	require.Equal(t, c.Absolute.Lower, c.Absolute.AdjustedLower)
	require.Equal(t, 2.5, c.PooledZ)
	require.Equal(t, 0.0124, c.PooledPValue)
	require.Contains(t, c.Notes[0], "earlier version")
	s := r.Secondary[0].Comparisons[0]
	require.Equal(t, 3e-9, s.Absolute.PValue)
	require.Equal(t, 1.0, s.PooledPValue)

	// Results of this version are read as written.
	res, err := experiment.Analyze(experiment.Input{Variants: []experiment.Variant{{Key: "a", Weight: 1}, {Key: "b", Weight: 1}}, Control: "a",
		Mode: experiment.ModeSequential, Primary: experiment.Metric{Name: "r", Kind: experiment.KindBinary,
			Binary: map[string]experiment.Binary{"a": {Conversions: 10, Trials: 200}, "b": {Conversions: 30, Trials: 200}}}})
	require.NoError(t, err)
	b, err := json.Marshal(ExperimentResults{Result: res})
	require.NoError(t, err)
	var back ExperimentResults
	require.NoError(t, json.Unmarshal(b, &back))
	require.Equal(t, res, back.Result)
	require.Equal(t, &res.Sequential, back.SequentialSettings())
}
