// Command fakemodel serves a fake OpenAI-compatible model API on 127.0.0.1 for trying load tests, deployments
// and benchmarks without a model server: POST /v1/chat/completions (streamed, usage when asked) and
// GET /v1/models, behind C slots with a FIFO queue (bench/README.md, "The tools").
//
//	go run ./bench/cmd/fakemodel --addr 127.0.0.1:8001 --slots 4 --service exp:200ms --tokens 32
package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"net"
	"net/http"
	"os"
	"os/signal"
	"syscall"
	"time"

	"github.com/modelarchitect/architect/bench/internal/fakemodel"
)

func main() {
	if err := run(); err != nil {
		fmt.Fprintln(os.Stderr, "fakemodel:", err)
		os.Exit(1)
	}
}

func run() error {
	var cfg fakemodel.Config
	addr := flag.String("addr", "127.0.0.1:8001", "where to listen: 127.0.0.1:PORT only (0 picks a free port)")
	flag.IntVar(&cfg.Slots, "slots", 0, "requests served at once; more wait in a FIFO queue (0: no limit)")
	flag.DurationVar(&cfg.TTFT, "ttft", fakemodel.DefaultTTFT, "fixed service: time to the first token")
	flag.DurationVar(&cfg.ITL, "itl", fakemodel.DefaultITL, "fixed service: time between tokens")
	flag.IntVar(&cfg.Tokens, "tokens", fakemodel.DefaultTokens, "output tokens per answer (fewer when max_tokens is lower)")
	service := flag.String("service", "fixed", "fixed: ttft + (tokens−1)·itl; exp:MEAN: exponential with that mean, tokens spread evenly")
	flag.Uint64Var(&cfg.Seed, "seed", 1, "seed of the exponential service times")
	flag.StringVar(&cfg.Model, "model", fakemodel.DefaultModel, "model id GET /v1/models lists (any model name is answered)")
	flag.Parse()
	if flag.NArg() > 0 {
		return fmt.Errorf("unexpected argument %q (flags only; -h lists them)", flag.Arg(0))
	}
	var err error
	if cfg.Service, err = fakemodel.ParseService(*service); err != nil {
		return err
	}
	host, _, err := net.SplitHostPort(*addr)
	if err != nil || host != "127.0.0.1" {
		return fmt.Errorf("--addr %q: the fake server listens on 127.0.0.1 only, e.g. --addr 127.0.0.1:8001", *addr)
	}
	srv, err := fakemodel.New(cfg)
	if err != nil {
		return err
	}
	ln, err := net.Listen("tcp", *addr)
	if err != nil {
		return err
	}
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	hs := &http.Server{Handler: srv, ReadHeaderTimeout: 10 * time.Second}
	go func() {
		<-ctx.Done()
		sctx, cancel := context.WithTimeout(context.Background(), 2*time.Second)
		defer cancel()
		if hs.Shutdown(sctx) != nil {
			_ = hs.Close() // streams still running after 2 s are cut
		}
	}()
	slots := "no limit"
	if cfg.Slots > 0 {
		slots = fmt.Sprint(cfg.Slots)
	}
	fmt.Fprintf(os.Stderr, "fakemodel: http://%s/v1 (slots %s, service %s, ttft %s, itl %s, tokens %d)\n",
		ln.Addr(), slots, cfg.Service, cfg.TTFT, cfg.ITL, cfg.Tokens)
	if err := hs.Serve(ln); !errors.Is(err, http.ErrServerClosed) {
		return err
	}
	return nil
}
