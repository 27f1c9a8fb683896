// Package fakemodel is a stand-in OpenAI-compatible model server for people and benchmarks: streamed chat
// completions (the real chunk format, usage when asked), a model list for health checks, and a server of C
// slots with a FIFO queue in front, whose service times are fixed or exponential. It generates no real text and
// has no notion of a model's quality.
package fakemodel

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"math"
	"math/rand/v2"
	"net/http"
	"strconv"
	"strings"
	"sync"
	"time"
)

// Config is one fake server. The zero Config serves without a queue (every request at once), with a fixed
// service time of DefaultTTFT + (DefaultTokens − 1)·DefaultITL.
type Config struct {
	Slots   int           // requests served at once; further ones wait in a FIFO queue. 0: no limit, no queue
	TTFT    time.Duration // fixed service: time to the first token (0: DefaultTTFT)
	ITL     time.Duration // fixed service: gap between tokens (0: DefaultITL)
	Tokens  int           // output tokens per answer, fewer when the request's max_tokens is lower (0: DefaultTokens)
	Service Service       // fixed (the zero value) or exponential service times
	Seed    uint64        // exponential service times are drawn from PCG with it
	Model   string        // the id GET /v1/models lists (0: DefaultModel); chat completions accept any model
	// Keep, when set, records every completed request (Records); a long-running server leaves it off.
	Keep bool
}

// Defaults of Config.
const (
	DefaultTTFT   = 50 * time.Millisecond
	DefaultITL    = 10 * time.Millisecond
	DefaultTokens = 64
	DefaultModel  = "fake-model"
)

// QueueWaitHeader carries, on every chat completion, how long the request waited in the queue for a slot, in
// milliseconds (the response starts once it has one).
const QueueWaitHeader = "X-Queue-Wait-Ms"

// Service is how long a request holds its slot.
type Service struct {
	// Mean, when set, makes service times exponential with this mean, the tokens streamed evenly over each
	// (token k of n at k/n of it). Zero: fixed at TTFT + (n − 1)·ITL.
	Mean time.Duration
}

// ParseService reads "fixed" or "exp:MEAN" (a Go duration, e.g. exp:200ms).
func ParseService(s string) (Service, error) {
	if s == "fixed" || s == "" {
		return Service{}, nil
	}
	v, ok := strings.CutPrefix(s, "exp:")
	if !ok {
		return Service{}, fmt.Errorf("service %q: want fixed or exp:MEAN, e.g. exp:200ms", s)
	}
	d, err := time.ParseDuration(v)
	if err != nil || d <= 0 {
		return Service{}, fmt.Errorf("service %q: the mean must be a positive duration, e.g. exp:200ms", s)
	}
	return Service{Mean: d}, nil
}

func (s Service) String() string {
	if s.Mean == 0 {
		return "fixed"
	}
	return "exp:" + s.Mean.String()
}

// Record is one completed chat completion.
type Record struct {
	Received time.Time     // when the server read the request
	Wait     time.Duration // in the queue, until a slot was free
	Planned  time.Duration // the service time drawn (or fixed) for it
	Service  time.Duration // from the slot's hand-over to the last event written: Planned plus the timers' lateness
	Tokens   int
}

// Server is a fake model server; it is an http.Handler.
type Server struct {
	cfg   Config
	slots *slots

	mu      sync.Mutex // guards rng and records
	rng     *rand.Rand
	records []Record
}

// New checks cfg and returns its server.
func New(cfg Config) (*Server, error) {
	switch {
	case cfg.Slots < 0:
		return nil, errors.New("slots must be 0 (no limit) or more")
	case cfg.TTFT < 0 || cfg.ITL < 0 || cfg.Service.Mean < 0:
		return nil, errors.New("ttft, itl and the service mean must not be negative")
	case cfg.Tokens < 0:
		return nil, errors.New("tokens must be 1 or more (0: the default)")
	}
	if cfg.TTFT == 0 {
		cfg.TTFT = DefaultTTFT
	}
	if cfg.ITL == 0 {
		cfg.ITL = DefaultITL
	}
	if cfg.Tokens == 0 {
		cfg.Tokens = DefaultTokens
	}
	if cfg.Model == "" {
		cfg.Model = DefaultModel
	}
	return &Server{cfg: cfg, slots: newSlots(cfg.Slots), rng: rand.New(rand.NewPCG(cfg.Seed, 0x6661_6b65))}, nil
}

