package loadtest

// Result is what a load test measured: one Step per rate (SWEEP) or one step (RATE, CONCURRENCY). Latencies are
// in milliseconds and rates per second. Run returns it complete, or partial with Cancelled set; Config.Progress
// receives partial ones with the running step's InProgress set.
type Result struct {
	Plan  Plan   `json:"plan"`
	Model string `json:"model"`
	Steps []Step `json:"steps"`
	// Cancelled: the caller's context ended the test before its plan did; Steps hold what was measured until
	// then (the step it stopped in included).
	Cancelled bool `json:"cancelled"`
	// MaxRequestsReached: all of Plan.MaxRequests were sent; steps the plan had left were not run.
	MaxRequestsReached bool `json:"maxRequestsReached"`
}

// SLOMet reports whether every step met every SLO target (true when the plan has none).
func (r Result) SLOMet() bool {
	for _, s := range r.Steps {
		for _, o := range s.SLO {
			if !o.Met {
				return false
			}
		}
	}
	return true
}

// Step is one rate (or concurrency) held for the plan's duration.
type Step struct {
	TargetRate  float64 `json:"targetRate"`  // requests/s asked; 0 in CONCURRENCY mode
	Concurrency int     `json:"concurrency"` // CONCURRENCY mode: requests kept in flight; otherwise the cap on them (MaxConcurrency)
	InProgress  bool    `json:"inProgress"`  // a progress snapshot of a step still running

	Sent      int `json:"sent"`      // requests sent
	Completed int `json:"completed"` // answered with a complete stream that had content
	Failed    int `json:"failed"`    // Sent − Completed once the step has ended (in flight ones are neither before)
	// Delayed counts requests of an open loop that waited past their arrival time for a free slot because
	// MaxConcurrency were in flight (vLLM's --max-concurrency semantics: the arrival is delayed, not dropped).
	Delayed int `json:"delayed"`
	// Unfinished counts requests still in flight when the step's duration ran out: cancelled, and counted in
	// Failed and in the TIMEOUT errors.
	Unfinished  int `json:"unfinished"`
	MaxInFlight int `json:"maxInFlight"` // the most requests in flight at once

	DurationSeconds       float64 `json:"durationSeconds"`       // the step's length: the plan's duration, or less when MaxRequests ran out
	RequestRate           float64 `json:"requestRate"`           // achieved: Completed / DurationSeconds
	OutputTokensPerSecond float64 `json:"outputTokensPerSecond"` // output tokens of completed requests / DurationSeconds
	InputTokens           int64   `json:"inputTokens"`           // of completed requests, from usage (estimated where the provider reported none)
	OutputTokens          int64   `json:"outputTokens"`          // of completed requests, from usage (counted chunks where it reported none)
	UsageMissing          int     `json:"usageMissing"`          // completed requests whose output tokens were counted from chunks

	TTFT Distribution `json:"ttft"` // request sent → first content chunk
	TPOT Distribution `json:"tpot"` // (E2E − TTFT)/(output tokens − 1), requests with more than one output token
	ITL  Distribution `json:"itl"`  // gaps between successive content chunks, over all completed requests
	E2E  Distribution `json:"e2e"`  // request sent → end of the stream

	GoodRequests int          `json:"goodRequests"` // completed requests meeting every SLO threshold (all completed ones when there is no target)
	Goodput      float64      `json:"goodput"`      // GoodRequests / DurationSeconds
	SLO          []SLOResult  `json:"slo"`          // one per Plan.SLO target, in order
	Errors       []ErrorCount `json:"errors"`       // failed requests by kind, most frequent first
}

// Distribution summarises a latency in milliseconds; every field is 0 when Count is.
type Distribution struct {
	Count    int     `json:"count"`
	MeanMs   float64 `json:"meanMs"`
	MedianMs float64 `json:"medianMs"`
	P90Ms    float64 `json:"p90Ms"`
	P95Ms    float64 `json:"p95Ms"`
	P99Ms    float64 `json:"p99Ms"`
	MinMs    float64 `json:"minMs"`
	MaxMs    float64 `json:"maxMs"`
}

// SLOResult is one SLO target checked on a step: MeasuredMs is the Percentile-th percentile of Metric over the
// completed requests (TPOT: those with more than one output token).
type SLOResult struct {
	Metric      Metric  `json:"metric"`
	Percentile  float64 `json:"percentile"`
	ThresholdMs float64 `json:"thresholdMs"`
	MeasuredMs  float64 `json:"measuredMs"` // 0 when there was no sample
	// Met: MeasuredMs ≤ ThresholdMs. Without samples a target is not met, except TPOT when requests completed
	// with at most one output token each (they count as meeting it, as in vLLM's goodput).
	Met bool `json:"met"`
}

// ErrorCount is how many requests of a step failed one way.
type ErrorCount struct {
	Kind    string `json:"kind"` // "HTTP_429", "HTTP_503", ..., or one of the Error* kinds
	Count   int    `json:"count"`
	Example string `json:"example,omitempty"` // the first such error's message, shortened
}

// Kinds of failed request besides "HTTP_<status>".
const (
	ErrorTimeout    = "TIMEOUT"         // Config.RequestTimeout, the client's own timeout, or the step's end passed first
	ErrorConnection = "CONNECTION"      // no HTTP response: refused, reset, DNS, the network policy
	ErrorStream     = "STREAM"          // a 2xx stream that broke off or carried an error event
	ErrorNoContent  = "NO_CONTENT"      // a complete stream without answer text: no TTFT to measure
	ErrorCancelled  = "CANCELLED"       // the caller's context ended the test
	ErrorInvalid    = "INVALID_REQUEST" // refused before any HTTP call
	ErrorOther      = "OTHER"
)
