package cli

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/modelarchitect/architect/internal/loadtest"
	"github.com/modelarchitect/architect/internal/providers/providertest"
)

type testBundle struct {
	server         *providertest.Server
	stdout, stderr *bytes.Buffer
}

// answer is a short streamed answer: 4 tokens, 5 ms apart, with usage.
var answer = providertest.Reply{Chunks: []string{"a", "b", "c", "d"}, ChunkDelay: 5 * time.Millisecond,
	Usage: &providertest.Usage{Input: 30, Output: 4}}

func setup(t *testing.T, key string, reply providertest.Reply) *testBundle {
	t.Helper()
	return &testBundle{
		server: providertest.NewOpenAI(t, key, func(providertest.Request) providertest.Reply { return reply }),
		stdout: &bytes.Buffer{}, stderr: &bytes.Buffer{},
	}
}

func (b *testBundle) run(args ...string) error {
	return Run(context.Background(), append([]string{"--url", b.server.BaseURL, "--model", "m"}, args...),
		IO{Stdout: b.stdout, Stderr: b.stderr, Getenv: func(k string) string {
			if k == "TEST_KEY" {
				return "secret"
			}
			return ""
		}})
}

func TestJSONOutput(t *testing.T) {
	t.Parallel()
	b := setup(t, "secret", answer)
	out := filepath.Join(t.TempDir(), "result.json")
	err := b.run("--api-key-env", "TEST_KEY", "--rate", "40", "--duration", "300ms", "--max-requests", "5",
		"--input-tokens", "32", "--output-tokens", "8-16", "--slo", "ttft:10s@p99,tpot:5s", "--format", "json", "--out", out)
	require.NoError(t, err)
	var res loadtest.Result
	require.NoError(t, json.Unmarshal(b.stdout.Bytes(), &res))
	require.Equal(t, loadtest.ModeRate, res.Plan.Mode)
	require.Equal(t, loadtest.Length{Kind: loadtest.LengthUniform, Min: 8, Max: 16}, res.Plan.OutputTokens)
	require.Equal(t, []loadtest.SLOTarget{{Metric: loadtest.MetricTTFT, ThresholdMs: 10000, Percentile: 99},
		{Metric: loadtest.MetricTPOT, ThresholdMs: 5000, Percentile: 99}}, res.Plan.SLO)
	require.Len(t, res.Steps, 1)
	require.Equal(t, 5, res.Steps[0].Completed)
	require.True(t, res.SLOMet())
	for _, r := range b.server.Requests() {
		require.Equal(t, "secret", r.Key)
		require.True(t, r.MaxOutputTokens >= 8 && r.MaxOutputTokens <= 16)
	}
	file, err := os.ReadFile(out)
	require.NoError(t, err)
	require.JSONEq(t, b.stdout.String(), string(file))
	// Not a terminal: one plain line per snapshot, here the step's end.
	require.Contains(t, b.stderr.String(), "step 1/1 40 req/s [########################]")
	require.NotContains(t, b.stderr.String(), "\r")
}

func TestTableOutput(t *testing.T) {
	t.Parallel()
	b := setup(t, "", answer)
	err := b.run("--rates", "20,40", "--duration", "200ms", "--max-requests", "6", "--slo", "e2e:10s@p90")
	require.NoError(t, err)
	out := b.stdout.String()
	for _, want := range []string{"Load test of m at", "SWEEP", "STEP", "REQ/S", "GOODPUT/S", "20 req/s", "40 req/s",
		"METRIC", "MEDIAN", "P90", "P95", "P99", "TTFT", "TPOT", "ITL", "E2E", "SLO E2E p90 ≤ 10000 ms", "met"} {
		require.Contains(t, out, want)
	}
}

func TestConcurrencyMode(t *testing.T) {
	t.Parallel()
	b := setup(t, "", answer)
	require.NoError(t, b.run("--concurrency", "2", "--duration", "5s", "--max-requests", "4", "--format", "json"))
	var res loadtest.Result
	require.NoError(t, json.Unmarshal(b.stdout.Bytes(), &res))
	require.Equal(t, loadtest.ModeConcurrency, res.Plan.Mode)
	require.Equal(t, 2, res.Plan.MaxConcurrency, "defaults to --concurrency")
	require.Equal(t, 4, res.Steps[0].Completed)
	require.LessOrEqual(t, b.server.MaxInFlight(), 2)
}

// TestSLOMissedExitsTwo: a completed test that misses a target prints its result and returns an error with
// exit code 2.
func TestSLOMissedExitsTwo(t *testing.T) {
	t.Parallel()
	b := setup(t, "", providertest.Reply{Chunks: []string{"a", "b"}, FirstChunkDelay: 20 * time.Millisecond, Usage: &providertest.Usage{Input: 3, Output: 2}})
	err := b.run("--rate", "50", "--duration", "200ms", "--max-requests", "3", "--slo", "ttft:1ms@p50")
	var se *SLOError
	require.ErrorAs(t, err, &se)
	require.Equal(t, ExitSLOMissed, se.ExitCode())
	require.Len(t, se.Missed, 1)
	require.Contains(t, se.Missed[0], "step 1 (50 req/s): TTFT p50")
	require.Contains(t, b.stdout.String(), "MISSED")

	b = setup(t, "", providertest.Reply{Status: 503, ErrorMessage: "overloaded"})
	err = b.run("--rate", "50", "--duration", "200ms", "--max-requests", "2", "--slo", "e2e:1s")
	require.ErrorAs(t, err, &se)
	require.Contains(t, se.Missed[0], "no request completed")
	require.Contains(t, b.stdout.String(), "HTTP 503 Service Unavailable ×2 (overloaded)")
}

