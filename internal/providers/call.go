package providers

import (
	"context"
	"errors"
	"fmt"
	"io"
	"math"
	"net"
	"net/http"
	"strings"
	"time"
)

// DefaultCallTimeout bounds one HTTP attempt (request sent → end of stream) when Options.CallTimeout is zero.
const DefaultCallTimeout = 60 * time.Second

// maxErrorBody bounds how much of an error response is read.
const maxErrorBody = 64 << 10

// Options are the settings every client shares. The zero value is usable.
type Options struct {
	CallTimeout time.Duration    // per attempt; 0: DefaultCallTimeout
	Retry       RetryPolicy      // zero: the default policy
	HTTPClient  *http.Client     // nil: a client on http.DefaultTransport with no overall timeout (CallTimeout governs)
	Now         func() time.Time // clock for TTFT, latency and Retry-After dates; nil: time.Now
}

// wire is one API's request and stream format.
type wire interface {
	newRequest(ctx context.Context, req Request) (*http.Request, error)
	// readStream reads a 2xx body into st and returns nil only when the stream reached its end.
	readStream(body io.Reader, st *stream) error
	// decodeError reads an error response body; fields it cannot find are left empty.
	decodeError(body []byte) apiError
}

// apiError is what an error body (or an error event inside a stream) says.
type apiError struct {
	message, typ, code string
	retryAfter         time.Duration
}

// streamFailure is an error event the server sent inside a 2xx stream.
type streamFailure struct{ apiError }

func (f streamFailure) Error() string { return f.message }

// errIncomplete is a stream that ended cleanly but without its end marker.
var errIncomplete = errors.New("the stream ended before the answer was complete")

// stream accumulates one streamed answer.
type stream struct {
	now      func() time.Time
	text     strings.Builder
	first    time.Time // when the first non-empty text arrived
	finish   string
	usage    tokenUsage
	hasUsage bool

	// With record set, chunks holds the arrival of each event that carried answer text, as offsets from start.
	record    bool
	start     time.Time
	chunks    []time.Duration
	event     int // events read so far
	lastChunk int // the event whose arrival is chunks' last entry
}

type tokenUsage struct{ input, output, cached, reasoning int }

// nextEvent marks the start of a stream event: text appended after it is a new content chunk.
func (s *stream) nextEvent() { s.event++ }

func (s *stream) appendText(t string) {
	if t == "" {
		return
	}
	var at time.Time
	if s.first.IsZero() || (s.record && s.lastChunk != s.event) {
		at = s.now()
	}
	if s.first.IsZero() {
		s.first = at
	}
	if s.record && s.lastChunk != s.event {
		s.chunks = append(s.chunks, max(at.Sub(s.start), 0))
		s.lastChunk = s.event
	}
	s.text.WriteString(t)
}

// httpClient is the Client of every kind: the retry loop and timing around one wire format.
type httpClient struct {
	name    string
	wire    wire
	hc      *http.Client
	timeout time.Duration
	retry   RetryPolicy
	now     func() time.Time
}

func newHTTPClient(name string, w wire, o Options) *httpClient {
	c := &httpClient{name: name, wire: w, hc: o.HTTPClient, timeout: o.CallTimeout, retry: o.Retry, now: o.Now}
	if c.hc == nil {
		c.hc = &http.Client{}
	}
	if c.timeout <= 0 {
		c.timeout = DefaultCallTimeout
	}
	if c.now == nil {
		c.now = time.Now
	}
	return c
}

// Complete sends req, retrying per the policy; it returns ctx's error as soon as ctx ends.
func (c *httpClient) Complete(ctx context.Context, req Request) (Result, error) {
	if reason := checkRequest(req); reason != "" {
		return Result{}, &Error{Provider: c.name, Outcome: OutcomeInvalidRequest, Message: reason}
	}
	for attempt := 1; ; attempt++ {
		res, err := c.attempt(ctx, req)
		if err == nil {
			res.Attempts = attempt
			return res, nil
		}
		if ctx.Err() != nil {
			return Result{}, fmt.Errorf("%s: %w", c.name, ctx.Err())
		}
		err.Attempts = attempt
		if !err.Retryable() || attempt >= c.retry.maxAttempts() || err.RetryAfter > c.retry.maxRetryAfter() {
			return Result{}, err
		}
		if serr := c.retry.sleep(ctx, c.retry.backoff(attempt, err.RetryAfter)); serr != nil {
			return Result{}, fmt.Errorf("%s: %w", c.name, serr)
		}
	}
}

