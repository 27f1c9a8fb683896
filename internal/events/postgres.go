package events

import (
	"context"
	"database/sql"
	"fmt"
	"log/slog"
	"sync"
	"sync/atomic"
	"time"

	"github.com/lib/pq"
)

// Defaults of PostgresConfig.
const (
	DefaultChannel         = "architect_events"
	DefaultApplicationName = "architect_events_listener"
	DefaultMinReconnect    = 250 * time.Millisecond
	DefaultMaxReconnect    = 10 * time.Second
	DefaultPingInterval    = 30 * time.Second
)

// PostgresConfig configures a Postgres broker. Zero values take the defaults named.
type PostgresConfig struct {
	// DB sends the NOTIFY of Publish. Required.
	DB *sql.DB
	// DSN opens the listener's own connection to the same database as DB (lib/pq URL or key=value form).
	// Required.
	DSN string
	// Channel is the NOTIFY channel: lower-case letters, digits and underscores, at most 63 bytes. Every
	// replica of one installation uses the same one. Default DefaultChannel.
	Channel string
	// ApplicationName names the listener connection in pg_stat_activity; it overrides one in DSN.
	// Default DefaultApplicationName.
	ApplicationName string
	// Buffer is how many notices each subscription holds before it overflows; default DefaultBuffer.
	Buffer int
	// MinReconnect and MaxReconnect bound the wait before re-establishing a lost listener connection: it
	// starts at MinReconnect and doubles after each failed attempt up to MaxReconnect. Defaults
	// DefaultMinReconnect and DefaultMaxReconnect.
	MinReconnect, MaxReconnect time.Duration
	// PingInterval is how often the listener connection is pinged, so that a silently dead one is noticed;
	// default DefaultPingInterval, negative turns pinging off.
	PingInterval time.Duration
	// Logger receives connection losses, reconnections and malformed notifications; default slog.Default().
	Logger *slog.Logger
}

func (c PostgresConfig) withDefaults() (PostgresConfig, error) {
	if c.DB == nil {
		return c, &ValidationError{Field: "DB", Reason: "is required: the *sql.DB that sends NOTIFY"}
	}
	if c.DSN == "" {
		return c, &ValidationError{Field: "DSN", Reason: "is required: the connection string of the LISTEN connection"}
	}
	if c.Channel == "" {
		c.Channel = DefaultChannel
	}
	if err := validChannel(c.Channel); err != nil {
		return c, err
	}
	if c.ApplicationName == "" {
		c.ApplicationName = DefaultApplicationName
	}
	if c.MinReconnect <= 0 {
		c.MinReconnect = DefaultMinReconnect
	}
	if c.MaxReconnect <= 0 {
		c.MaxReconnect = DefaultMaxReconnect
	}
	if c.MaxReconnect < c.MinReconnect {
		return c, &ValidationError{Field: "MaxReconnect", Reason: fmt.Sprintf("%s is below MinReconnect %s", c.MaxReconnect, c.MinReconnect)}
	}
	if c.PingInterval == 0 {
		c.PingInterval = DefaultPingInterval
	}
	if c.Logger == nil {
		c.Logger = slog.Default()
	}
	return c, nil
}

func validChannel(ch string) error {
	if len(ch) > 63 { // NAMEDATALEN-1, PostgreSQL's identifier limit
		return &ValidationError{Field: "Channel", Reason: fmt.Sprintf("is %d bytes, at most 63 allowed", len(ch))}
	}
	for _, r := range ch {
		if !(r >= 'a' && r <= 'z' || r >= '0' && r <= '9' || r == '_') {
			return &ValidationError{Field: "Channel", Reason: fmt.Sprintf("%q: use lower-case letters, digits and underscores", ch)}
		}
	}
	return nil
}

// Postgres is a Broker for many replicas on one PostgreSQL database. Publish sends NOTIFY; one LISTEN
// connection per broker receives every event, its own included, and hands it to this process's
// subscriptions, so each subscription sees each event once whichever replica published it.
//
// Notifications sent while the listener connection is down are lost; once it is re-established every
// subscription gets a Resync notice.
type Postgres struct {
	cfg      PostgresConfig
	hub      *hub
	listener *pq.Listener

	quit      chan struct{}
	wg        sync.WaitGroup
	closeOnce sync.Once

	lastAttemptErr atomic.Pointer[error]

	published, reconnects, malformed atomic.Uint64
}

var (
	_ Broker      = (*Postgres)(nil)
	_ TxPublisher = (*Postgres)(nil)
)

