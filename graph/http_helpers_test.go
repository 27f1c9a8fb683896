package graph_test

import (
	"bytes"
	"encoding/json"
	"io"
	"net/http"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/modelarchitect/architect/internal/testutil"
)

// Media types of GraphQL over HTTP (graphql.github.io/graphql-over-http/draft, "Body").
const (
	gqlResponseJSON = "application/graphql-response+json; charset=utf-8"
	legacyJSON      = "application/json; charset=utf-8"
	acceptModern    = "application/graphql-response+json, application/json;q=0.9" // what the draft tells clients to send
	acceptGQL       = "application/graphql-response+json"
	acceptJSON      = "application/json"
)

// rawRequest is an HTTP request to the server, written out by hand so that the test controls every header.
type rawRequest struct {
	method string
	path   string // with its query string; /graphql when empty
	header map[string]string
	body   string
}

// rawResponse is what came back: status, headers, and the body with its top-level JSON keys when it is JSON.
type rawResponse struct {
	status int
	header http.Header
	body   []byte
	keys   map[string]json.RawMessage // nil when the body is not a JSON object
	errors []testutil.Error
}

func (r rawResponse) firstCode() string {
	if len(r.errors) == 0 {
		return ""
	}
	return r.errors[0].Code()
}

var rawClient = &http.Client{Timeout: 30 * time.Second}

// send sends req to the server at base.
func send(t *testing.T, base string, req rawRequest) rawResponse {
	t.Helper()
	path := req.path
	if path == "" {
		path = "/graphql"
	}
	var body io.Reader
	if req.body != "" {
		body = strings.NewReader(req.body)
	}
	method := req.method
	if method == "" {
		method = http.MethodPost
	}
	hr, err := http.NewRequest(method, base+path, body)
	require.NoError(t, err)
	for k, v := range req.header {
		hr.Header.Set(k, v)
	}
	return roundTrip(t, hr)
}

func roundTrip(t *testing.T, hr *http.Request) rawResponse {
	t.Helper()
	res, err := rawClient.Do(hr)
	require.NoError(t, err)
	defer res.Body.Close()
	raw, err := io.ReadAll(res.Body)
	require.NoError(t, err)
	out := rawResponse{status: res.StatusCode, header: res.Header, body: raw}
	if json.Unmarshal(raw, &out.keys) == nil {
		if e, ok := out.keys["errors"]; ok {
			require.NoError(t, json.Unmarshal(e, &out.errors), "errors: %s", e)
		}
	}
	return out
}

// postReq is a JSON POST of a GraphQL request body with the given Accept header ("" sends none).
func postReq(body, accept string, extra ...string) rawRequest {
	h := map[string]string{"Content-Type": "application/json"}
	if accept != "" {
		h["Accept"] = accept
	}
	for i := 0; i+1 < len(extra); i += 2 {
		h[extra[i]] = extra[i+1]
	}
	return rawRequest{method: http.MethodPost, header: h, body: body}
}

// getReq is a GET with the parameters as a query string.
func getReq(params url.Values, accept string) rawRequest {
	h := map[string]string{}
	if accept != "" {
		h["Accept"] = accept
	}
	return rawRequest{method: http.MethodGet, path: "/graphql?" + params.Encode(), header: h}
}

// jsonBody encodes a GraphQL-over-HTTP request body.
func jsonBody(t *testing.T, fields map[string]any) string {
	t.Helper()
	b, err := json.Marshal(fields)
	require.NoError(t, err)
	return string(b)
}

// bearerHeader returns the Authorization header pair for extra arguments of postReq.
func bearerHeader(token string) []string { return []string{"Authorization", "Bearer " + token} }

// graphqlBody builds a request body with a query and, when not nil, variables.
func graphqlBody(query string, vars map[string]any) string {
	m := map[string]any{"query": query}
	if vars != nil {
		m["variables"] = vars
	}
	b, _ := json.Marshal(m)
	return string(b)
}

// dataOf decodes the data entry of r into out, requiring that it has no errors.
func dataOf(t *testing.T, r rawResponse, out any) {
	t.Helper()
	require.Empty(t, r.errors, "body: %s", r.body)
	require.Contains(t, r.keys, "data", "body: %s", r.body)
	require.NoError(t, json.Unmarshal(r.keys["data"], out))
}

// bytesOf returns a body of exactly n bytes: a valid request padded with spaces inside the JSON object.
func bytesOf(n int) string {
	const head, tail = `{"query":"{ __typename }"`, `}`
	var b bytes.Buffer
	b.Grow(n)
	b.WriteString(head)
	b.WriteString(strings.Repeat(" ", n-len(head)-len(tail)))
	b.WriteString(tail)
	return b.String()
}
