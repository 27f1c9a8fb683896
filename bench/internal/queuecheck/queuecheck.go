// Package queuecheck checks the load-test engine and the queueing model against each other: a fake model
// server of c slots with exponential service times (M/M/c) is load-tested by internal/loadtest at Poisson
// rates below saturation, and the waiting times and goodput measured are set beside Erlang C's prediction
// (internal/queueing). It is a benchmark step, not a unit test: its figures depend on the machine.
package queuecheck

import (
	"context"
	"errors"
	"fmt"
	"io"
	"math"
	"net"
	"net/http"
	"slices"
	"strings"
	"time"

	"github.com/modelarchitect/architect/bench/internal/fakemodel"
	"github.com/modelarchitect/architect/internal/loadtest"
	"github.com/modelarchitect/architect/internal/providers"
	"github.com/modelarchitect/architect/internal/queueing"
	"github.com/modelarchitect/architect/internal/stats"
)

// Config is one check. Zero fields take the defaults named.
type Config struct {
	Slots       int           // c (4)
	MeanService time.Duration // 1/μ (50ms)
	Tokens      int           // output tokens per answer, streamed evenly over its service time (8)
	Loads       []float64     // utilisations ρ = λ/(cμ), each in (0, 1) (0.5, 0.7, 0.8, 0.9)
	Duration    time.Duration // per rate (45s)
	SLO         time.Duration // end-to-end threshold of the goodput (3 × MeanService)
	Seed        int64         // arrivals (the engine) and service times (the server) (1)
	Log         io.Writer     // a line per rate; nil: none
}

func (c *Config) defaults() error {
	if c.Slots == 0 {
		c.Slots = 4
	}
	if c.MeanService == 0 {
		c.MeanService = 50 * time.Millisecond
	}
	if c.Tokens == 0 {
		c.Tokens = 8
	}
	if len(c.Loads) == 0 {
		c.Loads = []float64{0.5, 0.7, 0.8, 0.9}
	}
	if c.Duration == 0 {
		c.Duration = 45 * time.Second
	}
	if c.SLO == 0 {
		c.SLO = 3 * c.MeanService
	}
	if c.Seed == 0 {
		c.Seed = 1
	}
	if c.Log == nil {
		c.Log = io.Discard
	}
	for _, l := range c.Loads {
		if !(l > 0 && l < 1) {
			return fmt.Errorf("load %g: each utilisation must be in (0, 1), below saturation", l)
		}
	}
	if c.Slots < 1 || c.MeanService <= 0 || c.Tokens < 1 || c.Duration <= 0 || c.SLO <= 0 {
		return errors.New("slots, mean service, tokens, duration and SLO must be positive")
	}
	return nil
}

// Row is one arrival rate: the predictions and what was measured.
type Row struct {
	Load float64 `json:"load"` // ρ
	Rate float64 `json:"rate"` // λ asked, requests/s

	Sent         int     `json:"sent"`
	Completed    int     `json:"completed"`
	Failed       int     `json:"failed"`
	AchievedRate float64 `json:"achievedRate"` // completed / duration, the engine's

	// The server's record of each completed request: the service time drawn, and the time it held its slot
	// (drawn plus the timers' lateness), which is what the queue sees.
	ServerRequests int     `json:"serverRequests"`
	MeanDrawnMs    float64 `json:"meanDrawnServiceMs"`
	MeanHeldMs     float64 `json:"meanHeldServiceMs"`

	Predicted Figures `json:"predicted"` // M/M/c at the rate asked and the nominal mean service time
	// PredictedMeasured is M/M/c at the rate sent (Sent / duration) and the mean held service time: it leaves
	// the sampling noise of arrivals and service times, and the server's lateness, out of the comparison.
	PredictedMeasured Figures `json:"predictedAtMeasured"`
	// Measured: waits from the server's records (exact), E2E and goodput from the engine's result.
	Measured Figures `json:"measured"`
	// MeanWaitCI95 is the half-width of a 95 % confidence interval of Measured.MeanWaitMs by batch means
	// (10 batches of consecutive requests; waits are correlated, so the plain standard error would be too small).
	MeanWaitCI95 float64 `json:"meanWaitCI95Ms"`
	// ClientMeanWaitMs is the engine's mean E2E minus the server's mean held service time: the waiting the
	// client saw, HTTP and stream overheads included.
	ClientMeanWaitMs float64 `json:"clientMeanWaitMs"`
}

