package httpx

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"mime"
	"net/http"
	"net/url"
	"strings"
	"unicode/utf8"

	"github.com/99designs/gqlgen/graphql"
	"github.com/99designs/gqlgen/graphql/errcode"
	"github.com/vektah/gqlparser/v2/ast"
	"github.com/vektah/gqlparser/v2/gqlerror"
)

// Transport is a gqlgen transport serving GraphQL over HTTP GET (queries only) and POST (application/json,
// and multipart/form-data file uploads) as the GraphQL-over-HTTP draft specifies:
//
//   - it answers in application/graphql-response+json or application/json, by the Accept header;
//   - JSON that cannot be read or is not UTF-8 → 400; a batch (a JSON array) → 400; a parameter of the
//     wrong type → 422; an upload over MaxUpload → 413; a multipart request off the spec → 400;
//     a document that does not parse → 400; one that fails validation, names no operation that exists, or
//     whose variables do not coerce → 422 (query limits are validation rules, so 422 too);
//   - a mutation over GET → 405 with Allow: POST; another method → 405; a POST body that is not
//     application/json → 415; an Accept header naming neither media type → 406;
//   - a response with data → 200 (or PartialStatus when it also has errors); one without data takes the
//     status of its first error's code (UNAVAILABLE → 503 with Retry-After, e.g. a transaction that could
//     not begin; INTERNAL → 500);
//   - PersistedQueryNotFound → 200, as Apollo Server answers it, because Apollo Client 3's persisted-query
//     link stops using persisted queries altogether after a 400 or 500.
//
// Add it after gqlgen's websocket and SSE transports: it takes every other request to the endpoint,
// OPTIONS included. The request body is read whole; cap it with MaxBody.
type Transport struct {
	// PartialStatus is the status of a response carrying both data and errors. Zero means 200. The draft
	// (April 2026) recommends 294; choose it once the clients and proxies in front of the server accept it.
	PartialStatus int
	// MaxUpload caps a multipart/form-data request (file uploads); zero means DefaultMaxUpload.
	MaxUpload int64
}

var _ graphql.Transport = Transport{}

const allowed = "GET, POST, OPTIONS"

// Supports takes every request except websocket upgrades.
func (Transport) Supports(r *http.Request) bool { return r.Header.Get("Upgrade") == "" }

// Do serves one request.
func (t Transport) Do(w http.ResponseWriter, r *http.Request, exec graphql.GraphExecutor) {
	w.Header().Add("Vary", "Accept")
	if r.Method == http.MethodOptions {
		w.Header().Set("Allow", allowed)
		w.WriteHeader(http.StatusNoContent)
		return
	}
	media, ok := Negotiate(r.Header.Get("Accept"))
	if !ok {
		t.refuse(w, r, exec, media, http.StatusNotAcceptable, CodeNotAcceptable,
			"the Accept header names no media type this endpoint answers in: accept application/graphql-response+json or application/json")
		return
	}
	var (
		params *graphql.RawParams
		status int
		err    *gqlerror.Error
	)
	start := graphql.Now()
	switch r.Method {
	case http.MethodGet:
		params, status, err = fromQueryString(r.URL.RawQuery)
	case http.MethodPost:
		if isMultipart(r) {
			params, status, err = fromMultipart(w, r, t.MaxUpload)
		} else {
			params, status, err = fromBody(r)
		}
	default:
		w.Header().Set("Allow", allowed)
		t.refuse(w, r, exec, media, http.StatusMethodNotAllowed, CodeMethodNotAllowed,
			fmt.Sprintf("%s is not served here: send queries with GET or POST and mutations with POST", r.Method))
		return
	}
	if err != nil {
		t.send(w, media, status, exec.DispatchError(r.Context(), gqlerror.List{err}))
		return
	}
	params.Headers = r.Header
	params.ReadTime = graphql.TraceTiming{Start: start, End: graphql.Now()}
	t.execute(w, r, exec, media, params)
}

func (t Transport) execute(w http.ResponseWriter, r *http.Request, exec graphql.GraphExecutor, media string, params *graphql.RawParams) {
	ctx := r.Context()
	oc, errs := exec.CreateOperationContext(ctx, params)
	if errs != nil {
		status := requestErrorStatus(errs)
		if status == http.StatusOK { // PersistedQueryNotFound: keep caches from storing the miss
			w.Header().Set("Cache-Control", "private, no-cache, must-revalidate")
		}
		t.send(w, media, status, exec.DispatchError(graphql.WithOperationContext(ctx, oc), errs))
		return
	}
	switch op := oc.Operation.Operation; {
	case r.Method == http.MethodGet && op != ast.Query:
		w.Header().Set("Allow", "POST")
		msg := fmt.Sprintf("a %s cannot be sent with GET, which only runs queries: send it with POST", op)
		if op == ast.Subscription {
			msg = "a subscription cannot be sent with GET: subscribe over the websocket (graphql-transport-ws) or with a POST accepting text/event-stream"
		}
		t.send(w, media, http.StatusMethodNotAllowed,
			exec.DispatchError(Refused(graphql.WithOperationContext(ctx, oc)), gqlerror.List{newError(CodeMethodNotAllowed, msg)}))
		return
	case op == ast.Subscription:
		t.send(w, media, http.StatusNotAcceptable, exec.DispatchError(Refused(graphql.WithOperationContext(ctx, oc)), gqlerror.List{
			newError(CodeNotAcceptable, "a subscription streams its results: subscribe over the websocket (graphql-transport-ws) or with a POST accepting text/event-stream"),
		}))
		return
	}
	responses, ctx := exec.DispatchOperation(ctx, oc)
	resp := responses(ctx)
	if resp == nil {
		resp = &graphql.Response{Errors: gqlerror.List{newError("INTERNAL", "internal error: the operation produced no response")}}
	}
	status := http.StatusOK
	switch {
	case resp.Data == nil && len(resp.Errors) > 0:
		status = requestErrorStatus(resp.Errors)
	case len(resp.Errors) > 0 && t.PartialStatus != 0:
		status = t.PartialStatus
	}
	t.send(w, media, status, resp)
}

