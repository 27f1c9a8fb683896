package graph_test

import (
	"context"
	"io"
	"net/http"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/modelarchitect/architect/ent/user"
	"github.com/modelarchitect/architect/internal/httpx"
	"github.com/modelarchitect/architect/internal/testutil"
	"github.com/modelarchitect/architect/internal/viewer"
)

// TestGraphQLOverHTTP walks the status codes and media types of the GraphQL-over-HTTP draft
// (graphql.github.io/graphql-over-http/draft, "Accept", "GET", "POST", "Status Codes") against the real
// handler: real schema, real extensions (limits, APQ, transactions), real middleware.
//
// A client that accepts only application/json gets 4xx request errors in application/graphql-response+json:
// the draft (section "Body", August 2026) asks servers to answer such legacy clients as if they had accepted
// application/graphql-response+json and only relabel 2xx responses as application/json. The older appendix
// that answered them 200 is gone from the draft; httpx follows the current text.
func TestGraphQLOverHTTP(t *testing.T) {
	t.Parallel()
	s := testutil.NewServer(t, testutil.SQLite)
	u := s.SignUp(t, "spec@example.com", viewer.RoleFree)
	me := graphqlBody(`query Me { me { email } }`, nil)
	withToken := func(r rawRequest) rawRequest {
		r.header["Authorization"] = "Bearer " + u.Token
		return r
	}
	tests := []struct {
		name        string
		req         rawRequest
		status      int
		contentType string
		data        string // expected data entry; "" when the response must have none
		code        string // extensions.code of the first error; "" when there must be none
		message     string // part of the first error's message
		allow       string // Allow header
	}{
		{name: "POST accepting graphql-response+json", req: withToken(postReq(me, acceptGQL)),
			status: 200, contentType: gqlResponseJSON, data: `{"me":{"email":"spec@example.com"}}`},
		{name: "POST with the Accept header the draft recommends", req: withToken(postReq(me, acceptModern)),
			status: 200, contentType: gqlResponseJSON, data: `{"me":{"email":"spec@example.com"}}`},
		{name: "POST as Apollo Client 4 sends it", req: withToken(postReq(me, "application/graphql-response+json,application/json;q=0.9")),
			status: 200, contentType: gqlResponseJSON, data: `{"me":{"email":"spec@example.com"}}`},
		{name: "POST from a legacy client accepting application/json", req: withToken(postReq(me, acceptJSON)),
			status: 200, contentType: legacyJSON, data: `{"me":{"email":"spec@example.com"}}`},
		{name: "POST without Accept is answered in application/json", req: withToken(postReq(me, "")),
			status: 200, contentType: legacyJSON, data: `{"me":{"email":"spec@example.com"}}`},
		{name: "GET query", req: withToken(getReq(url.Values{"query": {`query Me { me { email } }`}}, acceptGQL)),
			status: 200, contentType: gqlResponseJSON, data: `{"me":{"email":"spec@example.com"}}`},
		{name: "GET query with variables and operationName", req: withToken(getReq(url.Values{
			"query":         {`query Count($n: Int) { scenarios(first: $n) { totalCount } } query Other { __typename }`},
			"operationName": {"Count"}, "variables": {`{"n": 2}`}}, acceptModern)),
			status: 200, contentType: gqlResponseJSON, data: `{"scenarios":{"totalCount":0}}`},
		{name: "GET subscription → 405 with Allow: POST", req: getReq(url.Values{"query": {`subscription { myBenchmarkEvents { id } }`}}, acceptGQL),
			status: 405, contentType: gqlResponseJSON, code: httpx.CodeMethodNotAllowed, allow: "POST", message: "websocket"},
		{name: "JSON parsing failure → 400", req: postReq(`{"query":`, acceptGQL),
			status: 400, contentType: gqlResponseJSON, code: httpx.CodeBadRequest, message: "not valid JSON"},
		{name: "NONSENSE body → 400", req: postReq(`NONSENSE`, acceptModern),
			status: 400, contentType: gqlResponseJSON, code: httpx.CodeBadRequest},
		{name: "JSON parsing failure, legacy client → 400 in graphql-response+json", req: postReq(`{"query":`, acceptJSON),
			status: 400, contentType: gqlResponseJSON, code: httpx.CodeBadRequest},
		{name: "parameters of the wrong shape → 422", req: postReq(`{"query":"{ __typename }","variables":[7]}`, acceptGQL),
			status: 422, contentType: gqlResponseJSON, code: httpx.CodeBadRequest, message: "variables must be a JSON object"},
		{name: "document that does not parse → 400", req: postReq(graphqlBody(`{ me { email }`, nil), acceptGQL),
			status: 400, contentType: gqlResponseJSON, code: "GRAPHQL_PARSE_FAILED"},
		{name: "document that fails validation → 422", req: postReq(graphqlBody(`{ me { noSuchField } }`, nil), acceptGQL),
			status: 422, contentType: gqlResponseJSON, code: "GRAPHQL_VALIDATION_FAILED", message: "noSuchField"},
		{name: "validation failure, legacy client → 422 in graphql-response+json", req: postReq(graphqlBody(`{ me { noSuchField } }`, nil), acceptJSON),
			status: 422, contentType: gqlResponseJSON, code: "GRAPHQL_VALIDATION_FAILED"},
		{name: "operation that cannot be determined → 422", req: postReq(graphqlBody(`query A { __typename } query B { __typename }`, nil), acceptGQL),
			status: 422, contentType: gqlResponseJSON, code: "GRAPHQL_VALIDATION_FAILED"},
		{name: "variables that do not coerce → 422", req: postReq(graphqlBody(`query($n: Int!) { scenarios(first: $n) { totalCount } }`, map[string]any{"n": "two"}), acceptGQL),
			status: 422, contentType: gqlResponseJSON, code: "GRAPHQL_VALIDATION_FAILED"},
		{name: "batched array → 400", req: postReq(`[{"query":"{ __typename }"},{"query":"{ __typename }"}]`, acceptGQL),
			status: 400, contentType: gqlResponseJSON, code: httpx.CodeBadRequest, message: "batched requests"},
		{name: "POST that is not JSON → 415", req: rawRequest{method: http.MethodPost, header: map[string]string{"Content-Type": "text/plain", "Accept": acceptGQL}, body: `{"query":"{ __typename }"}`},
			status: 415, contentType: gqlResponseJSON, code: httpx.CodeUnsupportedMediaType},
		{name: "Accept naming neither JSON type → 406", req: postReq(graphqlBody(`{ __typename }`, nil), "text/html"),
			status: 406, contentType: gqlResponseJSON, code: httpx.CodeNotAcceptable},
		{name: "PUT → 405", req: rawRequest{method: http.MethodPut, header: map[string]string{"Content-Type": "application/json", "Accept": acceptGQL}, body: `{"query":"{ __typename }"}`},
			status: 405, contentType: gqlResponseJSON, code: httpx.CodeMethodNotAllowed, allow: "GET, POST, OPTIONS"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			r := send(t, s.URL, tc.req)
			require.Equal(t, tc.status, r.status, "body: %s", r.body)
			require.Equal(t, tc.contentType, r.header.Get("Content-Type"))
			require.Equal(t, tc.allow, r.header.Get("Allow"))
			require.NotNil(t, r.keys, "the body is a GraphQL response: %s", r.body)
			if tc.data == "" {
				require.NotContains(t, r.keys, "data", "a request error has no data entry: %s", r.body)
			} else {
				require.JSONEq(t, tc.data, string(r.keys["data"]))
			}
			if tc.code == "" {
				require.Empty(t, r.errors)
				return
			}
			require.NotEmpty(t, r.errors, "body: %s", r.body)
			require.Equal(t, tc.code, r.firstCode(), "body: %s", r.body)
			require.Contains(t, r.errors[0].Message, tc.message)
		})
	}
}

