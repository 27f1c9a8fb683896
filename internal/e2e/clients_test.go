package e2e

import (
	"bytes"
	"context"
	"encoding/json"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/modelarchitect/architect/internal/testutil"
)

// Origins of the front-end pages in the clients test: the one CORS_ALLOWED_ORIGINS names, and another.
const (
	appOrigin   = "https://studio.example.com"
	otherOrigin = "https://evil.example"
)

// apolloAccept is the Accept header of Apollo Client 4's HttpLink.
const apolloAccept = "application/graphql-response+json,application/json;q=0.9"

// clientReport is what testdata/clients/run.mjs prints.
type clientReport struct {
	Apollo clientRun `json:"apollo"`
	URQL   clientRun `json:"urql"`
}

type clientRun struct {
	Email string `json:"email"`
	Pages []struct {
		Names       []string `json:"names"`
		HasNextPage bool     `json:"hasNextPage"`
		TotalCount  int      `json:"totalCount"`
	} `json:"pages"`
	Statuses  []string   `json:"statuses"`
	Refused   string     `json:"refused"`
	Exchanges []exchange `json:"exchanges"`
}

// exchange is one HTTP request a client made, as the page's fetch saw it.
type exchange struct {
	Client        string   `json:"client"`
	Method        string   `json:"method"`
	Accept        string   `json:"accept"`
	OperationName string   `json:"operationName"`
	HasQuery      bool     `json:"hasQuery"`
	Hash          string   `json:"hash"`
	Preflight     int      `json:"preflight"`
	Status        int      `json:"status"`
	ContentType   string   `json:"contentType"`
	Data          bool     `json:"data"`
	Errors        []string `json:"errors"`
	Refused       string   `json:"refused"`
}

// TestFrontEndClients runs Apollo Client 4 and urql 6, installed from npm (testdata/clients, versions pinned
// by its lock file), against a fresh server from a page of another origin, as a browser would: with the
// Origin header, CORS preflights, and the answers a browser would refuse refused. Each signs up, creates five
// scenarios, pages through them two at a time with after: endCursor, and watches a benchmark over graphql-ws
// until it is cancelled; Apollo goes through its persisted-query link (SHA-256, GET for hashed queries).
func TestFrontEndClients(t *testing.T) {
	t.Parallel()
	if testing.Short() {
		t.Skip("installs npm packages and runs node")
	}
	dir, nodeArgs := installClients(t)
	s := testutil.NewServer(t, testutil.SQLite, testutil.ServerOptions{Env: map[string]string{"CORS_ALLOWED_ORIGINS": appOrigin}})

	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
	defer cancel()
	cmd := exec.CommandContext(ctx, "node", append(nodeArgs, "run.mjs")...)
	cmd.Dir = dir
	cmd.Env = append(os.Environ(), "API_URL="+s.URL, "ORIGIN="+appOrigin, "OTHER_ORIGIN="+otherOrigin)
	var stdout, stderr bytes.Buffer
	cmd.Stdout, cmd.Stderr = &stdout, &stderr
	require.NoError(t, cmd.Run(), "node run.mjs:\n%s", stderr.String())
	var report clientReport
	require.NoError(t, json.Unmarshal(stdout.Bytes(), &report), "output: %s", stdout.String())

	for _, run := range []struct {
		name string
		clientRun
	}{{"apollo", report.Apollo}, {"urql", report.URQL}} {
		t.Run(run.name+": signs up, pages with the defaults, subscribes", func(t *testing.T) {
			require.Equal(t, run.name+"@example.com", run.Email)
			require.Len(t, run.Pages, 3)
			for i, want := range [][]string{{"-0", "-1"}, {"-2", "-3"}, {"-4"}} {
				for j := range want {
					want[j] = run.name + want[j]
				}
				require.Equal(t, want, run.Pages[i].Names, "page %d", i+1)
				require.Equal(t, i < 2, run.Pages[i].HasNextPage, "page %d", i+1)
				require.Equal(t, 5, run.Pages[i].TotalCount)
			}
			require.Equal(t, []string{"PENDING", "CANCELLED"}, run.Statuses, "the current state at once, then the change, then completion")
			require.NotEmpty(t, run.Exchanges)
			for _, e := range run.Exchanges {
				if e.Refused != "" {
					continue // the page of the other origin, below
				}
				require.Equal(t, 204, e.Preflight, "%+v: a JSON body or a bearer token makes the browser ask first", e)
				require.Equal(t, 200, e.Status, "%+v", e)
				if !(run.name == "apollo" && e.Hash != "" && !e.HasQuery) { // persisted-query misses checked below
					require.True(t, e.Data, "%+v", e)
					require.Empty(t, e.Errors, "%+v", e)
				}
			}
		})
	}

	t.Run("apollo: persisted queries miss, register, then hit", func(t *testing.T) {
		byOperation := map[string][]exchange{}
		var order []string
		for _, e := range report.Apollo.Exchanges {
			if e.Refused != "" {
				continue
			}
			require.Equal(t, apolloAccept, e.Accept)
			require.True(t, strings.HasPrefix(e.ContentType, "application/graphql-response+json"), e.ContentType)
			if _, seen := byOperation[e.OperationName]; !seen {
				order = append(order, e.OperationName)
			}
			byOperation[e.OperationName] = append(byOperation[e.OperationName], e)
		}
		require.Equal(t, []string{"SignUp", "CreateScenario", "Scenarios", "CreateBenchmark", "CancelBenchmark"}, order)
		for name, ex := range byOperation {
			require.GreaterOrEqual(t, len(ex), 2, name)
			miss, register := ex[0], ex[1]
			require.NotEmpty(t, miss.Hash, name)
			require.False(t, miss.HasQuery, "%s: the hash alone first", name)
			require.False(t, miss.Data, name)
			require.Equal(t, []string{"PERSISTED_QUERY_NOT_FOUND"}, miss.Errors, name)
			require.True(t, register.HasQuery, "%s: then hash and query", name)
			require.Equal(t, miss.Hash, register.Hash, name)
			require.Equal(t, "POST", register.Method, name)
			require.True(t, register.Data, name)
			for _, hit := range ex[2:] {
				require.Equal(t, miss.Hash, hit.Hash, name)
				require.False(t, hit.HasQuery, "%s: later the hash alone", name)
				require.True(t, hit.Data, "%s: and it hits", name)
			}
		}
		scenarios := byOperation["Scenarios"]
		require.Len(t, scenarios, 4, "a miss, the registration, then the second and third pages by hash")
		require.Equal(t, []string{"GET", "POST", "GET", "GET"}, []string{scenarios[0].Method, scenarios[1].Method, scenarios[2].Method, scenarios[3].Method},
			"useGETForHashedQueries: hashed queries by GET, the registration by POST")
		require.Len(t, byOperation["CreateScenario"], 6, "five mutations: the first misses and registers, the others hit")
	})

	t.Run("apollo: a page of another origin is refused", func(t *testing.T) {
		require.Contains(t, report.Apollo.Refused, "CORS preflight")
		last := report.Apollo.Exchanges[len(report.Apollo.Exchanges)-1]
		require.Equal(t, "preflight", last.Refused)
		require.Equal(t, 403, last.Preflight)
	})

	t.Run("urql: queries by GET, mutations by POST", func(t *testing.T) {
		for _, e := range report.URQL.Exchanges {
			require.True(t, e.HasQuery, "%+v", e)
			if e.OperationName == "Scenarios" {
				require.Equal(t, "GET", e.Method, "urql sends queries within the URL limit by GET")
				require.True(t, strings.HasPrefix(e.ContentType, "application/graphql-response+json"), e.ContentType)
			} else {
				require.Equal(t, "POST", e.Method, e.OperationName)
			}
		}
	})

	n, err := s.DB.Client.Scenario.Query().Count(testutil.System())
	require.NoError(t, err)
	require.Equal(t, 10, n, "five scenarios from each client")
	if log := s.Log.String(); strings.Contains(log, "panic") {
		t.Errorf("what the clients sent made the server panic: %.400s…", log[strings.Index(log, "panic"):])
	}
}

