package providers

import (
	"context"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/stretchr/testify/require"
)

func TestRequestBodies(t *testing.T) {
	t.Parallel()
	temp := 0.2
	tests := []struct {
		name     string
		wire     wire
		req      Request
		wantURL  string
		wantBody string
		wantHdr  map[string]string
	}{
		{
			name:     "openai with max_completion_tokens",
			wire:     &openAIWire{baseURL: "https://api.openai.com/v1", key: "sk", maxTokensField: maxCompletionTokens},
			req:      Request{Model: "gpt-4.1-mini", System: "Be brief.", Prompt: "Hi", MaxOutputTokens: 50, Temperature: &temp},
			wantURL:  "https://api.openai.com/v1/chat/completions",
			wantBody: `{"model":"gpt-4.1-mini","messages":[{"role":"system","content":"Be brief."},{"role":"user","content":"Hi"}],"stream":true,"stream_options":{"include_usage":true},"max_completion_tokens":50,"temperature":0.2}`,
			wantHdr:  map[string]string{"Authorization": "Bearer sk", "Accept": "text/event-stream", "Content-Type": "application/json"},
		},
		{
			name:     "compatible server with max_tokens, no key, defaults omitted",
			wire:     &openAIWire{baseURL: "http://127.0.0.1:8000/v1"},
			req:      Request{Model: "m", Prompt: "Hi"},
			wantURL:  "http://127.0.0.1:8000/v1/chat/completions",
			wantBody: `{"model":"m","messages":[{"role":"user","content":"Hi"}],"stream":true,"stream_options":{"include_usage":true}}`,
			wantHdr:  map[string]string{"Authorization": ""},
		},
		{
			name:     "gemini",
			wire:     &geminiWire{baseURL: "https://generativelanguage.googleapis.com", key: "gk"},
			req:      Request{Model: "gemini-2.5-flash", System: "Be brief.", Prompt: "Hi", MaxOutputTokens: 50, Temperature: &temp},
			wantURL:  "https://generativelanguage.googleapis.com/v1beta/models/gemini-2.5-flash:streamGenerateContent?alt=sse",
			wantBody: `{"contents":[{"role":"user","parts":[{"text":"Hi"}]}],"systemInstruction":{"parts":[{"text":"Be brief."}]},"generationConfig":{"maxOutputTokens":50,"temperature":0.2}}`,
			wantHdr:  map[string]string{"x-goog-api-key": "gk", "Authorization": ""},
		},
		{
			name:     "gemini strips models/ and escapes the name",
			wire:     &geminiWire{baseURL: "http://g"},
			req:      Request{Model: "models/tuned model", Prompt: "Hi"},
			wantURL:  "http://g/v1beta/models/tuned%20model:streamGenerateContent?alt=sse",
			wantBody: `{"contents":[{"role":"user","parts":[{"text":"Hi"}]}]}`,
		},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			r, err := tc.wire.newRequest(context.Background(), tc.req)
			require.NoError(t, err)
			require.Equal(t, http.MethodPost, r.Method)
			require.Equal(t, tc.wantURL, r.URL.String())
			b, err := io.ReadAll(r.Body)
			require.NoError(t, err)
			require.JSONEq(t, tc.wantBody, string(b))
			for k, v := range tc.wantHdr {
				require.Equal(t, v, r.Header.Get(k), k)
			}
		})
	}
}

