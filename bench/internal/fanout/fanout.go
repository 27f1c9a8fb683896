// Package fanout measures subscription fan-out: it opens many graphql-transport-ws connections as many
// users (a client process apart from the server), subscribes each to a viewer-wide stream, optionally
// measures the server's resident memory before and after, triggers one event per user through a GraphQL
// mutation, and times each event from the trigger, and from the timestamp the event carries, to its
// receipt. It knows nothing of the server beyond the documents it is given.
package fanout

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"sort"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"github.com/modelarchitect/architect/bench/internal/gqlws"
	"github.com/modelarchitect/architect/bench/internal/loadgen"
	"github.com/modelarchitect/architect/bench/internal/procfs"
	"github.com/modelarchitect/architect/bench/internal/stats"
	"github.com/modelarchitect/architect/bench/internal/viewers"
)

// Config describes a fan-out test. Zero values: 1 client per user, 64 dials at once, 10 s dial timeout,
// 3 s settle, 8 concurrent triggers, 30 s wait.
type Config struct {
	URL          string // ws://host/graphql
	Viewers      []viewers.Viewer
	Clients      int    // connections per viewer
	Subscription string // the subscription document every connection starts
	// Trigger is a GraphQL mutation sent once per viewer to TriggerURL after every connection is up; it
	// may declare $id (the viewer's first Benchmark), $userId and $viewerId. Empty: wait for events
	// caused elsewhere (then only event timestamps give latencies).
	Trigger            string
	TriggerURL         string
	TriggerConcurrency int
	// TimestampField names a field of the event (searched anywhere under data) holding an RFC 3339 time
	// set by the server when it wrote the row, e.g. updatedAt: receipt minus it is commit-to-receipt.
	TimestampField  string
	DialConcurrency int
	DialTimeout     time.Duration
	Settle          time.Duration // idle time after the last subscribe, before memory is read and events sent
	Wait            time.Duration // longest wait for the events after the triggers
	// MaxDialFailures stops dialing after this many failed connections (0: 1% of the target, at least 20).
	MaxDialFailures int
	ServerPID       int // read VmRSS of this process before and after connecting; 0: skip
	Log             func(format string, args ...any)
}

// Result is what a fan-out test saw.
type Result struct {
	OpenFilesLimit uint64         `json:"openFilesLimit"`
	Target         int            `json:"target"`    // connections asked for
	Connected      int            `json:"connected"` // acknowledged and subscribed
	DialFailures   map[string]int `json:"dialFailures,omitempty"`
	ConnectSeconds float64        `json:"connectSeconds"`
	// Server memory (KiB) before any connection and after all of them settled; PerConnectionKiB divides
	// the difference by Connected.
	ServerRSSBeforeKiB int64    `json:"serverRssBeforeKiB,omitempty"`
	ServerRSSAfterKiB  int64    `json:"serverRssAfterKiB,omitempty"`
	PerConnectionKiB   float64  `json:"perConnectionKiB,omitempty"`
	Triggered          int      `json:"triggered"` // users whose trigger succeeded
	TriggerFailures    int      `json:"triggerFailures"`
	TriggerSamples     []string `json:"triggerFailureSamples,omitempty"`
	Expected           int      `json:"expected"` // connections that should each receive one event
	Received           int      `json:"received"` // of those, how many did within Wait
	Extra              int      `json:"extraEvents"`
	Early              int      `json:"earlyEvents"`  // events before the viewer's trigger
	StreamErrors       int      `json:"streamErrors"` // error or complete messages, closed sockets
	StreamSamples      []string `json:"streamErrorSamples,omitempty"`
	// TriggerToReceipt runs from just before the trigger request is sent (so it includes the mutation's
	// own work and commit); CommitToReceipt from the event's TimestampField.
	TriggerToReceipt stats.Latency `json:"triggerToReceipt"`
	CommitToReceipt  stats.Latency `json:"commitToReceipt"`
}

type slot struct {
	user     int
	conn     *gqlws.Conn
	received atomic.Int64 // unix nanos of the first event after the trigger; 0: none yet
	stamp    atomic.Int64 // unix nanos of the event's timestamp field; 0: none
	extra    atomic.Int32
	early    atomic.Int32
	failed   atomic.Value // string: why the stream ended
}

