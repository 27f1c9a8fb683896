package e2e

import (
	"bufio"
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"io"
	"net/http"
	"os/exec"
	"strconv"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/modelarchitect/architect/internal/testutil"
)

// shutdownTimeout is the SHUTDOWN_TIMEOUT the shutdown tests give the server.
const shutdownTimeout = 6 * time.Second

// shutdownEnv is the environment of a server whose shutdown a test watches. SHUTDOWN_DRAIN_DELAY is the
// time a draining server keeps accepting connections (answering /readyz 503) before it closes its
// listener; a server that has no such setting ignores it.
var shutdownEnv = map[string]string{"SHUTDOWN_TIMEOUT": shutdownTimeout.String(), "SHUTDOWN_DRAIN_DELAY": "2s"}

// exit is how a server process ended.
type exit struct {
	done chan struct{} // closed when the process has exited and its output is copied
	code int           // exit status; -1 when it could not be waited for
	at   time.Time
}

// watchExit waits for r's process in the background. Its cleanup, which runs before startReplica's, kills
// the process if it has not exited in time, so that the log is read only once the process is gone.
func watchExit(t *testing.T, r *replica) *exit {
	e := &exit{done: make(chan struct{})}
	go func() {
		defer close(e.done)
		err := r.cmd.Wait()
		e.at = time.Now()
		if ee := (*exec.ExitError)(nil); errors.As(err, &ee) {
			e.code = ee.ExitCode()
		} else if err != nil {
			e.code = -1
		}
	}()
	t.Cleanup(func() {
		select {
		case <-e.done:
		case <-time.After(shutdownTimeout + 5*time.Second):
			_ = r.cmd.Process.Kill()
			<-e.done
		}
	})
	return e
}

// signUp creates a user on r and returns its token.
func signUp(t *testing.T, r *replica, email string) string {
	t.Helper()
	var out struct{ SignUp struct{ Token string } }
	r.client("").MustDo(t, `mutation($e: String!) { signUp(input: {email: $e, password: "password-123"}) { token } }`,
		map[string]any{"e": email}, &out)
	return out.SignUp.Token
}

// inFlight reads architect_http_requests_in_flight from /metrics (the scrape itself counts one).
func inFlight(t *testing.T, r *replica) int {
	t.Helper()
	res, err := http.Get(r.url + "/metrics")
	require.NoError(t, err)
	defer res.Body.Close()
	sc := bufio.NewScanner(res.Body)
	for sc.Scan() {
		if v, ok := strings.CutPrefix(sc.Text(), "architect_http_requests_in_flight "); ok {
			n, err := strconv.ParseFloat(v, 64)
			require.NoError(t, err)
			return int(n)
		}
	}
	t.Fatal("/metrics has no architect_http_requests_in_flight")
	return 0
}

// readyAfterSignal polls /readyz until it stops answering 200 and returns what it answered then: a status,
// or 0 and the error when the connection was refused.
func readyAfterSignal(t *testing.T, r *replica) (int, error) {
	t.Helper()
	deadline := time.Now().Add(shutdownTimeout)
	for time.Now().Before(deadline) {
		res, err := http.Get(r.url + "/readyz")
		if err != nil {
			return 0, err
		}
		res.Body.Close()
		if res.StatusCode != http.StatusOK {
			return res.StatusCode, nil
		}
		time.Sleep(5 * time.Millisecond)
	}
	t.Fatal("/readyz still answers 200 after SIGTERM")
	return 0, nil
}

// TestGracefulShutdown runs `architect serve`, starts a mutation whose client is still sending the body, then
// sends SIGTERM: /readyz answers 503 at once, so a load balancer stops routing here; the mutation, finished
// after the signal, is answered 200 with its row written; and the process exits 0 within SHUTDOWN_TIMEOUT.
func TestGracefulShutdown(t *testing.T) {
	t.Parallel()
	if testing.Short() {
		t.Skip("starts a server process")
	}
	r := startReplica(t, shutdownEnv)
	token := signUp(t, r, "drain@example.com")

	// A request in flight: its body arrives in two parts, the second after SIGTERM.
	body, _ := json.Marshal(map[string]any{"query": `mutation Slow { createScenario(input: {name: "in flight", config: {taskComplexity: LOW,
		dataVolume: 10, responseTimeSLA: 1000, inputTokens: 10, outputTokens: 10}}) { id name } }`})
	pr, pw := io.Pipe()
	req, err := http.NewRequest(http.MethodPost, r.url+"/graphql", pr)
	require.NoError(t, err)
	req.Header.Set("Content-Type", "application/json")
	req.Header.Set("Authorization", "Bearer "+token)
	type answer struct {
		status int
		body   []byte
		err    error
	}
	answered := make(chan answer, 1)
	go func() {
		res, err := http.DefaultClient.Do(req)
		if err != nil {
			answered <- answer{err: err}
			return
		}
		defer res.Body.Close()
		b, err := io.ReadAll(res.Body)
		answered <- answer{status: res.StatusCode, body: b, err: err}
	}()
	_, err = pw.Write(body[:20])
	require.NoError(t, err)
	require.Eventually(t, func() bool { return inFlight(t, r) >= 2 }, 5*time.Second, 10*time.Millisecond,
		"the mutation is being served")

	e := watchExit(t, r)
	t.Cleanup(func() { _ = pw.CloseWithError(errors.New("the test ended")) }) // before watchExit's wait
	signalled := time.Now()
	require.NoError(t, r.cmd.Process.Signal(syscall.SIGTERM))

	status, err := readyAfterSignal(t, r)
	require.NoError(t, err, "after SIGTERM the server must keep its listener open while it drains, answering /readyz with 503 (the load balancer's cue); it refused the connection instead")
	require.Equal(t, http.StatusServiceUnavailable, status)

	_, err = pw.Write(body[20:])
	require.NoError(t, err)
	require.NoError(t, pw.Close())
	var a answer
	select {
	case a = <-answered:
	case <-time.After(shutdownTimeout):
		t.Fatal("the request in flight was not answered")
	}
	require.NoError(t, a.err, "the request in flight is answered")
	require.Equal(t, http.StatusOK, a.status, "body: %s", a.body)
	var res testutil.Response
	require.NoError(t, json.Unmarshal(a.body, &res))
	require.Empty(t, res.Errors)
	require.JSONEq(t, `"in flight"`, string(extract(t, res.Data, "createScenario", "name")))

	requireExit(t, e, signalled, "")
}

