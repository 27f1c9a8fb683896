package loadtest

import (
	"errors"
	"math"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/require"
)

// ratePlan is a small valid RATE plan that tests change.
func ratePlan() Plan {
	return Plan{Mode: ModeRate, Rates: []float64{2}, MaxConcurrency: 8, DurationSeconds: 10, MaxRequests: 50,
		InputTokens: Length{Kind: LengthFixed, Value: 64}, OutputTokens: Length{Kind: LengthFixed, Value: 16}, Seed: 1}
}

func TestValidate(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name   string
		change func(*Plan)
		field  string // "" when valid
		reason string // part of the reason
	}{
		{name: "rate plan", change: func(*Plan) {}},
		{name: "sweep", change: func(p *Plan) { p.Mode, p.Rates = ModeSweep, []float64{1, 2, 4} }},
		{name: "concurrency", change: func(p *Plan) { p.Mode, p.Rates, p.Concurrency = ModeConcurrency, nil, 8 }},
		{name: "uniform lengths and SLO", change: func(p *Plan) {
			p.InputTokens, p.OutputTokens = Length{Kind: LengthUniform, Min: 10, Max: 20}, Length{Kind: LengthUniform, Min: 5, Max: 5}
			p.SLO = []SLOTarget{{Metric: MetricTTFT, ThresholdMs: 500, Percentile: 99}, {Metric: MetricTPOT, ThresholdMs: 50, Percentile: 100}}
		}},
		{name: "prompts without input length", change: func(p *Plan) { p.Prompts, p.InputTokens = []string{"a", "b"}, Length{} }},
		{name: "burstiness", change: func(p *Plan) { p.Burstiness = 0.5 }},

		{name: "no mode", change: func(p *Plan) { p.Mode = "" }, field: "mode", reason: "RATE, SWEEP or CONCURRENCY"},
		{name: "unknown mode", change: func(p *Plan) { p.Mode = "BURST" }, field: "mode"},
		{name: "RATE with two rates", change: func(p *Plan) { p.Rates = []float64{1, 2} }, field: "rates", reason: "SWEEP"},
		{name: "RATE without rate", change: func(p *Plan) { p.Rates = nil }, field: "rates"},
		{name: "zero rate", change: func(p *Plan) { p.Rates = []float64{0} }, field: "rates[0]"},
		{name: "NaN rate", change: func(p *Plan) { p.Rates = []float64{math.NaN()} }, field: "rates[0]"},
		{name: "rate too high", change: func(p *Plan) { p.Rates = []float64{MaxRate + 1} }, field: "rates[0]"},
		{name: "SWEEP with one rate", change: func(p *Plan) { p.Mode = ModeSweep }, field: "rates", reason: "RATE"},
		{name: "SWEEP not ascending", change: func(p *Plan) { p.Mode, p.Rates = ModeSweep, []float64{1, 3, 3} }, field: "rates[2]", reason: "ascending"},
		{name: "SWEEP too long", change: func(p *Plan) { p.Mode, p.Rates = ModeSweep, make([]float64, MaxSweepSteps+1) }, field: "rates"},
		{name: "CONCURRENCY with rates", change: func(p *Plan) { p.Mode, p.Concurrency = ModeConcurrency, 2 }, field: "rates"},
		{name: "CONCURRENCY of 0", change: func(p *Plan) { p.Mode, p.Rates = ModeConcurrency, nil }, field: "concurrency"},
		{name: "concurrency above max", change: func(p *Plan) { p.Mode, p.Rates, p.Concurrency = ModeConcurrency, nil, 9 }, field: "concurrency", reason: "maxConcurrency (8)"},
		{name: "concurrency in RATE mode", change: func(p *Plan) { p.Concurrency = 4 }, field: "concurrency", reason: "maxConcurrency"},
		{name: "burstiness in CONCURRENCY mode", change: func(p *Plan) { p.Mode, p.Rates, p.Concurrency, p.Burstiness = ModeConcurrency, nil, 2, 2 }, field: "burstiness"},
		{name: "max concurrency 0", change: func(p *Plan) { p.MaxConcurrency = 0 }, field: "maxConcurrency"},
		{name: "max concurrency too high", change: func(p *Plan) { p.MaxConcurrency = MaxConcurrencyLimit + 1 }, field: "maxConcurrency"},
		{name: "negative burstiness", change: func(p *Plan) { p.Burstiness = -1 }, field: "burstiness"},
		{name: "infinite burstiness", change: func(p *Plan) { p.Burstiness = math.Inf(1) }, field: "burstiness"},
		{name: "no duration", change: func(p *Plan) { p.DurationSeconds = 0 }, field: "durationSeconds"},
		{name: "duration over an hour", change: func(p *Plan) { p.DurationSeconds = 3601 }, field: "durationSeconds"},
		{name: "no max requests", change: func(p *Plan) { p.MaxRequests = 0 }, field: "maxRequests"},
		{name: "too many requests", change: func(p *Plan) { p.MaxRequests = MaxRequestsLimit + 1 }, field: "maxRequests"},
		{name: "fewer requests than steps", change: func(p *Plan) { p.Mode, p.Rates, p.MaxRequests = ModeSweep, []float64{1, 2, 3}, 2 }, field: "maxRequests", reason: "steps (3)"},
		{name: "no input length", change: func(p *Plan) { p.InputTokens = Length{} }, field: "inputTokens.kind"},
		{name: "input length 0", change: func(p *Plan) { p.InputTokens.Value = 0 }, field: "inputTokens.value"},
		{name: "input too long", change: func(p *Plan) { p.InputTokens.Value = MaxInputTokens + 1 }, field: "inputTokens.value"},
		{name: "fixed with min", change: func(p *Plan) { p.InputTokens.Min = 3 }, field: "inputTokens", reason: "UNIFORM"},
		{name: "uniform max below min", change: func(p *Plan) { p.OutputTokens = Length{Kind: LengthUniform, Min: 5, Max: 4} }, field: "outputTokens.max"},
		{name: "uniform with value", change: func(p *Plan) { p.OutputTokens = Length{Kind: LengthUniform, Value: 2, Min: 1, Max: 4} }, field: "outputTokens.value"},
		{name: "unknown length kind", change: func(p *Plan) { p.OutputTokens.Kind = "NORMAL" }, field: "outputTokens.kind"},
		{name: "output too long", change: func(p *Plan) { p.OutputTokens.Value = MaxOutputTokens + 1 }, field: "outputTokens.value"},
		{name: "empty prompt", change: func(p *Plan) { p.Prompts = []string{"a", ""} }, field: "prompts[1]"},
		{name: "prompt too long", change: func(p *Plan) { p.Prompts = []string{strings.Repeat("x", MaxPromptBytes+1)} }, field: "prompts[0]", reason: "256 KiB"},
		{name: "prompt not UTF-8", change: func(p *Plan) { p.Prompts = []string{"\xff"} }, field: "prompts[0]"},
		{name: "too many prompts", change: func(p *Plan) { p.Prompts = make([]string, MaxPrompts+1) }, field: "prompts"},
		{name: "prompts too large in all", change: func(p *Plan) {
			big := strings.Repeat("x", MaxPromptBytes)
			for range MaxPromptsBytes/MaxPromptBytes + 1 {
				p.Prompts = append(p.Prompts, big)
			}
		}, field: "prompts", reason: "16 MiB"},
		{name: "SLO on ITL", change: func(p *Plan) { p.SLO = []SLOTarget{{Metric: MetricITL, ThresholdMs: 1, Percentile: 50}} }, field: "slo[0].metric", reason: "TPOT"},
		{name: "SLO unknown metric", change: func(p *Plan) { p.SLO = []SLOTarget{{Metric: "LATENCY", ThresholdMs: 1, Percentile: 50}} }, field: "slo[0].metric"},
		{name: "SLO twice", change: func(p *Plan) {
			p.SLO = []SLOTarget{{Metric: MetricE2E, ThresholdMs: 1, Percentile: 50}, {Metric: MetricE2E, ThresholdMs: 2, Percentile: 90}}
		}, field: "slo[1].metric", reason: "at most one"},
		{name: "SLO threshold 0", change: func(p *Plan) { p.SLO = []SLOTarget{{Metric: MetricTTFT, Percentile: 50}} }, field: "slo[0].thresholdMs"},
		{name: "SLO percentile 0", change: func(p *Plan) { p.SLO = []SLOTarget{{Metric: MetricTTFT, ThresholdMs: 1}} }, field: "slo[0].percentile"},
		{name: "SLO percentile above 100", change: func(p *Plan) { p.SLO = []SLOTarget{{Metric: MetricTTFT, ThresholdMs: 1, Percentile: 100.5}} }, field: "slo[0].percentile"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			p := ratePlan()
			tc.change(&p)
			err := p.Validate()
			if tc.field == "" {
				require.NoError(t, err)
				return
			}
			var ve *ValidationError
			require.True(t, errors.As(err, &ve), "got %v", err)
			require.Equal(t, tc.field, ve.InputField())
			require.Contains(t, ve.Reason, tc.reason)
			require.Equal(t, "invalid "+tc.field+": "+ve.Reason, err.Error())
		})
	}
}

func TestCheckMaxConcurrency(t *testing.T) {
	t.Parallel()
	p := ratePlan()
	require.NoError(t, p.CheckMaxConcurrency(8))
	err := p.CheckMaxConcurrency(4)
	var ve *ValidationError
	require.ErrorAs(t, err, &ve)
	require.Equal(t, "maxConcurrency", ve.Field)
	require.Contains(t, ve.Reason, "at most 4")
}

func TestStepsAndMaxDuration(t *testing.T) {
	t.Parallel()
	p := ratePlan()
	require.Equal(t, 1, p.StepCount())
	require.Equal(t, 10*time.Second, p.MaxDuration())
	p.Mode, p.Rates, p.DurationSeconds = ModeSweep, []float64{1, 2, 4}, 1.5
	require.Equal(t, 3, p.StepCount())
	require.Equal(t, 4500*time.Millisecond, p.MaxDuration())
}
