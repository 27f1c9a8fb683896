package observability_test

import (
	"bufio"
	"context"
	"database/sql"
	"database/sql/driver"
	"errors"
	"io"
	"net"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/prometheus/client_golang/prometheus"
	dto "github.com/prometheus/client_model/go"
	"github.com/stretchr/testify/require"

	"github.com/modelarchitect/architect/internal/observability"
)

// value reads one sample of a family from the registry: a counter's or gauge's value, a histogram's count.
func value(t *testing.T, reg *prometheus.Registry, family string, labels map[string]string) float64 {
	t.Helper()
	mfs, err := reg.Gather()
	require.NoError(t, err)
	for _, mf := range mfs {
		if mf.GetName() != family {
			continue
		}
		for _, m := range mf.GetMetric() {
			if !matches(m, labels) {
				continue
			}
			switch {
			case m.Counter != nil:
				return m.Counter.GetValue()
			case m.Gauge != nil:
				return m.Gauge.GetValue()
			case m.Histogram != nil:
				return float64(m.Histogram.GetSampleCount())
			}
		}
	}
	return 0
}

func matches(m *dto.Metric, labels map[string]string) bool {
	n := 0
	for _, lp := range m.GetLabel() {
		if v, ok := labels[lp.GetName()]; ok {
			if v != lp.GetValue() {
				return false
			}
			n++
		}
	}
	return n == len(labels)
}

type noDB struct{}

func (noDB) Connect(context.Context) (driver.Conn, error) { return nil, errors.New("no database here") }
func (noDB) Driver() driver.Driver                        { return nil }

// TestMetricFamilies checks that after one GraphQL request /metrics shows the HTTP, GraphQL, database
// pool, Go runtime and process families, and the plain vectors once used.
func TestMetricFamilies(t *testing.T) {
	t.Parallel()
	b := setup(t, false)
	db := sql.OpenDB(noDB{})
	t.Cleanup(func() { _ = db.Close() })
	require.NoError(t, b.metrics.RegisterDB("sqlite", db))
	b.metrics.Jobs.WithLabelValues("benchmark_run", "ok").Inc()
	b.metrics.JobDuration.WithLabelValues("benchmark_run", "ok").Observe(12)
	b.metrics.ProviderRequests.WithLabelValues("openai", "ok").Inc()
	b.metrics.ProviderDuration.WithLabelValues("openai", "ok").Observe(0.8)
	b.metrics.EventsPublished.WithLabelValues("benchmark").Inc()
	b.metrics.EventsDelivered.WithLabelValues("benchmark").Inc()
	b.metrics.WebsocketConnections.WithLabelValues("graphql-transport-ws").Inc()
	b.metrics.WebsocketCloses.WithLabelValues("graphql-transport-ws", "1001").Inc()
	require.NoError(t, b.metrics.GaugeFunc("events_subscribers", "Open event subscriptions.", func() float64 { return 3 }))
	require.NoError(t, b.metrics.CounterFunc("events_resyncs_total", "Resync notices sent.", func() float64 { return 2 }))

	status, _ := b.do(t, graphqlPost(`{"query":"query Me { me { id } }"}`, nil))
	require.Equal(t, 200, status)

	res, err := http.Get(b.url + "/metrics")
	require.NoError(t, err)
	defer res.Body.Close()
	require.Equal(t, 200, res.StatusCode)
	raw, err := io.ReadAll(res.Body)
	require.NoError(t, err)
	text := string(raw)
	for _, family := range []string{
		`architect_http_requests_total{method="POST",route="/graphql",status="200"} 1`,
		`architect_http_request_duration_seconds_bucket{method="POST",route="/graphql",le="0.005"}`,
		"architect_http_requests_in_flight",
		`architect_websocket_connections{protocol="graphql-transport-ws"} 1`,
		`architect_websocket_closes_total{code="1001",protocol="graphql-transport-ws"} 1`,
		`architect_events_subscribers 3`,
		`architect_graphql_operations_total{operation="Me",outcome="ok",type="query"} 1`,
		`architect_graphql_operation_duration_seconds_count{operation="Me",type="query"} 1`,
		`go_sql_open_connections{db_name="sqlite"} 0`,
		`go_sql_max_open_connections{db_name="sqlite"}`,
		`go_sql_wait_count_total{db_name="sqlite"}`,
		"go_goroutines", "go_memstats_alloc_bytes", "process_cpu_seconds_total", "process_resident_memory_bytes",
		`architect_jobs_total{kind="benchmark_run",outcome="ok"} 1`,
		`architect_job_duration_seconds_count{kind="benchmark_run",outcome="ok"} 1`,
		`architect_provider_requests_total{outcome="ok",provider="openai"} 1`,
		`architect_provider_request_duration_seconds_count{outcome="ok",provider="openai"} 1`,
		`architect_events_published_total{topic="benchmark"} 1`,
		`architect_events_delivered_total{topic="benchmark"} 1`,
		"architect_events_resyncs_total 2",
	} {
		require.Contains(t, text, family)
	}
}

