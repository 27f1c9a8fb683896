// Command queueing is the queueing step of make bench: a fake model server of c slots with exponential service
// times (M/M/c) load-tested by the load-test engine at Poisson rates below saturation, the measured waits and
// goodput set beside Erlang C's prediction; it prints the agreement table and writes it as JSON.
//
//	go run ./bench/cmd/queueing -slots 4 -service 50ms -loads 0.5,0.7,0.8,0.9 -duration 45s -out queueing.json
package main

import (
	"context"
	"encoding/json"
	"flag"
	"fmt"
	"os"
	"os/signal"
	"strconv"
	"strings"
	"time"

	"github.com/modelarchitect/architect/bench/internal/queuecheck"
)

func main() {
	if err := run(); err != nil {
		fmt.Fprintln(os.Stderr, "queueing:", err)
		os.Exit(1)
	}
}

func run() error {
	var cfg queuecheck.Config
	flag.IntVar(&cfg.Slots, "slots", 4, "server slots c")
	flag.DurationVar(&cfg.MeanService, "service", 50*time.Millisecond, "mean of the exponential service time")
	flag.IntVar(&cfg.Tokens, "tokens", 8, "output tokens per answer, streamed evenly over its service time")
	loads := flag.String("loads", "0.5,0.7,0.8,0.9", "utilisations ρ = λ/(c·μ), each in (0, 1)")
	flag.DurationVar(&cfg.Duration, "duration", 45*time.Second, "load-test duration per rate")
	flag.DurationVar(&cfg.SLO, "slo", 0, "end-to-end latency threshold of the goodput (default 3 × -service)")
	flag.Int64Var(&cfg.Seed, "seed", 1, "seed of arrivals and service times")
	out := flag.String("out", "", "write the result as JSON to this file")
	flag.Parse()
	for s := range strings.SplitSeq(*loads, ",") {
		l, err := strconv.ParseFloat(strings.TrimSpace(s), 64)
		if err != nil {
			return fmt.Errorf("-loads %q: write utilisations separated by commas, e.g. 0.5,0.8", *loads)
		}
		cfg.Loads = append(cfg.Loads, l)
	}
	cfg.Log = os.Stderr
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt)
	defer stop()
	res, err := queuecheck.Run(ctx, cfg)
	if err != nil {
		return err
	}
	res.Command = strings.Join(os.Args, " ")
	if err := res.Markdown(os.Stdout); err != nil {
		return err
	}
	if *out == "" {
		return nil
	}
	b, err := json.MarshalIndent(res, "", "  ")
	if err != nil {
		return err
	}
	return os.WriteFile(*out, append(b, '\n'), 0o644)
}
