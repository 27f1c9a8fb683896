// Package app builds the server's parts from a Config — database, identity, HTTP handler — and runs them
// with a graceful shutdown. The command line calls it; tests call it too, so that they run the real thing.
package app

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"net"
	"net/http"
	"time"

	"github.com/modelarchitect/architect/graph"
	"github.com/modelarchitect/architect/internal/auth"
	"github.com/modelarchitect/architect/internal/catalog"
	"github.com/modelarchitect/architect/internal/compliance"
	"github.com/modelarchitect/architect/internal/config"
	"github.com/modelarchitect/architect/internal/database"
	"github.com/modelarchitect/architect/internal/identity"
	"github.com/modelarchitect/architect/internal/ops"
	"github.com/modelarchitect/architect/internal/playground"
	"github.com/modelarchitect/architect/internal/server"
)

// App is a built server.
type App struct {
	Config   *config.Config
	Log      *slog.Logger
	DB       *database.DB
	Identity *identity.Service
	Catalog  *catalog.Catalog
	Handler  *server.Server
}

// Options adjusts what New builds; tests use them.
type Options struct {
	Argon2 auth.Argon2Params // zero: OWASP parameters
	// DB, when set, is used instead of opening the database the Config names.
	DB *database.DB
}

// OpenDB opens the database that cfg names.
func OpenDB(cfg *config.Config) (*database.DB, error) {
	return database.Open(database.Options{
		URL:             cfg.DatabaseURL,
		DataDir:         cfg.DataDir,
		MaxOpenConns:    cfg.DBMaxOpenConns,
		MaxIdleConns:    cfg.DBMaxIdleConns,
		ConnMaxLifetime: cfg.DBConnMaxLife,
	})
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
		if err := db.Migrate(ctx); err != nil {
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
	h := server.New(server.Config{
		Introspection: cfg.Introspection,
		Playground:    cfg.Playground,
		TrustProxy:    cfg.TrustProxy,
	}, log, db, &graph.Resolver{
		Client:   db.Client,
		Identity: id,
		Ops:      &ops.Service{Client: db.Client, Catalog: cat, Compliance: rules},
		Catalog:  cat,
	})
	if cfg.Playground && !playground.Available() {
		log.Warn("the playground's files are not built into this binary: run `make assets` (the page at / says so too)")
	}
	return &App{Config: cfg, Log: log, DB: db, Identity: id, Catalog: cat, Handler: h}, nil
}

// Serve listens on the configured port until ctx ends, then drains: /readyz turns 503, requests in flight
// finish within shutdownTimeout, and the database closes.
func (a *App) Serve(ctx context.Context, shutdownTimeout time.Duration) error {
	ln, err := net.Listen("tcp", fmt.Sprintf(":%d", a.Config.Port))
	if err != nil {
		return err
	}
	srv := &http.Server{Handler: a.Handler, ReadHeaderTimeout: 10 * time.Second}
	errc := make(chan error, 1)
	go func() { errc <- srv.Serve(ln) }()
	a.Log.Info("serving", "addr", ln.Addr().String(), "graphql", fmt.Sprintf("http://localhost:%d/graphql", a.Config.Port),
		"database", a.DB.Where, "env", a.Config.Env)
	select {
	case err := <-errc:
		return err
	case <-ctx.Done():
	}
	a.Log.Info("shutting down", "timeout", shutdownTimeout.String())
	a.Handler.Drain()
	sctx, cancel := context.WithTimeout(context.Background(), shutdownTimeout)
	defer cancel()
	err = srv.Shutdown(sctx)
	if errors.Is(err, context.DeadlineExceeded) {
		a.Log.Warn("shutdown timed out; closing remaining connections")
		_ = srv.Close()
	}
	return errors.Join(err, a.DB.Close())
}
