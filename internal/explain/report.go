package explain

import (
	"fmt"
	"slices"
	"strings"

	"github.com/modelarchitect/architect/internal/simulation"
)

var featureLabels = map[simulation.FeatureName]string{
	simulation.FeatureCost:     "Cost",
	simulation.FeatureLatency:  "Speed",
	simulation.FeatureQuality:  "Quality",
	simulation.FeatureHeadroom: "Spare capacity",
}

var tierNames = []string{"unsuitable", "weak", "adequate", "good"}

// report writes the Markdown a product manager reads.
func report(res *simulation.Result, ex *Explanation) string {
	var b strings.Builder
	w := res.Workload
	if ex.Winner == "" {
		b.WriteString("# No model fits this workload\n\n")
	} else {
		fmt.Fprintf(&b, "# Why %s is recommended\n\n", ex.Winner)
	}
	fmt.Fprintf(&b, "Workload: %s requests a day (%s tokens in, %s out), traffic peaking at %gx the average",
		group(float64(w.RequestsPerDay), 0), group(float64(w.InputTokens), 0), group(float64(w.OutputTokens), 0), w.PeakFactor)
	if w.LatencySLAMillis > 0 {
		fmt.Fprintf(&b, ", answers within %s ms at the %s percentile", group(w.LatencySLAMillis, 0), ordinal(w.SLAPercentile))
	}
	if w.MonthlyBudgetUSD != nil {
		fmt.Fprintf(&b, ", at most $%s a month", group(w.MonthlyBudgetUSD.InexactFloat64(), 2))
	}
	fmt.Fprintf(&b, ", %s task complexity", strings.ToLower(string(w.Complexity)))
	if len(w.DataRegions) > 0 {
		fmt.Fprintf(&b, ", data processed only %s", regionText(w.DataRegions))
	}
	b.WriteString(".\n\n")

	if len(res.Ranked) > 0 {
		win := res.Ranked[0]
		fmt.Fprintf(&b, "**Recommendation: %s** at %s, score %.3f.\n", win.ModelID, summary(win), win.Score)
		if run, ok := ranked(res, ex.RunnerUp); ok {
			fmt.Fprintf(&b, "Runner-up: %s at %s, score %.3f.\n", run.ModelID, summary(run), run.Score)
		}
		for _, id := range ex.SameModel {
			if c, ok := ranked(res, id); ok {
				fmt.Fprintf(&b, "The same model through another API: %s at %s, score %.3f (a choice of route, not of model).\n", c.ModelID, summary(c), c.Score)
			}
		}
		fmt.Fprintf(&b, "%d of %d models fit; %d were left out.\n\n", len(res.Ranked), len(res.Ranked)+len(res.Excluded), len(res.Excluded))
	}

	if run, ok := ranked(res, ex.RunnerUp); ok && len(ex.Contributions) > 0 {
		win := res.Ranked[0]
		b.WriteString("## What decided it\n\n")
		fmt.Fprintf(&b, "%s leads %s by %.3f points. Each factor's share of that lead (exact Shapley values over the %d score factors, measured against the runner-up):\n\n",
			win.ModelID, run.ModelID, ex.ScoreDifference, len(ex.Contributions))
		b.WriteString("| Factor | " + win.ModelID + " | " + run.ModelID + " | Effect on the lead | Favours |\n")
		b.WriteString("|---|---|---|---|---|\n")
		for _, c := range ex.Contributions {
			favours := "neither"
			switch c.Direction {
			case FavoursWinner:
				favours = win.ModelID
			case FavoursRunnerUp:
				favours = run.ModelID
			}
			fmt.Fprintf(&b, "| %s | %s | %s | %+.3f | %s |\n", featureLabels[c.Feature], metric(c.Feature, win), metric(c.Feature, run), c.Phi, favours)
		}
		b.WriteString("\n")
		b.WriteString(narrative(ex.Contributions, win, run))
		b.WriteString("\n")
	}

	b.WriteString("## What would change the decision\n\n")
	if len(ex.Counterfactuals) == 0 {
		b.WriteString("No single change of the SLA, budget, volume, token sizes, complexity or region constraint within the searched range gives another winner.\n\n")
	} else {
		b.WriteString("The smallest single changes found that give another winner (each re-simulated to confirm):\n\n")
		b.WriteString("| Change | From | To | New recommendation |\n|---|---|---|---|\n")
		for _, c := range ex.Counterfactuals {
			fmt.Fprintf(&b, "| %s | %s | %s | %s |\n", changeLabel(c), c.From, c.To, c.NewWinner)
		}
		b.WriteString("\n")
	}

	if len(res.ParetoFront) > 0 {
		b.WriteString("## Trade-offs\n\n")
		b.WriteString("No other fitting model is at once cheaper, faster at p95 and better on quality than these:\n\n")
		for _, c := range res.Ranked {
			if c.Pareto {
				fmt.Fprintf(&b, "- %s: %s\n", c.ModelID, summary(c))
			}
		}
		b.WriteString("\n")
	}

	if len(res.Excluded) > 0 {
		b.WriteString("## Why other models were left out\n\n")
		b.WriteString("| Reason | Models | Examples |\n|---|---|---|\n")
		for _, g := range groupReasons(res.Excluded) {
			fmt.Fprintf(&b, "| %s | %d | %s |\n", reasonLabels[g.code], len(g.models), strings.Join(first(g.models, 3), ", "))
		}
		b.WriteString("\nA model can be left out for several reasons; it is counted under each.\n\n")
	}

	b.WriteString("## Assumptions\n\n")
	fmt.Fprintf(&b, "- Prices, speeds and quality scores come from catalog %s; a month is %s days (365.25 / 12).\n", res.CatalogVersion, res.DaysPerMonth)
	b.WriteString("- Speeds are third-party medians (Artificial Analysis, one request at a time) unless a benchmark of this workspace measured the model; quality tiers follow the catalog's stated rule over the Artificial Analysis Intelligence Index.\n")
	b.WriteString("- Latency at peak adds queueing delay from an M/M/c model of the provider's rate limit, which is assumed (see the simulation documentation), not read from your account.\n")
	if len(res.Ranked) > 0 && len(res.Ranked[0].Caveats) > 0 {
		fmt.Fprintf(&b, "- Conditions for %s: %s\n", res.Ranked[0].ModelID, res.Ranked[0].Caveats[0])
	}
	return b.String()
}

