// Package app builds the server's parts from a Config — database, identity, engines, jobs, events, HTTP
// handler — and runs them with a graceful shutdown. The command line calls it; tests call it too, so that
// they run the real thing.
package app

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"net"
	"net/http"
	"net/netip"
	"strconv"
	"time"

	"entgo.io/ent/dialect"
	"entgo.io/ent/privacy"
	"github.com/riverqueue/river"

	"github.com/modelarchitect/architect/graph"
	"github.com/modelarchitect/architect/internal/auth"
	"github.com/modelarchitect/architect/internal/benchmark"
	"github.com/modelarchitect/architect/internal/catalog"
	"github.com/modelarchitect/architect/internal/compliance"
	"github.com/modelarchitect/architect/internal/config"
	"github.com/modelarchitect/architect/internal/database"
	"github.com/modelarchitect/architect/internal/deployment"
	"github.com/modelarchitect/architect/internal/events"
	"github.com/modelarchitect/architect/internal/httpx"
	"github.com/modelarchitect/architect/internal/identity"
	"github.com/modelarchitect/architect/internal/jobs"
	"github.com/modelarchitect/architect/internal/live"
	"github.com/modelarchitect/architect/internal/netlimit"
	"github.com/modelarchitect/architect/internal/observability"
	"github.com/modelarchitect/architect/internal/ops"
	"github.com/modelarchitect/architect/internal/playground"
	"github.com/modelarchitect/architect/internal/providers"
	"github.com/modelarchitect/architect/internal/server"
	"github.com/modelarchitect/architect/internal/workers"
)

// App is a built server.
type App struct {
	Config    *config.Config
	Log       *slog.Logger
	DB        *database.DB
	Identity  *identity.Service
	Catalog   *catalog.Catalog
	Events    events.Broker
	Jobs      *jobs.Jobs
	Providers *providers.Registry
	Handler   *server.Server
	Metrics   *observability.Metrics
}

// Options adjusts what New builds; tests use them.
type Options struct {
	Argon2 auth.Argon2Params // zero: OWASP parameters
	// DB, when set, is used instead of opening the database the Config names.
	DB *database.DB
	// JobsTestOnly turns off River's start-up jitter.
	JobsTestOnly bool
	// Deps, when set, adjusts the workers' settings (tests shorten the rollout poll, say).
	Deps func(*workers.Deps)
	// Pause, when set, is called by every read-then-write operation between its read and its write
	// (ops.Service.Pause): tests hold one there to force an interleaving.
	Pause func(ctx context.Context, op string)
}

// OpenDB opens the database that cfg names.
func OpenDB(cfg *config.Config) (*database.DB, error) {
	return database.Open(database.Options{
		URL:             cfg.DatabaseURL,
		DataDir:         cfg.DataDir,
		MaxOpenConns:    cfg.DBMaxOpenConns,
		MaxIdleConns:    cfg.DBMaxIdleConns,
		ConnMaxLifetime: cfg.DBConnMaxLife,
		StatementCache:  cfg.DBStatements,
	})
}

// Migrate brings the project's schema and River's tables up to date, and gives benchmarks made before dataset
// versions their version (ops.VersionDatasets).
func Migrate(ctx context.Context, db *database.DB) error {
	if err := db.Migrate(ctx); err != nil {
		return err
	}
	if err := ops.VersionDatasets(ctx, db.Client); err != nil {
		return err
	}
	return jobs.Migrate(ctx, db)
}

