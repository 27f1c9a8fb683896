package playground

import (
	"bytes"
	"crypto/rand"
	"embed"
	"encoding/base64"
	"html/template"
	"net/http"
	"strings"
)

//go:embed templates/*.html
var templateFiles embed.FS

var templates = template.Must(template.ParseFS(templateFiles, "templates/*.html"))

// pageData fills templates/page.html (assets present) or templates/missing.html (absent).
type pageData struct {
	Title    string
	Endpoint string
	Styles   []string
	Scripts  []string
	Missing  []string
	Nonce    string // the response's style nonce, for the styles GraphiQL adds (contentSecurityPolicy)

	template string
}

func newPageData(o Options, b *bundle) pageData {
	d := pageData{Title: o.Title, Endpoint: o.Endpoint, template: "page.html"}
	if !b.complete {
		d.template, d.Missing = "missing.html", b.missing
		d.Styles = []string{b.url(ownStyle)}
		return d
	}
	for _, p := range vendorStyles {
		d.Styles = append(d.Styles, b.url(p))
	}
	d.Styles = append(d.Styles, b.url(ownStyle))
	for _, p := range vendorScripts {
		d.Scripts = append(d.Scripts, b.url(p))
	}
	d.Scripts = append(d.Scripts, b.url(ownScript))
	return d
}

// contentSecurityPolicy allows the page's own files and connections to its own origin (plus connect, the
// sources of an endpoint on another origin) and nothing else: no inline script, no eval, no external origin.
// Fonts and images may be data: URLs because GraphiQL's stylesheet inlines its fonts and icons that way.
//
// Styles: the page's stylesheets, and the <style> elements GraphiQL adds while it runs (its menus and
// dialogs lock scrolling with one, e.g. the operation picker when the editor holds several operations),
// which carry the response's nonce.
func contentSecurityPolicy(connect []string, nonce string) string {
	return strings.Join([]string{
		"default-src 'none'",
		"script-src 'self'",
		"style-src 'self' 'nonce-" + nonce + "'",
		"img-src 'self' data:",
		"font-src 'self' data:",
		"connect-src " + strings.Join(append([]string{"'self'"}, connect...), " "),
		"manifest-src 'self'",
		"base-uri 'none'",
		"form-action 'none'",
		"frame-ancestors 'none'",
	}, "; ")
}

// render fills the page's template with a response's style nonce.
func (d pageData) render(nonce string) ([]byte, error) {
	d.Nonce = nonce
	var buf bytes.Buffer
	if err := templates.ExecuteTemplate(&buf, d.template, d); err != nil {
		return nil, err
	}
	return buf.Bytes(), nil
}

// newNonce returns a fresh nonce for one response: 128 random bits, as CSP asks.
func newNonce() string {
	b := make([]byte, 16)
	_, _ = rand.Read(b)
	return base64.RawURLEncoding.EncodeToString(b) // CSP base64-value allows the URL alphabet; html/template leaves it unescaped
}

func (h *handler) servePage(w http.ResponseWriter, r *http.Request) {
	if h.err != nil {
		http.Error(w, h.err.Error(), http.StatusInternalServerError)
		return
	}
	nonce := newNonce()
	body, err := h.page.render(nonce)
	if err != nil {
		http.Error(w, err.Error(), http.StatusInternalServerError)
		return
	}
	hd := w.Header()
	hd.Set("Content-Type", "text/html; charset=utf-8")
	hd.Set("Content-Security-Policy", contentSecurityPolicy(h.connect, nonce))
	hd.Set("Cache-Control", "no-cache")
	hd.Set("X-Content-Type-Options", "nosniff")
	hd.Set("Referrer-Policy", "no-referrer")
	hd.Set("X-Frame-Options", "DENY")
	w.WriteHeader(http.StatusOK)
	if r.Method != http.MethodHead {
		_, _ = w.Write(body)
	}
}
