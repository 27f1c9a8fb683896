package cli

import (
	"fmt"
	"io"
	"strings"

	"github.com/modelarchitect/architect/internal/loadtest"
)

const barWidth = 24

// progress prints the engine's snapshots (at most one a second, plus one at each step's end): on a terminal a
// line redrawn in place, elsewhere (CI logs) one line per snapshot.
type progress struct {
	w        io.Writer
	terminal bool
	steps    int
	duration float64
}

func newProgress(w io.Writer, terminal bool, p loadtest.Plan) *progress {
	return &progress{w: w, terminal: terminal, steps: p.StepCount(), duration: p.DurationSeconds}
}

func (p *progress) show(r loadtest.Result) {
	if len(r.Steps) == 0 {
		return
	}
	s := r.Steps[len(r.Steps)-1]
	frac := 1.0
	if s.InProgress && p.duration > 0 {
		frac = min(s.DurationSeconds/p.duration, 1)
	}
	line := fmt.Sprintf("step %d/%d %s %s %.1f/%.1fs sent %d ok %d failed %d  TTFT p99 %.0f ms  TPOT p99 %.1f ms",
		len(r.Steps), p.steps, stepLoad(s), bar(frac), s.DurationSeconds, p.duration, s.Sent, s.Completed, s.Failed,
		s.TTFT.P99Ms, s.TPOT.P99Ms)
	switch {
	case !p.terminal:
		fmt.Fprintln(p.w, line)
	case s.InProgress:
		fmt.Fprint(p.w, "\r\033[K"+line)
	default:
		fmt.Fprintln(p.w, "\r\033[K"+line)
	}
}

func bar(frac float64) string {
	n := int(frac * barWidth)
	return "[" + strings.Repeat("#", n) + strings.Repeat("-", barWidth-n) + "]"
}
