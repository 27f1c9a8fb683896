// Package cli is the `architect benchmark gate` command: it asks a Model Architect server's benchmarkGate query
// (ARCHITECT_URL, ARCHITECT_TOKEN) to judge a candidate benchmark run against a baseline, prints the checks as a
// table, writes JSON and JUnit XML for CI, and exits non-zero when the gate fails. The statistics are the
// server's (internal/evaluation); this package only speaks to the API.
package cli

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"io"
	"net/http"
	"os"
	"strconv"
	"strings"
	"text/tabwriter"
	"time"

	"github.com/modelarchitect/architect/internal/evaluation"
)

// Usage is the command's line in architect's usage text.
const Usage = `benchmark gate --candidate ID [--baseline ID] [--max-drop X] [--min-score X] [flags]
                                                 gate CI on a benchmark run (ARCHITECT_URL, ARCHITECT_TOKEN); -h lists the flags`

// Exit codes: 0 the gate passed, ExitFail it failed, ExitError the gate could not be run.
const (
	ExitFail  = 1
	ExitError = 2
)

// IO is where the command reads its settings and writes.
type IO struct {
	Stdout, Stderr io.Writer
	Getenv         func(string) string // nil: os.Getenv
	HTTP           *http.Client        // nil: a client with a 60 s timeout
}

// Error is a failure with its exit code: ExitFail for a failed gate, ExitError otherwise.
type Error struct {
	Code int
	Err  error
}

func (e *Error) Error() string { return e.Err.Error() }
func (e *Error) Unwrap() error { return e.Err }

// ExitCode is the code the command exits with.
func (e *Error) ExitCode() int { return e.Code }

const gateQuery = `query Gate($in: BenchmarkGateInput!) {
  benchmarkGate(input: $in) {
    verdict inconclusive reasons candidateScore
    checks { name status message }
    comparison {
      baseline { model score benchmark { id name } }
      candidate { model score benchmark { id name } }
      statistics { n meanDiff se interval { low high } pValue passToFail failToPass
        mcnemar { passToFail failToPass pValue } mcnemarSkipped pairedT { statistic df pValue } }
    }
  }
}`

// Result is the benchmarkGate answer, as the JSON file holds it.
type Result struct {
	Verdict        evaluation.Verdict `json:"verdict"`
	Inconclusive   bool               `json:"inconclusive"`
	Reasons        []string           `json:"reasons"`
	CandidateScore float64            `json:"candidateScore"`
	Checks         []evaluation.Check `json:"checks"`
	Comparison     *struct {
		Baseline   side `json:"baseline"`
		Candidate  side `json:"candidate"`
		Statistics struct {
			N          int     `json:"n"`
			MeanDiff   float64 `json:"meanDiff"`
			SE         float64 `json:"se"`
			Interval   struct{ Low, High float64 }
			PValue     float64 `json:"pValue"`
			PassToFail []int   `json:"passToFail"`
			FailToPass []int   `json:"failToPass"`
			McNemar    *struct {
				PValue float64 `json:"pValue"`
			} `json:"mcnemar"`
		} `json:"statistics"`
	} `json:"comparison"`
}

// side is one run of a comparison.
type side struct {
	Model     string  `json:"model"`
	Score     float64 `json:"score"`
	Benchmark struct {
		ID   string `json:"id"`
		Name string `json:"name"`
	} `json:"benchmark"`
}

