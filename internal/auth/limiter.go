package auth

import (
	"sync"
	"time"
)

// Limiter counts failures per key in a sliding window and refuses a key that has failed Max times within
// Window, until the oldest of those failures leaves the window. Counts live in this process only: behind
// several replicas each keeps its own.
type Limiter struct {
	Max    int
	Window time.Duration

	mu    sync.Mutex
	fails map[string][]time.Time
}

// Blocked reports whether key is refused at now, and until when.
func (l *Limiter) Blocked(key string, now time.Time) (bool, time.Time) {
	l.mu.Lock()
	defer l.mu.Unlock()
	recent := l.prune(key, now)
	if len(recent) < l.Max {
		return false, time.Time{}
	}
	return true, recent[len(recent)-l.Max].Add(l.Window)
}

// Fail records a failure of key at now.
func (l *Limiter) Fail(key string, now time.Time) {
	l.mu.Lock()
	defer l.mu.Unlock()
	if l.fails == nil {
		l.fails = map[string][]time.Time{}
	}
	l.fails[key] = append(l.prune(key, now), now)
}

// Reset forgets key's failures (after a successful log-in).
func (l *Limiter) Reset(key string) {
	l.mu.Lock()
	defer l.mu.Unlock()
	delete(l.fails, key)
}

func (l *Limiter) prune(key string, now time.Time) []time.Time {
	ts := l.fails[key]
	i := 0
	for i < len(ts) && now.Sub(ts[i]) >= l.Window {
		i++
	}
	ts = ts[i:]
	if len(ts) == 0 {
		delete(l.fails, key)
		return nil
	}
	l.fails[key] = ts
	return ts
}
