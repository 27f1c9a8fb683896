package observability

import (
	"database/sql"
	"net/http"
	"strconv"
	"sync"

	"github.com/prometheus/client_golang/prometheus"
	"github.com/prometheus/client_golang/prometheus/collectors"
	"github.com/prometheus/client_golang/prometheus/promhttp"
)

// Namespace prefixes the server's own metric names.
const Namespace = "architect"

// Metrics is the server's Prometheus registry and the collectors recorded into. The HTTP middleware and
// the gqlgen extension (Operations) fill the HTTP and GraphQL ones; the websocket transport, the event
// broker, the job workers and the provider clients fill theirs with the plain vectors below.
// docs/engines/http.md lists every family.
type Metrics struct {
	Registry *prometheus.Registry

	// HTTP, by InstrumentHTTP. route is the ServeMux pattern ("unmatched" when none).
	HTTPRequests *prometheus.CounterVec   // architect_http_requests_total{route,method,status}
	HTTPDuration *prometheus.HistogramVec // architect_http_request_duration_seconds{route,method}; websockets not observed
	HTTPInFlight prometheus.Gauge         // architect_http_requests_in_flight
	// Connection and request limits hit, by the HTTP server (internal/app): limit is LimitConnsPerClient
	// or LimitBodyTimeout. Both values are present from the start, at 0.
	HTTPLimits *prometheus.CounterVec // architect_http_limits_total{limit}

	// Websockets, by the websocket transport's hooks (connection opened/closed): protocol is
	// graphql-transport-ws or graphql-ws, code the close code.
	WebsocketConnections *prometheus.GaugeVec   // architect_websocket_connections{protocol}: open now
	WebsocketCloses      *prometheus.CounterVec // architect_websocket_closes_total{protocol,code}

	// GraphQL, by Operations. operation is the operation's name ("anonymous", or "other" past the
	// cardinality cap); type is query, mutation, subscription or unknown; outcome is "ok" or the first
	// error's extensions.code.
	GraphQLOperations    *prometheus.CounterVec   // architect_graphql_operations_total{operation,type,outcome}
	GraphQLDuration      *prometheus.HistogramVec // architect_graphql_operation_duration_seconds{operation,type}
	GraphQLSubscriptions *prometheus.GaugeVec     // architect_graphql_subscriptions_active{operation}
	// Root fields of queries on PostgreSQL, by graph/compiled: outcome is "compiled" (one statement) or why
	// the field went to the resolvers ("orderBy", "resolver field", "role", …).
	CompiledReads *prometheus.CounterVec // architect_compiled_reads_total{outcome}

	// Events: topic is the entity kind ("benchmark", "deployment", …).
	EventsPublished *prometheus.CounterVec // architect_events_published_total{topic}
	EventsDelivered *prometheus.CounterVec // architect_events_delivered_total{topic}
	// Overflows, resyncs and listener reconnects are the broker's own counters (the app registers them as
	// architect_events_overflows_total, _resyncs_total and _reconnects_total).

	// Jobs: kind is the River job kind; outcome is ok, error, cancelled, snoozed or discarded.
	Jobs        *prometheus.CounterVec   // architect_jobs_total{kind,outcome}
	JobDuration *prometheus.HistogramVec // architect_job_duration_seconds{kind,outcome}

	// Model provider calls: provider is openai, gemini, vllm, …; outcome is ok or an error class
	// (timeout, rate_limited, auth, server, client).
	ProviderRequests *prometheus.CounterVec   // architect_provider_requests_total{provider,outcome}
	ProviderDuration *prometheus.HistogramVec // architect_provider_request_duration_seconds{provider,outcome}

	names *nameSet
}

// Values of HTTPLimits' limit label.
const (
	LimitConnsPerClient = "conns_per_client" // a connection accepted past HTTP_MAX_CONNS_PER_CLIENT
	LimitBodyTimeout    = "body_timeout"     // a request body that missed HTTP_BODY_TIMEOUT (answered 408)
)

// MaxOperationNames caps the distinct operation label values; later names are counted as "other", so
// that clients inventing names cannot grow the metrics without bound.
const MaxOperationNames = 500

