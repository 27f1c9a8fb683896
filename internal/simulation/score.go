package simulation

import "math"

// FeatureName names one additive part of the score.
type FeatureName string

// The score features, in the order they appear in every result.
const (
	FeatureCost     FeatureName = "COST"     // 1 − cost ÷ budget, or its place between the catalog's cheapest and dearest (log scale)
	FeatureLatency  FeatureName = "LATENCY"  // 1 − latency ÷ SLA, or its place between the catalog's fastest and slowest (log scale)
	FeatureQuality  FeatureName = "QUALITY"  // estimated accuracy, 0..1
	FeatureHeadroom FeatureName = "HEADROOM" // 1 − utilisation at peak
)

// FeatureNames lists the features in result order.
var FeatureNames = []FeatureName{FeatureCost, FeatureLatency, FeatureQuality, FeatureHeadroom}

// Weights weigh the features; they must be non-negative and not all zero. Scores are comparable only under
// the same weights.
type Weights struct {
	Cost, Latency, Quality, Headroom float64
}

// DefaultWeights favour cost and quality, then latency headroom under the SLA, then spare capacity.
var DefaultWeights = Weights{Cost: 0.35, Latency: 0.25, Quality: 0.30, Headroom: 0.10}

func (w Weights) validate() error {
	sum := 0.0
	for _, x := range []float64{w.Cost, w.Latency, w.Quality, w.Headroom} {
		if !finite(x) || x < 0 {
			return invalid("weights", "must be non-negative numbers")
		}
		sum += x
	}
	if sum == 0 {
		return invalid("weights", "must not all be zero")
	}
	return nil
}

// Of returns the weight of feature f.
func (w Weights) Of(f FeatureName) float64 {
	switch f {
	case FeatureCost:
		return w.Cost
	case FeatureLatency:
		return w.Latency
	case FeatureQuality:
		return w.Quality
	case FeatureHeadroom:
		return w.Headroom
	}
	return 0
}

// Feature is one term of a candidate's score: Contribution = Weight × Value.
type Feature struct {
	Name         FeatureName
	Value        float64 // 0..1, higher is better
	Weight       float64
	Contribution float64
}

// Score is the sum of the features' contributions, w_f × value_f, each value in 0..1 computed from the
// candidate's own figures and fixed reference points (see score in simulate.go and Anchors).
func Score(fs []Feature) float64 {
	s := 0.0
	for _, f := range fs {
		s += f.Contribution
	}
	return s
}

// NewFeature builds a feature with its contribution.
func NewFeature(name FeatureName, value float64, w Weights) Feature {
	v := clamp01(value)
	return Feature{Name: name, Value: v, Weight: w.Of(name), Contribution: w.Of(name) * v}
}

func clamp01(x float64) float64 {
	if !finite(x) {
		return 0
	}
	return math.Max(0, math.Min(1, x))
}
