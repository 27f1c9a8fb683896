package httpx

import (
	"fmt"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"time"
)

// DevelopmentOrigins are the origins allowed when none are configured in development: any port of the
// local machine, where front-end dev servers run (Vite 5173, Next 3000, Angular 4200, …).
var DevelopmentOrigins = []string{"http://localhost:*", "http://127.0.0.1:*", "http://[::1]:*"}

// DefaultAllowedHeaders are the request headers a page may send cross-origin: the bearer token, the body
// and response types, a request id to correlate logs, and the headers Apollo Client adds (client
// awareness, CSRF-prevention preflight trigger, operation name).
var DefaultAllowedHeaders = []string{
	"Authorization", "Content-Type", "Accept", "X-Request-Id",
	"Apollo-Require-Preflight", "Apollographql-Client-Name", "Apollographql-Client-Version", "X-Apollo-Operation-Name",
}

// CORSConfig configures CORS. Credentials (cookies) are never allowed: the API authenticates with a
// bearer token, which a page sends in the Authorization header.
type CORSConfig struct {
	// AllowedOrigins lists exact origins (https://app.example.com), any subdomain (https://*.example.com,
	// not the apex), any port (http://localhost:*), or "*" for every origin. Empty allows none: only
	// same-origin pages.
	AllowedOrigins []string
	// AllowedHeaders are the request headers allowed in a preflight; nil means DefaultAllowedHeaders.
	AllowedHeaders []string
	// ExposedHeaders are the response headers a page may read; nil means X-Request-Id and Retry-After.
	ExposedHeaders []string
	// MaxAge is how long a browser may cache a preflight; zero means 2 hours (Chromium's cap).
	MaxAge time.Duration
}

// CORS answers preflights and adds CORS headers to responses for allowed origins.
type CORS struct {
	any     bool
	origins []origin
	headers string
	exposed string
	maxAge  string
}

type origin struct {
	scheme, host, port string // port "*" matches any port, "" the scheme's default
	subdomains         bool   // host is a suffix: "*.example.com" matches a.example.com, not example.com
}

// ParseOrigins splits a comma-separated list of origins, as CORS_ALLOWED_ORIGINS holds it.
func ParseOrigins(list string) []string {
	var out []string
	for o := range strings.SplitSeq(list, ",") {
		if o = strings.TrimSpace(o); o != "" {
			out = append(out, o)
		}
	}
	return out
}

// NewCORS checks cfg and returns the middleware. An origin it cannot read is an error that says how to
// write it.
func NewCORS(cfg CORSConfig) (*CORS, error) {
	c := &CORS{}
	for _, o := range cfg.AllowedOrigins {
		if o == "*" {
			c.any = true
			continue
		}
		p, err := parseOrigin(o)
		if err != nil {
			return nil, err
		}
		c.origins = append(c.origins, p)
	}
	headers := cfg.AllowedHeaders
	if headers == nil {
		headers = DefaultAllowedHeaders
	}
	exposed := cfg.ExposedHeaders
	if exposed == nil {
		exposed = []string{"X-Request-Id", "Retry-After"}
	}
	maxAge := cfg.MaxAge
	if maxAge <= 0 {
		maxAge = 2 * time.Hour
	}
	c.headers = strings.Join(headers, ", ")
	c.exposed = strings.Join(exposed, ", ")
	c.maxAge = strconv.Itoa(int(maxAge / time.Second))
	return c, nil
}

func parseOrigin(s string) (origin, error) {
	bad := func(why string) (origin, error) {
		return origin{}, fmt.Errorf("CORS origin %q %s: write it as scheme://host[:port], e.g. https://app.example.com or http://localhost:*", s, why)
	}
	wildPort := strings.HasSuffix(s, ":*")
	u, err := url.Parse(strings.TrimSuffix(s, ":*"))
	switch {
	case err != nil:
		return bad("cannot be read")
	case u.Scheme != "http" && u.Scheme != "https":
		return bad("needs an http or https scheme")
	case u.Host == "" || u.User != nil || (u.Path != "" && u.Path != "/") || u.RawQuery != "" || u.Fragment != "":
		return bad("must be only a scheme, a host and a port")
	case wildPort && u.Port() != "":
		return bad("has two ports")
	}
	o := origin{scheme: u.Scheme, host: strings.ToLower(u.Hostname()), port: u.Port()}
	if suffix, ok := strings.CutPrefix(o.host, "*."); ok {
		o.host, o.subdomains = suffix, true
	}
	if strings.Contains(o.host, "*") {
		return bad("has a wildcard other than a first label (https://*.example.com) or a port (:*)")
	}
	if wildPort {
		o.port = "*"
	}
	return o, nil
}

