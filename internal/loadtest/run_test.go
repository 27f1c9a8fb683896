package loadtest

import (
	"context"
	"fmt"
	"net/http"
	"runtime"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/modelarchitect/architect/internal/providers"
	"github.com/modelarchitect/architect/internal/providers/providertest"
)

// The tests that measure time or count goroutines do not call t.Parallel: Go runs them one at a time before
// the parallel ones, so no other test's load moves their timings.

type testBundle struct {
	server *providertest.Server
	client providers.Client
}

// setup starts a fake OpenAI-compatible server answering with respond and a load-test client on it.
func setup(t *testing.T, respond func(providertest.Request) providertest.Reply) *testBundle {
	t.Helper()
	return setupKind(t, providers.KindOpenAI, respond)
}

func setupKind(t *testing.T, kind providers.Kind, respond func(providertest.Request) providertest.Reply) *testBundle {
	t.Helper()
	var srv *providertest.Server
	if kind == providers.KindGemini {
		srv = providertest.NewGemini(t, "", respond)
	} else {
		srv = providertest.NewOpenAI(t, "", respond)
	}
	tr := http.DefaultTransport.(*http.Transport).Clone()
	tr.MaxIdleConnsPerHost = MaxConcurrencyLimit
	t.Cleanup(tr.CloseIdleConnections)
	c, err := providers.NewClient(providers.ProviderConfig{Name: "fake", Kind: kind, BaseURL: srv.BaseURL},
		ProviderOptions(&http.Client{Transport: tr}))
	require.NoError(t, err)
	return &testBundle{server: srv, client: c}
}

// tokens scripts an answer of n one-token chunks, the first after ttft and each next one gap later, with the
// usage reported or not.
func tokens(n int, ttft, gap time.Duration, usage bool) providertest.Reply {
	r := providertest.Reply{FirstChunkDelay: ttft, ChunkDelay: gap}
	for i := range n {
		r.Chunks = append(r.Chunks, []string{" the", " cat", " sat", " down"}[i%4])
	}
	if usage {
		r.Usage = &providertest.Usage{Input: 20, Output: n}
	}
	return r
}

func always(r providertest.Reply) func(providertest.Request) providertest.Reply {
	return func(providertest.Request) providertest.Reply { return r }
}

// outside describes got when it is not within [scripted, scripted + max(5 ms, 10 %)].
func outside(what string, scripted, got float64) string {
	if tol := max(5, 0.1*scripted); got < scripted || got > scripted+tol {
		return fmt.Sprintf("%s %.3f ms not in [%.3f, %.3f]", what, got, scripted, scripted+tol)
	}
	return ""
}

// TestRunMeasuresScriptedTimings: against a server with a scripted TTFT of 100 ms and a token every 60 ms, every
// request's TTFT, ITL gaps, TPOT and E2E (the min and max of each distribution) lie between the scripted value
// and that plus max(5 ms, 10 %). A loaded machine can delay a read by more than that, so a run that misses is
// tried again, up to five times; a wrong measurement misses every time.
func TestRunMeasuresScriptedTimings(t *testing.T) {
	const (
		ttft = 100 * time.Millisecond
		gap  = 60 * time.Millisecond
		n    = 5
		reqs = 6
	)
	for _, usage := range []bool{true, false} {
		b := setup(t, always(tokens(n, ttft, gap, usage)))
		_, err := b.client.Complete(context.Background(), providers.Request{Model: "m", Prompt: "warm up"})
		require.NoError(t, err)
		p := ratePlan()
		p.Rates, p.DurationSeconds, p.MaxRequests = []float64{10}, 5, reqs
		for attempt := 1; ; attempt++ {
			res, err := Run(context.Background(), Config{Client: b.client, Model: "m", Plan: p})
			require.NoError(t, err)
			require.Len(t, res.Steps, 1)
			st := res.Steps[0]
			require.Equal(t, reqs, st.Sent)
			require.Equal(t, reqs, st.Completed)
			require.Zero(t, st.Failed)
			require.Empty(t, st.Errors)
			require.True(t, res.MaxRequestsReached)
			require.Less(t, st.DurationSeconds, 5.0, "the step ends once MaxRequests are answered")
			require.Equal(t, int64(reqs*n), st.OutputTokens)
			if usage {
				require.Zero(t, st.UsageMissing)
				require.Equal(t, int64(reqs*20), st.InputTokens)
			} else {
				require.Equal(t, reqs, st.UsageMissing, "tokens counted from chunks, flagged")
			}
			require.InDelta(t, reqs/st.DurationSeconds, st.RequestRate, 1e-9)
			require.InDelta(t, reqs*n/st.DurationSeconds, st.OutputTokensPerSecond, 1e-9)
			var off []string
			for _, d := range []struct {
				name     string
				dist     Distribution
				count    int
				scripted float64
			}{
				{"TTFT", st.TTFT, reqs, ms(ttft)},
				{"ITL", st.ITL, reqs * (n - 1), ms(gap)},
				{"TPOT", st.TPOT, reqs, ms(gap)},
				{"E2E", st.E2E, reqs, ms(ttft + (n-1)*gap)},
			} {
				require.Equal(t, d.count, d.dist.Count, d.name)
				t.Logf("usage %v, attempt %d: %s min %.2f max %.2f ms (scripted %.0f)", usage, attempt, d.name, d.dist.MinMs, d.dist.MaxMs, d.scripted)
				for _, o := range []string{outside(d.name+" min", d.scripted, d.dist.MinMs), outside(d.name+" max", d.scripted, d.dist.MaxMs)} {
					if o != "" {
						off = append(off, o)
					}
				}
			}
			if len(off) == 0 {
				break
			}
			require.Less(t, attempt, 5, "measured values off in every attempt: %v", off)
			t.Logf("attempt %d off, trying again: %v", attempt, off)
		}
	}
}

