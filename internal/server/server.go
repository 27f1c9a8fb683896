// Package server builds the HTTP side of the API: /graphql (gqlgen with its transports and extensions),
// the playground at /, /metrics, /healthz and /readyz, and the middleware that gives each request an id, a
// log line, metrics, a viewer and dataloaders. It holds no domain logic: resolvers and packages under
// internal/ do the work.
package server

import (
	"cmp"
	"context"
	"fmt"
	"log/slog"
	"net"
	"net/http"
	"strconv"
	"strings"
	"sync/atomic"
	"time"

	"entgo.io/ent/dialect"
	"github.com/99designs/gqlgen/graphql/handler"
	"github.com/99designs/gqlgen/graphql/handler/extension"
	"github.com/99designs/gqlgen/graphql/handler/lru"
	"github.com/vektah/gqlparser/v2/ast"

	"github.com/modelarchitect/architect/ent"
	"github.com/modelarchitect/architect/graph"
	"github.com/modelarchitect/architect/graph/compiled"
	"github.com/modelarchitect/architect/internal/apperr"
	"github.com/modelarchitect/architect/internal/auth"
	"github.com/modelarchitect/architect/internal/database"
	"github.com/modelarchitect/architect/internal/httpx"
	"github.com/modelarchitect/architect/internal/identity"
	"github.com/modelarchitect/architect/internal/limits"
	"github.com/modelarchitect/architect/internal/loaders"
	"github.com/modelarchitect/architect/internal/observability"
	"github.com/modelarchitect/architect/internal/playground"
	"github.com/modelarchitect/architect/internal/viewer"
	"github.com/modelarchitect/architect/internal/wstransport"
)

// Config configures the handler. Zero values are the defaults noted.
type Config struct {
	Introspection         bool     // GRAPHQL_INTROSPECTION
	Playground            bool     // GRAPHQL_PLAYGROUND: GraphiQL at /
	CompiledReads         string   // COMPILED_READS: true, false or verify (config.Config.CompiledReads)
	CompiledReadsInFlight int      // COMPILED_READS_IN_FLIGHT (config.Config.CompiledReadsInFlight)
	TrustProxy            bool     // take the client address from X-Forwarded-For
	Origins               []string // browser origins allowed to call the API and open websockets (CORS_ALLOWED_ORIGINS)
	Limits                limits.Config
	MaxTokens             int   // parser token limit (0: 15,000)
	MaxBodyBytes          int64 // request body cap (0: 2 MiB)
	MaxUpload             int64 // multipart upload cap (0: 10 MiB)
	APQCacheSize          int   // automatic persisted queries kept (0: 1,000)
	// Websocket tuning; zero values are the transport's defaults (wstransport.Config).
	WebsocketKeepAlive     time.Duration
	WebsocketRevalidate    time.Duration
	WebsocketInitTimeout   time.Duration
	WebsocketMaxOperations int

	// MetricsElsewhere leaves /metrics out (404): METRICS_ADDR serves it on a listener of its own.
	MetricsElsewhere bool
}

// Server is the API's HTTP handler and what it needs.
type Server struct {
	cfg      Config
	log      *slog.Logger
	db       *database.DB
	identity *identity.Service
	metrics  *observability.Metrics
	gql      *handler.Server
	ws       *wstransport.Transport
	handler  http.Handler
	draining atomic.Bool
	streams  context.Context // ended by Drain: subscriptions over server-sent events end with it
	endAll   context.CancelFunc
	checked  tokenChecks        // websocket tokens checked lately
	compiled *compiled.Compiler // nil: the resolvers answer everything (SQLite, or COMPILED_READS=false)
	hints    *hints             // with compiled: users' token versions and roles last seen (viewercheck.go)
}

