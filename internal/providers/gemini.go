package providers

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"strings"
	"time"
)

// geminiWire speaks the Gemini API's streamGenerateContent with server-sent events
// (POST {base}/v1beta/models/{model}:streamGenerateContent?alt=sse, header x-goog-api-key; Google AI for
// Developers, "Gemini API reference: Generating content"). Every event is a GenerateContentResponse; the last
// carries candidates[0].finishReason and the final usageMetadata.
type geminiWire struct {
	baseURL string // https://generativelanguage.googleapis.com
	key     string
}

type geminiRequest struct {
	Contents          []geminiContent         `json:"contents"`
	SystemInstruction *geminiContent          `json:"systemInstruction,omitempty"`
	GenerationConfig  *geminiGenerationConfig `json:"generationConfig,omitempty"`
}

type geminiContent struct {
	Role  string       `json:"role,omitempty"`
	Parts []geminiPart `json:"parts"`
}

type geminiPart struct {
	Text    string `json:"text"`
	Thought bool   `json:"thought,omitempty"` // a thought summary, not part of the answer
}

type geminiGenerationConfig struct {
	MaxOutputTokens int      `json:"maxOutputTokens,omitempty"`
	Temperature     *float64 `json:"temperature,omitempty"`
}

func (w *geminiWire) newRequest(ctx context.Context, req Request) (*http.Request, error) {
	body := geminiRequest{Contents: []geminiContent{{Role: "user", Parts: []geminiPart{{Text: req.Prompt}}}}}
	if req.System != "" {
		body.SystemInstruction = &geminiContent{Parts: []geminiPart{{Text: req.System}}}
	}
	if req.MaxOutputTokens > 0 || req.Temperature != nil {
		body.GenerationConfig = &geminiGenerationConfig{MaxOutputTokens: req.MaxOutputTokens, Temperature: req.Temperature}
	}
	b, err := json.Marshal(body)
	if err != nil {
		return nil, fmt.Errorf("encode request: %w", err)
	}
	model := url.PathEscape(strings.TrimPrefix(req.Model, "models/"))
	u := w.baseURL + "/v1beta/models/" + model + ":streamGenerateContent?alt=sse"
	hreq, err := http.NewRequestWithContext(ctx, http.MethodPost, u, bytes.NewReader(b))
	if err != nil {
		return nil, err
	}
	hreq.Header.Set("Content-Type", "application/json")
	hreq.Header.Set("Accept", "text/event-stream")
	if w.key != "" {
		hreq.Header.Set("x-goog-api-key", w.key)
	}
	return hreq, nil
}

type geminiChunk struct {
	Candidates []struct {
		Content struct {
			Parts []geminiPart `json:"parts"`
		} `json:"content"`
		FinishReason string `json:"finishReason"`
		Index        int    `json:"index"`
	} `json:"candidates"`
	PromptFeedback *struct {
		BlockReason string `json:"blockReason"`
	} `json:"promptFeedback"`
	UsageMetadata *struct {
		PromptTokenCount        int64 `json:"promptTokenCount"`
		CandidatesTokenCount    int64 `json:"candidatesTokenCount"`
		ThoughtsTokenCount      int64 `json:"thoughtsTokenCount"`
		CachedContentTokenCount int64 `json:"cachedContentTokenCount"`
	} `json:"usageMetadata"`
	Error *googleError `json:"error"`
}

func (w *geminiWire) readStream(body io.Reader, st *stream) error {
	done := false
	err := readSSE(body, func(data []byte) error {
		st.nextEvent()
		var ch geminiChunk
		if err := json.Unmarshal(data, &ch); err != nil {
			return fmt.Errorf("decode stream chunk: %w", err)
		}
		if ch.Error != nil {
			return streamFailure{ch.Error.apiError()}
		}
		for _, c := range ch.Candidates {
			if c.Index != 0 {
				continue
			}
			for _, p := range c.Content.Parts {
				if !p.Thought {
					st.appendText(p.Text)
				}
			}
			if c.FinishReason != "" && c.FinishReason != "FINISH_REASON_UNSPECIFIED" {
				st.finish = geminiFinish(c.FinishReason)
				done = true
			}
		}
		if pf := ch.PromptFeedback; pf != nil && pf.BlockReason != "" && pf.BlockReason != "BLOCK_REASON_UNSPECIFIED" {
			st.finish = FinishContentFilter
			done = true
		}
		if u := ch.UsageMetadata; u != nil {
			// Counts are running totals; the last event's are the call's. Output = candidates + thoughts (usageMetadata:
			// thinking tokens are billed as output, ai.google.dev/gemini-api/docs/pricing).
			st.hasUsage = true
			st.usage = tokenUsage{
				input:     tokenCount(u.PromptTokenCount),
				output:    tokenCount(u.CandidatesTokenCount + u.ThoughtsTokenCount),
				cached:    tokenCount(u.CachedContentTokenCount),
				reasoning: tokenCount(u.ThoughtsTokenCount),
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

// geminiFinish maps Gemini's FinishReason enum to the shared names.
func geminiFinish(r string) string {
	switch r {
	case "STOP":
		return FinishStop
	case "MAX_TOKENS":
		return FinishLength
	case "SAFETY", "RECITATION", "BLOCKLIST", "PROHIBITED_CONTENT", "SPII", "IMAGE_SAFETY":
		return FinishContentFilter
	case "MALFORMED_FUNCTION_CALL", "UNEXPECTED_TOOL_CALL":
		return FinishToolCalls
	default:
		return strings.ToLower(r)
	}
}

// googleError is Google's error model {"error": {"code", "message", "status", "details"}} (AIP-193).
type googleError struct {
	Code    json.RawMessage `json:"code"`
	Message string          `json:"message"`
	Status  string          `json:"status"`
	Details []struct {
		Type       string `json:"@type"`
		RetryDelay string `json:"retryDelay"`
	} `json:"details"`
}

func (g *googleError) apiError() apiError {
	ae := apiError{message: g.Message, typ: g.Status, code: rawText(g.Code)}
	for _, d := range g.Details {
		// google.rpc.RetryInfo carries the wait as a protobuf Duration in JSON form: "37s", "1.5s".
		if strings.HasSuffix(d.Type, "google.rpc.RetryInfo") {
			if dur, err := time.ParseDuration(d.RetryDelay); err == nil && dur > 0 {
				ae.retryAfter = dur
			}
		}
	}
	return ae
}

// decodeError reads a Google error body; streaming endpoints without alt=sse wrap it in a JSON array.
func (w *geminiWire) decodeError(body []byte) apiError {
	body = bytes.TrimSpace(body)
	type envelope struct {
		Error *googleError `json:"error"`
	}
	var env envelope
	if len(body) > 0 && body[0] == '[' {
		var list []envelope
		if json.Unmarshal(body, &list) != nil || len(list) == 0 {
			return apiError{}
		}
		env = list[0]
	} else if json.Unmarshal(body, &env) != nil {
		return apiError{}
	}
	if env.Error == nil {
		return apiError{}
	}
	return env.Error.apiError()
}
