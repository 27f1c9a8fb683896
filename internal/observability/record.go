package observability

import (
	"bufio"
	"context"
	"net"
	"net/http"
	"strings"
	"sync"
	"time"
)

// record is what one HTTP request's log line and metrics report, and the facts about the request that
// handlers further in need (its id, the client's address). The outermost of RequestLog and
// Metrics.InstrumentHTTP puts it in the request's context; handlers further in fill it (the client's
// address, the viewer, the GraphQL operation) through the functions of this package, and it is read once
// the request ends.
type record struct {
	mu         sync.Mutex
	id         string
	clientAddr string
	start      time.Time
	status     int
	bytes      int64
	upgraded   bool
	route      string
	viewer     string
	operation  string
	opType     string
	outcome    string
	ops        int
}

type recordKey struct{}

func recordFrom(ctx context.Context) *record {
	r, _ := ctx.Value(recordKey{}).(*record)
	return r
}

// RequestID returns the id RequestLog gave the request in ctx, or "" outside RequestLog.
func RequestID(ctx context.Context) string {
	r := recordFrom(ctx)
	if r == nil {
		return ""
	}
	r.mu.Lock()
	defer r.mu.Unlock()
	return r.id
}

// SetClientAddr records the client's IP address as the server determined it (from X-Forwarded-For only
// behind a trusted proxy), for the code that rate-limits by address (ClientAddr).
func SetClientAddr(ctx context.Context, addr string) {
	if r := recordFrom(ctx); r != nil {
		r.mu.Lock()
		r.clientAddr = addr
		r.mu.Unlock()
	}
}

// ClientAddr returns the address SetClientAddr recorded for the request in ctx, or "" when none was.
func ClientAddr(ctx context.Context) string {
	r := recordFrom(ctx)
	if r == nil {
		return ""
	}
	r.mu.Lock()
	defer r.mu.Unlock()
	return r.clientAddr
}

// SetViewer records who is calling (a user id), for the request's log line. The server calls it once it
// has read the bearer token.
func SetViewer(ctx context.Context, id string) {
	if r := recordFrom(ctx); r != nil {
		r.mu.Lock()
		r.viewer = id
		r.mu.Unlock()
	}
}

// setOperation records a GraphQL operation run by the request; a websocket runs many, of which the
// first is named and all are counted.
func setOperation(ctx context.Context, name, typ string) {
	if r := recordFrom(ctx); r != nil {
		r.mu.Lock()
		if r.ops == 0 {
			r.operation, r.opType = name, typ
		}
		r.ops++
		r.mu.Unlock()
	}
}

// setOutcome records how the request's GraphQL operation ended: "ok" or an error code. The first
// failure sticks, so that a websocket's line shows one if any operation failed.
func setOutcome(ctx context.Context, outcome string) {
	if r := recordFrom(ctx); r != nil {
		r.mu.Lock()
		if r.outcome == "" || r.outcome == outcomeOK {
			r.outcome = outcome
		}
		r.mu.Unlock()
	}
}

// begin returns the request's record, making one (with a writer that records the status) when the
// request has none yet. A middleware further in gets the same record and the same request, so the route
// a ServeMux sets on it is seen by every layer.
func begin(w http.ResponseWriter, r *http.Request) (http.ResponseWriter, *http.Request, *record) {
	if rec := recordFrom(r.Context()); rec != nil {
		return w, r, rec
	}
	rec := &record{start: time.Now()}
	return &statusWriter{ResponseWriter: w, rec: rec}, r.WithContext(context.WithValue(r.Context(), recordKey{}, rec)), rec
}

// finish notes the route the mux chose for r.
func (rec *record) finish(r *http.Request) {
	rec.mu.Lock()
	defer rec.mu.Unlock()
	if rec.route == "" && r.Pattern != "" {
		rec.route = routeLabel(r.Pattern)
	}
}

// routeLabel is the route label of a ServeMux pattern: its path alone, whether or not the pattern names a
// method (the method has a label of its own), and "/" for the root-only "/{$}": "GET /healthz" → "/healthz".
func routeLabel(pattern string) string {
	if _, path, ok := strings.Cut(pattern, " "); ok {
		pattern = strings.TrimSpace(path)
	}
	return strings.TrimSuffix(pattern, "{$}")
}

type snapshot struct {
	id, route, viewer, operation, opType, outcome string
	status, ops                                   int
	bytes                                         int64
	upgraded                                      bool
	duration                                      time.Duration
}

func (rec *record) snapshot() snapshot {
	rec.mu.Lock()
	defer rec.mu.Unlock()
	s := snapshot{
		id: rec.id, route: rec.route, viewer: rec.viewer, operation: rec.operation, opType: rec.opType,
		outcome: rec.outcome, status: rec.status, ops: rec.ops, bytes: rec.bytes, upgraded: rec.upgraded,
		duration: time.Since(rec.start),
	}
	if s.status == 0 {
		s.status = http.StatusOK
	}
	if s.route == "" {
		s.route = "unmatched"
	}
	return s
}

// statusWriter records the status and size of a response. It keeps the writer's optional abilities:
// Flush (server-sent events) and Hijack (websockets), and Unwrap for http.ResponseController.
type statusWriter struct {
	http.ResponseWriter
	rec *record
}

func (w *statusWriter) WriteHeader(code int) {
	w.rec.mu.Lock()
	if w.rec.status == 0 && (code >= 200 || code == http.StatusSwitchingProtocols) {
		w.rec.status = code
	}
	w.rec.mu.Unlock()
	w.ResponseWriter.WriteHeader(code)
}

func (w *statusWriter) Write(b []byte) (int, error) {
	n, err := w.ResponseWriter.Write(b)
	w.rec.mu.Lock()
	if w.rec.status == 0 {
		w.rec.status = http.StatusOK
	}
	w.rec.bytes += int64(n)
	w.rec.mu.Unlock()
	return n, err
}

func (w *statusWriter) Flush() { _ = http.NewResponseController(w.ResponseWriter).Flush() }

func (w *statusWriter) Hijack() (net.Conn, *bufio.ReadWriter, error) {
	conn, rw, err := http.NewResponseController(w.ResponseWriter).Hijack()
	if err == nil {
		w.rec.mu.Lock()
		w.rec.upgraded = true
		w.rec.status = http.StatusSwitchingProtocols
		w.rec.mu.Unlock()
	}
	return conn, rw, err
}

func (w *statusWriter) Unwrap() http.ResponseWriter { return w.ResponseWriter }