// New builds the handler.
func New(cfg Config, log *slog.Logger, db *database.DB, m *observability.Metrics, resolver *graph.Resolver) (*Server, error) {
	s := &Server{cfg: cfg, log: log, db: db, identity: resolver.Identity, metrics: m}
	s.streams, s.endAll = context.WithCancel(context.Background())
	cors, err := httpx.NewCORS(httpx.CORSConfig{AllowedOrigins: cfg.Origins})
	if err != nil {
		return nil, fmt.Errorf("CORS_ALLOWED_ORIGINS: %w", err)
	}
	if err := m.RegisterDB(db.Dialect, db.SQL); err != nil {
		return nil, err
	}
	db.Intercept(graph.Projection())
	// Origins are checked once, by the CORS handler in front of /graphql, for upgrades too.
	s.ws = wstransport.New(wstransport.Config{
		InitFunc:                      s.socketInit,
		Revalidate:                    s.socketRevalidate,
		RevalidateInterval:            cfg.WebsocketRevalidate,
		KeepAlive:                     cfg.WebsocketKeepAlive,
		InitTimeout:                   cfg.WebsocketInitTimeout,
		MaxSubscriptionsPerConnection: cfg.WebsocketMaxOperations,
		Hooks: wstransport.Hooks{
			ConnectionOpened: func(p string) { m.WebsocketConnections.WithLabelValues(p).Inc() },
			ConnectionClosed: func(p string, code int) {
				m.WebsocketConnections.WithLabelValues(p).Dec()
				m.WebsocketCloses.WithLabelValues(p, strconv.Itoa(code)).Inc()
			},
			Error: func(ctx context.Context, err error) { log.WarnContext(ctx, "websocket", "err", err) },
		},
	})
	s.gql = s.graphql(resolver)
	mux := http.NewServeMux()
	mux.Handle("/graphql", cors.Handler(httpx.MaxBody(cfg.MaxBodyBytes)(s.withRequest(s.gql))))
	if !cfg.MetricsElsewhere {
		mux.Handle("GET /metrics", m.Handler())
	}
	mux.HandleFunc("GET /healthz", func(w http.ResponseWriter, _ *http.Request) { _, _ = w.Write([]byte("ok\n")) })
	mux.HandleFunc("GET /readyz", s.ready)
	if cfg.Playground {
		pg := playground.Handler(playground.Options{Endpoint: "/graphql", Title: "Model Architect GraphQL"})
		mux.Handle("GET /{$}", pg)
		mux.Handle("GET "+playground.AssetsPrefix, pg)
	}
	quiet := func(path string) bool { // probes, scrapes, and the playground page and files
		return observability.QuietProbes(path) || path == "/" || strings.HasPrefix(path, playground.AssetsPrefix)
	}
	s.handler = observability.RequestLog(log, observability.RequestLogConfig{Quiet: quiet})(m.InstrumentHTTP(httpx.BodyDeadline(mux)))
	return s, nil
}

func (s *Server) ServeHTTP(w http.ResponseWriter, r *http.Request) { s.handler.ServeHTTP(w, r) }

// Drain marks the server as shutting down: /readyz answers 503 so load balancers stop sending requests.
func (s *Server) Drain() {
	s.draining.Store(true)
	s.endAll()
}

// CloseSockets closes every websocket with 1001 going away (http.Server.Shutdown does not see hijacked
// connections) and waits for their operations until ctx ends.
func (s *Server) CloseSockets(ctx context.Context) error { return s.ws.Shutdown(ctx) }

func (s *Server) graphql(resolver *graph.Resolver) *handler.Server {
	schema := graph.NewSchema(resolver)
	if s.cfg.CompiledReads != "false" && s.db.Dialect == dialect.Postgres {
		s.hints = newHints(1 << 16)
		s.compiled = compiled.New(compiled.Config{DB: s.db.SQL, Client: s.db.Client, Schema: schema.Schema(), Log: s.log,
			Verify: s.cfg.CompiledReads == "verify", InFlight: s.cfg.CompiledReadsInFlight,
			Fallback: func(reason string) { s.metrics.CompiledReads.WithLabelValues(reason).Inc() },
			Compiled: func() { s.metrics.CompiledReads.WithLabelValues("compiled").Inc() }})
	}
	srv := handler.New(schema)
	srv.AddTransport(s.ws) // graphql-transport-ws and graphql-ws on Upgrade requests
	// Subscriptions over server-sent events: POST with Accept: text/event-stream.
	queries := listCoercingCache{lru.New[*ast.QueryDocument](1000)}
	srv.AddTransport(httpx.SSE{Drain: s.streams, Queries: queries, MaxUpload: s.cfg.MaxUpload, Check: tokenRefusal})
	// GraphQL over HTTP (GET and POST, multipart uploads included); last, it takes every other request.
	srv.AddTransport(httpx.Transport{MaxUpload: s.cfg.MaxUpload})
	srv.SetQueryCache(queries)
	srv.SetParserTokenLimit(cmp.Or(s.cfg.MaxTokens, 15000))
	srv.Use(observability.Operations{Metrics: s.metrics})
	srv.Use(listVariables{}) // before anything reads raw arguments
	srv.Use(tokenGate{})
	srv.Use(viewerCheck{s})
	srv.Use(deferDirective{})
	if s.cfg.Introspection {
		srv.Use(extension.Introspection{})
	}
	lc := s.cfg.Limits
	lc.Cursor = ourCursor
	srv.Use(limits.New(lc)) // before APQ, which stores the text of queries it has not parsed yet
	srv.Use(extension.AutomaticPersistedQuery{Cache: lru.New[string](cmp.Or(s.cfg.APQCacheSize, 1000))})
	srv.Use(mutationTx{db: s.db, present: presenter(s.log)})
	srv.Use(graph.StreamEnd{})
	if s.compiled != nil {
		srv.AroundRootFields(s.compiled.RootField)
	}
	srv.AroundFields(checkScope)
	srv.AroundFields(hideDirectives)
	srv.SetErrorPresenter(presenter(s.log))
	srv.SetRecoverFunc(recoverFunc(s.log))
	return srv
}

