package experiment

import "math"

// Scale is the scale on which a metric's significance is stated.
type Scale string

// The scales.
const (
	// ScaleAbsolute states significance on treatment − control (the default).
	ScaleAbsolute Scale = "ABSOLUTE"
	// ScaleRelative states significance on (treatment − control)/control, by the delta method.
	ScaleRelative Scale = "RELATIVE"
)

// Mode is how the results may be looked at.
type Mode string

// The modes.
const (
	// ModeFixedHorizon is the classical test: valid when the data are looked at once, at the planned sample
	// size (the default).
	ModeFixedHorizon Mode = "FIXED_HORIZON"
	// ModeSequential gives always-valid confidence sequences and p-values: the results may be looked at after
	// every batch and acted on at any look without inflating the false-positive rate.
	ModeSequential Mode = "SEQUENTIAL"
)

// DefaultSequentialTuning is the default N*, the total units of the two compared arms at which a confidence
// sequence is tightest: GrowthBook's default sequential tuning parameter (gbstats
// packages/stats/gbstats/frequentist/tests.py SequentialConfig.sequential_tuning_parameter = 5000 and
// docs/statistics/sequential.mdx, "We default to using 5,000 … the total sample size across the two
// variations", growthbook/growthbook@8f1db4456915a8e7b7faf23d5632ca7219d2f469).
const DefaultSequentialTuning = 5000

// DefaultSequentialMinUnits is the default number of units each compared arm needs before sequential
// results are reported. The confidence sequences are asymptotic (they rest on the central limit theorem),
// so very small arms get no interval; 100 per arm is the minimum GrowthBook's bandits use before they
// reweight ("total sample size must be at least 100 per variation", gbstats bayesian/bandits.py).
const DefaultSequentialMinUnits = 100

// Sequential holds the settings of ModeSequential. The zero value means the defaults.
type Sequential struct {
	// Tuning is N*: set it to the total units of the two compared arms at which a decision is most likely;
	// the confidence sequence is tightest there. 0 means DefaultSequentialTuning. Keep it fixed for the
	// life of the experiment.
	Tuning float64
	// MinUnits is the number of units each compared arm needs before a sequential interval and p-value are
	// reported; below it the comparison carries a note instead. 0 means DefaultSequentialMinUnits.
	MinUnits int64
}

// Options tune a comparison. The zero value is a fixed-horizon test on the absolute scale at
// DefaultConfidenceLevel.
type Options struct {
	ConfidenceLevel float64 // 1 − α; 0 means DefaultConfidenceLevel
	Scale           Scale   // the scale Significant refers to; "" means ScaleAbsolute
	Mode            Mode    // "" means ModeFixedHorizon
	Sequential      Sequential
}

// settings are validated Options with the defaults filled in.
type settings struct {
	confidence, alpha float64
	scale             Scale
	mode              Mode
	seq               Sequential
	rho               float64 // the confidence sequence's ρ; 0 in fixed-horizon mode
}

func (o Options) resolve(field string) (settings, error) {
	confidence, err := checkConfidence(o.ConfidenceLevel)
	if err != nil {
		return settings{}, err
	}
	s := settings{confidence: confidence, alpha: 1 - confidence, scale: o.Scale, mode: o.Mode, seq: o.Sequential}
	switch s.scale {
	case "":
		s.scale = ScaleAbsolute
	case ScaleAbsolute, ScaleRelative:
	default:
		return settings{}, invalid(prefix(field, "scale"), "must be ABSOLUTE or RELATIVE, got %q", o.Scale)
	}
	switch s.mode {
	case "":
		s.mode = ModeFixedHorizon
	case ModeFixedHorizon, ModeSequential:
	default:
		return settings{}, invalid("mode", "must be FIXED_HORIZON or SEQUENTIAL, got %q", o.Mode)
	}
	if s.seq, err = o.Sequential.resolve(); err != nil {
		return settings{}, err
	}
	if s.mode == ModeSequential {
		s.rho = sequentialRho(s.alpha, s.seq.Tuning)
	}
	return s, nil
}

func (q Sequential) resolve() (Sequential, error) {
	if !finite(q.Tuning) || q.Tuning < 0 {
		return Sequential{}, invalid("sequential.tuning", "must be a positive number of units (e.g. 5000), got %g", q.Tuning)
	}
	if q.Tuning == 0 {
		q.Tuning = DefaultSequentialTuning
	}
	if q.Tuning < 1 {
		return Sequential{}, invalid("sequential.tuning", "must be at least 1 unit, got %g", q.Tuning)
	}
	if q.MinUnits < 0 {
		return Sequential{}, invalid("sequential.minUnits", "must be ≥ 0, got %d", q.MinUnits)
	}
	if q.MinUnits == 0 {
		q.MinUnits = DefaultSequentialMinUnits
	}
	return q, nil
}

func prefix(field, name string) string {
	if field == "" {
		return name
	}
	return field + "." + name
}

// sequentialRho is ρ of the two-sided asymptotic confidence sequence (Waudby-Smith et al. 2023,
// arXiv 2103.06476v7 eq. 161, as gbstats sequential_rho computes it):
// ρ = √((−2 ln α + ln(1 − 2 ln α))/N*).
func sequentialRho(alpha, tuning float64) float64 {
	l := -2 * math.Log(alpha)
	return math.Sqrt((l + math.Log(1+l)) / tuning)
}