type refusedKey struct{}

// Refused marks ctx as that of an operation refused before it ran (a mutation sent with GET): response
// interceptors see its operation, for metrics and logs, but must not treat it as one that ran.
func Refused(ctx context.Context) context.Context { return context.WithValue(ctx, refusedKey{}, true) }

// IsRefused reports whether ctx is that of a refused operation (Refused).
func IsRefused(ctx context.Context) bool { v, _ := ctx.Value(refusedKey{}).(bool); return v }

// refuse answers a request refused before GraphQL, through the executor so that the error presenter
// and the response extensions (metrics, logs) see it.
func (t Transport) refuse(w http.ResponseWriter, r *http.Request, exec graphql.GraphExecutor, media string, status int, code, msg string) {
	t.send(w, media, status, exec.DispatchError(r.Context(), gqlerror.List{newError(code, msg)}))
}

func (Transport) send(w http.ResponseWriter, media string, status int, resp *graphql.Response) {
	write(w, media, status, body{Errors: resp.Errors, Data: resp.Data, Extensions: resp.Extensions})
}

// requestErrorStatus is the status of a response whose request never ran, by its first error's code.
func requestErrorStatus(errs gqlerror.List) int {
	code := ""
	if len(errs) > 0 {
		code, _ = errs[0].Extensions["code"].(string)
	}
	switch code {
	case errcode.ParseFailed, CodeBadRequest:
		return http.StatusBadRequest
	case "PERSISTED_QUERY_NOT_FOUND", "PERSISTED_QUERY_NOT_SUPPORTED":
		return http.StatusOK
	case "UNAUTHENTICATED":
		return http.StatusUnauthorized
	case "FORBIDDEN":
		return http.StatusForbidden
	case "RATE_LIMITED":
		return http.StatusTooManyRequests
	case "UNAVAILABLE":
		return http.StatusServiceUnavailable
	case CodeRequestTooLarge:
		return http.StatusRequestEntityTooLarge
	case "INTERNAL", "INTERNAL_SERVER_ERROR":
		return http.StatusInternalServerError
	}
	return http.StatusUnprocessableEntity
}

// fromQueryString reads the parameters of a GET request.
func fromQueryString(raw string) (*graphql.RawParams, int, *gqlerror.Error) {
	q, err := url.ParseQuery(raw)
	if err != nil {
		return nil, http.StatusBadRequest, newError(CodeBadRequest, "the query string cannot be decoded: "+err.Error())
	}
	for _, vs := range q {
		for _, v := range vs {
			if !utf8.ValidString(v) {
				return nil, http.StatusBadRequest, newError(CodeBadRequest, "the query string is not valid UTF-8 once decoded: send text encoded as UTF-8")
			}
		}
	}
	p := &graphql.RawParams{Query: q.Get("query"), OperationName: q.Get("operationName")}
	for _, f := range []struct {
		name string
		dst  *map[string]any
	}{{"variables", &p.Variables}, {"extensions", &p.Extensions}} {
		v := q.Get(f.name)
		if v == "" {
			continue
		}
		if status, e := decodeObject(f.name, json.RawMessage(v), f.dst); e != nil {
			return nil, status, e
		}
	}
	return p, 0, nil
}