// TestRunStalledEndpoint: an endpoint that stops mid-stream (or never answers) does not hold the test: the step
// ends at its duration, what was in flight counts as TIMEOUT and unfinished, and no goroutine is left running.
func TestRunStalledEndpoint(t *testing.T) {
	for _, reply := range []providertest.Reply{
		{Chunks: []string{"a", "b"}, Stall: true},
		{Hang: true},
	} {
		b := setup(t, always(reply))
		p := ratePlan()
		p.Rates, p.DurationSeconds, p.MaxConcurrency, p.MaxRequests = []float64{40}, 0.5, 4, 1000
		p.SLO = []SLOTarget{{Metric: MetricTTFT, ThresholdMs: 100, Percentile: 50}}
		started := time.Now()
		res, err := Run(context.Background(), Config{Client: b.client, Model: "m", Plan: p})
		took := time.Since(started)
		require.NoError(t, err)
		require.Less(t, took, 1500*time.Millisecond, "the step stops at its duration")
		st := res.Steps[0]
		require.Equal(t, 4, st.Sent, "4 in flight, then the others wait for a slot that never frees")
		require.Equal(t, 4, st.MaxInFlight)
		require.Zero(t, st.Completed)
		require.Equal(t, 4, st.Failed)
		require.Equal(t, 4, st.Unfinished)
		require.Equal(t, []ErrorCount{{Kind: ErrorTimeout, Count: 4, Example: "still in flight when the step's duration ran out"}}, st.Errors)
		require.InDelta(t, 0.5, st.DurationSeconds, 1e-9)
		require.Equal(t, []SLOResult{{Metric: MetricTTFT, Percentile: 50, ThresholdMs: 100}}, st.SLO, "no sample: not met")
		require.False(t, res.SLOMet())
		requireNoLeftovers(t)
		require.Eventually(t, func() bool { return b.server.InFlight() == 0 }, 2*time.Second, 10*time.Millisecond,
			"the server saw every stalled request go away")
	}
}

