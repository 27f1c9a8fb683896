package loadtest

import (
	"context"
	"errors"
	"fmt"
	"math/rand/v2"
	"slices"
	"strings"
	"sync"
	"time"

	"github.com/modelarchitect/architect/internal/providers"
)

// Config is one load test to run.
type Config struct {
	// Client sends each request. It must send it once (build a providers client with ProviderOptions, which turns
	// its retries off) and return soon after the request's context ends, as providers clients do. The network
	// policy is the client's: the server passes one whose HTTP client dials through its SSRF guard.
	Client providers.Client
	Model  string // the model name the endpoint serves, sent as is
	Plan   Plan
	// Now is the clock step durations are read from; nil: time.Now. Arrivals and step ends wait on the
	// runtime's timers.
	Now func() time.Time
	// Progress, when set, receives the result so far: at most once a second while a step runs (the running step
	// last, with InProgress set) and once more when each step ends. Calls come one at a time from one goroutine;
	// a slow Progress delays the next snapshot, never a request.
	Progress func(Result)
	// RequestTimeout bounds each request; 0: only the step's end (and the client's own timeout) does.
	RequestTimeout time.Duration
}

// progressEvery is the shortest time between two progress snapshots of a running step.
const progressEvery = time.Second

var (
	errStepEnd        = errors.New("the step's duration ran out")
	errRequestTimeout = errors.New("the request timeout passed")
)

// Run runs the plan's steps in order and returns what they measured. Each request is sent once through
// cfg.Client; a step ends at its duration, cancelling what is still in flight (counted as TIMEOUT errors),
// or earlier once Plan.MaxRequests have all been sent and answered. An invalid plan or config returns an
// error (a *ValidationError for the plan) and no result. When ctx ends, Run cancels the requests in flight and
// returns at once with the partial result, Cancelled set, and an error wrapping ctx's cause. Run leaves no
// goroutine behind.
func Run(ctx context.Context, cfg Config) (Result, error) {
	if err := cfg.Plan.Validate(); err != nil {
		return Result{}, err
	}
	if cfg.Client == nil {
		return Result{}, errors.New("load test: Config.Client is required")
	}
	if strings.TrimSpace(cfg.Model) == "" {
		return Result{}, errors.New("load test: Config.Model is required: the model name the endpoint serves")
	}
	r := &runner{cfg: cfg, now: cfg.Now, left: cfg.Plan.MaxRequests, draw: newDrawer(cfg.Plan, cfg.Model)}
	if r.now == nil {
		r.now = time.Now
	}
	res := Result{Plan: cfg.Plan, Model: cfg.Model, Steps: []Step{}}
	for i := range cfg.Plan.StepCount() {
		if r.remaining() == 0 {
			break
		}
		res.Steps = append(res.Steps, r.step(ctx, i, res.Steps))
		res.Cancelled = ctx.Err() != nil
		res.MaxRequestsReached = r.remaining() == 0
		r.report(res.Steps)
		if res.Cancelled {
			return res, fmt.Errorf("load test stopped: %w", context.Cause(ctx))
		}
	}
	return res, nil
}

// runner is one Run's shared state.
type runner struct {
	cfg Config
	now func() time.Time

	mu   sync.Mutex // guards left and draw, taken by the open loop's dispatcher or the closed loop's workers
	left int        // requests MaxRequests still allows
	draw *drawer
}

func (r *runner) remaining() int {
	r.mu.Lock()
	defer r.mu.Unlock()
	return r.left
}

// take draws the next request, or reports that MaxRequests have all been sent.
func (r *runner) take() (request, bool) {
	r.mu.Lock()
	defer r.mu.Unlock()
	if r.left == 0 {
		return request{}, false
	}
	r.left--
	return r.draw.next(), true
}

func (r *runner) report(steps []Step) {
	if r.cfg.Progress != nil {
		r.cfg.Progress(Result{Plan: r.cfg.Plan, Model: r.cfg.Model, Steps: slices.Clone(steps)})
	}
}

// step runs step i and returns its measurements; done are the steps before it, for progress snapshots.
func (r *runner) step(ctx context.Context, i int, done []Step) Step {
	p := r.cfg.Plan
	base := Step{TargetRate: p.stepRate(i), Concurrency: p.MaxConcurrency}
	if p.Mode == ModeConcurrency {
		base.Concurrency = p.Concurrency
	}
	acc := newAccumulator(p.SLO, rand.New(rand.NewPCG(uint64(p.Seed), streamITL+uint64(i))))
	dur := time.Duration(p.DurationSeconds * float64(time.Second))
	start := r.now() // before the deadline is set, so that a step ended by it has lasted dur by its own clock
	stepCtx, cancel := context.WithTimeoutCause(ctx, dur, errStepEnd)
	defer cancel()
	elapsed := func() time.Duration { return min(max(r.now().Sub(start), 0), dur) }
	stopWatch := r.watch(done, base, acc, elapsed)

	var wg sync.WaitGroup
	untilEnd := false // the step lasts its whole duration even when nothing is in flight
	if p.Mode == ModeConcurrency {
		r.closedLoop(stepCtx, p.Concurrency, acc, &wg)
	} else {
		untilEnd = !r.openLoop(stepCtx, i, dur, acc, &wg)
	}
	allDone := make(chan struct{})
	go func() { wg.Wait(); close(allDone) }()
	if untilEnd {
		<-stepCtx.Done()
	} else {
		select {
		case <-allDone:
		case <-stepCtx.Done():
		}
	}
	length := elapsed()
	<-allDone // at the deadline (or when ctx ended) what was in flight was cancelled: it returns at once
	stopWatch()
	return acc.step(base, length)
}