// fromBody reads the parameters of a POST request.
func fromBody(r *http.Request) (*graphql.RawParams, int, *gqlerror.Error) {
	ct := r.Header.Get("Content-Type")
	media, mparams, err := mime.ParseMediaType(ct)
	switch {
	case ct == "":
		return nil, http.StatusUnsupportedMediaType, newError(CodeUnsupportedMediaType,
			"the request has no Content-Type: send the body as JSON with Content-Type: application/json")
	case err != nil || media != MediaJSON:
		return nil, http.StatusUnsupportedMediaType, newError(CodeUnsupportedMediaType,
			fmt.Sprintf("a POST body of type %q is not accepted: send JSON with Content-Type: application/json", ct))
	case mparams["charset"] != "" && !strings.EqualFold(mparams["charset"], "utf-8"):
		return nil, http.StatusUnsupportedMediaType, newError(CodeUnsupportedMediaType,
			"only UTF-8 bodies are accepted: send Content-Type: application/json; charset=utf-8")
	}
	raw, err := io.ReadAll(r.Body)
	if err != nil {
		if tooLarge := (*http.MaxBytesError)(nil); errors.As(err, &tooLarge) {
			return nil, http.StatusRequestEntityTooLarge, newError(CodeRequestTooLarge,
				fmt.Sprintf("the request body is over %d bytes", tooLarge.Limit))
		}
		return nil, http.StatusBadRequest, newError(CodeBadRequest, "the request body could not be read")
	}
	return decodeRequest(raw)
}

// decodeRequest reads the JSON of one GraphQL request: a POST body, or a multipart request's operations.
// It must be valid UTF-8 (decoding would silently replace what is not), hold one JSON object, and nothing
// after it.
func decodeRequest(raw []byte) (*graphql.RawParams, int, *gqlerror.Error) {
	if !utf8.Valid(raw) {
		return nil, http.StatusBadRequest, newError(CodeBadRequest, fmt.Sprintf(
			"the request is not valid UTF-8 (the first invalid byte is at offset %d): send text encoded as UTF-8", invalidUTF8At(raw)))
	}
	trimmed := bytes.TrimLeft(raw, " \t\r\n")
	switch {
	case len(trimmed) == 0:
		return nil, http.StatusBadRequest, newError(CodeBadRequest,
			`the request body is empty: send a JSON object such as {"query": "{ __typename }"}`)
	case trimmed[0] == '[':
		return nil, http.StatusBadRequest, newError(CodeBadRequest,
			"batched requests (a JSON array of operations) are not supported: send one operation per request")
	}
	var fields struct {
		Query, OperationName, Variables, Extensions json.RawMessage
	}
	dec := json.NewDecoder(bytes.NewReader(raw))
	if err := dec.Decode(&fields); err != nil {
		var typeErr *json.UnmarshalTypeError
		if errors.As(err, &typeErr) {
			return nil, http.StatusUnprocessableEntity, newError(CodeBadRequest,
				`the request body must be a JSON object such as {"query": "{ __typename }"}`)
		}
		return nil, http.StatusBadRequest, newError(CodeBadRequest, "the request body is not valid JSON: "+jsonProblem(err))
	}
	if _, err := dec.Token(); !errors.Is(err, io.EOF) {
		return nil, http.StatusBadRequest, newError(CodeBadRequest, "the request body has data after its JSON object")
	}
	p := &graphql.RawParams{}
	for _, f := range []struct {
		name string
		raw  json.RawMessage
		dst  *string
	}{{"query", fields.Query, &p.Query}, {"operationName", fields.OperationName, &p.OperationName}} {
		if len(f.raw) == 0 || string(f.raw) == "null" {
			continue
		}
		if json.Unmarshal(f.raw, f.dst) != nil {
			return nil, http.StatusUnprocessableEntity, newError(CodeBadRequest, f.name+" must be a string")
		}
	}
	if status, e := decodeObject("variables", fields.Variables, &p.Variables); e != nil {
		return nil, status, e
	}
	if status, e := decodeObject("extensions", fields.Extensions, &p.Extensions); e != nil {
		return nil, status, e
	}
	return p, 0, nil
}

// decodeObject decodes a parameter that must be a JSON object (or null), keeping numbers as json.Number
// as gqlgen's scalars expect.
func decodeObject(name string, raw json.RawMessage, dst *map[string]any) (int, *gqlerror.Error) {
	if len(raw) == 0 || string(raw) == "null" {
		return 0, nil
	}
	dec := json.NewDecoder(bytes.NewReader(raw))
	dec.UseNumber()
	if err := dec.Decode(dst); err != nil {
		var typeErr *json.UnmarshalTypeError
		if errors.As(err, &typeErr) {
			return http.StatusUnprocessableEntity, newError(CodeBadRequest, name+" must be a JSON object")
		}
		return http.StatusBadRequest, newError(CodeBadRequest, name+" is not valid JSON: "+jsonProblem(err))
	}
	return 0, nil
}

// invalidUTF8At is the offset of the first byte of b that is not part of valid UTF-8.
func invalidUTF8At(b []byte) int {
	for i := 0; i < len(b); {
		r, n := utf8.DecodeRune(b[i:])
		if r == utf8.RuneError && n <= 1 {
			return i
		}
		i += n
	}
	return len(b)
}

// jsonProblem describes a JSON syntax error by its position, never by the text around it (which may be a
// password).
func jsonProblem(err error) string {
	var syntax *json.SyntaxError
	if errors.As(err, &syntax) {
		return fmt.Sprintf("syntax error at byte %d", syntax.Offset)
	}
	if errors.Is(err, io.ErrUnexpectedEOF) || errors.Is(err, io.EOF) {
		return "it ends too early"
	}
	return "it cannot be decoded"
}
