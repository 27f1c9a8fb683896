// Command loadgen load-tests a GraphQL endpoint with a closed loop of keep-alive connections, as seeded
// users whose tokens it mints from the server's JWT secret, and writes the figures as JSON.
//
//	go run ./bench/cmd/loadgen -url http://127.0.0.1:3001/graphql -db "$DATABASE_URL" -secret "$JWT_SECRET" \
//	  -connections 16 -mix dashboard=70,node=20,create=10 -out mix-c16.json
package main

import (
	"context"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"os"
	"os/signal"
	"strings"
	"time"

	"github.com/modelarchitect/architect/bench/internal/loadgen"
	"github.com/modelarchitect/architect/bench/internal/viewers"
	"github.com/modelarchitect/architect/internal/database"
)

// Output is the JSON file loadgen writes.
type Output struct {
	Tool        string          `json:"tool"`
	Label       string          `json:"label"`
	Command     string          `json:"command"`
	URL         string          `json:"url"`
	Connections int             `json:"connections"`
	Duration    string          `json:"duration"`
	Warmup      string          `json:"warmup"`
	Runs        int             `json:"runs"`
	Mix         string          `json:"mix"`
	Viewers     int             `json:"viewers"`
	Rate        float64         `json:"rate,omitempty"` // requests due per second (open loop); 0: closed loop
	StartedAt   time.Time       `json:"startedAt"`
	Result      *loadgen.Result `json:"result"`
	// TransactionsPerRequest is what -count-transactions measured: PostgreSQL transactions (xact_commit +
	// xact_rollback of pg_stat_database) per request, requests sent one at a time with nothing else running.
	// A server that sends each statement on its own (autocommit) makes one transaction per statement.
	TransactionsPerRequest *float64 `json:"transactionsPerRequest,omitempty"`
}

type templateFlags []string

func (t *templateFlags) String() string     { return strings.Join(*t, ",") }
func (t *templateFlags) Set(s string) error { *t = append(*t, s); return nil }

func main() {
	if err := run(); err != nil {
		fmt.Fprintln(os.Stderr, "loadgen:", err)
		os.Exit(1)
	}
}

