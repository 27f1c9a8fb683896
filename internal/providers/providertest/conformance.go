package providertest

import (
	"context"
	"errors"
	"net/http"
	"sync"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/modelarchitect/architect/internal/providers"
)

// Harness is one provider kind under the conformance suite.
type Harness struct {
	Provider  providers.ProviderConfig                                            // Name, Kind and MaxTokensField; BaseURL and APIKey are set per test
	NewServer func(t testing.TB, key string, respond func(Request) Reply) *Server // a fake of the kind's wire format
}

const testKey = "test-key"

// sleeps records the back-offs a client asked for and returns at once, so retry tests take no time.
type sleeps struct {
	mu sync.Mutex
	ds []time.Duration
}

func (s *sleeps) sleep(ctx context.Context, d time.Duration) error {
	s.mu.Lock()
	s.ds = append(s.ds, d)
	s.mu.Unlock()
	return ctx.Err()
}

func (s *sleeps) all() []time.Duration {
	s.mu.Lock()
	defer s.mu.Unlock()
	return append([]time.Duration(nil), s.ds...)
}

type testBundle struct {
	server *Server
	client providers.Client
	sleeps *sleeps
}

// setup starts h's fake server with respond and a client on it: 3 attempts, back-off 10 ms doubling to at
// most 40 ms with the jitter draw fixed at 0.5, recorded instead of slept; opts may change the options.
func setup(t *testing.T, h Harness, respond func(Request) Reply, opts func(*providers.Options)) *testBundle {
	t.Helper()
	b := &testBundle{sleeps: &sleeps{}}
	b.server = h.NewServer(t, testKey, respond)
	o := providers.Options{
		CallTimeout: 5 * time.Second,
		Retry: providers.RetryPolicy{MaxAttempts: 3, BaseDelay: 10 * time.Millisecond, MaxDelay: 40 * time.Millisecond,
			MaxRetryAfter: 10 * time.Second, Jitter: func() float64 { return 0.5 }, Sleep: b.sleeps.sleep},
	}
	if opts != nil {
		opts(&o)
	}
	p := h.Provider
	p.BaseURL, p.APIKey = b.server.BaseURL, testKey
	c, err := providers.NewClient(p, o)
	require.NoError(t, err)
	b.client = c
	return b
}

func request() providers.Request {
	temp := 0.0
	return providers.Request{Model: "fake-model-1", System: "Answer briefly.", Prompt: "What is the capital of France?",
		MaxOutputTokens: 64, Temperature: &temp}
}

// Run runs the conformance suite against h: every provider kind must pass it unchanged.
func Run(t *testing.T, h Harness) {
	t.Helper()
	t.Run("Answers", func(t *testing.T) { t.Parallel(); runAnswers(t, h) })
	t.Run("Failures", func(t *testing.T) { t.Parallel(); runFailures(t, h) })
	t.Run("CancelWhileWaitingForAnswer", func(t *testing.T) { t.Parallel(); runCancel(t, h, Reply{Hang: true}) })
	t.Run("CancelDuringBackoff", func(t *testing.T) {
		t.Parallel()
		runCancel(t, h, Reply{Status: http.StatusInternalServerError, ErrorMessage: "boom"})
	})
	t.Run("SendsRequest", func(t *testing.T) { t.Parallel(); runSendsRequest(t, h) })
}