// New builds the server's parts. With cfg.AutoMigrate it brings the schema up to date first.
func New(ctx context.Context, cfg *config.Config, log *slog.Logger, o Options) (*App, error) {
	db := o.DB
	if db == nil {
		var err error
		if db, err = OpenDB(cfg); err != nil {
			return nil, err
		}
	}
	if cfg.AutoMigrate {
		if err := Migrate(ctx, db); err != nil {
			return nil, err
		}
	}
	id, err := identity.New(db.Client, identity.Config{
		Tokens: &auth.Tokens{
			Secret: cfg.JWTSecret, Issuer: cfg.JWTIssuer, Audience: cfg.JWTAudience, TTL: cfg.JWTExpiresIn,
		},
		Argon2:      o.Argon2,
		MaxFailures: cfg.LoginMaxFailures,
		Window:      cfg.LoginWindow,
		MaxSignUps:  cfg.SignUpsPerWindow,
	})
	if err != nil {
		return nil, err
	}
	cat := catalog.Default()
	if cfg.CatalogFile != "" {
		if cat, err = catalog.Load(cfg.CatalogFile); err != nil {
			return nil, fmt.Errorf("CATALOG_FILE: %w", err)
		}
	}
	rules, err := compliance.Default()
	if cfg.ComplianceRulesFile != "" {
		rules, err = compliance.Load(cfg.ComplianceRulesFile)
	}
	if err != nil {
		return nil, fmt.Errorf("compliance rules (COMPLIANCE_RULES_FILE): %w", err)
	}
	registry, err := providers.NewRegistry(cfg.Providers)
	if err != nil {
		return nil, err
	}
	broker, err := newBroker(ctx, db, log)
	if err != nil {
		return nil, err
	}
	allow, err := deployment.ParseAllowlist(cfg.EndpointAllowlist)
	if err != nil {
		return nil, fmt.Errorf("ENDPOINT_ALLOWLIST: %w", err)
	}
	endpoints := deployment.Policy{Allowlist: allow, Resolve: func(ctx context.Context, host string) ([]netip.Addr, error) {
		return net.DefaultResolver.LookupNetIP(ctx, "ip", host)
	}}
	metrics := observability.NewMetrics()
	notifier := &live.Notifier{Broker: broker, Log: log,
		Published: func(kind string) { metrics.EventsPublished.WithLabelValues(kind).Inc() }}
	db.Use(notifier.Hook())
	conc := map[string]int{}
	for _, p := range registry.Providers() {
		conc[p.Name] = p.EffectiveConcurrency()
	}
	svc := &ops.Service{
		Client: db.Client, Catalog: cat, Compliance: rules, Providers: registry,
		Benchmarks:  ops.BenchmarkConfig{ChunkSize: cfg.BenchmarkChunk, MaxFileBytes: cfg.BenchmarkMaxFile},
		Deployments: ops.DeploymentConfig{Endpoints: endpoints},
		Pause:       o.Pause,
	}
	deps := &workers.Deps{
		DB: db, Client: db.Client, Providers: registry, Catalog: cat, Compliance: rules, Log: log,
		Limiter:        benchmark.NewLimiter(conc, providers.DefaultConcurrency),
		Drivers:        map[string]deployment.Driver{string(deployment.ProviderSelfHosted): workers.EndpointDriver{Policy: endpoints}},
		Endpoints:      endpoints,
		RolloutTimeout: cfg.RolloutTimeout,
		HealthEvery:    cfg.HealthInterval,
		ProviderCall: func(provider, outcome string, took time.Duration) {
			metrics.ProviderRequests.WithLabelValues(provider, outcome).Inc()
			metrics.ProviderDuration.WithLabelValues(provider, outcome).Observe(took.Seconds())
		},
		Measured: svc.MeasureDeployment,
		Refresh: func(ctx context.Context, id int, before time.Time) (done bool, err error) {
			err = db.InTx(privacy.DecisionContext(ctx, privacy.Allow), func(ctx context.Context) error {
				done, err = svc.RefreshScenario(ctx, id, before)
				return err
			})
			return done, err
		},
		Bandits: svc.RunningBandits,
		UpdateBandit: func(ctx context.Context, id int) error {
			return db.InTx(privacy.DecisionContext(ctx, privacy.Allow), func(ctx context.Context) error {
				_, err := svc.UpdateBandit(ctx, id)
				return err
			})
		},
		Started: time.Now(),
		Pause:   o.Pause,
	}
	if o.Deps != nil {
		o.Deps(deps)
	}
	riverWorkers := river.NewWorkers()
	workers.Register(riverWorkers, deps)
	jq, err := jobs.New(db, jobs.Config{
		Work: cfg.Workers, JobTimeout: cfg.JobTimeout, RescueAfter: cfg.JobRescueAfter,
		Periodic: workers.Periodic(deps), TestOnly: o.JobsTestOnly,
	}, riverWorkers, log)
	if err != nil {
		return nil, err
	}
	svc.Jobs = jq
	if err := brokerMetrics(metrics, broker); err != nil {
		return nil, err
	}
	h, err := server.New(server.Config{
		Introspection:         cfg.Introspection,
		Playground:            cfg.Playground,
		CompiledReads:         cfg.CompiledReads,
		CompiledReadsInFlight: cfg.CompiledReadsInFlight,
		MetricsElsewhere:      cfg.MetricsAddr != "",
		TrustProxy:            cfg.TrustProxy,
		Origins:               cfg.AllowedOrigins,
		Limits:                cfg.Limits,
		MaxTokens:             cfg.MaxTokens,
		MaxBodyBytes:          cfg.MaxBodyBytes,
		MaxUpload:             cfg.BenchmarkMaxFile,
		APQCacheSize:          cfg.APQCacheSize,
		WebsocketKeepAlive:    cfg.WebsocketKeepAlive,
		WebsocketRevalidate:   cfg.WebsocketRevalidate,
	}, log, db, metrics, &graph.Resolver{
		Client:   db.Client,
		Identity: id,
		Catalog:  cat,
		Live: &live.Watcher{Broker: broker,
			Delivered: func(kind string) { metrics.EventsDelivered.WithLabelValues(kind).Inc() }},
		Ops: svc,
	})
	if err != nil {
		return nil, err
	}
	if cfg.Playground && !playground.Available() {
		log.Warn("the playground's files are not built into this binary: run `make assets` (the page at / says so too)")
	}
	return &App{Config: cfg, Log: log, DB: db, Identity: id, Catalog: cat, Events: broker, Jobs: jq, Providers: registry,
		Handler: h, Metrics: metrics}, nil
}

