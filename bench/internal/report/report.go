// Package report gathers one benchmark run's figures (load generator, fan-out and queueing JSON files, `go test
// -bench` output, the machine) into a single JSON document and a Markdown summary that quotes each figure
// as median [min–max] with the command that produced it, and checks them against the targets of
// bench/README.md. It measures nothing itself.
package report

import (
	"bufio"
	"encoding/json"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"strings"

	"github.com/modelarchitect/architect/bench/internal/fanout"
	"github.com/modelarchitect/architect/bench/internal/loadgen"
	"github.com/modelarchitect/architect/bench/internal/queuecheck"
	"github.com/modelarchitect/architect/bench/internal/stats"
)

// Load is one loadgen output file (bench/cmd/loadgen).
type Load struct {
	Tool        string          `json:"tool"`
	Label       string          `json:"label"` // target/query/cN, e.g. architect/dashboard/c16
	Command     string          `json:"command"`
	URL         string          `json:"url"`
	Connections int             `json:"connections"`
	Duration    string          `json:"duration"`
	Warmup      string          `json:"warmup"`
	Runs        int             `json:"runs"`
	Mix         string          `json:"mix"`
	Viewers     int             `json:"viewers"`
	Rate        float64         `json:"rate,omitempty"` // requests due per second (loadgen -rate, open loop); 0: closed loop
	Result      *loadgen.Result `json:"result"`
	// TransactionsPerRequest: PostgreSQL transactions per request, when loadgen counted them.
	TransactionsPerRequest *float64 `json:"transactionsPerRequest,omitempty"`
}

// Fanout is one fanout output file (bench/cmd/fanout).
type Fanout struct {
	Tool    string         `json:"tool"`
	Label   string         `json:"label"`
	Command string         `json:"command"`
	Users   int            `json:"users"`
	Clients int            `json:"clientsPerUser"`
	Result  *fanout.Result `json:"result"`
}

// GoBench is one line of `go test -bench` output.
type GoBench struct {
	Package     string  `json:"package"`
	Name        string  `json:"name"`
	Iterations  int64   `json:"iterations"`
	NsPerOp     float64 `json:"nsPerOp"`
	BytesPerOp  float64 `json:"bytesPerOp,omitempty"`
	AllocsPerOp float64 `json:"allocsPerOp,omitempty"`
	// Extra holds custom metrics (b.ReportMetric), e.g. "statements/op".
	Extra map[string]float64 `json:"extra,omitempty"`
}

// Comparison pairs the architect server with PostGraphile on one query at one connection count.
type Comparison struct {
	Query           string       `json:"query"`
	Connections     int          `json:"connections"`
	Architect       stats.Spread `json:"architectRps"`
	PostGraphile    stats.Spread `json:"postgraphileRps"`
	Ratio           float64      `json:"ratio"` // median / median
	ArchitectP99    float64      `json:"architectP99Ms"`
	PostGraphileP99 float64      `json:"postgraphileP99Ms"`
	// Database transactions per request (loadgen -count-transactions), when counted.
	ArchitectTx    *float64 `json:"architectTransactionsPerRequest,omitempty"`
	PostGraphileTx *float64 `json:"postgraphileTransactionsPerRequest,omitempty"`
	// DatabaseAlone is pgbench's rate for the architect server's compiled statement of the query at the same
	// connection count (0: not measured); the shares are each server's median req/s over it.
	DatabaseAlone     float64 `json:"databaseAloneTps,omitempty"`
	ArchitectShare    float64 `json:"architectShare,omitempty"`
	PostGraphileShare float64 `json:"postgraphileShare,omitempty"`
}

// PgBench is one pgbench run of a query's compiled statement (bench/run writes it).
type PgBench struct {
	Tool        string  `json:"tool"` // "pgbench"
	Query       string  `json:"query"`
	Connections int     `json:"connections"`
	TPS         float64 `json:"tps"`
	Command     string  `json:"command"`
}

// Check is one of the targets (bench/README.md, "Targets") and whether this run met it.
type Check struct {
	Target string `json:"target"`
	Actual string `json:"actual"`
	Met    bool   `json:"met"`
}

// Report is everything one `make bench` run measured.
type Report struct {
	Date        string             `json:"date"`
	Commit      string             `json:"commit"`
	Machine     map[string]string  `json:"machine"`
	Loads       []Load             `json:"loads"`
	Fanouts     []Fanout           `json:"fanouts"`
	Queueing    *queuecheck.Result `json:"queueing,omitempty"` // the M/M/c check of the load-test engine
	GoBench     []GoBench          `json:"goBench"`
	PgBench     []PgBench          `json:"pgbench,omitempty"`
	Comparisons []Comparison       `json:"comparisons"`
	SameLoad    []SameLoad         `json:"sameLoad,omitempty"` // both servers at one offered rate (open loop)
	Checks      []Check            `json:"checks"`
	Notes       []string           `json:"notes,omitempty"` // steps skipped or failed
}

