package wstransport_test

import (
	"context"
	"encoding/json"
	"fmt"
	"strconv"
	"sync"
	"sync/atomic"

	"github.com/99designs/gqlgen/graphql"
	"github.com/vektah/gqlparser/v2"
	"github.com/vektah/gqlparser/v2/ast"
	"github.com/vektah/gqlparser/v2/gqlerror"

	"github.com/modelarchitect/architect/internal/wstransport"
)

// testSchema is a tiny hand-written graphql.ExecutableSchema. Its subscriptions:
//
//	count(to: Int!): Int!  1, 2, … to, then the stream ends
//	ticks: Int!            one result per broadcast; never ends by itself
//	whoami: String!        one result naming the context values the operation sees
//	missing: Int!          the resolver refuses (as a NOT_FOUND row would), no stream
//	boom: Int!             the resolver panics with an internal detail
type testSchema struct {
	schema *ast.Schema
	ticks  broadcaster
	active atomic.Int64 // ticks subscriptions whose context is still live
}

const testSDL = `
type Query { hello: String! whoami: String! }
type Subscription {
  count(to: Int!): Int!
  ticks: Int!
  whoami: String!
  missing: Int!
  boom: Int!
}`

type requestIDKey struct{}

type viewerKey struct{}

func newTestSchema() *testSchema {
	s := &testSchema{schema: gqlparser.MustLoadSchema(&ast.Source{Input: testSDL})}
	s.ticks.ch = make(chan struct{})
	return s
}

func (s *testSchema) Schema() *ast.Schema { return s.schema }

func (s *testSchema) Complexity(context.Context, string, string, int, map[string]any) (int, bool) {
	return 1, true
}

func (s *testSchema) Exec(ctx context.Context) graphql.ResponseHandler {
	opCtx := graphql.GetOperationContext(ctx)
	field := opCtx.Operation.SelectionSet[0].(*ast.Field)
	alias := field.Alias
	if alias == "" {
		alias = field.Name
	}
	switch field.Name {
	case "hello":
		return graphql.OneShot(data(alias, "world"))
	case "whoami":
		return graphql.OneShot(data(alias, whoami(ctx)))
	case "count":
		to, _ := strconv.Atoi(fmt.Sprint(field.ArgumentMap(opCtx.Variables)["to"]))
		i := 0
		return func(ctx context.Context) *graphql.Response {
			if i >= to || ctx.Err() != nil {
				return nil
			}
			i++
			return data(alias, i)
		}
	case "ticks":
		s.active.Add(1)
		context.AfterFunc(ctx, func() { s.active.Add(-1) })
		_, ch := s.ticks.current()
		return func(ctx context.Context) *graphql.Response {
			select {
			case <-ch:
				var n int
				n, ch = s.ticks.current()
				return data(alias, n)
			case <-ctx.Done():
				return nil
			}
		}
	case "missing":
		graphql.AddError(ctx, gqlerror.Errorf("benchmark 7 not found"))
		return func(context.Context) *graphql.Response { return nil }
	case "boom":
		panic("secret internal detail")
	}
	return graphql.OneShot(graphql.ErrorResponse(ctx, "unknown field %s", field.Name))
}

// whoami names the request id (from the HTTP middleware), the viewer (from InitFunc) and the init
// payload's token, so tests can see which contexts an operation inherits.
func whoami(ctx context.Context) string {
	return fmt.Sprintf("request=%v viewer=%v token=%v protocol=%s",
		ctx.Value(requestIDKey{}), ctx.Value(viewerKey{}), wstransport.InitPayload(ctx)["authToken"],
		wstransport.Protocol(ctx))
}

func data(alias string, v any) *graphql.Response {
	b, err := json.Marshal(map[string]any{alias: v})
	if err != nil {
		panic(err)
	}
	return &graphql.Response{Data: b}
}

// broadcaster wakes every ticks subscription at once: publish closes the current channel.
type broadcaster struct {
	mu sync.Mutex
	n  int
	ch chan struct{}
}

func (b *broadcaster) current() (int, chan struct{}) {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.n, b.ch
}

func (b *broadcaster) publish() {
	b.mu.Lock()
	defer b.mu.Unlock()
	b.n++
	close(b.ch)
	b.ch = make(chan struct{})
}
