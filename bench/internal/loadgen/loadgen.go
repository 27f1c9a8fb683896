// Package loadgen is a closed-loop HTTP load generator for GraphQL endpoints, in the manner of autocannon:
// a fixed number of connections, each a goroutine with its own keep-alive connection that sends its next
// request as soon as the previous one is answered. It measures throughput, exact latency percentiles and
// failures (non-2xx statuses and GraphQL "errors" responses, counted apart) over repeated timed runs after a
// warm-up. It knows nothing of the server beyond the request templates it is given.
package loadgen

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"math/rand/v2"
	"net"
	"net/http"
	"sync"
	"sync/atomic"
	"time"

	"github.com/modelarchitect/architect/bench/internal/stats"
	"github.com/modelarchitect/architect/bench/internal/viewers"
)

// Config describes a load test. Zero values: 16 connections, 15 s runs, 5 s warm-up, 3 runs, 10 s timeout.
type Config struct {
	URL         string
	Connections int
	Duration    time.Duration // one measured run
	Warmup      time.Duration // unmeasured traffic before the first run; negative: none
	Runs        int
	Mix         []Weighted
	Viewers     []viewers.Viewer
	Random      bool // pick viewers at random instead of round-robin
	Timeout     time.Duration
	Seed        uint64
	// Header is added to every request (e.g. a persisted-query hint); may be nil.
	Header http.Header
	// Rate, when above 0, makes the load open-loop: requests are due at this many per second, evenly spaced,
	// whether or not earlier ones have been answered, and each is sent on the first free connection. A
	// request's latency runs from when it was due, so time spent waiting for a connection counts (no
	// coordinated omission). 0: closed loop, each connection sends its next request when the last is answered.
	Rate float64
}

// Run is one measured run.
type Run struct {
	Requests        int                `json:"requests"` // answered within the run, failures included
	RPS             float64            `json:"rps"`
	Latency         stats.Latency      `json:"latency"`
	Non2xx          int                `json:"non2xx"`
	GraphQLErrors   int                `json:"graphqlErrors"`   // 2xx responses that hold "errors"
	TransportErrors int                `json:"transportErrors"` // no response: refused, reset, timed out
	MeanBytes       float64            `json:"meanResponseBytes"`
	ByTemplate      map[string]PerKind `json:"byTemplate"`
	ErrorSamples    []string           `json:"errorSamples,omitempty"` // the first few failures, for diagnosis
}

// PerKind is one template's share of a run.
type PerKind struct {
	Requests      int           `json:"requests"`
	Latency       stats.Latency `json:"latency"`
	Non2xx        int           `json:"non2xx"`
	GraphQLErrors int           `json:"graphqlErrors"`
}

// Result is every run of a load test and their medians with min–max spread.
type Result struct {
	Runs    []Run   `json:"runs"`
	Summary Summary `json:"summary"`
}

// Summary is the median [min–max] of each headline figure over the runs.
type Summary struct {
	RPS      stats.Spread `json:"rps"`
	P50      stats.Spread `json:"p50Ms"`
	P95      stats.Spread `json:"p95Ms"`
	P99      stats.Spread `json:"p99Ms"`
	Failures int          `json:"failures"` // non-2xx + GraphQL errors + transport errors, all runs
}

// ErrNoViewers is returned when Config has no viewers to send requests as.
var ErrNoViewers = errors.New("loadgen: no viewers")

func (c *Config) defaults() error {
	if c.Connections <= 0 {
		c.Connections = 16
	}
	if c.Duration <= 0 {
		c.Duration = 15 * time.Second
	}
	if c.Warmup == 0 {
		c.Warmup = 5 * time.Second
	}
	if c.Runs <= 0 {
		c.Runs = 3
	}
	if c.Timeout <= 0 {
		c.Timeout = 10 * time.Second
	}
	if len(c.Viewers) == 0 {
		return ErrNoViewers
	}
	if len(c.Mix) == 0 {
		return errors.New("loadgen: empty request mix")
	}
	return nil
}

// Execute warms up, then measures cfg.Runs runs back to back on the same connections. progress, when not
// nil, is told when each phase starts.
func Execute(ctx context.Context, cfg Config, progress func(phase string)) (*Result, error) {
	if err := cfg.defaults(); err != nil {
		return nil, err
	}
	e := newEngine(cfg)
	defer e.close()
	if cfg.Warmup > 0 {
		if progress != nil {
			progress(fmt.Sprintf("warm-up %s", cfg.Warmup))
		}
		e.phase(ctx, cfg.Warmup)
	}
	res := &Result{}
	for i := range cfg.Runs {
		if err := ctx.Err(); err != nil {
			return nil, err
		}
		if progress != nil {
			progress(fmt.Sprintf("run %d/%d %s", i+1, cfg.Runs, cfg.Duration))
		}
		res.Runs = append(res.Runs, e.phase(ctx, cfg.Duration))
	}
	res.Summary = summarise(res.Runs)
	return res, nil
}

