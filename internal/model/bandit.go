package model

import (
	"time"

	"github.com/modelarchitect/architect/internal/experiment"
)

// BanditPlan makes an experiment a Thompson-sampling bandit on its primary metric (experiment.UpdateBandit):
// the split follows the posterior, updated on a schedule, with a floor per arm, a warm-up and guardrails from
// secondary metrics.
type BanditPlan struct {
	MinShare      float64  `json:"minShare,omitempty"`      // traffic floor per running arm; 0: experiment.DefaultBanditMinShare
	WarmupUnits   int64    `json:"warmupUnits,omitempty"`   // units per arm before the weights follow the posterior; 0: the default
	QualityMetric string   `json:"qualityMetric,omitempty"` // a secondary metric whose mean must stay above QualityFloor
	QualityFloor  *float64 `json:"qualityFloor,omitempty"`
	CostMetric    string   `json:"costMetric,omitempty"` // a secondary metric whose mean must stay below CostCeiling
	CostCeiling   *float64 `json:"costCeiling,omitempty"`
}

// BanditWarning goes with every bandit's results.
const BanditWarning = "bandit estimates are biased: the split followed the data, so arms that looked better early got more units " +
	"and the estimates and intervals above are not those of a fixed split; use the bandit to route traffic, and a fixed-split " +
	"experiment to measure an effect"

// BanditState is a bandit's weight history, kept in its results.
type BanditState struct {
	Updates []BanditUpdate `json:"updates"`
}

// BanditUpdate is one update of a bandit's weights.
type BanditUpdate struct {
	At time.Time `json:"at"`
	// Weights are the new traffic shares, one per model in the experiment's order (0: stopped).
	Weights []float64 `json:"weights"`
	experiment.BanditResult
}

// Current is the split in force: the last update's weights; nil before the first update.
func (b *BanditState) Current() []float64 {
	if b == nil || len(b.Updates) == 0 {
		return nil
	}
	return b.Updates[len(b.Updates)-1].Weights
}

// Warning is BanditWarning (a method, so that the GraphQL field needs no resolver).
func (*BanditState) Warning() string { return BanditWarning }
