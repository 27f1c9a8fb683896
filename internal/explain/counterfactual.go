package explain

import (
	"cmp"
	"fmt"
	"math"
	"slices"
	"strings"

	"github.com/shopspring/decimal"

	"github.com/modelarchitect/architect/internal/catalog"
	"github.com/modelarchitect/architect/internal/simulation"
)

// Variable is a workload variable a counterfactual changes.
type Variable string

const (
	VarLatencySLA     Variable = "LATENCY_SLA"      // milliseconds
	VarBudget         Variable = "BUDGET"           // US dollars per month
	VarRequestsPerDay Variable = "REQUESTS_PER_DAY" // volume
	VarInputTokens    Variable = "INPUT_TOKENS"
	VarOutputTokens   Variable = "OUTPUT_TOKENS"
	VarComplexity     Variable = "COMPLEXITY"
	VarDataRegions    Variable = "DATA_REGIONS"
)

// Counterfactual is one change to the workload that changes the winner, confirmed by re-simulating.
type Counterfactual struct {
	Variable  Variable
	From      string  // current value, as a person reads it
	To        string  // changed value
	FromValue float64 // numeric variables only
	ToValue   float64
	// RelativeChange is |to − from| / from for numeric variables (how far the workload moves); categorical
	// changes count as 1.
	RelativeChange float64
	NewWinner      string
	NewWinnerScore float64
	Description    string
}

// grid is the geometric ladder of factors tried in each direction before bisection refines the first one that
// changes the winner.
var grid = []float64{1.02, 1.05, 1.1, 1.2, 1.35, 1.5, 1.75, 2, 2.5, 3, 4, 5, 7, 10, 20, 50, 100, 1000}

// bisections refine the boundary between the last unchanged and the first changed grid point.
const bisections = 12

// counterfactuals searches, for each variable and direction, the smallest change that gives another winner
// (a model, not "nothing fits"). Numeric variables: walk the geometric grid from the current value (from 0,
// absolute steps of powers of ten), then bisect between the last point with the same winner and the first with
// another, snapping to the variable's resolution (whole requests and tokens, 1 ms, 1 cent); the bisection keeps
// an endpoint whose winner differs, so every result is a confirmed flip. Categorical variables: try every other
// complexity and every region constraint that differs by one region or drops it. The search is bounded
// (≤ 2 × (18 + 12) simulations per numeric variable) and deterministic; a response that is not monotone in a
// variable may hide a smaller change between grid points.
func counterfactuals(cat *catalog.Catalog, w simulation.Workload, opt simulation.Options, winner string) ([]Counterfactual, error) {
	s := searcher{cat: cat, w: w, opt: opt, winner: winner}
	var out []Counterfactual
	for _, nv := range numericVariables(w) {
		for _, up := range []bool{true, false} {
			cf, ok, err := s.numeric(nv, up)
			if err != nil {
				return nil, err
			}
			if ok {
				out = append(out, cf)
			}
		}
	}
	cats, err := s.categorical()
	if err != nil {
		return nil, err
	}
	out = append(out, cats...)
	slices.SortStableFunc(out, func(a, b Counterfactual) int {
		return cmp.Or(cmp.Compare(a.RelativeChange, b.RelativeChange), cmp.Compare(a.Variable, b.Variable), cmp.Compare(a.To, b.To))
	})
	return out, nil
}

type searcher struct {
	cat    *catalog.Catalog
	w      simulation.Workload
	opt    simulation.Options
	winner string
}

// flips simulates w and reports the new winner when it is another choice than the current winner: another
// model or effort, not the same model through another API (catalog.SameChoice, as for the runner-up).
func (s searcher) flips(w simulation.Workload) (string, float64, bool, error) {
	res, err := simulation.Simulate(s.cat, w, s.opt)
	if err != nil {
		return "", 0, false, err
	}
	if res.Winner == "" || catalog.SameChoice(res.Winner, s.winner) {
		return "", 0, false, nil
	}
	return res.Winner, res.Ranked[0].Score, true, nil
}

type numericVariable struct {
	v        Variable
	value    float64
	min, max float64
	step     float64 // resolution
	set      func(w simulation.Workload, x float64) simulation.Workload
	format   func(x float64) string
}

func numericVariables(w simulation.Workload) []numericVariable {
	var out []numericVariable
	if w.LatencySLAMillis > 0 {
		out = append(out, numericVariable{VarLatencySLA, w.LatencySLAMillis, 1, 24 * 3600 * 1000, 1,
			func(w simulation.Workload, x float64) simulation.Workload { w.LatencySLAMillis = x; return w },
			func(x float64) string { return fmt.Sprintf("%s ms", group(x, 0)) }})
	}
	if w.MonthlyBudgetUSD != nil {
		out = append(out, numericVariable{VarBudget, w.MonthlyBudgetUSD.InexactFloat64(), 0, 1e12, 0.01,
			func(w simulation.Workload, x float64) simulation.Workload {
				b := decimal.NewFromFloat(x).Round(2)
				w.MonthlyBudgetUSD = &b
				return w
			},
			func(x float64) string { return "$" + group(x, 2) + "/month" }})
	}
	out = append(out,
		numericVariable{VarRequestsPerDay, float64(w.RequestsPerDay), 1, simulation.MaxRequestsPerDay, 1,
			func(w simulation.Workload, x float64) simulation.Workload { w.RequestsPerDay = int64(x); return w },
			func(x float64) string { return group(x, 0) + " requests/day" }},
		numericVariable{VarInputTokens, float64(w.InputTokens), 0, simulation.MaxTokens, 1,
			func(w simulation.Workload, x float64) simulation.Workload { w.InputTokens = int(x); return w },
			func(x float64) string { return group(x, 0) + " input tokens" }},
		numericVariable{VarOutputTokens, float64(w.OutputTokens), 0, simulation.MaxTokens, 1,
			func(w simulation.Workload, x float64) simulation.Workload { w.OutputTokens = int(x); return w },
			func(x float64) string { return group(x, 0) + " output tokens" }},
	)
	return out
}

