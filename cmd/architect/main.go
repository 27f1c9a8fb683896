// Command architect is the Model Architect server: serve, migrate, user create, loadtest, benchmark gate|run, version.
package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"log/slog"
	"net/http"
	"os"
	"os/signal"
	"runtime/debug"
	"syscall"
	"time"

	"entgo.io/ent/dialect"
	"entgo.io/ent/privacy"

	"github.com/modelarchitect/architect/internal/app"
	"github.com/modelarchitect/architect/internal/config"
	gatecli "github.com/modelarchitect/architect/internal/evaluation/cli"
	loadtestcli "github.com/modelarchitect/architect/internal/loadtest/cli"
	"github.com/modelarchitect/architect/internal/observability"
	"github.com/modelarchitect/architect/internal/seed"
	"github.com/modelarchitect/architect/internal/viewer"
)

// version is set by the build (-ldflags "-X main.version=…").
var version = "dev"

const usage = `usage: architect <command> [flags]

commands:
  serve                                          run the GraphQL server on HOST:PORT (localhost:3001 in development)
  worker                                         run background jobs only (PostgreSQL; serve runs them too unless WORKERS=false)
  migrate                                        bring the database schema (and River's tables) up to date
  user create --email E --password P [--role R]  create a user (R: FREE, PRO, ENTERPRISE, ADMIN)
  seed [--users N] [--per-user M] [--seed S]     fill the database with demo data (password: seed-password)
  healthcheck                                    exit 0 when the server on HOST and PORT answers /healthz (for containers)
  ` + loadtestcli.Usage + `
  ` + gatecli.Usage + `
  ` + sqlUsage + `
  version                                        print the version

Configuration comes from the environment and .env; see .env.example.
`

func main() {
	if err := run(os.Args[1:]); err != nil {
		fmt.Fprintln(os.Stderr, "architect:", err)
		os.Exit(exitCode(err))
	}
}

// exitCode is 1, or the code an error asks for (loadtest exits 2 when an SLO target is missed; benchmark gate and run
// 1 when the gate fails, 2 when it cannot run).
func exitCode(err error) int {
	if e, ok := errors.AsType[interface {
		error
		ExitCode() int
	}](err); ok {
		return e.ExitCode()
	}
	return 1
}

func run(args []string) error {
	if len(args) == 0 {
		fmt.Fprint(os.Stderr, usage)
		return errors.New("no command given")
	}
	switch args[0] {
	case "version":
		fmt.Println(version)
		return nil
	case "serve":
		return serve()
	case "migrate":
		return migrate()
	case "worker":
		return worker()
	case "seed":
		return seedDB(args[1:])
	case "user":
		return user(args[1:])
	case "healthcheck":
		return healthcheck()
	case "loadtest":
		return loadTest(args[1:])
	case "benchmark":
		return benchmarkCmd(args[1:])
	case "sql":
		return sqlCmd(args[1:])
	case "help", "-h", "--help":
		fmt.Print(usage)
		return nil
	}
	fmt.Fprint(os.Stderr, usage)
	return fmt.Errorf("unknown command %q", args[0])
}

func setup() (*config.Config, *slog.Logger, error) {
	boot := observability.NewLogger(os.Stderr, "auto", slog.LevelInfo)
	cfg, err := config.Load(boot)
	if err != nil {
		return nil, nil, err
	}
	log := observability.NewLogger(os.Stderr, cfg.LogFormat, cfg.LogLevel)
	slog.SetDefault(log) // what libraries print with the standard log package comes out in the same format
	return cfg, log, nil
}

// DefaultGOGC is the garbage collector's target for serve when GOGC is not set. The server's live heap is
// small (tens of MiB) and a dashboard request allocates about 0.6 MiB, so Go's default of 100 collects many
// times a second under load; 400 spends a third less CPU on it (bench/README.md) for a larger peak heap.
// GOGC (and GOMEMLIMIT, a ceiling) in the environment override it.
const DefaultGOGC = 400

func serve() error {
	cfg, log, err := setup()
	if err != nil {
		return err
	}
	if os.Getenv("GOGC") == "" {
		debug.SetGCPercent(DefaultGOGC)
	}
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	a, err := app.New(ctx, cfg, log, app.Options{})
	if err != nil {
		return err
	}
	return a.Serve(ctx, cfg.ShutdownTimeout)
}

