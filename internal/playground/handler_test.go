package playground

import (
	"bytes"
	"compress/gzip"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"io"
	"io/fs"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"testing/fstest"

	"github.com/stretchr/testify/require"
)

// fakeFiles is a complete bundle with small stand-ins for the npm files; the big script is long and
// repetitive so that gzip pays off.
func fakeFiles() fstest.MapFS {
	m := fstest.MapFS{
		"playground.js":                 {Data: []byte("/* own */")},
		"playground.css":                {Data: []byte("body{}")},
		"dist/THIRD_PARTY_LICENSES.txt": {Data: []byte("MIT")},
	}
	for _, p := range append(append([]string{}, vendorScripts...), vendorStyles...) {
		m[p] = &fstest.MapFile{Data: []byte("/* " + p + " */")}
	}
	m["dist/graphiql.min.js"] = &fstest.MapFile{Data: bytes.Repeat([]byte("console.log('graphiql');\n"), 200)}
	return m
}

func get(t *testing.T, h http.Handler, method, target string, header map[string]string) *http.Response {
	t.Helper()
	r := httptest.NewRequest(method, target, nil)
	for k, v := range header {
		r.Header.Set(k, v)
	}
	w := httptest.NewRecorder()
	h.ServeHTTP(w, r)
	return w.Result()
}

func body(t *testing.T, res *http.Response) string {
	t.Helper()
	b, err := io.ReadAll(res.Body)
	require.NoError(t, err)
	return string(b)
}

func hashOf(b []byte) string {
	sum := sha256.Sum256(b)
	return hex.EncodeToString(sum[:8])
}

func TestPageWithAssets(t *testing.T) {
	t.Parallel()
	files := fakeFiles()
	h := newHandler(Options{Endpoint: "/graphql", Title: `Architect <API> & "friends"`}, loadBundle(files))

	res := get(t, h, http.MethodGet, "/", nil)
	page := body(t, res)
	require.Equal(t, http.StatusOK, res.StatusCode)
	require.Equal(t, "text/html; charset=utf-8", res.Header.Get("Content-Type"))
	require.Equal(t, "no-cache", res.Header.Get("Cache-Control"))
	require.Equal(t, "nosniff", res.Header.Get("X-Content-Type-Options"))
	csp := res.Header.Get("Content-Security-Policy")
	nonce := regexp.MustCompile(`'nonce-([A-Za-z0-9_-]{22})'`).FindStringSubmatch(csp)
	require.Len(t, nonce, 2, "a 128-bit nonce for the styles GraphiQL adds: %s", csp)
	require.Equal(t, "default-src 'none'; script-src 'self'; style-src 'self' 'nonce-"+nonce[1]+"'; img-src 'self' data:; "+
		"font-src 'self' data:; connect-src 'self'; manifest-src 'self'; base-uri 'none'; form-action 'none'; "+
		"frame-ancestors 'none'", csp)
	require.Contains(t, page, `data-style-nonce="`+nonce[1]+`"`, "the page hands the nonce to playground.js")
	again := get(t, h, http.MethodGet, "/", nil)
	require.NotContains(t, again.Header.Get("Content-Security-Policy"), nonce[1], "each response has its own nonce")

	require.Contains(t, page, `<title>Architect &lt;API&gt; &amp; &#34;friends&#34;</title>`)
	require.Contains(t, page, `data-endpoint="/graphql"`)
	require.NotContains(t, page, "make assets")
	require.NotRegexp(t, `<script>|<script [^>]*>[^<]`, page, "no inline script: the CSP forbids it")
	require.NotRegexp(t, `(src|href)="(https?:)?//`, page, "no external origin")

	// Scripts in dependency order, each with its content hash.
	var got []string
	for _, m := range regexp.MustCompile(`<script src="([^"]+)"></script>`).FindAllStringSubmatch(page, -1) {
		got = append(got, m[1])
	}
	var want []string
	for _, p := range append(append([]string{}, vendorScripts...), ownScript) {
		want = append(want, "playground/"+p+"?v="+hashOf(files[p].Data))
	}
	require.Equal(t, want, got)
	require.Contains(t, page, `<link rel="stylesheet" href="playground/dist/graphiql.min.css?v=`+hashOf(files["dist/graphiql.min.css"].Data)+`">`)

	head := get(t, h, http.MethodHead, "/", nil)
	require.Equal(t, http.StatusOK, head.StatusCode)
	require.Empty(t, body(t, head))
}

