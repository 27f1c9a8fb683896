package providers

import (
	"net/http"
	"testing"
	"time"

	"github.com/stretchr/testify/require"
)

func TestRetryAfterHeader(t *testing.T) {
	t.Parallel()
	now := time.Date(2026, 3, 1, 12, 0, 0, 0, time.UTC)
	tests := []struct {
		name   string
		header map[string]string
		want   time.Duration
	}{
		{name: "absent", want: 0},
		{name: "delay-seconds", header: map[string]string{"Retry-After": "7"}, want: 7 * time.Second},
		{name: "HTTP date 90 s ahead", header: map[string]string{"Retry-After": "Sun, 01 Mar 2026 12:01:30 GMT"}, want: 90 * time.Second},
		{name: "obsolete RFC 850 date", header: map[string]string{"Retry-After": "Sunday, 01-Mar-26 12:00:05 GMT"}, want: 5 * time.Second},
		{name: "date in the past", header: map[string]string{"Retry-After": "Sun, 01 Mar 2026 11:59:00 GMT"}, want: 0},
		{name: "zero", header: map[string]string{"Retry-After": "0"}, want: 0},
		{name: "negative", header: map[string]string{"Retry-After": "-3"}, want: 0},
		{name: "fraction is not delay-seconds", header: map[string]string{"Retry-After": "1.5"}, want: 0},
		{name: "garbage", header: map[string]string{"Retry-After": "soon"}, want: 0},
		{name: "retry-after-ms wins", header: map[string]string{"Retry-After-Ms": "250", "Retry-After": "9"}, want: 250 * time.Millisecond},
		{name: "bad retry-after-ms falls back", header: map[string]string{"Retry-After-Ms": "x", "Retry-After": "2"}, want: 2 * time.Second},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			h := http.Header{}
			for k, v := range tc.header {
				h.Set(k, v)
			}
			require.Equal(t, tc.want, retryAfterHeader(h, now))
		})
	}
}

func TestBackoff(t *testing.T) {
	t.Parallel()
	p := func(u float64) RetryPolicy {
		return RetryPolicy{BaseDelay: 100 * time.Millisecond, MaxDelay: time.Second, Jitter: func() float64 { return u }}
	}
	tests := []struct {
		name       string
		policy     RetryPolicy
		n          int
		retryAfter time.Duration
		want       time.Duration
	}{
		// d = min(1 s, 100 ms · 2^(n−1)); wait = d/2 + u·d/2
		{name: "first retry, least jitter", policy: p(0), n: 1, want: 50 * time.Millisecond},
		{name: "first retry, most jitter", policy: p(1), n: 1, want: 100 * time.Millisecond},
		{name: "third retry, mid jitter", policy: p(0.5), n: 3, want: 300 * time.Millisecond}, // d = 400 ms → 200 + 100
		{name: "capped", policy: p(0), n: 10, want: 500 * time.Millisecond},                   // d = 1 s cap → 500 ms
		{name: "huge n does not overflow", policy: p(1), n: 1000, want: time.Second},
		{name: "jitter out of range is clamped", policy: p(7), n: 1, want: 100 * time.Millisecond},
		{name: "Retry-After replaces back-off", policy: p(0.5), n: 2, retryAfter: 3 * time.Second, want: 3 * time.Second},
		// defaults: base 500 ms, u = 0 → 250 ms
		{name: "zero policy uses defaults", policy: RetryPolicy{Jitter: func() float64 { return 0 }}, n: 1, want: 250 * time.Millisecond},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			require.Equal(t, tc.want, tc.policy.backoff(tc.n, tc.retryAfter))
		})
	}
}

func TestBackoffRandomJitterStaysInRange(t *testing.T) {
	t.Parallel()
	p := RetryPolicy{BaseDelay: 100 * time.Millisecond, MaxDelay: time.Second}
	for n := 1; n <= 6; n++ {
		d := min(100*time.Millisecond<<(n-1), time.Second)
		for range 50 {
			got := p.backoff(n, 0)
			require.GreaterOrEqual(t, got, d/2)
			require.LessOrEqual(t, got, d)
		}
	}
}
