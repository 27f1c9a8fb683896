package fakemodel

import (
	"context"
	"io"
	"net/http"
	"net/http/httptest"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/modelarchitect/architect/internal/providers"
)

type testBundle struct {
	srv    *Server
	url    string
	client providers.Client
}

func setup(t *testing.T, cfg Config) testBundle {
	t.Helper()
	cfg.Keep = true
	srv, err := New(cfg)
	require.NoError(t, err)
	hs := httptest.NewServer(srv)
	t.Cleanup(hs.Close)
	c, err := providers.NewClient(providers.ProviderConfig{Name: "fake", Kind: providers.KindOpenAI, BaseURL: hs.URL + "/v1"},
		providers.Options{Retry: providers.RetryPolicy{MaxAttempts: 1}})
	require.NoError(t, err)
	return testBundle{srv: srv, url: hs.URL, client: c}
}

// within checks got ∈ [want, want + max(15 ms, 25 %)]: timers are late, never early, on a noisy 2-core machine.
func within(t *testing.T, want, got time.Duration, what string) {
	t.Helper()
	require.GreaterOrEqual(t, got, want-time.Millisecond, what)
	require.LessOrEqual(t, got, want+max(15*time.Millisecond, want/4), what)
}

func TestStreamReadByTheProvidersClient(t *testing.T) {
	t.Parallel()
	b := setup(t, Config{TTFT: 40 * time.Millisecond, ITL: 5 * time.Millisecond, Tokens: 8})
	res, err := b.client.Complete(context.Background(), providers.Request{Model: "m", Prompt: strings.Repeat("abcd", 25),
		MaxOutputTokens: 6, RecordChunks: true})
	require.NoError(t, err)
	require.True(t, res.HasUsage)
	require.Equal(t, 6, res.OutputTokens, "max_tokens below --tokens bounds the answer")
	require.Equal(t, 25, res.InputTokens, "prompt bytes / 4, rounded up")
	require.Equal(t, providers.FinishLength, res.FinishReason)
	require.Len(t, res.ChunkTimes, 6)
	within(t, 40*time.Millisecond, res.TTFT, "TTFT")
	within(t, 40*time.Millisecond+5*5*time.Millisecond, res.Latency, "E2E")
	require.Equal(t, "the model is a stand in ", res.Text)

	recs := b.srv.Records()
	require.Len(t, recs, 1)
	require.Equal(t, 65*time.Millisecond, recs[0].Planned)
	require.Less(t, recs[0].Wait, 5*time.Millisecond)
}

func TestModelsAndErrors(t *testing.T) {
	t.Parallel()
	b := setup(t, Config{})
	cases := []struct {
		name, method, path, body string
		status                   int
		contains                 string
	}{
		{"model list", http.MethodGet, "/v1/models", "", 200, `"id":"fake-model"`},
		{"unknown path", http.MethodGet, "/v1/embeddings", "", 404, `"Invalid URL (GET /v1/embeddings)"`},
		{"bad JSON", http.MethodPost, "/v1/chat/completions", "{", 400, "could not parse"},
		{"no messages", http.MethodPost, "/v1/chat/completions", `{"model":"m"}`, 400, "messages are required"},
		{"not streamed", http.MethodPost, "/v1/chat/completions", `{"model":"m","max_tokens":2,"messages":[{"role":"user","content":"hi"}]}`,
			200, `"content":"the model "`},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			req, err := http.NewRequest(tc.method, b.url+tc.path, strings.NewReader(tc.body))
			require.NoError(t, err)
			resp, err := http.DefaultClient.Do(req)
			require.NoError(t, err)
			defer resp.Body.Close()
			body, err := io.ReadAll(resp.Body)
			require.NoError(t, err)
			require.Equal(t, tc.status, resp.StatusCode, string(body))
			require.Contains(t, string(body), tc.contains)
		})
	}
}

