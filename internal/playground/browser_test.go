package playground_test

import (
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"net/http/httputil"
	"net/url"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/cdproto/input"
	"github.com/chromedp/chromedp"
	"github.com/stretchr/testify/require"

	"github.com/modelarchitect/architect/internal/playground"
	"github.com/modelarchitect/architect/internal/testutil"
	"github.com/modelarchitect/architect/internal/viewer"
)

// GraphiQL 3's editors are CodeMirror 5 instances; each wrapper element holds its editor as .CodeMirror.
const (
	queryEditor   = ".graphiql-query-editor .CodeMirror"
	headersEditor = ".graphiql-editor-tool .graphiql-editor:not(.hidden) .CodeMirror" // the Headers tab is open by default
	resultPane    = ".graphiql-response .CodeMirror"
	runButton     = ".graphiql-execute-button"
)

// TestPlaygroundInBrowser loads the playground in headless Chromium with every request to another origin
// failed, and runs through it what a newcomer does: the default tab's sign-up, an anonymous query, a query with the Authorization header
// typed in the Headers pane, and a subscription. HTTP goes to the real API (testutil's server, SQLite); the
// websocket goes to a protocol stub until the API has subscriptions.
func TestPlaygroundInBrowser(t *testing.T) {
	exe := browserOrSkip(t)
	t0 := time.Now()
	api := testutil.NewServer(t, testutil.SQLite)
	user := api.SignUp(t, "browser-test@example.com", viewer.RoleFree)
	stub := &subscriptionStub{}
	front := newFront(t, api.URL, stub)
	tAPI := time.Since(t0)

	b := newBrowser(t, exe, front.URL)
	tBrowser := time.Since(t0)

	require.NoError(t, chromedp.Do(b.ctx, chromedp.Navigate(front.URL+"/"), chromedp.WaitVisible(chromedp.CSS(queryEditor))))
	title, err := chromedp.Run(b.ctx, chromedp.Title())
	require.NoError(t, err)
	require.Equal(t, "Model Architect (browser test)", title)
	tLoaded := time.Since(t0)

	// 0. The default tab signs up: its SignUp operation, picked in the menu the run button opens when the
	// editor holds several operations (a menu that adds a <style> element, which the page's nonce admits).
	defaultTab, err := chromedp.Run(b.ctx, chromedp.Evaluate[string](editorValue(queryEditor)))
	require.NoError(t, err)
	for _, op := range []string{"mutation SignUp {", "mutation LogIn {", "query Me {"} {
		require.Contains(t, defaultTab, op)
	}
	// The page shows the query editor before GraphiQL has made the result editor (its run does nothing until
	// then) and before it has parsed the tab into the operations its run menu lists; wait for both, as a
	// person's reaction time does. On a loaded machine the gap is long enough for a click to be lost in it.
	_, err = chromedp.Run(b.ctx, chromedp.Poll[bool](
		"!!(document.querySelector("+strconv.Quote(resultPane)+") || {}).CodeMirror && "+parsed(queryEditor),
		chromedp.WithPollingTimeout(30*time.Second)))
	require.NoError(t, err, "GraphiQL did not make its result editor or parse the default tab")
	require.NoError(t, chromedp.Do(b.ctx, chromedp.Click(chromedp.CSS(runButton)),
		chromedp.Click(chromedp.Search(`//div[@role="menuitem"][text()="SignUp"]`))))
	b.await(t, `"email": "you@example.com"`)
	tDefault := time.Since(t0)

	// 1. Anonymous query over HTTP.
	b.typeInto(t, queryEditor, "{ __typename }")
	b.run(t, `"__typename": "Query"`)
	tQuery := time.Since(t0)

	// 2. The header typed in the Headers pane reaches the API: me is the signed-up user.
	b.typeInto(t, headersEditor, `{"Authorization": "Bearer `+user.Token+`"}`)
	b.typeInto(t, queryEditor, "{ me { email } }")
	b.run(t, `"email": "`+user.Email+`"`)

	// 3. A subscription goes over a websocket to the same origin, with the token in connection_init.
	b.typeInto(t, queryEditor, "subscription { tick }")
	b.run(t, `"tick": 42`)
	inits := stub.Inits()
	require.NotEmpty(t, inits, "the page opened no graphql-transport-ws connection")
	var payload map[string]string
	require.NoError(t, json.Unmarshal(inits[len(inits)-1], &payload))
	require.Equal(t, map[string]string{"authorization": "Bearer " + user.Token}, payload)
	tDone := time.Since(t0)

	// Nothing left the origin, the Content-Security-Policy let everything through, nothing threw.
	b.requireOffline(t)
	requests, _, exceptions := b.snapshot()
	ws := "ws://" + strings.TrimPrefix(front.URL, "http://") + "/graphql"
	require.Contains(t, requests, ws)
	violations, err := chromedp.Run(b.ctx, chromedp.Evaluate[[]string](`window.__cspViolations`))
	require.NoError(t, err)
	require.Empty(t, violations, "Content-Security-Policy violations")
	require.Empty(t, exceptions, "JavaScript errors")

	t.Logf("timing: API server %s, browser started %s, page ready %s, default tab signed up %s, first query answered %s, all done %s (%d requests, all to %s)",
		tAPI.Round(time.Millisecond), tBrowser.Round(time.Millisecond), tLoaded.Round(time.Millisecond),
		tDefault.Round(time.Millisecond), tQuery.Round(time.Millisecond), tDone.Round(time.Millisecond), len(requests), front.URL)
}

