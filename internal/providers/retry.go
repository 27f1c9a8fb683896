package providers

import (
	"context"
	"math/rand/v2"
	"net/http"
	"strconv"
	"strings"
	"time"
)

// Retry defaults, used where a RetryPolicy field is zero.
const (
	DefaultMaxAttempts   = 4
	DefaultBaseDelay     = 500 * time.Millisecond
	DefaultMaxDelay      = 20 * time.Second
	DefaultMaxRetryAfter = 60 * time.Second
)

// RetryPolicy says how often and how long to retry a call that failed with a rate limit, a server error,
// a lost connection or a cut stream. The zero value is the default policy.
type RetryPolicy struct {
	MaxAttempts int           // attempts in all, the first included; 0: DefaultMaxAttempts; 1: no retry
	BaseDelay   time.Duration // back-off before the first retry; doubles each retry; 0: DefaultBaseDelay
	MaxDelay    time.Duration // cap on one back-off; 0: DefaultMaxDelay
	// MaxRetryAfter is the longest server-requested wait honoured. A longer Retry-After ends the call at once
	// with the rate-limit error (RetryAfter set), so a job can be rescheduled instead of holding a worker.
	// 0: DefaultMaxRetryAfter.
	MaxRetryAfter time.Duration
	Jitter        func() float64                                   // uniform in [0,1); nil: math/rand/v2
	Sleep         func(ctx context.Context, d time.Duration) error // nil: a timer that returns ctx.Err() when ctx ends first
}

func (p RetryPolicy) maxAttempts() int {
	if p.MaxAttempts <= 0 {
		return DefaultMaxAttempts
	}
	return p.MaxAttempts
}

func (p RetryPolicy) maxRetryAfter() time.Duration {
	if p.MaxRetryAfter <= 0 {
		return DefaultMaxRetryAfter
	}
	return p.MaxRetryAfter
}

// backoff is the wait before retry number n (1 for the first retry): "equal jitter", half the exponential
// delay fixed and half random, min(max, base·2^(n−1)) · (1 + U)/2 (AWS Architecture Blog, "Exponential Backoff
// And Jitter", 2015). A server's Retry-After replaces it.
func (p RetryPolicy) backoff(n int, retryAfter time.Duration) time.Duration {
	if retryAfter > 0 {
		return retryAfter
	}
	base, maxD := p.BaseDelay, p.MaxDelay
	if base <= 0 {
		base = DefaultBaseDelay
	}
	if maxD <= 0 {
		maxD = DefaultMaxDelay
	}
	d := base
	for i := 1; i < n && d < maxD; i++ {
		d *= 2
	}
	d = min(d, maxD)
	u := rand.Float64()
	if p.Jitter != nil {
		u = min(max(p.Jitter(), 0), 1)
	}
	return d/2 + time.Duration(u*float64(d/2))
}

func (p RetryPolicy) sleep(ctx context.Context, d time.Duration) error {
	if p.Sleep != nil {
		return p.Sleep(ctx, d)
	}
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-ctx.Done():
		return ctx.Err()
	case <-t.C:
		return nil
	}
}

// retryAfterHeader reads how long the server asks to wait: OpenAI's retry-after-ms (milliseconds), then
// Retry-After as delay-seconds or an HTTP-date (RFC 9110 §10.2.3), relative to now. 0 when absent or invalid.
func retryAfterHeader(h http.Header, now time.Time) time.Duration {
	if v := strings.TrimSpace(h.Get("Retry-After-Ms")); v != "" {
		if ms, err := strconv.ParseFloat(v, 64); err == nil && ms > 0 && ms < 1e12 {
			return time.Duration(ms * float64(time.Millisecond))
		}
	}
	v := strings.TrimSpace(h.Get("Retry-After"))
	if v == "" {
		return 0
	}
	if s, err := strconv.ParseInt(v, 10, 64); err == nil {
		if s <= 0 || s > 1e9 {
			return 0
		}
		return time.Duration(s) * time.Second
	}
	if t, err := http.ParseTime(v); err == nil {
		if d := t.Sub(now); d > 0 {
			return d
		}
	}
	return 0
}