// TestFailedMutationKeepsNullData: a mutation that fails after it started (a field error, a role it lacks)
// answers 200 with "data": null beside its errors, as GraphQL over HTTP asks of an operation that ran, and
// writes nothing: the first of its two fields succeeded, and was rolled back with the second.
func TestFailedMutationKeepsNullData(t *testing.T) {
	t.Parallel()
	s := testutil.NewServer(t, testutil.SQLite)
	u := s.SignUp(t, "failed@example.com", viewer.RoleFree)
	q := `mutation Two { a: createScenario(input: {name: "kept?", config: {taskComplexity: LOW, dataVolume: 1,
		responseTimeSLA: 1000, inputTokens: 10, outputTokens: 10}}) { id }
		b: createDeployment(input: {modelName: "m", provider: SELF_HOSTED, config: {endpoint: "http://models.example.com/v1"}}) { id } }`
	for _, accept := range []string{acceptModern, "application/json"} {
		r := send(t, s.URL, postReq(graphqlBody(q, nil), accept, bearerHeader(u.Token)...))
		require.Equal(t, 200, r.status, "body: %s", r.body)
		require.JSONEq(t, "null", string(r.keys["data"]), "body: %s", r.body)
		require.Contains(t, string(r.keys["errors"]), `"FORBIDDEN"`)
	}
	n, err := s.DB.Client.Scenario.Query().Count(testutil.System())
	require.NoError(t, err)
	require.Zero(t, n, "the first field's row was rolled back")
}