func run() error {
	var (
		url         = flag.String("url", "http://127.0.0.1:3001/graphql", "GraphQL endpoint")
		dbURL       = flag.String("db", os.Getenv("DATABASE_URL"), "PostgreSQL URL of the seeded database (default $DATABASE_URL)")
		secret      = flag.String("secret", os.Getenv("JWT_SECRET"), "the server's JWT secret (default $JWT_SECRET)")
		issuer      = flag.String("issuer", envOr("JWT_ISSUER", "model-architect"), "token issuer")
		audience    = flag.String("audience", envOr("JWT_AUDIENCE", "model-architect-api"), "token audience")
		nViewers    = flag.Int("viewers", 1000, "distinct users to send requests as")
		random      = flag.Bool("random", false, "pick viewers at random (default round-robin)")
		connections = flag.Int("connections", 16, "concurrent keep-alive connections")
		duration    = flag.Duration("duration", 15*time.Second, "length of one measured run")
		warmup      = flag.Duration("warmup", 5*time.Second, "unmeasured traffic before the first run (0s: none)")
		runs        = flag.Int("runs", 3, "measured runs")
		mixFlag     = flag.String("mix", "dashboard", "request mix: name=weight,… of dashboard, node, create and -template names")
		timeout     = flag.Duration("timeout", 10*time.Second, "per-request timeout")
		label       = flag.String("label", "", "name of this measurement in reports")
		out         = flag.String("out", "", "write the JSON result here (default: stdout)")
		check       = flag.Bool("check", true, "send each template once first and stop if one fails")
		rate        = flag.Float64("rate", 0, "open loop: requests due per second, evenly spaced, latency counted from when each was due (0: closed loop)")
		countTx     = flag.Int("count-transactions", 0, "after the runs, send this many requests one at a time and report the database's transactions per request (needs a quiet database)")
		templates   templateFlags
	)
	flag.Var(&templates, "template", "name=path.graphql: a request read from a file; $userId and $viewerId are filled (repeatable)")
	flag.Parse()
	if *warmup == 0 {
		*warmup = -1
	}

	known := loadgen.Builtin()
	for _, t := range templates {
		name, path, ok := strings.Cut(t, "=")
		if !ok {
			return fmt.Errorf("-template %q: want name=path", t)
		}
		tpl, err := loadgen.FromFile(name, path)
		if err != nil {
			return err
		}
		known[name] = tpl
	}
	mix, err := loadgen.ParseMix(*mixFlag, known)
	if err != nil {
		return err
	}
	if *dbURL == "" {
		return errors.New("-db (or DATABASE_URL) is needed to read the seeded users")
	}

	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt)
	defer stop()
	db, err := database.Open(database.Options{URL: *dbURL, MaxOpenConns: 2})
	if err != nil {
		return err
	}
	vs, err := viewers.Load(ctx, db.Client, viewers.Options{N: *nViewers, Secret: []byte(*secret), Issuer: *issuer, Audience: *audience})
	_ = db.Close()
	if err != nil {
		return err
	}
	if *check {
		if err := loadgen.Probe(ctx, *url, mix, vs[0]); err != nil {
			return fmt.Errorf("check before measuring: %w", err)
		}
	}
	fmt.Fprintf(os.Stderr, "loadgen: %s, %d connections, mix %s, %d viewers\n", *url, *connections, *mixFlag, len(vs))
	started := time.Now().UTC()
	res, err := loadgen.Execute(ctx, loadgen.Config{
		URL: *url, Connections: *connections, Duration: *duration, Warmup: *warmup, Runs: *runs,
		Mix: mix, Viewers: vs, Random: *random, Timeout: *timeout, Seed: uint64(started.UnixNano()), Rate: *rate,
	}, func(p string) { fmt.Fprintln(os.Stderr, "loadgen:", p) })
	if err != nil {
		return err
	}
	s := res.Summary
	fmt.Fprintf(os.Stderr, "loadgen: %.0f req/s [%.0f–%.0f], p50 %.1f ms, p95 %.1f ms, p99 %.1f ms, failures %d\n",
		s.RPS.Median, s.RPS.Min, s.RPS.Max, s.P50.Median, s.P95.Median, s.P99.Median, s.Failures)
	for _, r := range res.Runs {
		for _, m := range r.ErrorSamples {
			fmt.Fprintln(os.Stderr, "loadgen: failure:", m)
		}
	}
	var perRequest *float64
	if *countTx > 0 {
		x, err := transactionsPerRequest(ctx, *dbURL, *url, mix, vs, *countTx)
		if err != nil {
			return fmt.Errorf("count transactions: %w", err)
		}
		fmt.Fprintf(os.Stderr, "loadgen: %.2f database transactions per request\n", x)
		perRequest = &x
	}
	o := Output{
		Tool: "loadgen", Label: *label, Command: strings.Join(os.Args, " "), URL: *url, Connections: *connections,
		Duration: duration.String(), Warmup: max(*warmup, 0).String(), Runs: *runs, Mix: *mixFlag, Viewers: len(vs), Rate: *rate,
		StartedAt: started, Result: res, TransactionsPerRequest: perRequest,
	}
	return writeJSON(*out, o)
}

// statsFlush is how long PostgreSQL 15 may keep a backend's counts before pg_stat_database shows them
// (PGSTAT_IDLE_INTERVAL, 10 s), with a margin.
const statsFlush = 11 * time.Second

// transactionsPerRequest sends n rounds of the mix one request at a time and divides the database's new
// transactions by the requests: the number of statements per request of a server that runs reads without
// explicit transactions. The reading of the counter itself is one transaction, taken off.
func transactionsPerRequest(ctx context.Context, dbURL, url string, mix []loadgen.Weighted, vs []viewers.Viewer, n int) (float64, error) {
	db, err := database.Open(database.Options{URL: dbURL, MaxOpenConns: 1})
	if err != nil {
		return 0, err
	}
	defer db.Close()
	read := func() (int64, error) {
		time.Sleep(statsFlush)
		var x int64
		err := db.SQL.QueryRowContext(ctx, "SELECT xact_commit + xact_rollback FROM pg_stat_database WHERE datname = current_database()").Scan(&x)
		return x, err
	}
	before, err := read()
	if err != nil {
		return 0, err
	}
	for i := range n {
		if err := loadgen.Probe(ctx, url, mix, vs[i%len(vs)]); err != nil {
			return 0, err
		}
	}
	after, err := read()
	if err != nil {
		return 0, err
	}
	return float64(after-before-1) / float64(n*len(mix)), nil
}

func envOr(k, def string) string {
	if v := os.Getenv(k); v != "" {
		return v
	}
	return def
}

func writeJSON(path string, v any) error {
	b, err := json.MarshalIndent(v, "", "  ")
	if err != nil {
		return err
	}
	b = append(b, '\n')
	if path == "" {
		_, err = os.Stdout.Write(b)
		return err
	}
	return os.WriteFile(path, b, 0o644)
}
