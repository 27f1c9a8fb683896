package testutil

import (
	"bytes"
	"context"
	"encoding/json"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"
	"time"

	"entgo.io/ent/privacy"
	"github.com/stretchr/testify/require"

	"github.com/modelarchitect/architect/internal/app"
	"github.com/modelarchitect/architect/internal/auth"
	"github.com/modelarchitect/architect/internal/config"
	"github.com/modelarchitect/architect/internal/database"
	"github.com/modelarchitect/architect/internal/gid"
	"github.com/modelarchitect/architect/internal/viewer"
	"github.com/modelarchitect/architect/internal/workers"
)

// TestSecret signs the tokens of test servers.
const TestSecret = "test-secret-test-secret-test-secret-0123"

// FastArgon2 keeps argon2id but with small costs, so that tests that sign up many users stay fast.
var FastArgon2 = auth.Argon2Params{MemoryKiB: 1024, Time: 1, Threads: 1}

// Server is a running API server for one test.
type Server struct {
	URL string
	App *app.App
	DB  *database.DB
	Log *SyncBuffer // everything the server logged
}

// ServerOptions adjust a test server.
type ServerOptions struct {
	Env    map[string]string // extra environment, e.g. LOGIN_MAX_FAILURES
	DB     *database.DB      // use this database instead of a fresh one
	Argon2 *auth.Argon2Params
	Deps   func(*workers.Deps) // adjust the workers' settings
	// Pause is called by every read-then-write operation between its read and its write (ops.Service.Pause).
	Pause func(ctx context.Context, op string)
}

// NewServer starts the real handler on a fresh database of kind b behind an httptest.Server.
func NewServer(t testing.TB, b Backend, o ...ServerOptions) *Server {
	t.Helper()
	var opt ServerOptions
	if len(o) > 0 {
		opt = o[0]
	}
	env := map[string]string{"JWT_SECRET": TestSecret, "APP_ENV": "test", "DATA_DIR": t.TempDir(),
		"COMPILED_READS": "verify", // on PostgreSQL every compiled read is checked against the resolvers
		"JOB_TIMEOUT":    "20s", "JOB_RESCUE_AFTER": "30s", "ENDPOINT_ALLOWLIST": "models.example.com,m.example.com",
		"OPENAI_API_KEY": "sk-test", "GEMINI_API_KEY": "gm-test",
		"SIGNUP_MAX_PER_ADDRESS": "100000"} // tests sign many users up from 127.0.0.1
	for k, v := range opt.Env {
		env[k] = v
	}
	logs := &SyncBuffer{}
	log := slog.New(slog.NewJSONHandler(logs, &slog.HandlerOptions{Level: slog.LevelDebug}))
	cfg, err := config.FromEnv(func(k string) string { return env[k] }, log)
	require.NoError(t, err)
	db := opt.DB
	if db == nil {
		db = NewDB(t, b)
	}
	cfg.AutoMigrate = false
	argon := FastArgon2
	if opt.Argon2 != nil {
		argon = *opt.Argon2
	}
	a, err := app.New(context.Background(), cfg, log, app.Options{DB: db, Argon2: argon, JobsTestOnly: true, Deps: opt.Deps, Pause: opt.Pause})
	require.NoError(t, err)
	require.NoError(t, a.Start(context.Background()))
	hs := httptest.NewServer(a.Handler)
	t.Cleanup(func() {
		hs.Close()
		ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
		defer cancel()
		_ = a.Jobs.Stop(ctx)
		_ = a.Events.Close()
		if t.Failed() {
			t.Logf("server log:\n%s", logs.String())
		}
	})
	return &Server{URL: hs.URL, App: a, DB: db, Log: logs}
}

// Replicas starts one server per options on one fresh database of kind b, each with its own connection
// pool (and, on PostgreSQL, its own LISTEN connection), as replicas of one installation run.
func Replicas(t testing.TB, b Backend, opts ...ServerOptions) []*Server {
	t.Helper()
	first := NewDB(t, b)
	out := make([]*Server, len(opts))
	for i, o := range opts {
		db := first
		if i > 0 {
			var err error
			db, err = first.Reopen()
			require.NoError(t, err)
			t.Cleanup(func() { _ = db.Close() })
		}
		o.DB = db
		out[i] = NewServer(t, b, o)
	}
	return out
}

