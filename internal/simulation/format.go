package simulation

import (
	"fmt"
	"strings"
	"text/tabwriter"
)

// Text renders the result as plain text a person can read: the workload, the ranked candidates with cost,
// latency, quality and score, the Pareto front, and every excluded candidate with its reasons.
func (r *Result) Text() string {
	var b strings.Builder
	w := r.Workload
	fmt.Fprintf(&b, "Workload: %s requests/day, %d input + %d output tokens, peak x%g (%.2f req/s)",
		thousands(w.RequestsPerDay), w.InputTokens, w.OutputTokens, w.PeakFactor, r.PeakRPS)
	if w.LatencySLAMillis > 0 {
		fmt.Fprintf(&b, ", p%s <= %.0f ms", pct(w.SLAPercentile), w.LatencySLAMillis)
	}
	if w.MonthlyBudgetUSD != nil {
		fmt.Fprintf(&b, ", budget $%s/month", w.MonthlyBudgetUSD.StringFixed(2))
	}
	fmt.Fprintf(&b, ", %s complexity (tier >= %d)", w.Complexity, w.MinTier)
	if len(w.DataRegions) > 0 {
		fmt.Fprintf(&b, ", data in %s", strings.Join(w.DataRegions, "/"))
	}
	fmt.Fprintf(&b, "\nCatalog %s; month = %s days; quality basis %s\n\n", r.CatalogVersion, r.DaysPerMonth, r.QualityBasis)

	if len(r.Ranked) == 0 {
		b.WriteString("No candidate fits.\n")
	} else {
		tw := tabwriter.NewWriter(&b, 0, 0, 2, ' ', 0)
		fmt.Fprintln(tw, "#\tmodel\tregion\t$/month\tp50 ms\tp95 ms\tquality\tcost\tlatency\tquality\theadroom\tscore\tpareto")
		for _, c := range r.Ranked {
			region := c.ProcessingRegion
			if region == "" {
				region = "-"
			}
			front := "-"
			if c.Pareto {
				front = "*"
			}
			fmt.Fprintf(tw, "%d\t%s\t%s\t%s\t%.0f\t%.0f\t%s\t%.3f\t%.3f\t%.3f\t%.3f\t%.3f\t%s\n",
				c.Rank, c.ModelID, region, c.Cost.Monthly.StringFixed(2), c.Latency.P50Millis, c.Latency.P95Millis,
				qualityText(c.Quality), c.Features[0].Contribution, c.Features[1].Contribution,
				c.Features[2].Contribution, c.Features[3].Contribution, c.Score, front)
		}
		tw.Flush()
		fmt.Fprintf(&b, "\nWinner: %s. Pareto front (cost, p95, quality): %s\n", r.Winner, strings.Join(r.ParetoFront, ", "))
	}

	fmt.Fprintf(&b, "\nExcluded (%d):\n", len(r.Excluded))
	for _, c := range r.Excluded {
		codes := make([]string, len(c.Reasons))
		for i, reason := range c.Reasons {
			codes[i] = string(reason.Code)
		}
		fmt.Fprintf(&b, "  %s [%s] %s\n", c.ModelID, strings.Join(codes, ", "), c.Reasons[0].Message)
	}
	return b.String()
}

func qualityText(q Quality) string {
	switch {
	case q.Source == SourceBenchmark && q.Accuracy != nil:
		return fmt.Sprintf("acc %.1f%%", *q.Accuracy*100)
	case q.HasTier && q.IntelligenceIndex != nil:
		return fmt.Sprintf("tier %d (%.1f)", q.Tier, *q.IntelligenceIndex)
	case q.HasTier:
		return fmt.Sprintf("tier %d", q.Tier)
	}
	return "-"
}

func thousands(n int64) string {
	s := fmt.Sprint(n)
	var out []byte
	for i := range s {
		if i > 0 && (len(s)-i)%3 == 0 {
			out = append(out, ',')
		}
		out = append(out, s[i])
	}
	return string(out)
}
