package events

import (
	"context"
	"sync"
	"sync/atomic"
)

// hub indexes this process's subscriptions by filter key and fans events out to them. Publishing costs
// O(matching subscriptions) and never blocks; there is no goroutine per subscription.
type hub struct {
	buffer int

	mu     sync.RWMutex
	closed bool
	subs   map[key][]*Subscription
	n      int

	received, delivered, dropped, resyncs atomic.Uint64
}

func newHub(buffer int) *hub {
	if buffer < 1 {
		buffer = DefaultBuffer
	}
	return &hub{buffer: buffer, subs: make(map[key][]*Subscription)}
}

func (h *hub) subscribe(ctx context.Context, f Filter) (*Subscription, error) {
	if err := f.Validate(); err != nil {
		return nil, err
	}
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	s := &Subscription{c: make(chan Notice, h.buffer+1), h: h, key: f.key(), pos: -1} // +1: room for a Resync
	// AfterFunc runs the removal only when ctx ends, without a goroutine waiting for it meanwhile.
	s.stop = context.AfterFunc(ctx, func() { h.remove(s, ctx.Err()) })
	h.mu.Lock()
	defer h.mu.Unlock()
	if s.done { // ctx ended in between
		return nil, s.err
	}
	if h.closed {
		s.stop()
		return nil, ErrClosed
	}
	list := h.subs[s.key]
	s.pos = len(list)
	h.subs[s.key] = append(list, s)
	h.n++
	return s, nil
}

// remove ends s with err (once) and closes its channel.
func (h *hub) remove(s *Subscription, err error) {
	h.mu.Lock()
	defer h.mu.Unlock()
	if s.done {
		return
	}
	s.done, s.err = true, err
	if s.pos >= 0 {
		list := h.subs[s.key]
		last := len(list) - 1
		list[s.pos] = list[last]
		list[s.pos].pos = s.pos
		list[last] = nil
		if last == 0 {
			delete(h.subs, s.key)
		} else {
			h.subs[s.key] = list[:last]
		}
		h.n--
	}
	// Senders hold h.mu.RLock, so none is sending now.
	close(s.c)
	s.notify()
}

// publish hands ev to the subscriptions on its row and on its owner.
func (h *hub) publish(ev Event) error {
	var delivered, dropped, resyncs uint64
	h.mu.RLock()
	if h.closed {
		h.mu.RUnlock()
		return ErrClosed
	}
	for _, k := range [2]key{{kind: ev.Kind, id: ev.ID}, {kind: ev.Kind, id: ev.OwnerID, owner: true}} {
		for _, s := range h.subs[k] {
			ok, resync := s.offer(Notice{Event: ev})
			if ok {
				delivered++
			} else {
				dropped++
			}
			if resync {
				resyncs++
			}
		}
	}
	h.mu.RUnlock()
	h.received.Add(1)
	h.delivered.Add(delivered)
	h.dropped.Add(dropped)
	h.resyncs.Add(resyncs)
	return nil
}

// resync sends a Resync notice to every subscription.
func (h *hub) resync() {
	var resyncs uint64
	h.mu.RLock()
	for _, list := range h.subs {
		for _, s := range list {
			if _, placed := s.offer(Notice{Resync: true}); placed {
				resyncs++
			}
		}
	}
	h.mu.RUnlock()
	h.resyncs.Add(resyncs)
}

// close ends every subscription with ErrClosed.
func (h *hub) close() {
	h.mu.Lock()
	if h.closed {
		h.mu.Unlock()
		return
	}
	h.closed = true
	var stops []func() bool
	for _, list := range h.subs {
		for _, s := range list {
			s.done, s.err = true, ErrClosed
			close(s.c)
			s.notify()
			stops = append(stops, s.stop)
		}
	}
	h.subs, h.n = nil, 0
	h.mu.Unlock()
	for _, stop := range stops {
		stop()
	}
}

func (h *hub) stats() Stats {
	h.mu.RLock()
	n := h.n
	h.mu.RUnlock()
	return Stats{
		Subscribers: n,
		Received:    h.received.Load(),
		Delivered:   h.delivered.Load(),
		Dropped:     h.dropped.Load(),
		Resyncs:     h.resyncs.Load(),
	}
}

func (h *hub) isClosed() bool {
	h.mu.RLock()
	defer h.mu.RUnlock()
	return h.closed
}