// Run executes the test; it returns an error only when nothing could be measured.
func Run(ctx context.Context, cfg Config) (*Result, error) {
	if err := cfg.defaults(); err != nil {
		return nil, err
	}
	res := &Result{Target: len(cfg.Viewers) * cfg.Clients, DialFailures: map[string]int{}}
	var err error
	if res.OpenFilesLimit, err = procfs.RaiseNoFile(); err != nil {
		cfg.Log("cannot raise the open-files limit: %v", err)
	}
	if cfg.ServerPID > 0 {
		if res.ServerRSSBeforeKiB, err = procfs.RSSKiB(cfg.ServerPID); err != nil {
			return nil, err
		}
	}
	readCtx, stopReading := context.WithCancel(ctx)
	defer stopReading()
	triggered := make([]atomic.Int64, len(cfg.Viewers)) // unix nanos of each user's trigger
	start := time.Now()
	slots := connect(ctx, readCtx, cfg, res, triggered)
	res.ConnectSeconds = time.Since(start).Seconds()
	res.Connected = len(slots)
	defer closeAll(slots)
	if res.Connected == 0 {
		return res, fmt.Errorf("none of %d connections succeeded: %v", res.Target, res.DialFailures)
	}
	cfg.Log("%d of %d connections subscribed in %.1fs; settling %s", res.Connected, res.Target, res.ConnectSeconds, cfg.Settle)
	sleep(ctx, cfg.Settle)
	if cfg.ServerPID > 0 {
		if res.ServerRSSAfterKiB, err = procfs.RSSKiB(cfg.ServerPID); err != nil {
			return nil, err
		}
		res.PerConnectionKiB = float64(res.ServerRSSAfterKiB-res.ServerRSSBeforeKiB) / float64(res.Connected)
	}

	users := map[int]bool{}
	for _, s := range slots {
		users[s.user] = true
	}
	ok := trigger(ctx, cfg, res, users, triggered)
	for _, s := range slots {
		if ok[s.user] {
			res.Expected++
		}
	}
	cfg.Log("triggered %d users; waiting up to %s for %d events", res.Triggered, cfg.Wait, res.Expected)
	deadline := time.Now().Add(cfg.Wait)
	for time.Now().Before(deadline) && ctx.Err() == nil {
		if received(slots, ok) >= res.Expected {
			break
		}
		sleep(ctx, 50*time.Millisecond)
	}
	stopReading()
	collect(res, slots, ok, triggered)
	return res, nil
}

func (c *Config) defaults() error {
	if len(c.Viewers) == 0 {
		return errors.New("fanout: no viewers")
	}
	if c.Subscription == "" {
		return errors.New("fanout: no subscription document")
	}
	if c.Trigger != "" && c.TriggerURL == "" {
		return errors.New("fanout: a trigger needs TriggerURL")
	}
	if c.Clients <= 0 {
		c.Clients = 1
	}
	if c.DialConcurrency <= 0 {
		c.DialConcurrency = 64
	}
	if c.DialTimeout <= 0 {
		c.DialTimeout = 10 * time.Second
	}
	if c.Settle == 0 {
		c.Settle = 3 * time.Second
	}
	if c.TriggerConcurrency <= 0 {
		c.TriggerConcurrency = 8
	}
	if c.Wait <= 0 {
		c.Wait = 30 * time.Second
	}
	if c.MaxDialFailures <= 0 {
		c.MaxDialFailures = max(20, len(c.Viewers)*c.Clients/100)
	}
	if c.Log == nil {
		c.Log = func(string, ...any) {}
	}
	return nil
}

