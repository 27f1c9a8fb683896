package server

import (
	"context"
	"encoding/json"
	"fmt"
	"sync"

	"github.com/99designs/gqlgen/graphql"
	"github.com/vektah/gqlparser/v2/ast"
	"github.com/vektah/gqlparser/v2/gqlerror"

	"github.com/modelarchitect/architect/internal/database"
	"github.com/modelarchitect/architect/internal/httpx"
)

// mutationTx runs each mutation operation in one database transaction: every field of it commits, or, when
// any field fails, none does. The resolvers of a mutation then take turns, because they share the
// transaction's one connection.
//
// A failed mutation answers {"errors": […], "data": null}: its data would describe rows that were rolled
// back, and an operation that ran keeps its data entry (GraphQL over HTTP). Requests refused before their
// operation ran pass straight through, and so do the later responses of a stream (a mutation sent as
// server-sent events is asked for a second response, which must not open a second transaction).
type mutationTx struct {
	db      *database.DB
	present graphql.ErrorPresenterFunc
}

var _ interface {
	graphql.HandlerExtension
	graphql.OperationContextMutator
	graphql.OperationInterceptor
	graphql.ResponseInterceptor
} = mutationTx{}

const (
	txDispatched = "MutationDispatched" // the operation passed its checks and runs
	txStarted    = "MutationTransaction"
)

func (mutationTx) ExtensionName() string                   { return txStarted }
func (mutationTx) Validate(graphql.ExecutableSchema) error { return nil }

func isMutation(oc *graphql.OperationContext) bool {
	return oc.Operation != nil && oc.Operation.Operation == ast.Mutation
}

func (mutationTx) MutateOperationContext(_ context.Context, oc *graphql.OperationContext) *gqlerror.Error {
	if !isMutation(oc) {
		return nil
	}
	var turn sync.Mutex
	resolve := oc.ResolverMiddleware
	oc.ResolverMiddleware = func(ctx context.Context, next graphql.Resolver) (any, error) {
		turn.Lock()
		defer turn.Unlock()
		return resolve(ctx, next)
	}
	return nil
}

// InterceptOperation marks a mutation that runs: one refused after it was read (by a check of the
// operation context, such as a refused token or an oversized page) gets a response too, which must neither
// open a transaction nor carry data.
func (mutationTx) InterceptOperation(ctx context.Context, next graphql.OperationHandler) graphql.ResponseHandler {
	if oc := graphql.GetOperationContext(ctx); isMutation(oc) {
		oc.Stats.SetExtension(txDispatched, true)
	}
	return next(ctx)
}

func (t mutationTx) InterceptResponse(ctx context.Context, next graphql.ResponseHandler) *graphql.Response {
	if !graphql.HasOperationContext(ctx) {
		return next(ctx)
	}
	oc := graphql.GetOperationContext(ctx)
	if !isMutation(oc) || oc.Stats.GetExtension(txDispatched) == nil || oc.Stats.GetExtension(txStarted) != nil || httpx.IsRefused(ctx) {
		return next(ctx)
	}
	oc.Stats.SetExtension(txStarted, true)
	tx, err := t.db.Begin(ctx)
	if err != nil { // nothing ran: no data, and the status follows the code (503 when the database is down)
		return &graphql.Response{Errors: gqlerror.List{t.present(ctx, fmt.Errorf("begin mutation transaction: %w", err))}}
	}
	defer func() {
		if r := recover(); r != nil {
			_ = tx.Rollback()
			panic(r)
		}
	}()
	res := next(tx.NewContext(ctx))
	if res == nil {
		_ = tx.Rollback()
		return nil
	}
	if len(res.Errors) > 0 {
		_ = tx.Rollback()
		return &graphql.Response{Errors: res.Errors, Data: json.RawMessage("null"), Extensions: res.Extensions}
	}
	if err := tx.Commit(); err != nil {
		return t.failed(ctx, res, err)
	}
	return res
}

// failed answers a mutation whose transaction could not commit: nothing was written.
func (t mutationTx) failed(ctx context.Context, res *graphql.Response, err error) *graphql.Response {
	out := &graphql.Response{Data: json.RawMessage("null"),
		Errors: gqlerror.List{t.present(ctx, fmt.Errorf("mutation transaction: %w", err))}}
	if res != nil {
		out.Extensions = res.Extensions
	}
	return out
}
