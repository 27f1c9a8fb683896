package e2e

import (
	"bufio"
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"net"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/modelarchitect/architect/ent/benchmarkitemresult"
	"github.com/modelarchitect/architect/internal/gid"
	"github.com/modelarchitect/architect/internal/providers/providertest"
	"github.com/modelarchitect/architect/internal/testutil"
	"github.com/modelarchitect/architect/internal/viewer"
)

var (
	buildOnce sync.Once
	binary    string
	buildErr  error
)

// architect builds the server binary once per test run.
func architect(t *testing.T) string {
	t.Helper()
	buildOnce.Do(func() {
		dir, err := os.MkdirTemp("", "architect-e2e")
		if err != nil {
			buildErr = err
			return
		}
		binary = filepath.Join(dir, "architect")
		out, err := exec.Command("go", "build", "-o", binary, "github.com/modelarchitect/architect/cmd/architect").CombinedOutput()
		if err != nil {
			buildErr = fmt.Errorf("go build: %v\n%s", err, out)
		}
	})
	require.NoError(t, buildErr)
	return binary
}

// replica is one architect serve process.
type replica struct {
	cmd  *exec.Cmd
	url  string
	logs *testutil.SyncBuffer
}

func freePort(t *testing.T) int {
	l, err := net.Listen("tcp", "127.0.0.1:0")
	require.NoError(t, err)
	defer l.Close()
	return l.Addr().(*net.TCPAddr).Port
}

func startReplica(t *testing.T, env map[string]string) *replica {
	t.Helper()
	port := freePort(t)
	cmd := exec.Command(architect(t), "serve")
	cmd.Env = append(os.Environ(), "PORT="+fmt.Sprint(port), "LOG_FORMAT=json", "LOG_LEVEL=info", "APP_ENV=test",
		"DATA_DIR="+t.TempDir(), "JWT_SECRET="+testutil.TestSecret, "GRAPHQL_PLAYGROUND=false")
	for k, v := range env {
		cmd.Env = append(cmd.Env, k+"="+v)
	}
	r := &replica{cmd: cmd, url: fmt.Sprintf("http://127.0.0.1:%d", port), logs: &testutil.SyncBuffer{}}
	cmd.Stdout, cmd.Stderr = r.logs, r.logs
	require.NoError(t, cmd.Start())
	t.Cleanup(func() {
		_ = cmd.Process.Signal(syscall.SIGTERM)
		done := make(chan struct{})
		go func() { _ = cmd.Wait(); close(done) }()
		select {
		case <-done:
		case <-time.After(15 * time.Second):
			_ = cmd.Process.Kill()
		}
		if t.Failed() {
			t.Logf("replica %s log:\n%s", r.url, r.logs.String())
		}
	})
	deadline := time.Now().Add(30 * time.Second)
	for {
		res, err := http.Get(r.url + "/readyz")
		if err == nil {
			res.Body.Close()
			if res.StatusCode == http.StatusOK {
				return r
			}
		}
		require.True(t, time.Now().Before(deadline), "replica did not become ready:\n%s", r.logs.String())
		time.Sleep(50 * time.Millisecond)
	}
}

func (r *replica) client(token string) *testutil.Client {
	return &testutil.Client{URL: r.url + "/graphql", Token: token, HTTP: &http.Client{Timeout: 30 * time.Second}}
}

// sseSubscribe subscribes over server-sent events and returns the statuses of the benchmarks it receives.
func sseSubscribe(t *testing.T, r *replica, token, query string, vars map[string]any) <-chan map[string]any {
	t.Helper()
	body, _ := json.Marshal(map[string]any{"query": query, "variables": vars})
	ctx, cancel := context.WithCancel(context.Background())
	t.Cleanup(cancel)
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, r.url+"/graphql", bytes.NewReader(body))
	require.NoError(t, err)
	req.Header.Set("Content-Type", "application/json")
	req.Header.Set("Accept", "text/event-stream")
	req.Header.Set("Authorization", "Bearer "+token)
	res, err := http.DefaultClient.Do(req)
	require.NoError(t, err)
	require.Equal(t, http.StatusOK, res.StatusCode)
	out := make(chan map[string]any, 100)
	go func() {
		defer res.Body.Close()
		defer close(out)
		sc := bufio.NewScanner(res.Body)
		sc.Buffer(make([]byte, 1<<20), 1<<20)
		for sc.Scan() {
			line, ok := strings.CutPrefix(sc.Text(), "data: ")
			if !ok {
				continue
			}
			var msg struct {
				Data   map[string]any
				Errors []any
			}
			if json.Unmarshal([]byte(line), &msg) == nil && msg.Data != nil {
				out <- msg.Data
			}
		}
	}()
	return out
}