func TestDecodeError(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name string
		wire wire
		body string
		want apiError
	}{
		{name: "openai", wire: &openAIWire{},
			body: `{"error":{"message":"Incorrect API key provided","type":"invalid_request_error","param":null,"code":"invalid_api_key"}}`,
			want: apiError{message: "Incorrect API key provided", typ: "invalid_request_error", code: "invalid_api_key"}},
		{name: "openai null code", wire: &openAIWire{},
			body: `{"error":{"message":"m","type":"server_error","param":null,"code":null}}`,
			want: apiError{message: "m", typ: "server_error"}},
		{name: "ollama string error", wire: &openAIWire{}, body: `{"error":"model \"x\" not found, try pulling it first"}`,
			want: apiError{message: `model "x" not found, try pulling it first`}},
		{name: "vllm flat error with numeric code", wire: &openAIWire{},
			body: `{"object":"error","message":"The model does not exist.","type":"NotFoundError","param":null,"code":404}`,
			want: apiError{message: "The model does not exist.", typ: "NotFoundError", code: "404"}},
		{name: "openai not JSON", wire: &openAIWire{}, body: `<html>502 Bad Gateway</html>`, want: apiError{}},
		{name: "google", wire: &geminiWire{},
			body: `{"error":{"code":400,"message":"API key not valid. Please pass a valid API key.","status":"INVALID_ARGUMENT"}}`,
			want: apiError{message: "API key not valid. Please pass a valid API key.", typ: "INVALID_ARGUMENT", code: "400"}},
		{name: "google RetryInfo", wire: &geminiWire{},
			body: `{"error":{"code":429,"message":"Quota exceeded","status":"RESOURCE_EXHAUSTED","details":[{"@type":"type.googleapis.com/google.rpc.QuotaFailure"},{"@type":"type.googleapis.com/google.rpc.RetryInfo","retryDelay":"1.5s"}]}}`,
			want: apiError{message: "Quota exceeded", typ: "RESOURCE_EXHAUSTED", code: "429", retryAfter: 1500 * time.Millisecond}},
		{name: "google error in an array", wire: &geminiWire{},
			body: ` [{"error":{"code":404,"message":"models/x is not found","status":"NOT_FOUND"}}]`,
			want: apiError{message: "models/x is not found", typ: "NOT_FOUND", code: "404"}},
		{name: "google empty array", wire: &geminiWire{}, body: `[]`, want: apiError{}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			require.Equal(t, tc.want, tc.wire.decodeError([]byte(tc.body)))
		})
	}
}

// rawServer answers every request with the given handlers in turn, the last repeated.
func rawServer(t *testing.T, handlers ...http.HandlerFunc) string {
	t.Helper()
	var mu sync.Mutex
	n := 0
	s := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		mu.Lock()
		h := handlers[min(n, len(handlers)-1)]
		n++
		mu.Unlock()
		h(w, r)
	}))
	t.Cleanup(s.Close)
	return s.URL
}

func sseHandler(events ...string) http.HandlerFunc {
	return func(w http.ResponseWriter, _ *http.Request) {
		w.Header().Set("Content-Type", "text/event-stream")
		for _, e := range events {
			_, _ = io.WriteString(w, "data: "+e+"\n\n")
		}
	}
}