// TestRunRespectsRateAndConcurrency: no request reaches the server before its arrival time (the k-th request
// received no earlier than the step's start plus the k-th scheduled arrival, so no window ever holds more
// starts than arrivals), and never more than MaxConcurrency are in flight, at the server or in the step's
// own count.
func TestRunRespectsRateAndConcurrency(t *testing.T) {
	t.Run("rate", func(t *testing.T) {
		b := setup(t, always(tokens(2, 5*time.Millisecond, time.Millisecond, true)))
		p := ratePlan()
		p.Rates, p.Burstiness, p.DurationSeconds, p.MaxConcurrency, p.MaxRequests, p.Seed = []float64{40}, 0.5, 1, 100, 1000, 7
		var once sync.Once
		var start time.Time // the step's start: Run reads the clock first there
		now := func() time.Time {
			t := time.Now()
			once.Do(func() { start = t })
			return t
		}
		res, err := Run(context.Background(), Config{Client: b.client, Model: "m", Plan: p, Now: now})
		require.NoError(t, err)
		arr := newArrivals(7, 0, 40, 0.5)
		var at []time.Duration
		for t := arr.next(); t < time.Second; t += arr.next() {
			at = append(at, t)
		}
		reqs := b.server.Requests()
		// One request per arrival within the duration; on a loaded machine a timer may fire late, so an arrival
		// in the step's last 50 ms may find the step over (it is then not sent: never more than the plan).
		early := 0
		for _, a := range at {
			if a < time.Second-50*time.Millisecond {
				early++
			}
		}
		require.LessOrEqual(t, len(reqs), len(at), "never more than one request per arrival")
		require.GreaterOrEqual(t, len(reqs), early, "every arrival before the step's last 50 ms is sent")
		require.Equal(t, len(reqs), res.Steps[0].Sent)
		recv := make([]time.Time, len(reqs))
		for i, r := range reqs {
			recv[i] = r.Received
		}
		slices.SortFunc(recv, func(x, y time.Time) int { return x.Compare(y) })
		for k := range recv {
			require.GreaterOrEqual(t, recv[k].Sub(start), at[k], "request %d ahead of its arrival", k)
		}
		require.Zero(t, res.Steps[0].Delayed)
	})
	t.Run("concurrency", func(t *testing.T) {
		b := setup(t, always(tokens(1, 100*time.Millisecond, 0, true)))
		p := ratePlan()
		p.Rates, p.DurationSeconds, p.MaxConcurrency, p.MaxRequests = []float64{100}, 0.6, 3, 1000
		res, err := Run(context.Background(), Config{Client: b.client, Model: "m", Plan: p})
		require.NoError(t, err)
		st := res.Steps[0]
		require.Equal(t, 3, b.server.MaxInFlight())
		require.Equal(t, 3, st.MaxInFlight)
		require.Greater(t, st.Delayed, 0, "arrivals waited for a slot")
		// 3 slots of 100 ms in 0.6 s: about 18 requests, the last ones (3, unless one was between two requests)
		// cut by the step's end.
		require.InDelta(t, 18, st.Sent, 4)
		require.True(t, st.Unfinished == 2 || st.Unfinished == 3, "%d unfinished", st.Unfinished)
		require.Equal(t, st.Sent, st.Completed+st.Failed)
	})
}

// TestRunClosedLoop: CONCURRENCY mode keeps exactly Concurrency requests in flight, and stops early once
// MaxRequests have been answered.
func TestRunClosedLoop(t *testing.T) {
	b := setup(t, always(tokens(2, 30*time.Millisecond, 10*time.Millisecond, true)))
	p := ratePlan()
	p.Mode, p.Rates, p.Concurrency, p.DurationSeconds, p.MaxRequests = ModeConcurrency, nil, 3, 0.5, 1000
	res, err := Run(context.Background(), Config{Client: b.client, Model: "m", Plan: p})
	require.NoError(t, err)
	st := res.Steps[0]
	require.Equal(t, 3, b.server.MaxInFlight())
	require.Equal(t, 3, st.Concurrency)
	require.Zero(t, st.TargetRate)
	// Each worker sends back to back, a request every ~40 ms: about 3·0.5/0.04 ≈ 37 in 0.5 s.
	require.Greater(t, st.Completed, 15)
	require.Equal(t, st.Sent, st.Completed+st.Failed)
	require.LessOrEqual(t, st.Unfinished, 3)

	b = setup(t, always(tokens(2, 30*time.Millisecond, 10*time.Millisecond, true)))
	p.MaxRequests, p.DurationSeconds = 5, 10
	started := time.Now()
	res, err = Run(context.Background(), Config{Client: b.client, Model: "m", Plan: p})
	require.NoError(t, err)
	require.Less(t, time.Since(started), 2*time.Second)
	require.Equal(t, 5, res.Steps[0].Completed)
	require.Len(t, b.server.Requests(), 5)
	require.True(t, res.MaxRequestsReached)
}

