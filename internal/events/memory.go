package events

import (
	"context"
	"sync/atomic"
)

// MemoryConfig configures a Memory broker.
type MemoryConfig struct {
	// Buffer is how many notices each subscription holds before it overflows (see Broker); values below 1
	// mean DefaultBuffer.
	Buffer int
}

// Memory is a Broker for one process (the SQLite setup): Publish hands the event to the matching
// subscriptions before it returns.
type Memory struct {
	hub       *hub
	published atomic.Uint64
}

var _ Broker = (*Memory)(nil)

// NewMemory returns an in-process broker.
func NewMemory(cfg MemoryConfig) *Memory {
	return &Memory{hub: newHub(cfg.Buffer)}
}

// Publish hands ev to every matching subscription of this process; it never blocks on a subscriber.
func (m *Memory) Publish(ctx context.Context, ev Event) error {
	if err := ev.Validate(); err != nil {
		return err
	}
	if err := ctx.Err(); err != nil {
		return err
	}
	if err := m.hub.publish(ev); err != nil {
		return err
	}
	m.published.Add(1)
	return nil
}

// Subscribe opens a subscription to the events f selects.
func (m *Memory) Subscribe(ctx context.Context, f Filter) (*Subscription, error) {
	return m.hub.subscribe(ctx, f)
}

// Stats returns the broker's counters.
func (m *Memory) Stats() Stats {
	s := m.hub.stats()
	s.Published = m.published.Load()
	return s
}

// Close ends every subscription. It is safe to call more than once.
func (m *Memory) Close() error {
	m.hub.close()
	return nil
}
