package events_test

import (
	"context"
	"crypto/rand"
	"database/sql"
	"encoding/hex"
	"log/slog"
	"os"
	"testing"
	"time"

	_ "github.com/lib/pq"
	"github.com/stretchr/testify/require"

	"github.com/modelarchitect/architect/internal/events"
	"github.com/modelarchitect/architect/internal/events/eventstest"
)

// pgWorld is one test's PostgreSQL: a pool on TEST_DATABASE_URL and a NOTIFY channel no other test uses.
type pgWorld struct {
	url     string
	db      *sql.DB
	channel string
}

func setupPostgres(t testing.TB) pgWorld {
	t.Helper()
	url := os.Getenv("TEST_DATABASE_URL")
	if url == "" {
		t.Skip("PostgreSQL broker tests skipped: set TEST_DATABASE_URL, e.g. postgres://postgres@127.0.0.1:5432/test?sslmode=disable (make test-pg sets it)")
	}
	db, err := sql.Open("postgres", url)
	require.NoError(t, err)
	db.SetMaxOpenConns(4)
	t.Cleanup(func() { _ = db.Close() })
	return pgWorld{url: url, db: db, channel: uniqueName("architect_events_t")}
}

func uniqueName(prefix string) string {
	b := make([]byte, 8)
	_, _ = rand.Read(b)
	return prefix + "_" + hex.EncodeToString(b)
}

// broker builds a broker (a "replica") on w's channel; cfg's zero fields take test defaults.
func (w pgWorld) broker(t testing.TB, cfg events.PostgresConfig) *events.Postgres {
	t.Helper()
	cfg.DB, cfg.DSN, cfg.Channel = w.db, w.url, w.channel
	if cfg.MinReconnect == 0 {
		cfg.MinReconnect, cfg.MaxReconnect = 20*time.Millisecond, time.Second
	}
	if cfg.Logger == nil {
		cfg.Logger = slog.New(slog.DiscardHandler)
	}
	ctx, cancel := context.WithTimeout(t.Context(), eventstest.Timeout)
	defer cancel()
	b, err := events.NewPostgres(ctx, cfg)
	require.NoError(t, err)
	t.Cleanup(func() { _ = b.Close() })
	return b
}

func TestPostgresConformance(t *testing.T) {
	t.Parallel()
	setupPostgres(t) // skips the suite as one when PostgreSQL is absent
	eventstest.Run(t, func(t *testing.T, buffer int) events.Broker {
		return setupPostgres(t).broker(t, events.PostgresConfig{Buffer: buffer})
	})
}

func mustSubscribe(t *testing.T, b events.Broker, f events.Filter) *events.Subscription {
	t.Helper()
	sub, err := b.Subscribe(t.Context(), f)
	require.NoError(t, err)
	return sub
}

// TestPostgresReplicas: two brokers on one database, as two replicas; an event published on either reaches
// the subscriptions of both, each exactly once and in order.
func TestPostgresReplicas(t *testing.T) {
	t.Parallel()
	w := setupPostgres(t)
	a := w.broker(t, events.PostgresConfig{})
	b := w.broker(t, events.PostgresConfig{})
	subs := []*events.Subscription{
		mustSubscribe(t, a, events.ByID("benchmark", 1)),
		mustSubscribe(t, b, events.ByID("benchmark", 1)),
		mustSubscribe(t, b, events.ByOwner("benchmark", 7)),
	}
	sent := []events.Event{
		{Kind: "benchmark", ID: 1, OwnerID: 7, Status: "RUNNING"},
		{Kind: "benchmark", ID: 1, OwnerID: 7, Status: "COMPLETED"},
	}
	require.NoError(t, a.Publish(t.Context(), sent[0]))
	require.NoError(t, b.Publish(t.Context(), sent[1]))
	require.NoError(t, a.Publish(t.Context(), events.Event{Kind: "benchmark", ID: 1, OwnerID: 7, Status: "end"}))
	for i, sub := range subs {
		for _, ev := range sent {
			require.Equal(t, events.Notice{Event: ev}, eventstest.Receive(t, sub), "subscription %d", i)
		}
		require.Equal(t, "end", eventstest.Receive(t, sub).Event.Status, "subscription %d: a duplicate came first", i)
	}
	require.Equal(t, uint64(2), a.Stats().Published)
	require.Equal(t, uint64(3), b.Stats().Received, "b hands out events published by a and by itself")
}

// TestPostgresPublishTx: an event published in a transaction is delivered at commit, never on rollback,
// and once however often the same event was published in it.
func TestPostgresPublishTx(t *testing.T) {
	t.Parallel()
	w := setupPostgres(t)
	b := w.broker(t, events.PostgresConfig{})
	sub := mustSubscribe(t, b, events.ByOwner("deployment", 4))
	ev := func(id int, status string) events.Event {
		return events.Event{Kind: "deployment", ID: id, OwnerID: 4, Status: status}
	}

	tx, err := w.db.BeginTx(t.Context(), nil)
	require.NoError(t, err)
	require.NoError(t, b.PublishTx(t.Context(), tx, ev(1, "in tx")))
	require.NoError(t, b.PublishTx(t.Context(), tx, ev(1, "in tx")))
	require.NoError(t, b.Publish(t.Context(), ev(2, "outside")))
	require.Equal(t, events.Notice{Event: ev(2, "outside")}, eventstest.Receive(t, sub), "the open transaction's event came first")
	require.NoError(t, tx.Commit())
	require.Equal(t, events.Notice{Event: ev(1, "in tx")}, eventstest.Receive(t, sub))

	tx, err = w.db.BeginTx(t.Context(), nil)
	require.NoError(t, err)
	require.NoError(t, b.PublishTx(t.Context(), tx, ev(3, "rolled back")))
	require.NoError(t, tx.Rollback())
	require.NoError(t, b.Publish(t.Context(), ev(4, "after")))
	require.Equal(t, events.Notice{Event: ev(4, "after")}, eventstest.Receive(t, sub), "a duplicate or the rolled-back event came first")
}