// openLoop releases requests at the arrival times of step i until the step ends or MaxRequests run out
// (exhausted true). A request whose arrival finds MaxConcurrency in flight waits for a free slot and is sent
// late; the arrivals after it keep their times, so the backlog goes out as slots free up.
func (r *runner) openLoop(ctx context.Context, i int, dur time.Duration, acc *accumulator, wg *sync.WaitGroup) (exhausted bool) {
	p := r.cfg.Plan
	arr := newArrivals(uint64(p.Seed), i, p.Rates[i], p.shape())
	slots := make(chan struct{}, p.MaxConcurrency)
	begin := time.Now()
	timer := time.NewTimer(time.Hour)
	defer timer.Stop()
	var at time.Duration
	for {
		if r.remaining() == 0 {
			return true
		}
		at += arr.next()
		if at >= dur {
			return false
		}
		if wait := time.Until(begin.Add(at)); wait > 0 {
			timer.Reset(wait)
			select {
			case <-ctx.Done():
				return false
			case <-timer.C:
			}
		}
		delayed := false
		select {
		case slots <- struct{}{}:
		default:
			delayed = true
			select {
			case slots <- struct{}{}:
			case <-ctx.Done():
				return false
			}
		}
		if ctx.Err() != nil {
			<-slots
			return false
		}
		q, ok := r.take()
		if !ok {
			<-slots
			return true
		}
		acc.started(delayed)
		wg.Add(1)
		go func() {
			defer wg.Done()
			r.send(ctx, q, acc)
			<-slots
		}()
	}
}

// closedLoop starts n workers that each send a request as soon as their last one ended, until the step ends
// or MaxRequests run out.
func (r *runner) closedLoop(ctx context.Context, n int, acc *accumulator, wg *sync.WaitGroup) {
	for range n {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for ctx.Err() == nil {
				q, ok := r.take()
				if !ok {
					return
				}
				acc.started(false)
				r.send(ctx, q, acc)
			}
		}()
	}
}

// send sends one request and records how it ended.
func (r *runner) send(ctx context.Context, q request, acc *accumulator) {
	if r.cfg.RequestTimeout > 0 {
		var cancel context.CancelFunc
		ctx, cancel = context.WithTimeoutCause(ctx, r.cfg.RequestTimeout, errRequestTimeout)
		defer cancel()
	}
	res, err := r.cfg.Client.Complete(ctx, q.req)
	switch {
	case err == nil:
		if s, ok := measure(res, q.estInput); ok {
			acc.succeeded(s)
		} else {
			acc.failedWith(ErrorNoContent, "the stream ended without answer text", false)
		}
	case ctx.Err() != nil:
		switch cause := context.Cause(ctx); {
		case errors.Is(cause, errStepEnd):
			acc.failedWith(ErrorTimeout, "still in flight when the step's duration ran out", true)
		case errors.Is(cause, errRequestTimeout):
			acc.failedWith(ErrorTimeout, fmt.Sprintf("no complete answer within the request timeout of %s", r.cfg.RequestTimeout), false)
		default:
			acc.failedWith(ErrorCancelled, "the load test was stopped: "+cause.Error(), false)
		}
	default:
		msg := err.Error()
		if pe, ok := errors.AsType[*providers.Error](err); ok && pe.Message != "" {
			msg = pe.Message // the provider's own words; the kind says the rest
		}
		acc.failedWith(errorKind(err), msg, false)
	}
}

// watch sends a progress snapshot of the running step every progressEvery until the returned stop is called;
// stop returns once no snapshot is being taken.
func (r *runner) watch(done []Step, base Step, acc *accumulator, elapsed func() time.Duration) (stop func()) {
	if r.cfg.Progress == nil {
		return func() {}
	}
	quit, finished := make(chan struct{}), make(chan struct{})
	go func() {
		defer close(finished)
		t := time.NewTicker(progressEvery)
		defer t.Stop()
		for {
			select {
			case <-quit:
				return
			case <-t.C:
				st := acc.step(base, elapsed())
				st.InProgress = true
				r.report(append(slices.Clone(done), st))
			}
		}
	}()
	return func() { close(quit); <-finished }
}