// runAnswers covers streams that complete.
func runAnswers(t *testing.T, h Harness) {
	tests := []struct {
		name    string
		replies []Reply
		want    providers.Result // compared field by field except timings
		sleeps  []time.Duration
	}{
		{
			name: "streamed answer with usage",
			replies: []Reply{{Chunks: []string{"The capital", " of France", " is Paris."},
				Usage: &Usage{Input: 21, Output: 9, Cached: 5, Reasoning: 2}}},
			want: providers.Result{Text: "The capital of France is Paris.", FinishReason: providers.FinishStop,
				InputTokens: 21, OutputTokens: 9, CachedTokens: 5, ReasoningTokens: 2, HasUsage: true, Attempts: 1},
		},
		{
			name:    "reasoning text is not part of the answer",
			replies: []Reply{{Thoughts: []string{"France… capital…"}, Chunks: []string{"Paris"}, Usage: &Usage{Input: 10, Output: 30, Reasoning: 29}}},
			want: providers.Result{Text: "Paris", FinishReason: providers.FinishStop, InputTokens: 10, OutputTokens: 30,
				ReasoningTokens: 29, HasUsage: true, Attempts: 1},
		},
		{
			name:    "cut at the output bound",
			replies: []Reply{{Chunks: []string{"Paris is the cap"}, Finish: "length", Usage: &Usage{Input: 8, Output: 64}}},
			want: providers.Result{Text: "Paris is the cap", FinishReason: providers.FinishLength, InputTokens: 8, OutputTokens: 64,
				HasUsage: true, Attempts: 1},
		},
		{
			name:    "empty answer without usage",
			replies: []Reply{{}},
			want:    providers.Result{FinishReason: providers.FinishStop, Attempts: 1},
		},
		{
			name: "429 with Retry-After then success",
			replies: []Reply{
				{Status: http.StatusTooManyRequests, ErrorMessage: "Rate limit reached", RetryAfter: "2"},
				{Chunks: []string{"Paris"}, Usage: &Usage{Input: 8, Output: 1}},
			},
			want:   providers.Result{Text: "Paris", FinishReason: providers.FinishStop, InputTokens: 8, OutputTokens: 1, HasUsage: true, Attempts: 2},
			sleeps: []time.Duration{2 * time.Second}, // Retry-After: 2 replaces the back-off
		},
		{
			name: "500 then success",
			replies: []Reply{
				{Status: http.StatusInternalServerError, ErrorMessage: "The server had an error"},
				{Chunks: []string{"Paris"}, Usage: &Usage{Input: 8, Output: 1}},
			},
			want: providers.Result{Text: "Paris", FinishReason: providers.FinishStop, InputTokens: 8, OutputTokens: 1, HasUsage: true, Attempts: 2},
			// first back-off: d = 10 ms; equal jitter d/2 + 0.5·d/2 = 7.5 ms
			sleeps: []time.Duration{7500 * time.Microsecond},
		},
		{
			name: "stream cut mid-way then success",
			replies: []Reply{
				{Chunks: []string{"Par"}, Cut: true},
				{Chunks: []string{"Paris"}, Usage: &Usage{Input: 8, Output: 1}},
			},
			want:   providers.Result{Text: "Paris", FinishReason: providers.FinishStop, InputTokens: 8, OutputTokens: 1, HasUsage: true, Attempts: 2},
			sleeps: []time.Duration{7500 * time.Microsecond},
		},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			b := setup(t, h, Sequence(tc.replies...), nil)
			res, err := b.client.Complete(context.Background(), request())
			require.NoError(t, err)
			require.LessOrEqual(t, res.TTFT, res.Latency)
			require.Equal(t, res.Text != "", res.TTFT > 0, "TTFT is set exactly when text arrived")
			got := res
			got.TTFT, got.Latency, got.OutputTokensPerSecond = 0, 0, 0
			require.Equal(t, tc.want, got)
			require.Equal(t, tc.sleeps, b.sleeps.all())
			require.Len(t, b.server.Requests(), tc.want.Attempts)
		})
	}

	t.Run("time to first token skips empty deltas", func(t *testing.T) {
		t.Parallel()
		const delay = 40 * time.Millisecond
		b := setup(t, h, Sequence(Reply{Chunks: []string{"Pa", "ri", "s."}, ChunkDelay: delay, Usage: &Usage{Input: 8, Output: 4}}), nil)
		res, err := b.client.Complete(context.Background(), request())
		require.NoError(t, err)
		// The fakes send an empty delta at once and each fragment after `delay`: the first text is ≥ delay after
		// the request, the end ≥ 3·delay.
		require.GreaterOrEqual(t, res.TTFT, delay)
		require.GreaterOrEqual(t, res.Latency, 3*delay)
		require.GreaterOrEqual(t, res.Latency-res.TTFT, 2*delay)
		// 4 tokens, 3 after the first, produced in latency − TTFT.
		require.InDelta(t, 3/(res.Latency-res.TTFT).Seconds(), res.OutputTokensPerSecond, 1e-9)
		require.Greater(t, res.OutputTokensPerSecond, 0.0)
		require.Nil(t, res.ChunkTimes, "chunk times only when asked")
	})

	t.Run("chunk times", func(t *testing.T) {
		t.Parallel()
		const first, gap = 30 * time.Millisecond, 20 * time.Millisecond
		b := setup(t, h, Sequence(Reply{Chunks: []string{"Pa", "ri", "s."}, FirstChunkDelay: first, ChunkDelay: gap,
			Usage: &Usage{Input: 8, Output: 3}}), nil)
		req := request()
		req.RecordChunks = true
		res, err := b.client.Complete(context.Background(), req)
		require.NoError(t, err)
		require.Len(t, res.ChunkTimes, 3, "one chunk per fragment; empty deltas are not chunks")
		require.Equal(t, res.TTFT, res.ChunkTimes[0])
		require.GreaterOrEqual(t, res.ChunkTimes[0], first)
		require.GreaterOrEqual(t, res.ChunkTimes[2], first+2*gap)
		require.LessOrEqual(t, res.ChunkTimes[2], res.Latency)
		require.Less(t, res.ChunkTimes[0], res.ChunkTimes[1])
		require.Less(t, res.ChunkTimes[1], res.ChunkTimes[2])
	})
}

