package observability_test

import (
	"bytes"
	"encoding/json"
	"log/slog"
	"strings"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/modelarchitect/architect/internal/observability"
)

// TestRoutineLogger: a library's info lines come out at debug level, so LOG_LEVEL=info hides them; its
// warnings and errors keep their level, and its attributes and groups are kept.
func TestRoutineLogger(t *testing.T) {
	t.Parallel()
	levels := func(level slog.Level) []map[string]any {
		var buf bytes.Buffer
		log := observability.Routine(slog.New(slog.NewJSONHandler(&buf, &slog.HandlerOptions{Level: level})))
		log.With("client", "river").WithGroup("job").Info("producer: job counts", "running", 0)
		log.Warn("slow", "took", "2s")
		log.Error("failed")
		var out []map[string]any
		for line := range strings.SplitSeq(strings.TrimSpace(buf.String()), "\n") {
			var m map[string]any
			require.NoError(t, json.Unmarshal([]byte(line), &m))
			delete(m, "time")
			out = append(out, m)
		}
		return out
	}
	require.Equal(t, []map[string]any{
		{"level": "WARN", "msg": "slow", "took": "2s"},
		{"level": "ERROR", "msg": "failed"},
	}, levels(slog.LevelInfo))
	require.Equal(t, map[string]any{"level": "DEBUG", "msg": "producer: job counts", "client": "river",
		"job": map[string]any{"running": float64(0)}}, levels(slog.LevelDebug)[0])
}