// TestRefusedMutationsWriteNothing sends a sign-up in every way the transport refuses — over GET, as a form
// or plain text (what a cross-site form can send without a preflight), in a batch — and checks that no
// account was created; the same mutation sent properly creates one, so the check can fail.
func TestRefusedMutationsWriteNothing(t *testing.T) {
	t.Parallel()
	s := testutil.NewServer(t, testutil.SQLite)
	signUp := func(email string) string {
		return `mutation SignUp { signUp(input: {email: "` + email + `", password: "password-123"}) { token } }`
	}
	tests := []struct {
		name   string
		email  string
		req    func(query string) rawRequest
		status int
		code   string
		allow  string
	}{
		{name: "GET", email: "get@example.com", status: 405, code: httpx.CodeMethodNotAllowed, allow: "POST",
			req: func(q string) rawRequest { return getReq(url.Values{"query": {q}}, acceptGQL) }},
		{name: "GET picking the mutation by operationName", email: "getop@example.com", status: 405, code: httpx.CodeMethodNotAllowed, allow: "POST",
			req: func(q string) rawRequest {
				return getReq(url.Values{"query": {"query Q { __typename } " + q}, "operationName": {"SignUp"}}, "")
			}},
		{name: "POST as a form", email: "form@example.com", status: 415, code: httpx.CodeUnsupportedMediaType,
			req: func(q string) rawRequest {
				return rawRequest{method: http.MethodPost, header: map[string]string{"Content-Type": "application/x-www-form-urlencoded"},
					body: url.Values{"query": {q}}.Encode()}
			}},
		{name: "POST as text/plain", email: "text@example.com", status: 415, code: httpx.CodeUnsupportedMediaType,
			req: func(q string) rawRequest {
				return rawRequest{method: http.MethodPost, header: map[string]string{"Content-Type": "text/plain"}, body: graphqlBody(q, nil)}
			}},
		{name: "POST in a batch", email: "batch@example.com", status: 400, code: httpx.CodeBadRequest,
			req: func(q string) rawRequest { return postReq("["+graphqlBody(q, nil)+"]", acceptGQL) }},
		{name: "POST application/json (runs)", email: "json@example.com", status: 200,
			req: func(q string) rawRequest { return postReq(graphqlBody(q, nil), acceptGQL) }},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			r := send(t, s.URL, tc.req(signUp(tc.email)))
			require.Equal(t, tc.status, r.status, "body: %s", r.body)
			require.Equal(t, tc.code, r.firstCode(), "body: %s", r.body)
			require.Equal(t, tc.allow, r.header.Get("Allow"))
			exists, err := s.DB.Client.User.Query().Where(user.Email(tc.email)).Exist(testutil.System())
			require.NoError(t, err)
			require.Equal(t, tc.status == 200, exists, "account %s created", tc.email)
		})
	}
}

// TestRequestBodyCap: a body of exactly GRAPHQL_MAX_BODY_BYTES runs; one byte more is refused with 413 and a
// GraphQL error, whether its length is declared or it arrives chunked.
func TestRequestBodyCap(t *testing.T) {
	t.Parallel()
	s := testutil.NewServer(t, testutil.SQLite)
	const limit = httpx.DefaultMaxBody // GRAPHQL_MAX_BODY_BYTES is unset: 2 MiB
	tests := []struct {
		name    string
		size    int
		chunked bool
		status  int
	}{
		{name: "at the cap", size: limit, status: 200},
		{name: "one byte over, length declared", size: limit + 1, status: 413},
		{name: "one byte over, chunked", size: limit + 1, chunked: true, status: 413},
		{name: "far over, chunked", size: 3 * limit, chunked: true, status: 413},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			payload := bytesOf(tc.size)
			hr, err := http.NewRequest(http.MethodPost, s.URL+"/graphql", strings.NewReader(payload))
			require.NoError(t, err)
			hr.Header.Set("Content-Type", "application/json")
			hr.Header.Set("Accept", acceptGQL)
			if tc.chunked {
				hr.ContentLength = -1
				hr.Body = io.NopCloser(strings.NewReader(payload))
				hr.GetBody = nil
			}
			r := roundTrip(t, hr)
			require.Equal(t, tc.status, r.status, "body: %.300s", r.body)
			require.Equal(t, gqlResponseJSON, r.header.Get("Content-Type"))
			if tc.status == 413 {
				require.Equal(t, httpx.CodeRequestTooLarge, r.firstCode())
				require.Contains(t, r.errors[0].Message, "2097152 bytes")
				require.NotContains(t, r.keys, "data")
				return
			}
			require.JSONEq(t, `{"__typename":"Query"}`, string(r.keys["data"]))
		})
	}
}

