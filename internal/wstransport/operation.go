package wstransport

import (
	"context"
	"encoding/json"
	"fmt"
	"sync/atomic"

	"github.com/99designs/gqlgen/graphql"
	"github.com/vektah/gqlparser/v2/gqlerror"
)

// operation is one running subscribe/start.
type operation struct {
	id      string
	ctx     context.Context
	cancel  context.CancelFunc
	stopped atomic.Bool // the client sent complete/stop
}

type reservation int

const (
	reserved reservation = iota
	reserveClosing
	reserveDuplicate
	reserveCapped
)

// reserve claims id for a new operation before it runs, so that a second subscribe with the same id is
// caught even while the first is still being validated.
func (c *conn) reserve(id string) (*operation, reservation) {
	c.mu.Lock()
	defer c.mu.Unlock()
	switch {
	case c.closing:
		return nil, reserveClosing
	case c.ops[id] != nil:
		return nil, reserveDuplicate
	case c.t.cfg.MaxSubscriptionsPerConnection > 0 && len(c.ops) >= c.t.cfg.MaxSubscriptionsPerConnection:
		return nil, reserveCapped
	}
	ctx, cancel := context.WithCancel(c.ctx)
	op := &operation{id: id, ctx: graphql.StartOperationTrace(ctx), cancel: cancel}
	if c.ops == nil {
		c.ops = make(map[string]*operation, 1)
	}
	c.ops[id] = op
	c.t.running.Add(1)
	return op, reserved
}

// run executes op and streams its results: next/data for each response, then complete, or one error
// message when the operation fails before it runs (parse, validation, operation interceptors) or panics.
func (c *conn) run(op *operation, params *graphql.RawParams) {
	failed := false
	defer func() { c.endOperation(op, failed) }()
	var opCtx *graphql.OperationContext
	defer func() {
		if v := recover(); v != nil {
			failed = true
			c.operationPanicked(op, opCtx, v)
		}
	}()
	if h := c.t.cfg.Hooks.OperationStarted; h != nil {
		h(c.proto)
	}

	var errs gqlerror.List
	opCtx, errs = c.exec.CreateOperationContext(op.ctx, params)
	if errs != nil {
		failed = true
		ctx := op.ctx
		if opCtx != nil {
			ctx = graphql.WithOperationContext(ctx, opCtx)
		}
		c.sendErrors(op, c.exec.DispatchError(ctx, errs).Errors)
		return
	}
	responses, ctx := c.exec.DispatchOperation(graphql.WithOperationContext(op.ctx, opCtx), opCtx)
	for {
		resp := responses(ctx)
		if resp == nil {
			return
		}
		b, err := json.Marshal(resp)
		if err != nil {
			panic(fmt.Errorf("encode response: %w", err))
		}
		if op.stopped.Load() {
			continue // the client has stopped listening; drain until the executor sees the cancellation
		}
		c.send(c.nextType(), op.id, b)
	}
}

func (c *conn) nextType() string {
	if c.legacy {
		return msgData
	}
	return msgNext
}

// endOperation releases op and tells the client it is over: complete after the last result (in the
// legacy protocol also after stop, as its reference server does), nothing after an error message or a
// graphql-transport-ws client complete.
func (c *conn) endOperation(op *operation, failed bool) {
	c.mu.Lock()
	if c.ops[op.id] == op {
		delete(c.ops, op.id)
	}
	c.mu.Unlock()
	op.cancel()
	if !failed && (c.legacy || !op.stopped.Load()) {
		c.send(msgComplete, op.id, nil)
	}
	if h := c.t.cfg.Hooks.OperationEnded; h != nil {
		h(c.proto)
	}
	c.t.running.Done()
}

// operationPanicked reports a panic to the client as a GraphQL error, through gqlgen's recover func and
// error presenter, so that no internal detail leaves the server.
func (c *conn) operationPanicked(op *operation, opCtx *graphql.OperationContext, v any) {
	c.t.reportError(op.ctx, fmt.Errorf("websocket operation %q panicked: %v", op.id, v))
	presented := gqlerror.List{{Message: "internal system error"}}
	if opCtx != nil {
		func() {
			defer func() { _ = recover() }() // a presenter that panics too keeps the generic message
			ctx := graphql.WithOperationContext(op.ctx, opCtx)
			err := gqlerror.WrapIfUnwrapped(opCtx.Recover(ctx, v))
			presented = c.exec.DispatchError(ctx, gqlerror.List{err}).Errors
		}()
	}
	c.sendErrors(op, presented)
}

func (c *conn) sendErrors(op *operation, errs gqlerror.List) {
	if op.stopped.Load() {
		return
	}
	b, err := json.Marshal(errs)
	if err != nil {
		b = errorsPayload("internal system error")
	}
	c.send(msgError, op.id, b)
}

// errorsPayload is [{"message": text}], the payload of an error message.
func errorsPayload(text string) []byte {
	b, _ := json.Marshal(gqlerror.List{{Message: text}})
	return b
}
