package explain

import (
	"strings"
	"testing"

	"github.com/shopspring/decimal"
	"github.com/stretchr/testify/require"

	"github.com/modelarchitect/architect/internal/catalog"
	"github.com/modelarchitect/architect/internal/simulation"
)

func workedExample() simulation.Workload {
	budget := decimal.NewFromInt(3000)
	return simulation.Workload{RequestsPerDay: 40_000, InputTokens: 600, OutputTokens: 150, PeakFactor: 3,
		LatencySLAMillis: 2000, SLAPercentile: 95, MonthlyBudgetUSD: &budget,
		Complexity: catalog.ComplexityMedium, DataRegions: []string{"EU"}}
}

func TestAttributeHandMade(t *testing.T) {
	t.Parallel()
	wts := simulation.Weights{Cost: 0.4, Latency: 0.2, Quality: 0.3, Headroom: 0.1}
	mk := func(id string, values ...float64) simulation.Candidate {
		fs := make([]simulation.Feature, len(values))
		for i, v := range values {
			fs[i] = simulation.NewFeature(simulation.FeatureNames[i], v, wts)
		}
		return simulation.Candidate{ModelID: id, Features: fs, Score: simulation.Score(fs)}
	}
	// Winner is cheaper (0.9 vs 0.5) and equally fast; the runner-up is better on quality (0.6 vs 0.4).
	// Latency and headroom values are equal, so those features are symmetric null players: φ = 0.
	win, run := mk("a/win", 0.9, 0.5, 0.4, 0.8), mk("b/run", 0.5, 0.5, 0.6, 0.8)
	cs, err := attribute(win, run)
	require.NoError(t, err)
	phi := map[simulation.FeatureName]float64{}
	sum := 0.0
	for _, c := range cs {
		phi[c.Feature] = c.Phi
		sum += c.Phi
	}
	require.InDelta(t, 0.4*(0.9-0.5), phi[simulation.FeatureCost], 1e-12)    // +0.16
	require.InDelta(t, 0.3*(0.4-0.6), phi[simulation.FeatureQuality], 1e-12) // −0.06
	require.InDelta(t, 0, phi[simulation.FeatureLatency], 1e-12)
	require.InDelta(t, 0, phi[simulation.FeatureHeadroom], 1e-12)
	require.InDelta(t, win.Score-run.Score, sum, 1e-12, "efficiency: the values sum to the score difference")
	require.Equal(t, simulation.FeatureCost, cs[0].Feature, "largest |φ| first")
	require.Equal(t, FavoursWinner, cs[0].Direction)
	require.Equal(t, FavoursRunnerUp, cs[1].Direction)
	require.Equal(t, Neutral, cs[2].Direction)
	require.InDelta(t, 0.16/0.22, cs[0].Share, 1e-12)
}

// reapply applies a counterfactual's change to w, independently of the search code.
func reapply(t *testing.T, w simulation.Workload, cf Counterfactual) simulation.Workload {
	t.Helper()
	switch cf.Variable {
	case VarLatencySLA:
		w.LatencySLAMillis = cf.ToValue
	case VarBudget:
		b := decimal.NewFromFloat(cf.ToValue).Round(2)
		w.MonthlyBudgetUSD = &b
	case VarRequestsPerDay:
		w.RequestsPerDay = int64(cf.ToValue)
	case VarInputTokens:
		w.InputTokens = int(cf.ToValue)
	case VarOutputTokens:
		w.OutputTokens = int(cf.ToValue)
	case VarComplexity:
		w.Complexity = catalog.Complexity(cf.To)
	case VarDataRegions:
		switch {
		case cf.To == "anywhere":
			w.DataRegions = nil
		default:
			w.DataRegions = strings.Split(strings.TrimPrefix(cf.To, "in "), " or ")
		}
	default:
		t.Fatalf("unknown variable %s", cf.Variable)
	}
	return w
}

func TestExplainWorkedExample(t *testing.T) {
	t.Parallel()
	cat := catalog.Default()
	w := workedExample()
	ex, err := Explain(Input{Catalog: cat, Workload: w})
	require.NoError(t, err)
	require.NotEmpty(t, ex.Winner)
	require.NotEmpty(t, ex.RunnerUp)

	sum := 0.0
	for _, c := range ex.Contributions {
		sum += c.Phi
	}
	require.InDelta(t, ex.ScoreDifference, sum, 1e-12, "efficiency on the real scores")
	require.InDelta(t, ex.WinnerScore-ex.RunnerUpScore, ex.ScoreDifference, 1e-12)

	require.NotEmpty(t, ex.Counterfactuals)
	for _, cf := range ex.Counterfactuals {
		res, err := simulation.Simulate(cat, reapply(t, w, cf), simulation.Options{})
		require.NoError(t, err)
		require.Equal(t, cf.NewWinner, res.Winner, cf.Description)
		require.NotEqual(t, ex.Winner, res.Winner, cf.Description)
	}
	for i := 1; i < len(ex.Counterfactuals); i++ {
		require.LessOrEqual(t, ex.Counterfactuals[i-1].RelativeChange, ex.Counterfactuals[i].RelativeChange)
	}

	for _, section := range []string{"# Why " + ex.Winner, "## What decided it", "## What would change the decision", "## Trade-offs", "## Why other models were left out", "## Assumptions"} {
		require.Contains(t, ex.Markdown, section)
	}

	again, err := Explain(Input{Catalog: cat, Workload: w})
	require.NoError(t, err)
	require.Equal(t, ex, again, "deterministic")
}