// TestRunCancel: when the caller's context ends the test stops at once with what it measured, flagged.
func TestRunCancel(t *testing.T) {
	b := setup(t, always(providertest.Reply{Chunks: []string{"a"}, Stall: true}))
	p := ratePlan()
	p.Mode, p.Rates, p.DurationSeconds = ModeSweep, []float64{20, 40}, 60
	ctx, cancel := context.WithTimeout(context.Background(), 300*time.Millisecond)
	defer cancel()
	started := time.Now()
	res, err := Run(ctx, Config{Client: b.client, Model: "m", Plan: p})
	require.Less(t, time.Since(started), time.Second)
	require.ErrorIs(t, err, context.DeadlineExceeded)
	require.True(t, res.Cancelled)
	require.Len(t, res.Steps, 1, "the second step never started")
	st := res.Steps[0]
	require.False(t, st.InProgress)
	require.Greater(t, st.Sent, 0)
	require.Equal(t, st.Sent, st.Failed)
	require.Equal(t, ErrorCancelled, st.Errors[0].Kind)
	require.Zero(t, st.Unfinished)
	require.Less(t, st.DurationSeconds, 1.0)
	requireNoLeftovers(t)
}

// TestRunProgress: snapshots of a running step come at most once a second, with the step InProgress, and each
// step's end gives one more, final snapshot; a SWEEP runs its rates in order.
func TestRunProgress(t *testing.T) {
	b := setup(t, always(tokens(2, 5*time.Millisecond, 5*time.Millisecond, true)))
	p := ratePlan()
	p.Mode, p.Rates, p.DurationSeconds, p.MaxRequests = ModeSweep, []float64{5, 10}, 1.5, 1000
	type call struct {
		at  time.Time
		res Result
	}
	var mu sync.Mutex
	var calls []call
	res, err := Run(context.Background(), Config{Client: b.client, Model: "m", Plan: p, Progress: func(r Result) {
		mu.Lock()
		defer mu.Unlock()
		calls = append(calls, call{time.Now(), r})
	}})
	require.NoError(t, err)
	require.Equal(t, []float64{5, 10}, []float64{res.Steps[0].TargetRate, res.Steps[1].TargetRate})
	mu.Lock()
	defer mu.Unlock()
	// Per step: a snapshot at 1 s, then the final one at 1.5 s.
	require.Len(t, calls, 4)
	var last time.Time
	for i, c := range calls {
		steps := c.res.Steps
		require.Len(t, steps, i/2+1)
		running := i%2 == 0
		require.Equal(t, running, steps[len(steps)-1].InProgress, "call %d", i)
		if running {
			if !last.IsZero() {
				require.GreaterOrEqual(t, c.at.Sub(last), 900*time.Millisecond, "at most once a second")
			}
			last = c.at
		}
		if i >= 2 {
			require.Equal(t, res.Steps[0], steps[0], "the first step as it ended")
		}
	}
	require.Equal(t, res.Steps, calls[3].res.Steps)
}

// TestRunErrorBreakdown: each request is sent once (429 and 5xx are errors, not retried) and failures are
// counted by kind.
func TestRunErrorBreakdown(t *testing.T) {
	t.Parallel()
	ok := tokens(3, time.Millisecond, time.Millisecond, true)
	b := setup(t, providertest.Sequence(
		providertest.Reply{Status: http.StatusTooManyRequests, ErrorMessage: "Rate limit reached", RetryAfter: "1"},
		providertest.Reply{Status: http.StatusServiceUnavailable, ErrorMessage: "overloaded"},
		providertest.Reply{Status: http.StatusTooManyRequests, ErrorMessage: "Rate limit reached"},
		providertest.Reply{Chunks: []string{"a"}, StreamError: "engine died"},
		providertest.Reply{Chunks: []string{"a"}, Cut: true},
		providertest.Reply{Usage: &providertest.Usage{Input: 3, Output: 0}},
		ok,
	))
	p := ratePlan()
	p.Mode, p.Rates, p.Concurrency, p.MaxRequests = ModeConcurrency, nil, 1, 8
	res, err := Run(context.Background(), Config{Client: b.client, Model: "m", Plan: p})
	require.NoError(t, err)
	st := res.Steps[0]
	require.Len(t, b.server.Requests(), 8, "no retries")
	require.Equal(t, 8, st.Sent)
	require.Equal(t, 2, st.Completed)
	require.Equal(t, 6, st.Failed)
	kinds := map[string]int{}
	for _, e := range st.Errors {
		kinds[e.Kind] = e.Count
		require.NotEmpty(t, e.Example)
	}
	require.Equal(t, map[string]int{"HTTP_429": 2, "HTTP_503": 1, ErrorStream: 2, ErrorNoContent: 1}, kinds)
	require.Equal(t, "HTTP_429", st.Errors[0].Kind, "most frequent first")
}

