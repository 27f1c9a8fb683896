package benchmark

// Chat framing, from OpenAI's cookbook "How to count tokens with tiktoken" (num_tokens_from_messages): every
// message costs 3 tokens besides its content and every reply is primed with 3 more.
const (
	tokensPerMessage = 3
	tokensPerReply   = 3
)

// EstimateTokens approximates the number of tokens in s as ⌈UTF-8 bytes / 4⌉: OpenAI's rule of thumb is one
// token per about 4 characters of English text (OpenAI Help Center, "What are tokens and how to count them?").
// Counting bytes rather than characters leans high for other scripts, whose characters take 2–4 bytes and
// often a token or more each. It is an estimate for planning; billing uses the usage the provider reports.
func EstimateTokens(s string) int64 {
	return (int64(len(s)) + 3) / 4
}

// EstimatePromptTokens is the estimated input of one call: the user prompt, the optional system prompt and the
// chat framing around them.
func EstimatePromptTokens(system, prompt string) int64 {
	n := EstimateTokens(prompt) + tokensPerMessage + tokensPerReply
	if system != "" {
		n += EstimateTokens(system) + tokensPerMessage
	}
	return n
}
