package seed

import (
	"fmt"
	"io"
	"log/slog"
	"os"
	"strings"
	"time"
)

// ProgressBar returns an Options.Progress func for a command line: a bar redrawn in place on f when f is a
// terminal, otherwise (a log file, CI) an info line on log every few seconds and at the end.
func ProgressBar(f *os.File, log *slog.Logger, label string) func(done, total int) {
	fi, err := f.Stat()
	terminal := err == nil && fi.Mode()&os.ModeCharDevice != 0
	return newProgress(f, terminal, log, label, time.Now)
}

const (
	barWidth    = 30
	redrawEvery = 100 * time.Millisecond
	logEvery    = 5 * time.Second
)

func newProgress(w io.Writer, terminal bool, log *slog.Logger, label string, now func() time.Time) func(done, total int) {
	start := now()
	var last time.Time
	return func(done, total int) {
		t := now()
		finished := done >= total
		every := logEvery
		if terminal {
			every = redrawEvery
		}
		if !finished && t.Sub(last) < every {
			return
		}
		last = t
		elapsed := t.Sub(start)
		rate := 0.0
		if s := elapsed.Seconds(); s > 0 {
			rate = float64(done) / s
		}
		if !terminal {
			log.Info(label, "rows", done, "of", total, "rows_per_sec", int(rate), "elapsed", elapsed.Round(time.Second).String())
			return
		}
		fmt.Fprintf(w, "\r%s %s %3d%% %s/%s rows %s rows/s %s", label, bar(done, total), percent(done, total),
			thousands(done), thousands(total), thousands(int(rate)), eta(done, total, rate, elapsed))
		if finished {
			fmt.Fprintln(w)
		}
	}
}

func percent(done, total int) int {
	if total <= 0 {
		return 100
	}
	return min(100, done*100/total)
}

func bar(done, total int) string {
	n := percent(done, total) * barWidth / 100
	return "[" + strings.Repeat("#", n) + strings.Repeat("-", barWidth-n) + "]"
}

func eta(done, total int, rate float64, elapsed time.Duration) string {
	if done >= total {
		return "in " + elapsed.Round(100*time.Millisecond).String() + "   "
	}
	if rate <= 0 {
		return "ETA ?   "
	}
	return "ETA " + time.Duration(float64(total-done)/rate*float64(time.Second)).Round(time.Second).String() + "   "
}

// thousands writes n with comma separators: 141000 → "141,000".
func thousands(n int) string {
	s := fmt.Sprint(n)
	if n < 0 {
		return "-" + thousands(-n)
	}
	for i := len(s) - 3; i > 0; i -= 3 {
		s = s[:i] + "," + s[i:]
	}
	return s
}
