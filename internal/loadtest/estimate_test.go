package loadtest

import (
	"net/http"
	"testing"
	"time"

	"github.com/stretchr/testify/require"
)

func TestEstimateTokens(t *testing.T) {
	t.Parallel()
	p := ratePlan() // 50 requests of 64 input and 16 output tokens
	in, out := EstimateTokens(p)
	// (64 + 6 tokens of chat framing, benchmark's 3 per message + 3 per reply) · 50; 16 · 50.
	require.Equal(t, int64(70*50), in)
	require.Equal(t, int64(16*50), out)

	p.InputTokens = Length{Kind: LengthUniform, Min: 10, Max: 21}
	p.OutputTokens = Length{Kind: LengthUniform, Min: 1, Max: 4}
	in, out = EstimateTokens(p)
	require.Equal(t, int64((15.5+6)*50), in)
	require.Equal(t, int64(2.5*50), out)

	// Prompts of 8 and 16 bytes: 2 and 4 tokens, + 6 each; mean 9.
	p.Prompts = []string{"12345678", "1234567890123456"}
	in, _ = EstimateTokens(p)
	require.Equal(t, int64(9*50), in)
}

func TestProviderOptions(t *testing.T) {
	t.Parallel()
	hc := &http.Client{}
	o := ProviderOptions(hc)
	require.Same(t, hc, o.HTTPClient)
	require.Equal(t, 1, o.Retry.MaxAttempts, "each request is sent once")
	require.Equal(t, time.Hour, o.CallTimeout)
}