// NewMetrics returns a registry holding the Go runtime and process collectors and every metric above.
func NewMetrics() *Metrics {
	counter := func(name, help string, labels ...string) *prometheus.CounterVec {
		return prometheus.NewCounterVec(prometheus.CounterOpts{Namespace: Namespace, Name: name, Help: help}, labels)
	}
	histogram := func(name, help string, buckets []float64, labels ...string) *prometheus.HistogramVec {
		return prometheus.NewHistogramVec(prometheus.HistogramOpts{Namespace: Namespace, Name: name, Help: help, Buckets: buckets}, labels)
	}
	gauge := func(name, help string) prometheus.Gauge {
		return prometheus.NewGauge(prometheus.GaugeOpts{Namespace: Namespace, Name: name, Help: help})
	}
	// Long work: a benchmark job or a provider call takes seconds to minutes.
	jobBuckets := []float64{0.1, 0.5, 1, 5, 15, 30, 60, 120, 300, 600, 1800}
	callBuckets := []float64{0.1, 0.25, 0.5, 1, 2, 5, 10, 20, 30, 60, 120}
	m := &Metrics{
		Registry:     prometheus.NewRegistry(),
		HTTPRequests: counter("http_requests_total", "HTTP requests answered, by route, method and status.", "route", "method", "status"),
		HTTPDuration: histogram("http_request_duration_seconds", "Time to answer an HTTP request (websockets excluded), by route and method.",
			prometheus.DefBuckets, "route", "method"),
		HTTPInFlight: gauge("http_requests_in_flight", "HTTP requests being answered now."),
		HTTPLimits: counter("http_limits_total", "Connection and request limits hit, by limit: conns_per_client (a connection accepted "+
			"past the per-client cap), body_timeout (a request body that missed its deadline).", "limit"),
		WebsocketConnections: prometheus.NewGaugeVec(prometheus.GaugeOpts{Namespace: Namespace, Name: "websocket_connections",
			Help: "Websocket connections open now, by subprotocol."}, []string{"protocol"}),
		WebsocketCloses: counter("websocket_closes_total", "Websocket connections closed, by subprotocol and close code.", "protocol", "code"),
		GraphQLOperations: counter("graphql_operations_total", "GraphQL operations finished, by name, type and outcome (ok or the error code).",
			"operation", "type", "outcome"),
		GraphQLDuration: histogram("graphql_operation_duration_seconds", "Time from reading a GraphQL operation to its response (a subscription: its lifetime).",
			prometheus.DefBuckets, "operation", "type"),
		GraphQLSubscriptions: prometheus.NewGaugeVec(prometheus.GaugeOpts{Namespace: Namespace, Name: "graphql_subscriptions_active",
			Help: "GraphQL subscriptions open now, by operation name."}, []string{"operation"}),
		CompiledReads: counter("compiled_reads_total", "Root fields of queries answered by one SQL statement (compiled) or by the resolvers, with the reason.",
			"outcome"),
		EventsPublished:  counter("events_published_total", "Entity-change events published to the broker, by topic.", "topic"),
		EventsDelivered:  counter("events_delivered_total", "Events handed to a subscriber, by topic.", "topic"),
		Jobs:             counter("jobs_total", "Background jobs finished, by kind and outcome.", "kind", "outcome"),
		JobDuration:      histogram("job_duration_seconds", "Time a background job ran, by kind and outcome.", jobBuckets, "kind", "outcome"),
		ProviderRequests: counter("provider_requests_total", "Calls to model provider APIs, by provider and outcome.", "provider", "outcome"),
		ProviderDuration: histogram("provider_request_duration_seconds", "Latency of model provider API calls, by provider and outcome.",
			callBuckets, "provider", "outcome"),
		names: &nameSet{max: MaxOperationNames, seen: map[string]bool{}},
	}
	m.Registry.MustRegister(
		collectors.NewGoCollector(),
		collectors.NewProcessCollector(collectors.ProcessCollectorOpts{}),
		m.HTTPRequests, m.HTTPDuration, m.HTTPInFlight, m.HTTPLimits, m.WebsocketConnections, m.WebsocketCloses,
		m.GraphQLOperations, m.GraphQLDuration, m.GraphQLSubscriptions, m.CompiledReads,
		m.EventsPublished, m.EventsDelivered,
		m.Jobs, m.JobDuration, m.ProviderRequests, m.ProviderDuration,
	)
	for _, limit := range []string{LimitConnsPerClient, LimitBodyTimeout} {
		m.HTTPLimits.WithLabelValues(limit)
	}
	return m
}

// RegisterDB adds the pool statistics of db (sql.DBStats) under client_golang's go_sql_* names, labelled
// db_name=kind ("sqlite" or "postgres"): open, in-use and idle connections, the pool's maximum, waits and
// their total duration, and connections closed for idleness or age.
func (m *Metrics) RegisterDB(kind string, db *sql.DB) error {
	return m.Registry.Register(collectors.NewDBStatsCollector(db, kind))
}

// Handler serves the registry in the Prometheus text format (OpenMetrics when the scraper asks for it).
func (m *Metrics) Handler() http.Handler {
	return promhttp.HandlerFor(m.Registry, promhttp.HandlerOpts{Registry: m.Registry, EnableOpenMetrics: true})
}

// CounterFunc registers a counter read at scrape time from f, for components that keep their own totals
// (the event broker's and the websocket transport's Stats). name gets the architect_ prefix.
func (m *Metrics) CounterFunc(name, help string, f func() float64) error {
	return m.Registry.Register(prometheus.NewCounterFunc(prometheus.CounterOpts{Namespace: Namespace, Name: name, Help: help}, f))
}

// GaugeFunc registers a gauge read at scrape time from f. name gets the architect_ prefix.
func (m *Metrics) GaugeFunc(name, help string, f func() float64) error {
	return m.Registry.Register(prometheus.NewGaugeFunc(prometheus.GaugeOpts{Namespace: Namespace, Name: name, Help: help}, f))
}

// InstrumentHTTP counts and times each request to next. Wrap the ServeMux with it (directly, or with
// RequestLog between) so that the route label is the pattern the mux chose. A request upgraded to a
// websocket is counted with status 101 but not timed: its handler may return at once or when the socket
// closes, depending on the transport.
func (m *Metrics) InstrumentHTTP(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		m.HTTPInFlight.Inc()
		defer m.HTTPInFlight.Dec()
		w, r, rec := begin(w, r)
		next.ServeHTTP(w, r)
		rec.finish(r)
		s := rec.snapshot()
		method := methodLabel(r.Method)
		m.HTTPRequests.WithLabelValues(s.route, method, strconv.Itoa(s.status)).Inc()
		if !s.upgraded {
			m.HTTPDuration.WithLabelValues(s.route, method).Observe(s.duration.Seconds())
		}
	})
}

func methodLabel(m string) string {
	switch m {
	case http.MethodGet, http.MethodPost, http.MethodOptions, http.MethodHead, http.MethodPut, http.MethodPatch, http.MethodDelete:
		return m
	}
	return "OTHER"
}

// nameSet bounds the distinct values of a label.
type nameSet struct {
	mu   sync.Mutex
	max  int
	seen map[string]bool
}

func (s *nameSet) label(name string) string {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.seen[name] {
		return name
	}
	if len(s.seen) >= s.max {
		return "other"
	}
	s.seen[name] = true
	return name
}
