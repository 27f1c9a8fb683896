package httpx_test

import (
	"encoding/json"
	"io"
	"net/http"
	"net/url"
	"strings"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/modelarchitect/architect/internal/httpx"
)

const (
	gqlResponse = "application/graphql-response+json; charset=utf-8"
	legacyJSON  = "application/json; charset=utf-8"
	modern      = "application/graphql-response+json, application/json;q=0.9" // what the draft tells clients to send
)

func q(v url.Values) string { return v.Encode() }

// TestTransportSpec walks the status codes and media types of graphql.github.io/graphql-over-http/draft
// ("Status Codes" and its examples, "Accept", "GET", "POST").
func TestTransportSpec(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name        string
		req         request
		status      int
		contentType string
		data        string // expected data; "" means the response must have no data entry
		code        string // extensions.code of the first error, when one is expected
		allow       string
		message     string // part of the first error's message
	}{
		{name: "POST query, graphql-response+json accepted", req: jsonPost(`{"query":"{ hello }"}`, modern),
			status: 200, contentType: gqlResponse, data: `{"hello":"world"}`},
		{name: "POST query from a legacy client", req: jsonPost(`{"query":"{ hello }"}`, "application/json"),
			status: 200, contentType: legacyJSON, data: `{"hello":"world"}`},
		{name: "no Accept header answers application/json", req: jsonPost(`{"query":"{ hello }"}`, ""),
			status: 200, contentType: legacyJSON, data: `{"hello":"world"}`},
		{name: "q-values decide, not order", req: jsonPost(`{"query":"{ hello }"}`, "application/json;q=0.5, application/graphql-response+json"),
			status: 200, contentType: gqlResponse, data: `{"hello":"world"}`},
		{name: "*/* gets graphql-response+json", req: jsonPost(`{"query":"{ hello }"}`, "*/*"),
			status: 200, contentType: gqlResponse, data: `{"hello":"world"}`},
		{name: "Accept naming neither type → 406", req: jsonPost(`{"query":"{ hello }"}`, "text/html"),
			status: 406, contentType: gqlResponse, code: httpx.CodeNotAcceptable},
		{name: "Accept refusing both types with q=0 → 406", req: jsonPost(`{"query":"{ hello }"}`, "application/json;q=0, */*;q=0"),
			status: 406, contentType: gqlResponse, code: httpx.CodeNotAcceptable},
		{name: "JSON parsing failure → 400", req: jsonPost(`{"query":`, modern),
			status: 400, contentType: gqlResponse, code: httpx.CodeBadRequest, message: "not valid JSON"},
		{name: "NONSENSE body → 400", req: jsonPost(`NONSENSE`, modern),
			status: 400, contentType: gqlResponse, code: httpx.CodeBadRequest, message: "syntax error at byte 1"},
		{name: "data after the JSON object → 400", req: jsonPost(`{"query":"{ hello }"} {}`, modern),
			status: 400, contentType: gqlResponse, code: httpx.CodeBadRequest},
		{name: "empty body → 400", req: jsonPost(" ", modern),
			status: 400, contentType: gqlResponse, code: httpx.CodeBadRequest, message: "empty"},
		{name: "batched array → 400", req: jsonPost(`[{"query":"{ hello }"},{"query":"{ hello }"}]`, modern),
			status: 400, contentType: gqlResponse, code: httpx.CodeBadRequest, message: "batched requests (a JSON array of operations) are not supported"},
		{name: "body not an object → 422", req: jsonPost(`"{ hello }"`, modern),
			status: 422, contentType: gqlResponse, code: httpx.CodeBadRequest, message: "JSON object"},
		{name: "query of the wrong type → 422", req: jsonPost(`{"query": 1}`, modern),
			status: 422, contentType: gqlResponse, code: httpx.CodeBadRequest, message: "query must be a string"},
		{name: "operationName of the wrong type → 422", req: jsonPost(`{"query":"{ hello }","operationName":true}`, modern),
			status: 422, contentType: gqlResponse, code: httpx.CodeBadRequest, message: "operationName must be a string"},
		{name: "variables of the wrong shape → 422", req: jsonPost(`{"query":"{ hello }","variables":[7]}`, modern),
			status: 422, contentType: gqlResponse, code: httpx.CodeBadRequest, message: "variables must be a JSON object"},
		{name: "null optional parameters are as if absent", req: jsonPost(`{"query":"{ hello }","operationName":null,"variables":null,"extensions":null}`, modern),
			status: 200, contentType: gqlResponse, data: `{"hello":"world"}`},
		{name: "missing query (typo) → 422", req: jsonPost(`{"qeury":"{ hello }"}`, modern),
			status: 422, contentType: gqlResponse, code: "GRAPHQL_VALIDATION_FAILED"},
		{name: "document parsing failure → 400", req: jsonPost(`{"query":"{"}`, modern),
			status: 400, contentType: gqlResponse, code: "GRAPHQL_PARSE_FAILED"},
		{name: "document validation failure → 422", req: jsonPost(`{"query":"{ nope }"}`, modern),
			status: 422, contentType: gqlResponse, code: "GRAPHQL_VALIDATION_FAILED"},
		{name: "operation cannot be determined → 422", req: jsonPost(`{"query":"query A { hello } query B { hello }"}`, modern),
			status: 422, contentType: gqlResponse, code: "GRAPHQL_VALIDATION_FAILED"},
		{name: "variable coercion failure → 422", req: jsonPost(`{"query":"query G($n: String!) { greet(name: $n) }","variables":{"n":null}}`, modern),
			status: 422, contentType: gqlResponse, code: "GRAPHQL_VALIDATION_FAILED"},
		{name: "legacy client: request errors use graphql-response+json", req: jsonPost(`{"query":"{ nope }"}`, "application/json"),
			status: 422, contentType: gqlResponse, code: "GRAPHQL_VALIDATION_FAILED"},
		{name: "field error with data → 200 with data and errors", req: jsonPost(`{"query":"{ hello broken }"}`, modern),
			status: 200, contentType: gqlResponse, data: `{"hello":"world","broken":null}`, code: "INTERNAL"},
		{name: "an operation that fails before producing data → 500", req: jsonPost(`{"query":"query Explode { hello }"}`, modern),
			status: 500, contentType: gqlResponse, code: "INTERNAL"},
		{name: "POST mutation runs", req: jsonPost(`{"query":"mutation { bump }"}`, modern),
			status: 200, contentType: gqlResponse, data: `{"bump":1}`},
		{name: "POST without Content-Type → 415", req: request{method: http.MethodPost, headers: map[string]string{"Accept": modern}, body: `{"query":"{ hello }"}`},
			status: 415, contentType: gqlResponse, code: httpx.CodeUnsupportedMediaType, message: "Content-Type: application/json"},
		{name: "POST as text/plain → 415", req: request{method: http.MethodPost, headers: map[string]string{"Content-Type": "text/plain"}, body: `{"query":"mutation { bump }"}`},
			status: 415, contentType: gqlResponse, code: httpx.CodeUnsupportedMediaType},
		{name: "POST in another charset → 415", req: request{method: http.MethodPost, headers: map[string]string{"Content-Type": "application/json; charset=latin1"}, body: `{"query":"{ hello }"}`},
			status: 415, contentType: gqlResponse, code: httpx.CodeUnsupportedMediaType},
		{name: "POST with charset=UTF-8 is fine", req: request{method: http.MethodPost, headers: map[string]string{"Content-Type": "application/json; charset=UTF-8"}, body: `{"query":"{ hello }"}`},
			status: 200, contentType: legacyJSON, data: `{"hello":"world"}`},
		{name: "GET query", req: get(q(url.Values{"query": {"{ hello }"}}), modern),
			status: 200, contentType: gqlResponse, data: `{"hello":"world"}`},
		{name: "GET with variables", req: get(q(url.Values{"query": {"query G($n: String!) { greet(name: $n) }"}, "variables": {`{"n":"x"}`}}), modern),
			status: 200, contentType: gqlResponse, data: `{"hello":"world"}`},
		{name: "GET empty optional parameters are as if absent", req: get("query=%7B+hello+%7D&operationName=&variables=&extensions=", modern),
			status: 200, contentType: gqlResponse, data: `{"hello":"world"}`},
		{name: "GET mutation → 405 with Allow: POST", req: get(q(url.Values{"query": {"mutation { bump }"}}), modern),
			status: 405, contentType: gqlResponse, code: httpx.CodeMethodNotAllowed, allow: "POST", message: "send it with POST"},
		{name: "GET mutation picked by operationName → 405", req: get(q(url.Values{"query": {"query Q { hello } mutation M { bump }"}, "operationName": {"M"}}), ""),
			status: 405, contentType: gqlResponse, code: httpx.CodeMethodNotAllowed, allow: "POST"},
		{name: "GET query picked by operationName beside a mutation runs", req: get(q(url.Values{"query": {"query Q { hello } mutation M { bump }"}, "operationName": {"Q"}}), ""),
			status: 200, contentType: legacyJSON, data: `{"hello":"world"}`},
		{name: "GET subscription → 405", req: get(q(url.Values{"query": {"subscription { ticks }"}}), modern),
			status: 405, contentType: gqlResponse, code: httpx.CodeMethodNotAllowed, allow: "POST", message: "websocket"},
		{name: "POST subscription without an event stream → 406", req: jsonPost(`{"query":"subscription { ticks }"}`, modern),
			status: 406, contentType: gqlResponse, code: httpx.CodeNotAcceptable, message: "text/event-stream"},
		{name: "GET variables not JSON → 400", req: get(q(url.Values{"query": {"{ hello }"}, "variables": {"{"}}), modern),
			status: 400, contentType: gqlResponse, code: httpx.CodeBadRequest, message: "variables is not valid JSON"},
		{name: "GET variables not an object → 422", req: get(q(url.Values{"query": {"{ hello }"}, "variables": {"[1]"}}), modern),
			status: 422, contentType: gqlResponse, code: httpx.CodeBadRequest, message: "variables must be a JSON object"},
		{name: "GET query string that cannot be decoded → 400", req: get("query=%zz", modern),
			status: 400, contentType: gqlResponse, code: httpx.CodeBadRequest},
		{name: "PUT → 405", req: request{method: http.MethodPut, headers: map[string]string{"Content-Type": "application/json"}, body: `{"query":"{ hello }"}`},
			status: 405, contentType: gqlResponse, code: httpx.CodeMethodNotAllowed, allow: "GET, POST, OPTIONS"},
		{name: "OPTIONS → 204 with Allow", req: request{method: http.MethodOptions},
			status: 204, allow: "GET, POST, OPTIONS"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			b := setup(t, options{})
			res := b.do(t, tc.req)
			require.Equal(t, tc.status, res.status, "errors: %+v", res.errors)
			require.Equal(t, tc.contentType, res.header.Get("Content-Type"))
			require.Equal(t, tc.allow, res.header.Get("Allow"))
			if tc.data == "" {
				require.NotContains(t, res.raw, "data", "a request error has no data entry")
			} else {
				require.JSONEq(t, tc.data, string(res.raw["data"]))
			}
			if tc.code == "" {
				require.Empty(t, res.errors)
				return
			}
			require.NotEmpty(t, res.errors)
			require.Equal(t, tc.code, res.errors[0].Extensions["code"])
			require.Contains(t, res.errors[0].Message, tc.message)
			if tc.code == httpx.CodeMethodNotAllowed {
				require.Zero(t, b.mutations.Load(), "a refused mutation must not run")
			}
		})
	}
}