// runFailures covers calls that end in an error.
func runFailures(t *testing.T, h Harness) {
	tests := []struct {
		name       string
		replies    []Reply
		opts       func(*providers.Options)
		outcome    providers.Outcome
		sentinel   error
		status     int
		message    string
		retryAfter time.Duration
		requests   int
		sleeps     []time.Duration
	}{
		{
			name:     "400 returns the provider's message at once",
			replies:  []Reply{{Status: http.StatusBadRequest, ErrorMessage: "Invalid value for 'temperature': must be ≤ 2."}},
			outcome:  providers.OutcomeClientError,
			sentinel: providers.ErrClient,
			status:   http.StatusBadRequest,
			message:  "Invalid value for 'temperature': must be ≤ 2.",
			requests: 1,
		},
		{
			name:     "404 unknown model is not retried",
			replies:  []Reply{{Status: http.StatusNotFound, ErrorMessage: "The model `fake-model-1` does not exist."}},
			outcome:  providers.OutcomeClientError,
			sentinel: providers.ErrClient,
			status:   http.StatusNotFound,
			message:  "The model `fake-model-1` does not exist.",
			requests: 1,
		},
		{
			name:       "429 every time gives up after the last attempt",
			replies:    []Reply{{Status: http.StatusTooManyRequests, ErrorMessage: "Rate limit reached", RetryAfter: "1"}},
			outcome:    providers.OutcomeRateLimited,
			sentinel:   providers.ErrRateLimited,
			status:     http.StatusTooManyRequests,
			message:    "Rate limit reached",
			retryAfter: time.Second,
			requests:   3,
			sleeps:     []time.Duration{time.Second, time.Second},
		},
		{
			name:       "Retry-After beyond the policy's maximum returns at once",
			replies:    []Reply{{Status: http.StatusTooManyRequests, ErrorMessage: "Quota exceeded", RetryAfter: "3600"}},
			outcome:    providers.OutcomeRateLimited,
			sentinel:   providers.ErrRateLimited,
			status:     http.StatusTooManyRequests,
			message:    "Quota exceeded",
			retryAfter: time.Hour,
			requests:   1,
		},
		{
			name:     "503 every time backs off exponentially",
			replies:  []Reply{{Status: http.StatusServiceUnavailable, ErrorMessage: "overloaded"}},
			outcome:  providers.OutcomeServerError,
			sentinel: providers.ErrServer,
			status:   http.StatusServiceUnavailable,
			message:  "overloaded",
			requests: 3,
			// d = 10 ms, 20 ms; equal jitter at 0.5: 0.75·d
			sleeps: []time.Duration{7500 * time.Microsecond, 15 * time.Millisecond},
		},
		{
			name:     "error event inside the stream",
			replies:  []Reply{{Chunks: []string{"Pa"}, StreamError: "stream failed upstream"}},
			outcome:  providers.OutcomeServerError,
			sentinel: providers.ErrServer,
			status:   http.StatusOK,
			message:  "stream failed upstream",
			requests: 3,
			sleeps:   []time.Duration{7500 * time.Microsecond, 15 * time.Millisecond},
		},
		{
			name:     "stream cut mid-way every time",
			replies:  []Reply{{Chunks: []string{"Par"}, Cut: true}},
			outcome:  providers.OutcomeIncompleteStream,
			sentinel: providers.ErrIncompleteStream,
			requests: 3,
			sleeps:   []time.Duration{7500 * time.Microsecond, 15 * time.Millisecond},
		},
		{
			name:     "no answer within the call timeout",
			replies:  []Reply{{Hang: true}},
			opts:     func(o *providers.Options) { o.CallTimeout = 100 * time.Millisecond },
			outcome:  providers.OutcomeTimeout,
			sentinel: providers.ErrTimeout,
			message:  "no complete answer within 100ms",
			requests: 1,
		},
		{
			name:     "timeout in the middle of the stream",
			replies:  []Reply{{Chunks: []string{"a", "b", "c"}, ChunkDelay: 80 * time.Millisecond}},
			opts:     func(o *providers.Options) { o.CallTimeout = 120 * time.Millisecond },
			outcome:  providers.OutcomeTimeout,
			sentinel: providers.ErrTimeout,
			message:  "no complete answer within 120ms",
			requests: 1,
		},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			b := setup(t, h, Sequence(tc.replies...), tc.opts)
			started := time.Now()
			_, err := b.client.Complete(context.Background(), request())
			require.Less(t, time.Since(started), 3*time.Second)
			require.Error(t, err)
			require.ErrorIs(t, err, tc.sentinel)
			require.Equal(t, tc.outcome, providers.OutcomeOf(err))
			pe, ok := errors.AsType[*providers.Error](err)
			require.True(t, ok)
			require.Equal(t, h.Provider.Name, pe.Provider)
			require.Equal(t, tc.status, pe.Status)
			if tc.message != "" {
				require.Equal(t, tc.message, pe.Message)
				require.Contains(t, err.Error(), tc.message)
			}
			require.Equal(t, tc.retryAfter, pe.RetryAfter)
			require.Equal(t, tc.requests, pe.Attempts)
			require.Len(t, b.server.Requests(), tc.requests)
			require.Equal(t, tc.sleeps, b.sleeps.all())
		})
	}

	t.Run("wrong key is a client error with the provider's message", func(t *testing.T) {
		t.Parallel()
		s := h.NewServer(t, testKey, Sequence(Reply{}))
		p := h.Provider
		p.BaseURL, p.APIKey = s.BaseURL, "wrong-key"
		c, err := providers.NewClient(p, providers.Options{})
		require.NoError(t, err)
		_, err = c.Complete(context.Background(), request())
		require.ErrorIs(t, err, providers.ErrClient)
		pe, _ := errors.AsType[*providers.Error](err)
		require.Contains(t, pe.Message, "API key")
		require.Len(t, s.Requests(), 1)
	})

	t.Run("unreachable server is a connection error, retried", func(t *testing.T) {
		t.Parallel()
		s := h.NewServer(t, testKey, Sequence(Reply{}))
		b := &sleeps{}
		p := h.Provider
		p.BaseURL, p.APIKey = "http://127.0.0.1:1", testKey // port 1 (tcpmux) is closed here: connection refused
		_ = s
		c, err := providers.NewClient(p, providers.Options{Retry: providers.RetryPolicy{MaxAttempts: 2, Sleep: b.sleep}})
		require.NoError(t, err)
		_, err = c.Complete(context.Background(), request())
		require.ErrorIs(t, err, providers.ErrConnection)
		require.Len(t, b.all(), 1)
	})

	t.Run("invalid request is refused before any call", func(t *testing.T) {
		t.Parallel()
		b := setup(t, h, Sequence(Reply{}), nil)
		req := request()
		req.Prompt = ""
		_, err := b.client.Complete(context.Background(), req)
		require.ErrorIs(t, err, providers.ErrInvalidRequest)
		require.Empty(t, b.server.Requests())
	})
}