// newBroker is the in-memory broker on SQLite (one process) and LISTEN/NOTIFY on PostgreSQL (replicas).
func newBroker(ctx context.Context, db *database.DB, log *slog.Logger) (events.Broker, error) {
	if db.Dialect == dialect.SQLite {
		return events.NewMemory(events.MemoryConfig{}), nil
	}
	b, err := events.NewPostgres(ctx, events.PostgresConfig{DB: db.SQL, DSN: db.URL, Logger: log})
	if err != nil {
		return nil, fmt.Errorf("events (PostgreSQL LISTEN): %w", err)
	}
	return b, nil
}

// Start starts the background workers (when WORKERS is on).
func (a *App) Start(ctx context.Context) error {
	if err := a.Jobs.Start(ctx); err != nil {
		return err
	}
	a.Jobs.Observe(context.WithoutCancel(ctx), func(kind, outcome string, ran time.Duration) {
		a.Metrics.Jobs.WithLabelValues(kind, outcome).Inc()
		a.Metrics.JobDuration.WithLabelValues(kind, outcome).Observe(ran.Seconds())
	})
	return nil
}

// brokerMetrics exports the broker's own counters: overflows (a subscriber too slow), resyncs and
// listener reconnects.
func brokerMetrics(m *observability.Metrics, b events.Broker) error {
	for name, f := range map[string]func(events.Stats) uint64{
		"events_overflows_total":  func(s events.Stats) uint64 { return s.Dropped },
		"events_resyncs_total":    func(s events.Stats) uint64 { return s.Resyncs },
		"events_reconnects_total": func(s events.Stats) uint64 { return s.Reconnects },
	} {
		help := map[string]string{
			"events_overflows_total":  "Events dropped for subscribers too slow to take them (each then gets a resync).",
			"events_resyncs_total":    "Resync notices sent to subscribers (after an overflow or a lost listener connection).",
			"events_reconnects_total": "Times the PostgreSQL LISTEN connection was re-established.",
		}[name]
		if err := m.CounterFunc(name, help, func() float64 { return float64(f(b.Stats())) }); err != nil {
			return err
		}
	}
	return nil
}

