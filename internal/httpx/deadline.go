package httpx

import (
	"context"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"os"
	"sync"
	"sync/atomic"
	"time"
)

// CodeRequestTimeout is the code of the 408 BodyDeadline answers when a request body arrives too slowly.
const CodeRequestTimeout = "REQUEST_TIMEOUT"

// Deadlines are the per-request deadlines of the server a handler runs in. The code that builds the
// http.Server (internal/app) puts them in every request's context with WithDeadlines
// (http.Server.BaseContext); BodyDeadline reads them there, so that the handler applies the deadlines
// of whichever server serves it, and none under a server without them (httptest in tests).
type Deadlines struct {
	// Body is how long a request's body may take to arrive, from the moment the handler starts
	// (HTTP_BODY_TIMEOUT). 0: no deadline.
	Body time.Duration
	// OnBodyTimeout, when set, is called once for each request whose body missed the deadline (count it,
	// log it at a bounded rate).
	OnBodyTimeout func(r *http.Request)
}

type deadlinesKey struct{}

// WithDeadlines returns ctx carrying d.
func WithDeadlines(ctx context.Context, d Deadlines) context.Context {
	return context.WithValue(ctx, deadlinesKey{}, d)
}

// BodyDeadline bounds how long a request's body may take to arrive (Deadlines.Body, from the request's
// context): when the handler starts it sets the connection's read deadline, and clears it once the body
// has been read to its end. Clearing it matters: once the body is read net/http keeps a read pending to
// notice the client going away, and that read hitting the deadline would cancel the request's context,
// ending a long response such as a subscription over server-sent events. (net/http 1.26 clears the
// deadline itself when it starts that read; this does not rely on it.) A body the handler never reads to
// its end keeps the deadline, which is harmless: net/http starts no such read then.
//
// A request whose body misses the deadline is answered 408 REQUEST_TIMEOUT with Connection: close,
// whatever the handler makes of the failed read; the connection is then closed. Requests without a body
// and websocket upgrades (their connection is handed over to the websocket) get no deadline.
func BodyDeadline(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		d, _ := r.Context().Value(deadlinesKey{}).(Deadlines)
		if d.Body <= 0 || r.Body == nil || r.Body == http.NoBody || r.Header.Get("Upgrade") != "" {
			next.ServeHTTP(w, r)
			return
		}
		rc := http.NewResponseController(w)
		if rc.SetReadDeadline(time.Now().Add(d.Body)) != nil {
			next.ServeHTTP(w, r) // the writer cannot set deadlines (not net/http's): nothing to bound
			return
		}
		b := &deadlineBody{ReadCloser: r.Body, rc: rc}
		tw := &bodyTimeoutWriter{ResponseWriter: w, r: r, body: b, limit: d.Body}
		b.onTimeout = func() {
			if d.OnBodyTimeout != nil {
				d.OnBodyTimeout(r)
			}
		}
		r.Body = b
		next.ServeHTTP(tw, r)
		tw.finish()
	})
}

// deadlineBody clears the read deadline at the end of the body and notes a read that hit it.
type deadlineBody struct {
	io.ReadCloser
	rc        *http.ResponseController
	onTimeout func()
	done      atomic.Bool // the end was reached and the deadline cleared
	timedOut  atomic.Bool
}

func (b *deadlineBody) Read(p []byte) (int, error) {
	n, err := b.ReadCloser.Read(p)
	switch {
	case err == nil:
	case errors.Is(err, io.EOF):
		if b.done.CompareAndSwap(false, true) {
			_ = b.rc.SetReadDeadline(time.Time{})
		}
	case isTimeout(err):
		if b.timedOut.CompareAndSwap(false, true) {
			b.onTimeout()
		}
	}
	return n, err
}

func isTimeout(err error) bool {
	var ne net.Error
	return errors.Is(err, os.ErrDeadlineExceeded) || (errors.As(err, &ne) && ne.Timeout())
}

// bodyTimeoutWriter answers 408 in place of the handler's response once the body has timed out. It keeps
// Flush (server-sent events) and Unwrap (http.ResponseController).
type bodyTimeoutWriter struct {
	http.ResponseWriter
	r     *http.Request
	body  *deadlineBody
	limit time.Duration

	mu       sync.Mutex
	started  bool // the response's status has been decided
	replaced bool // and it is the 408
}

// begin decides the status on the first WriteHeader, Write or Flush: the 408 if the body has timed out.
func (w *bodyTimeoutWriter) begin() (replaced, first bool) {
	w.mu.Lock()
	defer w.mu.Unlock()
	if w.started {
		return w.replaced, false
	}
	w.started = true
	w.replaced = w.body.timedOut.Load()
	if w.replaced {
		h := w.ResponseWriter.Header()
		for _, k := range []string{"Content-Length", "Content-Encoding", "Cache-Control", "Allow"} {
			h.Del(k)
		}
		h.Set("Connection", "close")
		WriteError(w.ResponseWriter, w.r, http.StatusRequestTimeout, CodeRequestTimeout,
			fmt.Sprintf("the request body did not arrive within %s: send it in one go", w.limit))
	}
	return w.replaced, true
}

func (w *bodyTimeoutWriter) WriteHeader(code int) {
	if code < 200 && code != http.StatusSwitchingProtocols {
		w.ResponseWriter.WriteHeader(code) // 1xx: informational, the status is still to come
		return
	}
	if replaced, _ := w.begin(); !replaced {
		w.ResponseWriter.WriteHeader(code)
	}
}

func (w *bodyTimeoutWriter) Write(p []byte) (int, error) {
	if replaced, _ := w.begin(); replaced {
		return len(p), nil
	}
	return w.ResponseWriter.Write(p)
}

func (w *bodyTimeoutWriter) Flush() {
	w.begin()
	_ = http.NewResponseController(w.ResponseWriter).Flush()
}

func (w *bodyTimeoutWriter) Unwrap() http.ResponseWriter { return w.ResponseWriter }

// finish answers 408 when the body timed out and the handler wrote nothing.
func (w *bodyTimeoutWriter) finish() {
	if w.body.timedOut.Load() {
		w.begin()
	}
}

// StreamWriter returns w extending the connection's write deadline by the server's WriteTimeout
// (HTTP_WRITE_TIMEOUT) before each write and flush, for a response that streams for longer than
// WriteTimeout (a subscription over server-sent events): each write then gets WriteTimeout to reach the
// client, instead of the whole response. It returns w itself when r's server has no WriteTimeout.
func StreamWriter(w http.ResponseWriter, r *http.Request) http.ResponseWriter {
	srv, _ := r.Context().Value(http.ServerContextKey).(*http.Server)
	if srv == nil || srv.WriteTimeout <= 0 {
		return w
	}
	return &streamWriter{ResponseWriter: w, rc: http.NewResponseController(w), timeout: srv.WriteTimeout}
}

type streamWriter struct {
	http.ResponseWriter
	rc      *http.ResponseController
	timeout time.Duration
}

func (w *streamWriter) extend() { _ = w.rc.SetWriteDeadline(time.Now().Add(w.timeout)) }

func (w *streamWriter) WriteHeader(code int) {
	w.extend()
	w.ResponseWriter.WriteHeader(code)
}

func (w *streamWriter) Write(p []byte) (int, error) {
	w.extend()
	return w.ResponseWriter.Write(p)
}

func (w *streamWriter) Flush() {
	w.extend()
	_ = w.rc.Flush()
}

func (w *streamWriter) Unwrap() http.ResponseWriter { return w.ResponseWriter }