func TestExplainSingleCandidateAndNone(t *testing.T) {
	t.Parallel()
	cat := catalog.Default()
	w := workedExample()
	w.Candidates = []string{"vertex_ai/gemini-2.5-flash"}
	ex, err := Explain(Input{Catalog: cat, Workload: w})
	require.NoError(t, err)
	require.Equal(t, "vertex_ai/gemini-2.5-flash", ex.Winner)
	require.Empty(t, ex.RunnerUp)
	require.Empty(t, ex.Contributions)

	// Nothing fits a $1 budget; the counterfactuals say what would make a model fit.
	one := decimal.NewFromInt(1)
	w = workedExample()
	w.MonthlyBudgetUSD = &one
	ex, err = Explain(Input{Catalog: cat, Workload: w})
	require.NoError(t, err)
	require.Empty(t, ex.Winner)
	require.Contains(t, ex.Markdown, "# No model fits this workload")
	require.NotEmpty(t, ex.Counterfactuals)
	for _, cf := range ex.Counterfactuals {
		require.NotEmpty(t, cf.NewWinner)
	}
}

func TestExplainUsesGivenResult(t *testing.T) {
	t.Parallel()
	cat := catalog.Default()
	res, err := simulation.Simulate(cat, workedExample(), simulation.Options{})
	require.NoError(t, err)
	ex, err := Explain(Input{Catalog: cat, Workload: workedExample(), Result: res})
	require.NoError(t, err)
	require.Equal(t, res.Winner, ex.Winner)
	require.Equal(t, res.CatalogVersion, ex.CatalogVersion)
}

func TestExplainRefusesBadInput(t *testing.T) {
	t.Parallel()
	w := workedExample()
	w.RequestsPerDay = 0
	_, err := Explain(Input{Catalog: catalog.Default(), Workload: w})
	var ve *simulation.ValidationError
	require.ErrorAs(t, err, &ve)
}

// TestRunnerUpIsAnotherModel: when the second-ranked candidate is the winner's model through another API
// (Gemini API and Vertex AI bill the same), the explanation compares the winner with the best other model,
// and names the other route as such instead of a runner-up whose every feature contributes 0.
func TestRunnerUpIsAnotherModel(t *testing.T) {
	t.Parallel()
	ranked := []simulation.Candidate{{ModelID: "gemini/gemini-2.5-flash"}, {ModelID: "vertex_ai/gemini-2.5-flash"},
		{ModelID: "openai/gpt-5.4-nano"}, {ModelID: "bedrock/anthropic.claude-sonnet-4-5-20250929-v1:0"}}
	run, same := runnerUpOf(ranked)
	require.Equal(t, "openai/gpt-5.4-nano", run.ModelID)
	require.Equal(t, []string{"vertex_ai/gemini-2.5-flash"}, same)
	run, same = runnerUpOf([]simulation.Candidate{{ModelID: "anthropic/claude-sonnet-4-5"}, {ModelID: "bedrock/anthropic.claude-sonnet-4-5-20250929-v1:0"}})
	require.Nil(t, run, "only routes to one model: no runner-up to compare with")
	require.Equal(t, []string{"bedrock/anthropic.claude-sonnet-4-5-20250929-v1:0"}, same)
	run, _ = runnerUpOf([]simulation.Candidate{{ModelID: "openai/gpt-5@high"}, {ModelID: "openai/gpt-5@low"}})
	require.Equal(t, "openai/gpt-5@low", run.ModelID, "another effort is another choice")
}

// A counterfactual names another choice: a change that only moves the winner to another API of the same model
// (here: requiring EU processing moves Gemini from the Gemini API to Vertex AI) is not a new winner.
func TestCounterfactualsNameAnotherChoice(t *testing.T) {
	t.Parallel()
	w := simulation.Workload{RequestsPerDay: 10_000, InputTokens: 1000, OutputTokens: 300, Complexity: catalog.ComplexityLow,
		MinTier: catalog.TierWeak, Candidates: []string{"gemini/gemini-2.5-flash", "vertex_ai/gemini-2.5-flash", "openai/gpt-4.1-mini"}}
	ex, err := Explain(Input{Catalog: catalog.Default(), Workload: w})
	require.NoError(t, err)
	require.NotEmpty(t, ex.Counterfactuals)
	for _, cf := range ex.Counterfactuals {
		require.False(t, catalog.SameChoice(cf.NewWinner, ex.Winner), "%s: %s is %s through another API", cf.Variable, cf.NewWinner, ex.Winner)
	}
}
