package cli

import (
	"context"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"io"
	"slices"
	"strings"
	"text/tabwriter"
	"time"
)

const createQuery = `mutation Run($in: CreateBenchmarkInput!) {
  createBenchmark(input: $in, start: true) { id name status progressDone progressTotal estimate { calls } }
}`

const progressQuery = `query Progress($id: ID!) {
  node(id: $id) { ... on Benchmark { id status progressDone progressTotal error
    results { models { model items passed score standardError } } } }
}`

// progress is a benchmark as the poll reads it.
type progress struct {
	ID            string  `json:"id"`
	Name          string  `json:"name"`
	Status        string  `json:"status"`
	ProgressDone  int     `json:"progressDone"`
	ProgressTotal int     `json:"progressTotal"`
	Error         *string `json:"error"`
	Results       *struct {
		Models []struct {
			Model         string  `json:"model"`
			Items         int     `json:"items"`
			Passed        int     `json:"passed"`
			Score         float64 `json:"score"`
			StandardError float64 `json:"standardError"`
		} `json:"models"`
	} `json:"results"`
}

// RunBenchmark runs `architect benchmark run` with args (the flags after "run"): it creates and starts a
// benchmark of a dataset version against the models, polls it until it ends, printing progress on stderr, and
// then, when a baseline, a minimum score or must-pass items are given, gates it as `architect benchmark gate`
// does (same flags, outputs and exit codes). Without a gate it prints each model's score and exits 0 once the
// run COMPLETED.
func RunBenchmark(ctx context.Context, args []string, o IO) error {
	fs := flag.NewFlagSet("architect benchmark run", flag.ContinueOnError)
	fs.SetOutput(o.Stderr)
	var (
		version, models, name, judge, system string
		repeats, maxOut                      int
		poll, timeout                        time.Duration
		g                                    gateFlags
	)
	fs.StringVar(&version, "dataset-version", "", "the id of a version of one of your datasets (required)")
	fs.StringVar(&models, "models", "", "the models to run, provider/model, separated by commas (required)")
	fs.StringVar(&name, "name", "architect benchmark run", "the benchmark's name")
	fs.IntVar(&repeats, "repeats", 1, "how many times each model answers each item")
	fs.IntVar(&maxOut, "max-output-tokens", 512, "the output token bound of every call")
	fs.StringVar(&system, "system", "", "a system prompt sent with every item")
	fs.StringVar(&judge, "judge", "", "the judge model of JUDGE items, provider/model")
	fs.DurationVar(&poll, "poll", 2*time.Second, "how often to ask for progress")
	fs.DurationVar(&timeout, "timeout", time.Hour, "give up waiting after this long (the run goes on on the server)")
	g.register(fs)
	fs.Usage = func() {
		fmt.Fprintf(o.Stderr, "usage: architect benchmark run --dataset-version ID --models M1,M2 [--baseline ID] [flags]\n\n"+
			"Settings: ARCHITECT_URL (the server, e.g. http://localhost:3001) and ARCHITECT_TOKEN (a token from logIn).\n"+
			"The run is gated when --baseline, --min-score or --must-pass is given; --candidate-model picks the model\n"+
			"gated when several run. Exit codes: 0 the run completed (and the gate passed), %d the gate failed, %d the\n"+
			"run or the gate could not be done.\n\n", ExitFail, ExitError)
		fs.PrintDefaults()
	}
	if err := fs.Parse(args); err != nil {
		return &Error{ExitError, err}
	}
	list := strings.FieldsFunc(models, func(r rune) bool { return r == ',' || r == ' ' })
	gated := g.baseline != "" || g.minScore > 0 || g.mustPass != ""
	switch {
	case version == "":
		return &Error{ExitError, errors.New("--dataset-version is required: the id of a version of one of your datasets (createDataset returns it)")}
	case len(list) == 0:
		return &Error{ExitError, errors.New("--models is required: e.g. --models openai/gpt-4.1-mini,gemini/gemini-2.5-flash")}
	case poll <= 0:
		return &Error{ExitError, errors.New("--poll must be positive, e.g. 2s")}
	case gated && g.candidateModel == "" && len(list) > 1:
		return &Error{ExitError, fmt.Errorf("--candidate-model is required to gate a run of %d models: name one of %s", len(list), strings.Join(list, ", "))}
	case g.candidateModel != "" && !slices.Contains(list, g.candidateModel):
		return &Error{ExitError, fmt.Errorf("--candidate-model %s is not in --models (%s)", g.candidateModel, strings.Join(list, ", "))}
	}
	if gated && g.candidateModel == "" {
		g.candidateModel = list[0]
	}
	// Check the gate's flags before spending calls on a run; the candidate's id is known only after it.
	if _, err := g.input(""); err != nil {
		return &Error{ExitError, err}
	}
	a, err := newAPI(o)
	if err != nil {
		return &Error{ExitError, err}
	}

	in := map[string]any{"name": name, "datasetVersionId": version, "models": list, "repeats": repeats,
		"maxOutputTokens": maxOut, "system": system}
	if judge != "" {
		in["judge"] = map[string]any{"model": judge}
	}
	raw, err := a.do(ctx, createQuery, map[string]any{"in": in}, "createBenchmark")
	if err != nil {
		return &Error{ExitError, fmt.Errorf("start the run: %w", err)}
	}
	var p progress
	if err := json.Unmarshal(raw, &p); err != nil {
		return &Error{ExitError, fmt.Errorf("the server's answer: %w", err)}
	}
	fmt.Fprintf(o.Stderr, "benchmark %s (%s): %s, %d steps\n", p.ID, p.Name, p.Status, p.ProgressTotal)
	if p, err = wait(ctx, a, p, poll, timeout, o.Stderr); err != nil {
		return &Error{ExitError, err}
	}
	if p.Status != "COMPLETED" {
		reason := ""
		if p.Error != nil {
			reason = ": " + *p.Error
		}
		return &Error{ExitError, fmt.Errorf("benchmark %s ended %s%s", p.ID, p.Status, reason)}
	}
	if !gated {
		printScores(o.Stdout, p)
		return nil
	}
	gin, err := g.input(p.ID)
	if err != nil {
		return &Error{ExitError, err}
	}
	fmt.Fprintf(o.Stdout, "candidate: benchmark %s, %s\n", p.ID, g.candidateModel)
	return gate(ctx, a, gin, g, o.Stdout)
}