// TestShutdownEndsStreams: subscriptions never finish by themselves. On SIGTERM the server closes a
// websocket (graphql-transport-ws) with 1001 going away, and ends a subscription over server-sent events,
// so that neither holds the shutdown until SHUTDOWN_TIMEOUT, and the process exits 0.
func TestShutdownEndsStreams(t *testing.T) {
	t.Parallel()
	if testing.Short() {
		t.Skip("starts a server process")
	}
	r := startReplica(t, shutdownEnv)
	token := signUp(t, r, "stream@example.com")
	sk := (&testutil.Server{URL: r.url}).Dial(t, testutil.TransportWS, map[string]any{"authorization": "Bearer " + token})
	sk.Ack()
	sk.Subscribe("1", `subscription { myBenchmarkEvents { id change } }`, nil)

	ctx, cancel := context.WithCancel(context.Background())
	t.Cleanup(cancel)
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, r.url+"/graphql",
		strings.NewReader(`{"query":"subscription { myBenchmarkEvents { id change } }"}`))
	require.NoError(t, err)
	req.Header.Set("Content-Type", "application/json")
	req.Header.Set("Accept", "text/event-stream")
	req.Header.Set("Authorization", "Bearer "+token)
	res, err := http.DefaultClient.Do(req)
	require.NoError(t, err)
	defer res.Body.Close()
	require.Equal(t, http.StatusOK, res.StatusCode)
	require.Equal(t, "text/event-stream", res.Header.Get("Content-Type"))
	first := make([]byte, 1)
	_, err = io.ReadFull(res.Body, first) // the stream is open: the server has flushed its first comment
	require.NoError(t, err)

	ended := make(chan time.Time, 1)
	var rest bytes.Buffer
	go func() {
		_, _ = io.Copy(&rest, res.Body)
		ended <- time.Now()
	}()
	e := watchExit(t, r)
	signalled := time.Now()
	require.NoError(t, r.cmd.Process.Signal(syscall.SIGTERM))

	// The drain delay (2 s) and a margin, well under SHUTDOWN_TIMEOUT.
	const prompt = 4 * time.Second
	code, _ := sk.CloseCode(prompt)
	require.Equal(t, 1001, code, "websockets close with 1001 going away")
	select {
	case at := <-ended:
		require.Less(t, at.Sub(signalled), prompt, "the event stream ends soon after SIGTERM")
	case <-time.After(shutdownTimeout + time.Second):
		t.Fatal("the event stream was still open after SHUTDOWN_TIMEOUT")
	}
	requireExit(t, e, signalled, "an open event stream must not make the shutdown time out")
}

// requireExit requires that the process exits 0 within SHUTDOWN_TIMEOUT of the signal.
func requireExit(t *testing.T, e *exit, signalled time.Time, why string) {
	t.Helper()
	select {
	case <-e.done:
	case <-time.After(shutdownTimeout + 2*time.Second):
		t.Fatalf("the server did not exit within SHUTDOWN_TIMEOUT (%s)", shutdownTimeout)
	}
	require.Equal(t, 0, e.code, "exit status; %s", why)
	require.Less(t, e.at.Sub(signalled), shutdownTimeout, "exits within SHUTDOWN_TIMEOUT")
}

// extract returns the JSON value at path in data.
func extract(t *testing.T, data json.RawMessage, path ...string) json.RawMessage {
	t.Helper()
	v := data
	for _, k := range path {
		var m map[string]json.RawMessage
		require.NoError(t, json.Unmarshal(v, &m), "at %s: %s", k, v)
		var ok bool
		v, ok = m[k]
		require.True(t, ok, "no %s in %s", k, v)
	}
	return v
}
