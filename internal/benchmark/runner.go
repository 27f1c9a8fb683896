package benchmark

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"sync"
	"time"

	"golang.org/x/sync/semaphore"
)

// Completer answers one prompt with one model. The caller adapts its model client to it (for instance a
// providers.Client and model name), so this package needs no HTTP.
type Completer interface {
	Complete(ctx context.Context, prompt string) (Answer, error)
}

// Answer is what a Completer returns for one prompt.
type Answer struct {
	Text    string
	Usage   Usage
	TTFT    time.Duration
	Latency time.Duration
}

// Task is one run of an item: its index in the dataset and which repeat (from 0) this is.
type Task struct {
	Index  int
	Repeat int
	Item   Item
}

// Limiter bounds the calls in flight per provider. One Limiter shared by every run in a process keeps each
// provider's concurrency bounded across runs. It is safe for concurrent use.
type Limiter struct {
	mu     sync.Mutex
	limits map[string]int
	def    int
	sems   map[string]*semaphore.Weighted
}

// NewLimiter allows limits[provider] calls in flight per provider, and defaultLimit (DefaultConcurrency when
// ≤ 0) for a provider not in limits or limited to ≤ 0.
func NewLimiter(limits map[string]int, defaultLimit int) *Limiter {
	if defaultLimit <= 0 {
		defaultLimit = DefaultConcurrency
	}
	l := &Limiter{limits: map[string]int{}, def: defaultLimit, sems: map[string]*semaphore.Weighted{}}
	for p, n := range limits {
		l.limits[p] = n
	}
	return l
}

// Acquire waits for a slot of provider, or until ctx ends; call release when the call is done.
func (l *Limiter) Acquire(ctx context.Context, provider string) (release func(), err error) {
	l.mu.Lock()
	sem, ok := l.sems[provider]
	if !ok {
		n := l.limits[provider]
		if n <= 0 {
			n = l.def
		}
		sem = semaphore.NewWeighted(int64(n))
		l.sems[provider] = sem
	}
	l.mu.Unlock()
	if err := sem.Acquire(ctx, 1); err != nil {
		return nil, err
	}
	return func() { sem.Release(1) }, nil
}

// RunConfig says how to run one chunk of items against one model.
type RunConfig struct {
	Model     string    // "provider/model"; the provider part selects the Limiter's slots
	Completer Completer // calls the model
	Limiter   *Limiter  // shared across runs; nil: a private limiter of DefaultConcurrency
	// OnResult receives each finished item, one call at a time, in the order items finish. Returning an error
	// stops the run, which then returns it.
	OnResult func(ItemResult) error
	// Judge grades JUDGE items; nil records them with an error saying the benchmark has no judge.
	Judge Judge
	// Abort, when set, is asked about each failed call (the model's or the judge's): true stops the run and returns that error without
	// recording the item (for a long rate limit, say, so the job can be retried later); false records the item
	// with the error. nil records every failure.
	Abort func(error) bool
}

// Run calls the model for each task with the concurrency the limiter allows, checks each answer and hands the
// result to OnResult. It returns nil when every task was recorded; ctx's error when ctx ended, at once and
// without recording the calls then in flight (they run again when the chunk is resumed); or the error that
// OnResult returned or Abort accepted.
func Run(ctx context.Context, cfg RunConfig, tasks []Task) error {
	provider, _, ok := strings.Cut(cfg.Model, "/")
	switch {
	case !ok || provider == "":
		return &ValidationError{Field: "model", Reason: fmt.Sprintf("%q must be written provider/model", cfg.Model)}
	case cfg.Completer == nil || cfg.OnResult == nil:
		return errors.New("benchmark run: Completer and OnResult are required")
	}
	lim := cfg.Limiter
	if lim == nil {
		lim = NewLimiter(nil, DefaultConcurrency)
	}
	ctx, stop := context.WithCancelCause(ctx)
	defer stop(nil)

	var wg sync.WaitGroup
	var record sync.Mutex
	for _, task := range tasks {
		release, err := lim.Acquire(ctx, provider)
		if err != nil {
			break // ctx ended
		}
		wg.Go(func() {
			defer release()
			res, skip, err := runTask(ctx, cfg, task)
			switch {
			case err != nil:
				stop(err)
				return
			case skip:
				return
			}
			record.Lock()
			defer record.Unlock()
			if ctx.Err() != nil {
				return
			}
			if err := cfg.OnResult(res); err != nil {
				stop(fmt.Errorf("record item %d of %s: %w", task.Index, cfg.Model, err))
			}
		})
	}
	wg.Wait()
	return context.Cause(ctx)
}

// runTask calls and grades one task. skip is true when ctx ended during the call; err is an abort.
func runTask(ctx context.Context, cfg RunConfig, task Task) (res ItemResult, skip bool, err error) {
	ans, callErr := cfg.Completer.Complete(ctx, task.Item.Input)
	if ctx.Err() != nil {
		return ItemResult{}, true, nil
	}
	// A JUDGE item's judge step is done with its answer, even when there is no answer to judge.
	res = ItemResult{Item: task.Index, Repeat: task.Repeat, Judged: task.Item.Assertion == AssertJudge}
	if callErr != nil {
		if cfg.Abort != nil && cfg.Abort(callErr) {
			return ItemResult{}, false, fmt.Errorf("item %d of %s: %w", task.Index, cfg.Model, callErr)
		}
		res.Error = callErr.Error()
		return res, false, nil
	}
	res.Output, res.Usage = ans.Text, ans.Usage
	res.Latency, res.TTFT = max(ans.Latency, 0), max(ans.TTFT, 0)
	if task.Item.Assertion == AssertJudge {
		return judgeTask(ctx, cfg, task, res)
	}
	v, checkErr := task.Item.Check(ans.Text)
	if checkErr != nil {
		res.Error = "invalid item: " + checkErr.Error()
		return res, false, nil
	}
	res.Pass, res.Reason = v.Pass, v.Reason
	return res, false, nil
}

// judgeTask grades an answered JUDGE task with the run's judge. A failed judge call is recorded as the item's
// error (the call still counts), unless Abort stops the run.
func judgeTask(ctx context.Context, cfg RunConfig, task Task, res ItemResult) (ItemResult, bool, error) {
	res.Judged = true
	if cfg.Judge == nil {
		res.Error = "invalid item: JUDGE needs the benchmark's judge model (judge.model)"
		return res, false, nil
	}
	jr, err := cfg.Judge.Grade(ctx, task.Item, res.Output)
	if ctx.Err() != nil {
		return ItemResult{}, true, nil
	}
	res.JudgeCalls, res.JudgeUsage = jr.Calls, jr.Usage
	if err != nil {
		if cfg.Abort != nil && cfg.Abort(err) {
			return ItemResult{}, false, fmt.Errorf("judge of item %d of %s: %w", task.Index, cfg.Model, err)
		}
		res.Error = "judge: " + err.Error()
		return res, false, nil
	}
	res.Pass, res.Reason, res.JudgeScore, res.JudgeInvalid = jr.Pass, jr.Reason, jr.Score, jr.Invalid
	if jr.Pass {
		res.Reason = ""
		if jr.Reason != "" {
			res.Reason = "judge: " + jr.Reason
		}
	}
	return res, false, nil
}
