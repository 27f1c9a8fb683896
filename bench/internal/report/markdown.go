package report

import (
	"fmt"
	"io"
	"slices"
	"strings"

	"github.com/modelarchitect/architect/bench/internal/stats"
)

// Markdown writes the human summary of r.
func (r *Report) Markdown(w io.Writer) error {
	var b strings.Builder
	fmt.Fprintf(&b, "# Benchmark %s, commit %s\n\n", r.Date, r.Commit)
	keys := make([]string, 0, len(r.Machine))
	for k := range r.Machine {
		keys = append(keys, k)
	}
	slices.Sort(keys)
	b.WriteString("Machine and software: ")
	for i, k := range keys {
		if i > 0 {
			b.WriteString("; ")
		}
		fmt.Fprintf(&b, "%s %s", k, r.Machine[k])
	}
	b.WriteString(".\n")
	if len(r.Loads) > 0 || len(r.Fanouts) > 0 {
		b.WriteString("\nFigures are the median of the measured runs with the [min–max] spread. PostgreSQL, the server under " +
			"test and the load generator share the machine.\n")
	}

	if len(r.Checks) > 0 {
		b.WriteString("\n## Targets (bench/README.md)\n\n| target | this run | met |\n|---|---|---|\n")
		for _, c := range r.Checks {
			fmt.Fprintf(&b, "| %s | %s | %s |\n", c.Target, c.Actual, map[bool]string{true: "yes", false: "**no**"}[c.Met])
		}
	}
	if len(r.Comparisons) > 0 {
		b.WriteString("\n## Architect and PostGraphile 5 on the same database\n\n" +
			"Transactions per request: PostgreSQL's count (pg_stat_database) over requests sent one at a time; the " +
			"architect server runs reads without explicit transactions, so for it each is one statement. Database " +
			"alone: pgbench replaying the architect server's compiled statement of the query (`architect sql`) at the " +
			"same connection count; share: each server's req/s over that rate.\n\n" +
			"| query | connections | architect req/s | PostGraphile req/s | ratio | architect p99 ms | PostGraphile p99 ms | architect tx/request | PostGraphile tx/request | database alone /s | architect share | PostGraphile share |\n" +
			"|---|---|---|---|---|---|---|---|---|---|---|---|\n")
		for _, c := range r.Comparisons {
			fmt.Fprintf(&b, "| %s | %d | %s | %s | %.2f× | %.1f | %.1f | %s | %s | %s | %s | %s |\n", c.Query, c.Connections,
				spread(c.Architect, 0), spread(c.PostGraphile, 0), c.Ratio, c.ArchitectP99, c.PostGraphileP99,
				optional(c.ArchitectTx, "%.2f"), optional(c.PostGraphileTx, "%.2f"), nonZero(c.DatabaseAlone, "%.0f"),
				nonZero(100*c.ArchitectShare, "%.0f %%"), nonZero(100*c.PostGraphileShare, "%.0f %%"))
		}
		for _, p := range r.PgBench {
			fmt.Fprintf(&b, "\npgbench (%s, %d connections): `%s`\n", p.Query, p.Connections, p.Command)
		}
	}
	if len(r.SameLoad) > 0 {
		b.WriteString("\n## Same offered load (open loop)\n\nBoth servers sent the same requests per second, due evenly " +
			"spaced whether or not earlier ones were answered (`loadgen -rate`); latency runs from when each request was due.\n\n" +
			"| query | offered req/s | connections | architect req/s | PostGraphile req/s | architect p50 / p95 / p99 ms | PostGraphile p50 / p95 / p99 ms |\n" +
			"|---|---|---|---|---|---|---|\n")
		for _, s := range r.SameLoad {
			fmt.Fprintf(&b, "| %s | %.0f | %d | %.0f | %.0f | %.1f / %.1f / %.1f | %.1f / %.1f / %.1f |\n", s.Query, s.Rate, s.Connections,
				s.Architect.RPS, s.PostGraphile.RPS, s.Architect.P50, s.Architect.P95, s.Architect.P99,
				s.PostGraphile.P50, s.PostGraphile.P95, s.PostGraphile.P99)
		}
	}
	if len(r.Loads) > 0 {
		b.WriteString("\n## HTTP load\n\nOffered: closed (each connection sends its next request when the last is answered) " +
			"or a rate (open loop).\n\n" +
			"| measurement | connections | offered | req/s | p50 ms | p95 ms | p99 ms | failures | mean response bytes |\n|---|---|---|---|---|---|---|---|---|\n")
		for _, l := range r.Loads {
			if l.Result == nil {
				continue
			}
			s := l.Result.Summary
			offered := "closed"
			if l.Rate > 0 {
				offered = fmt.Sprintf("%.0f/s", l.Rate)
			}
			fmt.Fprintf(&b, "| %s | %d | %s | %s | %s | %s | %s | %d | %.0f |\n", l.Label, l.Connections, offered, spread(s.RPS, 0),
				spread(s.P50, 1), spread(s.P95, 1), spread(s.P99, 1), s.Failures, meanBytes(l))
		}
		b.WriteString("\nEach row: ")
		fmt.Fprintf(&b, "%d viewers' tokens, %s warm-up, then %d runs of %s.\n\nCommands:\n\n```\n",
			r.Loads[0].Viewers, r.Loads[0].Warmup, r.Loads[0].Runs, r.Loads[0].Duration)
		for _, l := range r.Loads {
			fmt.Fprintf(&b, "%s\n", l.Command)
		}
		b.WriteString("```\n")
	}
	for _, f := range r.Fanouts {
		res := f.Result
		if res == nil {
			continue
		}
		fmt.Fprintf(&b, "\n## Subscription fan-out: %s\n\n", f.Label)
		fmt.Fprintf(&b, "- connections: %d of %d (%d users × %d clients) in %.1f s; open-files limit %d",
			res.Connected, res.Target, f.Users, f.Clients, res.ConnectSeconds, res.OpenFilesLimit)
		if len(res.DialFailures) > 0 {
			fmt.Fprintf(&b, "; failures %v", res.DialFailures)
		}
		fmt.Fprintf(&b, "\n- events: %d of %d received (%d users triggered, %d trigger failures, %d stream errors)\n",
			res.Received, res.Expected, res.Triggered, res.TriggerFailures, res.StreamErrors)
		if res.CommitToReceipt.Count > 0 {
			fmt.Fprintf(&b, "- commit → receipt: p50 %.1f ms, p95 %.1f ms, p99 %.1f ms, max %.1f ms\n",
				res.CommitToReceipt.P50, res.CommitToReceipt.P95, res.CommitToReceipt.P99, res.CommitToReceipt.Max)
		}
		fmt.Fprintf(&b, "- trigger sent → receipt: p50 %.1f ms, p95 %.1f ms, p99 %.1f ms, max %.1f ms\n",
			res.TriggerToReceipt.P50, res.TriggerToReceipt.P95, res.TriggerToReceipt.P99, res.TriggerToReceipt.Max)
		if res.ServerRSSAfterKiB > 0 {
			fmt.Fprintf(&b, "- server resident memory: %.1f MiB idle, %.1f MiB with the connections: %.1f KiB per connection\n",
				float64(res.ServerRSSBeforeKiB)/1024, float64(res.ServerRSSAfterKiB)/1024, res.PerConnectionKiB)
		}
		fmt.Fprintf(&b, "\n```\n%s\n```\n", f.Command)
	}
	if r.Queueing != nil {
		b.WriteString("\n## Load-test engine against the queueing model (M/M/c)\n\n")
		if err := r.Queueing.Markdown(&b); err != nil {
			return err
		}
	}
	if len(r.GoBench) > 0 {
		b.WriteString("\n## Go benchmarks (`go test -bench`)\n\n| package | benchmark | ns/op | B/op | allocs/op | other |\n|---|---|---|---|---|---|\n")
		for _, g := range r.GoBench {
			var extra []string
			for k, v := range g.Extra {
				extra = append(extra, fmt.Sprintf("%g %s", v, k))
			}
			slices.Sort(extra)
			fmt.Fprintf(&b, "| %s | %s | %.0f | %.0f | %.0f | %s |\n", g.Package, g.Name, g.NsPerOp, g.BytesPerOp, g.AllocsPerOp, strings.Join(extra, ", "))
		}
	}
	if len(r.Notes) > 0 {
		b.WriteString("\n## Notes\n\n")
		for _, n := range r.Notes {
			fmt.Fprintf(&b, "- %s\n", n)
		}
	}
	_, err := io.WriteString(w, b.String())
	return err
}

func optional(x *float64, format string) string {
	if x == nil {
		return "–"
	}
	return fmt.Sprintf(format, *x)
}

func nonZero(x float64, format string) string {
	if x == 0 {
		return "–"
	}
	return fmt.Sprintf(format, x)
}

func spread(s stats.Spread, decimals int) string {
	return fmt.Sprintf("%.*f [%.*f–%.*f]", decimals, s.Median, decimals, s.Min, decimals, s.Max)
}

func meanBytes(l Load) float64 {
	var xs []float64
	for _, r := range l.Result.Runs {
		xs = append(xs, r.MeanBytes)
	}
	return stats.Over(xs).Median
}