func TestBadFlags(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name string
		args []string
		want string
	}{
		{name: "no mode", args: []string{}, want: "exactly one of --rate"},
		{name: "two modes", args: []string{"--rate", "1", "--concurrency", "2"}, want: "exactly one of --rate"},
		{name: "bad rates", args: []string{"--rates", "1,x"}, want: "--rates"},
		{name: "rates not ascending", args: []string{"--rates", "2,1"}, want: "--rate/--rates: must be above rates[0]"},
		{name: "bad slo", args: []string{"--rate", "1", "--slo", "ttft=5ms"}, want: "--slo \"ttft=5ms\": write metric:duration@pNN"},
		{name: "slo on itl", args: []string{"--rate", "1", "--slo", "itl:5ms"}, want: "--slo: ITL has no target"},
		{name: "bad length", args: []string{"--rate", "1", "--input-tokens", "many"}, want: "--input-tokens \"many\""},
		{name: "zero duration", args: []string{"--rate", "1", "--duration", "0s"}, want: "--duration: must be above 0"},
		{name: "format", args: []string{"--rate", "1", "--format", "xml"}, want: "--format"},
		{name: "kind", args: []string{"--rate", "1", "--kind", "anthropic"}, want: "--kind"},
		{name: "burstiness in concurrency mode", args: []string{"--concurrency", "2", "--burstiness", "0.5"}, want: "--burstiness"},
		{name: "missing key", args: []string{"--rate", "1", "--api-key-env", "NOPE"}, want: "NOPE is empty or not set"},
		{name: "argument", args: []string{"--rate", "1", "extra"}, want: "unexpected argument"},
		{name: "unknown flag", args: []string{"--rate", "1", "--qps", "3"}, want: "flag provided but not defined"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			b := setup(t, "", answer)
			err := b.run(tc.args...)
			require.ErrorContains(t, err, tc.want)
			var se *SLOError
			require.False(t, errors.As(err, &se), "exit 1, not 2")
			require.Empty(t, b.server.Requests())
		})
	}

	var stderr bytes.Buffer
	err := Run(context.Background(), []string{"--model", "m", "--rate", "1"}, IO{Stdout: &stderr, Stderr: &stderr})
	require.ErrorContains(t, err, "--url is required")
	err = Run(context.Background(), []string{"--url", "ftp://x", "--model", "m", "--rate", "1"}, IO{Stdout: &stderr, Stderr: &stderr})
	require.ErrorContains(t, err, "--url: base URL")
	require.NoError(t, Run(context.Background(), []string{"-h"}, IO{Stdout: &stderr, Stderr: &stderr}))
	require.Contains(t, stderr.String(), "-max-concurrency")
}

// TestInterrupted: a cancelled test prints what it measured and returns an error (exit 1).
func TestInterrupted(t *testing.T) {
	t.Parallel()
	b := setup(t, "", providertest.Reply{Hang: true})
	ctx, cancel := context.WithTimeout(context.Background(), 200*time.Millisecond)
	defer cancel()
	err := Run(ctx, []string{"--url", b.server.BaseURL, "--model", "m", "--rate", "20", "--duration", "30s", "--format", "json"},
		IO{Stdout: b.stdout, Stderr: b.stderr})
	require.ErrorContains(t, err, "interrupted, partial result printed")
	var res loadtest.Result
	require.NoError(t, json.Unmarshal(b.stdout.Bytes(), &res))
	require.True(t, res.Cancelled)
}

func TestProgressLine(t *testing.T) {
	t.Parallel()
	var buf bytes.Buffer
	p := newProgress(&buf, true, loadtest.Plan{Mode: loadtest.ModeSweep, Rates: []float64{1, 2}, DurationSeconds: 10})
	running := loadtest.Step{TargetRate: 1, InProgress: true, DurationSeconds: 5, Sent: 5, Completed: 4,
		TTFT: loadtest.Distribution{P99Ms: 120}, TPOT: loadtest.Distribution{P99Ms: 11.5}}
	p.show(loadtest.Result{Steps: []loadtest.Step{running}})
	require.Equal(t, "\r\033[Kstep 1/2 1 req/s [############------------] 5.0/10.0s sent 5 ok 4 failed 0  TTFT p99 120 ms  TPOT p99 11.5 ms", buf.String())
	buf.Reset()
	running.InProgress, running.DurationSeconds = false, 10
	p.show(loadtest.Result{Steps: []loadtest.Step{running}})
	require.True(t, strings.HasSuffix(buf.String(), "[########################] 10.0/10.0s sent 5 ok 4 failed 0  TTFT p99 120 ms  TPOT p99 11.5 ms\n"))
}
