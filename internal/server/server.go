// Package server builds the HTTP side of the API: /graphql (gqlgen with its transports and extensions),
// /healthz and /readyz, and the middleware that gives each request an id, a viewer and dataloaders. It holds
// no domain logic: resolvers and packages under internal/ do the work.
package server

import (
	"context"
	"log/slog"
	"net"
	"net/http"
	"strings"
	"sync/atomic"
	"time"

	"entgo.io/contrib/entgql"
	"github.com/99designs/gqlgen/graphql"
	"github.com/99designs/gqlgen/graphql/handler"
	"github.com/99designs/gqlgen/graphql/handler/extension"
	"github.com/99designs/gqlgen/graphql/handler/lru"
	"github.com/99designs/gqlgen/graphql/handler/transport"
	"github.com/vektah/gqlparser/v2/ast"

	"github.com/modelarchitect/architect/ent"
	"github.com/modelarchitect/architect/graph"
	"github.com/modelarchitect/architect/internal/auth"
	"github.com/modelarchitect/architect/internal/database"
	"github.com/modelarchitect/architect/internal/identity"
	"github.com/modelarchitect/architect/internal/loaders"
	"github.com/modelarchitect/architect/internal/playground"
	"github.com/modelarchitect/architect/internal/reqinfo"
	"github.com/modelarchitect/architect/internal/viewer"
)

// Config configures the handler. Zero values are the development defaults.
type Config struct {
	Introspection bool // GRAPHQL_INTROSPECTION
	Playground    bool // GRAPHQL_PLAYGROUND: GraphiQL at /
	TrustProxy    bool // take the client address from X-Forwarded-For
}

// Server is the API's HTTP handler and what it needs.
type Server struct {
	cfg      Config
	log      *slog.Logger
	db       *database.DB
	identity *identity.Service
	gql      *handler.Server
	mux      *http.ServeMux
	draining atomic.Bool
}

// New builds the handler.
func New(cfg Config, log *slog.Logger, db *database.DB, resolver *graph.Resolver) *Server {
	s := &Server{cfg: cfg, log: log, db: db, identity: resolver.Identity, mux: http.NewServeMux()}
	s.gql = s.graphql(resolver)
	s.mux.Handle("/graphql", s.withRequest(s.gql))
	s.mux.HandleFunc("GET /healthz", func(w http.ResponseWriter, _ *http.Request) { _, _ = w.Write([]byte("ok\n")) })
	s.mux.HandleFunc("GET /readyz", s.ready)
	if cfg.Playground {
		pg := playground.Handler(playground.Options{Endpoint: "/graphql", Title: "Model Architect GraphQL"})
		s.mux.Handle("GET /{$}", pg)
		s.mux.Handle("GET "+playground.AssetsPrefix, pg)
	}
	return s
}

func (s *Server) ServeHTTP(w http.ResponseWriter, r *http.Request) { s.mux.ServeHTTP(w, r) }

// Drain marks the server as shutting down: /readyz answers 503 so load balancers stop sending requests.
func (s *Server) Drain() { s.draining.Store(true) }

func (s *Server) graphql(resolver *graph.Resolver) *handler.Server {
	srv := handler.New(graph.NewSchema(resolver))
	srv.AddTransport(transport.Options{})
	// Subscriptions over server-sent events: POST with Accept: text/event-stream (graphql-sse "distinct
	// connections" mode).
	srv.AddTransport(transport.SSE{})
	srv.AddTransport(transport.GET{})
	srv.AddTransport(transport.POST{})
	srv.SetQueryCache(pagingCache{lru.New[*ast.QueryDocument](1000)})
	if s.cfg.Introspection {
		srv.Use(extension.Introspection{})
	}
	srv.Use(checkPages{})
	srv.Use(entgql.Transactioner{TxOpener: s.db})
	srv.AroundFields(pageLimit)
	srv.SetErrorPresenter(presenter(s.log))
	srv.SetRecoverFunc(recoverFunc(s.log))
	return srv
}

// withRequest gives the request an id, the client's address, its viewer (from the bearer token), the ent
// client and fresh dataloaders.
func (s *Server) withRequest(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		info := &reqinfo.Info{ID: requestID(r), ClientAddr: s.clientAddr(r)}
		w.Header().Set("X-Request-Id", info.ID)
		ctx := reqinfo.NewContext(r.Context(), info)
		ctx = ent.NewContext(ctx, s.db.Client)
		ctx = loaders.NewContext(ctx, loaders.New(s.db.Client))
		ctx = s.authenticate(ctx, r.Header.Get("Authorization"))
		next.ServeHTTP(w, r.WithContext(ctx))
	})
}

// authenticate puts the token's viewer in ctx; a missing token leaves the caller anonymous, and a refused one
// also records why, so that guarded fields can tell the caller to log in again.
func (s *Server) authenticate(ctx context.Context, header string) context.Context {
	token, ok := strings.CutPrefix(header, "Bearer ")
	if !ok {
		if header != "" {
			return auth.WithTokenProblem(ctx, "the Authorization header is not a bearer token")
		}
		return ctx
	}
	v, u, err := s.identity.Authenticate(ctx, strings.TrimSpace(token))
	if err != nil {
		reason := "the token is invalid"
		switch err {
		case auth.ErrTokenExpired:
			reason = "the token has expired"
		case identity.ErrRevoked:
			reason = "the token was revoked (log-out, password or role change)"
		case auth.ErrTokenInvalid:
		default:
			s.log.ErrorContext(ctx, "authenticate", "err", err, "request_id", reqinfo.From(ctx).ID)
		}
		return auth.WithTokenProblem(ctx, reason)
	}
	loaders.PrimeUsers(ctx, u) // the viewer owns most rows a request shows
	return identity.WithUser(viewer.NewContext(ctx, v), u)
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

var _ graphql.HandlerExtension = checkPages{}
