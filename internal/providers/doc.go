// Package providers calls hosted and self-hosted model APIs (OpenAI chat completions and OpenAI-compatible
// servers, Google Gemini) behind one Client interface, streaming each answer to measure time to first token,
// with per-call timeouts and retries; it knows nothing of benchmarks, GraphQL or the database.
package providers