func (c *httpClient) attempt(ctx context.Context, req Request) (Result, *Error) {
	actx, cancel := context.WithTimeout(ctx, c.timeout)
	defer cancel()
	hreq, err := c.wire.newRequest(actx, req)
	if err != nil {
		return Result{}, &Error{Provider: c.name, Outcome: OutcomeInvalidRequest, Message: err.Error(), Err: err}
	}
	start := c.now()
	resp, err := c.hc.Do(hreq)
	if err != nil {
		return Result{}, c.failure(actx, err, OutcomeConnectionError)
	}
	defer func() { _ = resp.Body.Close() }()
	if resp.StatusCode < 200 || resp.StatusCode > 299 {
		body, _ := io.ReadAll(io.LimitReader(resp.Body, maxErrorBody))
		return Result{}, c.statusError(resp, body)
	}
	st := &stream{now: c.now, record: req.RecordChunks, start: start, lastChunk: -1}
	if err := c.wire.readStream(resp.Body, st); err != nil {
		if f, ok := errors.AsType[streamFailure](err); ok {
			return Result{}, &Error{Provider: c.name, Outcome: OutcomeServerError, Status: resp.StatusCode,
				Message: f.message, Type: f.typ, Code: f.code, RetryAfter: f.retryAfter}
		}
		return Result{}, c.failure(actx, err, OutcomeIncompleteStream)
	}
	end := c.now()
	res := Result{
		Text:            st.text.String(),
		FinishReason:    st.finish,
		InputTokens:     st.usage.input,
		OutputTokens:    st.usage.output,
		CachedTokens:    st.usage.cached,
		ReasoningTokens: st.usage.reasoning,
		HasUsage:        st.hasUsage,
		Latency:         max(end.Sub(start), 0),
		ChunkTimes:      st.chunks,
	}
	if !st.first.IsZero() {
		res.TTFT = min(max(st.first.Sub(start), 0), res.Latency)
	}
	res.OutputTokensPerSecond = OutputSpeed(res.OutputTokens, res.ReasoningTokens, res.TTFT, res.Latency)
	return res, nil
}

// failure classifies an error that left no HTTP status: the attempt's deadline is a timeout, anything else is
// the given outcome (a connection error before the response, a cut stream after it).
func (c *httpClient) failure(actx context.Context, err error, otherwise Outcome) *Error {
	ne, isNet := errors.AsType[net.Error](err)
	if errors.Is(actx.Err(), context.DeadlineExceeded) || (isNet && ne.Timeout()) {
		return &Error{Provider: c.name, Outcome: OutcomeTimeout,
			Message: fmt.Sprintf("no complete answer within %s", c.timeout)}
	}
	return &Error{Provider: c.name, Outcome: otherwise, Message: err.Error(), Err: err}
}

func (c *httpClient) statusError(resp *http.Response, body []byte) *Error {
	ae := c.wire.decodeError(body)
	e := &Error{Provider: c.name, Status: resp.StatusCode, Message: ae.message, Type: ae.typ, Code: ae.code,
		RetryAfter: retryAfterHeader(resp.Header, c.now())}
	if e.RetryAfter == 0 {
		e.RetryAfter = ae.retryAfter
	}
	if e.Message == "" {
		e.Message = fallbackMessage(resp.StatusCode, body)
	}
	switch {
	case resp.StatusCode == http.StatusTooManyRequests:
		e.Outcome = OutcomeRateLimited
	case resp.StatusCode >= 500:
		e.Outcome = OutcomeServerError
	default:
		e.Outcome = OutcomeClientError
	}
	return e
}

// fallbackMessage is the start of a body that was not the provider's JSON error, or the status text.
func fallbackMessage(status int, body []byte) string {
	s := strings.TrimSpace(strings.ToValidUTF8(string(body), ""))
	if s == "" {
		return http.StatusText(status)
	}
	if r := []rune(s); len(r) > 300 {
		s = string(r[:300]) + "…"
	}
	return s
}

func checkRequest(req Request) string {
	switch {
	case strings.TrimSpace(req.Model) == "":
		return "the request has no model"
	case req.Prompt == "":
		return "the request has no prompt"
	case req.MaxOutputTokens < 0:
		return "max output tokens must be 0 (provider default) or more"
	case req.Temperature != nil && (math.IsNaN(*req.Temperature) || *req.Temperature < 0 || *req.Temperature > 2):
		return "temperature must be between 0 and 2"
	}
	return ""
}

// tokenCount turns a decoded count into a non-negative int.
func tokenCount(n int64) int {
	if n < 0 {
		return 0
	}
	return int(min(n, math.MaxInt32))
}