// Figures are the compared quantities; times in milliseconds, goodput in requests/s.
type Figures struct {
	PWait      float64 `json:"pWait"` // share of requests that waited (measured: more than 0.5 ms)
	MeanWaitMs float64 `json:"meanWaitMs"`
	P95WaitMs  float64 `json:"p95WaitMs"`
	MeanE2EMs  float64 `json:"meanE2EMs"`
	P95E2EMs   float64 `json:"p95E2EMs"`
	GoodShare  float64 `json:"goodShare"` // P(E2E ≤ SLO)
	Goodput    float64 `json:"goodput"`   // predicted: λ·P(E2E ≤ SLO)
}

func predicted(p Prediction, lambda float64) Figures {
	return Figures{PWait: p.ErlangC, MeanWaitMs: 1000 * p.MeanWait, P95WaitMs: 1000 * p.P95Wait, MeanE2EMs: 1000 * p.MeanE2E,
		P95E2EMs: 1000 * p.P95E2E, GoodShare: p.GoodProb, Goodput: lambda * p.GoodProb}
}

// Result is a whole check, as the bench report reads it.
type Result struct {
	Tool        string  `json:"tool"` // "queueing"
	Command     string  `json:"command"`
	Slots       int     `json:"slots"`
	MeanService string  `json:"meanService"`
	Tokens      int     `json:"tokens"`
	Duration    string  `json:"durationPerRate"`
	SLO         string  `json:"slo"`
	Seed        int64   `json:"seed"`
	Capacity    float64 `json:"capacity"` // cμ, requests/s
	Rows        []Row   `json:"rows"`
	Seconds     float64 `json:"seconds"` // the whole check's wall time
}

// Run starts a fake server of cfg.Slots on 127.0.0.1 and load-tests it at each load in turn.
func Run(ctx context.Context, cfg Config) (Result, error) {
	if err := cfg.defaults(); err != nil {
		return Result{}, err
	}
	began := time.Now()
	srv, err := fakemodel.New(fakemodel.Config{Slots: cfg.Slots, Tokens: cfg.Tokens,
		Service: fakemodel.Service{Mean: cfg.MeanService}, Seed: uint64(cfg.Seed), Keep: true})
	if err != nil {
		return Result{}, err
	}
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return Result{}, err
	}
	hs := &http.Server{Handler: srv}
	go func() { _ = hs.Serve(ln) }()
	defer hs.Close()

	hc := &http.Client{Transport: &http.Transport{MaxIdleConnsPerHost: loadtest.MaxConcurrencyLimit, MaxIdleConns: loadtest.MaxConcurrencyLimit}}
	defer hc.CloseIdleConnections()
	client, err := providers.NewClient(providers.ProviderConfig{Name: "fake", Kind: providers.KindOpenAI,
		BaseURL: "http://" + ln.Addr().String() + "/v1"}, loadtest.ProviderOptions(hc))
	if err != nil {
		return Result{}, err
	}

	capacity := float64(cfg.Slots) / cfg.MeanService.Seconds()
	res := Result{Tool: "queueing", Slots: cfg.Slots, MeanService: cfg.MeanService.String(), Tokens: cfg.Tokens,
		Duration: cfg.Duration.String(), SLO: cfg.SLO.String(), Seed: cfg.Seed, Capacity: capacity}
	for i, load := range cfg.Loads {
		lambda := load * capacity
		if err := idle(ctx, srv); err != nil {
			return res, err
		}
		srv.Reset()
		plan := loadtest.Plan{Mode: loadtest.ModeRate, Rates: []float64{lambda}, Burstiness: 1,
			MaxConcurrency: loadtest.MaxConcurrencyLimit, DurationSeconds: cfg.Duration.Seconds(),
			MaxRequests:  min(loadtest.MaxRequestsLimit, int(2*lambda*cfg.Duration.Seconds())+100),
			InputTokens:  loadtest.Length{Kind: loadtest.LengthFixed, Value: 32},
			OutputTokens: loadtest.Length{Kind: loadtest.LengthFixed, Value: cfg.Tokens},
			SLO:          []loadtest.SLOTarget{{Metric: loadtest.MetricE2E, ThresholdMs: ms(cfg.SLO), Percentile: 95}},
			Seed:         cfg.Seed + int64(i)}
		out, err := loadtest.Run(ctx, loadtest.Config{Client: client, Model: "mmc", Plan: plan})
		if err != nil {
			return res, fmt.Errorf("load %g: %w", load, err)
		}
		row, err := measure(cfg, load, lambda, out.Steps[0], srv.Records())
		if err != nil {
			return res, fmt.Errorf("load %g: %w", load, err)
		}
		res.Rows = append(res.Rows, row)
		fmt.Fprintf(cfg.Log, "queueing: ρ %.2f (λ %.1f/s): mean wait %.1f ± %.1f ms measured, %.1f predicted (%.1f at the measured rate and service time); goodput %.2f/s, %.2f predicted\n",
			load, lambda, row.Measured.MeanWaitMs, row.MeanWaitCI95, row.Predicted.MeanWaitMs, row.PredictedMeasured.MeanWaitMs, row.Measured.Goodput, row.Predicted.Goodput)
	}
	res.Seconds = time.Since(began).Seconds()
	return res, nil
}