// Records returns the completed requests since the start or the last Reset, in order of completion; empty
// unless Config.Keep.
func (s *Server) Records() []Record {
	s.mu.Lock()
	defer s.mu.Unlock()
	return append([]Record(nil), s.records...)
}

// Reset forgets the records.
func (s *Server) Reset() {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.records = nil
}

// Busy is the number of slots in use and of requests queued now.
func (s *Server) Busy() (serving, queued int) { return s.slots.state() }

// ServeHTTP answers GET /v1/models and POST /v1/chat/completions; anything else is 404 in OpenAI's format.
func (s *Server) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	switch {
	case r.URL.Path == "/v1/models" && r.Method == http.MethodGet:
		writeJSON(w, http.StatusOK, map[string]any{"object": "list", "data": []map[string]any{
			{"id": s.cfg.Model, "object": "model", "created": 1700000000, "owned_by": "fakemodel"}}})
	case r.URL.Path == "/v1/chat/completions" && r.Method == http.MethodPost:
		s.chat(w, r)
	default:
		apiError(w, http.StatusNotFound, "Invalid URL ("+r.Method+" "+r.URL.Path+")")
	}
}

type chatRequest struct {
	Model    string `json:"model"`
	Messages []struct {
		Content json.RawMessage `json:"content"`
	} `json:"messages"`
	Stream        bool `json:"stream"`
	StreamOptions *struct {
		IncludeUsage bool `json:"include_usage"`
	} `json:"stream_options"`
	MaxTokens           *int `json:"max_tokens"`
	MaxCompletionTokens *int `json:"max_completion_tokens"`
}

func (s *Server) chat(w http.ResponseWriter, r *http.Request) {
	received := time.Now()
	var in chatRequest
	if err := json.NewDecoder(io.LimitReader(r.Body, 64<<20)).Decode(&in); err != nil {
		apiError(w, http.StatusBadRequest, "We could not parse the JSON body of your request.")
		return
	}
	if in.Model == "" || len(in.Messages) == 0 {
		apiError(w, http.StatusBadRequest, "model and messages are required")
		return
	}
	n, finish := s.cfg.Tokens, "stop"
	for _, bound := range []*int{in.MaxCompletionTokens, in.MaxTokens} {
		if bound != nil && *bound > 0 {
			if *bound <= n {
				n, finish = *bound, "length"
			}
			break
		}
	}
	promptBytes := 0
	for _, m := range in.Messages {
		var text string
		if json.Unmarshal(m.Content, &text) != nil {
			text = string(m.Content) // content parts: their JSON is a fair measure
		}
		promptBytes += len(text)
	}
	planned := s.plan(n)

	start, err := s.slots.acquire(r.Context())
	if err != nil {
		return // the client went away while queued
	}
	release := sync.OnceFunc(s.slots.release)
	defer release()
	wait := start.Sub(received) // the service is timed from the hand-over, so a late wake-up does not lengthen it
	w.Header().Set(QueueWaitHeader, strconv.FormatFloat(float64(wait)/float64(time.Millisecond), 'f', 3, 64))
	// done runs just before the answer's last bytes go out: the client may send its next request as soon as
	// it reads them, and must then find the slot free and this request recorded.
	done := func() {
		if s.cfg.Keep {
			s.mu.Lock()
			s.records = append(s.records, Record{Received: received, Wait: wait, Planned: planned, Service: time.Since(start), Tokens: n})
			s.mu.Unlock()
		}
		release()
	}
	a := answer{id: "chatcmpl-fake-" + strconv.FormatInt(received.UnixNano(), 36), model: in.Model,
		created: received.Unix(), tokens: n, input: (promptBytes + 3) / 4, finish: finish}
	if in.Stream {
		a.stream(r.Context(), w, in.StreamOptions != nil && in.StreamOptions.IncludeUsage, s.times(n, planned, start), done)
	} else {
		a.whole(r.Context(), w, start.Add(planned), done)
	}
}