// runCancel cancels the caller's context once the first request has arrived: the call returns at once with
// context.Canceled and makes no further attempt.
func runCancel(t *testing.T, h Harness, reply Reply) {
	arrived := make(chan struct{}, 10)
	respond := func(Request) Reply { arrived <- struct{}{}; return reply }
	b := setup(t, h, respond, func(o *providers.Options) {
		o.Retry = providers.RetryPolicy{MaxAttempts: 5, BaseDelay: time.Hour, MaxDelay: time.Hour} // a real, long sleep
	})
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	go func() { <-arrived; cancel() }()
	started := time.Now()
	_, err := b.client.Complete(ctx, request())
	require.Less(t, time.Since(started), 3*time.Second)
	require.ErrorIs(t, err, context.Canceled)
	require.Equal(t, providers.OutcomeCanceled, providers.OutcomeOf(err))
	require.Len(t, b.server.Requests(), 1)
}

// runSendsRequest checks what reaches the server: model, messages, key, output bound, streaming with usage.
func runSendsRequest(t *testing.T, h Harness) {
	b := setup(t, h, Sequence(Reply{Chunks: []string{"ok"}}), nil)
	_, err := b.client.Complete(context.Background(), request())
	require.NoError(t, err)
	reqs := b.server.Requests()
	require.Len(t, reqs, 1)
	got := reqs[0]
	require.Equal(t, http.MethodPost, got.Method)
	require.Equal(t, testKey, got.Key)
	require.Equal(t, "fake-model-1", got.Model)
	require.Equal(t, "Answer briefly.", got.System)
	require.Equal(t, "What is the capital of France?", got.Prompt)
	require.Equal(t, 64, got.MaxOutputTokens)
	require.NotNil(t, got.Temperature)
	require.Zero(t, *got.Temperature)
	require.True(t, got.Stream)
	require.True(t, got.IncludeUsage)
}
