package wstransport

import (
	"fmt"
	"net"
	"net/http"
	"net/url"
	"strings"
)

// OriginError reports an entry of Config.AllowedOrigins that is not an origin pattern.
type OriginError struct {
	Origin string // the entry as configured
	Reason string
}

func (e *OriginError) Error() string {
	return fmt.Sprintf("allowed origin %q: %s", e.Origin, e.Reason)
}

// originPolicy decides which Origin headers may open a socket (cross-site websocket hijacking defence).
type originPolicy struct {
	anyOrigin bool
	exact     map[string]bool // normalized "scheme://host[:port]"
	wildcards []wildcardOrigin
}

// wildcardOrigin is "scheme://*.suffix[:port]": any host ending in "."+suffix.
type wildcardOrigin struct {
	scheme, suffix, port string
}

func parseOrigins(entries []string) (originPolicy, error) {
	p := originPolicy{exact: map[string]bool{}}
	for _, entry := range entries {
		if strings.TrimSpace(entry) == "*" {
			p.anyOrigin = true
			continue
		}
		scheme, host, port, err := splitOrigin(strings.TrimSuffix(strings.TrimSpace(entry), "/"))
		if err != nil {
			return originPolicy{}, &OriginError{Origin: entry, Reason: err.Error()}
		}
		suffix, wild := strings.CutPrefix(host, "*.")
		switch {
		case strings.Contains(suffix, "*"):
			return originPolicy{}, &OriginError{Origin: entry, Reason: `a wildcard may only stand for the first label, as in "https://*.example.com"`}
		case wild:
			p.wildcards = append(p.wildcards, wildcardOrigin{scheme: scheme, suffix: suffix, port: port})
		default:
			p.exact[joinOrigin(scheme, host, port)] = true
		}
	}
	return p, nil
}

// allowed reports whether r may be upgraded. A request without Origin comes from a non-browser client.
func (p originPolicy) allowed(r *http.Request) bool {
	origin := r.Header.Get("Origin")
	if origin == "" || p.anyOrigin {
		return true
	}
	scheme, host, port, err := splitOrigin(origin)
	if err != nil || strings.Contains(host, "*") {
		return false
	}
	if len(p.exact) == 0 && len(p.wildcards) == 0 {
		return strings.EqualFold(joinHost(host, port), stripDefaultPort(r.Host, scheme))
	}
	if p.exact[joinOrigin(scheme, host, port)] {
		return true
	}
	for _, w := range p.wildcards {
		if w.scheme == scheme && w.port == port && strings.HasSuffix(host, "."+w.suffix) {
			return true
		}
	}
	return false
}

// splitOrigin parses "scheme://host[:port]" into lower-case parts, dropping the scheme's default port.
func splitOrigin(s string) (scheme, host, port string, err error) {
	u, err := url.Parse(s)
	if err != nil {
		return "", "", "", fmt.Errorf("not a URL: %w", err)
	}
	if u.Scheme != "http" && u.Scheme != "https" {
		return "", "", "", fmt.Errorf(`the scheme must be http or https, as in "https://app.example.com"`)
	}
	if u.Host == "" || u.User != nil || (u.Path != "" && u.Path != "/") || u.RawQuery != "" || u.Fragment != "" {
		return "", "", "", fmt.Errorf(`an origin is scheme://host[:port] and nothing else, as in "https://app.example.com"`)
	}
	scheme = strings.ToLower(u.Scheme)
	host = strings.ToLower(u.Hostname())
	port = u.Port()
	if port == defaultPort(scheme) {
		port = ""
	}
	return scheme, host, port, nil
}

func defaultPort(scheme string) string {
	if scheme == "https" {
		return "443"
	}
	return "80"
}

func stripDefaultPort(hostport, scheme string) string {
	return strings.TrimSuffix(hostport, ":"+defaultPort(scheme))
}

func joinHost(host, port string) string {
	if port != "" {
		return net.JoinHostPort(host, port)
	}
	if strings.Contains(host, ":") {
		return "[" + host + "]" // IPv6 literal
	}
	return host
}

func joinOrigin(scheme, host, port string) string {
	return scheme + "://" + joinHost(host, port)
}
