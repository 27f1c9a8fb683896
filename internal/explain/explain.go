package explain

import (
	"cmp"
	"fmt"
	"math"
	"slices"

	"github.com/modelarchitect/architect/internal/catalog"
	"github.com/modelarchitect/architect/internal/simulation"
)

// Input is what an explanation needs: the inputs of a simulation, and optionally its result (recomputed when
// nil; counterfactuals always re-simulate).
type Input struct {
	Catalog  *catalog.Catalog
	Workload simulation.Workload
	Options  simulation.Options
	Result   *simulation.Result
}

// Direction says which candidate a feature favours.
type Direction string

const (
	FavoursWinner   Direction = "WINNER"
	FavoursRunnerUp Direction = "RUNNER_UP"
	Neutral         Direction = "NEUTRAL"
)

// Contribution is one score feature's share of the winner's lead over the runner-up.
type Contribution struct {
	Feature       simulation.FeatureName
	WinnerValue   float64 // the feature's value (0..1) for the winner
	RunnerUpValue float64
	Weight        float64
	Phi           float64 // Shapley value: this feature's part of the score difference
	Share         float64 // |φ| / Σ|φ|, 0 when every φ is 0
	Direction     Direction
}

// Explanation explains one simulation result.
type Explanation struct {
	CatalogVersion string
	Winner         string // "" when nothing fits
	RunnerUp       string // the best ranked candidate that is another model (or effort); "" when there is none
	// SameModel lists the ranked candidates that are the winner's model through another API (Gemini API and
	// Vertex AI, Anthropic and Bedrock): a tie of routes, not a choice between models.
	SameModel       []string
	WinnerScore     float64
	RunnerUpScore   float64
	ScoreDifference float64
	Contributions   []Contribution // empty without a runner-up; sorted by |φ|, largest first
	Counterfactuals []Counterfactual
	Markdown        string
}

// Explain explains why the simulation's winner won: Shapley values of its lead over the runner-up (the best
// candidate that is a different model or effort, not the same model through another API), the smallest
// workload changes that change the winner, and a Markdown report.
func Explain(in Input) (*Explanation, error) {
	res := in.Result
	if res == nil {
		var err error
		if res, err = simulation.Simulate(in.Catalog, in.Workload, in.Options); err != nil {
			return nil, err
		}
	}
	ex := &Explanation{CatalogVersion: res.CatalogVersion, Winner: res.Winner}
	if len(res.Ranked) > 0 {
		ex.WinnerScore = res.Ranked[0].Score
	}
	runnerUp, same := runnerUpOf(res.Ranked)
	ex.SameModel = same
	if runnerUp != nil {
		win, run := res.Ranked[0], *runnerUp
		ex.RunnerUp, ex.RunnerUpScore = run.ModelID, run.Score
		ex.ScoreDifference = win.Score - run.Score
		cs, err := attribute(win, run)
		if err != nil {
			return nil, err
		}
		ex.Contributions = cs
	}
	cfs, err := counterfactuals(in.Catalog, res.Workload, in.Options, res.Winner)
	if err != nil {
		return nil, err
	}
	ex.Counterfactuals = cfs
	ex.Markdown = report(res, ex)
	return ex, nil
}

// runnerUpOf returns the best ranked candidate after the winner that is another model (or effort), and the
// ranked candidates that are the winner's model through another API.
func runnerUpOf(ranked []simulation.Candidate) (*simulation.Candidate, []string) {
	if len(ranked) == 0 {
		return nil, nil
	}
	var (
		run  *simulation.Candidate
		same []string
	)
	for i := 1; i < len(ranked); i++ {
		c := &ranked[i]
		switch {
		case catalog.SameChoice(c.ModelID, ranked[0].ModelID):
			same = append(same, c.ModelID)
		case run == nil:
			run = c
		}
	}
	return run, same
}

// neutralBelow is the |φ| under which a feature is reported as favouring neither candidate (scores are shown
// to three decimals).
const neutralBelow = 5e-4

// attribute computes exact Shapley values of the score features with the runner-up as the single baseline
// (Lundberg & Lee 2017, "A Unified Approach to Interpreting Model Predictions", with the interventional
// value function of one baseline): v(S) is the score of a candidate that takes the winner's
// feature values for the features in S and the runner-up's for the rest, minus the runner-up's score. So
// v(∅) = 0 and v(N) = the score difference. With today's additive score φ_i equals w_i·(a_i − b_i); the
// enumeration keeps the attribution exact if the score ever gains interactions.
func attribute(win, run simulation.Candidate) ([]Contribution, error) {
	n := len(win.Features)
	if n != len(run.Features) {
		return nil, fmt.Errorf("explain: winner has %d features, runner-up %d", n, len(run.Features))
	}
	hybrid := func(mask uint32) []simulation.Feature {
		fs := make([]simulation.Feature, n)
		for i := range n {
			if mask&(1<<i) != 0 {
				fs[i] = win.Features[i]
			} else {
				fs[i] = run.Features[i]
			}
		}
		return fs
	}
	base := simulation.Score(run.Features)
	phi, err := Shapley(n, func(mask uint32) float64 { return simulation.Score(hybrid(mask)) - base })
	if err != nil {
		return nil, err
	}
	total := 0.0
	for _, p := range phi {
		total += math.Abs(p)
	}
	out := make([]Contribution, n)
	for i := range n {
		c := Contribution{
			Feature:       win.Features[i].Name,
			WinnerValue:   win.Features[i].Value,
			RunnerUpValue: run.Features[i].Value,
			Weight:        win.Features[i].Weight,
			Phi:           phi[i],
			Direction:     Neutral,
		}
		if total > 0 {
			c.Share = math.Abs(phi[i]) / total
		}
		switch { // below neutralBelow a feature changes no displayed score digit
		case phi[i] >= neutralBelow:
			c.Direction = FavoursWinner
		case phi[i] <= -neutralBelow:
			c.Direction = FavoursRunnerUp
		}
		out[i] = c
	}
	slices.SortStableFunc(out, func(a, b Contribution) int { return cmp.Compare(math.Abs(b.Phi), math.Abs(a.Phi)) })
	return out, nil
}