// NewPostgres opens the listener connection, waits until it listens (or ctx ends), and returns the broker.
func NewPostgres(ctx context.Context, cfg PostgresConfig) (*Postgres, error) {
	cfg, err := cfg.withDefaults()
	if err != nil {
		return nil, err
	}
	dsn, err := withApplicationName(cfg.DSN, cfg.ApplicationName)
	if err != nil {
		return nil, err
	}
	if _, err := pq.NewConnector(dsn); err != nil {
		return nil, fmt.Errorf("events: listener DSN: %w", err)
	}
	p := &Postgres{cfg: cfg, hub: newHub(cfg.Buffer), quit: make(chan struct{})}
	p.listener = pq.NewListener(dsn, cfg.MinReconnect, cfg.MaxReconnect, p.onListenerEvent)

	listened := make(chan error, 1)
	go func() { listened <- p.listener.Listen(cfg.Channel) }()
	select {
	case err = <-listened:
	case <-ctx.Done():
		err = ctx.Err()
		if last := p.lastAttemptErr.Load(); last != nil {
			err = fmt.Errorf("%w (last attempt: %w)", err, *last)
		}
	}
	if err != nil {
		_ = p.listener.Close()
		go func() {
			for range p.listener.Notify { // drain, so that the listener's goroutine can end
			}
		}()
		return nil, fmt.Errorf("events: listen on channel %s: %w", cfg.Channel, err)
	}
	p.wg.Go(p.dispatch)
	if cfg.PingInterval > 0 {
		p.wg.Go(p.ping)
	}
	return p, nil
}

// Publish sends ev through DB; every replica's subscriptions receive it.
func (p *Postgres) Publish(ctx context.Context, ev Event) error {
	return p.PublishTx(ctx, p.cfg.DB, ev)
}

// PublishTx sends ev through tx. When tx is a *sql.Tx, PostgreSQL delivers the event only if and when it
// commits (identical events in one transaction are delivered once); a rollback discards it.
func (p *Postgres) PublishTx(ctx context.Context, tx Execer, ev Event) error {
	payload, err := ev.encode()
	if err != nil {
		return err
	}
	if p.hub.isClosed() {
		return ErrClosed
	}
	if _, err := tx.ExecContext(ctx, "SELECT pg_notify($1, $2)", p.cfg.Channel, payload); err != nil {
		return fmt.Errorf("events: publish %s %d: %w", ev.Kind, ev.ID, err)
	}
	p.published.Add(1)
	return nil
}

// Subscribe opens a subscription to the events f selects.
func (p *Postgres) Subscribe(ctx context.Context, f Filter) (*Subscription, error) {
	return p.hub.subscribe(ctx, f)
}

// Stats returns the broker's counters.
func (p *Postgres) Stats() Stats {
	s := p.hub.stats()
	s.Published = p.published.Load()
	s.Reconnects = p.reconnects.Load()
	s.Malformed = p.malformed.Load()
	return s
}

// Close ends every subscription and the listener connection. It waits for the listener's goroutine, which
// may take until a pending reconnect wait (at most MaxReconnect) ends. It is safe to call more than once.
func (p *Postgres) Close() error {
	var err error
	p.closeOnce.Do(func() {
		p.hub.close()
		close(p.quit)
		err = p.listener.Close()
		p.wg.Wait()
	})
	return err
}

// dispatch fans out what the listener receives. lib/pq sends a nil notification after it re-established a
// lost connection and LISTENs again, in order with the notifications; that is when subscribers resync.
func (p *Postgres) dispatch() {
	for n := range p.listener.Notify {
		if n == nil {
			p.reconnects.Add(1)
			p.hub.resync()
			continue
		}
		if n.Channel != p.cfg.Channel {
			continue
		}
		ev, err := decode(n.Extra)
		if err != nil {
			p.malformed.Add(1)
			p.cfg.Logger.Warn("events: ignored a malformed notification", "channel", n.Channel, "pid", n.BePid, "err", err)
			continue
		}
		_ = p.hub.publish(ev)
	}
}

// ping runs on its own goroutine: Listener.Ping waits for the server's answer, which reaches it only while
// dispatch keeps draining notifications.
func (p *Postgres) ping() {
	t := time.NewTicker(p.cfg.PingInterval)
	defer t.Stop()
	for {
		select {
		case <-p.quit:
			return
		case <-t.C:
			_ = p.listener.Ping() // a failure is the listener's to handle: it reconnects by itself
		}
	}
}

// onListenerEvent runs on the listener's goroutine.
func (p *Postgres) onListenerEvent(ev pq.ListenerEventType, err error) {
	switch ev {
	case pq.ListenerEventConnectionAttemptFailed:
		p.lastAttemptErr.Store(&err)
		p.cfg.Logger.Warn("events: listener connection attempt failed", "channel", p.cfg.Channel, "err", err)
	case pq.ListenerEventDisconnected:
		p.cfg.Logger.Warn("events: listener connection lost; reconnecting, then subscribers resync", "channel", p.cfg.Channel, "err", err)
	case pq.ListenerEventReconnected:
		p.cfg.Logger.Info("events: listener reconnected; subscribers resync", "channel", p.cfg.Channel)
	}
}