// idle waits until the server has nothing in service or queued: the requests a step cancelled at its end
// have left.
func idle(ctx context.Context, srv *fakemodel.Server) error {
	for {
		if s, q := srv.Busy(); s == 0 && q == 0 {
			return nil
		}
		select {
		case <-ctx.Done():
			return ctx.Err()
		case <-time.After(10 * time.Millisecond):
		}
	}
}

func measure(cfg Config, load, lambda float64, st loadtest.Step, recs []fakemodel.Record) (Row, error) {
	if len(recs) == 0 || st.Completed == 0 {
		return Row{}, errors.New("no request completed")
	}
	slices.SortFunc(recs, func(a, b fakemodel.Record) int { return a.Received.Compare(b.Received) })
	waits := make([]float64, len(recs))
	var sumWait, sumDrawn, sumHeld float64
	waited := 0
	for i, r := range recs {
		waits[i] = ms(r.Wait)
		sumWait += waits[i]
		sumDrawn += ms(r.Planned)
		sumHeld += ms(r.Service)
		if r.Wait > 500*time.Microsecond {
			waited++
		}
	}
	slices.Sort(waits)
	p95, err := stats.Percentile(waits, 0.95)
	if err != nil {
		return Row{}, err
	}
	n := float64(len(recs))
	nominal, err := Predict(cfg.Slots, lambda, cfg.MeanService.Seconds(), cfg.SLO.Seconds())
	if err != nil {
		return Row{}, err
	}
	sentRate := float64(st.Sent) / st.DurationSeconds
	atMeasured, err := Predict(cfg.Slots, sentRate, sumHeld/n/1000, cfg.SLO.Seconds())
	if err != nil && !errors.Is(err, queueing.ErrUnstable) {
		return Row{}, err
	}
	return Row{Load: load, Rate: lambda, Sent: st.Sent, Completed: st.Completed, Failed: st.Failed, AchievedRate: st.RequestRate,
		ServerRequests: len(recs), MeanDrawnMs: sumDrawn / n, MeanHeldMs: sumHeld / n,
		Predicted: predicted(nominal, lambda), PredictedMeasured: predicted(atMeasured, sentRate), MeanWaitCI95: batchMeansCI(recs),
		Measured: Figures{PWait: float64(waited) / n, MeanWaitMs: sumWait / n, P95WaitMs: p95, MeanE2EMs: st.E2E.MeanMs,
			P95E2EMs: st.E2E.P95Ms, GoodShare: float64(st.GoodRequests) / float64(st.Completed), Goodput: st.Goodput},
		ClientMeanWaitMs: st.E2E.MeanMs - sumHeld/n,
	}, nil
}