func TestPageWithoutAssets(t *testing.T) {
	t.Parallel()
	files := fakeFiles()
	delete(files, "dist/graphiql.min.js")
	delete(files, "dist/react.production.min.js")
	b := loadBundle(files)
	require.False(t, b.complete)
	h := newHandler(Options{}, b)

	res := get(t, h, http.MethodGet, "/", nil)
	page := body(t, res)
	require.Equal(t, http.StatusOK, res.StatusCode)
	require.Contains(t, page, "make assets")
	require.Contains(t, page, "<code>dist/react.production.min.js</code>, <code>dist/graphiql.min.js</code>")
	require.Contains(t, page, "<code>POST /graphql</code>", "default endpoint")
	require.Contains(t, page, `href="playground/playground.css?v=`)
	require.NotContains(t, page, "<script")
	require.NotEmpty(t, res.Header.Get("Content-Security-Policy"))
}

func TestEndpointOnAnotherOrigin(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name     string
		endpoint string
		connect  string // connect-src of the page's CSP; empty when the handler refuses the endpoint
	}{
		{name: "path", endpoint: "/api/graphql", connect: "connect-src 'self';"},
		{name: "relative path", endpoint: "graphql", connect: "connect-src 'self';"},
		{name: "https origin adds wss", endpoint: "https://api.example.com/graphql", connect: "connect-src 'self' https://api.example.com wss://api.example.com;"},
		{name: "http origin with port adds ws", endpoint: "http://localhost:3001/graphql", connect: "connect-src 'self' http://localhost:3001 ws://localhost:3001;"},
		{name: "other scheme", endpoint: "ftp://example.com/graphql"},
		{name: "scheme without host", endpoint: "javascript:alert(1)"},
		{name: "unparsable", endpoint: "http://[::1"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			res := get(t, newHandler(Options{Endpoint: tc.endpoint}, loadBundle(fakeFiles())), http.MethodGet, "/", nil)
			if tc.connect == "" {
				require.Equal(t, http.StatusInternalServerError, res.StatusCode)
				require.Contains(t, body(t, res), "playground: endpoint")
				return
			}
			require.Equal(t, http.StatusOK, res.StatusCode)
			require.Contains(t, res.Header.Get("Content-Security-Policy"), tc.connect)
		})
	}
}

func TestAssets(t *testing.T) {
	t.Parallel()
	files := fakeFiles()
	h := newHandler(Options{}, loadBundle(files))
	jsHash := hashOf(files["dist/graphiql.min.js"].Data)
	tests := []struct {
		name        string
		method      string
		target      string
		header      map[string]string
		status      int
		ctype       string
		cache       string
		encoding    string
		wantBody    []byte // compared after gunzip; nil: not checked
		emptyOnWire bool
	}{
		{name: "script with its hash is immutable", target: "/playground/dist/graphiql.min.js?v=" + jsHash, status: 200,
			ctype: "text/javascript; charset=utf-8", cache: immutable, wantBody: files["dist/graphiql.min.js"].Data},
		{name: "stale hash must revalidate", target: "/playground/dist/graphiql.min.js?v=0000", status: 200,
			ctype: "text/javascript; charset=utf-8", cache: "no-cache"},
		{name: "no hash must revalidate", target: "/playground/playground.js", status: 200,
			ctype: "text/javascript; charset=utf-8", cache: "no-cache", wantBody: []byte("/* own */")},
		{name: "stylesheet", target: "/playground/dist/graphiql.min.css", status: 200, ctype: "text/css; charset=utf-8", cache: "no-cache"},
		{name: "licenses", target: "/playground/dist/THIRD_PARTY_LICENSES.txt", status: 200, ctype: "text/plain; charset=utf-8", cache: "no-cache"},
		{name: "gzip when accepted", target: "/playground/dist/graphiql.min.js?v=" + jsHash, status: 200,
			header: map[string]string{"Accept-Encoding": "br, gzip"}, ctype: "text/javascript; charset=utf-8", cache: immutable,
			encoding: "gzip", wantBody: files["dist/graphiql.min.js"].Data},
		{name: "no gzip when refused", target: "/playground/dist/graphiql.min.js", status: 200,
			header: map[string]string{"Accept-Encoding": "gzip;q=0, identity"}, ctype: "text/javascript; charset=utf-8",
			cache: "no-cache", wantBody: files["dist/graphiql.min.js"].Data},
		{name: "small file not gzipped", target: "/playground/playground.js", status: 200,
			header: map[string]string{"Accept-Encoding": "gzip"}, ctype: "text/javascript; charset=utf-8", cache: "no-cache"},
		{name: "etag match is 304", target: "/playground/dist/graphiql.min.js", header: map[string]string{"If-None-Match": `"` + jsHash + `"`},
			status: 304, cache: "no-cache", emptyOnWire: true},
		{name: "gzip etag differs", target: "/playground/dist/graphiql.min.js",
			header: map[string]string{"If-None-Match": `"` + jsHash + `"`, "Accept-Encoding": "gzip"}, status: 200,
			ctype: "text/javascript; charset=utf-8", cache: "no-cache", encoding: "gzip"},
		{name: "head", method: http.MethodHead, target: "/playground/playground.css", status: 200, ctype: "text/css; charset=utf-8",
			cache: "no-cache", emptyOnWire: true},
		{name: "unknown file", target: "/playground/dist/nope.js", status: 404},
		{name: "directory", target: "/playground/dist", status: 404},
		{name: "dot segments", target: "/playground/dist/../playground.js", status: 404},
		{name: "other path", target: "/index.html", status: 404},
		{name: "post", method: http.MethodPost, target: "/", status: 405},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			method := tc.method
			if method == "" {
				method = http.MethodGet
			}
			r := httptest.NewRequest(method, "/", nil)
			r.URL.RawQuery = ""
			r.URL.Path, r.URL.RawQuery, _ = strings.Cut(tc.target, "?")
			for k, v := range tc.header {
				r.Header.Set(k, v)
			}
			w := httptest.NewRecorder()
			h.ServeHTTP(w, r)
			res := w.Result()
			require.Equal(t, tc.status, res.StatusCode)
			if tc.status == http.StatusMethodNotAllowed {
				require.Equal(t, "GET, HEAD", res.Header.Get("Allow"))
			}
			if tc.status >= 400 {
				return
			}
			if tc.ctype != "" {
				require.Equal(t, tc.ctype, res.Header.Get("Content-Type"))
				require.Equal(t, "nosniff", res.Header.Get("X-Content-Type-Options"))
			}
			require.Equal(t, tc.cache, res.Header.Get("Cache-Control"))
			require.Equal(t, tc.encoding, res.Header.Get("Content-Encoding"))
			require.Equal(t, "Accept-Encoding", res.Header.Get("Vary"))
			raw := []byte(body(t, res))
			if tc.emptyOnWire {
				require.Empty(t, raw)
				return
			}
			if tc.encoding == "gzip" {
				require.Equal(t, `"`+jsHash+`-gz"`, res.Header.Get("ETag"))
				zr, err := gzip.NewReader(bytes.NewReader(raw))
				require.NoError(t, err)
				raw, err = io.ReadAll(zr)
				require.NoError(t, err)
			}
			if tc.wantBody != nil {
				require.Equal(t, tc.wantBody, raw)
			}
		})
	}
}