func summarise(runs []Run) Summary {
	var s Summary
	var rps, p50, p95, p99 []float64
	for _, r := range runs {
		rps = append(rps, r.RPS)
		p50 = append(p50, r.Latency.P50)
		p95 = append(p95, r.Latency.P95)
		p99 = append(p99, r.Latency.P99)
		s.Failures += r.Non2xx + r.GraphQLErrors + r.TransportErrors
	}
	s.RPS, s.P50, s.P95, s.P99 = stats.Over(rps), stats.Over(p50), stats.Over(p95), stats.Over(p99)
	return s
}

type engine struct {
	cfg     Config
	clients []*http.Client
	next    atomic.Uint64 // round-robin viewer and request sequence
	cum     []int         // cumulative weights of cfg.Mix
}

func newEngine(cfg Config) *engine {
	e := &engine{cfg: cfg}
	for range cfg.Connections {
		// One transport per connection: each worker keeps exactly one keep-alive connection of its own.
		tr := &http.Transport{
			Proxy:               nil,
			DialContext:         (&net.Dialer{Timeout: 5 * time.Second, KeepAlive: 30 * time.Second}).DialContext,
			MaxIdleConns:        1,
			MaxIdleConnsPerHost: 1,
			MaxConnsPerHost:     1,
			IdleConnTimeout:     90 * time.Second,
			DisableCompression:  true, // like autocannon: no Accept-Encoding, so no server spends time on gzip
		}
		e.clients = append(e.clients, &http.Client{Transport: tr, Timeout: cfg.Timeout})
	}
	total := 0
	for _, w := range cfg.Mix {
		total += w.Weight
		e.cum = append(e.cum, total)
	}
	return e
}

func (e *engine) close() {
	for _, c := range e.clients {
		c.CloseIdleConnections()
	}
}

// sample is one answered request.
type sample struct {
	kind    int
	latency time.Duration
	status  int // 0: transport error
	gqlErr  bool
	bytes   int
}

type workerOut struct {
	samples []sample
	errs    []string
}

const maxErrorSamples = 5

// phase runs every connection until d has passed and returns what was answered within it. A request still
// in flight at the end is finished but not counted, so a run measures exactly d of closed-loop traffic.
func (e *engine) phase(ctx context.Context, d time.Duration) Run {
	start := time.Now()
	deadline := start.Add(d)
	var due chan time.Time // open loop: when each request is due
	if e.cfg.Rate > 0 {
		n := int(e.cfg.Rate * d.Seconds())
		due = make(chan time.Time, n+1)
		for k := range n { // every due time of the phase, queued at once; workers take them in order
			due <- start.Add(time.Duration(float64(k) / e.cfg.Rate * float64(time.Second)))
		}
		close(due)
	}
	outs := make([]workerOut, len(e.clients))
	var wg sync.WaitGroup
	for i := range e.clients {
		wg.Go(func() { outs[i] = e.work(ctx, i, deadline, due) })
	}
	wg.Wait()
	return e.merge(outs, d)
}

// work sends requests on one connection until the deadline: one after another (closed loop), or, when due is
// not nil, each at the due time it takes from due, or as soon as the connection is free after it.
func (e *engine) work(ctx context.Context, worker int, deadline time.Time, due <-chan time.Time) workerOut {
	r := rand.New(rand.NewPCG(e.cfg.Seed, uint64(worker)<<32|uint64(time.Now().UnixNano()&0xffffffff)))
	client := e.clients[worker]
	var out workerOut
	buf := new(bytes.Buffer)
	for ctx.Err() == nil && time.Now().Before(deadline) {
		var at time.Time // when the request was due (open loop)
		if due != nil {
			var ok bool
			if at, ok = <-due; !ok {
				break
			}
			if wait := time.Until(at); wait > 0 {
				time.Sleep(wait)
			}
		}
		seq := e.next.Add(1)
		kind := e.pickKind(r)
		v := &e.cfg.Viewers[int(seq%uint64(len(e.cfg.Viewers)))]
		if e.cfg.Random {
			v = &e.cfg.Viewers[r.IntN(len(e.cfg.Viewers))]
		}
		body, err := e.cfg.Mix[kind].Template.Body(v, r, seq)
		if err != nil {
			out.errs = append(out.errs, err.Error())
			return out
		}
		s, msg := e.do(ctx, client, v, body, buf)
		if !at.IsZero() {
			s.latency = time.Since(at)
		}
		s.kind = kind
		if time.Now().After(deadline) {
			break
		}
		out.samples = append(out.samples, s)
		if msg != "" && len(out.errs) < maxErrorSamples {
			out.errs = append(out.errs, msg)
		}
	}
	return out
}