// TestReplicas runs two replicas on one PostgreSQL: a subscriber on the first, which runs no workers, sees a
// benchmark that the second runs; then the second is killed in the middle of a run, a third takes the jobs
// over, and every item is counted once.
func TestReplicas(t *testing.T) {
	t.Parallel()
	if testing.Short() {
		t.Skip("starts server processes")
	}
	db := testutil.NewDB(t, testutil.Postgres) // skips without TEST_DATABASE_URL
	var calls sync.Map
	fake := providertest.NewOpenAI(t, "sk-test", func(r providertest.Request) providertest.Reply {
		n, _ := calls.LoadOrStore(r.Prompt, new(int))
		*n.(*int)++
		return providertest.Reply{Chunks: []string{"4"}, ChunkDelay: 40 * time.Millisecond, Usage: &providertest.Usage{Input: 5, Output: 1}}
	})
	env := map[string]string{"DATABASE_URL": db.URL, "OPENAI_API_KEY": "sk-test", "OPENAI_BASE_URL": fake.BaseURL,
		"JOB_TIMEOUT": "3s", "JOB_RESCUE_AFTER": "4s", "BENCHMARK_CHUNK_SIZE": "5", "OPENAI_CONCURRENCY": "2"}
	apiOnly := map[string]string{"WORKERS": "false"}
	for k, v := range env {
		apiOnly[k] = v
	}
	a := startReplica(t, apiOnly)
	b := startReplica(t, env)

	// A user signs up on replica A and subscribes there to a benchmark that B's workers run.
	var up struct{ SignUp struct{ Token string } }
	a.client("").MustDo(t, `mutation { signUp(input: {email: "rep@example.com", password: "password-123"}) { token } }`, nil, &up)
	u, err := db.Client.User.Query().Only(testutil.System())
	require.NoError(t, err)
	require.NoError(t, db.Client.User.UpdateOneID(u.ID).SetRole(viewer.RolePro).Exec(testutil.System()))
	var in struct{ LogIn struct{ Token string } }
	a.client("").MustDo(t, `mutation { logIn(input: {email: "rep@example.com", password: "password-123"}) { token } }`, nil, &in)
	token := in.LogIn.Token

	items := make([]string, 60)
	for i := range items {
		items[i] = fmt.Sprintf(`{input: "item %d", expected: "4", assertion: EXACT}`, i)
	}
	var cr struct{ CreateBenchmark struct{ ID string } }
	a.client(token).MustDo(t, `mutation { createBenchmark(input: {name: "replicas", models: ["openai/m1", "openai/m2"], dataset: [`+
		strings.Join(items, ",")+`]}) { id } }`, nil, &cr)
	id := cr.CreateBenchmark.ID
	stream := sseSubscribe(t, a, token, `subscription($id: ID!) { benchmarkUpdated(id: $id) { status progressDone progressTotal } }`, map[string]any{"id": id})
	first := <-stream
	require.Equal(t, "PENDING", first["benchmarkUpdated"].(map[string]any)["status"])
	a.client(token).MustDo(t, `mutation($id: ID!) { startBenchmark(id: $id) { status } }`, map[string]any{"id": id}, nil)

	// Progress made by B reaches the subscriber on A; kill B part-way.
	var last map[string]any
	for ev := range stream {
		last = ev["benchmarkUpdated"].(map[string]any)
		if last["progressDone"].(float64) >= 20 {
			break
		}
	}
	require.NotNil(t, last)
	require.NoError(t, b.cmd.Process.Kill())
	c := startReplica(t, env) // takes over B's jobs once River rescues them

	deadline := time.After(90 * time.Second)
	for {
		select {
		case ev, ok := <-stream:
			require.True(t, ok, "the subscription ended before the benchmark finished")
			last = ev["benchmarkUpdated"].(map[string]any)
		case <-deadline:
			t.Fatalf("benchmark did not finish: last %v\nC log:\n%s", last, c.logs.String())
		}
		if last["status"] == "COMPLETED" {
			break
		}
		require.Equal(t, "RUNNING", last["status"], "%v", last)
	}
	require.EqualValues(t, 120, last["progressDone"])
	rowID, err := gid.Decode(id)
	require.NoError(t, err)
	n, err := db.Client.BenchmarkItemResult.Query().Where(benchmarkitemresult.BenchmarkID(rowID)).Count(testutil.System())
	require.NoError(t, err)
	require.Equal(t, 120, n, "every (model, item) counted exactly once")
	var out struct {
		Node struct {
			Results struct{ Models []struct{ Items, Passed int } }
		}
	}
	a.client(token).MustDo(t, `query($id: ID!) { node(id: $id) { ... on Benchmark { results { models { items passed } } } } }`, map[string]any{"id": id}, &out)
	failed, err := db.Client.BenchmarkItemResult.Query().Where(benchmarkitemresult.BenchmarkID(rowID), benchmarkitemresult.Passed(false)).All(testutil.System())
	require.NoError(t, err)
	for _, f := range failed {
		t.Errorf("item %d on %s failed: output %q, reason %q, error %q", f.Item, f.Model, f.Output, f.Reason, f.Error)
	}
	for _, m := range out.Node.Results.Models {
		require.Equal(t, 60, m.Items)
		require.Equal(t, 60, m.Passed)
	}
}