func (nv numericVariable) snap(x float64) float64 {
	return math.Max(nv.min, math.Min(nv.max, math.Round(x/nv.step)*nv.step))
}

// numeric finds the smallest change of nv in one direction that flips the winner.
func (s searcher) numeric(nv numericVariable, up bool) (Counterfactual, bool, error) {
	var ladder []float64
	switch {
	case nv.value == 0 && up:
		for x := nv.step; x <= nv.max && len(ladder) < 12; x *= 10 {
			ladder = append(ladder, x)
		}
	case nv.value == 0:
		return Counterfactual{}, false, nil
	default:
		for _, g := range grid {
			x := nv.value * g
			if !up {
				x = nv.value / g
			}
			ladder = append(ladder, nv.snap(x))
		}
	}
	lo := nv.value // last value with the same winner
	for _, x := range ladder {
		if x == lo || (up && x < lo) || (!up && x > lo) {
			continue
		}
		winner, score, ok, err := s.flips(nv.set(s.w, x))
		if err != nil {
			return Counterfactual{}, false, err
		}
		if !ok {
			lo = x
			continue
		}
		hi := x
		for range bisections {
			mid := nv.snap((lo + hi) / 2)
			if mid == lo || mid == hi {
				break
			}
			w2, sc2, ok2, err := s.flips(nv.set(s.w, mid))
			if err != nil {
				return Counterfactual{}, false, err
			}
			if ok2 {
				hi, winner, score = mid, w2, sc2
			} else {
				lo = mid
			}
		}
		verb := "Raise"
		if !up {
			verb = "Lower"
		}
		return Counterfactual{
			Variable: nv.v, From: nv.format(nv.value), To: nv.format(hi), FromValue: nv.value, ToValue: hi,
			RelativeChange: math.Abs(hi-nv.value) / nv.valueOrOne(),
			NewWinner:      winner, NewWinnerScore: score,
			Description: fmt.Sprintf("%s %s from %s to %s (%+.1f%%): %s wins", verb, label(nv.v), nv.format(nv.value), nv.format(hi),
				(hi-nv.value)/nv.valueOrOne()*100, winner),
		}, true, nil
	}
	return Counterfactual{}, false, nil
}

func (nv numericVariable) valueOrOne() float64 {
	if nv.value == 0 {
		return 1
	}
	return nv.value
}

func (s searcher) categorical() ([]Counterfactual, error) {
	var out []Counterfactual
	for _, c := range catalog.Complexities {
		if c == s.w.Complexity {
			continue
		}
		w := s.w
		w.Complexity = c
		winner, score, ok, err := s.flips(w)
		if err != nil {
			return nil, err
		}
		if ok {
			out = append(out, Counterfactual{Variable: VarComplexity, From: string(s.w.Complexity), To: string(c), RelativeChange: 1,
				NewWinner: winner, NewWinnerScore: score,
				Description: fmt.Sprintf("Treat the task as %s instead of %s complexity: %s wins", c, s.w.Complexity, winner)})
		}
	}
	for _, regions := range regionAlternatives(s.w.DataRegions) {
		w := s.w
		w.DataRegions = regions
		winner, score, ok, err := s.flips(w)
		if err != nil {
			return nil, err
		}
		if ok {
			out = append(out, Counterfactual{Variable: VarDataRegions, From: regionText(s.w.DataRegions), To: regionText(regions), RelativeChange: 1,
				NewWinner: winner, NewWinnerScore: score,
				Description: fmt.Sprintf("Allow data processing %s instead of %s: %s wins", regionText(regions), regionText(s.w.DataRegions), winner)})
		}
	}
	return out, nil
}

// regionAlternatives lists the region constraints one step from current: without a constraint, each single
// region; with one, none at all, current plus one more region, and current minus one region (when more than
// one remains).
func regionAlternatives(current []string) [][]string {
	all := []string{"US", "EU", "APAC", "CN"} // GLOBAL would mean no constraint, which "none" covers
	var out [][]string
	if len(current) == 0 {
		for _, r := range all {
			out = append(out, []string{r})
		}
	} else {
		out = append(out, nil)
		for _, r := range all {
			if !slices.Contains(current, r) {
				out = append(out, append(slices.Clone(current), r))
			}
		}
		if len(current) > 1 {
			for i := range current {
				out = append(out, slices.Delete(slices.Clone(current), i, i+1))
			}
		}
	}
	return out
}

func regionText(rs []string) string {
	if len(rs) == 0 {
		return "anywhere"
	}
	return "in " + strings.Join(rs, " or ")
}

func label(v Variable) string {
	return map[Variable]string{
		VarLatencySLA: "the latency SLA", VarBudget: "the monthly budget", VarRequestsPerDay: "the volume",
		VarInputTokens: "the input size", VarOutputTokens: "the output size",
	}[v]
}

// group formats x with thousands separators and the given decimals.
func group(x float64, decimals int) string {
	s := fmt.Sprintf("%.*f", decimals, x)
	intPart, frac, _ := strings.Cut(s, ".")
	neg := strings.HasPrefix(intPart, "-")
	intPart = strings.TrimPrefix(intPart, "-")
	var b strings.Builder
	for i, r := range intPart {
		if i > 0 && (len(intPart)-i)%3 == 0 {
			b.WriteByte(',')
		}
		b.WriteRune(r)
	}
	out := b.String()
	if neg {
		out = "-" + out
	}
	if frac != "" {
		out += "." + frac
	}
	return out
}