func summary(c simulation.Candidate) string {
	parts := []string{}
	if c.Cost != nil {
		parts = append(parts, "$"+group(c.Cost.Monthly.InexactFloat64(), 2)+" a month")
	}
	if c.Latency != nil {
		parts = append(parts, group(c.Latency.P95Millis, 0)+" ms at p95")
	}
	if c.Quality.HasTier {
		parts = append(parts, "quality tier "+fmt.Sprint(c.Quality.Tier)+" ("+tierNames[min(3, max(0, int(c.Quality.Tier)))]+")")
	}
	return strings.Join(parts, ", ")
}

func metric(f simulation.FeatureName, c simulation.Candidate) string {
	switch f {
	case simulation.FeatureCost:
		return "$" + group(c.Cost.Monthly.InexactFloat64(), 2) + "/month"
	case simulation.FeatureLatency:
		return group(c.Latency.AtSLAPercentileMillis, 0) + " ms"
	case simulation.FeatureQuality:
		if c.Quality.Accuracy != nil && c.Quality.Source == simulation.SourceBenchmark {
			return fmt.Sprintf("%.1f%% accuracy", *c.Quality.Accuracy*100)
		}
		if c.Quality.IntelligenceIndex != nil {
			return fmt.Sprintf("index %.1f", *c.Quality.IntelligenceIndex)
		}
		return fmt.Sprintf("%.2f", c.Quality.Value)
	case simulation.FeatureHeadroom:
		return fmt.Sprintf("%.1f%% busy at peak", c.Capacity.Utilization*100)
	}
	return ""
}

func narrative(cs []Contribution, win, run simulation.Candidate) string {
	var pro, con []string
	for _, c := range cs {
		item := fmt.Sprintf("%s (%+.3f)", strings.ToLower(featureLabels[c.Feature]), c.Phi)
		switch c.Direction {
		case FavoursWinner:
			pro = append(pro, item)
		case FavoursRunnerUp:
			con = append(con, item)
		}
	}
	var b strings.Builder
	if len(pro) > 0 {
		fmt.Fprintf(&b, "%s wins on %s", win.ModelID, strings.Join(pro, " and "))
		if len(con) > 0 {
			fmt.Fprintf(&b, "; %s is better on %s", run.ModelID, strings.Join(con, " and "))
		}
		b.WriteString(".")
	} else {
		fmt.Fprintf(&b, "The two are practically tied.")
	}
	if saving := run.Cost.Monthly.Sub(win.Cost.Monthly); saving.IsPositive() {
		fmt.Fprintf(&b, " %s costs $%s less a month.", win.ModelID, group(saving.InexactFloat64(), 2))
	}
	b.WriteString("\n")
	return b.String()
}

