package events

import (
	"context"
	"database/sql"
)

// DefaultBuffer is how many notices a subscription holds when the broker's Buffer is not set.
const DefaultBuffer = 16

// Broker publishes events and hands them to the subscriptions whose filter matches.
//
// Delivery is at most once per subscription and in publish order per publisher. A subscription that falls
// behind never blocks anyone: an event that finds its buffer full is lost, and one Resync notice is placed
// after the pending notices; no event is placed behind it until the subscriber has read it. So the
// subscriber sees a gap only where a Resync stands. A Resync also follows a lost and re-established PostgreSQL listener connection. On Resync the
// subscriber re-reads every row its filter covers, so no final state is missed.
type Broker interface {
	// Publish announces ev to every matching subscription (on PostgreSQL, in every replica). Call it after
	// the change is committed.
	Publish(ctx context.Context, ev Event) error
	// Subscribe opens a subscription that ends when ctx ends, when it is closed, or when the broker closes.
	Subscribe(ctx context.Context, f Filter) (*Subscription, error)
	// Stats returns counters for metrics.
	Stats() Stats
	// Close ends every subscription; later calls of Publish and Subscribe return ErrClosed.
	Close() error
}

// Execer runs one statement; *sql.DB, *sql.Tx and *sql.Conn satisfy it.
type Execer interface {
	ExecContext(ctx context.Context, query string, args ...any) (sql.Result, error)
}

// TxPublisher is a Broker that can publish inside the caller's transaction: the event is sent if and when
// that transaction commits, and never if it rolls back. Postgres implements it; Memory does not.
type TxPublisher interface {
	PublishTx(ctx context.Context, tx Execer, ev Event) error
}

// Notice is what a subscription receives: an event, or a Resync.
type Notice struct {
	// Event is the change; zero when Resync is set.
	Event Event
	// Resync says that events for this subscription may have been lost (the subscriber fell behind, or the
	// listener connection was re-established): re-read every row the filter covers.
	Resync bool
}

// Stats are a broker's counters since it was built.
type Stats struct {
	// Subscribers is the number of open subscriptions.
	Subscribers int
	// Published counts successful Publish and PublishTx calls (a PublishTx later rolled back still counts).
	Published uint64
	// Received counts events fanned out to this process's subscriptions (on PostgreSQL: notifications that
	// came back from the server, from any replica).
	Received uint64
	// Delivered counts events placed in a subscription's buffer.
	Delivered uint64
	// Dropped counts events not placed in a subscription's buffer because it was full (or held an unread
	// Resync that stands for them).
	Dropped uint64
	// Resyncs counts Resync notices placed in subscriptions' buffers.
	Resyncs uint64
	// Reconnects counts re-established listener connections (PostgreSQL only).
	Reconnects uint64
	// Malformed counts notifications on the channel that were not valid events and were ignored.
	Malformed uint64
}
