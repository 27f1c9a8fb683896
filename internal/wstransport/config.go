package wstransport

import (
	"context"
	"errors"
	"net/http"
	"time"
)

// Defaults applied to the zero values of Config.
const (
	DefaultInitTimeout        = 10 * time.Second
	DefaultKeepAlive          = 15 * time.Second
	DefaultRevalidateInterval = 30 * time.Second
	DefaultMaxSubscriptions   = 100
	DefaultReadBufferSize     = 512
	DefaultWriteBufferSize    = 4096
	DefaultReadLimit          = 256 << 10
	DefaultWriteTimeout       = 10 * time.Second
)

// Config configures a Transport. Every zero value is a working default.
type Config struct {
	// InitFunc accepts or refuses connection_init. ctx carries the upgrade request's context values (not its
	// cancellation) and the init payload (see InitPayload), and so does r, the upgrade request; the context it returns (ctx or a child of it) is the base of every
	// operation on the connection. An error refuses the connection: graphql-transport-ws closes with 4403
	// and the error's message as the reason (cut to 123 bytes), the legacy protocol sends connection_error
	// with that message and closes with 4403. The message reaches the client: make it safe and actionable.
	// Nil accepts every connection.
	// An error wrapping ErrTryLater (the token could not be checked: the database is down) closes with 1013
	// Try Again Later instead, which clients retry.
	InitFunc func(ctx context.Context, payload map[string]any, r *http.Request) (context.Context, error)

	// InitTimeout is how long a socket may wait before its connection_init is acknowledged; then it is
	// closed with 4408. Zero: DefaultInitTimeout.
	InitTimeout time.Duration

	// KeepAlive is the interval of the server's keep-alive after the acknowledgement: a "ping" message in
	// graphql-transport-ws, a "ka" message and a websocket ping frame in the legacy protocol. A peer that
	// sent nothing (no pong, no message) during one whole interval after a keep-alive is dropped. Zero:
	// DefaultKeepAlive; negative: no keep-alive and no dead-peer detection.
	KeepAlive time.Duration

	// MaxSubscriptionsPerConnection caps the operations running at once on one socket. One more gets an
	// "error" message for its id that names the limit; the socket stays open. Zero:
	// DefaultMaxSubscriptions; negative: no cap.
	MaxSubscriptionsPerConnection int

	// Revalidate is called every RevalidateInterval for each acknowledged connection with the context
	// InitFunc returned; an error closes the connection as a refused init does (4403 with the message as
	// the reason; connection_error and 4403 in the legacy protocol). This is how expired and revoked tokens
	// are cut. Nil: connections are never revalidated.
	// An error wrapping ErrTryLater keeps the connection open and asks again sooner (a fifth of the
	// interval); only when it lasts two intervals is the connection closed, with 1013 Try Again Later.
	Revalidate func(ctx context.Context) error

	// RevalidateInterval is the period of Revalidate. The first call comes at a random point in the first
	// interval so that connections opened together do not revalidate together. Zero:
	// DefaultRevalidateInterval.
	RevalidateInterval time.Duration

	// ReadBufferSize is the per-connection read buffer; larger messages are still read whole. Zero:
	// DefaultReadBufferSize.
	ReadBufferSize int

	// WriteBufferSize is the size of the write buffers, which are pooled and held only while a message is
	// written. Zero: DefaultWriteBufferSize.
	WriteBufferSize int

	// ReadLimit is the largest message accepted from a client; a larger one closes the socket with 1009.
	// Zero: DefaultReadLimit.
	ReadLimit int64

	// WriteTimeout bounds each write; a client that does not read for this long is dropped. Zero:
	// DefaultWriteTimeout.
	WriteTimeout time.Duration

	// Hooks receive metrics and errors. Nil hooks are skipped.
	Hooks Hooks
}

// Hooks are optional callbacks for metrics and logs. They run on the connection's goroutines and must
// return quickly. protocol is ProtocolTransportWS or ProtocolGraphQLWS.
type Hooks struct {
	// ConnectionOpened runs after a successful upgrade.
	ConnectionOpened func(protocol string)
	// ConnectionClosed runs once per opened connection with the close code sent or received (1006 when
	// the peer vanished without one).
	ConnectionClosed func(protocol string, code int)
	// OperationStarted and OperationEnded bracket each operation (subscription, query or mutation).
	OperationStarted func(protocol string)
	OperationEnded   func(protocol string)
	// MessageReceived and MessageSent count protocol messages by type ("subscribe", "next", "ka", …);
	// a message that could not be decoded is counted as "invalid".
	MessageReceived func(protocol, messageType string)
	MessageSent     func(protocol, messageType string)
	// Error reports what the server should log: failed upgrades, failed writes, panics.
	Error func(ctx context.Context, err error)
}

// ErrTryLater, wrapped in an error of InitFunc or Revalidate, says that the connection could not be checked
// for a reason of the server's (its database is unreachable), not that it is refused.
var ErrTryLater = errors.New("try again later")

func (c Config) withDefaults() Config {
	if c.InitTimeout <= 0 {
		c.InitTimeout = DefaultInitTimeout
	}
	if c.KeepAlive == 0 {
		c.KeepAlive = DefaultKeepAlive
	}
	if c.MaxSubscriptionsPerConnection == 0 {
		c.MaxSubscriptionsPerConnection = DefaultMaxSubscriptions
	}
	if c.RevalidateInterval <= 0 {
		c.RevalidateInterval = DefaultRevalidateInterval
	}
	if c.ReadBufferSize <= 0 {
		c.ReadBufferSize = DefaultReadBufferSize
	}
	if c.WriteBufferSize <= 0 {
		c.WriteBufferSize = DefaultWriteBufferSize
	}
	if c.ReadLimit <= 0 {
		c.ReadLimit = DefaultReadLimit
	}
	if c.WriteTimeout <= 0 {
		c.WriteTimeout = DefaultWriteTimeout
	}
	return c
}
