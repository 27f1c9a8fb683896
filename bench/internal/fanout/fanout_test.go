package fanout

import (
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"net/http/httptest"
	"os"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/coder/websocket"
	"github.com/stretchr/testify/require"

	"github.com/modelarchitect/architect/bench/internal/gqlws"
	"github.com/modelarchitect/architect/bench/internal/viewers"
)

// wsServer is a minimal graphql-transport-ws server: it acks a connection_init whose authorization is
// "Bearer tok<n>", refuses others with 4403, pings each client once, and on POST /graphql (as user n)
// sends every subscription of that user one next message carrying updatedAt.
type wsServer struct {
	mu   sync.Mutex
	subs map[string][]func(time.Time) // by token
}

func (s *wsServer) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	if r.Method == http.MethodPost {
		tok := strings.TrimPrefix(r.Header.Get("Authorization"), "Bearer ")
		s.mu.Lock()
		fs := s.subs[tok]
		s.mu.Unlock()
		at := time.Now()
		for _, f := range fs {
			f(at)
		}
		_, _ = fmt.Fprint(w, `{"data":{"touch":true}}`)
		return
	}
	c, err := websocket.Accept(w, r, &websocket.AcceptOptions{Subprotocols: []string{gqlws.Subprotocol}})
	if err != nil {
		return
	}
	ctx := r.Context()
	var init gqlws.Message
	if _, b, err := c.Read(ctx); err != nil || json.Unmarshal(b, &init) != nil || init.Type != gqlws.TypeConnectionInit {
		c.Close(4400, "expected connection_init")
		return
	}
	var p struct{ Authorization string }
	_ = json.Unmarshal(init.Payload, &p)
	tok, ok := strings.CutPrefix(p.Authorization, "Bearer ")
	if !ok || !strings.HasPrefix(tok, "tok") {
		c.Close(4403, "Forbidden")
		return
	}
	var wmu sync.Mutex
	write := func(m gqlws.Message) {
		b, _ := json.Marshal(m)
		wmu.Lock()
		defer wmu.Unlock()
		_ = c.Write(ctx, websocket.MessageText, b)
	}
	write(gqlws.Message{Type: gqlws.TypeConnectionAck})
	write(gqlws.Message{Type: gqlws.TypePing})
	for {
		_, b, err := c.Read(ctx)
		if err != nil {
			return
		}
		var m gqlws.Message
		_ = json.Unmarshal(b, &m)
		if m.Type != gqlws.TypeSubscribe {
			continue
		}
		id := m.ID
		s.mu.Lock()
		s.subs[tok] = append(s.subs[tok], func(at time.Time) {
			payload := fmt.Sprintf(`{"data":{"myBenchmarkEvents":{"id":"b","status":"RUNNING","updatedAt":%q}}}`, at.Format(time.RFC3339Nano))
			write(gqlws.Message{ID: id, Type: gqlws.TypeNext, Payload: json.RawMessage(payload)})
		})
		s.mu.Unlock()
	}
}

func setup(t *testing.T, users int) (*httptest.Server, []viewers.Viewer) {
	t.Helper()
	srv := httptest.NewServer(&wsServer{subs: map[string][]func(time.Time){}})
	t.Cleanup(srv.Close)
	vs := make([]viewers.Viewer, users)
	for i := range vs {
		vs[i] = viewers.Viewer{RowID: i + 1, ID: fmt.Sprint("U", i), Token: fmt.Sprint("tok", i), Benchmarks: []string{"B1"}}
	}
	return srv, vs
}

func TestRunMeasuresEveryClient(t *testing.T) {
	t.Parallel()
	srv, vs := setup(t, 3)
	res, err := Run(context.Background(), Config{
		URL:            "ws" + strings.TrimPrefix(srv.URL, "http"),
		Viewers:        vs,
		Clients:        2,
		Subscription:   "subscription { myBenchmarkEvents { id status updatedAt } }",
		Trigger:        "mutation($id: ID!) { touch(id: $id) }",
		TriggerURL:     srv.URL,
		TimestampField: "updatedAt",
		Settle:         50 * time.Millisecond,
		Wait:           5 * time.Second,
		ServerPID:      os.Getpid(), // the test server runs in this process
	})
	require.NoError(t, err)
	require.Equal(t, 6, res.Target, "3 users × 2 clients")
	require.Equal(t, 6, res.Connected)
	require.Empty(t, res.DialFailures)
	require.Equal(t, 3, res.Triggered)
	require.Equal(t, 6, res.Expected)
	require.Equal(t, 6, res.Received, "each client of each user gets its user's event")
	require.Zero(t, res.Extra)
	require.Equal(t, 6, res.TriggerToReceipt.Count)
	require.Equal(t, 6, res.CommitToReceipt.Count, "the event's updatedAt is read")
	require.LessOrEqual(t, res.CommitToReceipt.Max, res.TriggerToReceipt.Max, "the commit comes after the trigger is sent")
	require.Positive(t, res.ServerRSSBeforeKiB)
	require.Positive(t, res.OpenFilesLimit)
}

func TestRunCountsRefusedConnections(t *testing.T) {
	t.Parallel()
	srv, vs := setup(t, 2)
	vs[1].Token = "forged"
	res, err := Run(context.Background(), Config{
		URL: "ws" + strings.TrimPrefix(srv.URL, "http"), Viewers: vs, Clients: 1,
		Subscription: "subscription { x }", Settle: time.Millisecond, Wait: 200 * time.Millisecond,
	})
	require.NoError(t, err)
	require.Equal(t, 1, res.Connected)
	require.Equal(t, map[string]int{"connection_init refused": 1}, res.DialFailures)
	require.Equal(t, 1, res.Expected, "without a trigger every connected client waits for an event")
	require.Zero(t, res.Received, "nothing caused one")
}

func TestTimestamp(t *testing.T) {
	t.Parallel()
	cases := []struct {
		name    string
		payload string
		ok      bool
	}{
		{"nested", `{"data":{"ev":{"benchmark":{"updatedAt":"2026-03-02T12:00:00.123456Z"}}}}`, true},
		{"in a list", `{"data":{"ev":[{"updatedAt":"2026-03-02T12:00:00Z"}]}}`, true},
		{"missing", `{"data":{"ev":{"id":"x"}}}`, false},
		{"not a time", `{"data":{"ev":{"updatedAt":"yesterday"}}}`, false},
		{"not JSON", `nope`, false},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			_, ok := timestamp([]byte(tc.payload), "updatedAt")
			require.Equal(t, tc.ok, ok)
		})
	}
}
