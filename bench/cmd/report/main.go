// Command report gathers the figures of one `make bench` run (the JSON files of loadgen and fanout and
// gobench.txt in -dir) into bench/results/<date>-<commit>.json and a Markdown summary beside it.
package main

import (
	"bytes"
	"encoding/json"
	"flag"
	"fmt"
	"os"
	"path/filepath"
	"runtime"
	"strings"

	"github.com/modelarchitect/architect/bench/internal/report"
)

type kv map[string]string

func (m kv) String() string { return fmt.Sprint(map[string]string(m)) }
func (m kv) Set(s string) error {
	k, v, ok := strings.Cut(s, "=")
	if !ok {
		return fmt.Errorf("want key=value, got %q", s)
	}
	m[k] = v
	return nil
}

func main() {
	if err := run(); err != nil {
		fmt.Fprintln(os.Stderr, "report:", err)
		os.Exit(1)
	}
}

func run() error {
	var (
		dir    = flag.String("dir", "", "directory with the run's loadgen/fanout JSON files and gobench.txt")
		out    = flag.String("out", "bench/results", "directory to write <date>-<commit>.json and .md into")
		date   = flag.String("date", "", "date of the run, e.g. 2026-03-02")
		commit = flag.String("commit", "", "commit of the code measured")
		notes  = flag.String("notes", "", "file with one note per line (steps skipped or failed)")
		meta   = kv{}
	)
	flag.Var(meta, "machine", "key=value describing the machine or software (repeatable)")
	flag.Parse()
	if *dir == "" || *date == "" || *commit == "" {
		return fmt.Errorf("-dir, -date and -commit are required")
	}
	r, err := report.Gather(*dir)
	if err != nil {
		return err
	}
	r.Date, r.Commit = *date, *commit
	r.Machine = machine()
	for k, v := range meta {
		r.Machine[k] = v
	}
	if *notes != "" {
		if b, err := os.ReadFile(*notes); err == nil {
			for _, l := range strings.Split(strings.TrimSpace(string(b)), "\n") {
				if l = strings.TrimSpace(l); l != "" {
					r.Notes = append(r.Notes, l)
				}
			}
		}
	}
	if err := os.MkdirAll(*out, 0o755); err != nil {
		return err
	}
	base := filepath.Join(*out, *date+"-"+*commit)
	j, err := json.MarshalIndent(r, "", "  ")
	if err != nil {
		return err
	}
	if err := os.WriteFile(base+".json", append(j, '\n'), 0o644); err != nil {
		return err
	}
	var md bytes.Buffer
	if err := r.Markdown(&md); err != nil {
		return err
	}
	if err := os.WriteFile(base+".md", md.Bytes(), 0o644); err != nil {
		return err
	}
	fmt.Println(base + ".md")
	return nil
}

// machine describes this computer from /proc (Linux) and the Go runtime.
func machine() map[string]string {
	m := map[string]string{"cpus": fmt.Sprint(runtime.NumCPU()), "go": runtime.Version(), "os": runtime.GOOS + "/" + runtime.GOARCH}
	if b, err := os.ReadFile("/proc/cpuinfo"); err == nil {
		for _, l := range strings.Split(string(b), "\n") {
			if v, ok := strings.CutPrefix(l, "model name"); ok {
				m["cpu"] = strings.TrimSpace(strings.TrimPrefix(strings.TrimSpace(v), ":"))
				break
			}
		}
	}
	if b, err := os.ReadFile("/proc/meminfo"); err == nil {
		for _, l := range strings.Split(string(b), "\n") {
			if v, ok := strings.CutPrefix(l, "MemTotal:"); ok {
				var kib int64
				fmt.Sscan(strings.TrimSpace(v), &kib)
				m["ram"] = fmt.Sprintf("%.1f GiB", float64(kib)/1024/1024)
			}
		}
	}
	if b, err := os.ReadFile("/proc/sys/kernel/osrelease"); err == nil {
		m["kernel"] = strings.TrimSpace(string(b))
	}
	return m
}
