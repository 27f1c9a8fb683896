package playground

import (
	"bytes"
	"compress/gzip"
	"crypto/sha256"
	"embed"
	"encoding/hex"
	"io/fs"
	"net/http"
	"path"
	"strings"
	"sync"
	"time"
)

// assets holds the committed page files (playground.js, playground.css) and, after `make assets`, dist/ with
// the files web/build.mjs copied from npm packages. The committed files make the pattern match even when dist/
// is absent, so the build never fails for want of it.
//
//go:embed assets
var embedded embed.FS

// Page files in load order. Scripts: React before ReactDOM before GraphiQL (its UMD bundle reads both globals),
// graphql-ws before playground.js, which uses all of them.
var (
	vendorScripts = []string{"dist/react.production.min.js", "dist/react-dom.production.min.js", "dist/graphql-ws.min.js", "dist/graphiql.min.js"}
	vendorStyles  = []string{"dist/graphiql.min.css"}
	ownScript     = "playground.js"
	ownStyle      = "playground.css"
)

// immutable is the Cache-Control of a file requested with its current content hash: the URL changes whenever
// the content does, so browsers may keep it for a year without asking again.
const immutable = "public, max-age=31536000, immutable"

// asset is one file, with its hash for URLs and ETags and, made on first request, its gzip encoding.
type asset struct {
	body  []byte
	ctype string
	hash  string // first 16 hex digits of the SHA-256

	gzipOnce sync.Once
	gzipped  []byte // nil when gzip does not make it smaller
}

// bundle is the set of files the handler serves.
type bundle struct {
	files    map[string]*asset // by path under assets/
	complete bool              // every vendor file is present
	missing  []string
}

var (
	embeddedOnce sync.Once
	embeddedB    *bundle
)

func embeddedBundle() *bundle {
	embeddedOnce.Do(func() {
		sub, err := fs.Sub(embedded, "assets")
		if err != nil { // cannot happen: the pattern above names the directory
			sub = embedded
		}
		embeddedB = loadBundle(sub)
	})
	return embeddedB
}

// loadBundle reads every regular file of fsys. A file it cannot read counts as missing.
func loadBundle(fsys fs.FS) *bundle {
	b := &bundle{files: map[string]*asset{}}
	_ = fs.WalkDir(fsys, ".", func(p string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return nil
		}
		body, err := fs.ReadFile(fsys, p)
		if err != nil {
			return nil
		}
		sum := sha256.Sum256(body)
		b.files[p] = &asset{body: body, ctype: contentType(p), hash: hex.EncodeToString(sum[:8])}
		return nil
	})
	for _, p := range append(append([]string{}, vendorScripts...), vendorStyles...) {
		if b.files[p] == nil {
			b.missing = append(b.missing, p)
		}
	}
	b.complete = len(b.missing) == 0
	return b
}

// url is the address of file p relative to the page, with its hash so that a new build gets a new URL.
func (b *bundle) url(p string) string {
	a := b.files[p]
	if a == nil {
		return ""
	}
	return strings.TrimPrefix(AssetsPrefix, "/") + p + "?v=" + a.hash
}

func (b *bundle) serve(w http.ResponseWriter, r *http.Request, p string) {
	a := b.files[p]
	if a == nil || p != path.Clean(p) {
		http.NotFound(w, r)
		return
	}
	h := w.Header()
	h.Set("Content-Type", a.ctype)
	h.Set("X-Content-Type-Options", "nosniff")
	h.Set("Cross-Origin-Resource-Policy", "same-origin")
	h.Set("Vary", "Accept-Encoding")
	if r.URL.Query().Get("v") == a.hash {
		h.Set("Cache-Control", immutable)
	} else {
		h.Set("Cache-Control", "no-cache") // revalidate with the ETag
	}
	body, etag := a.body, `"`+a.hash+`"`
	if gz := a.gzip(); gz != nil && acceptsGzip(r.Header.Get("Accept-Encoding")) {
		body, etag = gz, `"`+a.hash+`-gz"`
		h.Set("Content-Encoding", "gzip")
	}
	h.Set("ETag", etag)
	http.ServeContent(w, r, "", time.Time{}, bytes.NewReader(body))
}

// gzip returns the file compressed, or nil for files that are small or do not compress.
func (a *asset) gzip() []byte {
	a.gzipOnce.Do(func() {
		if len(a.body) < 1024 || !compressible(a.ctype) {
			return
		}
		var buf bytes.Buffer
		zw, err := gzip.NewWriterLevel(&buf, gzip.BestCompression)
		if err != nil {
			return
		}
		if _, err := zw.Write(a.body); err != nil {
			return
		}
		if err := zw.Close(); err != nil || buf.Len() >= len(a.body) {
			return
		}
		a.gzipped = buf.Bytes()
	})
	return a.gzipped
}

func compressible(ctype string) bool {
	return strings.HasPrefix(ctype, "text/") || strings.HasPrefix(ctype, "application/json")
}

// acceptsGzip reports whether an Accept-Encoding header allows gzip (RFC 9110 section 12.5.3): listed, or
// covered by "*", and not with q=0.
func acceptsGzip(header string) bool {
	ok := false
	for _, part := range strings.Split(header, ",") {
		coding, params, _ := strings.Cut(strings.TrimSpace(part), ";")
		coding = strings.ToLower(strings.TrimSpace(coding))
		if coding != "gzip" && coding != "*" {
			continue
		}
		refused := false
		for _, p := range strings.Split(params, ";") {
			k, v, _ := strings.Cut(strings.TrimSpace(p), "=")
			if strings.EqualFold(k, "q") && strings.Trim(v, "0.") == "" && v != "" {
				refused = true
			}
		}
		if coding == "gzip" {
			return !refused
		}
		ok = !refused // "*" counts unless gzip itself is listed
	}
	return ok
}

// contentType names the types of the files the bundle holds; anything else is served as bytes.
func contentType(p string) string {
	switch path.Ext(p) {
	case ".js":
		return "text/javascript; charset=utf-8"
	case ".css":
		return "text/css; charset=utf-8"
	case ".json":
		return "application/json"
	case ".txt", ".md":
		return "text/plain; charset=utf-8"
	case ".map":
		return "application/json"
	}
	return "application/octet-stream"
}