func TestTransportPartialStatus(t *testing.T) {
	t.Parallel()
	b := setup(t, options{transport: httpx.Transport{PartialStatus: 294}})
	tests := []struct {
		name   string
		query  string
		status int
	}{
		{name: "data and errors → the configured partial status", query: `{"query":"{ hello broken }"}`, status: 294},
		{name: "data alone → 200", query: `{"query":"{ hello }"}`, status: 200},
		{name: "request errors keep their status", query: `{"query":"{ nope }"}`, status: 422},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			res := b.do(t, jsonPost(tc.query, modern))
			require.Equal(t, tc.status, res.status)
		})
	}
}

func TestMaxBody(t *testing.T) {
	t.Parallel()
	b := setup(t, options{maxBody: 200})
	small := `{"query":"{ hello }"}`
	large := `{"query":"{ hello }` + strings.Repeat(" ", 300) + `"}`
	tests := []struct {
		name    string
		body    string
		chunked bool // no Content-Length: the cap must hold while reading
		status  int
	}{
		{name: "under the cap", body: small, status: 200},
		{name: "over the cap, declared length", body: large, status: 413},
		{name: "over the cap, chunked", body: large, chunked: true, status: 413},
		{name: "under the cap, chunked", body: small, chunked: true, status: 200},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			req, err := http.NewRequest(http.MethodPost, b.url, strings.NewReader(tc.body))
			require.NoError(t, err)
			req.Header.Set("Content-Type", "application/json")
			req.Header.Set("Accept", modern)
			if tc.chunked {
				req.ContentLength = -1
				req.GetBody = nil
				req.Body = io.NopCloser(strings.NewReader(tc.body))
			}
			res, err := http.DefaultClient.Do(req)
			require.NoError(t, err)
			defer res.Body.Close()
			require.Equal(t, tc.status, res.StatusCode)
			if tc.status == 413 {
				var out struct {
					Errors []struct {
						Message    string
						Extensions map[string]any
					}
				}
				require.NoError(t, json.NewDecoder(res.Body).Decode(&out))
				require.Len(t, out.Errors, 1)
				require.Equal(t, httpx.CodeRequestTooLarge, out.Errors[0].Extensions["code"])
				require.Contains(t, out.Errors[0].Message, "over 200 bytes")
				require.Equal(t, gqlResponse, res.Header.Get("Content-Type"))
			}
		})
	}
}

