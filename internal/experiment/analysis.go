package experiment

import (
	"fmt"
	"math"
	"sort"
)

// MetricKind says how a metric is observed and tested.
type MetricKind string

// The metric kinds.
const (
	// KindBinary metrics are conversions out of trials, compared with the two-proportion z-test.
	KindBinary MetricKind = "BINARY"
	// KindContinuous metrics are count, mean and variance, compared with Welch's t-test.
	KindContinuous MetricKind = "CONTINUOUS"
)

// Variant is one arm of the experiment and its planned share of traffic.
type Variant struct {
	Key    string  // unique, e.g. the model id or "A"
	Weight float64 // planned traffic share, any positive scale (50/50 and 0.5/0.5 are the same split)
}

// Metric is one metric's observations per variant key. Only the map matching Kind may be set; a variant
// missing from it has no observations yet.
type Metric struct {
	Name          string
	Kind          MetricKind
	LowerIsBetter bool // true for latency, cost, error rate: a negative lift is an improvement
	// Scale is the scale significance is stated on; "" means ScaleAbsolute. Both scales are always reported.
	Scale      Scale
	Binary     map[string]Binary
	Continuous map[string]Continuous
}

// Input is everything Analyze needs.
type Input struct {
	Variants []Variant
	Control  string // key of the control variant
	// Primary decides the winner; its units per variant (trials or count) are checked against the split.
	Primary   Metric
	Secondary []Metric
	// ConfidenceLevel is 1 − α for intervals and significance; 0 means DefaultConfidenceLevel.
	ConfidenceLevel float64
	// PlannedSampleSize is the units per variant the experiment was planned for (see SampleSizeProportions
	// and SampleSizeMeans); 0 means no plan, and then no fixed-horizon winner is declared.
	PlannedSampleSize int64
	// Mode selects fixed-horizon tests or always-valid confidence sequences; "" means ModeFixedHorizon.
	Mode Mode
	// Sequential tunes ModeSequential; the zero value means the defaults.
	Sequential Sequential
	// Exposures, when set, are the units assigned to each variant and the splits in force while they were
	// assigned; the SRM check then tests them (CheckSRMOverPeriods) instead of the primary metric's units
	// against the variants' weights.
	Exposures *Exposures
}

// Exposures are the units an assigner put in each variant, in Input.Variants order, and the periods with
// one split each that they were assigned in (their units add up to the units assigned).
type Exposures struct {
	Units   []int64
	Periods []SRMPeriod
}

// VariantEstimate is one variant's estimate of a metric.
type VariantEstimate struct {
	Variant  string
	Units    int64   // trials (binary) or count (continuous)
	Estimate float64 // conversion rate or mean; 0 when there are no units
	StdErr   float64 // √(p(1−p)/n) or s/√n; 0 when undefined
}

// MetricResult is the analysis of one metric.
type MetricResult struct {
	Name          string
	Kind          MetricKind
	LowerIsBetter bool
	Scale         Scale             // the scale significance is stated on
	Variants      []VariantEstimate // in Input.Variants order, control included
	Comparisons   []Comparison      // each non-control variant against control, in Input.Variants order
}

// Result is the analysis of an experiment.
type Result struct {
	ConfidenceLevel float64
	Mode            Mode
	// Sequential holds the settings in force in ModeSequential (defaults filled in); zero otherwise.
	Sequential Sequential
	Control    string
	Primary    MetricResult
	Secondary  []MetricResult
	SRM        SRM
	Decision   Decision
	// Health is CheckHealth of the SRM check and the primary metric against the assigned units.
	Health Health
}

