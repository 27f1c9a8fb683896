package report

import (
	"bytes"
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/modelarchitect/architect/bench/internal/fanout"
	"github.com/modelarchitect/architect/bench/internal/loadgen"
	"github.com/modelarchitect/architect/bench/internal/queuecheck"
	"github.com/modelarchitect/architect/bench/internal/stats"
)

const goBenchOutput = `goos: linux
pkg: github.com/modelarchitect/architect/internal/server
cpu: AMD EPYC
BenchmarkDashboard-2   	    1200	    956789 ns/op	         6.000 statements/op	  123456 B/op	    1234 allocs/op
BenchmarkNode-2        	    5000	    201000 ns/op
PASS
ok  	github.com/modelarchitect/architect/internal/server	3.1s
`

func TestParseGoBench(t *testing.T) {
	t.Parallel()
	got, err := ParseGoBench(strings.NewReader(goBenchOutput))
	require.NoError(t, err)
	require.Equal(t, []GoBench{
		{Package: "github.com/modelarchitect/architect/internal/server", Name: "BenchmarkDashboard-2", Iterations: 1200,
			NsPerOp: 956789, BytesPerOp: 123456, AllocsPerOp: 1234, Extra: map[string]float64{"statements/op": 6}},
		{Package: "github.com/modelarchitect/architect/internal/server", Name: "BenchmarkNode-2", Iterations: 5000, NsPerOp: 201000},
	}, got)
}

func writeJSON(t *testing.T, dir, name string, v any) {
	t.Helper()
	b, err := json.Marshal(v)
	require.NoError(t, err)
	require.NoError(t, os.WriteFile(filepath.Join(dir, name), b, 0o600))
}

func load(label string, conns int, rps, p99 float64) Load {
	return Load{Tool: "loadgen", Label: label, Connections: conns, Command: "loadgen -label " + label, Runs: 3, Duration: "15s",
		Result: &loadgen.Result{Summary: loadgen.Summary{RPS: stats.Spread{Median: rps, Min: rps - 10, Max: rps + 10},
			P99: stats.Spread{Median: p99, Min: p99, Max: p99}}}}
}

func TestGatherComparesAndChecks(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	one, three := 1.0, 3.02
	a := load("architect/dashboard/c16", 16, 1200, 40)
	a.TransactionsPerRequest = &one
	writeJSON(t, dir, "a.json", a)
	b := load("postgraphile/dashboard/c16", 16, 750, 55)
	b.TransactionsPerRequest = &three
	writeJSON(t, dir, "b.json", b)
	writeJSON(t, dir, "p.json", PgBench{Tool: "pgbench", Query: "dashboard", Connections: 16, TPS: 4000, Command: "pgbench -c 16"})
	writeJSON(t, dir, "c.json", load("architect/dashboard/c64", 64, 1300, 120))
	writeJSON(t, dir, "d.json", load("architect/mix/c16", 16, 1500, 30))
	writeJSON(t, dir, "f.json", Fanout{Tool: "fanout", Label: "architect/fanout/1000x10", Users: 1000, Clients: 10,
		Result: &fanout.Result{Target: 10000, Connected: 9800, Expected: 9800, Received: 9800,
			ServerRSSBeforeKiB: 20000, ServerRSSAfterKiB: 300000, PerConnectionKiB: 28.6,
			CommitToReceipt: stats.Latency{Count: 9800, P50: 40, P99: 210}}})
	ra, rb := load("architect/dashboard/r600", 16, 598, 12), load("postgraphile/dashboard/r600", 16, 590, 31)
	ra.Rate, rb.Rate = 600, 600
	writeJSON(t, dir, "ra.json", ra)
	writeJSON(t, dir, "rb.json", rb)
	writeJSON(t, dir, "other.json", map[string]string{"tool": "something else"})
	writeJSON(t, dir, "queueing.json", queuecheck.Result{Tool: "queueing", Slots: 4, MeanService: "50ms", Capacity: 80,
		Command: "queueing -slots 4", Rows: []queuecheck.Row{{Load: 0.5, Rate: 40, Sent: 1800,
			Predicted: queuecheck.Figures{MeanWaitMs: 4.3}, Measured: queuecheck.Figures{MeanWaitMs: 4.1}}}})
	require.NoError(t, os.WriteFile(filepath.Join(dir, "gobench.txt"), []byte(goBenchOutput), 0o600))

	r, err := Gather(dir)
	require.NoError(t, err)
	require.Len(t, r.Loads, 6)
	require.Len(t, r.Fanouts, 1)
	require.Len(t, r.GoBench, 2)
	require.NotNil(t, r.Queueing)
	require.Len(t, r.Comparisons, 1, "only the dashboard at 16 connections has both servers in a closed loop")
	require.Equal(t, []SameLoad{{Query: "dashboard", Rate: 600, Connections: 16, Architect: Summary{RPS: 598, P99: 12},
		PostGraphile: Summary{RPS: 590, P99: 31}}}, r.SameLoad, "the open-loop pair at the same rate, apart")
	c := r.Comparisons[0]
	require.InDelta(t, 1.6, c.Ratio, 1e-9)          // 1200 / 750
	require.InDelta(t, 0.3, c.ArchitectShare, 1e-9) // 1200 / 4000
	met := map[string]bool{}
	for _, ch := range r.Checks {
		met[ch.Target] = ch.Met
	}
	require.Equal(t, map[string]bool{
		"dashboard at 16 connections: ≥ 2× PostGraphile's requests/s":                                        false, // 1.6×
		"dashboard at 16 connections: p99 below PostGraphile's":                                              true,
		"dashboard at 16 connections: ≥ 35 % of the database-alone rate (pgbench of the compiled statement)": false, // 30 %
		"1 SQL statement per dashboard request":                                                              true,
		"10,000 concurrent subscribers":                                                                      false, // 9,800 reached
		"≤ 30 KiB server memory per idle connection":                                                         true,
		"commit-to-receipt p99 < 100 ms":                                                                     false, // 210 ms
	}, met)

	r.Date, r.Commit, r.Machine = "2026-03-02", "abc1234", map[string]string{"cpus": "2"}
	var md bytes.Buffer
	require.NoError(t, r.Markdown(&md))
	s := md.String()
	require.Contains(t, s, "# Benchmark 2026-03-02, commit abc1234")
	require.Contains(t, s, "| dashboard | 16 | 1200 [1190–1210] | 750 [740–760] | 1.60× | 40.0 | 55.0 | 1.00 | 3.02 | 4000 | 30 % | 19 % |")
	require.Contains(t, s, "9800 of 10000 (1000 users × 10 clients)")
	require.Contains(t, s, "loadgen -label architect/mix/c16")
	require.Contains(t, s, "| BenchmarkDashboard-2 | 956789 |")
	require.Contains(t, s, "## Load-test engine against the queueing model (M/M/c)")
	require.Contains(t, s, "| 0.50 | 40.0 | 1800 |")
	require.Contains(t, s, "4.3 (0.0) / 4.1")
}
