// Package playground serves GraphiQL, the in-browser GraphQL IDE, from files embedded in the binary so that it
// works with no internet access; it does not answer GraphQL itself: the page talks to Options.Endpoint.
package playground

import (
	"net/http"
	"net/url"
	"strings"
)

// AssetsPrefix is the path, under the handler's root, where the page's files are served.
const AssetsPrefix = "/playground/"

// Options configures the page.
type Options struct {
	// Endpoint is the GraphQL endpoint the page queries over HTTP; subscriptions use the same URL with the
	// ws: or wss: scheme. A path ("/graphql") means the page's own origin. Default "/graphql".
	Endpoint string
	// Title is the browser tab's title. Default "GraphiQL".
	Title string
}

// Available reports whether this binary carries GraphiQL's files. Without them the page at "/" explains how to
// get them (`make assets`, then rebuild).
func Available() bool { return embeddedBundle().complete }

// Handler serves the playground page at "/" and its files under AssetsPrefix; every other path is 404, and
// methods other than GET and HEAD are 405. On a net/http ServeMux, register it for "GET /{$}" and
// "GET "+AssetsPrefix: a plain "GET /" conflicts with a method-less "/graphql" pattern and panics.
func Handler(o Options) http.Handler {
	return newHandler(o, embeddedBundle())
}

type handler struct {
	page    pageData // rendered for each response, with that response's nonce
	connect []string // connect-src beyond 'self'
	bundle  *bundle
	err     error // a bad Options.Endpoint: served as 500 with the reason
}

func newHandler(o Options, b *bundle) *handler {
	if o.Endpoint == "" {
		o.Endpoint = "/graphql"
	}
	if o.Title == "" {
		o.Title = "GraphiQL"
	}
	h := &handler{bundle: b, page: newPageData(o, b)}
	var err error
	if h.connect, err = connectSources(o.Endpoint); err != nil {
		h.err = err
		return h
	}
	if _, err := h.page.render(""); err != nil { // a template error shows at once, not per request
		h.err = err
	}
	return h
}

func (h *handler) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	if r.Method != http.MethodGet && r.Method != http.MethodHead {
		w.Header().Set("Allow", "GET, HEAD")
		http.Error(w, "method not allowed", http.StatusMethodNotAllowed)
		return
	}
	switch p := r.URL.Path; {
	case p == "/" || p == "":
		h.servePage(w, r)
	case strings.HasPrefix(p, AssetsPrefix):
		h.bundle.serve(w, r, strings.TrimPrefix(p, AssetsPrefix))
	default:
		http.NotFound(w, r)
	}
}

// connectSources lists what the page may connect to besides its own origin ('self', which covers ws: and wss:
// to the same host): an absolute endpoint's origin and its websocket counterpart.
func connectSources(endpoint string) ([]string, error) {
	u, err := url.Parse(endpoint)
	if err != nil {
		return nil, &EndpointError{Endpoint: endpoint, Reason: err.Error()}
	}
	if u.Host == "" {
		if u.Scheme != "" {
			return nil, &EndpointError{Endpoint: endpoint, Reason: "use a path such as /graphql or an absolute http(s) URL"}
		}
		return nil, nil
	}
	var ws string
	switch u.Scheme {
	case "http":
		ws = "ws"
	case "https":
		ws = "wss"
	default:
		return nil, &EndpointError{Endpoint: endpoint, Reason: "the scheme must be http or https"}
	}
	return []string{u.Scheme + "://" + u.Host, ws + "://" + u.Host}, nil
}

// EndpointError says why Options.Endpoint cannot be used.
type EndpointError struct {
	Endpoint string
	Reason   string
}

func (e *EndpointError) Error() string {
	return "playground: endpoint " + e.Endpoint + ": " + e.Reason
}