// newFront serves the playground at / and /graphql from the API behind it, except websocket upgrades, which
// go to stub.
func newFront(t *testing.T, apiURL string, stub http.Handler) *httptest.Server {
	t.Helper()
	target, err := url.Parse(apiURL)
	require.NoError(t, err)
	proxy := httputil.NewSingleHostReverseProxy(target)
	mux := http.NewServeMux()
	mux.Handle("/", playground.Handler(playground.Options{Endpoint: "/graphql", Title: "Model Architect (browser test)"}))
	mux.HandleFunc("/graphql", func(w http.ResponseWriter, r *http.Request) {
		if strings.EqualFold(r.Header.Get("Upgrade"), "websocket") {
			stub.ServeHTTP(w, r)
			return
		}
		proxy.ServeHTTP(w, r)
	})
	srv := httptest.NewServer(mux)
	t.Cleanup(srv.Close)
	return srv
}

// typeInto replaces the text of the CodeMirror editor sel as a user does: click, Ctrl-A, type.
func (b *browser) typeInto(t *testing.T, sel, text string) {
	t.Helper()
	require.NoError(t, chromedp.Do(b.ctx,
		chromedp.Click(chromedp.CSS(sel)),
		chromedp.KeyEvent("a", chromedp.KeyModifiers(chromedp.ModifierCtrl)),
	))
	// insertText types the whole string at once, as an input method does; key-by-key typing would trigger the
	// editor's bracket closing and autocompletion.
	_, err := chromedp.Call(b.ctx, input.InsertText, input.InsertTextParams{Text: text})
	require.NoError(t, err)
	got, err := chromedp.Run(b.ctx, chromedp.Evaluate[string](editorValue(sel)))
	require.NoError(t, err)
	require.Equal(t, text, got, "editor %s", sel)
	if sel == queryEditor {
		// GraphiQL parses the query 100 ms after the last change (a debounce) and decides from that parse
		// whether to run over HTTP or the websocket, and which operation to run; wait for it, as a person's
		// reaction time does.
		_, err := chromedp.Run(b.ctx, chromedp.Poll[bool](parsed(sel), chromedp.WithPollingTimeout(5*time.Second)))
		require.NoError(t, err, "GraphiQL did not parse the query")
	}
}

// run presses the run button and waits until the result pane contains want.
func (b *browser) run(t *testing.T, want string) {
	t.Helper()
	require.NoError(t, chromedp.Do(b.ctx, chromedp.Click(chromedp.CSS(runButton))))
	b.await(t, want)
}

// await waits until the result pane contains want.
func (b *browser) await(t *testing.T, want string) {
	t.Helper()
	cond := editorValue(resultPane) + ".includes(" + strconv.Quote(want) + ")"
	_, err := chromedp.Run(b.ctx, chromedp.Poll[bool](cond, chromedp.WithPollingTimeout(60*time.Second)))
	if err != nil {
		shown, _ := chromedp.Run(b.ctx, chromedp.Evaluate[string](editorValue(resultPane)))
		requests, blocked, exceptions := b.snapshot()
		t.Fatalf("the result pane does not show %s: %v\nit shows:\n%s\nrequests: %q\nblocked: %q\nerrors: %q",
			want, err, shown, short(requests), blocked, exceptions)
	}
}

// short cuts data: URLs (inlined fonts) down to their type, for messages.
func short(urls []string) []string {
	out := make([]string, len(urls))
	for i, u := range urls {
		if strings.HasPrefix(u, "data:") && len(u) > 40 {
			u = u[:40] + "…"
		}
		out[i] = u
	}
	return out
}

// parsed is a JavaScript condition: GraphiQL has parsed the current text of the query editor sel.
func parsed(sel string) string {
	return "(function (cm) { return !!(cm.documentAST && cm.documentAST.loc && cm.documentAST.loc.source.body === cm.getValue()); })(document.querySelector(" +
		strconv.Quote(sel) + ").CodeMirror)"
}

func editorValue(sel string) string {
	return "document.querySelector(" + strconv.Quote(sel) + ").CodeMirror.getValue()"
}
