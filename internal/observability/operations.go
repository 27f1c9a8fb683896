package observability

import (
	"context"
	"strings"
	"sync"
	"time"

	"github.com/99designs/gqlgen/graphql"
	"github.com/vektah/gqlparser/v2/ast"
	"github.com/vektah/gqlparser/v2/parser"
)

const outcomeOK = "ok"

// Operations is a gqlgen extension that reports every GraphQL operation — its name, type, outcome and
// duration — to Metrics (when set) and to the request's log line. Operations refused before they run
// (a parse or validation error, a query limit, a persisted-query miss) are reported too, with type
// "unknown" when the document could not be read. Add it with srv.Use, first, so that it times the others.
type Operations struct {
	Metrics *Metrics
}

var _ interface {
	graphql.HandlerExtension
	graphql.OperationInterceptor
	graphql.ResponseInterceptor
} = Operations{}

// ExtensionName names the extension in gqlgen's stats.
func (Operations) ExtensionName() string { return "Observability" }

// Validate accepts every schema.
func (Operations) Validate(graphql.ExecutableSchema) error { return nil }

const statsKey = "Observability"

// opState is one running operation. A subscription's handler is called once per event, possibly from
// different goroutines, hence the lock.
type opState struct {
	mu      sync.Mutex
	done    bool
	outcome string
}

// InterceptOperation reports an operation that runs: a query or mutation when its response is ready, a
// subscription when its stream ends (its duration being its lifetime, its outcome the first error code
// any event carried).
func (o Operations) InterceptOperation(ctx context.Context, next graphql.OperationHandler) graphql.ResponseHandler {
	oc := graphql.GetOperationContext(ctx)
	st := &opState{}
	oc.Stats.SetExtension(statsKey, st)
	name, typ := o.names(oc)
	start := startOf(oc)
	setOperation(ctx, name, typ)
	subscription := typ == string(ast.Subscription)
	if subscription && o.Metrics != nil {
		o.Metrics.GraphQLSubscriptions.WithLabelValues(name).Inc()
	}
	h := next(ctx)
	return func(ctx context.Context) *graphql.Response {
		resp := h(ctx)
		st.mu.Lock()
		defer st.mu.Unlock()
		if st.done {
			return resp
		}
		if subscription {
			if resp != nil {
				if out := outcome(resp); st.outcome == "" || (st.outcome == outcomeOK && out != outcomeOK) {
					st.outcome = out
				}
				return resp
			}
			if o.Metrics != nil {
				o.Metrics.GraphQLSubscriptions.WithLabelValues(name).Dec()
			}
			if st.outcome == "" {
				st.outcome = outcomeOK
			}
			st.done = true
			o.finish(ctx, name, typ, st.outcome, start)
			return nil
		}
		st.done = true
		out := "INTERNAL"
		if resp != nil {
			out = outcome(resp)
		}
		o.finish(ctx, name, typ, out, start)
		return resp
	}
}

// InterceptResponse reports the responses of operations that never ran: those answered by the executor's
// DispatchError, which no OperationInterceptor sees.
func (o Operations) InterceptResponse(ctx context.Context, next graphql.ResponseHandler) *graphql.Response {
	resp := next(ctx)
	var oc *graphql.OperationContext
	if graphql.HasOperationContext(ctx) {
		oc = graphql.GetOperationContext(ctx)
		if _, running := oc.Stats.GetExtension(statsKey).(*opState); running {
			return resp
		}
	}
	name, typ := o.names(oc)
	setOperation(ctx, name, typ)
	start := graphql.GetStartTime(ctx)
	if oc != nil {
		start = startOf(oc)
	}
	out := "INTERNAL"
	if resp != nil {
		out = outcome(resp)
	}
	o.finish(ctx, name, typ, out, start)
	return resp
}

func (o Operations) finish(ctx context.Context, name, typ, out string, start time.Time) {
	setOutcome(ctx, out)
	if o.Metrics == nil {
		return
	}
	o.Metrics.GraphQLOperations.WithLabelValues(name, typ, out).Inc()
	if !start.IsZero() {
		o.Metrics.GraphQLDuration.WithLabelValues(name, typ).Observe(time.Since(start).Seconds())
	}
}

// names returns the operation's name, bounded in length, characters and (for metrics) distinct values,
// and its type: query, mutation or subscription whenever the document could be read, "unknown" when it
// could not (it does not parse, a persisted query is not known yet, the transport refused the request).
func (o Operations) names(oc *graphql.OperationContext) (name, typ string) {
	name, typ = "", "unknown"
	if oc != nil {
		name = oc.OperationName
		if op := operationOf(oc); op != nil {
			name, typ = op.Name, string(op.Operation)
		}
	}
	name = cleanName(name)
	if o.Metrics != nil && name != "anonymous" {
		name = o.Metrics.names.label(name)
	}
	return name, typ
}

// maxTokens bounds the parse of a refused document in operationOf (the handler's own default limit).
const maxTokens = 15000

// operationOf returns the operation oc runs or would have run. The executor keeps no document that failed
// validation, so for one refused there the text is parsed again: the type is known whenever it parses.
func operationOf(oc *graphql.OperationContext) *ast.OperationDefinition {
	switch {
	case oc.Operation != nil:
		return oc.Operation
	case oc.Doc != nil:
		return oc.Doc.Operations.ForName(oc.OperationName)
	case oc.RawQuery == "":
		return nil
	}
	doc, err := parser.ParseQueryWithTokenLimit(&ast.Source{Input: oc.RawQuery}, maxTokens)
	if err != nil {
		return nil
	}
	return doc.Operations.ForName(oc.OperationName)
}

// cleanName keeps a GraphQL name as it is (letters, digits, underscore; at most 64) and turns anything
// else — only a client's operationName for a document that did not parse can be — into "invalid".
func cleanName(s string) string {
	if s == "" {
		return "anonymous"
	}
	if len(s) > 64 {
		return "invalid"
	}
	for i, c := range s {
		if !(c == '_' || c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || i > 0 && c >= '0' && c <= '9') {
			return "invalid"
		}
	}
	return s
}

// outcome is "ok" for a response without errors, else its first error's extensions.code ("error" when
// it has none), reduced to the characters of an error code.
func outcome(resp *graphql.Response) string {
	if len(resp.Errors) == 0 {
		return outcomeOK
	}
	code, _ := resp.Errors[0].Extensions["code"].(string)
	if code == "" || len(code) > 48 || strings.Trim(code, "ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789_") != "" {
		return "error"
	}
	return code
}

func startOf(oc *graphql.OperationContext) time.Time {
	if !oc.Stats.OperationStart.IsZero() {
		return oc.Stats.OperationStart
	}
	return oc.Stats.Read.Start
}