// plan is the service time of an answer of n tokens.
func (s *Server) plan(n int) time.Duration {
	if s.cfg.Service.Mean == 0 {
		return s.cfg.TTFT + time.Duration(n-1)*s.cfg.ITL
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	return time.Duration(s.rng.ExpFloat64() * float64(s.cfg.Service.Mean))
}

// times are the moments tokens 1..n go out, from the slot's start: fixed service at TTFT then every ITL,
// exponential service evenly over the time drawn. Both end at start + planned.
func (s *Server) times(n int, planned time.Duration, start time.Time) []time.Time {
	out := make([]time.Time, n)
	for k := range n {
		if s.cfg.Service.Mean == 0 {
			out[k] = start.Add(s.cfg.TTFT + time.Duration(k)*s.cfg.ITL)
		} else {
			out[k] = start.Add(time.Duration(math.Round(float64(planned) * float64(k+1) / float64(n))))
		}
	}
	return out
}

// answer is one completion being written.
type answer struct {
	id, model     string
	created       int64
	tokens, input int
	finish        string // "length" when max_tokens cut the answer, "stop" otherwise
}

// words are the answer's tokens, one per chunk.
var words = strings.Fields("the model is a stand in that streams words at the pace it was told to keep so " +
	"that a load test can time each one and see how the queue in front of its slots grows with the load")

// chunk is one chat.completion.chunk event, with its fields in OpenAI's order.
type chunk struct {
	ID                string          `json:"id"`
	Object            string          `json:"object"`
	Created           int64           `json:"created"`
	Model             string          `json:"model"`
	SystemFingerprint string          `json:"system_fingerprint"`
	Choices           []chunkChoice   `json:"choices"`
	Usage             json.RawMessage `json:"usage,omitempty"`
}

type chunkChoice struct {
	Index        int            `json:"index"`
	Delta        map[string]any `json:"delta"`
	Logprobs     any            `json:"logprobs"`
	FinishReason *string        `json:"finish_reason"`
}

func (a answer) chunk(withUsage bool, choices ...chunkChoice) chunk {
	c := chunk{ID: a.id, Object: "chat.completion.chunk", Created: a.created, Model: a.model,
		SystemFingerprint: "fp_fakemodel", Choices: choices}
	if withUsage {
		c.Usage = json.RawMessage("null") // OpenAI sends "usage": null on every chunk but the last when asked for usage
	}
	return c
}

// stream writes the answer as server-sent events, token k at times[k]; done runs before the last bytes.
func (a answer) stream(ctx context.Context, w http.ResponseWriter, withUsage bool, times []time.Time, done func()) {
	w.Header().Set("Content-Type", "text/event-stream")
	w.Header().Set("Cache-Control", "no-cache")
	w.WriteHeader(http.StatusOK)
	fl, _ := w.(http.Flusher)
	send := func(v any) {
		b, _ := json.Marshal(v)
		_, _ = w.Write([]byte("data: " + string(b) + "\n\n"))
	}
	// OpenAI opens every stream with an empty content delta that carries the role.
	send(a.chunk(withUsage, chunkChoice{Delta: map[string]any{"role": "assistant", "content": ""}}))
	flush(fl)
	timer := time.NewTimer(time.Hour)
	defer timer.Stop()
	for k, at := range times {
		if d := time.Until(at); d > 0 {
			timer.Reset(d)
			select {
			case <-timer.C:
			case <-ctx.Done():
				return
			}
		}
		send(a.chunk(withUsage, chunkChoice{Delta: map[string]any{"content": words[k%len(words)] + " "}}))
		if k == len(times)-1 {
			done()
			send(a.chunk(withUsage, chunkChoice{Delta: map[string]any{}, FinishReason: &a.finish}))
			if withUsage {
				last := a.chunk(false)
				last.Choices = []chunkChoice{}
				last.Usage, _ = json.Marshal(a.usage())
				send(last)
			}
			_, _ = w.Write([]byte("data: [DONE]\n\n"))
		}
		flush(fl)
	}
}

// whole writes the answer as one chat.completion at end; done runs before it.
func (a answer) whole(ctx context.Context, w http.ResponseWriter, end time.Time, done func()) {
	timer := time.NewTimer(time.Until(end))
	defer timer.Stop()
	select {
	case <-timer.C:
	case <-ctx.Done():
		return
	}
	done()
	var text strings.Builder
	for k := range a.tokens {
		text.WriteString(words[k%len(words)] + " ")
	}
	writeJSON(w, http.StatusOK, struct {
		ID                string           `json:"id"`
		Object            string           `json:"object"`
		Created           int64            `json:"created"`
		Model             string           `json:"model"`
		SystemFingerprint string           `json:"system_fingerprint"`
		Choices           []map[string]any `json:"choices"`
		Usage             usage            `json:"usage"`
	}{a.id, "chat.completion", a.created, a.model, "fp_fakemodel",
		[]map[string]any{{"index": 0, "message": map[string]any{"role": "assistant", "content": text.String()},
			"logprobs": nil, "finish_reason": a.finish}}, a.usage()})
}

type usage struct {
	PromptTokens            int            `json:"prompt_tokens"`
	CompletionTokens        int            `json:"completion_tokens"`
	TotalTokens             int            `json:"total_tokens"`
	PromptTokensDetails     map[string]int `json:"prompt_tokens_details"`
	CompletionTokensDetails map[string]int `json:"completion_tokens_details"`
}

func (a answer) usage() usage {
	return usage{PromptTokens: a.input, CompletionTokens: a.tokens, TotalTokens: a.input + a.tokens,
		PromptTokensDetails:     map[string]int{"cached_tokens": 0, "audio_tokens": 0},
		CompletionTokensDetails: map[string]int{"reasoning_tokens": 0, "audio_tokens": 0, "accepted_prediction_tokens": 0, "rejected_prediction_tokens": 0}}
}

func flush(f http.Flusher) {
	if f != nil {
		f.Flush()
	}
}

func writeJSON(w http.ResponseWriter, status int, v any) {
	b, _ := json.Marshal(v)
	w.Header().Set("Content-Type", "application/json")
	w.WriteHeader(status)
	_, _ = w.Write(append(b, '\n'))
}

// apiError writes OpenAI's error body {"error": {"message", "type", "param", "code"}}.
func apiError(w http.ResponseWriter, status int, message string) {
	writeJSON(w, status, map[string]any{"error": map[string]any{"message": message, "type": "invalid_request_error", "param": nil, "code": nil}})
}

// slots is a pool of n slots with a FIFO queue of waiters; n = 0 is a pool without limit.
type slots struct {
	mu    sync.Mutex
	n     int
	used  int
	queue []chan time.Time
}

func newSlots(n int) *slots { return &slots{n: n} }

// acquire takes a slot, waiting behind earlier arrivals, and returns when the slot became its own (a waiter
// is handed it by release, before its goroutine runs again); it fails when ctx ends first.
func (s *slots) acquire(ctx context.Context) (time.Time, error) {
	s.mu.Lock()
	if s.n == 0 || (s.used < s.n && len(s.queue) == 0) {
		s.used++
		s.mu.Unlock()
		return time.Now(), nil
	}
	turn := make(chan time.Time, 1)
	s.queue = append(s.queue, turn)
	s.mu.Unlock()
	select {
	case at := <-turn:
		return at, nil
	case <-ctx.Done():
	}
	s.mu.Lock()
	for i, q := range s.queue {
		if q == turn {
			s.queue = append(s.queue[:i], s.queue[i+1:]...)
			s.mu.Unlock()
			return time.Time{}, ctx.Err()
		}
	}
	s.mu.Unlock()
	<-turn
	s.release() // handed a slot as ctx ended: pass it on
	return time.Time{}, ctx.Err()
}

// release frees a slot, or hands it straight to the first waiter.
func (s *slots) release() {
	s.mu.Lock()
	defer s.mu.Unlock()
	if len(s.queue) > 0 {
		next := s.queue[0]
		s.queue = s.queue[1:]
		next <- time.Now()
		return
	}
	s.used--
}

func (s *slots) state() (used, queued int) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.used, len(s.queue)
}
