package benchmark

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/stretchr/testify/require"
)

// fakeModel answers "Paris" to every prompt after hold returns, counting calls in flight.
type fakeModel struct {
	hold     func(ctx context.Context, prompt string) error // nil: answer at once
	calls    atomic.Int32
	inflight atomic.Int32
	peak     atomic.Int32
}

func (f *fakeModel) Complete(ctx context.Context, prompt string) (Answer, error) {
	f.calls.Add(1)
	n := f.inflight.Add(1)
	defer f.inflight.Add(-1)
	for {
		p := f.peak.Load()
		if n <= p || f.peak.CompareAndSwap(p, n) {
			break
		}
	}
	if f.hold != nil {
		if err := f.hold(ctx, prompt); err != nil {
			return Answer{}, err
		}
	}
	return Answer{Text: "Paris", Usage: Usage{InputTokens: 10, OutputTokens: 2}, TTFT: 5 * time.Millisecond, Latency: 20 * time.Millisecond}, nil
}

// waitForPeak holds each call until `want` calls are in flight together (or 5 s pass), then lets all through.
func waitForPeak(f *fakeModel, want int32) func(context.Context, string) error {
	full := make(chan struct{})
	var once sync.Once
	return func(ctx context.Context, _ string) error {
		if f.inflight.Load() >= want {
			once.Do(func() { close(full) })
		}
		select {
		case <-full:
		case <-time.After(5 * time.Second):
		case <-ctx.Done():
			return ctx.Err()
		}
		return nil
	}
}

func tasks(n int) []Task {
	ts := make([]Task, n)
	for i := range ts {
		exp := "Paris"
		if i%2 == 1 {
			exp = "Lyon"
		}
		ts[i] = Task{Index: 100 + i, Item: Item{Input: fmt.Sprintf("q%d", i), Expected: exp, Assertion: AssertExact}}
	}
	return ts
}

// collector records results and fails the test if OnResult is ever entered twice at once.
type collector struct {
	mu      sync.Mutex
	busy    atomic.Bool
	results []ItemResult
}

func (c *collector) onResult(t *testing.T) func(ItemResult) error {
	return func(r ItemResult) error {
		if !c.busy.CompareAndSwap(false, true) {
			t.Error("OnResult called concurrently")
		}
		defer c.busy.Store(false)
		c.mu.Lock()
		defer c.mu.Unlock()
		c.results = append(c.results, r)
		return nil
	}
}

func (c *collector) sorted() []ItemResult {
	c.mu.Lock()
	defer c.mu.Unlock()
	out := slices.Clone(c.results)
	slices.SortFunc(out, func(a, b ItemResult) int { return a.Item - b.Item })
	return out
}

func TestRunBoundsConcurrencyAndRecordsEveryItem(t *testing.T) {
	t.Parallel()
	f := &fakeModel{}
	f.hold = waitForPeak(f, 3)
	c := &collector{}
	err := Run(context.Background(), RunConfig{Model: "openai/x", Completer: f, Limiter: NewLimiter(map[string]int{"openai": 3}, 0),
		OnResult: c.onResult(t)}, tasks(20))
	require.NoError(t, err)
	require.EqualValues(t, 3, f.peak.Load(), "exactly the provider's limit in flight at the peak")
	got := c.sorted()
	require.Len(t, got, 20)
	for i, r := range got {
		require.Equal(t, 100+i, r.Item)
		require.Equal(t, i%2 == 0, r.Pass, "item %d", i)
		require.Equal(t, "Paris", r.Output)
		require.Equal(t, Usage{InputTokens: 10, OutputTokens: 2}, r.Usage)
		require.Equal(t, 20*time.Millisecond, r.Latency)
		require.Equal(t, 5*time.Millisecond, r.TTFT)
		if i%2 == 1 {
			require.Equal(t, `expected "Lyon", got "Paris"`, r.Reason)
		}
	}
}

func TestRunSharesLimiterAcrossRuns(t *testing.T) {
	t.Parallel()
	lim := NewLimiter(map[string]int{"openai": 2}, 0)
	shared := &fakeModel{}
	shared.hold = waitForPeak(shared, 2)
	other := &fakeModel{}
	other.hold = waitForPeak(other, 4) // another provider: not held back by openai's limit (default 4)

	var wg sync.WaitGroup
	errs := make([]error, 3)
	for i, cfg := range []RunConfig{
		{Model: "openai/a", Completer: shared},
		{Model: "openai/b", Completer: shared},
		{Model: "vllm/c", Completer: other},
	} {
		cfg.Limiter, cfg.OnResult = lim, func(ItemResult) error { return nil }
		wg.Go(func() { errs[i] = Run(context.Background(), cfg, tasks(8)) })
	}
	wg.Wait()
	require.Equal(t, []error{nil, nil, nil}, errs)
	require.EqualValues(t, 2, shared.peak.Load(), "two runs of one provider share its 2 slots")
	require.EqualValues(t, 16, shared.calls.Load())
	require.EqualValues(t, 4, other.peak.Load())
}

