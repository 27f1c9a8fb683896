// Package observability sets up logging (slog: tint with colours on a terminal, JSON lines otherwise), the
// Prometheus collectors and gqlgen extension that measure the server, and the record of each HTTP request
// (its id, the client's address, the viewer, the operation) that its log line reports and handlers read.
// It holds no request logic.
package observability

import (
	"context"
	"io"
	"log/slog"
	"os"
	"time"

	"github.com/lmittmann/tint"
)

// NewLogger returns a logger writing to w in format: "text" (tint, coloured when w is a terminal), "json",
// or "auto" (text on a terminal, JSON otherwise).
func NewLogger(w io.Writer, format string, level slog.Level) *slog.Logger {
	tty := isTerminal(w)
	if format == "auto" {
		format = "json"
		if tty {
			format = "text"
		}
	}
	if format == "text" {
		return slog.New(tint.NewHandler(w, &tint.Options{Level: level, TimeFormat: time.TimeOnly, NoColor: !tty}))
	}
	return slog.New(slog.NewJSONHandler(w, &slog.HandlerOptions{Level: level}))
}

func isTerminal(w io.Writer) bool {
	f, ok := w.(*os.File)
	if !ok {
		return false
	}
	st, err := f.Stat()
	return err == nil && st.Mode()&os.ModeCharDevice != 0
}

// Routine returns a logger for a library whose info lines are routine (River reports its job counts every
// few seconds): they are written at debug level; warnings and errors keep theirs.
func Routine(log *slog.Logger) *slog.Logger { return slog.New(routine{log.Handler()}) }

type routine struct{ slog.Handler }

func demote(l slog.Level) slog.Level {
	if l >= slog.LevelInfo && l < slog.LevelWarn {
		return slog.LevelDebug
	}
	return l
}

func (h routine) Enabled(ctx context.Context, l slog.Level) bool {
	return h.Handler.Enabled(ctx, demote(l))
}

func (h routine) Handle(ctx context.Context, r slog.Record) error {
	r.Level = demote(r.Level)
	return h.Handler.Handle(ctx, r)
}

func (h routine) WithAttrs(attrs []slog.Attr) slog.Handler {
	return routine{h.Handler.WithAttrs(attrs)}
}
func (h routine) WithGroup(name string) slog.Handler { return routine{h.Handler.WithGroup(name)} }