// System returns a context in which the privacy rules allow everything (for arranging test data).
func System() context.Context {
	return privacy.DecisionContext(context.Background(), privacy.Allow)
}

// As returns a context with the given viewer, for calling the ent client directly.
func As(id int, role viewer.Role) context.Context {
	return viewer.NewContext(context.Background(), &viewer.Viewer{ID: id, Role: role})
}

// User is a signed-up user of a test server.
type User struct {
	ID    string // GraphQL id
	RowID int
	Email string
	Token string
}

// SignUp creates a user through the API and, for a role above FREE, sets it directly in the database
// (and signs in again, because a role change revokes earlier tokens).
func (s *Server) SignUp(t testing.TB, email string, role viewer.Role) *User {
	t.Helper()
	var out struct {
		SignUp struct {
			Token string
			User  struct{ ID string }
		}
	}
	s.Client("").MustDo(t, `mutation($e: String!) { signUp(input: {email: $e, password: "password-123", name: "Test"}) { token user { id } } }`,
		map[string]any{"e": email}, &out)
	u := &User{ID: out.SignUp.User.ID, Email: strings.ToLower(email), Token: out.SignUp.Token}
	var err error
	u.RowID, err = gid.Decode(u.ID)
	require.NoError(t, err)
	if role != viewer.RoleFree {
		require.NoError(t, s.DB.Client.User.UpdateOneID(u.RowID).SetRole(role).Exec(System()))
		var li struct{ LogIn struct{ Token string } }
		s.Client("").MustDo(t, `mutation($e: String!) { logIn(input: {email: $e, password: "password-123"}) { token } }`,
			map[string]any{"e": email}, &li)
		u.Token = li.LogIn.Token
	}
	return u
}

// Client returns a GraphQL client sending token (none when empty).
func (s *Server) Client(token string) *Client {
	return &Client{URL: s.URL + "/graphql", Token: token, HTTP: &http.Client{Timeout: 30 * time.Second}}
}

// Client posts GraphQL requests.
type Client struct {
	URL   string
	Token string
	HTTP  *http.Client
}

// Response is a GraphQL response.
type Response struct {
	Data   json.RawMessage `json:"data"`
	Errors []Error         `json:"errors"`
	Status int             `json:"-"`
}

// Error is one GraphQL error.
type Error struct {
	Message    string         `json:"message"`
	Path       []any          `json:"path"`
	Extensions map[string]any `json:"extensions"`
}

// Code is the error's extensions.code.
func (e Error) Code() string { s, _ := e.Extensions["code"].(string); return s }

// Do sends a query and returns the response.
func (c *Client) Do(t testing.TB, query string, vars map[string]any) *Response {
	t.Helper()
	body, err := json.Marshal(map[string]any{"query": query, "variables": vars})
	require.NoError(t, err)
	req, err := http.NewRequest(http.MethodPost, c.URL, bytes.NewReader(body))
	require.NoError(t, err)
	req.Header.Set("Content-Type", "application/json")
	if c.Token != "" {
		req.Header.Set("Authorization", "Bearer "+c.Token)
	}
	res, err := c.HTTP.Do(req)
	require.NoError(t, err)
	defer res.Body.Close()
	raw, err := io.ReadAll(res.Body)
	require.NoError(t, err)
	var r Response
	require.NoError(t, json.Unmarshal(raw, &r), "response: %s", raw)
	r.Status = res.StatusCode
	return &r
}

// MustDo sends a query, requires that it has no errors, and decodes data into out (when not nil).
func (c *Client) MustDo(t testing.TB, query string, vars map[string]any, out any) {
	t.Helper()
	r := c.Do(t, query, vars)
	require.Empty(t, r.Errors, "query %s", query)
	if out != nil {
		require.NoError(t, json.Unmarshal(r.Data, out))
	}
}

// ErrorCode sends a query, requires exactly one error and returns it.
func (c *Client) Err(t testing.TB, query string, vars map[string]any) Error {
	t.Helper()
	r := c.Do(t, query, vars)
	require.Len(t, r.Errors, 1, "query %s: data %s", query, r.Data)
	return r.Errors[0]
}

// SyncBuffer collects what a server logs; safe for concurrent writes.
type SyncBuffer struct {
	mu  sync.Mutex
	buf bytes.Buffer
}

func (b *SyncBuffer) Write(p []byte) (int, error) {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.Write(p)
}

// String returns everything written so far.
func (b *SyncBuffer) String() string {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.String()
}
