// Package config reads the server's settings from the environment (and a .env file when present) into one
// typed Config, fills defaults, and refuses settings that are unsafe in production. It does no other I/O
// than reading .env and, in development, keeping a generated JWT secret under DATA_DIR.
package config

import (
	"crypto/rand"
	"encoding/hex"
	"errors"
	"fmt"
	"log/slog"
	"net"
	"os"
	"path/filepath"
	"runtime"
	"strconv"
	"strings"
	"time"

	"github.com/joho/godotenv"

	"github.com/modelarchitect/architect/internal/httpx"
	"github.com/modelarchitect/architect/internal/limits"
	"github.com/modelarchitect/architect/internal/providers"
)

// Config is every setting of the server. .env.example documents each variable.
type Config struct {
	Env         string // APP_ENV: development (default) or production
	Port        int    // PORT, default 3001
	Host        string // HOST: localhost (127.0.0.1, ::1) in development, every interface ("") in production
	MetricsAddr string // METRICS_ADDR: host:port of a listener for /metrics alone (PORT then does not serve it)
	DataDir     string // DATA_DIR, default ./data: the SQLite file and the development JWT secret
	DatabaseURL string // DATABASE_URL: postgres://… for PostgreSQL; empty for SQLite under DataDir
	AutoMigrate bool   // MIGRATE_ON_START, default true: serve applies migrations at start

	DBMaxOpenConns int           // DB_MAX_OPEN_CONNS
	DBMaxIdleConns int           // DB_MAX_IDLE_CONNS
	DBConnMaxLife  time.Duration // DB_CONN_MAX_LIFETIME
	DBStatements   int           // DB_STATEMENT_CACHE: prepared statements per PostgreSQL connection (0: none)

	JWTSecret    []byte        // JWT_SECRET
	JWTExpiresIn time.Duration // JWT_EXPIRES_IN, default 7d
	JWTIssuer    string        // JWT_ISSUER
	JWTAudience  string        // JWT_AUDIENCE

	LogLevel   slog.Level // LOG_LEVEL: debug, info, warn, error
	LogFormat  string     // LOG_FORMAT: auto (tint on a terminal, JSON otherwise), text, json
	TrustProxy bool       // TRUST_PROXY: take the client address from X-Forwarded-For
	DebugAddr  string     // DEBUG_ADDR: host:port of a separate listener for /debug/pprof (off when empty)

	ShutdownTimeout time.Duration // SHUTDOWN_TIMEOUT: how long requests in flight may take to finish
	// ShutdownDrainDelay (SHUTDOWN_DRAIN_DELAY, default 0; 5s or so behind a load balancer) is how long a
	// draining server keeps accepting requests, answering /readyz with 503, before it closes its listener.
	ShutdownDrainDelay time.Duration

	Playground    bool // GRAPHQL_PLAYGROUND: serve GraphiQL at / (default on in development, off in production)
	Introspection bool // GRAPHQL_INTROSPECTION: answer introspection queries (default as the playground)
	// CompiledReads (COMPILED_READS) is how read queries are answered on PostgreSQL: "true" (the default)
	// with one SQL statement where graph/compiled supports the query, "false" by the resolvers alone, and
	// "verify" both ways, answering with the resolvers' result and logging an error (and adding a GraphQL
	// error) wherever the two differ, for test suites.
	CompiledReads string
	// CompiledReadsInFlight (COMPILED_READS_IN_FLIGHT, default DefaultCompiledReadsInFlight) is how many
	// compiled statements one server runs at once; the others wait their turn in arrival order (0: no limit).
	CompiledReadsInFlight int

	Workers           bool          // WORKERS: run background jobs in serve (default true)
	JobTimeout        time.Duration // JOB_TIMEOUT: bound on one job (default 2m)
	JobRescueAfter    time.Duration // JOB_RESCUE_AFTER: a job looking stuck this long is retried elsewhere (default 5m)
	BenchmarkChunk    int           // BENCHMARK_CHUNK_SIZE: items per benchmark job (default 25)
	BenchmarkMaxFile  int64         // BENCHMARK_MAX_FILE_BYTES: largest uploaded dataset (default 10 MiB)
	EndpointAllowlist string        // ENDPOINT_ALLOWLIST: hosts, IPs or CIDRs of model servers that may be private
	RolloutTimeout    time.Duration // DEPLOYMENT_ROLLOUT_TIMEOUT: PROVISIONING longer than this fails (default 5m)
	HealthInterval    time.Duration // DEPLOYMENT_HEALTH_INTERVAL: how often ACTIVE deployments are checked (default 30s)
	Providers         providers.Config

	CatalogFile         string // CATALOG_FILE: a catalog JSON file replacing the embedded one
	ComplianceRulesFile string // COMPLIANCE_RULES_FILE: a rules JSON file replacing the embedded one

	// AllowedOrigins are the browser origins that may call /graphql and open websockets
	// (CORS_ALLOWED_ORIGINS, comma-separated; "*" any; "http://localhost:*" any port). Development default:
	// localhost and 127.0.0.1 on any port; production default: none but the server's own origin.
	AllowedOrigins      []string
	Limits              limits.Config // GRAPHQL_MAX_DEPTH, _COMPLEXITY, _ALIASES, _QUERY_BYTES
	MaxTokens           int           // GRAPHQL_MAX_TOKENS: parser token limit
	MaxBodyBytes        int64         // GRAPHQL_MAX_BODY_BYTES: request body cap (413 beyond)
	APQCacheSize        int           // APQ_CACHE_SIZE: automatic persisted queries kept
	WebsocketKeepAlive  time.Duration // WS_KEEPALIVE: server pings (default 15s)
	WebsocketRevalidate time.Duration // WS_REVALIDATE: how often a socket's token is checked again (default 30s)

	LoginMaxFailures int           // LOGIN_MAX_FAILURES per email, and 4× that per client address
	LoginWindow      time.Duration // LOGIN_WINDOW
	SignUpsPerWindow int           // SIGNUP_MAX_PER_ADDRESS: sign-ups per client address per LOGIN_WINDOW (default 20)

	// Connections (internal/netlimit and the HTTP server).
	ReadHeaderTimeout time.Duration // HTTP_READ_HEADER_TIMEOUT: a request's headers must arrive within (default 10s)
	BodyReadTimeout   time.Duration // HTTP_BODY_TIMEOUT: a request's body must arrive within (default 30s)
	WriteTimeout      time.Duration // HTTP_WRITE_TIMEOUT: a response must be written within; streams extend their own (default 60s)
	IdleTimeout       time.Duration // HTTP_IDLE_TIMEOUT: a keep-alive connection idle this long is closed (default 120s)
	MaxConnsPerClient int           // HTTP_MAX_CONNS_PER_CLIENT: open connections per client address (default 256; 0: no cap)
}

