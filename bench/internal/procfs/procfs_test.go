package procfs

import (
	"os"
	"runtime"
	"testing"

	"github.com/stretchr/testify/require"
)

func TestParseRSS(t *testing.T) {
	t.Parallel()
	cases := []struct {
		name   string
		status string
		want   int64
		err    bool
	}{
		{"kernel format", "Name:\tarchitect\nVmPeak:\t 900000 kB\nVmRSS:\t  123456 kB\nRssAnon:\t 1 kB\n", 123456, false},
		{"no VmRSS (kernel thread)", "Name:\tkthreadd\nState:\tS\n", 0, true},
		{"unexpected unit", "VmRSS:\t12 MB\n", 0, true},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			got, err := parseRSS([]byte(tc.status))
			if tc.err {
				require.Error(t, err)
				return
			}
			require.NoError(t, err)
			require.Equal(t, tc.want, got)
		})
	}
}

func TestOwnProcess(t *testing.T) {
	t.Parallel()
	if runtime.GOOS != "linux" {
		t.Skip("reads /proc")
	}
	rss, err := RSSKiB(os.Getpid())
	require.NoError(t, err)
	require.Greater(t, rss, int64(1024), "a Go test binary holds more than 1 MiB")
	_, err = RSSKiB(-1)
	require.Error(t, err)

	n, err := RaiseNoFile()
	require.NoError(t, err)
	require.Positive(t, n)
}
