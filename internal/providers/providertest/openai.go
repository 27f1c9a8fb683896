package providertest

import (
	"encoding/json"
	"io"
	"net/http"
	"strings"
	"testing"
	"time"
)

// NewOpenAI starts a fake OpenAI chat-completions API at BaseURL = URL + "/v1". A non-empty key is checked
// against the Bearer token as OpenAI does (401 invalid_api_key). respond scripts the answer to each request.
func NewOpenAI(t testing.TB, key string, respond func(Request) Reply) *Server {
	t.Helper()
	s := start(t, func(s *Server, w http.ResponseWriter, r *http.Request) { serveOpenAI(s, key, respond, w, r) })
	s.BaseURL = s.URL + "/v1"
	return s
}

type openAIIn struct {
	Model    string `json:"model"`
	Messages []struct {
		Role    string `json:"role"`
		Content string `json:"content"`
	} `json:"messages"`
	Stream        bool `json:"stream"`
	StreamOptions *struct {
		IncludeUsage bool `json:"include_usage"`
	} `json:"stream_options"`
	MaxTokens           *int     `json:"max_tokens"`
	MaxCompletionTokens *int     `json:"max_completion_tokens"`
	Temperature         *float64 `json:"temperature"`
	ReasoningEffort     string   `json:"reasoning_effort"`
}

func serveOpenAI(s *Server, key string, respond func(Request) Reply, w http.ResponseWriter, r *http.Request) {
	received := time.Now()
	body, _ := io.ReadAll(io.LimitReader(r.Body, 1<<20))
	req := Request{Method: r.Method, Path: r.URL.Path, Query: r.URL.RawQuery, Body: body, Received: received,
		Key: strings.TrimPrefix(r.Header.Get("Authorization"), "Bearer ")}
	var in openAIIn
	decodeErr := json.Unmarshal(body, &in)
	req.Model, req.Stream, req.Temperature, req.ReasoningEffort = in.Model, in.Stream, in.Temperature, in.ReasoningEffort
	req.IncludeUsage = in.StreamOptions != nil && in.StreamOptions.IncludeUsage
	for _, m := range in.Messages {
		switch m.Role {
		case "system", "developer":
			req.System = m.Content
		case "user":
			req.Prompt = m.Content
		}
	}
	switch {
	case in.MaxCompletionTokens != nil:
		req.MaxOutputTokens, req.MaxTokensField = *in.MaxCompletionTokens, "max_completion_tokens"
	case in.MaxTokens != nil:
		req.MaxOutputTokens, req.MaxTokensField = *in.MaxTokens, "max_tokens"
	}
	s.record(req)

	switch {
	case r.Method != http.MethodPost || r.URL.Path != "/v1/chat/completions":
		openAIError(w, http.StatusNotFound, "", "Invalid URL ("+r.Method+" "+r.URL.Path+")", "invalid_request_error", "")
		return
	case key != "" && req.Key != key:
		openAIError(w, http.StatusUnauthorized, "", "Incorrect API key provided. You can find your API key at https://platform.openai.com/account/api-keys.", "invalid_request_error", "invalid_api_key")
		return
	case decodeErr != nil:
		openAIError(w, http.StatusBadRequest, "", "We could not parse the JSON body of your request.", "invalid_request_error", "")
		return
	case !in.Stream:
		openAIError(w, http.StatusBadRequest, "", "this fake server answers only streamed requests", "invalid_request_error", "")
		return
	}

	rep := respond(req)
	switch {
	case rep.Hang:
		s.hang(r)
		return
	case rep.Status != 0 && rep.Status != http.StatusOK:
		typ := rep.ErrorType
		if typ == "" {
			typ = openAIErrorType(rep.Status)
		}
		openAIError(w, rep.Status, rep.RetryAfter, rep.ErrorMessage, typ, "")
		return
	}

	w.Header().Set("Content-Type", "text/event-stream")
	w.Header().Set("Cache-Control", "no-cache")
	w.WriteHeader(http.StatusOK)
	chunk := func(delta map[string]any, finish *string, usage any) {
		c := openAIChunkOut{ID: "chatcmpl-fake", Object: "chat.completion.chunk", Created: 1700000000, Model: in.Model,
			SystemFingerprint: "fp_fake", Choices: []openAIChoiceOut{{Index: 0, Delta: delta, FinishReason: finish}}}
		if req.IncludeUsage {
			c.Usage = json.RawMessage("null") // OpenAI sends "usage": null on every chunk but the last
		}
		if usage != nil {
			c.Choices = []openAIChoiceOut{}
			b, _ := json.Marshal(usage)
			c.Usage = b
		}
		b, _ := json.Marshal(c)
		sse(w, string(b))
	}
	// OpenAI opens every stream with an empty content delta carrying the role; TTFT must skip it.
	chunk(map[string]any{"role": "assistant", "content": ""}, nil, nil)
	for _, th := range rep.Thoughts {
		chunk(map[string]any{"reasoning_content": th}, nil, nil)
	}
	for i, text := range rep.Chunks {
		if !s.pause(r, rep.delay(i)) {
			return
		}
		chunk(map[string]any{"content": text}, nil, nil)
	}
	if rep.Stall {
		s.hang(r)
		return
	}
	if rep.StreamError != "" {
		b, _ := json.Marshal(map[string]any{"error": map[string]any{"message": rep.StreamError, "type": "server_error", "param": nil, "code": nil}})
		sse(w, string(b))
		return
	}
	if rep.Cut {
		cut()
	}
	finish := rep.Finish
	if finish == "" {
		finish = "stop"
	}
	chunk(map[string]any{}, &finish, nil)
	if req.IncludeUsage && rep.Usage != nil {
		u := rep.Usage
		chunk(nil, nil, map[string]any{
			"prompt_tokens": u.Input, "completion_tokens": u.Output, "total_tokens": u.Input + u.Output,
			"prompt_tokens_details":     map[string]any{"cached_tokens": u.Cached, "audio_tokens": 0},
			"completion_tokens_details": map[string]any{"reasoning_tokens": u.Reasoning, "audio_tokens": 0, "accepted_prediction_tokens": 0, "rejected_prediction_tokens": 0},
		})
	}
	s.leave(r)
	sse(w, "[DONE]")
}

type openAIChunkOut struct {
	ID                string            `json:"id"`
	Object            string            `json:"object"`
	Created           int64             `json:"created"`
	Model             string            `json:"model"`
	SystemFingerprint string            `json:"system_fingerprint"`
	Choices           []openAIChoiceOut `json:"choices"`
	Usage             json.RawMessage   `json:"usage,omitempty"`
}

type openAIChoiceOut struct {
	Index        int            `json:"index"`
	Delta        map[string]any `json:"delta"`
	Logprobs     any            `json:"logprobs"`
	FinishReason *string        `json:"finish_reason"`
}

// openAIError writes OpenAI's error body {"error": {"message", "type", "param", "code"}}.
func openAIError(w http.ResponseWriter, status int, retryAfter, message, typ, code string) {
	var c any
	if code != "" {
		c = code
	}
	b, _ := json.Marshal(map[string]any{"error": map[string]any{"message": message, "type": typ, "param": nil, "code": c}})
	writeJSONError(w, status, retryAfter, b)
}

func openAIErrorType(status int) string {
	switch {
	case status == http.StatusTooManyRequests:
		return "requests"
	case status >= 500:
		return "server_error"
	default:
		return "invalid_request_error"
	}
}