// DefaultStatementCache is DB_STATEMENT_CACHE's default: the API's hot queries are a few dozen, and
// PostgreSQL holds each prepared statement for the connection's life.
const DefaultStatementCache = 100

// DefaultCompiledReadsInFlight is COMPILED_READS_IN_FLIGHT's default, 4 per core the server may use: on the
// benchmark machine (2 cores, PostgreSQL beside the server) it kept the dashboard's requests/s and halved its
// p99 against no limit, where 2 per core cost a tenth of the requests/s (docs/guide/operations.md).
func DefaultCompiledReadsInFlight() int { return 4 * runtime.GOMAXPROCS(0) }

// Production reports whether APP_ENV is production.
func (c *Config) Production() bool { return c.Env == "production" }

// Load reads the environment, after loading .env (if present) without overriding variables already set.
func Load(log *slog.Logger) (*Config, error) {
	if err := godotenv.Load(); err != nil && !errors.Is(err, os.ErrNotExist) {
		return nil, fmt.Errorf("read .env: %w", err)
	}
	return FromEnv(os.Getenv, log)
}

// FromEnv builds a Config from getenv.
func FromEnv(getenv func(string) string, log *slog.Logger) (*Config, error) {
	e := env{get: getenv}
	c := &Config{
		Env:                 e.str("APP_ENV", "development"),
		MetricsAddr:         e.str("METRICS_ADDR", ""),
		DataDir:             e.str("DATA_DIR", "./data"),
		DatabaseURL:         e.str("DATABASE_URL", ""),
		AutoMigrate:         e.bool("MIGRATE_ON_START", true),
		DBMaxOpenConns:      e.int("DB_MAX_OPEN_CONNS", 0),
		DBMaxIdleConns:      e.int("DB_MAX_IDLE_CONNS", 0),
		DBConnMaxLife:       e.duration("DB_CONN_MAX_LIFETIME", 30*time.Minute),
		DBStatements:        e.int("DB_STATEMENT_CACHE", DefaultStatementCache),
		JWTExpiresIn:        e.duration("JWT_EXPIRES_IN", 7*24*time.Hour),
		JWTIssuer:           e.str("JWT_ISSUER", "model-architect"),
		JWTAudience:         e.str("JWT_AUDIENCE", "model-architect-api"),
		LogFormat:           e.str("LOG_FORMAT", "auto"),
		TrustProxy:          e.bool("TRUST_PROXY", false),
		DebugAddr:           e.str("DEBUG_ADDR", ""),
		ShutdownTimeout:     e.duration("SHUTDOWN_TIMEOUT", 20*time.Second),
		ShutdownDrainDelay:  e.duration("SHUTDOWN_DRAIN_DELAY", 0),
		CatalogFile:         e.str("CATALOG_FILE", ""),
		Workers:             e.bool("WORKERS", true),
		JobTimeout:          e.duration("JOB_TIMEOUT", 2*time.Minute),
		JobRescueAfter:      e.duration("JOB_RESCUE_AFTER", 5*time.Minute),
		BenchmarkChunk:      e.int("BENCHMARK_CHUNK_SIZE", 25),
		BenchmarkMaxFile:    int64(e.int("BENCHMARK_MAX_FILE_BYTES", 10<<20)),
		EndpointAllowlist:   e.str("ENDPOINT_ALLOWLIST", ""),
		RolloutTimeout:      e.duration("DEPLOYMENT_ROLLOUT_TIMEOUT", 5*time.Minute),
		HealthInterval:      e.duration("DEPLOYMENT_HEALTH_INTERVAL", 30*time.Second),
		ComplianceRulesFile: e.str("COMPLIANCE_RULES_FILE", ""),
		LoginMaxFailures:    e.int("LOGIN_MAX_FAILURES", 5),
		LoginWindow:         e.duration("LOGIN_WINDOW", 15*time.Minute),
	}
	c.Host, c.Port = e.address(c.Env)
	c.SignUpsPerWindow = e.int("SIGNUP_MAX_PER_ADDRESS", 20)
	c.ReadHeaderTimeout = e.duration("HTTP_READ_HEADER_TIMEOUT", 10*time.Second)
	c.BodyReadTimeout = e.duration("HTTP_BODY_TIMEOUT", 30*time.Second)
	c.WriteTimeout = e.duration("HTTP_WRITE_TIMEOUT", 60*time.Second)
	c.IdleTimeout = e.duration("HTTP_IDLE_TIMEOUT", 120*time.Second)
	c.MaxConnsPerClient = e.int("HTTP_MAX_CONNS_PER_CLIENT", 256)
	c.WebsocketKeepAlive = e.duration("WS_KEEPALIVE", 15*time.Second)
	c.WebsocketRevalidate = e.duration("WS_REVALIDATE", 30*time.Second)
	c.AllowedOrigins = httpx.ParseOrigins(e.str("CORS_ALLOWED_ORIGINS", ""))
	if len(c.AllowedOrigins) == 0 && !c.Production() {
		c.AllowedOrigins = httpx.DevelopmentOrigins
	}
	if _, err := httpx.NewCORS(httpx.CORSConfig{AllowedOrigins: c.AllowedOrigins}); err != nil {
		e.fail("CORS_ALLOWED_ORIGINS", err.Error())
	}
	c.Limits = limits.Config{
		MaxDepth:      e.int("GRAPHQL_MAX_DEPTH", limits.DefaultMaxDepth),
		MaxComplexity: e.int("GRAPHQL_MAX_COMPLEXITY", limits.DefaultMaxComplexity),
		MaxAliases:    e.int("GRAPHQL_MAX_ALIASES", limits.DefaultMaxAliases),
		MaxQueryBytes: e.int("GRAPHQL_MAX_QUERY_BYTES", limits.DefaultMaxQueryBytes),
	}
	c.MaxTokens = e.int("GRAPHQL_MAX_TOKENS", 15000)
	c.MaxBodyBytes = int64(e.int("GRAPHQL_MAX_BODY_BYTES", httpx.DefaultMaxBody))
	c.APQCacheSize = e.int("APQ_CACHE_SIZE", 1000)
	c.Playground = e.bool("GRAPHQL_PLAYGROUND", !c.Production())
	c.Introspection = e.bool("GRAPHQL_INTROSPECTION", !c.Production())
	switch c.CompiledReads = strings.ToLower(e.str("COMPILED_READS", "true")); c.CompiledReads {
	case "true", "false", "verify":
	default:
		e.fail("COMPILED_READS", "use true, false or verify")
	}
	if c.CompiledReadsInFlight = e.int("COMPILED_READS_IN_FLIGHT", DefaultCompiledReadsInFlight()); c.CompiledReadsInFlight < 0 {
		e.fail("COMPILED_READS_IN_FLIGHT", "must be 0 (no limit) or more")
	}
	if err := c.LogLevel.UnmarshalText([]byte(e.str("LOG_LEVEL", "info"))); err != nil {
		e.fail("LOG_LEVEL", "use debug, info, warn or error")
	}
	switch c.Env {
	case "development", "production", "test":
	default:
		e.fail("APP_ENV", "use development or production")
	}
	switch c.LogFormat {
	case "auto", "text", "json":
	default:
		e.fail("LOG_FORMAT", "use auto, text or json")
	}
	if c.DatabaseURL != "" && !strings.HasPrefix(c.DatabaseURL, "postgres://") && !strings.HasPrefix(c.DatabaseURL, "postgresql://") {
		e.fail("DATABASE_URL", "must start with postgres:// (leave it empty for SQLite under DATA_DIR)")
	}
	if c.JWTExpiresIn <= 0 {
		e.fail("JWT_EXPIRES_IN", "must be positive, e.g. 7d or 12h")
	}
	if c.MetricsAddr != "" {
		if _, _, err := net.SplitHostPort(c.MetricsAddr); err != nil {
			e.fail("METRICS_ADDR", "must be host:port, e.g. :9091 or 127.0.0.1:9091")
		}
	}
	if c.LoginMaxFailures < 1 {
		e.fail("LOGIN_MAX_FAILURES", "must be at least 1")
	}
	if c.JobRescueAfter <= c.JobTimeout {
		e.fail("JOB_RESCUE_AFTER", "must be longer than JOB_TIMEOUT")
	}
	if c.BenchmarkChunk < 1 {
		e.fail("BENCHMARK_CHUNK_SIZE", "must be at least 1")
	}
	for _, t := range []struct {
		name string
		d    time.Duration
	}{{"HTTP_READ_HEADER_TIMEOUT", c.ReadHeaderTimeout}, {"HTTP_BODY_TIMEOUT", c.BodyReadTimeout},
		{"HTTP_WRITE_TIMEOUT", c.WriteTimeout}, {"HTTP_IDLE_TIMEOUT", c.IdleTimeout}} {
		if t.d <= 0 {
			e.fail(t.name, "must be positive, e.g. 30s (a connection without it can be held open forever)")
		}
	}
	if c.MaxConnsPerClient < 0 {
		e.fail("HTTP_MAX_CONNS_PER_CLIENT", "must be 0 (no cap) or more")
	}
	pc, err := providers.ConfigFromEnv(getenv)
	if err != nil {
		e.errs = append(e.errs, err)
	}
	c.Providers = pc
	if err := errors.Join(e.errs...); err != nil {
		return nil, err
	}
	secret, err := jwtSecret(getenv("JWT_SECRET"), c, log)
	if err != nil {
		return nil, err
	}
	c.JWTSecret = secret
	return c, nil
}