// Analyze validates the input and computes every metric's estimates and comparisons against control (on
// both scales, in the selected mode), Holm's correction across the treatment variants of each metric, the
// SRM check on the primary metric's units and the winner decision. Bad input gives a *ValidationError.
func Analyze(in Input) (Result, error) {
	base, err := Options{ConfidenceLevel: in.ConfidenceLevel, Mode: in.Mode, Sequential: in.Sequential}.resolve("")
	if err != nil {
		return Result{}, err
	}
	if err := in.validate(); err != nil {
		return Result{}, err
	}
	res := Result{ConfidenceLevel: base.confidence, Mode: base.mode, Control: in.Control}
	if base.mode == ModeSequential {
		res.Sequential = base.seq
	}
	if res.Primary, err = in.analyzeMetric(in.Primary, "primary", base); err != nil {
		return Result{}, err
	}
	for i, m := range in.Secondary {
		mr, err := in.analyzeMetric(m, fmt.Sprintf("secondary[%d]", i), base)
		if err != nil {
			return Result{}, err
		}
		res.Secondary = append(res.Secondary, mr)
	}
	units := make([]int64, len(in.Variants))
	weights := make([]float64, len(in.Variants))
	for i, v := range in.Variants {
		units[i] = res.Primary.Variants[i].Units
		weights[i] = v.Weight
	}
	if in.Exposures != nil {
		if len(in.Exposures.Units) != len(in.Variants) {
			return Result{}, invalid("exposures.units", "need one count per variant: %d counts for %d variants", len(in.Exposures.Units), len(in.Variants))
		}
		if res.SRM, err = CheckSRMOverPeriods(in.Exposures.Units, in.Exposures.Periods); err != nil {
			if ve, ok := err.(*ValidationError); ok {
				ve.Field = "exposures." + ve.Field
			}
			return Result{}, err
		}
		var n int64
		for _, u := range in.Exposures.Units {
			n += u
		}
		res.SRM.Notes = append(res.SRM.Notes, fmt.Sprintf("checked on the %d assigned units against the split in force when each was assigned (%d split(s)), not on the metrics' units", n, len(in.Exposures.Periods)))
	} else if res.SRM, err = CheckSRM(units, weights); err != nil {
		return Result{}, err
	}
	res.Decision = decide(res.Primary, res.SRM, in.PlannedSampleSize, in.Control, base)
	var assigned []int64
	if in.Exposures != nil {
		assigned = in.Exposures.Units
	}
	res.Health = CheckHealth(res.SRM, res.Primary, assigned)
	return res, nil
}

func (in Input) validate() error {
	if len(in.Variants) < 2 {
		return invalid("variants", "need at least 2 variants (a control and a treatment), got %d", len(in.Variants))
	}
	seen := make(map[string]bool, len(in.Variants))
	for i, v := range in.Variants {
		field := fmt.Sprintf("variants[%d]", i)
		if v.Key == "" {
			return invalid(field+".key", "must not be empty")
		}
		if seen[v.Key] {
			return invalid(field+".key", "%q appears twice; variant keys must be unique", v.Key)
		}
		seen[v.Key] = true
		if !finite(v.Weight) || v.Weight <= 0 {
			return invalid(field+".weight", "must be a positive traffic share, got %g", v.Weight)
		}
	}
	if !seen[in.Control] {
		return invalid("control", "%q is not one of the variants", in.Control)
	}
	if in.PlannedSampleSize < 0 {
		return invalid("plannedSampleSize", "must be ≥ 0, got %d", in.PlannedSampleSize)
	}
	names := map[string]bool{}
	metrics := append([]Metric{in.Primary}, in.Secondary...)
	for i, m := range metrics {
		field := "primary"
		if i > 0 {
			field = fmt.Sprintf("secondary[%d]", i-1)
		}
		if m.Name == "" {
			return invalid(field+".name", "must not be empty")
		}
		if names[m.Name] {
			return invalid(field+".name", "%q appears twice; metric names must be unique", m.Name)
		}
		names[m.Name] = true
		if err := m.validate(field, seen); err != nil {
			return err
		}
	}
	return nil
}