func worker() error {
	cfg, log, err := setup()
	if err != nil {
		return err
	}
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	cfg.Workers = true
	a, err := app.New(ctx, cfg, log, app.Options{})
	if err != nil {
		return err
	}
	return a.Work(ctx, cfg.ShutdownTimeout)
}

func migrate() error {
	cfg, log, err := setup()
	if err != nil {
		return err
	}
	db, err := app.OpenDB(cfg)
	if err != nil {
		return err
	}
	defer db.Close()
	if err := app.Migrate(context.Background(), db); err != nil {
		return err
	}
	log.Info("schema is up to date", "database", db.Where)
	return nil
}

func user(args []string) error {
	if len(args) == 0 || args[0] != "create" {
		return errors.New("usage: architect user create --email E --password P [--role R] [--name N]")
	}
	fs := flag.NewFlagSet("user create", flag.ContinueOnError)
	email := fs.String("email", "", "email address")
	password := fs.String("password", "", "password, at least 8 characters")
	name := fs.String("name", "", "display name")
	role := fs.String("role", "FREE", "FREE, PRO, ENTERPRISE or ADMIN")
	if err := fs.Parse(args[1:]); err != nil {
		return err
	}
	r, err := viewer.ParseRole(*role)
	if err != nil {
		return err
	}
	cfg, log, err := setup()
	if err != nil {
		return err
	}
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	a, err := app.New(ctx, cfg, log, app.Options{})
	if err != nil {
		return err
	}
	defer a.Close(context.WithoutCancel(ctx))
	u, err := a.Identity.Create(privacy.DecisionContext(ctx, privacy.Allow), *email, *password, *name, r)
	if err != nil {
		return err
	}
	log.Info("user created", "email", u.Email, "role", u.Role)
	return nil
}

// healthcheck is the container health probe (the image has no shell or curl): it finds the server as serve
// listens, on HOST and PORT from the environment and .env.
func healthcheck() error {
	host, port, err := config.LoadAddress()
	if err != nil {
		return err
	}
	res, err := (&http.Client{Timeout: 2 * time.Second}).Get(config.LocalURL(host, port) + "/healthz")
	if err != nil {
		return err
	}
	defer res.Body.Close()
	if res.StatusCode != http.StatusOK {
		return fmt.Errorf("/healthz answered %s", res.Status)
	}
	return nil
}

// seedDB fills the database with realistic demo data (internal/seed): --users users, each with --per-user
// rows of every entity, all with the password seed.Password.
func seedDB(args []string) error {
	fs := flag.NewFlagSet("seed", flag.ContinueOnError)
	users := fs.Int("users", 100, "users to create")
	perUser := fs.Int("per-user", 20, "rows of each entity per user")
	seedValue := fs.Int64("seed", 1, "random seed: the same seed gives the same data")
	if err := fs.Parse(args); err != nil {
		return err
	}
	cfg, log, err := setup()
	if err != nil {
		return err
	}
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	db, err := app.OpenDB(cfg)
	if err != nil {
		return err
	}
	defer db.Close()
	if cfg.AutoMigrate {
		if err := app.Migrate(ctx, db); err != nil {
			return err
		}
	}
	o := seed.Options{Users: *users, PerUser: *perUser, Seed: *seedValue, Workers: 1,
		Progress: seed.ProgressBar(os.Stderr, log, "seeding")}
	if db.Dialect == dialect.Postgres {
		o.Workers = 2 // SQLite has one writer
	}
	start := time.Now()
	if err := seed.Seed(ctx, db.Client, o); err != nil {
		return err
	}
	log.Info("seeded", "database", db.Where, "users", *users, "per_user", *perUser, "rows", o.Total(),
		"took", time.Since(start).Round(time.Millisecond).String(), "password", seed.Password)
	return nil
}

// loadTest runs a load test against an endpoint from the terminal (internal/loadtest/cli); Ctrl-C stops it
// with the partial result printed.
func loadTest(args []string) error {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	return loadtestcli.Run(ctx, args, loadtestcli.IO{Stdout: os.Stdout, Stderr: os.Stderr})
}

// benchmarkCmd runs `architect benchmark gate|run` (internal/evaluation/cli) against a server's API.
func benchmarkCmd(args []string) error {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	return gatecli.Main(ctx, args, gatecli.IO{Stdout: os.Stdout, Stderr: os.Stderr})
}
