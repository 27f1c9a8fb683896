package observability

import (
	"crypto/rand"
	"encoding/hex"
	"log/slog"
	"net/http"
)

// RequestLogConfig configures RequestLog.
type RequestLogConfig struct {
	// Quiet reports the paths whose successful requests are logged at debug level (health checks, scrapes
	// and the playground's files would drown the log otherwise). nil means QuietProbes.
	Quiet func(path string) bool
}

// QuietProbes is Quiet for /healthz, /readyz and /metrics.
func QuietProbes(path string) bool {
	return path == "/healthz" || path == "/readyz" || path == "/metrics"
}

// RequestLog writes one line per request when it ends: message "request" with request_id, method, path,
// status, duration_ms, bytes, and, when known, operation and operation_type (the GraphQL operation, from
// Operations), operations (how many a websocket ran), viewer (from SetViewer) and outcome ("ok" or the
// GraphQL error code; for other requests ok, client_error or server_error by status). Server errors are
// logged at error level.
//
// It never logs the query string, headers (Authorization, Cookie), the body, GraphQL variables or
// response data, so no password or token can reach the log through it.
//
// It gives each request an id — the client's X-Request-Id when it is 1 to 64 printable ASCII characters,
// else 16 random hex digits — echoed in the X-Request-Id response header and available to handlers
// further in through RequestID.
func RequestLog(log *slog.Logger, cfg RequestLogConfig) func(http.Handler) http.Handler {
	quiet := cfg.Quiet
	if quiet == nil {
		quiet = QuietProbes
	}
	return func(next http.Handler) http.Handler {
		return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			w, r, rec := begin(w, r)
			rec.mu.Lock()
			if rec.id == "" {
				rec.id = requestID(r.Header.Get("X-Request-Id"))
			}
			id := rec.id
			rec.mu.Unlock()
			w.Header().Set("X-Request-Id", id)

			next.ServeHTTP(w, r)

			rec.finish(r)
			s := rec.snapshot()
			level := slog.LevelInfo
			switch {
			case s.status >= 500:
				level = slog.LevelError
			case s.status < 400 && quiet(r.URL.Path):
				level = slog.LevelDebug
			}
			if !log.Enabled(r.Context(), level) {
				return
			}
			attrs := []slog.Attr{
				slog.String("request_id", s.id),
				slog.String("method", r.Method),
				slog.String("path", r.URL.Path),
				slog.Int("status", s.status),
				slog.Float64("duration_ms", float64(s.duration.Microseconds())/1000),
				slog.Int64("bytes", s.bytes),
			}
			if s.operation != "" {
				attrs = append(attrs, slog.String("operation", s.operation), slog.String("operation_type", s.opType))
			}
			if s.ops > 1 {
				attrs = append(attrs, slog.Int("operations", s.ops))
			}
			if s.viewer != "" {
				attrs = append(attrs, slog.String("viewer", s.viewer))
			}
			attrs = append(attrs, slog.String("outcome", outcomeOf(s)))
			log.LogAttrs(r.Context(), level, "request", attrs...)
		})
	}
}

func outcomeOf(s snapshot) string {
	switch {
	case s.outcome != "":
		return s.outcome
	case s.status >= 500:
		return "server_error"
	case s.status >= 400:
		return "client_error"
	}
	return outcomeOK
}

// requestID keeps a well-formed id from the client or a proxy, and makes one otherwise.
func requestID(given string) string {
	if given != "" && len(given) <= 64 && printable(given) {
		return given
	}
	b := make([]byte, 8)
	_, _ = rand.Read(b)
	return hex.EncodeToString(b)
}

func printable(s string) bool {
	for _, c := range s {
		if c < 0x21 || c > 0x7e {
			return false
		}
	}
	return true
}
