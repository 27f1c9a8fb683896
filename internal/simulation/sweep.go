package simulation

import (
	"fmt"
	"math"
	"slices"

	"github.com/shopspring/decimal"

	"github.com/modelarchitect/architect/internal/catalog"
)

// MaxSweepSteps caps a sweep's points.
const MaxSweepSteps = 200

// SweepVariable is the workload variable a sweep varies.
type SweepVariable string

const (
	SweepRequestsPerDay SweepVariable = "REQUESTS_PER_DAY"
	SweepInputTokens    SweepVariable = "INPUT_TOKENS"
	SweepOutputTokens   SweepVariable = "OUTPUT_TOKENS"
	SweepLatencySLA     SweepVariable = "LATENCY_SLA" // milliseconds
	SweepBudget         SweepVariable = "BUDGET"      // US dollars per month
	SweepPeakFactor     SweepVariable = "PEAK_FACTOR"
)

// Scale spaces a sweep's points.
type Scale string

const (
	ScaleLinear Scale = "LINEAR" // equal steps
	ScaleLog    Scale = "LOG"    // equal ratios; From and To must be positive
)

// SweepSpec asks for Steps points from From to To (both included) of one variable.
type SweepSpec struct {
	Variable SweepVariable
	From, To float64
	Steps    int   // 1..MaxSweepSteps
	Scale    Scale // "" means LINEAR
}

// SeriesPoint is one candidate at one sweep point. Nil figures could not be computed there.
type SeriesPoint struct {
	MonthlyCost *decimal.Decimal
	P95Millis   *float64
	Fits        bool
	Rank        int // 0 when excluded at this point
}

// Series is one candidate's figures across the sweep, ready to plot.
type Series struct {
	ModelID string
	Points  []SeriesPoint
}

// WinnerChange marks a sweep point whose winner differs from the previous point's.
type WinnerChange struct {
	Index int
	Value float64
	From  string // "" when nothing fitted before
	To    string // "" when nothing fits from here
}

// SweepResult holds per-candidate series and the winner at every point.
type SweepResult struct {
	CatalogVersion string
	Variable       SweepVariable
	Scale          Scale
	Values         []float64 // the variable's value at each point, as applied (rounded for counts)
	Winners        []string  // winner at each point; "" when nothing fits
	Series         []Series  // candidates that fit somewhere or miss only for reasons the variable can change
	WinnerChanges  []WinnerChange
}

// dynamicReasons are exclusions a swept variable can lift; candidates excluded only for these get a series.
var dynamicReasons = map[ReasonCode]bool{
	ReasonSLA: true, ReasonBudget: true, ReasonOverCapacity: true, ReasonContextWindow: true, ReasonMaxOutput: true,
}

// Sweep simulates w at each point of spec and collects cost and latency series and winner changes.
func Sweep(cat *catalog.Catalog, w Workload, opt Options, spec SweepSpec) (*SweepResult, error) {
	values, err := spec.points()
	if err != nil {
		return nil, err
	}
	out := &SweepResult{Variable: spec.Variable, Scale: spec.Scale, Values: make([]float64, len(values)), Winners: make([]string, len(values))}
	if out.Scale == "" {
		out.Scale = ScaleLinear
	}
	if cat != nil {
		out.CatalogVersion = cat.Version
	}
	points := map[string][]SeriesPoint{}
	keep := map[string]bool{}
	for i, v := range values {
		wi, applied, err := spec.Variable.apply(w, v)
		if err != nil {
			return nil, err
		}
		out.Values[i] = applied
		res, err := Simulate(cat, wi, opt)
		if err != nil {
			return nil, fmt.Errorf("sweep point %d (%s = %v): %w", i, spec.Variable, applied, err)
		}
		out.Winners[i] = res.Winner
		record := func(c Candidate, fits bool) {
			p := SeriesPoint{Fits: fits, Rank: c.Rank}
			if c.Cost != nil {
				cost := c.Cost.Monthly
				p.MonthlyCost = &cost
			}
			if c.Latency != nil {
				p95 := c.Latency.P95Millis
				p.P95Millis = &p95
			}
			if points[c.ModelID] == nil {
				points[c.ModelID] = make([]SeriesPoint, len(values))
			}
			points[c.ModelID][i] = p
		}
		for _, c := range res.Ranked {
			keep[c.ModelID] = true
			record(c, true)
		}
		for _, c := range res.Excluded {
			if onlyDynamic(c.Reasons) {
				keep[c.ModelID] = true
			}
			record(c, false)
		}
		if i > 0 && out.Winners[i] != out.Winners[i-1] {
			out.WinnerChanges = append(out.WinnerChanges, WinnerChange{Index: i, Value: applied, From: out.Winners[i-1], To: out.Winners[i]})
		}
	}
	ids := make([]string, 0, len(keep))
	for id := range keep {
		ids = append(ids, id)
	}
	slices.Sort(ids)
	for _, id := range ids {
		out.Series = append(out.Series, Series{ModelID: id, Points: points[id]})
	}
	return out, nil
}