func TestRunCancelStopsPromptly(t *testing.T) {
	t.Parallel()
	started := make(chan struct{}, 100)
	f := &fakeModel{hold: func(ctx context.Context, _ string) error {
		started <- struct{}{}
		<-ctx.Done() // a slow model: answers only when cancelled
		return ctx.Err()
	}}
	ctx, cancel := context.WithCancel(context.Background())
	go func() { <-started; <-started; cancel() }()
	recorded := atomic.Int32{}
	begin := time.Now()
	err := Run(ctx, RunConfig{Model: "openai/x", Completer: f, Limiter: NewLimiter(map[string]int{"openai": 2}, 0),
		OnResult: func(ItemResult) error { recorded.Add(1); return nil }}, tasks(50))
	require.ErrorIs(t, err, context.Canceled)
	require.Less(t, time.Since(begin), 2*time.Second)
	require.Zero(t, recorded.Load(), "calls cut by cancellation are not recorded; they run again on resume")
	require.LessOrEqual(t, f.calls.Load(), int32(3), "no new calls after cancellation (2 in flight, at most 1 racing)")
}

func TestRunCallErrors(t *testing.T) {
	t.Parallel()
	errRate := errors.New("rate limited for an hour")
	errFlaky := errors.New("server error")
	f := &fakeModel{hold: func(_ context.Context, prompt string) error {
		switch prompt {
		case "q1":
			return errFlaky
		case "q3":
			return errRate
		}
		return nil
	}}

	t.Run("recorded as item errors", func(t *testing.T) {
		t.Parallel()
		c := &collector{}
		err := Run(context.Background(), RunConfig{Model: "p/m", Completer: f, OnResult: c.onResult(t)}, tasks(4))
		require.NoError(t, err)
		got := c.sorted()
		require.Len(t, got, 4)
		require.Equal(t, ItemResult{Item: 101, Error: "server error"}, got[1])
		require.Equal(t, ItemResult{Item: 103, Error: "rate limited for an hour"}, got[3])
	})

	t.Run("Abort stops the run without recording the item", func(t *testing.T) {
		t.Parallel()
		c := &collector{}
		err := Run(context.Background(), RunConfig{Model: "p/m", Completer: f, Limiter: NewLimiter(nil, 1), OnResult: c.onResult(t),
			Abort: func(err error) bool { return errors.Is(err, errRate) }}, tasks(6))
		require.ErrorIs(t, err, errRate)
		require.EqualError(t, err, "item 103 of p/m: rate limited for an hour")
		for _, r := range c.sorted() {
			require.NotEqual(t, 103, r.Item)
			require.Less(t, r.Item, 103, "one at a time: nothing after the aborted item ran")
		}
	})
}

func TestRunOnResultErrorStops(t *testing.T) {
	t.Parallel()
	boom := errors.New("database is gone")
	f := &fakeModel{}
	calls := atomic.Int32{}
	err := Run(context.Background(), RunConfig{Model: "p/m", Completer: f, Limiter: NewLimiter(nil, 1),
		OnResult: func(ItemResult) error { calls.Add(1); return boom }}, tasks(10))
	require.ErrorIs(t, err, boom)
	require.EqualError(t, err, "record item 100 of p/m: database is gone")
	require.EqualValues(t, 1, calls.Load())
	require.LessOrEqual(t, f.calls.Load(), int32(2))
}

func TestRunInvalidItemIsAnItemError(t *testing.T) {
	t.Parallel()
	c := &collector{}
	bad := []Task{{Index: 0, Item: Item{Input: "q", Expected: "(", Assertion: AssertRegex}}}
	require.NoError(t, Run(context.Background(), RunConfig{Model: "p/m", Completer: &fakeModel{}, OnResult: c.onResult(t)}, bad))
	got := c.sorted()
	require.Len(t, got, 1)
	require.Contains(t, got[0].Error, "invalid item: expected: is not a valid regular expression")
	require.False(t, got[0].Pass)
}

func TestRunRefusesBadConfig(t *testing.T) {
	t.Parallel()
	noop := func(ItemResult) error { return nil }
	err := Run(context.Background(), RunConfig{Model: "gpt-4", Completer: &fakeModel{}, OnResult: noop}, tasks(1))
	_, ok := errors.AsType[*ValidationError](err)
	require.True(t, ok)
	require.Error(t, Run(context.Background(), RunConfig{Model: "p/m", OnResult: noop}, tasks(1)))
	require.Error(t, Run(context.Background(), RunConfig{Model: "p/m", Completer: &fakeModel{}}, tasks(1)))
	require.NoError(t, Run(context.Background(), RunConfig{Model: "p/m", Completer: &fakeModel{}, OnResult: noop}, nil))
}

func TestLimiterAcquireHonoursContext(t *testing.T) {
	t.Parallel()
	lim := NewLimiter(map[string]int{"p": 1}, 0)
	release, err := lim.Acquire(context.Background(), "p")
	require.NoError(t, err)
	ctx, cancel := context.WithTimeout(context.Background(), 20*time.Millisecond)
	defer cancel()
	_, err = lim.Acquire(ctx, "p")
	require.ErrorIs(t, err, context.DeadlineExceeded)
	release()
	release2, err := lim.Acquire(context.Background(), "p")
	require.NoError(t, err)
	release2()
}