// urqlAccept is the Accept header urql 6 sends with every operation (@urql/core, fetchOptions): JSON first,
// then event streams. Queries and mutations get one JSON response; subscriptions get an event stream.
const urqlAccept = "application/graphql-response+json, application/graphql+json, application/json, text/event-stream, multipart/mixed"

// TestEventStreamRequests: a mutation sent as urql sends it is answered as one well-formed event stream (its
// result, then complete) and runs once, without a panic; a body that is not JSON is refused without being
// quoted back, since it may hold a password.
func TestEventStreamRequests(t *testing.T) {
	t.Parallel()
	s := testutil.NewServer(t, testutil.SQLite)
	u := s.SignUp(t, "sse@example.com", viewer.RoleFree)

	create := func(name string) string {
		return graphqlBody(`mutation Create { createScenario(input: {name: "`+name+`", config: {taskComplexity: LOW,
			dataVolume: 1, responseTimeSLA: 1000, inputTokens: 10, outputTokens: 10}}) { name } }`, nil)
	}
	scenarios := func() int {
		n, err := s.DB.Client.Scenario.Query().Count(testutil.System())
		require.NoError(t, err)
		return n
	}
	t.Run("a mutation as urql sends it", func(t *testing.T) {
		// urql accepts JSON and event streams alike: a mutation is answered as one JSON response.
		before := scenarios()
		r := send(t, s.URL, postReq(create("over urql"), urqlAccept, bearerHeader(u.Token)...))
		require.Equal(t, 200, r.status)
		require.Equal(t, gqlResponseJSON, r.header.Get("Content-Type"))
		require.JSONEq(t, `{"data":{"createScenario":{"name":"over urql"}}}`, string(r.body))
		require.Equal(t, before+1, scenarios())
		require.NotContains(t, s.Log.String(), "panic")
	})
	t.Run("a mutation that accepts only an event stream", func(t *testing.T) {
		before := scenarios()
		r := send(t, s.URL, postReq(create("over sse"), "text/event-stream", bearerHeader(u.Token)...))
		require.Equal(t, 200, r.status)
		require.Equal(t, "text/event-stream", r.header.Get("Content-Type"))
		var events []string
		for line := range strings.SplitSeq(string(r.body), "\n") {
			switch {
			case line == "" || strings.HasPrefix(line, ":"):
			case strings.HasPrefix(line, "event: ") || strings.HasPrefix(line, "data: "):
				events = append(events, line)
			default:
				t.Errorf("not a line of an event stream: %q (body %q)", line, r.body)
			}
		}
		require.Equal(t, []string{"event: next", `data: {"data":{"createScenario":{"name":"over sse"}}}`, "event: complete"}, events)
		require.Equal(t, before+1, scenarios())
		require.NotContains(t, s.Log.String(), "panic")
	})
	t.Run("a subscription as urql sends it", func(t *testing.T) {
		// The same Accept header on a subscription opens an event stream.
		ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
		defer cancel()
		req, err := http.NewRequestWithContext(ctx, http.MethodPost, s.URL+"/graphql",
			strings.NewReader(graphqlBody(`subscription { myBenchmarkEvents { id change } }`, nil)))
		require.NoError(t, err)
		req.Header.Set("Content-Type", "application/json")
		req.Header.Set("Accept", urqlAccept)
		req.Header.Set("Authorization", "Bearer "+u.Token)
		res, err := http.DefaultClient.Do(req)
		require.NoError(t, err)
		defer res.Body.Close()
		require.Equal(t, 200, res.StatusCode)
		require.Equal(t, "text/event-stream", res.Header.Get("Content-Type"))
	})
	t.Run("a body that is not JSON", func(t *testing.T) {
		const secret = "hunter2-over-sse"
		for _, b := range []string{
			`{"query":"mutation { logIn(input: {email: \"a@example.com\", password: \"` + secret + `\"}) { token } }"`,
			`[{"query":"mutation { logIn(input: {email: \"a@example.com\", password: \"` + secret + `\"}) { token } }"}]`,
		} {
			r := send(t, s.URL, postReq(b, urqlAccept))
			require.Equal(t, 400, r.status, "body: %s", r.body)
			require.NotContains(t, string(r.body), secret, "the error quotes the request body")
		}
		require.NotContains(t, s.Log.String(), "panic")
	})
}