func (e *engine) pickKind(r *rand.Rand) int {
	if len(e.cum) == 1 {
		return 0
	}
	n := r.IntN(e.cum[len(e.cum)-1])
	for i, c := range e.cum {
		if n < c {
			return i
		}
	}
	return len(e.cum) - 1
}

// do sends one request and reads the whole response. msg describes a failure.
func (e *engine) do(ctx context.Context, client *http.Client, v *viewers.Viewer, body []byte, buf *bytes.Buffer) (sample, string) {
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, e.cfg.URL, bytes.NewReader(body))
	if err != nil {
		return sample{}, err.Error()
	}
	req.Header.Set("Content-Type", "application/json")
	req.Header.Set("Accept", "application/json")
	req.Header.Set("Authorization", "Bearer "+v.Token)
	for k, vs := range e.cfg.Header {
		req.Header[k] = vs
	}
	t0 := time.Now()
	res, err := client.Do(req)
	if err != nil {
		return sample{latency: time.Since(t0)}, err.Error()
	}
	buf.Reset()
	_, err = io.Copy(buf, res.Body)
	res.Body.Close()
	lat := time.Since(t0)
	if err != nil {
		return sample{latency: lat}, err.Error()
	}
	s := sample{latency: lat, status: res.StatusCode, bytes: buf.Len()}
	switch {
	case res.StatusCode < 200 || res.StatusCode > 299:
		return s, fmt.Sprintf("HTTP %d: %s", res.StatusCode, clip(buf.Bytes()))
	case HasErrors(buf.Bytes()):
		s.gqlErr = true
		return s, "GraphQL errors: " + clip(buf.Bytes())
	}
	return s, ""
}

func clip(b []byte) string {
	const n = 300
	if len(b) > n {
		return string(b[:n]) + "…"
	}
	return string(b)
}

func (e *engine) merge(outs []workerOut, d time.Duration) Run {
	run := Run{ByTemplate: map[string]PerKind{}}
	all := []time.Duration{}
	byKind := make([][]time.Duration, len(e.cfg.Mix))
	kinds := make([]PerKind, len(e.cfg.Mix))
	var bytes int
	for _, o := range outs {
		for _, s := range o.samples {
			run.Requests++
			k := &kinds[s.kind]
			k.Requests++
			switch {
			case s.status == 0:
				run.TransportErrors++
				continue
			case s.status < 200 || s.status > 299:
				run.Non2xx++
				k.Non2xx++
			case s.gqlErr:
				run.GraphQLErrors++
				k.GraphQLErrors++
			}
			bytes += s.bytes
			all = append(all, s.latency)
			byKind[s.kind] = append(byKind[s.kind], s.latency)
		}
		for _, m := range o.errs {
			if len(run.ErrorSamples) < maxErrorSamples {
				run.ErrorSamples = append(run.ErrorSamples, m)
			}
		}
	}
	run.RPS = float64(run.Requests) / d.Seconds()
	run.Latency = stats.Summarise(all)
	if n := run.Requests - run.TransportErrors; n > 0 {
		run.MeanBytes = float64(bytes) / float64(n)
	}
	for i, w := range e.cfg.Mix {
		kinds[i].Latency = stats.Summarise(byKind[i])
		run.ByTemplate[w.Template.Name] = kinds[i]
	}
	return run
}

// Probe sends each template of mix once as v and returns an error naming the first one that fails, so that
// a mistyped query stops a benchmark before it measures nothing but errors.
func Probe(ctx context.Context, url string, mix []Weighted, v viewers.Viewer) error {
	e := newEngine(Config{URL: url, Connections: 1, Timeout: 30 * time.Second, Mix: mix})
	defer e.close()
	r := rand.New(rand.NewPCG(1, 2))
	buf := new(bytes.Buffer)
	for _, w := range mix {
		body, err := w.Template.Body(&v, r, 0)
		if err != nil {
			return fmt.Errorf("template %s: %w", w.Template.Name, err)
		}
		if s, msg := e.do(ctx, e.clients[0], &v, body, buf); msg != "" {
			return fmt.Errorf("template %s (HTTP %d): %s", w.Template.Name, s.status, msg)
		}
	}
	return nil
}
