package loadgen

import (
	"context"
	"encoding/json"
	"io"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/modelarchitect/architect/bench/internal/viewers"
)

func TestHasErrors(t *testing.T) {
	t.Parallel()
	cases := []struct {
		name string
		body string
		want bool
	}{
		{"data only", `{"data":{"me":{"id":"x"}}}`, false},
		{"errors first (gqlgen)", `{"errors":[{"message":"boom"}],"data":null}`, true},
		{"errors last", `{"data":{"a":1},"errors":[{"message":"boom"}]}`, true},
		{"errors null", `{"data":{"a":1},"errors":null}`, false},
		{"errors as a string value", `{"data":{"name":"errors"}}`, false},
		{"errors nested", `{"data":{"errors":[1]}}`, false},
		{"escaped quote in a string", `{"data":{"name":"say \"errors\": no"}}`, false},
		{"spaces around the colon", "{ \"errors\" :\n [ ] }", true},
		{"not an object", `[1,2]`, true},
		{"empty", ``, true},
		{"unterminated string", `{"data":"abc`, true},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			require.Equal(t, tc.want, HasErrors([]byte(tc.body)))
		})
	}
}

func TestParseMix(t *testing.T) {
	t.Parallel()
	known := Builtin()
	mix, err := ParseMix("dashboard=70, node=20,create=10", known)
	require.NoError(t, err)
	require.Len(t, mix, 3)
	require.Equal(t, []int{70, 20, 10}, []int{mix[0].Weight, mix[1].Weight, mix[2].Weight})

	mix, err = ParseMix("dashboard", known)
	require.NoError(t, err)
	require.Equal(t, 1, mix[0].Weight)

	for _, bad := range []string{"", "nope=1", "dashboard=x", "dashboard=-1", "dashboard=0"} {
		_, err := ParseMix(bad, known)
		require.Error(t, err, bad)
	}
}

// fakeServer answers like a GraphQL server: node requests fail with a GraphQL error, creates with HTTP 500,
// dashboards succeed. It records tokens and client connections.
type fakeServer struct {
	mu     sync.Mutex
	tokens map[string]int
	conns  map[string]bool
}

func (f *fakeServer) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	body, _ := io.ReadAll(r.Body)
	var req struct {
		OperationName string         `json:"operationName"`
		Variables     map[string]any `json:"variables"`
	}
	_ = json.Unmarshal(body, &req)
	f.mu.Lock()
	f.tokens[r.Header.Get("Authorization")]++
	f.conns[r.RemoteAddr] = true
	f.mu.Unlock()
	switch {
	case req.OperationName == "Node":
		_, _ = io.WriteString(w, `{"errors":[{"message":"not found"}],"data":{"node":null}}`)
	case req.OperationName == "Create":
		w.WriteHeader(http.StatusInternalServerError)
		_, _ = io.WriteString(w, `{"errors":[{"message":"internal"}]}`)
	case req.Variables["userId"] != nil:
		_, _ = io.WriteString(w, `{"data":{"userById":{"id":"`+req.Variables["userId"].(string)+`"}}}`)
	default:
		time.Sleep(time.Millisecond)
		_, _ = io.WriteString(w, `{"data":{"me":{"id":"x","name":"errors"}}}`)
	}
}

func testViewers(n int) []viewers.Viewer {
	vs := make([]viewers.Viewer, n)
	for i := range vs {
		vs[i] = viewers.Viewer{RowID: 100 + i, ID: "gid", Token: "tok" + string(rune('a'+i)), Nodes: []string{"n1", "n2"}}
	}
	return vs
}

