package playground

import (
	"bytes"
	"embed"
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
func contentSecurityPolicy(connect []string) string {
	return strings.Join([]string{
		"default-src 'none'",
		"script-src 'self'",
		"style-src 'self'",
		"img-src 'self' data:",
		"font-src 'self' data:",
		"connect-src " + strings.Join(append([]string{"'self'"}, connect...), " "),
		"manifest-src 'self'",
		"base-uri 'none'",
		"form-action 'none'",
		"frame-ancestors 'none'",
	}, "; ")
}

// render fills the page's template once; the page does not change while the server runs.
func (d pageData) render() ([]byte, error) {
	var buf bytes.Buffer
	if err := templates.ExecuteTemplate(&buf, d.template, d); err != nil {
		return nil, err
	}
	return buf.Bytes(), nil
}

func (h *handler) servePage(w http.ResponseWriter, r *http.Request) {
	if h.err != nil {
		http.Error(w, h.err.Error(), http.StatusInternalServerError)
		return
	}
	hd := w.Header()
	hd.Set("Content-Type", "text/html; charset=utf-8")
	hd.Set("Content-Security-Policy", h.csp)
	hd.Set("Cache-Control", "no-cache")
	hd.Set("X-Content-Type-Options", "nosniff")
	hd.Set("Referrer-Policy", "no-referrer")
	hd.Set("X-Frame-Options", "DENY")
	w.WriteHeader(http.StatusOK)
	if r.Method != http.MethodHead {
		_, _ = w.Write(h.body)
	}
}
