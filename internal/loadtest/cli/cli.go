// Package cli is the `architect loadtest` command: it turns its flags into a loadtest.Plan, runs the engine
// against a URL from a terminal or a CI job with progress on stderr, and prints the result as a table or JSON;
// the measuring is the engine's, and no network policy applies (the user's own machine).
package cli

import (
	"context"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"os"
	"strconv"
	"strings"
	"time"

	"github.com/modelarchitect/architect/internal/loadtest"
	"github.com/modelarchitect/architect/internal/providers"
)

// Usage is the command's line in architect's usage text.
const Usage = `loadtest --url BASE --model M (--rate R | --rates R1,R2,... | --concurrency C) [flags]
                                                 load-test a model endpoint; architect loadtest -h lists the flags`

// Exit codes besides 0 (completed, every SLO target met) and 1 (an error, or interrupted).
const ExitSLOMissed = 2

// defaultMaxConcurrency caps requests in flight in RATE and SWEEP mode when --max-concurrency is not given.
const defaultMaxConcurrency = 100

// IO is where the command writes.
type IO struct {
	Stdout, Stderr io.Writer
	Getenv         func(string) string // reads --api-key-env; nil: os.Getenv
}

// SLOError reports a completed test that missed an SLO target; the command exits with ExitSLOMissed.
type SLOError struct {
	Missed []string // "step 1 (2 req/s): TTFT p99 612.3 ms > 500 ms"
}

func (e *SLOError) Error() string {
	return "SLO target missed: " + strings.Join(e.Missed, "; ")
}

// ExitCode is ExitSLOMissed.
func (e *SLOError) ExitCode() int { return ExitSLOMissed }

// options are the parsed flags.
type options struct {
	url, model, keyEnv, kind, format, out string
	plan                                  loadtest.Plan
}

// Run runs `architect loadtest` with args (the flags after the command name): the result goes to io.Stdout
// (and to --out as JSON), progress to io.Stderr (a redrawn bar on a terminal, otherwise a line a second). It
// returns nil when the test completed and met every SLO target, a *SLOError when it completed and missed one,
// and any other error when it could not run or was interrupted (the partial result is printed first).
func Run(ctx context.Context, args []string, o IO) error {
	if o.Getenv == nil {
		o.Getenv = os.Getenv
	}
	opts, err := parse(args, o.Stderr)
	if errors.Is(err, flag.ErrHelp) {
		return nil
	}
	if err != nil {
		return err
	}
	client, closeIdle, err := newClient(opts, o.Getenv)
	if err != nil {
		return err
	}
	defer closeIdle()
	pr := newProgress(o.Stderr, isTerminal(o.Stderr), opts.plan)
	res, runErr := loadtest.Run(ctx, loadtest.Config{Client: client, Model: opts.model, Plan: opts.plan, Progress: pr.show})
	var ve *loadtest.ValidationError
	if errors.As(runErr, &ve) {
		return fmt.Errorf("%s: %s", flagFor(ve.Field), ve.Reason)
	}
	if runErr != nil && !res.Cancelled {
		return runErr
	}
	if err := write(o.Stdout, opts, res); err != nil {
		return err
	}
	if opts.out != "" {
		b, err := json.MarshalIndent(res, "", "  ")
		if err != nil {
			return err
		}
		if err := os.WriteFile(opts.out, append(b, '\n'), 0o644); err != nil {
			return fmt.Errorf("--out: %w", err)
		}
	}
	if runErr != nil {
		return fmt.Errorf("interrupted, partial result printed: %w", runErr)
	}
	if missed := missedTargets(res); len(missed) > 0 {
		return &SLOError{Missed: missed}
	}
	return nil
}

