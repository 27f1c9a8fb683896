package httpx

import (
	"bytes"
	"context"
	"encoding/json"
	"io"
	"net/http"
	"unicode/utf8"

	"github.com/99designs/gqlgen/graphql"
	"github.com/99designs/gqlgen/graphql/handler/transport"
	"github.com/vektah/gqlparser/v2/ast"
	"github.com/vektah/gqlparser/v2/gqlerror"
	"github.com/vektah/gqlparser/v2/parser"
)

// SSE is gqlgen's server-sent events transport (a POST with Accept: text/event-stream) with these changes:
//
//   - a body that is not a JSON object is refused here, without quoting it (gqlgen's echoes it in the error
//     and prints it with the standard logger, and a body may hold a password);
//   - a query or mutation that also accepts JSON (urql sends text/event-stream beside JSON for every
//     operation) is answered as one JSON response by Transport, with the status codes of GraphQL over HTTP;
//   - Check may refuse a request while a status can still say so: a stream starts with 200 before the
//     operation is checked;
//   - a subscription ends when Drain ends (it never ends by itself and would hold http.Server.Shutdown
//     until its timeout).
//
// Writes extend the server's write deadline (StreamWriter). Add it before Transport.
type SSE struct {
	transport.SSE
	// MaxUpload is Transport's, for the queries and mutations answered as JSON.
	MaxUpload int64
	// Drain ends every subscription streaming when it ends. Nil: subscriptions end with their request.
	Drain context.Context
	// Queries is the executor's cache of parsed queries, where Check's document is looked up before it is
	// parsed again. Nil: always parsed.
	Queries graphql.Cache[*ast.QueryDocument]
	// Check, when set, is called with the request's document and operation before anything is streamed; an
	// error refuses the request, answered with the status of its code (UNAUTHENTICATED: 401).
	Check func(ctx context.Context, doc *ast.QueryDocument, op *ast.OperationDefinition) *gqlerror.Error
}

var _ graphql.Transport = SSE{}

// Do serves one request.
func (t SSE) Do(w http.ResponseWriter, r *http.Request, exec graphql.GraphExecutor) {
	raw, err := io.ReadAll(r.Body)
	var params map[string]json.RawMessage
	if err != nil || !utf8.Valid(raw) || json.Unmarshal(raw, &params) != nil {
		WriteError(w, r, http.StatusBadRequest, CodeBadRequest,
			`the request body is not a JSON object such as {"query": "subscription { … }"}`)
		return
	}
	r.Body = io.NopCloser(bytes.NewReader(raw))
	doc, op := t.operation(r.Context(), params)
	if _, json := Negotiate(r.Header.Get("Accept")); json && (op == nil || op.Operation != ast.Subscription) {
		Transport{MaxUpload: t.MaxUpload}.Do(w, r, exec)
		return
	}
	if op != nil && t.Check != nil {
		if e := t.Check(r.Context(), doc, op); e != nil {
			resp := exec.DispatchError(r.Context(), gqlerror.List{e})
			WriteGraphQLError(w, r, requestErrorStatus(gqlerror.List{e}), resp.Errors[0])
			return
		}
	}
	if t.Drain != nil {
		exec = drainingExecutor{GraphExecutor: exec, drain: t.Drain}
	}
	t.SSE.Do(StreamWriter(w, r), r, exec)
}

// operation returns the request's document and operation, from the executor's parsed query when it has
// one; nil when the query does not parse or names no operation: the transport that runs it says why.
func (t SSE) operation(ctx context.Context, params map[string]json.RawMessage) (*ast.QueryDocument, *ast.OperationDefinition) {
	var query, name string
	_ = json.Unmarshal(params["query"], &query)
	_ = json.Unmarshal(params["operationName"], &name)
	var doc *ast.QueryDocument
	if t.Queries != nil {
		doc, _ = t.Queries.Get(ctx, query)
	}
	if doc == nil {
		var err error
		if doc, err = parser.ParseQuery(&ast.Source{Input: query}); err != nil {
			return nil, nil
		}
	}
	return doc, doc.Operations.ForName(name)
}

// drainingExecutor gives each subscription a context that ends when drain does.
type drainingExecutor struct {
	graphql.GraphExecutor
	drain context.Context
}

func (e drainingExecutor) DispatchOperation(ctx context.Context, oc *graphql.OperationContext) (graphql.ResponseHandler, context.Context) {
	if oc.Operation != nil && oc.Operation.Operation == ast.Subscription {
		var cancel context.CancelFunc
		ctx, cancel = context.WithCancel(ctx)
		stop := context.AfterFunc(e.drain, cancel)
		context.AfterFunc(ctx, func() { stop() })
	}
	return e.GraphExecutor.DispatchOperation(ctx, oc)
}
