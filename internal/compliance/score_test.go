package compliance

import (
	"math/rand/v2"
	"testing"

	"github.com/stretchr/testify/require"
)

func TestScore(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name   string
		failed []Severity
		score  int
		level  Level
	}{
		{"no findings", nil, 0, LevelNone},
		// F = 1: 1 + 23·1/11 = 3.09 → 3
		{"one low", []Severity{SeverityLow}, 3, LevelLow},
		// F = 2: 25 + 24·2/12 = 29
		{"one medium", []Severity{SeverityMedium}, 29, LevelMedium},
		// F = 2 + 1 = 3: 25 + 24·3/13 = 30.54 → 31
		{"medium and low", []Severity{SeverityLow, SeverityMedium}, 31, LevelMedium},
		// F = 5: 50 + 24·5/15 = 58
		{"one high", []Severity{SeverityHigh}, 58, LevelHigh},
		// F = 15: 75 + 24·15/25 = 89.4 → 89
		{"critical and high", []Severity{SeverityHigh, SeverityCritical}, 89, LevelCritical},
		// F = 10: 75 + 24·10/20 = 87
		{"one critical", []Severity{SeverityCritical}, 87, LevelCritical},
		// F = 100: 75 + 24·100/110 = 96.82 → 97
		{"ten critical", []Severity{SeverityCritical, SeverityCritical, SeverityCritical, SeverityCritical, SeverityCritical,
			SeverityCritical, SeverityCritical, SeverityCritical, SeverityCritical, SeverityCritical}, 97, LevelCritical},
		{"prohibited", []Severity{SeverityLow, SeverityProhibited}, 100, LevelProhibited},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			score, level := Score(tc.failed)
			require.Equal(t, tc.score, score)
			require.Equal(t, tc.level, level)
		})
	}
}

func randomSeverities(r *rand.Rand, max int) []Severity {
	out := make([]Severity, r.IntN(max+1))
	for i := range out {
		out[i] = severities[r.IntN(len(severities))]
	}
	return out
}

// Property: adding a finding never lowers the score, and the score stays within 0–100.
func TestScoreMonotone(t *testing.T) {
	t.Parallel()
	r := rand.New(rand.NewPCG(7, 11))
	for i := range 20000 {
		failed := randomSeverities(r, 40)
		before, _ := Score(failed)
		require.True(t, before >= 0 && before <= 100)
		added := severities[r.IntN(len(severities))]
		after, _ := Score(append(append([]Severity(nil), failed...), added))
		require.GreaterOrEqual(t, after, before, "case %d: adding %s to %v", i, added, failed)
	}
}