// TestHTTPRouteLabel checks the route label whichever of RequestLog and InstrumentHTTP is outermost.
func TestHTTPRouteLabel(t *testing.T) {
	t.Parallel()
	for _, metricsOuter := range []bool{false, true} {
		name := "RequestLog outside"
		if metricsOuter {
			name = "InstrumentHTTP outside"
		}
		t.Run(name, func(t *testing.T) {
			t.Parallel()
			b := setup(t, metricsOuter)
			b.do(t, call{method: http.MethodGet, path: "/healthz"})
			b.do(t, call{method: http.MethodGet, path: "/nowhere"})
			b.do(t, graphqlPost(`{"query":"{ me { id } }"}`, nil))
			reg := b.metrics.Registry
			require.Equal(t, 1.0, value(t, reg, "architect_http_requests_total", map[string]string{"route": "/healthz", "method": "GET", "status": "200"}))
			require.Equal(t, 1.0, value(t, reg, "architect_http_requests_total", map[string]string{"route": "unmatched", "method": "GET", "status": "404"}))
			require.Equal(t, 1.0, value(t, reg, "architect_http_requests_total", map[string]string{"route": "/graphql", "method": "POST", "status": "200"}))
			require.Equal(t, 1.0, value(t, reg, "architect_graphql_operations_total", map[string]string{"operation": "anonymous", "type": "query", "outcome": "ok"}))
		})
	}
}

func TestGraphQLRequestErrorsAreCounted(t *testing.T) {
	t.Parallel()
	b := setup(t, false)
	b.do(t, graphqlPost(`{"query":"{ me { id "}`, nil))
	b.do(t, graphqlPost(`{"query":"query Nope { nope }"}`, nil))
	reg := b.metrics.Registry
	require.Equal(t, 1.0, value(t, reg, "architect_graphql_operations_total", map[string]string{"operation": "anonymous", "type": "unknown", "outcome": "GRAPHQL_PARSE_FAILED"}))
	// A document that parses but does not validate is read again for its operation's name and type.
	require.Equal(t, 1.0, value(t, reg, "architect_graphql_operations_total", map[string]string{"operation": "Nope", "type": "query", "outcome": "GRAPHQL_VALIDATION_FAILED"}))
}

// TestSubscriptionMetrics runs a subscription over server-sent events: the active gauge is 1 while it
// streams, and when it ends the operation is counted once, with its lifetime as duration.
func TestSubscriptionMetrics(t *testing.T) {
	t.Parallel()
	b := setup(t, false)
	req, err := http.NewRequest(http.MethodPost, b.url+"/graphql", strings.NewReader(`{"query":"subscription Ticks { ticks }"}`))
	require.NoError(t, err)
	req.Header.Set("Content-Type", "application/json")
	req.Header.Set("Accept", "text/event-stream")
	res, err := http.DefaultClient.Do(req)
	require.NoError(t, err)
	defer res.Body.Close()
	r := bufio.NewReader(res.Body)
	for {
		line, err := r.ReadString('\n')
		require.NoError(t, err)
		if strings.Contains(line, `"ticks":1`) {
			break
		}
	}
	reg := b.metrics.Registry
	active := map[string]string{"operation": "Ticks"}
	require.Equal(t, 1.0, value(t, reg, "architect_graphql_subscriptions_active", active))
	close(b.release)
	_, _ = io.Copy(io.Discard, r)
	require.Eventually(t, func() bool {
		return value(t, reg, "architect_graphql_operations_total", map[string]string{"operation": "Ticks", "type": "subscription", "outcome": "ok"}) == 1
	}, 5*time.Second, 5*time.Millisecond)
	require.Equal(t, 0.0, value(t, reg, "architect_graphql_subscriptions_active", active))
	require.Equal(t, 1.0, value(t, reg, "architect_graphql_operation_duration_seconds", map[string]string{"operation": "Ticks", "type": "subscription"}))
}

// TestUpgradedRequest upgrades a connection the way a websocket library does (hijacking it) and checks
// that it is counted with status 101 and kept out of the duration histogram.
func TestUpgradedRequest(t *testing.T) {
	t.Parallel()
	m := observability.NewMetrics()
	hijacked := make(chan struct{})
	mux := http.NewServeMux()
	mux.HandleFunc("/ws", func(w http.ResponseWriter, _ *http.Request) {
		conn, rw, err := http.NewResponseController(w).Hijack()
		if err != nil {
			http.Error(w, err.Error(), http.StatusInternalServerError)
			return
		}
		defer conn.Close()
		_, _ = rw.WriteString("HTTP/1.1 101 Switching Protocols\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n\r\n")
		_ = rw.Flush()
		close(hijacked)
		_, _ = rw.ReadByte() // until the client hangs up
	})
	ts := httptest.NewServer(m.InstrumentHTTP(mux))
	t.Cleanup(ts.Close)

	conn, err := (&net.Dialer{}).Dial("tcp", ts.Listener.Addr().String())
	require.NoError(t, err)
	_, err = conn.Write([]byte("GET /ws HTTP/1.1\r\nHost: x\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n\r\n"))
	require.NoError(t, err)
	<-hijacked
	require.NoError(t, conn.Close())
	require.Eventually(t, func() bool {
		return value(t, m.Registry, "architect_http_requests_total", map[string]string{"route": "/ws", "status": "101"}) == 1
	}, 5*time.Second, 5*time.Millisecond)
	require.Equal(t, 0.0, value(t, m.Registry, "architect_http_request_duration_seconds", map[string]string{"route": "/ws"}))
}