// address reads HOST and PORT: HOST defaults to localhost outside production and to every interface in it.
func (e *env) address(appEnv string) (string, int) {
	def := "localhost"
	if appEnv == "production" {
		def = ""
	}
	host, port := e.str("HOST", def), e.int("PORT", 3001)
	if strings.ContainsAny(host, "[]/ ") || strings.Count(host, ":") == 1 {
		e.fail("HOST", "must be a host name or an IP address without a port, e.g. 127.0.0.1, 0.0.0.0 or ::1 (the port is PORT)")
	}
	if port < 0 || port > 65535 {
		e.fail("PORT", "must be a port number, 0-65535")
	}
	return host, port
}

// ListenAddr is the host:port serve listens on.
func (c *Config) ListenAddr() string { return net.JoinHostPort(c.Host, strconv.Itoa(c.Port)) }

// LocalURL is where a process on this machine reaches a server listening on host and port: the loopback
// address when host is every interface or localhost.
func LocalURL(host string, port int) string {
	switch host {
	case "", "0.0.0.0", "::", "localhost":
		host = "127.0.0.1"
	}
	return "http://" + net.JoinHostPort(host, strconv.Itoa(port))
}

// LoadAddress reads HOST and PORT as Load does (the environment, then .env), and nothing else of the
// configuration: `architect healthcheck` uses it to find the server it checks.
func LoadAddress() (host string, port int, err error) {
	if err := godotenv.Load(); err != nil && !errors.Is(err, os.ErrNotExist) {
		return "", 0, fmt.Errorf("read .env: %w", err)
	}
	e := env{get: os.Getenv}
	host, port = e.address(e.str("APP_ENV", "development"))
	return host, port, errors.Join(e.errs...)
}