// Gather reads every *.json file in dir that a bench tool wrote, and gobench.txt when present.
func Gather(dir string) (*Report, error) {
	r := &Report{Machine: map[string]string{}}
	files, err := filepath.Glob(filepath.Join(dir, "*.json"))
	if err != nil {
		return nil, err
	}
	slices.Sort(files)
	for _, f := range files {
		b, err := os.ReadFile(f)
		if err != nil {
			return nil, err
		}
		var head struct{ Tool string }
		if json.Unmarshal(b, &head) != nil {
			continue
		}
		switch head.Tool {
		case "loadgen":
			var l Load
			if err := json.Unmarshal(b, &l); err != nil {
				return nil, fmt.Errorf("%s: %w", f, err)
			}
			r.Loads = append(r.Loads, l)
		case "fanout":
			var o Fanout
			if err := json.Unmarshal(b, &o); err != nil {
				return nil, fmt.Errorf("%s: %w", f, err)
			}
			r.Fanouts = append(r.Fanouts, o)
		case "pgbench":
			var p PgBench
			if err := json.Unmarshal(b, &p); err != nil {
				return nil, fmt.Errorf("%s: %w", f, err)
			}
			r.PgBench = append(r.PgBench, p)
		case "queueing":
			var q queuecheck.Result
			if err := json.Unmarshal(b, &q); err != nil {
				return nil, fmt.Errorf("%s: %w", f, err)
			}
			r.Queueing = &q
		}
	}
	if f, err := os.Open(filepath.Join(dir, "gobench.txt")); err == nil {
		r.GoBench, err = ParseGoBench(f)
		f.Close()
		if err != nil {
			return nil, err
		}
	}
	r.Comparisons = compare(r.Loads, r.PgBench)
	r.SameLoad = sameLoad(r.Loads)
	r.Checks = check(r)
	return r, nil
}

// ParseGoBench reads `go test -bench` output: "pkg:" lines and Benchmark result lines.
func ParseGoBench(rd io.Reader) ([]GoBench, error) {
	var out []GoBench
	pkg := ""
	sc := bufio.NewScanner(rd)
	for sc.Scan() {
		line := sc.Text()
		if p, ok := strings.CutPrefix(line, "pkg: "); ok {
			pkg = strings.TrimSpace(p)
			continue
		}
		f := strings.Fields(line)
		if len(f) < 4 || !strings.HasPrefix(f[0], "Benchmark") {
			continue
		}
		n, err := strconv.ParseInt(f[1], 10, 64)
		if err != nil {
			continue
		}
		b := GoBench{Package: pkg, Name: f[0], Iterations: n}
		for i := 2; i+1 < len(f); i += 2 {
			v, err := strconv.ParseFloat(f[i], 64)
			if err != nil {
				break
			}
			switch unit := f[i+1]; unit {
			case "ns/op":
				b.NsPerOp = v
			case "B/op":
				b.BytesPerOp = v
			case "allocs/op":
				b.AllocsPerOp = v
			default:
				if b.Extra == nil {
					b.Extra = map[string]float64{}
				}
				b.Extra[unit] = v
			}
		}
		out = append(out, b)
	}
	return out, sc.Err()
}

// labelParts splits "target/query/cN".
func labelParts(label string) (target, query string) {
	p := strings.Split(label, "/")
	if len(p) < 2 {
		return label, ""
	}
	return p[0], p[1]
}

func compare(loads []Load, pgbench []PgBench) []Comparison {
	var out []Comparison
	for _, a := range loads {
		target, query := labelParts(a.Label)
		if target != "architect" || a.Result == nil || a.Rate > 0 {
			continue
		}
		for _, p := range loads {
			t, q := labelParts(p.Label)
			if t != "postgraphile" || q != query || p.Connections != a.Connections || p.Result == nil || p.Rate > 0 {
				continue
			}
			c := Comparison{Query: query, Connections: a.Connections,
				Architect: a.Result.Summary.RPS, PostGraphile: p.Result.Summary.RPS,
				ArchitectP99: a.Result.Summary.P99.Median, PostGraphileP99: p.Result.Summary.P99.Median}
			if c.PostGraphile.Median > 0 {
				c.Ratio = c.Architect.Median / c.PostGraphile.Median
			}
			c.ArchitectTx, c.PostGraphileTx = a.TransactionsPerRequest, p.TransactionsPerRequest
			for _, pb := range pgbench {
				if pb.Query == query && pb.Connections == a.Connections && pb.TPS > 0 {
					c.DatabaseAlone = pb.TPS
					c.ArchitectShare, c.PostGraphileShare = c.Architect.Median/pb.TPS, c.PostGraphile.Median/pb.TPS
				}
			}
			out = append(out, c)
		}
	}
	return out
}

