package loadtest

import "time"

// Mode is how requests are released.
type Mode string

const (
	ModeRate        Mode = "RATE"        // an open loop at Rates[0] requests/s, gaps drawn from Gamma(Burstiness, 1/(λ·Burstiness))
	ModeConcurrency Mode = "CONCURRENCY" // a closed loop keeping Concurrency requests in flight
	ModeSweep       Mode = "SWEEP"       // RATE at each of Rates in turn, one step each
)

// LengthKind says how a token length is chosen per request.
type LengthKind string

const (
	LengthFixed   LengthKind = "FIXED"   // always Value
	LengthUniform LengthKind = "UNIFORM" // uniform integer in [Min, Max]
)

// Length is a per-request token length.
type Length struct {
	Kind  LengthKind `json:"kind"`
	Value int        `json:"value,omitempty"`
	Min   int        `json:"min,omitempty"`
	Max   int        `json:"max,omitempty"`
}

// Metric names a per-request latency measure.
type Metric string

const (
	MetricTTFT Metric = "TTFT" // request sent → first content chunk
	MetricTPOT Metric = "TPOT" // (E2E − TTFT)/(output tokens − 1)
	MetricITL  Metric = "ITL"  // gaps between successive content chunks
	MetricE2E  Metric = "E2E"  // request sent → last chunk
)

// SLOTarget is a latency target: the Percentile-th percentile of Metric at most ThresholdMs. A request is good
// (counts toward goodput) when it meets every target's threshold.
type SLOTarget struct {
	Metric      Metric  `json:"metric"` // TTFT, TPOT or E2E
	ThresholdMs float64 `json:"thresholdMs"`
	Percentile  float64 `json:"percentile"` // in (0, 100], e.g. 99
}

// Plan is everything a load test needs besides its target.
type Plan struct {
	Mode            Mode        `json:"mode"`
	Rates           []float64   `json:"rates,omitempty"`       // requests/s: one for RATE, at least two ascending for SWEEP
	Burstiness      float64     `json:"burstiness,omitempty"`  // gamma shape k of the gaps; 1 (or 0: the default) is Poisson, < 1 burstier
	Concurrency     int         `json:"concurrency,omitempty"` // CONCURRENCY mode only
	MaxConcurrency  int         `json:"maxConcurrency"`        // requests in flight never exceed it
	DurationSeconds float64     `json:"durationSeconds"`       // per step; the test stops at it even if the endpoint stalls
	MaxRequests     int         `json:"maxRequests"`           // over the whole test (all steps); required
	InputTokens     Length      `json:"inputTokens"`           // prompt length when Prompts is empty
	OutputTokens    Length      `json:"outputTokens"`          // max output tokens asked per request
	Prompts         []string    `json:"prompts,omitempty"`     // sampled uniformly when given (e.g. a benchmark's dataset inputs)
	SLO             []SLOTarget `json:"slo,omitempty"`
	Seed            int64       `json:"seed"` // arrivals, lengths and prompt choice are reproducible from it
}

// Bounds Validate holds a plan to.
const (
	MaxRequestsLimit    = 100_000   // Plan.MaxRequests
	MaxStepSeconds      = 3600      // Plan.DurationSeconds, per step
	MaxSweepSteps       = 20        // len(Plan.Rates) in SWEEP mode
	MaxRate             = 1000.0    // requests/s of one step
	MaxBurstiness       = 1000.0    // Plan.Burstiness; the gaps are then nearly constant
	MaxConcurrencyLimit = 1024      // Plan.MaxConcurrency; a provider's own cap may be lower, see CheckMaxConcurrency
	MaxInputTokens      = 65_536    // a synthetic prompt's length
	MaxOutputTokens     = 32_768    // the output bound asked per request
	MaxPrompts          = 10_000    // len(Plan.Prompts)
	MaxPromptBytes      = 256 << 10 // one entry of Plan.Prompts
	MaxPromptsBytes     = 16 << 20  // all of Plan.Prompts
)

// StepCount is the number of steps the plan runs: one per rate in SWEEP mode, otherwise one.
func (p Plan) StepCount() int {
	if p.Mode == ModeSweep {
		return len(p.Rates)
	}
	return 1
}

// MaxDuration is the longest the plan can run: every step to its duration (plus the little it takes to cancel
// what is in flight at each step's end). A job running it needs a timeout above this.
func (p Plan) MaxDuration() time.Duration {
	return time.Duration(float64(p.StepCount()) * p.DurationSeconds * float64(time.Second))
}

// shape is the gamma shape k of the gaps between arrivals: Burstiness, or 1 (Poisson) when it is 0.
func (p Plan) shape() float64 {
	if p.Burstiness == 0 {
		return 1
	}
	return p.Burstiness
}

// stepRate is the target rate of step i in requests/s; 0 in CONCURRENCY mode.
func (p Plan) stepRate(i int) float64 {
	if p.Mode == ModeConcurrency || i >= len(p.Rates) {
		return 0
	}
	return p.Rates[i]
}
