package deployment

import (
	"bufio"
	"os"
	"strconv"
	"strings"
	"testing"

	"github.com/stretchr/testify/require"
)

// TestSizingAgainstReference checks the queue-aware sizing at the loads just below and above each replica
// step, at two SLAs and two percentiles, against testdata/sizing_reference.txt: the output of
// testdata/sizing_reference.py, an independent Python implementation (Erlang C from the textbook sum in log
// space, not the Erlang B recurrence used here). Regenerate with
// `python3 internal/deployment/testdata/sizing_reference.py > internal/deployment/testdata/sizing_reference.txt`.
func TestSizingAgainstReference(t *testing.T) {
	t.Parallel()
	f, err := os.Open("testdata/sizing_reference.txt")
	require.NoError(t, err)
	defer f.Close()
	x80 := hardware{gpus: 1, memGB: 80, tflops: 1000, hbmTBs: 2}
	r, reason, _ := newReplica(x80, workload{params: 10e9, activeParams: 10e9, kvPerToken: 1e5, in: 1000, out: 1000})
	require.Empty(t, reason)
	rows := 0
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		line := sc.Text()
		if strings.HasPrefix(line, "#") || line == "" {
			continue
		}
		var v [6]float64
		for i, field := range strings.Split(line, "\t") {
			v[i], err = strconv.ParseFloat(field, 64)
			require.NoError(t, err, line)
		}
		sla, load, q, batch, replicas, latency := v[0], v[1], v[2], int(v[3]), int(v[4]), v[5]
		s, reason, detail := r.size(load, sla, q, 0)
		require.Empty(t, reason, "%s: %s", line, detail)
		require.Equal(t, replicas, s.replicas, line)
		require.Equal(t, batch, s.batch, line)
		require.InDelta(t, latency, s.latencyMs, 1e-3, line)
		require.True(t, s.meets(sla), line)
		rows++
	}
	require.Greater(t, rows, 40)
}

// TestSizingStepsBeforeTheSLABreaks sweeps the load: at every load the plan meets the SLA at its
// percentile (latency at q ≤ SLA, at most 85 % busy), the replica count never falls as the load grows, and
// one replica fewer than planned would break the SLA or the utilisation ceiling at some batch size tried.
func TestSizingStepsBeforeTheSLABreaks(t *testing.T) {
	t.Parallel()
	x80 := hardware{gpus: 1, memGB: 80, tflops: 1000, hbmTBs: 2}
	r, _, _ := newReplica(x80, workload{params: 10e9, activeParams: 10e9, kvPerToken: 1e5, in: 1000, out: 1000})
	for _, q := range []float64{0.95, 0.99} {
		prev := 0
		for load := 0.1; load <= 20; load += 0.1 {
			s, reason, _ := r.size(load, 35000, q, 0)
			require.Empty(t, reason)
			require.True(t, s.meets(35000), "load %.1f", load)
			require.LessOrEqual(t, s.latencyMs, 35000.0)
			require.GreaterOrEqual(t, s.replicas, prev, "load %.1f", load)
			prev = s.replicas
			if s.replicas > 1 {
				for _, b := range batches(r.largestBatchWithin(35000)) {
					fewer, err := r.queueAt(b, s.replicas-1, load, q)
					require.NoError(t, err)
					require.False(t, fewer.meets(35000), "load %.1f: %d replicas of batch %d would do", load, s.replicas-1, b)
				}
			}
		}
	}
}