// SameLoad is one query sent to both servers at the same offered rate (open loop), where latency compares
// like for like: in a closed loop the faster server is sent more requests.
type SameLoad struct {
	Query        string  `json:"query"`
	Rate         float64 `json:"rate"`
	Connections  int     `json:"connections"`
	Architect    Summary `json:"architect"`
	PostGraphile Summary `json:"postgraphile"`
}

// Summary is the median of a load's runs: achieved requests/s and latency percentiles.
type Summary struct {
	RPS float64 `json:"rps"`
	P50 float64 `json:"p50Ms"`
	P95 float64 `json:"p95Ms"`
	P99 float64 `json:"p99Ms"`
}

func sameLoad(loads []Load) []SameLoad {
	var out []SameLoad
	for _, a := range loads {
		target, query := labelParts(a.Label)
		if target != "architect" || a.Result == nil || a.Rate <= 0 {
			continue
		}
		for _, p := range loads {
			t, q := labelParts(p.Label)
			if t != "postgraphile" || q != query || p.Rate != a.Rate || p.Connections != a.Connections || p.Result == nil {
				continue
			}
			sum := func(s loadgen.Summary) Summary {
				return Summary{RPS: s.RPS.Median, P50: s.P50.Median, P95: s.P95.Median, P99: s.P99.Median}
			}
			out = append(out, SameLoad{Query: query, Rate: a.Rate, Connections: a.Connections,
				Architect: sum(a.Result.Summary), PostGraphile: sum(p.Result.Summary)})
		}
	}
	return out
}

// check compares the run with the targets of bench/README.md.
func check(r *Report) []Check {
	var out []Check
	for _, c := range r.Comparisons {
		if c.Connections == 16 && (c.Query == "dashboard" || c.Query == "list") {
			out = append(out,
				Check{Target: c.Query + " at 16 connections: ≥ 2× PostGraphile's requests/s",
					Actual: fmt.Sprintf("%.2f× (%.0f vs %.0f req/s)", c.Ratio, c.Architect.Median, c.PostGraphile.Median), Met: c.Ratio >= 2})
		}
		if c.Connections == 16 && c.Query == "dashboard" {
			out = append(out, Check{Target: "dashboard at 16 connections: p99 below PostGraphile's",
				Actual: fmt.Sprintf("%.1f ms vs %.1f ms", c.ArchitectP99, c.PostGraphileP99),
				Met:    c.ArchitectP99 > 0 && c.ArchitectP99 < c.PostGraphileP99})
			if c.DatabaseAlone > 0 {
				out = append(out, Check{Target: "dashboard at 16 connections: ≥ 35 % of the database-alone rate (pgbench of the compiled statement)",
					Actual: fmt.Sprintf("%.0f %% (%.0f of %.0f/s)", 100*c.ArchitectShare, c.Architect.Median, c.DatabaseAlone), Met: c.ArchitectShare >= 0.35})
			}
		}
		if c.Connections == 16 && c.ArchitectTx != nil && (c.Query == "dashboard" || c.Query == "list") {
			out = append(out, Check{Target: "1 SQL statement per " + c.Query + " request",
				Actual: fmt.Sprintf("%.2f database transactions per request", *c.ArchitectTx), Met: *c.ArchitectTx < 1.05})
		}
	}
	for _, f := range r.Fanouts {
		res := f.Result
		if res == nil {
			continue
		}
		out = append(out,
			Check{Target: "10,000 concurrent subscribers", Actual: fmt.Sprintf("%d of %d connected", res.Connected, res.Target),
				Met: res.Connected >= 10_000},
			Check{Target: "≤ 30 KiB server memory per idle connection", Actual: fmt.Sprintf("%.1f KiB", res.PerConnectionKiB),
				Met: res.ServerRSSAfterKiB > 0 && res.PerConnectionKiB <= 30},
		)
		lat, what := res.CommitToReceipt, "commit"
		if lat.Count == 0 {
			lat, what = res.TriggerToReceipt, "trigger"
		}
		out = append(out, Check{Target: "commit-to-receipt p99 < 100 ms",
			Actual: fmt.Sprintf("%.1f ms (from %s; %d of %d events received)", lat.P99, what, res.Received, res.Expected),
			Met:    lat.Count > 0 && res.Received == res.Expected && lat.P99 < 100})
	}
	return out
}