func TestRunConnectionErrorAndRequestTimeout(t *testing.T) {
	t.Parallel()
	b := setup(t, always(providertest.Reply{Hang: true}))
	p := ratePlan()
	p.Mode, p.Rates, p.Concurrency, p.MaxRequests = ModeConcurrency, nil, 2, 4
	res, err := Run(context.Background(), Config{Client: b.client, Model: "m", Plan: p, RequestTimeout: 50 * time.Millisecond})
	require.NoError(t, err)
	st := res.Steps[0]
	require.Equal(t, 4, st.Failed)
	require.Zero(t, st.Unfinished, "the request timeout, not the step's end")
	require.Equal(t, ErrorTimeout, st.Errors[0].Kind)
	require.Contains(t, st.Errors[0].Example, "request timeout of 50ms")

	c, err := providers.NewClient(providers.ProviderConfig{Name: "fake", Kind: providers.KindOpenAI, BaseURL: "http://127.0.0.1:1/v1"},
		ProviderOptions(nil))
	require.NoError(t, err)
	res, err = Run(context.Background(), Config{Client: c, Model: "m", Plan: p})
	require.NoError(t, err)
	require.Equal(t, []ErrorCount{{Kind: ErrorConnection, Count: 4, Example: res.Steps[0].Errors[0].Example}}, res.Steps[0].Errors)
}

// TestRunGemini: the engine measures the Gemini wire format too.
func TestRunGemini(t *testing.T) {
	t.Parallel()
	b := setupKind(t, providers.KindGemini, always(tokens(4, 5*time.Millisecond, 5*time.Millisecond, true)))
	p := ratePlan()
	p.Mode, p.Rates, p.Concurrency, p.MaxRequests = ModeConcurrency, nil, 2, 6
	res, err := Run(context.Background(), Config{Client: b.client, Model: "gemini-x", Plan: p})
	require.NoError(t, err)
	st := res.Steps[0]
	require.Equal(t, 6, st.Completed)
	require.Equal(t, 6*3, st.ITL.Count)
	require.Equal(t, int64(6*4), st.OutputTokens)
	require.Equal(t, 6, st.TPOT.Count)
}

func TestRunRefusesBadConfig(t *testing.T) {
	t.Parallel()
	b := setup(t, always(providertest.Reply{}))
	bad := ratePlan()
	bad.MaxRequests = 0
	_, err := Run(context.Background(), Config{Client: b.client, Model: "m", Plan: bad})
	var ve *ValidationError
	require.ErrorAs(t, err, &ve)
	require.Equal(t, "maxRequests", ve.Field)
	_, err = Run(context.Background(), Config{Model: "m", Plan: ratePlan()})
	require.ErrorContains(t, err, "Client is required")
	_, err = Run(context.Background(), Config{Client: b.client, Model: " ", Plan: ratePlan()})
	require.ErrorContains(t, err, "Model is required")
	require.Empty(t, b.server.Requests())
}

// requireNoLeftovers waits up to 3 s for every goroutine of the load test, the providers client and its HTTP
// connections to end (goleak-style: the stacks of all goroutines, those of running tests aside).
func requireNoLeftovers(t *testing.T) {
	t.Helper()
	deadline := time.Now().Add(3 * time.Second)
	for {
		left := leftovers()
		if len(left) == 0 {
			return
		}
		if time.Now().After(deadline) {
			t.Fatalf("goroutines left running:\n%s", strings.Join(left, "\n\n"))
		}
		time.Sleep(20 * time.Millisecond)
	}
}

func leftovers() []string {
	buf := make([]byte, 4<<20)
	buf = buf[:runtime.Stack(buf, true)]
	var out []string
	for _, g := range strings.Split(string(buf), "\n\n") {
		if strings.Contains(g, "testing.tRunner") {
			continue
		}
		for _, mark := range []string{"/internal/loadtest.", "/internal/providers.", "net/http.(*persistConn)"} {
			if strings.Contains(g, mark) {
				out = append(out, g)
				break
			}
		}
	}
	return out
}
