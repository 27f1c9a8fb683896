package graph

import (
	"context"
	"encoding/json"
	"sync"

	"github.com/99designs/gqlgen/graphql"
	"github.com/vektah/gqlparser/v2/ast"
)

// StreamEnd lets a subscription end with an error: a resolver calls EndStream(ctx)(err) before closing its
// channel, and the stream's last response is {"data": null, "errors": [err]} (presented like any other
// error), after which the stream completes. Subscriptions use it when their row is deleted.
type StreamEnd struct{}

var _ interface {
	graphql.HandlerExtension
	graphql.OperationInterceptor
	graphql.ResponseInterceptor
} = StreamEnd{}

type streamEndKey struct{}

type streamEnd struct {
	mu   sync.Mutex
	err  error
	sent bool
}

func (StreamEnd) ExtensionName() string                   { return "StreamEnd" }
func (StreamEnd) Validate(graphql.ExecutableSchema) error { return nil }

func (StreamEnd) InterceptOperation(ctx context.Context, next graphql.OperationHandler) graphql.ResponseHandler {
	if oc := graphql.GetOperationContext(ctx); oc.Operation == nil || oc.Operation.Operation != ast.Subscription {
		return next(ctx)
	}
	return next(context.WithValue(ctx, streamEndKey{}, &streamEnd{}))
}

func (StreamEnd) InterceptResponse(ctx context.Context, next graphql.ResponseHandler) *graphql.Response {
	res := next(ctx)
	e, ok := ctx.Value(streamEndKey{}).(*streamEnd)
	if res != nil || !ok {
		return res
	}
	e.mu.Lock()
	err, sent := e.err, e.sent
	e.sent = true
	e.mu.Unlock()
	if err == nil || sent {
		return nil
	}
	graphql.AddError(ctx, err)
	return &graphql.Response{Data: json.RawMessage("null"), Errors: graphql.GetErrors(ctx)}
}

// EndStream returns the function a subscription resolver calls to end its stream with err.
func EndStream(ctx context.Context) func(error) {
	e, ok := ctx.Value(streamEndKey{}).(*streamEnd)
	if !ok {
		return func(error) {}
	}
	return func(err error) {
		e.mu.Lock()
		e.err = err
		e.mu.Unlock()
	}
}