// TestSlotsQueueFIFO: with one slot of 100 ms, three requests sent about 10 ms apart are served one after the
// other in order of arrival, each starting as the one before it ends; the header carries each one's wait.
func TestSlotsQueueFIFO(t *testing.T) {
	t.Parallel()
	b := setup(t, Config{Slots: 1, TTFT: 100 * time.Millisecond, ITL: time.Millisecond, Tokens: 1})
	var wg sync.WaitGroup
	headers := make([]string, 3)
	for i := range 3 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			body := `{"model":"m","stream":true,"messages":[{"role":"user","content":"hi"}]}`
			resp, err := http.Post(b.url+"/v1/chat/completions", "application/json", strings.NewReader(body))
			if !assertNoError(t, err) {
				return
			}
			defer resp.Body.Close()
			_, _ = io.Copy(io.Discard, resp.Body)
			headers[i] = resp.Header.Get(QueueWaitHeader)
		}()
		time.Sleep(10 * time.Millisecond)
	}
	wg.Wait()
	recs := b.srv.Records()
	require.Len(t, recs, 3)
	require.Less(t, recs[0].Wait, 5*time.Millisecond, "the first finds the slot free")
	for i := 1; i < 3; i++ {
		prev, cur := recs[i-1], recs[i]
		require.True(t, cur.Received.After(prev.Received), "served in order of arrival")
		prevEnd := prev.Received.Add(prev.Wait + prev.Service)
		within(t, 0, cur.Received.Add(cur.Wait).Sub(prevEnd), "starts as the one before it ends")
		require.Greater(t, cur.Wait, 50*time.Millisecond, "queued behind it")
	}
	got := map[string]bool{}
	for _, h := range headers {
		got[h] = true
	}
	for _, r := range recs {
		require.True(t, got[strconv.FormatFloat(float64(r.Wait)/float64(time.Millisecond), 'f', 3, 64)], "header of %v", r.Wait)
	}
}

func assertNoError(t *testing.T, err error) bool {
	t.Helper()
	if err != nil {
		t.Error(err)
		return false
	}
	return true
}

// TestQueuedClientLeaves: a request that gives up while queued leaves the queue; the next one gets the slot.
func TestQueuedClientLeaves(t *testing.T) {
	t.Parallel()
	b := setup(t, Config{Slots: 1, TTFT: 80 * time.Millisecond, Tokens: 1})
	call := func(ctx context.Context) error {
		_, err := b.client.Complete(ctx, providers.Request{Model: "m", Prompt: "hi"})
		return err
	}
	first := make(chan error, 1)
	go func() { first <- call(context.Background()) }()
	require.Eventually(t, func() bool { s, _ := b.srv.Busy(); return s == 1 }, time.Second, time.Millisecond)
	ctx, cancel := context.WithTimeout(context.Background(), 20*time.Millisecond)
	defer cancel()
	require.Error(t, call(ctx))
	require.NoError(t, call(context.Background()))
	require.NoError(t, <-first)
	require.Eventually(t, func() bool { s, q := b.srv.Busy(); return s == 0 && q == 0 }, time.Second, time.Millisecond)
	require.Len(t, b.srv.Records(), 2)
}

func TestExponentialService(t *testing.T) {
	t.Parallel()
	srv, err := New(Config{Service: Service{Mean: 200 * time.Millisecond}, Seed: 7})
	require.NoError(t, err)
	const n = 20_000
	var sum, sq float64
	for range n {
		x := srv.plan(16).Seconds()
		sum += x
		sq += x * x
	}
	mean := sum / n
	variance := sq/n - mean*mean
	require.InDelta(t, 0.2, mean, 0.2*0.03, "mean")
	require.InDelta(t, 0.04, variance, 0.04*0.06, "variance of an exponential: mean²")
	times := srv.times(4, 100*time.Millisecond, time.Time{})
	require.Equal(t, []time.Duration{25, 50, 75, 100}, []time.Duration{
		times[0].Sub(time.Time{}) / time.Millisecond, times[1].Sub(time.Time{}) / time.Millisecond,
		times[2].Sub(time.Time{}) / time.Millisecond, times[3].Sub(time.Time{}) / time.Millisecond}, "tokens evenly over the service time")
}

func TestParseService(t *testing.T) {
	t.Parallel()
	cases := []struct {
		in   string
		want Service
		err  string
	}{
		{"fixed", Service{}, ""},
		{"exp:250ms", Service{Mean: 250 * time.Millisecond}, ""},
		{"exp:0s", Service{}, "positive duration"},
		{"exp:abc", Service{}, "positive duration"},
		{"gamma:1s", Service{}, "want fixed or exp:MEAN"},
	}
	for _, tc := range cases {
		t.Run(tc.in, func(t *testing.T) {
			t.Parallel()
			got, err := ParseService(tc.in)
			if tc.err != "" {
				require.ErrorContains(t, err, tc.err)
				return
			}
			require.NoError(t, err)
			require.Equal(t, tc.want, got)
			require.Equal(t, tc.in, got.String())
		})
	}
}
