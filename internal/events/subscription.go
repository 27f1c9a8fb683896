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

	send sync.Mutex // serialises senders, so an overflow leaves exactly one Resync
	wake atomic.Pointer[func()]

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

// offer places n in s's buffer without blocking. When the buffer is full it discards the pending notices
// and leaves a single Resync, and reports false with the number of events discarded from the buffer.
// The caller holds h.mu.RLock, so s.c is open.
func (s *Subscription) offer(n Notice) (ok bool, discarded int) {
	defer s.notify()
	s.send.Lock()
	defer s.send.Unlock()
	select {
	case s.c <- n:
		return true, 0
	default:
	}
drain:
	for {
		select {
		case old := <-s.c:
			if !old.Resync {
				discarded++
			}
		default:
			break drain
		}
	}
	s.c <- Notice{Resync: true} // cannot block: the buffer is empty and only holders of s.send add to it
	return false, discarded
}
