package seed

import (
	"bytes"
	"log/slog"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/require"
)

// clock advances by step on every call.
func clock(step time.Duration) func() time.Time {
	t := time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)
	return func() time.Time { t = t.Add(step); return t }
}

func TestProgressOnTerminal(t *testing.T) {
	t.Parallel()
	var out bytes.Buffer
	p := newProgress(&out, true, nil, "seeding", clock(time.Second))
	p(500, 2000)
	p(2000, 2000)
	s := out.String()
	// 500 of 2000 rows is 25%: 7 of 30 bar cells (25·30/100 rounded down); 500 rows in the 1 s since the
	// start, so 1,500 rows left take 3 s.
	require.Contains(t, s, "\rseeding [#######-----------------------]  25% 500/2,000 rows 500 rows/s ETA 3s")
	require.Contains(t, s, "\rseeding [##############################] 100% 2,000/2,000 rows")
	require.True(t, strings.HasSuffix(s, "\n"), "the finished bar ends its line")
}

func TestProgressLogsWithoutTerminal(t *testing.T) {
	t.Parallel()
	var logs bytes.Buffer
	log := slog.New(slog.NewTextHandler(&logs, nil))
	p := newProgress(nil, false, log, "seeding", clock(time.Second))
	for done := 100; done < 1000; done += 100 {
		p(done, 1000) // one call per second: a line every 5 s at most
	}
	p(1000, 1000)
	lines := strings.Split(strings.TrimSpace(logs.String()), "\n")
	require.Len(t, lines, 3, "at the first call, 5 s later, and at the end: %s", logs.String())
	require.Contains(t, lines[0], "rows=100 of=1000")
	require.Contains(t, lines[1], "rows=600 of=1000")
	require.Contains(t, lines[2], "rows=1000 of=1000")
}

func TestThousands(t *testing.T) {
	t.Parallel()
	for in, want := range map[int]string{0: "0", 999: "999", 1000: "1,000", 141000: "141,000", 1234567: "1,234,567", -4200: "-4,200"} {
		require.Equal(t, want, thousands(in))
	}
}
