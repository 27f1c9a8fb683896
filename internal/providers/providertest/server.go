package providertest

import (
	"net/http"
	"net/http/httptest"
	"sync"
	"testing"
	"time"
)

// Request is one call a fake server received, decoded from its wire format.
type Request struct {
	Method          string
	Path            string // URL path, e.g. /v1/chat/completions or /v1beta/models/m:streamGenerateContent
	Query           string // raw query, e.g. alt=sse
	Key             string // the API key sent: the Bearer token (OpenAI) or x-goog-api-key (Gemini)
	Model           string
	System          string
	Prompt          string
	MaxOutputTokens int
	MaxTokensField  string // OpenAI: the field that carried the bound, max_tokens or max_completion_tokens
	Temperature     *float64
	ReasoningEffort string // OpenAI: reasoning_effort
	Stream          bool   // OpenAI: "stream": true; Gemini: streamGenerateContent with alt=sse
	IncludeUsage    bool   // OpenAI: stream_options.include_usage; Gemini: always true
	Body            []byte
	Received        time.Time // when the server began handling it
}

// Usage is the token usage a fake reports. Output includes Reasoning.
type Usage struct {
	Input, Output, Cached, Reasoning int
}

// Reply scripts a fake server's answer to one request. The zero Reply is a complete, empty answer.
type Reply struct {
	Chunks     []string      // answer text, one fragment per stream event
	Thoughts   []string      // reasoning text sent before the answer (OpenAI-compatible reasoning_content, Gemini thought parts)
	Usage      *Usage        // nil: no usage in the stream
	Finish     string        // "stop" (default) or "length", in the wire format's own spelling
	ChunkDelay time.Duration // wait before each answer fragment
	// FirstChunkDelay, when set, replaces ChunkDelay before the first answer fragment (a scripted time to
	// first token).
	FirstChunkDelay time.Duration

	Status       int    // 0 or 200: a stream; otherwise an error reply with this HTTP status
	ErrorMessage string // the provider's error message
	ErrorType    string // OpenAI error.type / Google error.status; empty: the usual one for Status
	RetryAfter   string // Retry-After header value, seconds or an HTTP date

	StreamError string // after the fragments, an error event inside the stream with this message
	Cut         bool   // after the fragments, drop the connection without ending the stream
	Hang        bool   // send nothing; wait until the client goes away
	Stall       bool   // after the fragments, keep the stream open without another byte until the client goes away
}

// delay is the wait before answer fragment i.
func (r Reply) delay(i int) time.Duration {
	if i == 0 && r.FirstChunkDelay > 0 {
		return r.FirstChunkDelay
	}
	return r.ChunkDelay
}

// Server is a running fake model API.
type Server struct {
	URL     string // the server's root
	BaseURL string // the provider BaseURL to configure: URL + "/v1" for OpenAI, URL for Gemini

	done        chan struct{}
	mu          sync.Mutex
	requests    []Request
	inFlight    int
	maxInFlight int
	handling    map[*http.Request]bool
	slots       chan struct{}          // LimitSlots: one token per request being served; nil: no limit
	serving     map[*http.Request]bool // requests holding a slot
	maxServing  int
}

// LimitSlots makes the server serve at most n requests at once, as a model server runs at most its batch
// size of sequences: a request beyond them waits, connected and without a byte of answer, until one ends (or
// its client goes away), so its wait shows in the client's time to first token; its Request.Received is when
// it got its slot. Call it before the first request. MaxInFlight counts waiting requests too; MaxServing counts only those being served.
func (s *Server) LimitSlots(n int) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.slots = make(chan struct{}, n)
}

// MaxServing is the largest number of requests the server was serving (holding a slot) at once.
func (s *Server) MaxServing() int {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.maxServing
}

// acquire waits for a free slot when LimitSlots was called; false: the client went away or the test ended.
func (s *Server) acquire(r *http.Request) bool {
	s.mu.Lock()
	slots := s.slots
	s.mu.Unlock()
	if slots == nil {
		return true
	}
	select {
	case slots <- struct{}{}:
	case <-r.Context().Done():
		return false
	case <-s.done:
		return false
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	s.serving[r] = true
	s.maxServing = max(s.maxServing, len(s.serving))
	return true
}

// MaxInFlight is the largest number of requests the server was handling at once.
func (s *Server) MaxInFlight() int {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.maxInFlight
}

// InFlight is the number of requests the server is handling now.
func (s *Server) InFlight() int {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.inFlight
}

func (s *Server) enter(r *http.Request) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.handling[r] = true
	s.inFlight++
	s.maxInFlight = max(s.maxInFlight, s.inFlight)
}

// leave ends r's time in flight. The fakes call it just before a stream's last event too, since the client
// may finish (and send its next request) before the handler has returned.
func (s *Server) leave(r *http.Request) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.handling[r] {
		delete(s.handling, r)
		s.inFlight--
	}
	if s.serving[r] {
		delete(s.serving, r)
		<-s.slots
	}
}

// Requests returns the requests received so far, in order of arrival.
func (s *Server) Requests() []Request {
	s.mu.Lock()
	defer s.mu.Unlock()
	return append([]Request(nil), s.requests...)
}

func (s *Server) record(r Request) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.requests = append(s.requests, r)
}

// start runs handler on an httptest server closed when the test ends.
func start(t testing.TB, handler func(s *Server, w http.ResponseWriter, r *http.Request)) *Server {
	t.Helper()
	s := &Server{done: make(chan struct{}), handling: map[*http.Request]bool{}, serving: map[*http.Request]bool{}}
	hs := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		s.enter(r)
		defer s.leave(r)
		if !s.acquire(r) {
			return
		}
		handler(s, w, r)
	}))
	t.Cleanup(hs.Close)
	t.Cleanup(func() { close(s.done) }) // runs first: hanging handlers return, so Close does not wait on them
	s.URL = hs.URL
	return s
}

// Sequence answers the i-th request with replies[i], and every later one with the last reply.
func Sequence(replies ...Reply) func(Request) Reply {
	var mu sync.Mutex
	n := 0
	return func(Request) Reply {
		mu.Lock()
		defer mu.Unlock()
		if len(replies) == 0 {
			return Reply{}
		}
		r := replies[min(n, len(replies)-1)]
		n++
		return r
	}
}

// hang waits until the client goes away or the test ends.
func (s *Server) hang(r *http.Request) {
	select {
	case <-r.Context().Done():
	case <-s.done:
	}
}

// pause waits d, or less when the client goes away.
func (s *Server) pause(r *http.Request, d time.Duration) bool {
	if d <= 0 {
		return true
	}
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-t.C:
		return true
	case <-r.Context().Done():
		return false
	case <-s.done:
		return false
	}
}

// sse writes one server-sent event and flushes it.
func sse(w http.ResponseWriter, data string) {
	_, _ = w.Write([]byte("data: " + data + "\n\n"))
	if f, ok := w.(http.Flusher); ok {
		f.Flush()
	}
}

// cut drops the connection mid-response: the client sees the body end without its last chunk.
func cut() { panic(http.ErrAbortHandler) }

func writeJSONError(w http.ResponseWriter, status int, retryAfter string, body []byte) {
	w.Header().Set("Content-Type", "application/json")
	if retryAfter != "" {
		w.Header().Set("Retry-After", retryAfter)
	}
	w.WriteHeader(status)
	_, _ = w.Write(body)
}