func TestAcceptsGzip(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name   string
		header string
		want   bool
	}{
		{name: "absent", header: "", want: false},
		{name: "listed", header: "gzip", want: true},
		{name: "browser default", header: "gzip, deflate, br, zstd", want: true},
		{name: "case and spaces", header: " GZip ; q=0.5 ", want: true},
		{name: "refused", header: "gzip;q=0", want: false},
		{name: "refused with decimals", header: "gzip; q=0.000, br", want: false},
		{name: "wildcard", header: "*", want: true},
		{name: "wildcard refused", header: "*;q=0", want: false},
		{name: "gzip refused wins over wildcard", header: "*, gzip;q=0", want: false},
		{name: "gzip listed wins over refused wildcard", header: "gzip, *;q=0", want: true},
		{name: "identity only", header: "identity", want: false},
		{name: "x-gzip is another token", header: "x-gzip", want: false},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			require.Equal(t, tc.want, acceptsGzip(tc.header))
		})
	}
}

// TestEmbedded checks the real embedded files: the committed page files are always there, Available agrees
// with what web/build.mjs left in assets/dist, and every copied file is the one its manifest describes.
func TestEmbedded(t *testing.T) {
	t.Parallel()
	b := embeddedBundle()
	require.NotNil(t, b.files[ownScript])
	require.NotNil(t, b.files[ownStyle])

	onDisk := true
	for _, p := range append(append([]string{}, vendorScripts...), vendorStyles...) {
		if _, err := os.Stat(filepath.Join("assets", filepath.FromSlash(p))); err != nil {
			onDisk = false
		}
	}
	require.Equal(t, onDisk, Available(), "Available() must match assets/dist on disk at build time")
	if !Available() {
		t.Log("assets/dist is absent (run `make assets`); checked the missing-assets build only")
		return
	}
	raw, err := fs.ReadFile(embedded, "assets/dist/manifest.json")
	require.NoError(t, err)
	var manifest struct {
		Files map[string]struct {
			Package string `json:"package"`
			SHA256  string `json:"sha256"`
		} `json:"files"`
	}
	require.NoError(t, json.Unmarshal(raw, &manifest))
	for _, p := range append(append([]string{}, vendorScripts...), vendorStyles...) {
		name := strings.TrimPrefix(p, "dist/")
		entry, ok := manifest.Files[name]
		require.True(t, ok, "%s is not in the manifest", name)
		sum := sha256.Sum256(b.files[p].body)
		require.Equal(t, entry.SHA256, hex.EncodeToString(sum[:]), "%s (%s)", name, entry.Package)
	}
}
