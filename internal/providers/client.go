package providers

import (
	"context"
	"time"
)

// Client sends one prompt to one model and returns the streamed answer with its usage and timings.
// Implementations are safe for concurrent use.
type Client interface {
	Complete(ctx context.Context, req Request) (Result, error)
}

// Request is one single-turn chat call.
type Request struct {
	Model           string   // model name at the provider, without the "provider/" prefix: "gpt-4.1-mini"
	System          string   // optional system instruction
	Prompt          string   // the user message; required
	MaxOutputTokens int      // upper bound on output tokens (reasoning included where the API counts it); 0: the provider's default
	Temperature     *float64 // nil: the provider's default (reasoning models accept no other)
	// ReasoningEffort is sent as reasoning_effort (OpenAI kind: minimal, low, medium, high, xhigh, ...); ""
	// sends none, leaving the API's default.
	ReasoningEffort string
	// RecordChunks asks for Result.ChunkTimes (load tests); without it nothing per chunk is kept.
	RecordChunks bool
}

// Finish reasons, normalised across providers. A reason not listed is passed on lower-cased.
const (
	FinishStop          = "stop"
	FinishLength        = "length"
	FinishContentFilter = "content_filter"
	FinishToolCalls     = "tool_calls"
)

// Result is one completed call. Timings are those of the attempt that succeeded; time spent in earlier
// attempts and back-off is not included (Attempts says how many there were).
type Result struct {
	Text         string
	FinishReason string // FinishStop, FinishLength, ... ; "" when the server sent none

	InputTokens     int  // prompt tokens, cached ones included
	OutputTokens    int  // all generated tokens: visible answer plus reasoning (OpenAI completion_tokens; Gemini candidates + thoughts)
	CachedTokens    int  // prompt tokens served from the provider's cache (a subset of InputTokens)
	ReasoningTokens int  // hidden reasoning tokens (a subset of OutputTokens)
	HasUsage        bool // false when the server reported no token usage; the token fields are then zero

	TTFT                  time.Duration // request sent → first non-empty answer text; zero when no text arrived
	Latency               time.Duration // request sent → end of stream
	OutputTokensPerSecond float64       // decode speed after the first token, see OutputSpeed
	Attempts              int           // HTTP attempts made, 1 when the first succeeded
	// ChunkTimes is, when Request.RecordChunks was set, the arrival of every stream event that carried answer
	// text, as offsets from the request being sent, in order: ChunkTimes[0] is TTFT (before clamping to
	// Latency) and the gaps between entries are the inter-chunk latencies. nil otherwise.
	ChunkTimes []time.Duration
}

// OutputSpeed is the per-request output speed after the first token, in tokens per second:
// (N − 1) / (latency − TTFT), with N the visible output tokens (output minus reasoning tokens, since hidden
// reasoning happens before the first visible token and is inside TTFT).
// Definition from NVIDIA's NIM LLM benchmarking "Metrics" page. It is 0 when it is not
// defined: N ≤ 1, no first token, or latency not after TTFT.
func OutputSpeed(outputTokens, reasoningTokens int, ttft, latency time.Duration) float64 {
	visible := outputTokens - reasoningTokens
	if visible <= 1 || ttft <= 0 || latency <= ttft {
		return 0
	}
	return float64(visible-1) / (latency - ttft).Seconds()
}
