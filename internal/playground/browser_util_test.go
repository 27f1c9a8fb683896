package playground_test

import (
	"context"
	"fmt"
	"net/url"
	"os"
	"os/exec"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/chromedp/cdproto/fetch"
	"github.com/chromedp/cdproto/network"
	"github.com/chromedp/cdproto/page"
	"github.com/chromedp/cdproto/runtime"
	"github.com/chromedp/chromedp"
	"github.com/stretchr/testify/require"

	"github.com/modelarchitect/architect/internal/playground"
)

// requireBrowserEnv, set to 1, turns the browser test's skips (no Chromium, no assets, -short) into failures,
// so that CI cannot pass without running it.
const requireBrowserEnv = "REQUIRE_BROWSER_TEST"

// browserOrSkip returns the Chromium executable (CHROME_PATH, or chromium, chromium-browser, google-chrome on
// PATH), or skips the test saying what is missing.
func browserOrSkip(t *testing.T) string {
	t.Helper()
	skip := func(reason string) {
		t.Helper()
		if os.Getenv(requireBrowserEnv) == "1" {
			t.Fatalf("%s=1 but the browser test cannot run: %s", requireBrowserEnv, reason)
		}
		t.Skipf("skipping the playground browser test: %s (set %s=1 to make this a failure)", reason, requireBrowserEnv)
	}
	if testing.Short() {
		skip("-short")
	}
	if !playground.Available() {
		skip("the playground assets are not built: run `make assets`")
	}
	if p := os.Getenv("CHROME_PATH"); p != "" {
		if _, err := exec.LookPath(p); err != nil {
			skip(fmt.Sprintf("CHROME_PATH=%s is not executable", p))
		}
		return p
	}
	for _, name := range []string{"chromium", "chromium-browser", "google-chrome", "google-chrome-stable"} {
		if p, err := exec.LookPath(name); err == nil {
			return p
		}
	}
	skip("no Chromium found (Debian: apt-get install -y chromium; or set CHROME_PATH)")
	return ""
}

// browser is a headless Chromium tab whose network reaches one origin only.
type browser struct {
	ctx    context.Context
	origin string // scheme://host:port the page may reach

	mu         sync.Mutex
	requests   []string // every URL the page asked for, HTTP and websocket
	blocked    []string // requests to another origin, failed before they left the browser
	exceptions []string // uncaught JavaScript exceptions and console errors
}