// Run runs `architect benchmark gate` with args (the flags after "gate").
func Run(ctx context.Context, args []string, o IO) error {
	getenv := o.Getenv
	if getenv == nil {
		getenv = os.Getenv
	}
	fs := flag.NewFlagSet("architect benchmark gate", flag.ContinueOnError)
	fs.SetOutput(o.Stderr)
	var (
		candidate, candidateModel, baseline, baselineModel string
		minScore, maxDrop, alpha                           float64
		mustPass, jsonOut, junitOut, suite                 string
	)
	fs.StringVar(&candidate, "candidate", "", "the benchmark id of the run being judged (required)")
	fs.StringVar(&candidateModel, "candidate-model", "", "its model, provider/model (needed when it ran several)")
	fs.StringVar(&baseline, "baseline", "", "the benchmark id of the run it must not regress from")
	fs.StringVar(&baselineModel, "baseline-model", "", "the baseline's model (needed when it ran several)")
	fs.Float64Var(&minScore, "min-score", 0, "the lowest acceptable candidate score, 0 to 1")
	fs.Float64Var(&maxDrop, "max-drop", 0, "the largest tolerated score drop against the baseline, 0 to 1")
	fs.Float64Var(&alpha, "alpha", evaluation.DefaultAlpha, "significance level of the drop's interval")
	fs.StringVar(&mustPass, "must-pass", "", "dataset item indexes that must pass, e.g. 0,4,17")
	fs.StringVar(&jsonOut, "json", "", "write the gate's result as JSON to this file")
	fs.StringVar(&junitOut, "junit", "", "write a JUnit XML report to this file")
	fs.StringVar(&suite, "suite", "benchmark-gate", "the JUnit test suite's name")
	fs.Usage = func() {
		fmt.Fprintf(o.Stderr, "usage: architect benchmark gate --candidate ID [flags]\n\n"+
			"Settings: ARCHITECT_URL (the server, e.g. http://localhost:3001) and ARCHITECT_TOKEN (a token from logIn).\n"+
			"Exit codes: 0 the gate passed, %d it failed, %d it could not be run.\n\n", ExitFail, ExitError)
		fs.PrintDefaults()
	}
	if err := fs.Parse(args); err != nil {
		return &Error{ExitError, err}
	}
	if candidate == "" {
		return &Error{ExitError, errors.New("--candidate is required: the id of a COMPLETED benchmark")}
	}
	in := map[string]any{"candidate": sideInput(candidate, candidateModel), "minScore": minScore, "maxDrop": maxDrop, "alpha": alpha}
	if baseline != "" {
		in["baseline"] = sideInput(baseline, baselineModel)
	}
	items := []int{}
	for _, f := range strings.FieldsFunc(mustPass, func(r rune) bool { return r == ',' || r == ' ' }) {
		n, err := strconv.Atoi(f)
		if err != nil {
			return &Error{ExitError, fmt.Errorf("--must-pass: %q is not an item index", f)}
		}
		items = append(items, n)
	}
	in["mustPass"] = items

	base := strings.TrimRight(getenv("ARCHITECT_URL"), "/")
	if base == "" {
		return &Error{ExitError, errors.New("ARCHITECT_URL is not set: the server's address, e.g. http://localhost:3001")}
	}
	if !strings.HasSuffix(base, "/graphql") {
		base += "/graphql"
	}
	token := getenv("ARCHITECT_TOKEN")
	if token == "" {
		return &Error{ExitError, errors.New("ARCHITECT_TOKEN is not set: a token from the logIn mutation")}
	}
	hc := o.HTTP
	if hc == nil {
		hc = &http.Client{Timeout: 60 * time.Second}
	}
	raw, err := call(ctx, hc, base, token, in)
	if err != nil {
		return &Error{ExitError, err}
	}
	var r Result
	if err := json.Unmarshal(raw, &r); err != nil {
		return &Error{ExitError, fmt.Errorf("the server's answer: %w", err)}
	}
	if jsonOut != "" {
		var pretty bytes.Buffer
		_ = json.Indent(&pretty, raw, "", "  ")
		pretty.WriteByte('\n')
		if err := os.WriteFile(jsonOut, pretty.Bytes(), 0o644); err != nil {
			return &Error{ExitError, err}
		}
	}
	if junitOut != "" {
		var buf bytes.Buffer
		if err := evaluation.WriteJUnit(&buf, suite, evaluation.GateResult{Verdict: r.Verdict, Checks: r.Checks}); err != nil {
			return &Error{ExitError, err}
		}
		if err := os.WriteFile(junitOut, buf.Bytes(), 0o644); err != nil {
			return &Error{ExitError, err}
		}
	}
	printTable(o.Stdout, r)
	if r.Verdict != evaluation.Pass {
		return &Error{ExitFail, fmt.Errorf("the gate failed: %s", strings.Join(r.Reasons, "; "))}
	}
	return nil
}

