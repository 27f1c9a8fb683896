// Package procfs reads what a benchmark needs from the operating system: a process's resident memory
// (VmRSS in /proc/<pid>/status, Linux) and the open-files limit, which it can raise to the hard limit. It
// changes nothing else.
package procfs

import (
	"bufio"
	"bytes"
	"errors"
	"fmt"
	"os"
	"strconv"
	"strings"
)

// ErrNoRSS is returned when a status file has no VmRSS line (a kernel thread, or not Linux).
var ErrNoRSS = errors.New("procfs: no VmRSS line")

// RSSKiB returns the resident set size of process pid in KiB.
func RSSKiB(pid int) (int64, error) {
	b, err := os.ReadFile(fmt.Sprintf("/proc/%d/status", pid))
	if err != nil {
		return 0, fmt.Errorf("procfs: %w", err)
	}
	return parseRSS(b)
}

// parseRSS reads the "VmRSS:   123456 kB" line of a /proc/<pid>/status file.
func parseRSS(status []byte) (int64, error) {
	sc := bufio.NewScanner(bytes.NewReader(status))
	for sc.Scan() {
		rest, ok := strings.CutPrefix(sc.Text(), "VmRSS:")
		if !ok {
			continue
		}
		f := strings.Fields(rest)
		if len(f) != 2 || f[1] != "kB" {
			return 0, fmt.Errorf("procfs: unexpected VmRSS line %q", sc.Text())
		}
		return strconv.ParseInt(f[0], 10, 64)
	}
	return 0, ErrNoRSS
}