// connect opens every connection, client round by client round (each user gets its first client before
// any gets a second), and starts a reader per connection.
func connect(ctx, readCtx context.Context, cfg Config, res *Result, triggered []atomic.Int64) []*slot {
	var (
		mu       sync.Mutex
		slots    []*slot
		failures atomic.Int64
		wg       sync.WaitGroup
	)
	jobs := make(chan int)
	httpClient := &http.Client{Transport: &http.Transport{MaxIdleConnsPerHost: -1}}
	for range cfg.DialConcurrency {
		wg.Go(func() {
			for u := range jobs {
				s, err := dial(ctx, cfg, httpClient, u)
				if err != nil {
					failures.Add(1)
					mu.Lock()
					res.DialFailures[kindOf(err)]++
					mu.Unlock()
					continue
				}
				go read(readCtx, s, cfg.TimestampField, triggered)
				mu.Lock()
				slots = append(slots, s)
				n := len(slots)
				mu.Unlock()
				if n%1000 == 0 {
					cfg.Log("%d connections", n)
				}
			}
		})
	}
feed:
	for range cfg.Clients {
		for u := range cfg.Viewers {
			if ctx.Err() != nil || failures.Load() >= int64(cfg.MaxDialFailures) {
				break feed
			}
			jobs <- u
		}
	}
	close(jobs)
	wg.Wait()
	if n := failures.Load(); n >= int64(cfg.MaxDialFailures) {
		cfg.Log("stopped dialing after %d failures: %v", n, res.DialFailures)
	}
	return slots
}

func dial(ctx context.Context, cfg Config, client *http.Client, u int) (*slot, error) {
	dctx, cancel := context.WithTimeout(ctx, cfg.DialTimeout)
	defer cancel()
	c, err := gqlws.Dial(dctx, cfg.URL, map[string]any{"authorization": "Bearer " + cfg.Viewers[u].Token}, client)
	if err != nil {
		return nil, err
	}
	if err := c.Subscribe(dctx, "1", cfg.Subscription, nil); err != nil {
		c.Close()
		return nil, err
	}
	return &slot{user: u, conn: c}, nil
}

// kindOf shortens an error to a category for counting (addresses and ports removed).
func kindOf(err error) string {
	s := err.Error()
	for _, k := range []string{"too many open files", "connection refused", "connection reset", "i/o timeout",
		"context deadline exceeded", "cannot assign requested address", "connection_init refused"} {
		if strings.Contains(s, k) {
			return k
		}
	}
	if len(s) > 160 {
		s = s[:160]
	}
	return s
}

func read(ctx context.Context, s *slot, field string, triggered []atomic.Int64) {
	for {
		m, err := s.conn.Read(ctx)
		if err != nil {
			if ctx.Err() == nil {
				s.failed.CompareAndSwap(nil, "socket: "+err.Error())
			}
			return
		}
		now := time.Now().UnixNano()
		switch m.Type {
		case gqlws.TypeNext:
		case gqlws.TypeError, gqlws.TypeComplete:
			s.failed.CompareAndSwap(nil, m.Type+": "+string(m.Payload))
			continue
		default:
			continue
		}
		if t := triggered[s.user].Load(); t == 0 || now < t {
			s.early.Add(1)
			continue
		}
		if s.received.Load() != 0 { // this goroutine is the slot's only writer
			s.extra.Add(1)
			continue
		}
		// The stamp is stored before the receipt, so that whoever sees the receipt sees its stamp too.
		if field != "" {
			if ts, ok := timestamp(m.Payload, field); ok {
				s.stamp.Store(ts.UnixNano())
			}
		}
		s.received.Store(now)
	}
}

// timestamp finds field anywhere under the payload's data and parses it as an RFC 3339 time.
func timestamp(payload []byte, field string) (time.Time, bool) {
	var p struct {
		Data any `json:"data"`
	}
	if json.Unmarshal(payload, &p) != nil {
		return time.Time{}, false
	}
	var find func(v any) (string, bool)
	find = func(v any) (string, bool) {
		switch x := v.(type) {
		case map[string]any:
			if s, ok := x[field].(string); ok {
				return s, true
			}
			keys := make([]string, 0, len(x))
			for k := range x {
				keys = append(keys, k)
			}
			sort.Strings(keys)
			for _, k := range keys {
				if s, ok := find(x[k]); ok {
					return s, true
				}
			}
		case []any:
			for _, e := range x {
				if s, ok := find(e); ok {
					return s, true
				}
			}
		}
		return "", false
	}
	s, ok := find(p.Data)
	if !ok {
		return time.Time{}, false
	}
	t, err := time.Parse(time.RFC3339Nano, s)
	return t, err == nil
}