// batchMeansCI is the 95 % half-width of the mean wait from 10 batches of consecutive requests (in arrival
// order): t(0.975, 9 df) = 2.262 × the standard deviation of the batch means / √10.
func batchMeansCI(recs []fakemodel.Record) float64 {
	const batches = 10
	if len(recs) < 10*batches {
		return 0 // too few to say
	}
	means := make([]float64, batches)
	size := len(recs) / batches
	for b := range batches {
		for _, r := range recs[b*size : (b+1)*size] {
			means[b] += ms(r.Wait)
		}
		means[b] /= float64(size)
	}
	var mean, ss float64
	for _, m := range means {
		mean += m / batches
	}
	for _, m := range means {
		ss += (m - mean) * (m - mean)
	}
	return 2.262 * math.Sqrt(ss/(batches-1)) / math.Sqrt(batches)
}

func ms(d time.Duration) float64 { return float64(d) / float64(time.Millisecond) }

// Markdown writes the agreement table.
func (r Result) Markdown(w io.Writer) error {
	var b strings.Builder
	fmt.Fprintf(&b, "M/M/%d: %d slots, exponential service times of mean %s (capacity %.0f requests/s), %d tokens streamed "+
		"evenly over each; Poisson arrivals from the load-test engine, %s per rate; goodput against E2E ≤ %s. "+
		"Predicted: Erlang C (internal/queueing) at the rate asked and the nominal mean, and in brackets at the rate "+
		"sent and the mean service time the server measured. Measured: waits from the server's record of each "+
		"request (± the 95 %% batch-means interval; client: the engine's mean E2E less the mean service time), E2E "+
		"and goodput from the engine's result.\n\n", r.Slots, r.Slots,
		r.MeanService, r.Capacity, r.Tokens, r.Duration, r.SLO)
	b.WriteString("| ρ | λ req/s | sent | service ms drawn / held | P(wait) pred / meas | mean wait ms pred / meas (client) | " +
		"p95 wait ms pred / meas | p95 E2E ms pred / meas | good share pred / meas | goodput req/s pred / meas |\n" +
		"|---|---|---|---|---|---|---|---|---|---|\n")
	for _, x := range r.Rows {
		p, h, m := x.Predicted, x.PredictedMeasured, x.Measured
		fmt.Fprintf(&b, "| %.2f | %.1f | %d | %.1f / %.1f | %.3f (%.3f) / %.3f | %.1f (%.1f) / %.1f ± %.1f (%.1f) | %.1f (%.1f) / %.1f | "+
			"%.1f (%.1f) / %.1f | %.3f (%.3f) / %.3f | %.2f (%.2f) / %.2f |\n",
			x.Load, x.Rate, x.Sent, x.MeanDrawnMs, x.MeanHeldMs, p.PWait, h.PWait, m.PWait,
			p.MeanWaitMs, h.MeanWaitMs, m.MeanWaitMs, x.MeanWaitCI95, x.ClientMeanWaitMs, p.P95WaitMs, h.P95WaitMs, m.P95WaitMs,
			p.P95E2EMs, h.P95E2EMs, m.P95E2EMs, p.GoodShare, h.GoodShare, m.GoodShare, p.Goodput, h.Goodput, m.Goodput)
	}
	if r.Command != "" {
		fmt.Fprintf(&b, "\nWall time %.0f s.\n\n```\n%s\n```\n", r.Seconds, r.Command)
	}
	_, err := io.WriteString(w, b.String())
	return err
}
