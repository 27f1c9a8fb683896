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
		passed []Severity
		score  int
		level  Level
	}{
		{"no findings", nil, []Severity{SeverityHigh}, 0, LevelNone},
		{"nothing in scope", nil, nil, 0, LevelNone},
		// r = 1/(1+5) = 1/6; 1 + 23/6 = 4.83 → 5
		{"one low among a high that passed", []Severity{SeverityLow}, []Severity{SeverityHigh}, 5, LevelLow},
		// r = 1 → top of the LOW band
		{"only rule fails", []Severity{SeverityLow}, nil, 24, LevelLow},
		// r = 2/(2+2+1) = 0.4; 25 + 24·0.4 = 34.6 → 35
		{"medium", []Severity{SeverityMedium}, []Severity{SeverityMedium, SeverityLow}, 35, LevelMedium},
		// r = 5/(5+5+2+1) = 5/13; 50 + 24·5/13 = 59.23 → 59
		{"high", []Severity{SeverityHigh}, []Severity{SeverityHigh, SeverityMedium, SeverityLow}, 59, LevelHigh},
		// r = 15/17; 75 + 24·15/17 = 96.18 → 96
		{"critical and high", []Severity{SeverityHigh, SeverityCritical}, []Severity{SeverityMedium}, 96, LevelCritical},
		// r = 10/(10+10·9) = 0.1; 75 + 2.4 = 77.4 → 77
		{"one critical among many passes", []Severity{SeverityCritical}, []Severity{
			SeverityCritical, SeverityCritical, SeverityCritical, SeverityCritical, SeverityCritical,
			SeverityCritical, SeverityCritical, SeverityCritical, SeverityCritical}, 77, LevelCritical},
		{"prohibited", []Severity{SeverityLow, SeverityProhibited}, []Severity{SeverityHigh}, 100, LevelProhibited},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			score, level := Score(tc.failed, tc.passed)
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

// Property: adding a finding — a new failing rule, or a passing rule that now fails — never lowers the
// score, and the score stays within 0–100.
func TestScoreMonotone(t *testing.T) {
	t.Parallel()
	r := rand.New(rand.NewPCG(7, 11))
	for i := range 20000 {
		failed, passed := randomSeverities(r, 6), randomSeverities(r, 12)
		before, _ := Score(failed, passed)
		require.True(t, before >= 0 && before <= 100)

		added := severities[r.IntN(len(severities))]
		after, _ := Score(append(append([]Severity(nil), failed...), added), passed)
		require.GreaterOrEqual(t, after, before, "case %d: adding %s to %v (passed %v)", i, added, failed, passed)

		if len(passed) > 0 {
			k := r.IntN(len(passed))
			flipped := append(append([]Severity(nil), failed...), passed[k])
			rest := append(append([]Severity(nil), passed[:k]...), passed[k+1:]...)
			after, _ := Score(flipped, rest)
			require.GreaterOrEqual(t, after, before, "case %d: failing passed rule %s", i, passed[k])
		}
	}
}

// Property over the embedded rules: removing any one control from a random assessment never lowers the
// score (the rules only ever ask for controls, they never penalise one).
func TestAssessMonotoneInControls(t *testing.T) {
	t.Parallel()
	rs, err := Default()
	require.NoError(t, err)
	controls := []func(*Assessment) *bool{
		func(a *Assessment) *bool { return &a.HumanOversight },
		func(a *Assessment) *bool { return &a.Logging },
		func(a *Assessment) *bool { return &a.PIIMasking },
		func(a *Assessment) *bool { return &a.PaymentCardMasking },
		func(a *Assessment) *bool { return &a.EncryptionInTransit },
		func(a *Assessment) *bool { return &a.AccessControls },
		func(a *Assessment) *bool { return &a.RiskManagement },
		func(a *Assessment) *bool { return &a.ConformityAssessment },
		func(a *Assessment) *bool { return &a.DPIA },
		func(a *Assessment) *bool { return &a.DPA },
		func(a *Assessment) *bool { return &a.BAASigned },
		func(a *Assessment) *bool { return &a.ServiceProviderContract },
		func(a *Assessment) *bool { return &a.AIDisclosure },
		func(a *Assessment) *bool { return &a.ParentalConsent },
	}
	regions := []string{"eu-west-1", "us-east-1", "GLOBAL", "europe-west2", "nowhere-1"}
	useCases := []string{"", "GENERAL", "CHATBOT", "EMPLOYMENT", "SOCIAL_SCORING"}
	r := rand.New(rand.NewPCG(3, 5))
	for i := range 500 {
		a := Assessment{Region: regions[r.IntN(len(regions))], UseCase: useCases[r.IntN(len(useCases))],
			RetentionDays: r.IntN(60), AutomatedDecisions: r.IntN(2) == 0, SelfHosted: r.IntN(4) == 0}
		for _, q := range requirements {
			if r.IntN(2) == 0 {
				a.Requirements = append(a.Requirements, q)
			}
		}
		for _, d := range dataCategories {
			if r.IntN(2) == 0 {
				a.DataCategories = append(a.DataCategories, d)
			}
		}
		if r.IntN(3) > 0 {
			a.Model = goodModel()
			if r.IntN(2) == 0 {
				a.Model.Attestations = a.Model.Attestations[:r.IntN(len(a.Model.Attestations))]
			}
		}
		for _, c := range controls {
			*c(&a) = r.IntN(3) > 0
		}
		before, err := rs.Assess(a)
		require.NoError(t, err)
		for j, c := range controls {
			if !*c(&a) {
				continue
			}
			b := a
			*c(&b) = false
			after, err := rs.Assess(b)
			require.NoError(t, err)
			require.GreaterOrEqual(t, after.Score, before.Score, "case %d: turning off control %d", i, j)
			require.GreaterOrEqual(t, len(after.Findings), len(before.Findings))
		}
	}
}
