package providers

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"strings"
)

// openAIWire speaks OpenAI chat completions with streaming (POST {base}/chat/completions, server-sent events
// ending in "data: [DONE]", usage in a last chunk with empty choices when stream_options.include_usage is set;
// OpenAI API reference "Create chat completion" and "The chat completion chunk object"). vLLM, Ollama,
// LM Studio and hosted compatible servers speak the same.
type openAIWire struct {
	baseURL        string // ends in /v1
	key            string
	maxTokensField string // "max_completion_tokens" (OpenAI) or "max_tokens" (most compatible servers)
}

type openAIRequest struct {
	Model               string              `json:"model"`
	Messages            []openAIMessage     `json:"messages"`
	Stream              bool                `json:"stream"`
	StreamOptions       openAIStreamOptions `json:"stream_options"`
	MaxTokens           int                 `json:"max_tokens,omitempty"`
	MaxCompletionTokens int                 `json:"max_completion_tokens,omitempty"`
	Temperature         *float64            `json:"temperature,omitempty"`
	ReasoningEffort     string              `json:"reasoning_effort,omitempty"`
}

type openAIMessage struct {
	Role    string `json:"role"`
	Content string `json:"content"`
}

type openAIStreamOptions struct {
	IncludeUsage bool `json:"include_usage"`
}

func (w *openAIWire) newRequest(ctx context.Context, req Request) (*http.Request, error) {
	body := openAIRequest{Model: req.Model, Stream: true, StreamOptions: openAIStreamOptions{IncludeUsage: true},
		Temperature: req.Temperature, ReasoningEffort: req.ReasoningEffort}
	if req.System != "" {
		body.Messages = append(body.Messages, openAIMessage{Role: "system", Content: req.System})
	}
	body.Messages = append(body.Messages, openAIMessage{Role: "user", Content: req.Prompt})
	if w.maxTokensField == maxCompletionTokens {
		body.MaxCompletionTokens = req.MaxOutputTokens
	} else {
		body.MaxTokens = req.MaxOutputTokens
	}
	b, err := json.Marshal(body)
	if err != nil {
		return nil, fmt.Errorf("encode request: %w", err)
	}
	hreq, err := http.NewRequestWithContext(ctx, http.MethodPost, w.baseURL+"/chat/completions", bytes.NewReader(b))
	if err != nil {
		return nil, err
	}
	hreq.Header.Set("Content-Type", "application/json")
	hreq.Header.Set("Accept", "text/event-stream")
	if w.key != "" {
		hreq.Header.Set("Authorization", "Bearer "+w.key)
	}
	return hreq, nil
}

type openAIChunk struct {
	Choices []struct {
		Index int `json:"index"`
		Delta struct {
			Content *string `json:"content"`
		} `json:"delta"`
		FinishReason *string `json:"finish_reason"`
	} `json:"choices"`
	Usage *struct {
		PromptTokens        int64 `json:"prompt_tokens"`
		CompletionTokens    int64 `json:"completion_tokens"`
		PromptTokensDetails *struct {
			CachedTokens int64 `json:"cached_tokens"`
		} `json:"prompt_tokens_details"`
		CompletionTokensDetails *struct {
			ReasoningTokens int64 `json:"reasoning_tokens"`
		} `json:"completion_tokens_details"`
	} `json:"usage"`
	Error json.RawMessage `json:"error"`
}

func (w *openAIWire) readStream(body io.Reader, st *stream) error {
	done := false
	err := readSSE(body, func(data []byte) error {
		st.nextEvent()
		if string(bytes.TrimSpace(data)) == "[DONE]" {
			done = true
			return errStop
		}
		var ch openAIChunk
		if err := json.Unmarshal(data, &ch); err != nil {
			return fmt.Errorf("decode stream chunk: %w", err)
		}
		if len(ch.Error) > 0 && string(ch.Error) != "null" {
			return streamFailure{decodeOpenAIErrorValue(ch.Error)}
		}
		for _, c := range ch.Choices {
			if c.Index != 0 {
				continue
			}
			if c.Delta.Content != nil {
				st.appendText(*c.Delta.Content)
			}
			if c.FinishReason != nil && *c.FinishReason != "" {
				st.finish = strings.ToLower(*c.FinishReason)
			}
		}
		if u := ch.Usage; u != nil {
			st.hasUsage = true
			st.usage = tokenUsage{input: tokenCount(u.PromptTokens), output: tokenCount(u.CompletionTokens)}
			if u.PromptTokensDetails != nil {
				st.usage.cached = tokenCount(u.PromptTokensDetails.CachedTokens)
			}
			if u.CompletionTokensDetails != nil {
				st.usage.reasoning = tokenCount(u.CompletionTokensDetails.ReasoningTokens)
			}
		}
		return nil
	})
	if err != nil {
		return err
	}
	if !done {
		return errIncomplete
	}
	return nil
}

// decodeError reads OpenAI's {"error": {"message", "type", "code"}}, and the shapes compatible servers use
// instead: {"error": "text"} (Ollama) and a flat {"object": "error", "message", "type", "code"} (vLLM).
func (w *openAIWire) decodeError(body []byte) apiError {
	var env struct {
		Error   json.RawMessage `json:"error"`
		Message string          `json:"message"`
		Type    string          `json:"type"`
		Code    json.RawMessage `json:"code"`
	}
	if json.Unmarshal(body, &env) != nil {
		return apiError{}
	}
	if len(env.Error) > 0 && string(env.Error) != "null" {
		return decodeOpenAIErrorValue(env.Error)
	}
	return apiError{message: env.Message, typ: env.Type, code: rawText(env.Code)}
}

func decodeOpenAIErrorValue(raw json.RawMessage) apiError {
	var text string
	if json.Unmarshal(raw, &text) == nil {
		return apiError{message: text}
	}
	var obj struct {
		Message string          `json:"message"`
		Type    string          `json:"type"`
		Code    json.RawMessage `json:"code"`
	}
	if json.Unmarshal(raw, &obj) != nil {
		return apiError{}
	}
	return apiError{message: obj.Message, typ: obj.Type, code: rawText(obj.Code)}
}

// rawText renders a JSON string or number as text; null and anything else give "".
func rawText(raw json.RawMessage) string {
	var s string
	if json.Unmarshal(raw, &s) == nil {
		return s
	}
	var n json.Number
	if json.Unmarshal(raw, &n) == nil {
		return n.String()
	}
	return ""
}
