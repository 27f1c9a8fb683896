// Package httpx holds the HTTP pieces around the GraphQL endpoint: a gqlgen transport that speaks the
// GraphQL-over-HTTP draft (media types, status codes, no mutations over GET, no batches), CORS, and a
// request body cap. It does not parse, validate or execute GraphQL itself: gqlgen's executor does.
package httpx

import (
	"encoding/json"
	"mime"
	"net/http"
	"strconv"
	"strings"

	"github.com/vektah/gqlparser/v2/gqlerror"
)

// Response media types (graphql.github.io/graphql-over-http/draft, "Body").
const (
	MediaGraphQLResponse = "application/graphql-response+json"
	MediaJSON            = "application/json"
)

// Codes (extensions.code) of the errors this package answers itself, before GraphQL runs.
const (
	CodeBadRequest           = "BAD_REQUEST"            // unreadable JSON, a batch, a parameter of the wrong type
	CodeRequestTooLarge      = "REQUEST_TOO_LARGE"      // body over the cap (413)
	CodeMethodNotAllowed     = "METHOD_NOT_ALLOWED"     // a mutation over GET, or a method other than GET/POST (405)
	CodeUnsupportedMediaType = "UNSUPPORTED_MEDIA_TYPE" // a POST that is not application/json (415)
	CodeNotAcceptable        = "NOT_ACCEPTABLE"         // an Accept header naming neither media type (406)
)

// Negotiate picks the response media type for an Accept header value: of application/graphql-response+json
// and application/json, the one with the higher q-value (RFC 9110 §12.5.1, the most specific matching range
// deciding), application/graphql-response+json on a tie. With no Accept header it answers application/json,
// the type legacy clients expect. ok is false when the header accepts neither type; the caller then answers
// 406 Not Acceptable, as the draft recommends.
func Negotiate(accept string) (media string, ok bool) {
	if strings.TrimSpace(accept) == "" {
		return MediaJSON, true
	}
	best, bestQ := "", 0.0
	for _, candidate := range []string{MediaGraphQLResponse, MediaJSON} {
		if q := quality(accept, candidate); q > bestQ {
			best, bestQ = candidate, q
		}
	}
	if best == "" {
		return MediaGraphQLResponse, false
	}
	return best, true
}

// quality returns the q-value that accept gives media, taken from its most specific matching range.
func quality(accept, media string) float64 {
	typ, _, _ := strings.Cut(media, "/")
	q, specificity := 0.0, 0
	for part := range strings.SplitSeq(accept, ",") {
		rng, params, err := mime.ParseMediaType(strings.TrimSpace(part))
		if err != nil {
			continue
		}
		s := 0
		switch {
		case rng == media:
			s = 3
		case rng == typ+"/*":
			s = 2
		case rng == "*/*":
			s = 1
		default:
			continue
		}
		if s <= specificity {
			continue
		}
		specificity, q = s, 1
		if v, ok := params["q"]; ok {
			if f, err := strconv.ParseFloat(v, 64); err == nil && f >= 0 && f <= 1 {
				q = f
			}
		}
	}
	return q
}

// contentType is the Content-Type of a response with status for a client that negotiated media. A client
// that accepts only application/json gets it on 2xx responses and application/graphql-response+json on the
// others, as the draft asks of servers answering legacy clients.
func contentType(media string, status int) string {
	if media == MediaJSON && status >= 200 && status < 300 {
		return MediaJSON + "; charset=utf-8"
	}
	return MediaGraphQLResponse + "; charset=utf-8"
}

// body is a GraphQL response as sent: data is left out when the request never ran (a request error),
// and kept, even as null, when it did.
type body struct {
	Errors     gqlerror.List   `json:"errors,omitempty"`
	Data       json.RawMessage `json:"data,omitempty"`
	Extensions map[string]any  `json:"extensions,omitempty"`
}

func write(w http.ResponseWriter, media string, status int, b body) {
	raw, err := b.encode()
	if err != nil {
		// Only a resolver's value that cannot be marshalled gets here; say so without leaking it.
		status = http.StatusInternalServerError
		raw = []byte(`{"errors":[{"message":"internal error: the response could not be encoded","extensions":{"code":"INTERNAL"}}]}`)
	}
	w.Header().Set("Content-Type", contentType(media, status))
	if status == http.StatusUnauthorized {
		w.Header().Set("WWW-Authenticate", "Bearer") // RFC 9110 section 15.5.2: a 401 names its scheme
	}
	if status == http.StatusServiceUnavailable && len(b.Errors) > 0 {
		// UNAVAILABLE says when to retry; HTTP clients and retry links read the header.
		if secs, ok := b.Errors[0].Extensions["retryAfter"].(int); ok {
			w.Header().Set("Retry-After", strconv.Itoa(secs))
		}
	}
	w.WriteHeader(status)
	_, _ = w.Write(raw)
}

// encode writes b as json.Marshal would, but copies data as it is: the executor wrote it as JSON already,
// and json.Marshal would scan and compact every byte of it again.
func (b body) encode() ([]byte, error) {
	out := make([]byte, 0, len(b.Data)+32)
	out = append(out, '{')
	member := func(name string, v []byte) {
		if len(out) > 1 {
			out = append(out, ',')
		}
		out = append(out, '"')
		out = append(out, name...)
		out = append(out, '"', ':')
		out = append(out, v...)
	}
	if len(b.Errors) > 0 {
		raw, err := json.Marshal(b.Errors)
		if err != nil {
			return nil, err
		}
		member("errors", raw)
	}
	if len(b.Data) > 0 {
		member("data", b.Data)
	}
	if len(b.Extensions) > 0 {
		raw, err := json.Marshal(b.Extensions)
		if err != nil {
			return nil, err
		}
		member("extensions", raw)
	}
	return append(out, '}'), nil
}

// newError builds an error with extensions.code set.
func newError(code, message string) *gqlerror.Error {
	return &gqlerror.Error{Message: message, Extensions: map[string]any{"code": code}}
}

// WriteGraphQLError answers a request that GraphQL never saw with e, in the media type the request accepts;
// a 503 carries e's retryAfter as Retry-After.
func WriteGraphQLError(w http.ResponseWriter, r *http.Request, status int, e *gqlerror.Error) {
	media, _ := Negotiate(r.Header.Get("Accept"))
	write(w, media, status, body{Errors: gqlerror.List{e}})
}

// WriteError answers a request that GraphQL never saw (refused by a middleware) with a GraphQL-shaped
// error: {"errors":[{"message":…,"extensions":{"code":…}}]}, in the media type the request accepts.
func WriteError(w http.ResponseWriter, r *http.Request, status int, code, message string) {
	media, _ := Negotiate(r.Header.Get("Accept"))
	write(w, media, status, body{Errors: gqlerror.List{newError(code, message)}})
}
