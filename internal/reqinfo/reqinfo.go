// Package reqinfo carries facts about the HTTP request (its id, the client's address) through a context to
// the code that logs or rate-limits by them.
package reqinfo

import "context"

// Info is what the server knows about a request.
type Info struct {
	ID         string // request id, echoed in X-Request-Id and in error extensions
	ClientAddr string // the client's IP address (from X-Forwarded-For only when TRUST_PROXY is set)
}

type ctxKey struct{}

// NewContext returns ctx carrying i.
func NewContext(ctx context.Context, i *Info) context.Context {
	return context.WithValue(ctx, ctxKey{}, i)
}

// From returns the request info of ctx, or an empty one.
func From(ctx context.Context) *Info {
	if i, ok := ctx.Value(ctxKey{}).(*Info); ok {
		return i
	}
	return &Info{}
}