func parse(args []string, stderr io.Writer) (options, error) {
	fs := flag.NewFlagSet("architect loadtest", flag.ContinueOnError)
	fs.SetOutput(stderr)
	var o options
	fs.StringVar(&o.url, "url", "", "base URL of the API: up to /v1 for --kind openai (http://127.0.0.1:8000/v1), the host for gemini")
	fs.StringVar(&o.model, "model", "", "model name the endpoint serves")
	fs.StringVar(&o.keyEnv, "api-key-env", "", "environment variable holding the API key (none: no key sent)")
	fs.StringVar(&o.kind, "kind", string(providers.KindOpenAI), "wire format: openai (OpenAI-compatible) or gemini")
	rate := fs.Float64("rate", 0, "RATE mode: requests/s, gaps drawn from a gamma distribution")
	rates := fs.String("rates", "", "SWEEP mode: ascending requests/s, one step each, e.g. 1,2,4")
	concurrency := fs.Int("concurrency", 0, "CONCURRENCY mode: requests kept in flight")
	burstiness := fs.Float64("burstiness", 1, "gamma shape of the gaps: 1 Poisson, below 1 burstier, above 1 more regular")
	maxConc := fs.Int("max-concurrency", 0, fmt.Sprintf("most requests in flight (default: --concurrency, or %d)", defaultMaxConcurrency))
	duration := fs.Duration("duration", 30*time.Second, "length of each step")
	fs.IntVar(&o.plan.MaxRequests, "max-requests", 1000, "most requests over the whole test")
	input := fs.String("input-tokens", "256", "prompt length in tokens: N or MIN-MAX (uniform)")
	output := fs.String("output-tokens", "128", "output bound in tokens: N or MIN-MAX (uniform)")
	slo := fs.String("slo", "", "SLO targets, e.g. ttft:500ms@p99,tpot:50ms@p90,e2e:5s (metrics ttft, tpot, e2e; default p99)")
	fs.Int64Var(&o.plan.Seed, "seed", 0, "random seed of arrivals, lengths and prompts")
	fs.StringVar(&o.format, "format", "table", "output on stdout: table or json")
	fs.StringVar(&o.out, "out", "", "also write the full result as JSON to this file")
	if err := fs.Parse(args); err != nil {
		return options{}, err
	}
	if fs.NArg() > 0 {
		return options{}, fmt.Errorf("unexpected argument %q: every setting is a flag (architect loadtest -h)", fs.Arg(0))
	}
	switch {
	case o.url == "":
		return options{}, errors.New("--url is required: the endpoint's base URL, e.g. http://127.0.0.1:8000/v1")
	case strings.TrimSpace(o.model) == "":
		return options{}, errors.New("--model is required: the model name the endpoint serves")
	case o.format != "table" && o.format != "json":
		return options{}, fmt.Errorf("--format %q: write table or json", o.format)
	case o.kind != string(providers.KindOpenAI) && o.kind != string(providers.KindGemini):
		return options{}, fmt.Errorf("--kind %q: write openai or gemini", o.kind)
	}
	p := &o.plan
	set := map[string]bool{}
	fs.Visit(func(f *flag.Flag) { set[f.Name] = true })
	switch modes := btoi(set["rate"]) + btoi(set["rates"]) + btoi(set["concurrency"]); {
	case modes != 1:
		return options{}, errors.New("give exactly one of --rate (RATE), --rates (SWEEP) or --concurrency (CONCURRENCY)")
	case set["rate"]:
		p.Mode, p.Rates = loadtest.ModeRate, []float64{*rate}
	case set["rates"]:
		p.Mode = loadtest.ModeSweep
		for s := range strings.SplitSeq(*rates, ",") {
			r, err := strconv.ParseFloat(strings.TrimSpace(s), 64)
			if err != nil {
				return options{}, fmt.Errorf("--rates %q: write requests/s separated by commas, e.g. 1,2,4", *rates)
			}
			p.Rates = append(p.Rates, r)
		}
	default:
		p.Mode, p.Concurrency = loadtest.ModeConcurrency, *concurrency
	}
	if p.Mode != loadtest.ModeConcurrency {
		p.Burstiness = *burstiness
	} else if set["burstiness"] {
		return options{}, errors.New("--burstiness shapes the arrivals of --rate and --rates; --concurrency sends a request whenever one ends")
	}
	p.MaxConcurrency = *maxConc
	if !set["max-concurrency"] {
		p.MaxConcurrency = defaultMaxConcurrency
		if p.Mode == loadtest.ModeConcurrency {
			p.MaxConcurrency = max(p.Concurrency, 1)
		}
	}
	p.DurationSeconds = duration.Seconds()
	var err error
	if p.InputTokens, err = parseLength("--input-tokens", *input); err != nil {
		return options{}, err
	}
	if p.OutputTokens, err = parseLength("--output-tokens", *output); err != nil {
		return options{}, err
	}
	if p.SLO, err = parseSLO(*slo); err != nil {
		return options{}, err
	}
	if err := p.Validate(); err != nil {
		var ve *loadtest.ValidationError
		if errors.As(err, &ve) {
			return options{}, fmt.Errorf("%s: %s", flagFor(ve.Field), ve.Reason)
		}
		return options{}, err
	}
	return o, nil
}

func btoi(b bool) int {
	if b {
		return 1
	}
	return 0
}

// parseLength reads N or MIN-MAX.
func parseLength(name, v string) (loadtest.Length, error) {
	bad := fmt.Errorf("%s %q: write a number of tokens, or MIN-MAX for a uniform length, e.g. 128 or 64-256", name, v)
	lo, hi, uniform := strings.Cut(strings.TrimSpace(v), "-")
	a, err := strconv.Atoi(strings.TrimSpace(lo))
	if err != nil {
		return loadtest.Length{}, bad
	}
	if !uniform {
		return loadtest.Length{Kind: loadtest.LengthFixed, Value: a}, nil
	}
	b, err := strconv.Atoi(strings.TrimSpace(hi))
	if err != nil {
		return loadtest.Length{}, bad
	}
	return loadtest.Length{Kind: loadtest.LengthUniform, Min: a, Max: b}, nil
}

