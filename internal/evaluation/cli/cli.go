// Package cli is the `architect benchmark` command. `gate` asks a Model Architect server's benchmarkGate query
// (ARCHITECT_URL, ARCHITECT_TOKEN) to judge a candidate benchmark run against a baseline, prints the checks as a
// table, writes JSON and JUnit XML for CI, and exits non-zero when the gate fails. `run` starts a benchmark of a
// dataset version against a list of models, waits for it with progress on stderr, and then gates it in the same
// way. The statistics are the server's (internal/evaluation); this package only speaks to the API.
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

// Usage is the commands' lines in architect's usage text.
const Usage = `benchmark gate --candidate ID [--baseline ID] [--max-drop X] [--min-score X] [flags]
                                                 gate CI on a benchmark run (ARCHITECT_URL, ARCHITECT_TOKEN); -h lists the flags
  benchmark run --dataset-version ID --models M1,M2 [--baseline ID] [gate flags]
                                                 run a dataset version against models, wait, then gate it; -h lists the flags`

// Main runs `architect benchmark <gate|run>` with args (the words after "benchmark").
func Main(ctx context.Context, args []string, o IO) error {
	if len(args) > 0 {
		switch args[0] {
		case "gate":
			return Run(ctx, args[1:], o)
		case "run":
			return RunBenchmark(ctx, args[1:], o)
		}
	}
	return &Error{ExitError, fmt.Errorf("usage: architect %s", Usage)}
}

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
        mcnemar { passToFail failToPass pValue } mcnemarSkipped pairedT { meanDiff statistic df pValue } pairedTGraded }
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
			PairedT *struct {
				MeanDiff  float64 `json:"meanDiff"`
				Statistic float64 `json:"statistic"`
				DF        float64 `json:"df"`
				PValue    float64 `json:"pValue"`
			} `json:"pairedT"`
			PairedTGraded bool `json:"pairedTGraded"`
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

// gateFlags are the gate's settings, shared by `gate` and `run`.
type gateFlags struct {
	candidateModel, baseline, baselineModel string
	minScore, maxDrop, alpha                float64
	mustPass, jsonOut, junitOut, suite      string
}

func (g *gateFlags) register(fs *flag.FlagSet) {
	fs.StringVar(&g.candidateModel, "candidate-model", "", "the candidate's model, provider/model (needed when it ran several)")
	fs.StringVar(&g.baseline, "baseline", "", "the benchmark id of the run it must not regress from")
	fs.StringVar(&g.baselineModel, "baseline-model", "", "the baseline's model (needed when it ran several)")
	fs.Float64Var(&g.minScore, "min-score", 0, "the lowest acceptable candidate score, 0 to 1")
	fs.Float64Var(&g.maxDrop, "max-drop", 0, "the largest tolerated score drop against the baseline, 0 to 1")
	fs.Float64Var(&g.alpha, "alpha", evaluation.DefaultAlpha, "significance level of the drop's interval")
	fs.StringVar(&g.mustPass, "must-pass", "", "dataset item indexes that must pass, e.g. 0,4,17")
	fs.StringVar(&g.jsonOut, "json", "", "write the gate's result as JSON to this file")
	fs.StringVar(&g.junitOut, "junit", "", "write a JUnit XML report to this file")
	fs.StringVar(&g.suite, "suite", "benchmark-gate", "the JUnit test suite's name")
}

// input is the benchmarkGate input for candidate, or an error naming the flag at fault.
func (g *gateFlags) input(candidate string) (map[string]any, error) {
	in := map[string]any{"candidate": sideInput(candidate, g.candidateModel), "minScore": g.minScore, "maxDrop": g.maxDrop, "alpha": g.alpha}
	if g.baseline != "" {
		in["baseline"] = sideInput(g.baseline, g.baselineModel)
	}
	items := []int{}
	for _, f := range strings.FieldsFunc(g.mustPass, func(r rune) bool { return r == ',' || r == ' ' }) {
		n, err := strconv.Atoi(f)
		if err != nil {
			return nil, fmt.Errorf("--must-pass: %q is not an item index", f)
		}
		items = append(items, n)
	}
	in["mustPass"] = items
	return in, nil
}

// Run runs `architect benchmark gate` with args (the flags after "gate").
func Run(ctx context.Context, args []string, o IO) error {
	fs := flag.NewFlagSet("architect benchmark gate", flag.ContinueOnError)
	fs.SetOutput(o.Stderr)
	var (
		candidate string
		g         gateFlags
	)
	fs.StringVar(&candidate, "candidate", "", "the benchmark id of the run being judged (required)")
	g.register(fs)
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
	in, err := g.input(candidate)
	if err != nil {
		return &Error{ExitError, err}
	}
	a, err := newAPI(o)
	if err != nil {
		return &Error{ExitError, err}
	}
	return gate(ctx, a, in, g, o.Stdout)
}

