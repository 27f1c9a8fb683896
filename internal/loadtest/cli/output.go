package cli

import (
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"strings"
	"text/tabwriter"

	"github.com/modelarchitect/architect/internal/loadtest"
)

// write prints the result in the chosen format.
func write(w io.Writer, o options, r loadtest.Result) error {
	if o.format == "json" {
		enc := json.NewEncoder(w)
		enc.SetIndent("", "  ")
		return enc.Encode(r)
	}
	return writeTable(w, o, r)
}

func writeTable(w io.Writer, o options, r loadtest.Result) error {
	p := r.Plan
	fmt.Fprintf(w, "Load test of %s at %s: %s, %s per step, at most %d requests and %d in flight, seed %d\n",
		r.Model, o.url, p.Mode, secs(p.DurationSeconds), p.MaxRequests, p.MaxConcurrency, p.Seed)
	if r.Cancelled {
		fmt.Fprintln(w, "Interrupted: the last step is partial.")
	}
	fmt.Fprintln(w)
	tw := tabwriter.NewWriter(w, 0, 0, 2, ' ', tabwriter.AlignRight)
	fmt.Fprintln(tw, "STEP\tLOAD\tSENT\tOK\tFAILED\tREQ/S\tOUT TOK/S\tGOODPUT/S\tSECONDS\t")
	for i, s := range r.Steps {
		fmt.Fprintf(tw, "%d\t%s\t%d\t%d\t%d\t%.2f\t%.1f\t%.2f\t%.1f\t\n", i+1, stepLoad(s), s.Sent, s.Completed, s.Failed,
			s.RequestRate, s.OutputTokensPerSecond, s.Goodput, s.DurationSeconds)
	}
	if err := tw.Flush(); err != nil {
		return err
	}
	for i, s := range r.Steps {
		fmt.Fprintf(w, "\nStep %d (%s), milliseconds:\n", i+1, stepLoad(s))
		tw := tabwriter.NewWriter(w, 0, 0, 2, ' ', tabwriter.AlignRight)
		fmt.Fprintln(tw, "METRIC\tN\tMEAN\tMEDIAN\tP90\tP95\tP99\tMAX\t")
		for _, m := range []struct {
			name string
			d    loadtest.Distribution
		}{{"TTFT", s.TTFT}, {"TPOT", s.TPOT}, {"ITL", s.ITL}, {"E2E", s.E2E}} {
			fmt.Fprintf(tw, "%s\t%d\t%.1f\t%.1f\t%.1f\t%.1f\t%.1f\t%.1f\t\n", m.name, m.d.Count, m.d.MeanMs, m.d.MedianMs,
				m.d.P90Ms, m.d.P95Ms, m.d.P99Ms, m.d.MaxMs)
		}
		if err := tw.Flush(); err != nil {
			return err
		}
		for _, t := range s.SLO {
			verdict := "met"
			if !t.Met {
				verdict = "MISSED"
			}
			fmt.Fprintf(w, "SLO %s p%g ≤ %g ms: %.1f ms, %s\n", t.Metric, t.Percentile, t.ThresholdMs, t.MeasuredMs, verdict)
		}
		if len(s.Errors) > 0 {
			parts := make([]string, len(s.Errors))
			for j, e := range s.Errors {
				parts[j] = fmt.Sprintf("%s ×%d", errorName(e.Kind), e.Count)
				if e.Example != "" {
					parts[j] += " (" + e.Example + ")"
				}
			}
			fmt.Fprintf(w, "Errors: %s\n", strings.Join(parts, "; "))
		}
		if s.Unfinished > 0 {
			if s.Unfinished == 1 {
				fmt.Fprintln(w, "1 request was still in flight at the step's end and counts as TIMEOUT.")
			} else {
				fmt.Fprintf(w, "%d requests were still in flight at the step's end and count as TIMEOUT.\n", s.Unfinished)
			}
		}
		if s.Delayed > 0 {
			fmt.Fprintf(w, "%d requests waited for a free slot (at most %d in flight), so the endpoint got less than the target rate.\n", s.Delayed, s.Concurrency)
		}
		if s.UsageMissing > 0 {
			fmt.Fprintf(w, "%d requests reported no token usage: their output tokens are counted stream chunks.\n", s.UsageMissing)
		}
	}
	return nil
}

// errorName spells an HTTP error kind with its status text: "HTTP_429" → "HTTP 429 Too Many Requests".
func errorName(kind string) string {
	var code int
	if _, err := fmt.Sscanf(kind, "HTTP_%d", &code); err == nil {
		if t := http.StatusText(code); t != "" {
			return fmt.Sprintf("HTTP %d %s", code, t)
		}
	}
	return kind
}

func secs(s float64) string { return strings.TrimSuffix(fmt.Sprintf("%.1f", s), ".0") + " s" }
