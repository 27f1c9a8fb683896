// Package observability sets up logging (slog: tint with colours on a terminal, JSON lines otherwise) and
// the Prometheus collectors and gqlgen extension that measure the server. It holds no request logic.
package observability

import (
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