// MinSecretLen is the shortest JWT_SECRET accepted in production: HS256 wants a key of at least its hash
// size, 32 bytes (RFC 7518 section 3.2).
const MinSecretLen = 32

func jwtSecret(s string, c *Config, log *slog.Logger) ([]byte, error) {
	switch {
	case len(s) >= MinSecretLen:
		return []byte(s), nil
	case c.Production() && s == "":
		return nil, errors.New("JWT_SECRET is not set: production needs a secret of at least 32 bytes (e.g. openssl rand -hex 32)")
	case c.Production():
		return nil, fmt.Errorf("JWT_SECRET is %d bytes: production needs at least %d", len(s), MinSecretLen)
	case s != "":
		log.Warn("JWT_SECRET is shorter than 32 bytes; production would refuse it")
		return []byte(s), nil
	}
	path := filepath.Join(c.DataDir, "jwt-secret")
	if b, err := os.ReadFile(path); err == nil && len(b) >= MinSecretLen {
		return b, nil
	}
	if err := os.MkdirAll(c.DataDir, 0o700); err != nil {
		return nil, fmt.Errorf("DATA_DIR %s: %w", c.DataDir, err)
	}
	raw := make([]byte, 32)
	if _, err := rand.Read(raw); err != nil {
		return nil, err
	}
	b := []byte(hex.EncodeToString(raw))
	if err := os.WriteFile(path, b, 0o600); err != nil {
		return nil, fmt.Errorf("keep generated JWT secret: %w", err)
	}
	log.Warn("JWT_SECRET is not set: generated one for development and kept it", "path", path)
	return b, nil
}