// Close stops the workers and releases the broker and the database.
func (a *App) Close(ctx context.Context) error {
	return errors.Join(a.Jobs.Stop(ctx), a.Events.Close(), a.DB.Close())
}

// Serve listens on HOST and PORT until ctx ends, then drains: /readyz turns 503, requests in flight
// finish and workers stop taking jobs, all within shutdownTimeout; then the database closes.
func (a *App) Serve(ctx context.Context, shutdownTimeout time.Duration) error {
	ln, err := listen(a.Config.Host, a.Config.Port)
	if err != nil {
		return fmt.Errorf("listen on HOST %q, PORT %d: %w", a.Config.Host, a.Config.Port, err)
	}
	if err := a.Start(ctx); err != nil {
		return err
	}
	srv, ln := a.HTTPServer(ln)
	errc := make(chan error, 3)
	go func() { errc <- srv.Serve(ln) }()
	for _, side := range []struct {
		name, addr, path string
		handler          http.Handler
	}{
		{"DEBUG_ADDR", a.Config.DebugAddr, "/debug/pprof/", observability.DebugHandler()},
		{"METRICS_ADDR", a.Config.MetricsAddr, "/metrics", a.metricsHandler()},
	} {
		if side.addr == "" {
			continue
		}
		sln, err := net.Listen("tcp", side.addr)
		if err != nil {
			_ = srv.Close()
			return fmt.Errorf("%s: %w", side.name, err)
		}
		ssrv := &http.Server{Handler: side.handler, ReadHeaderTimeout: 10 * time.Second}
		defer ssrv.Close()
		go func() { errc <- ssrv.Serve(sln) }()
		a.Log.Info("side listener", "setting", side.name, "addr", sln.Addr().String(), "path", side.path)
	}
	shown := a.Config.Host // the URL to open on this machine
	if shown == "" || shown == "0.0.0.0" || shown == "::" {
		shown = "localhost"
	}
	a.Log.Info("serving", "addr", ln.Addr().String(), "graphql", "http://"+net.JoinHostPort(shown, strconv.Itoa(a.Config.Port))+"/graphql",
		"database", a.DB.Where, "env", a.Config.Env, "workers", a.Config.Workers)
	select {
	case err := <-errc:
		return err
	case <-ctx.Done():
	}
	a.Log.Info("shutting down", "timeout", shutdownTimeout.String())
	a.Handler.Drain()
	sctx, cancel := context.WithTimeout(context.Background(), shutdownTimeout)
	defer cancel()
	wsErr := a.Handler.CloseSockets(sctx)
	// Keep accepting while load balancers see /readyz answer 503, then close the listener.
	if d := a.Config.ShutdownDrainDelay; d > 0 {
		select {
		case <-time.After(d):
		case <-sctx.Done():
		}
	}
	err = errors.Join(srv.Shutdown(sctx), wsErr)
	if errors.Is(err, context.DeadlineExceeded) {
		a.Log.Warn("shutdown timed out; closing remaining connections")
		_ = srv.Close()
	}
	return errors.Join(err, a.Close(sctx))
}

// limitLogEvery bounds the warnings about limits hit: one line per limit per interval, saying how many
// more there were, so that a flood of connections or slow bodies does not flood the log too.
const limitLogEvery = 10 * time.Second