func onlyDynamic(rs []Reason) bool {
	for _, r := range rs {
		if !dynamicReasons[r.Code] {
			return false
		}
	}
	return len(rs) > 0
}

func (s SweepSpec) points() ([]float64, error) {
	switch {
	case s.Steps < 1 || s.Steps > MaxSweepSteps:
		return nil, invalid("steps", "must be between 1 and %d, got %d; ask for fewer points or sweep a narrower range", MaxSweepSteps, s.Steps)
	case !finite(s.From) || !finite(s.To):
		return nil, invalid("from", "from and to must be numbers")
	case s.Scale != "" && s.Scale != ScaleLinear && s.Scale != ScaleLog:
		return nil, invalid("scale", "must be LINEAR or LOG, got %q", s.Scale)
	case s.Scale == ScaleLog && (s.From <= 0 || s.To <= 0):
		return nil, invalid("from", "a LOG sweep needs positive from and to")
	}
	if _, ok := variableFields[s.Variable]; !ok {
		return nil, invalid("variable", "%q is not one of REQUESTS_PER_DAY, INPUT_TOKENS, OUTPUT_TOKENS, LATENCY_SLA, BUDGET, PEAK_FACTOR", s.Variable)
	}
	if s.Steps == 1 {
		return []float64{s.From}, nil
	}
	out := make([]float64, s.Steps)
	for i := range out {
		t := float64(i) / float64(s.Steps-1)
		if s.Scale == ScaleLog {
			out[i] = math.Exp(math.Log(s.From) + t*(math.Log(s.To)-math.Log(s.From)))
		} else {
			out[i] = s.From + t*(s.To-s.From)
		}
	}
	out[len(out)-1] = s.To // no rounding drift at the end
	return out, nil
}

// variableFields names each variable's workload field, for error messages.
var variableFields = map[SweepVariable]string{
	SweepRequestsPerDay: "requestsPerDay", SweepInputTokens: "inputTokens", SweepOutputTokens: "outputTokens",
	SweepLatencySLA: "latencySlaMs", SweepBudget: "monthlyBudget", SweepPeakFactor: "peakFactor",
}

// apply sets the variable to v on a copy of w (counts rounded to whole numbers, budgets to cents) and returns
// the value as applied.
func (sv SweepVariable) apply(w Workload, v float64) (Workload, float64, error) {
	bad := func() (Workload, float64, error) {
		return w, v, invalid(variableFields[sv], "sweep value %v is out of range for %s", v, sv)
	}
	switch sv {
	case SweepRequestsPerDay:
		r := math.Round(v)
		if r < 1 || r > MaxRequestsPerDay {
			return bad()
		}
		w.RequestsPerDay = int64(r)
		return w, r, nil
	case SweepInputTokens, SweepOutputTokens:
		r := math.Round(v)
		if r < 0 || r > MaxTokens {
			return bad()
		}
		if sv == SweepInputTokens {
			w.InputTokens = int(r)
		} else {
			w.OutputTokens = int(r)
		}
		return w, r, nil
	case SweepLatencySLA:
		if v <= 0 {
			return bad()
		}
		w.LatencySLAMillis = v
		return w, v, nil
	case SweepBudget:
		if v < 0 {
			return bad()
		}
		b := decimal.NewFromFloat(v).Round(2)
		w.MonthlyBudgetUSD = &b
		return w, b.InexactFloat64(), nil
	case SweepPeakFactor:
		if v < 1 || v > MaxPeakFactor {
			return bad()
		}
		w.PeakFactor = v
		return w, v, nil
	}
	return w, v, invalid("variable", "unknown sweep variable %q", sv)
}