func changeLabel(c Counterfactual) string {
	switch c.Variable {
	case VarComplexity:
		return "Task complexity"
	case VarDataRegions:
		return "Where data may be processed"
	}
	verb := "Raise"
	if c.ToValue < c.FromValue {
		verb = "Lower"
	}
	l := label(c.Variable)
	return fmt.Sprintf("%s %s (%+.1f%%)", verb, l, (c.ToValue-c.FromValue)/max(c.FromValue, 1)*100)
}

var reasonLabels = map[simulation.ReasonCode]string{
	simulation.ReasonNotChat:       "Not a chat model",
	simulation.ReasonSelfHostOnly:  "No hosted price (self-host only)",
	simulation.ReasonDeprecated:    "Retired",
	simulation.ReasonUnknownModel:  "Not in the catalog",
	simulation.ReasonRegion:        "Cannot keep data in the allowed regions",
	simulation.ReasonCapability:    "Missing a required capability",
	simulation.ReasonAttestation:   "Missing a required attestation",
	simulation.ReasonContextWindow: "Input too long for the context window",
	simulation.ReasonMaxOutput:     "Output too long",
	simulation.ReasonNoQualityData: "No quality score (benchmark it)",
	simulation.ReasonQuality:       "Quality below the task's needs",
	simulation.ReasonNoSpeedData:   "No speed figures (benchmark it)",
	simulation.ReasonOverCapacity:  "Peak traffic exceeds the rate limit",
	simulation.ReasonSLA:           "Too slow for the SLA",
	simulation.ReasonBudget:        "Over budget",
}

type reasonGroup struct {
	code   simulation.ReasonCode
	models []string
}

// groupReasons counts excluded models per reason, largest group first (ties in reason order).
func groupReasons(excluded []simulation.Candidate) []reasonGroup {
	order := []simulation.ReasonCode{simulation.ReasonRegion, simulation.ReasonQuality, simulation.ReasonSLA,
		simulation.ReasonBudget, simulation.ReasonNoQualityData, simulation.ReasonNoSpeedData, simulation.ReasonSelfHostOnly,
		simulation.ReasonCapability, simulation.ReasonAttestation, simulation.ReasonContextWindow, simulation.ReasonMaxOutput,
		simulation.ReasonOverCapacity, simulation.ReasonDeprecated, simulation.ReasonNotChat, simulation.ReasonUnknownModel}
	byCode := map[simulation.ReasonCode][]string{}
	for _, c := range excluded {
		for _, r := range c.Reasons {
			byCode[r.Code] = append(byCode[r.Code], c.ModelID)
		}
	}
	var out []reasonGroup
	for _, code := range order {
		if ms := byCode[code]; len(ms) > 0 {
			out = append(out, reasonGroup{code, ms})
		}
	}
	slices.SortStableFunc(out, func(a, b reasonGroup) int { return len(b.models) - len(a.models) })
	return out
}

func first(xs []string, n int) []string {
	if len(xs) > n {
		return append(slices.Clone(xs[:n]), "…")
	}
	return xs
}

func ordinal(p float64) string {
	s := strings.TrimSuffix(strings.TrimRight(fmt.Sprintf("%.2f", p), "0"), ".")
	switch {
	case strings.HasSuffix(s, "1") && !strings.HasSuffix(s, "11"):
		return s + "st"
	case strings.HasSuffix(s, "2") && !strings.HasSuffix(s, "12"):
		return s + "nd"
	case strings.HasSuffix(s, "3") && !strings.HasSuffix(s, "13"):
		return s + "rd"
	}
	return s + "th"
}

// ranked finds a ranked candidate by id.
func ranked(res *simulation.Result, id string) (simulation.Candidate, bool) {
	for _, c := range res.Ranked {
		if id != "" && c.ModelID == id {
			return c, true
		}
	}
	return simulation.Candidate{}, false
}