func (m Metric) validate(field string, variants map[string]bool) error {
	switch m.Scale {
	case "", ScaleAbsolute, ScaleRelative:
	default:
		return invalid(field+".scale", "must be ABSOLUTE or RELATIVE, got %q", m.Scale)
	}
	switch m.Kind {
	case KindBinary:
		if len(m.Continuous) > 0 {
			return invalid(field+".continuous", "metric %q is BINARY; send conversions and trials", m.Name)
		}
		for _, key := range sortedKeys(m.Binary) {
			if !variants[key] {
				return invalid(field+".binary."+key, "%q is not one of the variants", key)
			}
			if err := m.Binary[key].Validate(field + ".binary." + key); err != nil {
				return err
			}
		}
	case KindContinuous:
		if len(m.Binary) > 0 {
			return invalid(field+".binary", "metric %q is CONTINUOUS; send count, mean and variance", m.Name)
		}
		for _, key := range sortedKeys(m.Continuous) {
			if !variants[key] {
				return invalid(field+".continuous."+key, "%q is not one of the variants", key)
			}
			if err := m.Continuous[key].Validate(field + ".continuous." + key); err != nil {
				return err
			}
		}
	default:
		return invalid(field+".kind", "must be BINARY or CONTINUOUS, got %q", m.Kind)
	}
	return nil
}

func (in Input) analyzeMetric(m Metric, field string, base settings) (MetricResult, error) {
	s := base
	if m.Scale != "" {
		s.scale = m.Scale
	}
	mr := MetricResult{Name: m.Name, Kind: m.Kind, LowerIsBetter: m.LowerIsBetter, Scale: s.scale}
	for _, v := range in.Variants {
		mr.Variants = append(mr.Variants, m.estimate(v.Key))
	}
	var cs []comparison
	for _, v := range in.Variants {
		if v.Key == in.Control {
			continue
		}
		var c comparison
		var err error
		if m.Kind == KindBinary {
			c, err = compareProportions(m.Binary[in.Control], m.Binary[v.Key], s)
		} else {
			c, err = compareMeans(m.Continuous[in.Control], m.Continuous[v.Key], s)
		}
		if err != nil {
			if ve, ok := err.(*ValidationError); ok {
				ve.Field = field + "." + ve.Field
			}
			return MetricResult{}, fmt.Errorf("metric %q, variant %q: %w", m.Name, v.Key, err)
		}
		c.Variant = v.Key
		cs = append(cs, c)
	}
	adjustFamily(cs, s.alpha)
	for _, c := range cs {
		mr.Comparisons = append(mr.Comparisons, c.Comparison)
	}
	return mr, nil
}

// adjustFamily applies Holm's correction across the treatment variants of one metric, separately on each
// scale (a scale that is undefined for a variant counts as p = 1), and sets significance from the stated
// scale's adjusted p-value.
func adjustFamily(cs []comparison, alpha float64) {
	abs := make([]float64, len(cs))
	rel := make([]float64, len(cs))
	head := make([]float64, len(cs))
	for i, c := range cs {
		abs[i], rel[i], head[i] = 1, 1, c.PValue
		if c.Absolute != nil {
			abs[i] = c.Absolute.PValue
		}
		if c.Relative != nil {
			rel[i] = c.Relative.PValue
		}
	}
	abs, rel, head = Holm(abs), Holm(rel), Holm(head)
	for i := range cs {
		c := &cs[i]
		if c.Absolute != nil {
			c.abs.adjust(c.Absolute, abs[i], alpha)
		}
		if c.Relative != nil {
			c.rel.adjust(c.Relative, rel[i], alpha)
		}
		c.finish(head[i], alpha)
	}
}

func (m Metric) estimate(key string) VariantEstimate {
	e := VariantEstimate{Variant: key}
	if m.Kind == KindBinary {
		b := m.Binary[key]
		e.Units, e.Estimate = b.Trials, b.Rate()
		if b.Trials > 0 {
			e.StdErr = math.Sqrt(e.Estimate * (1 - e.Estimate) / float64(b.Trials))
		}
		return e
	}
	c := m.Continuous[key]
	e.Units, e.Estimate = c.Count, c.Mean
	if c.Count > 0 {
		e.StdErr = math.Sqrt(c.Variance / float64(c.Count))
	}
	return e
}

func sortedKeys[V any](m map[string]V) []string {
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	return keys
}
