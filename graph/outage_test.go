package graph_test

import (
	"bytes"
	"database/sql"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/modelarchitect/architect/internal/testutil"
	"github.com/modelarchitect/architect/internal/viewer"
)

// TestDatabaseOutageIsNotAnAuthFailure takes the test database away from a running server — its backends
// terminated (pg_terminate_backend) and new connections refused for a while, not a cluster restart, so
// other tests are untouched — and checks what clients see: never UNAUTHENTICATED; a request that could not
// even check its token is 503 UNAVAILABLE with Retry-After; a websocket stays open (or closes with 1013,
// never 4403); once the database answers, requests succeed again and the socket still delivers.
func TestDatabaseOutageIsNotAnAuthFailure(t *testing.T) {
	t.Parallel()
	s := testutil.NewServer(t, testutil.Postgres, testutil.ServerOptions{Env: map[string]string{"WS_REVALIDATE": "1s", "WORKERS": "false"}})
	u := s.SignUp(t, "outage@example.com", viewer.RolePro)
	c := s.Client(u.Token)
	var cr struct{ CreateBenchmark struct{ ID string } }
	c.MustDo(t, `mutation { createBenchmark(input: {name: "b", models: ["openai/x"], dataset: `+dataset(1)+`}) { id } }`, nil, &cr)
	sk := s.Dial(t, testutil.TransportWS, map[string]any{"authorization": "Bearer " + u.Token})
	sk.Ack()
	sk.Subscribe("b", `subscription($id: ID!) { benchmarkUpdated(id: $id) { name } }`, map[string]any{"id": cr.CreateBenchmark.ID})
	sk.Next("b", 5*time.Second)

	var dbName string
	require.NoError(t, s.DB.SQL.QueryRow(`SELECT current_database()`).Scan(&dbName))
	admin, err := sql.Open("postgres", testutil.PostgresURL())
	require.NoError(t, err)
	defer admin.Close()
	down := func(off bool) {
		_, err := admin.Exec(fmt.Sprintf(`ALTER DATABASE %s ALLOW_CONNECTIONS %v`, dbName, !off))
		require.NoError(t, err)
		if off {
			_, err = admin.Exec(`SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = $1`, dbName)
			require.NoError(t, err)
		}
	}
	down(true)
	t.Cleanup(func() { _, _ = admin.Exec(fmt.Sprintf(`ALTER DATABASE %s ALLOW_CONNECTIONS true`, dbName)) })

	type outcome struct {
		status     int
		retryAfter string
		code       string
	}
	post := func(query string) outcome {
		body, _ := json.Marshal(map[string]any{"query": query})
		req, _ := http.NewRequest(http.MethodPost, s.URL+"/graphql", bytes.NewReader(body))
		req.Header.Set("Content-Type", "application/json")
		req.Header.Set("Accept", "application/graphql-response+json")
		req.Header.Set("Authorization", "Bearer "+u.Token)
		res, err := http.DefaultClient.Do(req)
		require.NoError(t, err)
		defer res.Body.Close()
		raw, _ := io.ReadAll(res.Body)
		var r testutil.Response
		require.NoError(t, json.Unmarshal(raw, &r), "%s", raw)
		o := outcome{status: res.StatusCode, retryAfter: res.Header.Get("Retry-After")}
		if len(r.Errors) > 0 {
			o.code = r.Errors[0].Code()
		}
		return o
	}
	var (
		mu  sync.Mutex
		got = map[string]int{}
	)
	var wg sync.WaitGroup
	for i := range 40 {
		wg.Go(func() {
			q := `{ me { email } benchmarks { totalCount } }`
			if i%2 == 1 {
				q = `mutation { createScenario(input: {name: "x", config: {taskComplexity: LOW, dataVolume: 1, responseTimeSLA: 1000, inputTokens: 1, outputTokens: 1}}) { id } }`
			}
			o := post(q)
			require.NotEqual(t, "UNAUTHENTICATED", o.code, "a database outage is not an authentication failure")
			require.NotEqual(t, http.StatusUnauthorized, o.status)
			if o.code == "UNAVAILABLE" && o.status == http.StatusServiceUnavailable {
				require.Equal(t, "2", o.retryAfter, "a 503 says when to retry")
			}
			mu.Lock()
			got[fmt.Sprintf("%d %s", o.status, o.code)]++
			mu.Unlock()
		})
	}
	wg.Wait()
	t.Logf("during the outage: %v", got)
	require.Equal(t, 40, got["503 UNAVAILABLE"], "nothing could run: every request is 503 UNAVAILABLE")

	// The socket's token check fails meanwhile (it is asked again every fifth of WS_REVALIDATE), and the
	// socket stays: it would close with 1013 only after two intervals without an answer.
	require.Eventually(t, func() bool { return strings.Contains(s.Log.String(), "websocket revalidate: try again later") },
		5*time.Second, 50*time.Millisecond)
	down(false)
	require.Eventually(t, func() bool { return post(`{ me { email } }`).code == "" }, 15*time.Second, 100*time.Millisecond,
		"requests succeed again once the database answers")
	// The socket stayed open and still delivers.
	c.MustDo(t, `mutation($id: ID!) { updateBenchmark(id: $id, input: {name: "after the outage"}) { id } }`,
		map[string]any{"id": cr.CreateBenchmark.ID}, nil)
	for {
		r, typ := sk.Next("b", 10*time.Second)
		require.Equal(t, "next", typ, "the subscription is still running")
		if strings.Contains(string(r.Data), "after the outage") {
			break
		}
	}
}