func TestWireEdgeCases(t *testing.T) {
	t.Parallel()

	tests := []struct {
		name     string
		kind     Kind
		handlers []http.HandlerFunc
		want     Result
		wantErr  string
		sleeps   []time.Duration
	}{
		{
			name: "gemini blocked prompt ends with content_filter",
			kind: KindGemini,
			handlers: []http.HandlerFunc{sseHandler(
				`{"promptFeedback":{"blockReason":"SAFETY"},"usageMetadata":{"promptTokenCount":7,"totalTokenCount":7}}`)},
			want: Result{FinishReason: FinishContentFilter, InputTokens: 7, HasUsage: true, Attempts: 1},
		},
		{
			name: "gemini waits for RetryInfo when no header",
			kind: KindGemini,
			handlers: []http.HandlerFunc{
				func(w http.ResponseWriter, _ *http.Request) {
					w.WriteHeader(http.StatusTooManyRequests)
					_, _ = io.WriteString(w, `{"error":{"code":429,"message":"slow down","status":"RESOURCE_EXHAUSTED","details":[{"@type":"type.googleapis.com/google.rpc.RetryInfo","retryDelay":"3s"}]}}`)
				},
				sseHandler(`{"candidates":[{"content":{"parts":[{"text":"ok"}]},"finishReason":"STOP","index":0}]}`),
			},
			want:   Result{Text: "ok", FinishReason: FinishStop, Attempts: 2},
			sleeps: []time.Duration{3 * time.Second},
		},
		{
			name:     "gemini clean end without finishReason is incomplete",
			kind:     KindGemini,
			handlers: []http.HandlerFunc{sseHandler(`{"candidates":[{"content":{"parts":[{"text":"o"}]},"index":0}]}`)},
			wantErr:  "gemini: incomplete stream after 2 attempts: the stream ended before the answer was complete",
			sleeps:   []time.Duration{0},
		},
		{
			name:     "openai clean end without [DONE] is incomplete",
			kind:     KindOpenAI,
			handlers: []http.HandlerFunc{sseHandler(`{"choices":[{"index":0,"delta":{"content":"o"},"finish_reason":"stop"}]}`)},
			wantErr:  "openai: incomplete stream after 2 attempts: the stream ended before the answer was complete",
			sleeps:   []time.Duration{0},
		},
		{
			name:     "openai malformed chunk is incomplete",
			kind:     KindOpenAI,
			handlers: []http.HandlerFunc{sseHandler(`{"choices":[`)},
			wantErr:  "openai: incomplete stream after 2 attempts: decode stream chunk: unexpected end of JSON input",
			sleeps:   []time.Duration{0},
		},
		{
			name: "openai ignores other choices and unknown fields, missing usage details",
			kind: KindOpenAI,
			handlers: []http.HandlerFunc{sseHandler(
				`{"choices":[{"index":1,"delta":{"content":"no"}},{"index":0,"delta":{"content":"yes"}}],"x_groq":{"id":"q"}}`,
				`{"choices":[{"index":0,"delta":{},"finish_reason":"STOP"}]}`,
				`{"choices":[],"usage":{"prompt_tokens":3,"completion_tokens":1,"total_tokens":4,"queue_time":0.01}}`,
				`[DONE]`)},
			want: Result{Text: "yes", FinishReason: FinishStop, InputTokens: 3, OutputTokens: 1, HasUsage: true, Attempts: 1},
		},
		{
			name: "non-JSON error body becomes the message",
			kind: KindOpenAI,
			handlers: []http.HandlerFunc{func(w http.ResponseWriter, _ *http.Request) {
				w.WriteHeader(http.StatusForbidden)
				_, _ = io.WriteString(w, "  blocked by proxy \n")
			}},
			wantErr: "openai: client error (HTTP 403): blocked by proxy",
		},
		{
			name: "empty error body gives the status text",
			kind: KindOpenAI,
			handlers: []http.HandlerFunc{func(w http.ResponseWriter, _ *http.Request) {
				w.WriteHeader(http.StatusUnauthorized)
			}},
			wantErr: "openai: client error (HTTP 401): Unauthorized",
		},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			var mu sync.Mutex
			var sleeps []time.Duration
			url := rawServer(t, tc.handlers...)
			name := string(tc.kind)
			c, err := NewClient(ProviderConfig{Name: name, Kind: tc.kind, BaseURL: url}, Options{
				Retry: RetryPolicy{MaxAttempts: 2, BaseDelay: time.Nanosecond, MaxDelay: time.Nanosecond, Jitter: func() float64 { return 0 },
					Sleep: func(_ context.Context, d time.Duration) error {
						mu.Lock()
						sleeps = append(sleeps, d)
						mu.Unlock()
						return nil
					}}})
			require.NoError(t, err)
			res, err := c.Complete(context.Background(), Request{Model: "m", Prompt: "p"})
			mu.Lock()
			require.Equal(t, tc.sleeps, sleeps)
			mu.Unlock()
			if tc.wantErr != "" {
				require.EqualError(t, err, tc.wantErr)
				return
			}
			require.NoError(t, err)
			res.TTFT, res.Latency, res.OutputTokensPerSecond = 0, 0, 0
			require.Equal(t, tc.want, res)
		})
	}
}

func TestTimingsWithInjectedClock(t *testing.T) {
	t.Parallel()
	url := rawServer(t, sseHandler(
		`{"choices":[{"index":0,"delta":{"role":"assistant","content":""}}]}`,
		`{"choices":[{"index":0,"delta":{"content":"a"}}]}`,
		`{"choices":[{"index":0,"delta":{"content":"b"},"finish_reason":"stop"}]}`,
		`{"choices":[],"usage":{"prompt_tokens":3,"completion_tokens":11}}`,
		`[DONE]`))
	// The clock moves 100 ms at each reading: request sent at t0, first text at t0+100 ms, end at t0+200 ms.
	var mu sync.Mutex
	now := time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)
	clock := func() time.Time { mu.Lock(); defer mu.Unlock(); now = now.Add(100 * time.Millisecond); return now }
	c, err := NewClient(ProviderConfig{Name: "openai", Kind: KindOpenAI, BaseURL: url}, Options{Now: clock})
	require.NoError(t, err)
	res, err := c.Complete(context.Background(), Request{Model: "m", Prompt: "p"})
	require.NoError(t, err)
	require.Equal(t, 100*time.Millisecond, res.TTFT)
	require.Equal(t, 200*time.Millisecond, res.Latency)
	require.InDelta(t, 100.0, res.OutputTokensPerSecond, 1e-9) // (11 − 1) tokens / 0.1 s
}