func TestNegotiate(t *testing.T) {
	t.Parallel()
	tests := []struct {
		accept string
		media  string
		ok     bool
	}{
		{accept: "", media: httpx.MediaJSON, ok: true},
		{accept: "application/graphql-response+json", media: httpx.MediaGraphQLResponse, ok: true},
		{accept: "application/json", media: httpx.MediaJSON, ok: true},
		{accept: "application/graphql-response+json, application/json;q=0.9", media: httpx.MediaGraphQLResponse, ok: true},
		{accept: "application/json, application/graphql-response+json;q=0.8", media: httpx.MediaJSON, ok: true},
		{accept: "application/*", media: httpx.MediaGraphQLResponse, ok: true},
		{accept: "application/*, application/graphql-response+json;q=0", media: httpx.MediaJSON, ok: true},
		// urql's default Accept header
		{accept: "application/graphql-response+json, application/graphql+json, application/json, text/event-stream, multipart/mixed", media: httpx.MediaGraphQLResponse, ok: true},
		{accept: "text/html,application/xhtml+xml", ok: false, media: httpx.MediaGraphQLResponse},
		{accept: "garbage;;;", ok: false, media: httpx.MediaGraphQLResponse},
	}
	for _, tc := range tests {
		t.Run(tc.accept, func(t *testing.T) {
			t.Parallel()
			media, ok := httpx.Negotiate(tc.accept)
			require.Equal(t, tc.ok, ok)
			require.Equal(t, tc.media, media)
		})
	}
}