func TestExecuteCountsAndSpreads(t *testing.T) {
	t.Parallel()
	f := &fakeServer{tokens: map[string]int{}, conns: map[string]bool{}}
	srv := httptest.NewServer(f)
	t.Cleanup(srv.Close)
	mix, err := ParseMix("dashboard=70,node=20,create=10", Builtin())
	require.NoError(t, err)

	var phases []string
	res, err := Execute(context.Background(), Config{
		URL: srv.URL, Connections: 4, Duration: 300 * time.Millisecond, Warmup: 100 * time.Millisecond, Runs: 3,
		Mix: mix, Viewers: testViewers(5),
	}, func(p string) { phases = append(phases, p) })
	require.NoError(t, err)
	require.Len(t, phases, 4, "a warm-up and three runs")
	require.Len(t, res.Runs, 3)
	for _, r := range res.Runs {
		require.Positive(t, r.Requests)
		require.InDelta(t, float64(r.Requests)/0.3, r.RPS, 1e-6)
		by := r.ByTemplate
		require.Equal(t, r.Requests, by["dashboard"].Requests+by["node"].Requests+by["create"].Requests)
		require.Equal(t, 0, by["dashboard"].GraphQLErrors+by["dashboard"].Non2xx, "a string value \"errors\" is no error")
		require.Equal(t, by["node"].Requests, by["node"].GraphQLErrors, "a response with errors is a failure")
		require.Equal(t, by["create"].Requests, by["create"].Non2xx, "HTTP 500 counts as non-2xx, not as a GraphQL error")
		require.Equal(t, r.GraphQLErrors, by["node"].GraphQLErrors)
		require.NotEmpty(t, r.ErrorSamples)
		require.Positive(t, r.Latency.P50)
		require.LessOrEqual(t, r.Latency.P50, r.Latency.P99)
	}
	require.Equal(t, res.Summary.RPS.Min <= res.Summary.RPS.Median && res.Summary.RPS.Median <= res.Summary.RPS.Max, true)

	f.mu.Lock()
	defer f.mu.Unlock()
	require.Len(t, f.tokens, 5, "requests go round-robin over every viewer")
	for tok := range f.tokens {
		require.True(t, strings.HasPrefix(tok, "Bearer tok"), tok)
	}
	require.LessOrEqual(t, len(f.conns), 4, "one keep-alive connection per worker")
}

func TestFromFileFillsDeclaredVariables(t *testing.T) {
	t.Parallel()
	path := filepath.Join(t.TempDir(), "q.graphql")
	require.NoError(t, os.WriteFile(path, []byte(`query($userId: BigInt!) { userById(id: $userId) { id } }`), 0o600))
	tpl, err := FromFile("pg", path)
	require.NoError(t, err)
	body, err := tpl.Body(&viewers.Viewer{RowID: 30064771073, ID: "VXNlcjox"}, nil, 1)
	require.NoError(t, err)
	var got struct{ Variables map[string]any }
	require.NoError(t, json.Unmarshal(body, &got))
	require.Equal(t, map[string]any{"userId": "30064771073"}, got.Variables, "only declared variables, the id as a BigInt string")

	_, err = FromFile("missing", filepath.Join(t.TempDir(), "nope.graphql"))
	require.Error(t, err)
}

func TestExecuteNeedsViewersAndMix(t *testing.T) {
	t.Parallel()
	_, err := Execute(context.Background(), Config{URL: "http://127.0.0.1:1"}, nil)
	require.ErrorIs(t, err, ErrNoViewers)
	_, err = Execute(context.Background(), Config{URL: "http://127.0.0.1:1", Viewers: testViewers(1)}, nil)
	require.Error(t, err)
}

// TestOpenLoop: with Rate set, requests are due at that rate whether or not the server keeps up, and a
// request's latency runs from when it was due. A server that takes 20 ms per request on 2 connections
// answers at most 100/s: asked for 40/s it answers each due request in about its service time; asked for
// 400/s it falls behind, and the waiting shows in the latency instead of being left out.
func TestOpenLoop(t *testing.T) {
	t.Parallel()
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		time.Sleep(20 * time.Millisecond)
		_, _ = io.WriteString(w, `{"data":{"me":{"id":"x"}}}`)
	}))
	t.Cleanup(srv.Close)
	mix, err := ParseMix("dashboard=1", Builtin())
	require.NoError(t, err)
	run := func(rate float64) Run {
		res, err := Execute(context.Background(), Config{URL: srv.URL, Connections: 2, Duration: time.Second, Warmup: -1, Runs: 1,
			Mix: mix, Viewers: testViewers(2), Rate: rate}, nil)
		require.NoError(t, err)
		return res.Runs[0]
	}
	slow := run(40)
	require.InDelta(t, 40, slow.Requests, 2, "every request due within the second is sent and answered")
	require.GreaterOrEqual(t, slow.Latency.P50, 20.0)
	require.Less(t, slow.Latency.P50, 60.0, "a server with spare capacity answers near its service time")

	fast := run(400)
	require.Less(t, fast.Requests, 110, "2 connections × 20 ms answer at most 100/s")
	require.Greater(t, fast.Latency.P99, 300.0, "requests waiting for a connection count their wait")
}