// TestChunkTimesWithInjectedClock: with RecordChunks, each event that carries answer text is one chunk, timed
// from the request being sent; events without text (the role delta, usage, thoughts) are not chunks, and the
// parts of one Gemini event are one chunk.
func TestChunkTimesWithInjectedClock(t *testing.T) {
	t.Parallel()
	ms := time.Millisecond
	tests := []struct {
		name   string
		kind   Kind
		events []string
		want   []time.Duration
	}{
		{name: "openai", kind: KindOpenAI, events: []string{
			`{"choices":[{"index":0,"delta":{"role":"assistant","content":""}}]}`,
			`{"choices":[{"index":0,"delta":{"content":"a"}}]}`,
			`{"choices":[{"index":0,"delta":{"content":"b"}}]}`,
			`{"choices":[{"index":0,"delta":{"content":"c"},"finish_reason":"stop"}]}`,
			`{"choices":[],"usage":{"prompt_tokens":3,"completion_tokens":3}}`,
			`[DONE]`,
		}, want: []time.Duration{100 * ms, 200 * ms, 300 * ms}},
		{name: "gemini", kind: KindGemini, events: []string{
			`{"candidates":[{"content":{"parts":[{"text":"thinking","thought":true}]},"index":0}]}`,
			`{"candidates":[{"content":{"parts":[{"text":"a"},{"text":"b"}]},"index":0}]}`,
			`{"candidates":[{"content":{"parts":[{"text":"c"}]},"finishReason":"STOP","index":0}],"usageMetadata":{"candidatesTokenCount":3}}`,
		}, want: []time.Duration{100 * ms, 200 * ms}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			url := rawServer(t, sseHandler(tc.events...))
			// The clock moves 100 ms at each reading: the request is sent at t0, each chunk is one reading later.
			var mu sync.Mutex
			now := time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)
			clock := func() time.Time { mu.Lock(); defer mu.Unlock(); now = now.Add(100 * ms); return now }
			c, err := NewClient(ProviderConfig{Name: "p", Kind: tc.kind, BaseURL: url}, Options{Now: clock})
			require.NoError(t, err)
			res, err := c.Complete(context.Background(), Request{Model: "m", Prompt: "p", RecordChunks: true})
			require.NoError(t, err)
			require.Equal(t, "abc", res.Text)
			require.Equal(t, tc.want, res.ChunkTimes)
			require.Equal(t, tc.want[0], res.TTFT)
			require.Equal(t, time.Duration(len(tc.want)+1)*100*ms, res.Latency)

			res, err = c.Complete(context.Background(), Request{Model: "m", Prompt: "p"})
			require.NoError(t, err)
			require.Nil(t, res.ChunkTimes, "nothing is recorded unless asked")
		})
	}
}

func TestOutputSpeed(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name           string
		out, reasoning int
		ttft, latency  time.Duration
		want           float64
	}{
		{name: "NIM definition", out: 501, ttft: 400 * time.Millisecond, latency: 10400 * time.Millisecond, want: 50},          // 500 / 10 s
		{name: "reasoning tokens excluded", out: 1101, reasoning: 600, ttft: time.Second, latency: 6 * time.Second, want: 100}, // (501 − 1) / 5 s
		{name: "one token", out: 1, ttft: time.Second, latency: 2 * time.Second, want: 0},
		{name: "no first token", out: 50, ttft: 0, latency: 2 * time.Second, want: 0},
		{name: "latency equals ttft", out: 50, ttft: time.Second, latency: time.Second, want: 0},
		{name: "more reasoning than output", out: 5, reasoning: 9, ttft: time.Second, latency: 2 * time.Second, want: 0},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			require.InDelta(t, tc.want, OutputSpeed(tc.out, tc.reasoning, tc.ttft, tc.latency), 1e-9)
		})
	}
}

func TestErrorText(t *testing.T) {
	t.Parallel()
	e := &Error{Provider: "gemini", Outcome: OutcomeRateLimited, Status: 429, Type: "RESOURCE_EXHAUSTED",
		RetryAfter: 30 * time.Second, Attempts: 4, Message: "Quota exceeded"}
	require.Equal(t, "gemini: rate limited (HTTP 429 RESOURCE_EXHAUSTED), retry after 30s after 4 attempts: Quota exceeded", e.Error())
	require.ErrorIs(t, e, ErrRateLimited)
	require.NotErrorIs(t, e, ErrServer)
	require.True(t, e.Retryable())
	require.False(t, (&Error{Outcome: OutcomeTimeout}).Retryable())
	require.Equal(t, OutcomeOther, OutcomeOf(io.EOF))
	require.Equal(t, OutcomeCanceled, OutcomeOf(context.DeadlineExceeded))
	require.Equal(t, OutcomeOK, OutcomeOf(nil))
	require.True(t, strings.HasPrefix(ErrIncompleteStream.Error(), "incomplete stream"))
}