// wait polls the benchmark until it is no longer PENDING or RUNNING, printing its progress when it changes.
func wait(ctx context.Context, a *api, p progress, every, timeout time.Duration, log io.Writer) (progress, error) {
	ctx, cancel := context.WithTimeout(ctx, timeout)
	defer cancel()
	last := -1
	for {
		if p.Status != "PENDING" && p.Status != "RUNNING" {
			return p, nil
		}
		if p.ProgressDone != last {
			fmt.Fprintf(log, "benchmark %s: %s %d/%d\n", p.ID, p.Status, p.ProgressDone, p.ProgressTotal)
			last = p.ProgressDone
		}
		select {
		case <-ctx.Done():
			return p, fmt.Errorf("stopped waiting for benchmark %s at %d/%d steps (%v); it goes on on the server: gate it later with architect benchmark gate --candidate %s",
				p.ID, p.ProgressDone, p.ProgressTotal, context.Cause(ctx), p.ID)
		case <-time.After(every):
		}
		raw, err := a.do(ctx, progressQuery, map[string]any{"id": p.ID}, "node")
		if err != nil {
			return p, fmt.Errorf("progress of benchmark %s: %w", p.ID, err)
		}
		next := progress{Name: p.Name}
		if err := json.Unmarshal(raw, &next); err != nil {
			return p, fmt.Errorf("the server's answer: %w", err)
		}
		p = next
	}
}

func printScores(w io.Writer, p progress) {
	fmt.Fprintf(w, "benchmark\t%s %s\n\n", p.ID, p.Status)
	tw := tabwriter.NewWriter(w, 0, 0, 2, ' ', 0)
	fmt.Fprintln(tw, "MODEL\tSCORE\tSE\tPASSED")
	if p.Results != nil {
		for _, m := range p.Results.Models {
			fmt.Fprintf(tw, "%s\t%.4f\t%.4f\t%d/%d\n", m.Model, m.Score, m.StandardError, m.Passed, m.Items)
		}
	}
	tw.Flush()
}