// withRequest records the client's address (in the request record), and gives the request the ent client, fresh
// dataloaders, and its viewer (from the bearer token). A token that cannot be checked because the database
// is unreachable is not a bad token: the request is answered 503 UNAVAILABLE with Retry-After, nothing run.
func (s *Server) withRequest(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		observability.SetClientAddr(r.Context(), s.clientAddr(r))
		ctx := ent.NewContext(r.Context(), s.db.Client)
		ctx = loaders.NewContext(ctx, loaders.New(s.db.Client))
		ctx, failed := s.authenticate(ctx, r.Header.Get("Authorization"))
		if failed != nil {
			status := http.StatusInternalServerError
			if failed.Code == apperr.Unavailable {
				status = http.StatusServiceUnavailable
			}
			httpx.WriteGraphQLError(w, r, status, presenter(s.log)(ctx, failed))
			return
		}
		if v := viewer.FromContext(ctx); v != nil {
			observability.SetViewer(ctx, strconv.Itoa(v.ID))
		}
		next.ServeHTTP(w, r.WithContext(ctx))
	})
}

// authenticate puts the token's viewer in ctx; a missing token leaves the caller anonymous, and a refused one
// records why, for tokenGate to refuse the request's operation (unless it only logs in or signs up). A token
// that could not be checked at all returns the error to answer with instead. With the compiled read path, a
// valid token of a user this replica has seen leaves its row's check to the operation (viewercheck.go).
func (s *Server) authenticate(ctx context.Context, header string) (context.Context, *apperr.Error) {
	if s.compiled != nil {
		if token, ok := strings.CutPrefix(header, "Bearer "); ok && !auth.IsAPIKey(token) {
			if c, err := s.identity.Claims(strings.TrimSpace(token)); err == nil {
				if h, ok := s.hints.get(c.UserID); ok && h.Version == c.Version {
					return withPending(ctx, header, h), nil
				}
			}
		}
	}
	return s.lookUp(ctx, header)
}

// lookUp authenticates the request's token by its user's row.
func (s *Server) lookUp(ctx context.Context, header string) (context.Context, *apperr.Error) {
	token, ok := strings.CutPrefix(header, "Bearer ")
	if !ok {
		if header != "" {
			return withRefusedToken(ctx, "the Authorization header is not a bearer token"), nil
		}
		return ctx, nil
	}
	v, u, err := s.identity.Authenticate(ctx, strings.TrimSpace(token))
	if err != nil {
		reason, refused := tokenReason(err)
		if !refused {
			return ctx, uncheckable(err)
		}
		if auth.IsAPIKey(token) {
			return withRefusedKey(ctx, reason), nil
		}
		return withRefusedToken(ctx, strings.SplitN(reason, ":", 2)[0]), nil
	}
	loaders.PrimeUsers(ctx, u) // the viewer owns most rows a request shows
	if s.hints != nil && v.Scope == nil {
		s.hints.put(compiled.Check{UserID: u.ID, Version: u.TokenVersion, Role: u.Role})
	}
	return identity.WithUser(viewer.NewContext(ctx, v), u), nil
}

// uncheckable is the error of a token check that failed for a reason of the server's: UNAVAILABLE when the
// database could not be reached, INTERNAL otherwise.
func uncheckable(err error) *apperr.Error {
	if database.IsUnavailable(err) {
		return apperr.Unavailability(err)
	}
	return &apperr.Error{Code: apperr.Internal, Message: "internal error", Err: fmt.Errorf("check token: %w", err)}
}

func (s *Server) clientAddr(r *http.Request) string {
	if s.cfg.TrustProxy {
		// The proxy in front appends the address it saw; the last entry is the one it vouches for.
		if xff := r.Header.Get("X-Forwarded-For"); xff != "" {
			parts := strings.Split(xff, ",")
			return strings.TrimSpace(parts[len(parts)-1])
		}
	}
	host, _, err := net.SplitHostPort(r.RemoteAddr)
	if err != nil {
		return r.RemoteAddr
	}
	return host
}

func (s *Server) ready(w http.ResponseWriter, r *http.Request) {
	if s.draining.Load() {
		http.Error(w, "shutting down", http.StatusServiceUnavailable)
		return
	}
	ctx, cancel := context.WithTimeout(r.Context(), 2*time.Second)
	defer cancel()
	if err := s.db.Ping(ctx); err != nil {
		http.Error(w, "database unavailable", http.StatusServiceUnavailable)
		return
	}
	_, _ = w.Write([]byte("ready\n"))
}