// trigger sends the mutation once per user and returns which users' triggers succeeded.
func trigger(ctx context.Context, cfg Config, res *Result, users map[int]bool, triggered []atomic.Int64) map[int]bool {
	ok := map[int]bool{}
	if cfg.Trigger == "" {
		now := time.Now().UnixNano()
		for u := range users {
			triggered[u].Store(now)
			ok[u] = true
		}
		res.Triggered = len(ok)
		return ok
	}
	var (
		mu sync.Mutex
		wg sync.WaitGroup
	)
	jobs := make(chan int)
	client := &http.Client{Timeout: 30 * time.Second}
	for range cfg.TriggerConcurrency {
		wg.Go(func() {
			for u := range jobs {
				err := send(ctx, cfg, client, u, triggered)
				mu.Lock()
				if err != nil {
					res.TriggerFailures++
					if len(res.TriggerSamples) < 5 {
						res.TriggerSamples = append(res.TriggerSamples, err.Error())
					}
				} else {
					ok[u] = true
				}
				mu.Unlock()
			}
		})
	}
	order := make([]int, 0, len(users))
	for u := range users {
		order = append(order, u)
	}
	sort.Ints(order)
	for _, u := range order {
		jobs <- u
	}
	close(jobs)
	wg.Wait()
	res.Triggered = len(ok)
	return ok
}

func send(ctx context.Context, cfg Config, client *http.Client, u int, triggered []atomic.Int64) error {
	v := cfg.Viewers[u]
	vars := map[string]any{}
	if strings.Contains(cfg.Trigger, "$id") {
		if len(v.Benchmarks) == 0 {
			return fmt.Errorf("viewer %d has no benchmark for $id", v.RowID)
		}
		vars["id"] = v.Benchmarks[0]
	}
	if strings.Contains(cfg.Trigger, "$userId") {
		vars["userId"] = strconv.Itoa(v.RowID)
	}
	if strings.Contains(cfg.Trigger, "$viewerId") {
		vars["viewerId"] = v.ID
	}
	body, err := json.Marshal(map[string]any{"query": cfg.Trigger, "variables": vars})
	if err != nil {
		return err
	}
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, cfg.TriggerURL, bytes.NewReader(body))
	if err != nil {
		return err
	}
	req.Header.Set("Content-Type", "application/json")
	req.Header.Set("Authorization", "Bearer "+v.Token)
	triggered[u].Store(time.Now().UnixNano())
	r, err := client.Do(req)
	if err != nil {
		return err
	}
	defer r.Body.Close()
	b, err := io.ReadAll(r.Body)
	if err != nil {
		return err
	}
	if r.StatusCode/100 != 2 || loadgen.HasErrors(b) {
		if len(b) > 300 {
			b = b[:300]
		}
		return fmt.Errorf("trigger HTTP %d: %s", r.StatusCode, b)
	}
	return nil
}

func received(slots []*slot, ok map[int]bool) int {
	n := 0
	for _, s := range slots {
		if ok[s.user] && s.received.Load() != 0 {
			n++
		}
	}
	return n
}

func collect(res *Result, slots []*slot, ok map[int]bool, triggered []atomic.Int64) {
	var fromTrigger, fromCommit []time.Duration
	for _, s := range slots {
		res.Extra += int(s.extra.Load())
		res.Early += int(s.early.Load())
		if f, _ := s.failed.Load().(string); f != "" {
			res.StreamErrors++
			if len(res.StreamSamples) < 5 {
				res.StreamSamples = append(res.StreamSamples, f)
			}
		}
		at := s.received.Load()
		if !ok[s.user] || at == 0 {
			continue
		}
		res.Received++
		fromTrigger = append(fromTrigger, time.Duration(at-triggered[s.user].Load()))
		if st := s.stamp.Load(); st != 0 {
			fromCommit = append(fromCommit, time.Duration(at-st))
		}
	}
	res.TriggerToReceipt = stats.Summarise(fromTrigger)
	res.CommitToReceipt = stats.Summarise(fromCommit)
}

func closeAll(slots []*slot) {
	var wg sync.WaitGroup
	sem := make(chan struct{}, 256)
	for _, s := range slots {
		sem <- struct{}{}
		wg.Go(func() {
			defer func() { <-sem }()
			s.conn.CloseNow()
		})
	}
	wg.Wait()
}

func sleep(ctx context.Context, d time.Duration) {
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-ctx.Done():
	case <-t.C:
	}
}
