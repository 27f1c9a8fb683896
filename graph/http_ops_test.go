package graph_test

import (
	"net/http"
	"strings"
	"testing"
	"time"

	dto "github.com/prometheus/client_model/go"
	"github.com/prometheus/common/expfmt"
	"github.com/prometheus/common/model"
	"github.com/stretchr/testify/require"

	"github.com/modelarchitect/architect/internal/testutil"
	"github.com/modelarchitect/architect/internal/viewer"
)

// scrape reads /metrics as Prometheus does and returns its families by name.
func scrape(t *testing.T, base string) map[string]*dto.MetricFamily {
	t.Helper()
	res, err := rawClient.Get(base + "/metrics")
	require.NoError(t, err)
	defer res.Body.Close()
	require.Equal(t, http.StatusOK, res.StatusCode)
	require.True(t, strings.HasPrefix(res.Header.Get("Content-Type"), "text/plain"), res.Header.Get("Content-Type"))
	p := expfmt.NewTextParser(model.UTF8Validation)
	families, err := p.TextToMetricFamilies(res.Body)
	require.NoError(t, err)
	return families
}

// metricSample returns the value of the sample of family whose labels include labels (a histogram's or a
// summary's count), and whether the family has the type typ and such a sample.
func metricSample(families map[string]*dto.MetricFamily, family string, typ dto.MetricType, labels map[string]string) (float64, bool) {
	mf, ok := families[family]
	if !ok || mf.GetType() != typ {
		return 0, false
	}
	for _, m := range mf.GetMetric() {
		have := map[string]string{}
		for _, lp := range m.GetLabel() {
			have[lp.GetName()] = lp.GetValue()
		}
		match := true
		for k, v := range labels {
			match = match && have[k] == v
		}
		if !match {
			continue
		}
		switch typ {
		case dto.MetricType_COUNTER:
			return m.GetCounter().GetValue(), true
		case dto.MetricType_GAUGE:
			return m.GetGauge().GetValue(), true
		case dto.MetricType_HISTOGRAM:
			return float64(m.GetHistogram().GetSampleCount()), true
		case dto.MetricType_SUMMARY:
			return float64(m.GetSummary().GetSampleCount()), true
		}
	}
	return 0, false
}