func sideInput(id, model string) map[string]any {
	s := map[string]any{"benchmarkId": id}
	if model != "" {
		s["model"] = model
	}
	return s
}

// call sends the gate query and returns the benchmarkGate object, or the first GraphQL error with its code.
func call(ctx context.Context, hc *http.Client, url, token string, in map[string]any) (json.RawMessage, error) {
	body, _ := json.Marshal(map[string]any{"query": gateQuery, "variables": map[string]any{"in": in}})
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, url, bytes.NewReader(body))
	if err != nil {
		return nil, err
	}
	req.Header.Set("Content-Type", "application/json")
	req.Header.Set("Accept", "application/graphql-response+json, application/json")
	req.Header.Set("Authorization", "Bearer "+token)
	res, err := hc.Do(req)
	if err != nil {
		return nil, fmt.Errorf("POST %s: %w", url, err)
	}
	defer res.Body.Close()
	raw, err := io.ReadAll(io.LimitReader(res.Body, 8<<20))
	if err != nil {
		return nil, fmt.Errorf("POST %s: %w", url, err)
	}
	var out struct {
		Data *struct {
			BenchmarkGate json.RawMessage `json:"benchmarkGate"`
		} `json:"data"`
		Errors []struct {
			Message    string `json:"message"`
			Extensions struct {
				Code  string `json:"code"`
				Field string `json:"field"`
			} `json:"extensions"`
		} `json:"errors"`
	}
	if err := json.Unmarshal(raw, &out); err != nil {
		return nil, fmt.Errorf("POST %s answered %s: %.200s", url, res.Status, raw)
	}
	if len(out.Errors) > 0 {
		e := out.Errors[0]
		where := ""
		if e.Extensions.Field != "" {
			where = " (" + e.Extensions.Field + ")"
		}
		return nil, fmt.Errorf("%s%s: %s", e.Extensions.Code, where, e.Message)
	}
	if out.Data == nil || len(out.Data.BenchmarkGate) == 0 {
		return nil, fmt.Errorf("POST %s answered %s without a result", url, res.Status)
	}
	return out.Data.BenchmarkGate, nil
}

func printTable(w io.Writer, r Result) {
	tw := tabwriter.NewWriter(w, 0, 0, 2, ' ', 0)
	fmt.Fprintf(tw, "verdict\t%s\n", r.Verdict)
	fmt.Fprintf(tw, "candidate score\t%.4f\n", r.CandidateScore)
	if c := r.Comparison; c != nil {
		s := c.Statistics
		fmt.Fprintf(tw, "baseline score\t%.4f\n", c.Baseline.Score)
		fmt.Fprintf(tw, "difference\t%+.4f  [%+.4f, %+.4f]  p = %.4g  (%d items)\n", s.MeanDiff, s.Interval.Low, s.Interval.High, s.PValue, s.N)
		fmt.Fprintf(tw, "flips\t%d pass→fail, %d fail→pass\n", len(s.PassToFail), len(s.FailToPass))
		if s.McNemar != nil {
			fmt.Fprintf(tw, "McNemar exact\tp = %.4g\n", s.McNemar.PValue)
		}
	}
	tw.Flush()
	fmt.Fprintln(w)
	tw = tabwriter.NewWriter(w, 0, 0, 2, ' ', 0)
	fmt.Fprintln(tw, "CHECK\tSTATUS\tMESSAGE")
	for _, c := range r.Checks {
		fmt.Fprintf(tw, "%s\t%s\t%s\n", c.Name, c.Status, c.Message)
	}
	tw.Flush()
}