// TestPostgresReconnect: when the listener's connection is killed, lib/pq reconnects, every subscription
// gets a Resync, and later events arrive again.
func TestPostgresReconnect(t *testing.T) {
	t.Parallel()
	w := setupPostgres(t)
	app := uniqueName("architect_events_listener_t")
	b := w.broker(t, events.PostgresConfig{ApplicationName: app})
	byID := mustSubscribe(t, b, events.ByID("benchmark", 1))
	byOwner := mustSubscribe(t, b, events.ByOwner("deployment", 2))

	var killed int
	err := w.db.QueryRowContext(t.Context(),
		"SELECT count(pg_terminate_backend(pid)) FROM pg_stat_activity WHERE application_name = $1", app).Scan(&killed)
	require.NoError(t, err)
	require.Equal(t, 1, killed, "one listener connection named %s", app)

	require.Equal(t, events.Notice{Resync: true}, eventstest.Receive(t, byID))
	require.Equal(t, events.Notice{Resync: true}, eventstest.Receive(t, byOwner))
	ev := events.Event{Kind: "benchmark", ID: 1, OwnerID: 2, Status: "COMPLETED"}
	require.NoError(t, b.Publish(t.Context(), ev))
	require.Equal(t, events.Notice{Event: ev}, eventstest.Receive(t, byID))
	st := b.Stats()
	require.Equal(t, uint64(1), st.Reconnects)
	require.Equal(t, uint64(2), st.Resyncs)
}

// TestPostgresMalformed: notifications on the channel that are not events are counted and skipped.
func TestPostgresMalformed(t *testing.T) {
	t.Parallel()
	w := setupPostgres(t)
	b := w.broker(t, events.PostgresConfig{})
	sub := mustSubscribe(t, b, events.ByID("benchmark", 1))
	for _, payload := range []string{"not json", `{"kind":"benchmark","id":0,"ownerId":1}`, `[1,2]`} {
		_, err := w.db.ExecContext(t.Context(), "SELECT pg_notify($1, $2)", w.channel, payload)
		require.NoError(t, err)
	}
	// A replica on a newer build may add fields; they are ignored.
	_, err := w.db.ExecContext(t.Context(), "SELECT pg_notify($1, $2)", w.channel,
		`{"kind":"benchmark","id":1,"ownerId":5,"status":"RUNNING","progress":0.5}`)
	require.NoError(t, err)
	require.Equal(t, events.Notice{Event: events.Event{Kind: "benchmark", ID: 1, OwnerID: 5, Status: "RUNNING"}}, eventstest.Receive(t, sub))
	require.Equal(t, uint64(3), b.Stats().Malformed)
}

// TestNewPostgresUnreachable needs no server: the listener cannot connect and ctx bounds the wait.
func TestNewPostgresUnreachable(t *testing.T) {
	t.Parallel()
	db, err := sql.Open("postgres", "postgres://postgres@127.0.0.1:1/none?sslmode=disable")
	require.NoError(t, err)
	t.Cleanup(func() { _ = db.Close() })
	ctx, cancel := context.WithTimeout(t.Context(), 500*time.Millisecond)
	defer cancel()
	b, err := events.NewPostgres(ctx, events.PostgresConfig{
		DB: db, DSN: "postgres://postgres@127.0.0.1:1/none?sslmode=disable",
		MinReconnect: 50 * time.Millisecond, MaxReconnect: 100 * time.Millisecond,
		Logger: slog.New(slog.DiscardHandler),
	})
	require.Nil(t, b)
	require.ErrorIs(t, err, context.DeadlineExceeded)
	require.ErrorContains(t, err, "last attempt", "the error says why the connection failed")
}

func TestPostgresConfigInvalid(t *testing.T) {
	t.Parallel()
	db, err := sql.Open("postgres", "postgres://localhost/none")
	require.NoError(t, err)
	t.Cleanup(func() { _ = db.Close() })
	tests := []struct {
		name  string
		cfg   events.PostgresConfig
		field string
	}{
		{"no DB", events.PostgresConfig{DSN: "postgres://localhost/x"}, "DB"},
		{"no DSN", events.PostgresConfig{DB: db}, "DSN"},
		{"upper-case channel", events.PostgresConfig{DB: db, DSN: "postgres://localhost/x", Channel: "Events"}, "Channel"},
		{"channel with a quote", events.PostgresConfig{DB: db, DSN: "postgres://localhost/x", Channel: `a"b`}, "Channel"},
		{"channel of 64 bytes", events.PostgresConfig{DB: db, DSN: "postgres://localhost/x", Channel: string(make64('a'))}, "Channel"},
		{"max below min", events.PostgresConfig{DB: db, DSN: "postgres://localhost/x", MinReconnect: time.Second, MaxReconnect: time.Millisecond}, "MaxReconnect"},
		{"bad URL", events.PostgresConfig{DB: db, DSN: "postgres://user:secret@host:port/x"}, "DSN"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			b, err := events.NewPostgres(t.Context(), tc.cfg)
			require.Nil(t, b)
			var ve *events.ValidationError
			require.ErrorAs(t, err, &ve)
			require.Equal(t, tc.field, ve.Field)
			require.NotContains(t, err.Error(), "secret", "a DSN's password never appears in an error")
		})
	}
}

func make64(c byte) []byte {
	b := make([]byte, 64)
	for i := range b {
		b[i] = c
	}
	return b
}