// HTTPServer builds the API's HTTP server to serve on the returned listener, ln wrapped to count each
// client address's connections. Serve uses it, and tests serve with it on a listener of their own.
//
//   - HTTP_READ_HEADER_TIMEOUT bounds a request's headers, HTTP_IDLE_TIMEOUT a keep-alive connection
//     waiting for its next request, HTTP_WRITE_TIMEOUT a response (server-sent events extend it before
//     each write; websockets clear it on upgrade), and HTTP_BODY_TIMEOUT a request's body, counted from
//     when the handler starts and cleared once the body is read (httpx.BodyDeadline, which answers 408).
//   - HTTP_MAX_CONNS_PER_CLIENT caps the connections one address holds open: those past it are accepted
//     but answered 503 except for GET /healthz and /readyz, then closed (internal/netlimit).
//
// Both limits count in architect_http_limits_total and log a warning at most every limitLogEvery.
func (a *App) HTTPServer(ln net.Listener) (*http.Server, net.Listener) {
	cfg, log, limits := a.Config, a.Log, a.Metrics.HTTPLimits
	conns := &netlimit.Throttle{Interval: limitLogEvery}
	limited := netlimit.NewListener(ln, netlimit.Config{Max: cfg.MaxConnsPerClient,
		OnOver: func(addr netip.Addr, open int) {
			limits.WithLabelValues(observability.LimitConnsPerClient).Inc()
			ok, skipped := conns.Allow()
			if !ok {
				return
			}
			attrs := []any{"addr", addr.String(), "open", open, "limit", cfg.MaxConnsPerClient, "more_since_last_line", skipped}
			if cfg.TrustProxy {
				attrs = append(attrs, "hint", "behind a proxy (TRUST_PROXY) the address is the proxy's: set HTTP_MAX_CONNS_PER_CLIENT above its connection pool, or 0")
			}
			log.Warn("too many connections from one client address (HTTP_MAX_CONNS_PER_CLIENT): requests on the extra ones are answered 503 and the connections closed", attrs...)
		}})
	bodies := &netlimit.Throttle{Interval: limitLogEvery}
	deadlines := httpx.Deadlines{Body: cfg.BodyReadTimeout, OnBodyTimeout: func(r *http.Request) {
		limits.WithLabelValues(observability.LimitBodyTimeout).Inc()
		if ok, skipped := bodies.Allow(); ok {
			host, _, _ := net.SplitHostPort(r.RemoteAddr)
			log.WarnContext(r.Context(), "request body too slow (HTTP_BODY_TIMEOUT): answered 408 and closed the connection",
				"request_id", observability.RequestID(r.Context()), "addr", host, "path", r.URL.Path,
				"timeout", cfg.BodyReadTimeout.String(), "more_since_last_line", skipped)
		}
	}}
	srv := &http.Server{
		Handler:           netlimit.Refuse(a.Handler),
		ReadHeaderTimeout: cfg.ReadHeaderTimeout,
		WriteTimeout:      cfg.WriteTimeout,
		IdleTimeout:       cfg.IdleTimeout,
		BaseContext:       func(net.Listener) context.Context { return httpx.WithDeadlines(context.Background(), deadlines) },
		ConnContext:       netlimit.ConnContext,
		ErrorLog:          slog.NewLogLogger(log.Handler(), slog.LevelWarn),
	}
	return srv, limited
}

// metricsHandler serves /metrics alone, for the METRICS_ADDR listener.
func (a *App) metricsHandler() http.Handler {
	mux := http.NewServeMux()
	mux.Handle("GET /metrics", a.Metrics.Handler())
	return mux
}

// Work runs the workers only, until ctx ends (architect worker); with METRICS_ADDR it serves their
// /metrics there.
func (a *App) Work(ctx context.Context, shutdownTimeout time.Duration) error {
	if a.DB.Dialect == dialect.SQLite {
		return errors.New("architect worker needs PostgreSQL (DATABASE_URL): on SQLite, serve runs the workers in its own process, which is the only one that may write the database file")
	}
	if err := a.Start(ctx); err != nil {
		return err
	}
	if addr := a.Config.MetricsAddr; addr != "" {
		mln, err := net.Listen("tcp", addr)
		if err != nil {
			return fmt.Errorf("METRICS_ADDR: %w", errors.Join(err, a.Close(context.WithoutCancel(ctx))))
		}
		msrv := &http.Server{Handler: a.metricsHandler(), ReadHeaderTimeout: 10 * time.Second}
		defer msrv.Close()
		go func() { _ = msrv.Serve(mln) }()
		a.Log.Info("side listener", "setting", "METRICS_ADDR", "addr", mln.Addr().String(), "path", "/metrics")
	}
	a.Log.Info("working jobs", "database", a.DB.Where)
	<-ctx.Done()
	sctx, cancel := context.WithTimeout(context.Background(), shutdownTimeout)
	defer cancel()
	return a.Close(sctx)
}
