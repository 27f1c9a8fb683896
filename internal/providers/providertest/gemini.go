package providertest

import (
	"encoding/json"
	"io"
	"net/http"
	"strings"
	"testing"
	"time"
)

// NewGemini starts a fake Gemini API at BaseURL = URL, serving
// POST /v1beta/models/{model}:streamGenerateContent?alt=sse. A non-empty key is checked against
// x-goog-api-key as Google does (400 INVALID_ARGUMENT "API key not valid"). respond scripts each answer.
func NewGemini(t testing.TB, key string, respond func(Request) Reply) *Server {
	t.Helper()
	s := start(t, func(s *Server, w http.ResponseWriter, r *http.Request) { serveGemini(s, key, respond, w, r) })
	s.BaseURL = s.URL
	return s
}

type geminiIn struct {
	Contents []struct {
		Role  string `json:"role"`
		Parts []struct {
			Text string `json:"text"`
		} `json:"parts"`
	} `json:"contents"`
	SystemInstruction *struct {
		Parts []struct {
			Text string `json:"text"`
		} `json:"parts"`
	} `json:"systemInstruction"`
	GenerationConfig *struct {
		MaxOutputTokens int      `json:"maxOutputTokens"`
		Temperature     *float64 `json:"temperature"`
	} `json:"generationConfig"`
}

func serveGemini(s *Server, key string, respond func(Request) Reply, w http.ResponseWriter, r *http.Request) {
	received := time.Now()
	body, _ := io.ReadAll(io.LimitReader(r.Body, 1<<20))
	req := Request{Method: r.Method, Path: r.URL.Path, Query: r.URL.RawQuery, Body: body, Received: received,
		Key: r.Header.Get("x-goog-api-key"), IncludeUsage: true}
	rest, isModels := strings.CutPrefix(r.URL.Path, "/v1beta/models/")
	model, method, _ := strings.Cut(rest, ":")
	req.Model = model
	req.Stream = method == "streamGenerateContent" && r.URL.Query().Get("alt") == "sse"
	var in geminiIn
	decodeErr := json.Unmarshal(body, &in)
	for _, c := range in.Contents {
		if c.Role == "user" || c.Role == "" {
			for _, p := range c.Parts {
				req.Prompt += p.Text
			}
		}
	}
	if in.SystemInstruction != nil {
		for _, p := range in.SystemInstruction.Parts {
			req.System += p.Text
		}
	}
	if gc := in.GenerationConfig; gc != nil {
		req.MaxOutputTokens, req.Temperature = gc.MaxOutputTokens, gc.Temperature
	}
	s.record(req)

	switch {
	case r.Method != http.MethodPost || !isModels || method != "streamGenerateContent":
		googleError(w, http.StatusNotFound, "", "Method not found.", "")
		return
	case key != "" && req.Key != key:
		googleError(w, http.StatusBadRequest, "", "API key not valid. Please pass a valid API key.", "INVALID_ARGUMENT")
		return
	case decodeErr != nil:
		googleError(w, http.StatusBadRequest, "", "Invalid JSON payload received.", "INVALID_ARGUMENT")
		return
	case !req.Stream:
		googleError(w, http.StatusBadRequest, "", "this fake server answers only alt=sse streams", "INVALID_ARGUMENT")
		return
	}

	rep := respond(req)
	switch {
	case rep.Hang:
		s.hang(r)
		return
	case rep.Status != 0 && rep.Status != http.StatusOK:
		googleError(w, rep.Status, rep.RetryAfter, rep.ErrorMessage, rep.ErrorType)
		return
	}

	w.Header().Set("Content-Type", "text/event-stream")
	w.WriteHeader(http.StatusOK)
	event := func(parts []map[string]any, finish string, final bool) {
		cand := map[string]any{"content": map[string]any{"role": "model", "parts": parts}, "index": 0}
		if finish != "" {
			cand["finishReason"] = finish
		}
		out := map[string]any{"candidates": []any{cand}, "modelVersion": model, "responseId": "fake-response"}
		if u := rep.Usage; u != nil {
			meta := map[string]any{"promptTokenCount": u.Input, "totalTokenCount": u.Input}
			if final {
				meta["candidatesTokenCount"] = u.Output - u.Reasoning
				meta["totalTokenCount"] = u.Input + u.Output
				if u.Reasoning > 0 {
					meta["thoughtsTokenCount"] = u.Reasoning
				}
				if u.Cached > 0 {
					meta["cachedContentTokenCount"] = u.Cached
				}
			}
			out["usageMetadata"] = meta
		}
		b, _ := json.Marshal(out)
		sse(w, string(b))
	}
	text := func(t string) []map[string]any { return []map[string]any{{"text": t}} }

	for _, th := range rep.Thoughts {
		event([]map[string]any{{"text": th, "thought": true}}, "", false)
	}
	event(text(""), "", false) // an empty first part: TTFT must skip it
	finish := "STOP"
	if rep.Finish == "length" {
		finish = "MAX_TOKENS"
	}
	ends := rep.StreamError == "" && !rep.Cut && !rep.Stall
	for i, c := range rep.Chunks {
		if !s.pause(r, rep.delay(i)) {
			return
		}
		if ends && i == len(rep.Chunks)-1 {
			s.leave(r)
			event(text(c), finish, true) // Gemini sends the last text with finishReason and the final usage
			return
		}
		event(text(c), "", false)
	}
	if rep.Stall {
		s.hang(r)
		return
	}
	switch {
	case rep.StreamError != "":
		b, _ := json.Marshal(map[string]any{"error": map[string]any{"code": 500, "message": rep.StreamError, "status": "INTERNAL"}})
		sse(w, string(b))
	case rep.Cut:
		cut()
	default:
		s.leave(r)
		event(text(""), finish, true)
	}
}

// googleError writes Google's error body {"error": {"code", "message", "status"}}.
func googleError(w http.ResponseWriter, status int, retryAfter, message, statusName string) {
	if statusName == "" {
		statusName = googleStatus(status)
	}
	b, _ := json.Marshal(map[string]any{"error": map[string]any{"code": status, "message": message, "status": statusName}})
	writeJSONError(w, status, retryAfter, b)
}

// googleStatus is the canonical google.rpc.Code name Google pairs with an HTTP status.
func googleStatus(status int) string {
	switch status {
	case http.StatusBadRequest:
		return "INVALID_ARGUMENT"
	case http.StatusUnauthorized:
		return "UNAUTHENTICATED"
	case http.StatusForbidden:
		return "PERMISSION_DENIED"
	case http.StatusNotFound:
		return "NOT_FOUND"
	case http.StatusTooManyRequests:
		return "RESOURCE_EXHAUSTED"
	case http.StatusServiceUnavailable:
		return "UNAVAILABLE"
	case http.StatusGatewayTimeout:
		return "DEADLINE_EXCEEDED"
	default:
		return "INTERNAL"
	}
}
