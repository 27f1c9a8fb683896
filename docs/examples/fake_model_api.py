#!/usr/bin/env python3
"""A tiny stand-in for a model API, for trying Model Architect without a real key.

Speaks OpenAI's streaming chat completions (GET /v1/models, POST /v1/chat/completions with stream: true and
usage) and Gemini's streamGenerateContent (POST /v1beta/models/{model}:streamGenerateContent?alt=sse).
Answers a few known prompts; any model whose name contains "nano" gets the arithmetic wrong, so a benchmark
shows one model better than the other. Usage: python3 docs/examples/fake_model_api.py [port]   (default 3899; Python 3 standard library only)
"""
import json
import re
import sys
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer


def answer(model, prompt):
    p = prompt.lower()
    if "capital of france" in p:
        return "The capital of France is Paris."
    if "17 * 23" in p or "17 x 23" in p:
        return "17 * 23 = " + ("381" if "nano" in model else "391")
    if "json" in p:
        return '{"ok": true}'
    return "I do not know."


def words(text):
    return re.findall(r"\S+\s*", text)


class Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"

    def log_message(self, fmt, *args):
        sys.stderr.write("fake-llm: " + (fmt % args) + "\n")

    def _json(self, status, body):
        data = json.dumps(body).encode()
        self.send_response(status)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(data)))
        self.end_headers()
        self.wfile.write(data)

    def _sse_start(self):
        self.send_response(200)
        self.send_header("Content-Type", "text/event-stream")
        self.send_header("Cache-Control", "no-cache")
        self.send_header("Connection", "close")
        self.end_headers()

    def _event(self, obj):
        payload = obj if isinstance(obj, str) else json.dumps(obj)
        self.wfile.write(("data: " + payload + "\n\n").encode())
        self.wfile.flush()

    def do_GET(self):
        if self.path.rstrip("/").endswith("/models"):
            return self._json(200, {"object": "list", "data": [
                {"id": "fake-model", "object": "model", "owned_by": "fake"}]})
        self._json(404, {"error": {"message": "not found"}})

    def do_POST(self):
        body = json.loads(self.rfile.read(int(self.headers.get("Content-Length", 0))) or b"{}")
        if self.path.endswith("/chat/completions"):
            return self._openai(body)
        m = re.search(r"/v1beta/models/([^:]+):streamGenerateContent", self.path)
        if m:
            return self._gemini(m.group(1), body)
        self._json(404, {"error": {"message": "not found"}})

    def _openai(self, body):
        model = body.get("model", "")
        prompt = " ".join(str(msg.get("content", "")) for msg in body.get("messages", []) if msg.get("role") == "user")
        text = answer(model, prompt)
        self._sse_start()
        base = {"id": "chatcmpl-fake", "object": "chat.completion.chunk", "created": int(time.time()), "model": model}
        self._event({**base, "choices": [{"index": 0, "delta": {"role": "assistant", "content": ""}, "finish_reason": None}]})
        time.sleep(0.05)  # time to first token
        for w in words(text):
            self._event({**base, "choices": [{"index": 0, "delta": {"content": w}, "finish_reason": None}]})
            time.sleep(0.01)
        self._event({**base, "choices": [{"index": 0, "delta": {}, "finish_reason": "stop"}]})
        n_in, n_out = max(1, len(prompt) // 4), len(words(text))
        self._event({**base, "choices": [], "usage": {"prompt_tokens": n_in, "completion_tokens": n_out,
                                                      "total_tokens": n_in + n_out}})
        self._event("[DONE]")
        self.close_connection = True

    def _gemini(self, model, body):
        prompt = " ".join(p.get("text", "") for c in body.get("contents", []) for p in c.get("parts", []))
        text = answer(model, prompt)
        self._sse_start()
        time.sleep(0.05)
        ws = words(text)
        n_in = max(1, len(prompt) // 4)
        for i, w in enumerate(ws):
            ev = {"candidates": [{"content": {"role": "model", "parts": [{"text": w}]}, "index": 0}],
                  "usageMetadata": {"promptTokenCount": n_in, "candidatesTokenCount": i + 1, "totalTokenCount": n_in + i + 1},
                  "modelVersion": model}
            if i == len(ws) - 1:
                ev["candidates"][0]["finishReason"] = "STOP"
            self._event(ev)
            time.sleep(0.01)
        self.close_connection = True


if __name__ == "__main__":
    port = int(sys.argv[1]) if len(sys.argv) > 1 else 3899
    print(f"fake model API on http://127.0.0.1:{port} (OpenAI: /v1, Gemini: /v1beta)", flush=True)
    ThreadingHTTPServer(("127.0.0.1", port), Handler).serve_forever()
