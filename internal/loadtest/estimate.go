package loadtest

import (
	"math"
	"net/http"
	"time"

	"github.com/modelarchitect/architect/internal/benchmark"
	"github.com/modelarchitect/architect/internal/providers"
)

// EstimateTokens is the input and output tokens a plan sends at most, for pricing it beforehand: MaxRequests
// requests of the mean prompt and the mean output bound. Prompts are estimated as benchmark.EstimatePromptTokens
// does (about 4 bytes a token plus the chat framing); output counts every request's whole bound. Both lean
// high: a step may end before MaxRequests are sent, and a model may stop before its bound.
func EstimateTokens(p Plan) (input, output int64) {
	n := float64(p.MaxRequests)
	var in float64
	if len(p.Prompts) > 0 {
		for _, s := range p.Prompts {
			in += float64(benchmark.EstimatePromptTokens("", s))
		}
		in /= float64(len(p.Prompts))
	} else {
		// A synthetic prompt of L tokens is 4L bytes, which the estimate counts as L, plus the framing.
		in = meanLength(p.InputTokens) + float64(benchmark.EstimatePromptTokens("", "")) // framing only
	}
	return int64(math.Round(in * n)), int64(math.Round(meanLength(p.OutputTokens) * n))
}

func meanLength(l Length) float64 {
	if l.Kind == LengthUniform {
		return float64(l.Min+l.Max) / 2
	}
	return float64(l.Value)
}

// ProviderOptions are the providers.Options of a load test's client: one attempt per request (a 429 or a 5xx
// is a measured error, never retried) and a per-attempt timeout of MaxStepSeconds, so that the step's end, not
// the client, cuts a slow stream. hc carries the network policy (nil: providers' default client). Its transport
// should keep MaxConcurrency idle connections per host (http.Transport.MaxIdleConnsPerHost, 2 by default in
// Go): otherwise requests beyond the second open a new connection each and the handshake lands in their TTFT.
func ProviderOptions(hc *http.Client) providers.Options {
	return providers.Options{HTTPClient: hc, CallTimeout: MaxStepSeconds * time.Second,
		Retry: providers.RetryPolicy{MaxAttempts: 1}}
}
