package events

import (
	"sync"
	"sync/atomic"
)

// Subscription receives the notices of one Filter. Read them from C() until it is closed.
type Subscription struct {
	c    chan Notice
	h    *hub
	key  key
	stop func() bool // deregisters the context callback

	send       sync.Mutex // serialises senders, so an overflow leaves exactly one Resync
	overflowed bool       // a Resync marks lost events and the subscriber has not read it yet (guarded by send)
	wake       atomic.Pointer[func()]

	// guarded by h.mu
	pos  int // index in h.subs[key]; -1 until indexed
	done bool
	err  error
}

// C returns the channel of notices. It is closed when the subscription ends; notices buffered by then
// can still be read.
func (s *Subscription) C() <-chan Notice { return s.c }

// OnNotice has the broker call f whenever C() may hold something new: a notice, or its close. f runs on
// the broker's goroutine and must return at once (start the work elsewhere). A consumer that reads C()
// only when told needs no goroutine of its own while it waits. Notices that arrived before OnNotice are
// not announced: read C() once after setting it.
func (s *Subscription) OnNotice(f func()) { s.wake.Store(&f) }

func (s *Subscription) notify() {
	if f := s.wake.Load(); f != nil {
		(*f)()
	}
}

// Close ends the subscription early; it is safe to call more than once and after the subscription ended.
func (s *Subscription) Close() {
	s.stop()
	s.h.remove(s, nil)
}

// Err returns why the subscription ended: the context's error, ErrClosed when the broker closed, or nil
// while it is open or after Close.
func (s *Subscription) Err() error {
	s.h.mu.RLock()
	defer s.h.mu.RUnlock()
	return s.err
}

// offer places n in s's buffer without blocking, and reports whether it did and whether it placed a Resync.
// The channel holds one notice more than the buffer: when an event finds the buffer full, a Resync takes
// that last place instead, and no event is placed until the subscriber has read everything up to and
// including it. The events in between are lost, so a subscriber sees a gap only where a Resync stands, and
// every notice it read before the gap is still in order. A Resync offered while one is pending is already
// there. The caller holds h.mu.RLock, so s.c is open; only holders of s.send add to s.c, so a send that
// finds room cannot block.
func (s *Subscription) offer(n Notice) (ok, resync bool) {
	defer s.notify()
	s.send.Lock()
	defer s.send.Unlock()
	if s.overflowed {
		if len(s.c) > 0 {
			return n.Resync, false // the pending Resync covers n
		}
		s.overflowed = false // the subscriber has read the Resync
	}
	switch {
	case n.Resync:
		s.c <- n
		s.overflowed = len(s.c) > s.h.buffer
		return true, true
	case len(s.c) < s.h.buffer:
		s.c <- n
		return true, false
	}
	s.c <- Notice{Resync: true}
	s.overflowed = true
	return false, true
}
