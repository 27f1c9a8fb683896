// Command fanout opens users × clients graphql-transport-ws subscriptions against a running server, as
// seeded users whose tokens it mints from the server's JWT secret, triggers one event per user, and writes
// how many connections it reached, event latencies and the server's memory per connection as JSON.
//
//	go run ./bench/cmd/fanout -url ws://127.0.0.1:3001/graphql -db "$DATABASE_URL" -secret "$JWT_SECRET" \
//	  -users 1000 -clients 10 -server-pid "$(pgrep -n architect)" -out fanout.json
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

	"github.com/modelarchitect/architect/bench/internal/fanout"
	"github.com/modelarchitect/architect/bench/internal/viewers"
	"github.com/modelarchitect/architect/internal/database"
)

// Output is the JSON file fanout writes.
type Output struct {
	Tool         string         `json:"tool"`
	Label        string         `json:"label"`
	Command      string         `json:"command"`
	URL          string         `json:"url"`
	Users        int            `json:"users"`
	Clients      int            `json:"clientsPerUser"`
	Subscription string         `json:"subscription"`
	Trigger      string         `json:"trigger"`
	StartedAt    time.Time      `json:"startedAt"`
	Result       *fanout.Result `json:"result"`
}

func main() {
	if err := run(); err != nil {
		fmt.Fprintln(os.Stderr, "fanout:", err)
		os.Exit(1)
	}
}

func run() error {
	var (
		url          = flag.String("url", "ws://127.0.0.1:3001/graphql", "websocket GraphQL endpoint")
		triggerURL   = flag.String("trigger-url", "", "HTTP endpoint for the trigger mutation (default: -url with http)")
		dbURL        = flag.String("db", os.Getenv("DATABASE_URL"), "PostgreSQL URL of the seeded database (default $DATABASE_URL)")
		secret       = flag.String("secret", os.Getenv("JWT_SECRET"), "the server's JWT secret (default $JWT_SECRET)")
		users        = flag.Int("users", 1000, "distinct users")
		clients      = flag.Int("clients", 10, "connections per user")
		subscription = flag.String("subscription", "subscription { myBenchmarkEvents { change id benchmark { status progress updatedAt } } }", "subscription document every connection starts")
		trigger      = flag.String("trigger", `mutation Probe { createBenchmark(input: {name: "fan-out probe", models: ["fanout/probe"], dataset: [{input: "ping", expected: "pong", assertion: EXACT}]}) { id updatedAt } }`,
			"mutation sent once per user to cause one event; may use $id (the user's first benchmark), $userId, $viewerId; empty: wait for events caused elsewhere")
		tsField   = flag.String("ts-field", "updatedAt", "event field with the server's write time, for commit-to-receipt latency (empty: none)")
		serverPID = flag.Int("server-pid", 0, "read this process's VmRSS before and after connecting (0: skip)")
		dialConc  = flag.Int("dial-concurrency", 64, "connections opened at once")
		settle    = flag.Duration("settle", 5*time.Second, "idle time after the last subscribe, before memory is read and events are triggered")
		wait      = flag.Duration("wait", 30*time.Second, "longest wait for the events")
		label     = flag.String("label", "", "name of this measurement in reports")
		out       = flag.String("out", "", "write the JSON result here (default: stdout)")
	)
	flag.Parse()
	if *dbURL == "" {
		return errors.New("-db (or DATABASE_URL) is needed to read the seeded users")
	}
	if *triggerURL == "" {
		*triggerURL = "http" + strings.TrimPrefix(*url, "ws")
	}
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt)
	defer stop()
	db, err := database.Open(database.Options{URL: *dbURL, MaxOpenConns: 2})
	if err != nil {
		return err
	}
	vs, err := viewers.Load(ctx, db.Client, viewers.Options{N: *users, Secret: []byte(*secret)})
	_ = db.Close()
	if err != nil {
		return err
	}
	logf := func(format string, args ...any) { fmt.Fprintf(os.Stderr, "fanout: "+format+"\n", args...) }
	started := time.Now().UTC()
	res, err := fanout.Run(ctx, fanout.Config{
		URL: *url, Viewers: vs, Clients: *clients, Subscription: *subscription,
		Trigger: *trigger, TriggerURL: *triggerURL, TimestampField: *tsField,
		DialConcurrency: *dialConc, Settle: *settle, Wait: *wait, ServerPID: *serverPID, Log: logf,
	})
	if res != nil {
		logf("connected %d/%d (open-files limit %d), received %d/%d events; trigger→receipt p50 %.1f ms p99 %.1f ms; commit→receipt p50 %.1f ms p99 %.1f ms; server %.1f KiB per connection",
			res.Connected, res.Target, res.OpenFilesLimit, res.Received, res.Expected,
			res.TriggerToReceipt.P50, res.TriggerToReceipt.P99, res.CommitToReceipt.P50, res.CommitToReceipt.P99, res.PerConnectionKiB)
		for _, s := range append(res.TriggerSamples, res.StreamSamples...) {
			logf("failure: %s", s)
		}
	}
	if err != nil {
		return err
	}
	b, err := json.MarshalIndent(Output{Tool: "fanout", Label: *label, Command: strings.Join(os.Args, " "), URL: *url,
		Users: len(vs), Clients: *clients, Subscription: *subscription, Trigger: *trigger, StartedAt: started, Result: res}, "", "  ")
	if err != nil {
		return err
	}
	b = append(b, '\n')
	if *out == "" {
		_, err = os.Stdout.Write(b)
		return err
	}
	return os.WriteFile(*out, b, 0o644)
}