// newBrowser starts Chromium with the flags of the machine notes (no background networking, component
// updates, sync or first-run work, so it makes no connection of its own), a fresh profile, host names that
// resolve to nothing but the loopback address, and the Fetch domain holding every request of the page so that
// one to another origin is failed and recorded.
func newBrowser(t *testing.T, exe, origin string) *browser {
	t.Helper()
	opts := []chromedp.ExecAllocatorOption{
		chromedp.ExecPath(exe),
		chromedp.Headless,
		chromedp.NoSandbox, // runs as root in CI
		chromedp.DisableGPU,
		chromedp.NoFirstRun,
		chromedp.NoDefaultBrowserCheck,
		chromedp.UserDataDir(t.TempDir()),
		chromedp.WindowSize(1280, 900),
		chromedp.Flag("disable-quic", true),
		chromedp.Flag("disable-background-networking", true),
		chromedp.Flag("disable-component-update", true),
		chromedp.Flag("disable-sync", true),
		chromedp.Flag("disable-extensions", true),
		chromedp.Flag("disable-default-apps", true),
		chromedp.Flag("disable-domain-reliability", true),
		chromedp.Flag("disable-features", "Translate,OptimizationHints,MediaRouter,AutofillServerCommunication,InterestFeedContentSuggestions"),
		chromedp.Flag("metrics-recording-only", true),
		chromedp.Flag("no-pings", true),
		chromedp.Flag("host-resolver-rules", "MAP * ~NOTFOUND, EXCLUDE 127.0.0.1"),
	}
	actx, cancelAlloc := chromedp.NewExecAllocator(context.Background(), opts...)
	ctx, cancelTab := chromedp.NewContext(actx)
	ctx, cancelTimeout := context.WithTimeout(ctx, 4*time.Minute) // generous: CI machines are shared and busy
	t.Cleanup(func() {
		cancelTimeout()
		cancelTab()
		cancelAlloc()
	})
	b := &browser{ctx: ctx, origin: origin}

	// Start the browser and the tab, then subscribe before the page can make a request.
	require.NoError(t, chromedp.Do(ctx))
	paused := chromedp.Events(ctx, fetch.RequestPaused)
	sent := chromedp.Events(ctx, network.RequestWillBeSent)
	sockets := chromedp.Events(ctx, network.WebSocketCreated)
	thrown := chromedp.Events(ctx, runtime.ExceptionThrown)
	console := chromedp.Events(ctx, runtime.ConsoleAPICalled)
	go func() {
		for ev, err := range paused {
			if err != nil {
				return
			}
			u := ev.Request.URL
			if b.allowed(u) {
				_, _ = chromedp.Call(ctx, fetch.ContinueRequest, fetch.ContinueRequestParams{RequestID: ev.RequestID})
				continue
			}
			b.record(&b.blocked, u)
			_, _ = chromedp.Call(ctx, fetch.FailRequest, fetch.FailRequestParams{RequestID: ev.RequestID, ErrorReason: network.ErrorReasonBlockedByClient})
		}
	}()
	go func() {
		for ev, err := range sent {
			if err != nil {
				return
			}
			b.record(&b.requests, ev.Request.URL)
		}
	}()
	go func() {
		for ev, err := range sockets {
			if err != nil {
				return
			}
			b.record(&b.requests, ev.URL)
		}
	}()
	go func() {
		for ev, err := range thrown {
			if err != nil {
				return
			}
			d := ev.ExceptionDetails
			msg := d.Text
			if d.Exception != nil && d.Exception.Description != "" {
				msg += ": " + d.Exception.Description
			}
			b.record(&b.exceptions, msg)
		}
	}()
	go func() {
		for ev, err := range console {
			if err != nil {
				return
			}
			if ev.Type != runtime.ConsoleAPICalledTypeError {
				continue
			}
			var parts []string
			for _, a := range ev.Args {
				if a.Description != "" {
					parts = append(parts, a.Description)
				} else {
					parts = append(parts, strings.Trim(string(a.Value), `"`))
				}
			}
			b.record(&b.exceptions, "console.error: "+strings.Join(parts, " "))
		}
	}()
	_, err := chromedp.Call(ctx, fetch.Enable, fetch.EnableParams{Patterns: []*fetch.RequestPattern{{URLPattern: "*"}}})
	require.NoError(t, err)
	// Collect Content-Security-Policy violations in the page, for the test to read.
	_, err = chromedp.Call(ctx, page.AddScriptToEvaluateOnNewDocument, page.AddScriptToEvaluateOnNewDocumentParams{
		Source: `window.__cspViolations = [];
document.addEventListener("securitypolicyviolation", function (e) {
  window.__cspViolations.push(e.violatedDirective + " blocked " + (e.blockedURI || "inline"));
});`,
	})
	require.NoError(t, err)
	return b
}

func (b *browser) allowed(raw string) bool {
	u, err := url.Parse(raw)
	if err != nil {
		return false
	}
	switch u.Scheme {
	case "data", "blob", "about":
		return true // in-page resources; they reach no host
	case "ws":
		u.Scheme = "http"
	case "wss":
		u.Scheme = "https"
	}
	return u.Scheme+"://"+u.Host == b.origin
}

func (b *browser) record(list *[]string, s string) {
	b.mu.Lock()
	defer b.mu.Unlock()
	*list = append(*list, s)
}

func (b *browser) snapshot() (requests, blocked, exceptions []string) {
	b.mu.Lock()
	defer b.mu.Unlock()
	return append([]string{}, b.requests...), append([]string{}, b.blocked...), append([]string{}, b.exceptions...)
}

// requireOffline checks that every request the page made went to its own origin and that none was blocked.
func (b *browser) requireOffline(t *testing.T) {
	t.Helper()
	requests, blocked, _ := b.snapshot()
	require.NotEmpty(t, requests)
	require.Empty(t, blocked, "the page tried to reach another origin")
	for _, u := range requests {
		require.True(t, b.allowed(u), "request to another origin: %s", u)
	}
}