// installClients installs testdata/clients (installNPM) and returns its directory and the node flags the
// script needs. It skips the test with a Node older than 20.10 (no WebSocket).
func installClients(t *testing.T) (string, []string) {
	t.Helper()
	modules := installNPM(t, "clients")
	// Node 22 has WebSocket; Node 20 behind a flag.
	var args []string
	if exec.Command("node", "-e", "process.exit(typeof WebSocket === 'function' ? 0 : 1)").Run() != nil {
		args = []string{"--experimental-websocket"}
		if exec.Command("node", append(args, "-e", "process.exit(typeof WebSocket === 'function' ? 0 : 1)")...).Run() != nil {
			t.Skip("the front-end clients test needs Node 20.10 or later (a WebSocket for graphql-ws)")
		}
	}
	return filepath.Dir(modules), args
}

// installNPM runs npm ci in testdata/<name> when its lock file is newer than the installed tree, and returns
// the path of its node_modules. It skips the test without node and npm.
func installNPM(t *testing.T, name string) string {
	t.Helper()
	for _, tool := range []string{"node", "npm"} {
		if _, err := exec.LookPath(tool); err != nil {
			t.Skipf("this test needs %s (Node 20.10 or later; Debian: apt-get install nodejs npm): %v", tool, err)
		}
	}
	dir, err := filepath.Abs(filepath.Join("testdata", name))
	require.NoError(t, err)
	modules := filepath.Join(dir, "node_modules")
	lock, err := os.Stat(filepath.Join(dir, "package-lock.json"))
	require.NoError(t, err)
	if installed, err := os.Stat(filepath.Join(modules, ".package-lock.json")); err == nil && installed.ModTime().After(lock.ModTime()) {
		return modules
	}
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Minute)
	defer cancel()
	cmd := exec.CommandContext(ctx, "npm", "ci", "--no-audit", "--no-fund")
	cmd.Dir = dir
	out, err := cmd.CombinedOutput()
	require.NoError(t, err, "npm ci in %s: %s", dir, out)
	return modules
}