func defaultPort(scheme string) string {
	if scheme == "https" {
		return "443"
	}
	return "80"
}

// Allows reports whether a page served from origin (the Origin header's value) may call the API.
func (c *CORS) Allows(originHeader string) bool {
	if originHeader == "" || originHeader == "null" {
		return false
	}
	if c.any {
		return true
	}
	u, err := url.Parse(originHeader)
	if err != nil || u.Host == "" {
		return false
	}
	host, port := strings.ToLower(u.Hostname()), u.Port()
	if port == "" {
		port = defaultPort(u.Scheme)
	}
	for _, o := range c.origins {
		want := o.port
		if want == "" {
			want = defaultPort(o.scheme)
		}
		hostOK := o.host == host
		if o.subdomains {
			hostOK = strings.HasSuffix(host, "."+o.host)
		}
		if o.scheme == u.Scheme && hostOK && (want == "*" || want == port) {
			return true
		}
	}
	return false
}

// Handler wraps next:
//   - a preflight (OPTIONS with Access-Control-Request-Method) is answered here: 204 with the allowed
//     methods, headers and max age for an allowed origin and method, 403 with no CORS headers otherwise;
//   - any other request from an allowed origin gets Access-Control-Allow-Origin and the exposed headers;
//     from another origin it runs without them, so the browser keeps the page from reading the answer;
//   - a websocket upgrade from a page of another origin that is not allowed is refused with 403, since
//     browsers apply no CORS to websockets.
func (c *CORS) Handler(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		o := r.Header.Get("Origin")
		h := w.Header()
		if !c.any {
			h.Add("Vary", "Origin")
		}
		if r.Method == http.MethodOptions && r.Header.Get("Access-Control-Request-Method") != "" {
			h.Add("Vary", "Access-Control-Request-Method")
			h.Add("Vary", "Access-Control-Request-Headers")
			method := r.Header.Get("Access-Control-Request-Method")
			if !c.Allows(o) || (method != http.MethodGet && method != http.MethodPost) {
				http.Error(w, fmt.Sprintf("CORS preflight refused: origin %q may not send %s here", o, method), http.StatusForbidden)
				return
			}
			c.allowOrigin(h, o)
			h.Set("Access-Control-Allow-Methods", "GET, POST")
			h.Set("Access-Control-Allow-Headers", c.headers)
			h.Set("Access-Control-Max-Age", c.maxAge)
			w.WriteHeader(http.StatusNoContent)
			return
		}
		if o != "" && isWebsocket(r) && !c.Allows(o) && !sameOrigin(o, r) {
			http.Error(w, fmt.Sprintf("origin %q may not open a websocket here", o), http.StatusForbidden)
			return
		}
		if c.Allows(o) {
			c.allowOrigin(h, o)
			if c.exposed != "" {
				h.Set("Access-Control-Expose-Headers", c.exposed)
			}
		}
		next.ServeHTTP(w, r)
	})
}

func (c *CORS) allowOrigin(h http.Header, o string) {
	if c.any {
		h.Set("Access-Control-Allow-Origin", "*")
		return
	}
	h.Set("Access-Control-Allow-Origin", o)
}

func isWebsocket(r *http.Request) bool {
	return strings.EqualFold(r.Header.Get("Upgrade"), "websocket")
}

// sameOrigin reports whether the page's origin is the host the request was sent to, default ports aside.
func sameOrigin(o string, r *http.Request) bool {
	u, err := url.Parse(o)
	if err != nil || u.Host == "" {
		return false
	}
	strip := func(host string) string {
		return strings.TrimSuffix(strings.ToLower(host), ":"+defaultPort(u.Scheme))
	}
	return strip(u.Host) == strip(r.Host)
}