// parseSLO reads metric:duration[@pNN] targets separated by commas.
func parseSLO(v string) ([]loadtest.SLOTarget, error) {
	var out []loadtest.SLOTarget
	for part := range strings.SplitSeq(v, ",") {
		part = strings.TrimSpace(part)
		if part == "" {
			continue
		}
		bad := fmt.Errorf("--slo %q: write metric:duration@pNN with metric ttft, tpot or e2e, e.g. ttft:500ms@p99", part)
		metric, rest, ok := strings.Cut(part, ":")
		if !ok {
			return nil, bad
		}
		threshold, pct, hasPct := strings.Cut(rest, "@")
		d, err := time.ParseDuration(strings.TrimSpace(threshold))
		if err != nil {
			return nil, bad
		}
		t := loadtest.SLOTarget{Metric: loadtest.Metric(strings.ToUpper(strings.TrimSpace(metric))),
			ThresholdMs: float64(d) / float64(time.Millisecond), Percentile: 99}
		if hasPct {
			if t.Percentile, err = strconv.ParseFloat(strings.TrimPrefix(strings.ToLower(strings.TrimSpace(pct)), "p"), 64); err != nil {
				return nil, bad
			}
		}
		out = append(out, t)
	}
	return out, nil
}

// flagFor names the flag behind a plan field, for error messages.
func flagFor(field string) string {
	name, _, _ := strings.Cut(field, ".")
	name, _, _ = strings.Cut(name, "[")
	switch name {
	case "rates":
		return "--rate/--rates"
	case "concurrency":
		return "--concurrency"
	case "maxConcurrency":
		return "--max-concurrency"
	case "burstiness":
		return "--burstiness"
	case "durationSeconds":
		return "--duration"
	case "maxRequests":
		return "--max-requests"
	case "inputTokens":
		return "--input-tokens"
	case "outputTokens":
		return "--output-tokens"
	case "slo":
		return "--slo"
	}
	return field
}

// newClient builds a client that sends each request once, keeping a connection per request in flight.
func newClient(o options, getenv func(string) string) (providers.Client, func(), error) {
	key := ""
	if o.keyEnv != "" {
		if key = strings.TrimSpace(getenv(o.keyEnv)); key == "" {
			return nil, nil, fmt.Errorf("--api-key-env: %s is empty or not set; export the key in it", o.keyEnv)
		}
	}
	base := strings.TrimRight(o.url, "/")
	pc := providers.ProviderConfig{Name: "endpoint", Kind: providers.Kind(o.kind), BaseURL: base, APIKey: key}
	if u, err := url.Parse(base); err == nil && u.Hostname() == "api.openai.com" {
		pc.MaxTokensField = "max_completion_tokens" // OpenAI's own API refuses max_tokens for its reasoning models
	}
	tr := http.DefaultTransport.(*http.Transport).Clone()
	tr.MaxIdleConnsPerHost = o.plan.MaxConcurrency
	c, err := providers.NewClient(pc, loadtest.ProviderOptions(&http.Client{Transport: tr}))
	if err != nil {
		var ce *providers.ConfigError
		if errors.As(err, &ce) {
			return nil, nil, fmt.Errorf("--url: %s", ce.Reason)
		}
		return nil, nil, err
	}
	return c, tr.CloseIdleConnections, nil
}

func isTerminal(w io.Writer) bool {
	f, ok := w.(*os.File)
	if !ok {
		return false
	}
	fi, err := f.Stat()
	return err == nil && fi.Mode()&os.ModeCharDevice != 0
}

// missedTargets lists every SLO target a step missed.
func missedTargets(r loadtest.Result) []string {
	var out []string
	for i, s := range r.Steps {
		for _, t := range s.SLO {
			switch {
			case t.Met:
			case s.Completed == 0:
				out = append(out, fmt.Sprintf("step %d (%s): %s p%g: no request completed", i+1, stepLoad(s), t.Metric, t.Percentile))
			default:
				out = append(out, fmt.Sprintf("step %d (%s): %s p%g %.1f ms > %g ms", i+1, stepLoad(s), t.Metric, t.Percentile, t.MeasuredMs, t.ThresholdMs))
			}
		}
	}
	return out
}

// stepLoad names a step's load: "2 req/s" or "concurrency 8".
func stepLoad(s loadtest.Step) string {
	if s.TargetRate > 0 {
		return strconv.FormatFloat(s.TargetRate, 'g', -1, 64) + " req/s"
	}
	return fmt.Sprintf("concurrency %d", s.Concurrency)
}