// TestMetrics: after a query, a refused query, a mutation and with a websocket subscription open, /metrics
// shows the HTTP, GraphQL, websocket, database pool, Go runtime and process families with those operations
// counted under their names.
func TestMetrics(t *testing.T) {
	t.Parallel()
	s := testutil.NewServer(t, testutil.SQLite)
	u := s.SignUp(t, "metrics@example.com", viewer.RoleFree)
	c := s.Client(u.Token)
	c.MustDo(t, dashboardQuery, nil, nil)
	c.MustDo(t, `mutation CreateScenario { createScenario(input: {name: "m", config: {taskComplexity: LOW, dataVolume: 1, responseTimeSLA: 1000, inputTokens: 10, outputTokens: 10}}) { id } }`, nil, nil)
	// Refused by validation, an operation is known by the operationName its client sends (Apollo and urql do).
	broken := send(t, s.URL, postReq(jsonBody(t, map[string]any{"query": `query Broken { me { noSuchField } }`, "operationName": "Broken"}), acceptGQL))
	require.Equal(t, "GRAPHQL_VALIDATION_FAILED", broken.firstCode())
	sk := s.Dial(t, testutil.TransportWS, map[string]any{"authorization": "Bearer " + u.Token})
	sk.Ack()
	sk.Subscribe("1", `subscription MyEvents { myBenchmarkEvents { id } }`, nil)

	const (
		counter   = dto.MetricType_COUNTER
		gauge     = dto.MetricType_GAUGE
		histogram = dto.MetricType_HISTOGRAM
		summary   = dto.MetricType_SUMMARY
	)
	type want struct {
		family string
		typ    dto.MetricType
		labels map[string]string
		value  float64 // exact value; -1: any value, only the sample must exist
	}
	checks := []want{
		{"architect_http_requests_total", counter, map[string]string{"route": "/graphql", "method": "POST", "status": "200"}, -1},
		{"architect_http_request_duration_seconds", histogram, map[string]string{"route": "/graphql", "method": "POST"}, -1},
		{"architect_http_requests_in_flight", gauge, nil, 1}, // the scrape itself
		{"architect_graphql_operations_total", counter, map[string]string{"operation": "Dashboard", "type": "query", "outcome": "ok"}, 1},
		{"architect_graphql_operations_total", counter, map[string]string{"operation": "CreateScenario", "type": "mutation", "outcome": "ok"}, 1},
		{"architect_graphql_operations_total", counter, map[string]string{"operation": "Broken", "outcome": "GRAPHQL_VALIDATION_FAILED"}, 1},
		{"architect_graphql_operation_duration_seconds", histogram, map[string]string{"operation": "Dashboard", "type": "query"}, 1},
		{"architect_graphql_subscriptions_active", gauge, map[string]string{"operation": "MyEvents"}, 1},
		{"architect_websocket_connections", gauge, map[string]string{"protocol": testutil.TransportWS}, 1},
		{"go_sql_open_connections", gauge, nil, -1},
		{"go_sql_in_use_connections", gauge, nil, -1},
		{"go_sql_idle_connections", gauge, nil, -1},
		{"go_sql_max_open_connections", gauge, nil, -1},
		{"go_sql_wait_count_total", counter, nil, -1},
		{"go_goroutines", gauge, nil, -1},
		{"go_memstats_heap_alloc_bytes", gauge, nil, -1},
		{"go_gc_duration_seconds", summary, nil, -1},
		{"process_resident_memory_bytes", gauge, nil, -1},
	}
	var families map[string]*dto.MetricFamily
	// The subscription is counted once the server has read it; it sends nothing until an event, so poll.
	require.Eventually(t, func() bool {
		families = scrape(t, s.URL)
		v, ok := metricSample(families, "architect_graphql_subscriptions_active", gauge, map[string]string{"operation": "MyEvents"})
		return ok && v == 1
	}, 5*time.Second, 20*time.Millisecond)
	for _, w := range checks {
		require.Contains(t, families, w.family, "/metrics has no family %s", w.family)
		require.Equal(t, w.typ, families[w.family].GetType(), w.family)
		v, ok := metricSample(families, w.family, w.typ, w.labels)
		require.True(t, ok, "%s has no sample with labels %v", w.family, w.labels)
		if w.value >= 0 {
			require.Equal(t, w.value, v, "%s%v", w.family, w.labels)
		}
	}
	open, _ := metricSample(families, "go_sql_max_open_connections", gauge, nil)
	require.Positive(t, open, "the pool's size is reported")

	// Closing the socket brings the gauges back down.
	require.NoError(t, sk.Conn.Close())
	require.Eventually(t, func() bool {
		families = scrape(t, s.URL)
		ws, _ := metricSample(families, "architect_websocket_connections", gauge, map[string]string{"protocol": testutil.TransportWS})
		subs, _ := metricSample(families, "architect_graphql_subscriptions_active", gauge, map[string]string{"operation": "MyEvents"})
		return ws == 0 && subs == 0
	}, 5*time.Second, 20*time.Millisecond)
}

// TestHealthAndReadiness: /healthz says the process is alive; /readyz that it can serve: it answers 503 once
// the server drains for a shutdown, or when the database does not answer, while /healthz stays 200.
func TestHealthAndReadiness(t *testing.T) {
	t.Parallel()
	probe := func(t *testing.T, base, path string) (int, string) {
		t.Helper()
		r := send(t, base, rawRequest{method: http.MethodGet, path: path})
		return r.status, string(r.body)
	}
	t.Run("draining", func(t *testing.T) {
		t.Parallel()
		s := testutil.NewServer(t, testutil.SQLite)
		status, text := probe(t, s.URL, "/healthz")
		require.Equal(t, http.StatusOK, status)
		require.Equal(t, "ok\n", text)
		status, _ = probe(t, s.URL, "/readyz")
		require.Equal(t, http.StatusOK, status)

		s.App.Handler.Drain()
		status, text = probe(t, s.URL, "/readyz")
		require.Equal(t, http.StatusServiceUnavailable, status)
		require.Contains(t, text, "shutting down")
		status, _ = probe(t, s.URL, "/healthz")
		require.Equal(t, http.StatusOK, status, "a draining process is still alive")
		r := send(t, s.URL, postReq(graphqlBody(`{ __typename }`, nil), acceptGQL))
		require.Equal(t, http.StatusOK, r.status, "requests that still arrive are served")
	})
	t.Run("database down", func(t *testing.T) {
		t.Parallel()
		s := testutil.NewServer(t, testutil.SQLite, testutil.ServerOptions{Env: map[string]string{"WORKERS": "false"}})
		require.NoError(t, s.DB.SQL.Close())
		status, text := probe(t, s.URL, "/readyz")
		require.Equal(t, http.StatusServiceUnavailable, status)
		require.Contains(t, text, "database")
		status, _ = probe(t, s.URL, "/healthz")
		require.Equal(t, http.StatusOK, status)
	})
}