// gate asks for the gate's result, writes the JSON and JUnit files asked for, prints the table, and returns an
// *Error with ExitFail when the gate failed.
func gate(ctx context.Context, a *api, in map[string]any, g gateFlags, stdout io.Writer) error {
	raw, err := a.do(ctx, gateQuery, map[string]any{"in": in}, "benchmarkGate")
	if err != nil {
		return &Error{ExitError, err}
	}
	var r Result
	if err := json.Unmarshal(raw, &r); err != nil {
		return &Error{ExitError, fmt.Errorf("the server's answer: %w", err)}
	}
	if g.jsonOut != "" {
		var pretty bytes.Buffer
		_ = json.Indent(&pretty, raw, "", "  ")
		pretty.WriteByte('\n')
		if err := os.WriteFile(g.jsonOut, pretty.Bytes(), 0o644); err != nil {
			return &Error{ExitError, err}
		}
	}
	if g.junitOut != "" {
		var buf bytes.Buffer
		if err := evaluation.WriteJUnit(&buf, g.suite, evaluation.GateResult{Verdict: r.Verdict, Checks: r.Checks}); err != nil {
			return &Error{ExitError, err}
		}
		if err := os.WriteFile(g.junitOut, buf.Bytes(), 0o644); err != nil {
			return &Error{ExitError, err}
		}
	}
	printTable(stdout, r)
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

// api is a server's GraphQL endpoint with a bearer token.
type api struct {
	hc         *http.Client
	url, token string
}

// newAPI reads ARCHITECT_URL and ARCHITECT_TOKEN.
func newAPI(o IO) (*api, error) {
	getenv := o.Getenv
	if getenv == nil {
		getenv = os.Getenv
	}
	base := strings.TrimRight(getenv("ARCHITECT_URL"), "/")
	if base == "" {
		return nil, errors.New("ARCHITECT_URL is not set: the server's address, e.g. http://localhost:3001")
	}
	if !strings.HasSuffix(base, "/graphql") {
		base += "/graphql"
	}
	token := getenv("ARCHITECT_TOKEN")
	if token == "" {
		return nil, errors.New("ARCHITECT_TOKEN is not set: a token from the logIn mutation")
	}
	hc := o.HTTP
	if hc == nil {
		hc = &http.Client{Timeout: 60 * time.Second}
	}
	return &api{hc: hc, url: base, token: token}, nil
}

// do sends one operation and returns data.<field>, or the first GraphQL error with its code and field.
func (a *api) do(ctx context.Context, query string, vars map[string]any, field string) (json.RawMessage, error) {
	body, _ := json.Marshal(map[string]any{"query": query, "variables": vars})
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, a.url, bytes.NewReader(body))
	if err != nil {
		return nil, err
	}
	req.Header.Set("Content-Type", "application/json")
	req.Header.Set("Accept", "application/graphql-response+json, application/json")
	req.Header.Set("Authorization", "Bearer "+a.token)
	res, err := a.hc.Do(req)
	if err != nil {
		return nil, fmt.Errorf("POST %s: %w", a.url, err)
	}
	defer res.Body.Close()
	raw, err := io.ReadAll(io.LimitReader(res.Body, 8<<20))
	if err != nil {
		return nil, fmt.Errorf("POST %s: %w", a.url, err)
	}
	var out struct {
		Data   map[string]json.RawMessage `json:"data"`
		Errors []struct {
			Message    string `json:"message"`
			Extensions struct {
				Code  string `json:"code"`
				Field string `json:"field"`
			} `json:"extensions"`
		} `json:"errors"`
	}
	if err := json.Unmarshal(raw, &out); err != nil {
		return nil, fmt.Errorf("POST %s answered %s: %.200s", a.url, res.Status, raw)
	}
	if len(out.Errors) > 0 {
		e := out.Errors[0]
		where := ""
		if e.Extensions.Field != "" {
			where = " (" + e.Extensions.Field + ")"
		}
		return nil, fmt.Errorf("%s%s: %s", e.Extensions.Code, where, e.Message)
	}
	if v := out.Data[field]; len(v) > 0 && string(v) != "null" {
		return v, nil
	}
	return nil, fmt.Errorf("POST %s answered %s without a result", a.url, res.Status)
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
		if t := s.PairedT; t != nil {
			scores := "pass/fail"
			if s.PairedTGraded {
				scores = "graded judge scores"
			}
			fmt.Fprintf(tw, "paired t\tt(%.0f) = %.4g  p = %.4g  on %s (mean difference %+.4f)\n", t.DF, t.Statistic, t.PValue, scores, t.MeanDiff)
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