type env struct {
	get  func(string) string
	errs []error
}

func (e *env) fail(name, hint string) {
	e.errs = append(e.errs, fmt.Errorf("%s=%q: %s", name, e.get(name), hint))
}

func (e *env) str(name, def string) string {
	if v := strings.TrimSpace(e.get(name)); v != "" {
		return v
	}
	return def
}

func (e *env) int(name string, def int) int {
	v := e.str(name, "")
	if v == "" {
		return def
	}
	n, err := strconv.Atoi(v)
	if err != nil {
		e.fail(name, "must be a whole number")
	}
	return n
}

func (e *env) bool(name string, def bool) bool {
	v := e.str(name, "")
	if v == "" {
		return def
	}
	b, err := strconv.ParseBool(v)
	if err != nil {
		e.fail(name, "must be true or false")
	}
	return b
}

func (e *env) duration(name string, def time.Duration) time.Duration {
	v := e.str(name, "")
	if v == "" {
		return def
	}
	d, err := ParseDuration(v)
	if err != nil {
		e.fail(name, "must be a duration such as 7d, 12h or 90s")
	}
	return d
}

// ParseDuration accepts Go durations (90s, 12h) and whole days (7d), as the original brief wrote them.
func ParseDuration(s string) (time.Duration, error) {
	if days, ok := strings.CutSuffix(s, "d"); ok {
		n, err := strconv.Atoi(days)
		if err != nil {
			return 0, err
		}
		return time.Duration(n) * 24 * time.Hour, nil
	}
	return time.ParseDuration(s)
}
