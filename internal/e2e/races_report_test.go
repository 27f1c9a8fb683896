package e2e

// TestRaceReport measures (it does not assert) seven concurrency races of read-then-write operations on
// PostgreSQL, numbered 1 to 7 below (parallel starts, the quota across replicas, concurrent partial updates,
// append inputs, an update racing a start, progress, events of deletions), with two in-process replicas of
// the real handler on one fresh database and real parallel HTTP/websocket clients, everything on 127.0.0.1.
// It is a "before/after" script: run it on the code before and after a fix and compare the figures it prints
// (and writes as JSON to $RACE_REPORT_OUT).
//
//	RACE_REPORT=1 TEST_DATABASE_URL='postgres://postgres@127.0.0.1:5432/test?sslmode=disable' \
//	  RACE_REPORT_OUT=/tmp/races.json go test -count=1 -run TestRaceReport -v ./internal/e2e/ -timeout 20m
//
// It speaks only the GraphQL API, except that it reads river_job (to count chunk jobs) and sets the
// workers' progress interval (measurement 6) through testutil.ServerOptions.Deps.

import (
	"bytes"
	"encoding/json"
	"fmt"
	"net/http"
	"net/http/httptest"
	"os"
	"sort"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/gorilla/websocket"

	"github.com/modelarchitect/architect/internal/database"
	"github.com/modelarchitect/architect/internal/gid"
	"github.com/modelarchitect/architect/internal/providers/providertest"
	"github.com/modelarchitect/architect/internal/testutil"
	"github.com/modelarchitect/architect/internal/viewer"
	"github.com/modelarchitect/architect/internal/workers"
)

// Subscription documents. Measurement 7 selects only __typename so that the documents stay valid if
// myBenchmarkEvents/myDeploymentEvents (or the single-row streams) change from the row type to a wrapper
// type; edit them here if the schema changes further. The raw payloads are recorded in the report.
const (
	rrSubDeploymentUpdated  = `subscription($id: ID!) { deploymentUpdated(id: $id) { __typename } }`
	rrSubMyDeploymentEvents = `subscription { myDeploymentEvents { __typename } }`
	rrSubBenchmarkUpdated   = `subscription($id: ID!) { benchmarkUpdated(id: $id) { __typename } }`
	rrSubMyBenchmarkEvents  = `subscription { myBenchmarkEvents { __typename } }`

	// Measurement 6.
	rrSubBenchmarkProgress = `subscription($id: ID!) { benchmarkUpdated(id: $id) { status progressDone progressTotal } }`
)

const (
	rrStartTrials      = 5
	rrStartParallel    = 20
	rrQuotaBenchmarks  = 10
	rrComplianceTrials = 10
	rrUpdateTrials     = 10
	rrEventWindow      = 2 * time.Second
	rrSlowChunkDelay   = 3 * time.Millisecond // measurement 6: two fragments per reply, so about 6 ms a call
	rrPassword         = "password-123"       // testutil.SignUp's
)

// ---------------------------------------------------------------------------------------------------------
// The report.

type rrReport struct {
	StartedAt      time.Time                  `json:"startedAt"`
	StartBenchmark []*rrStartTrial            `json:"startBenchmark"`
	Quota          *rrQuota                   `json:"quota"`
	Compliance     *rrCompliance              `json:"compliance"`
	Append         map[string]*rrAppend       `json:"append"` // backend → lists stored
	UpdateVsStart  []*rrUpdateTrial           `json:"updateVsStart"`
	Progress       *rrProgress                `json:"progress"`
	DeleteEvents   []*rrDeleteCase            `json:"deleteEvents"`
	Failed         map[string]string          `json:"failed,omitempty"` // item → why it could not finish
	Notes          map[string]json.RawMessage `json:"notes,omitempty"`
}

type rrStartTrial struct {
	Trial           int            `json:"trial"`
	Succeeded       int            `json:"succeeded"`
	Errors          map[string]int `json:"errors"` // error code → count
	ChunkJobs       int            `json:"chunkJobs"`
	ChunkJobsOpen   int            `json:"chunkJobsOpen"` // not completed/cancelled/discarded when counted
	ModelCalls      int            `json:"modelCalls"`
	PlannedCalls    int            `json:"plannedCalls"`
	FinalStatus     string         `json:"finalStatus"`
	ProgressDone    int            `json:"progressDone"`
	ProgressTotal   int            `json:"progressTotal"`
	ExpectedJobs    int            `json:"expectedJobs"`
	FinishedInTime  bool           `json:"finishedInTime"`
	FirstErrMessage string         `json:"firstErrorMessage,omitempty"`
}

type rrQuota struct {
	DailyQuota           int            `json:"dailyQuota"`
	CallsPerBenchmark    int            `json:"callsPerBenchmark"`
	Benchmarks           int            `json:"benchmarks"`
	Accepted             int            `json:"accepted"`
	Errors               map[string]int `json:"errors"`
	ReservedCalls        int            `json:"reservedCalls"` // Σ progressTotal of RUNNING or finished ones
	StatusesAfterStart   map[string]int `json:"statusesAfterStart"`
	StatusesAfterRun     map[string]int `json:"statusesAfterRun"`
	ModelCallsMade       int            `json:"modelCallsMade"`
	Deleted              int            `json:"deleted"`
	NewStartAfterDelete  string         `json:"newStartAfterDelete"` // "accepted" or the error code
	NewStartMessage      string         `json:"newStartMessage,omitempty"`
	FirstRefusalMessage  string         `json:"firstRefusalMessage,omitempty"`
	AllFinishedInTime    bool           `json:"allFinishedInTime"`
	NewStartModelCalls   int            `json:"newStartModelCalls"`
	NewStartFinalStatus  string         `json:"newStartFinalStatus,omitempty"`
	NewStartProgressDone int            `json:"newStartProgressDone,omitempty"`
}

type rrCompliance struct {
	Trials      int                 `json:"trials"`
	Mismatched  int                 `json:"mismatched"`
	BothApplied int                 `json:"bothApplied"` // stored requirements and context are both the new ones
	Errors      map[string]int      `json:"errors"`
	Combos      map[string]string   `json:"combos"` // score of each (requirements, context) combination
	Details     []rrComplianceTrial `json:"details"`
}

type rrComplianceTrial struct {
	Trial      int    `json:"trial"`
	Stored     string `json:"stored"`     // score level
	Recomputed string `json:"recomputed"` // score level
	Mismatch   bool   `json:"mismatch"`
}

type rrAppend struct {
	AppendOnly        string `json:"appendRequirementsOnly"`          // [GDPR] + appendRequirements:[HIPAA]
	ReplaceAndAppend  string `json:"requirementsAndAppend"`           // {requirements:[GDPR], appendRequirements:[HIPAA]}
	ExperimentModels  string `json:"experimentModelsAndAppendModels"` // {models:[a,b], appendModels:[c]}
	ExperimentAppends string `json:"experimentAppendModelsOnly"`      // [a,b] + appendModels:[c]
}

type rrUpdateTrial struct {
	Trial          int    `json:"trial"`
	StartResult    string `json:"start"`  // "ok" or error code
	UpdateResult   string `json:"update"` // "ok" or error code
	Status         string `json:"status"`
	ProgressDone   int    `json:"progressDone"`
	ProgressTotal  int    `json:"progressTotal"`
	Models         int    `json:"models"`
	DatasetLen     int    `json:"datasetLen"`
	CallsOldItems  int    `json:"callsOldDataset"`
	CallsNewItems  int    `json:"callsNewDataset"`
	FinishedInTime bool   `json:"finishedInTime"`
	Inconsistent   bool   `json:"inconsistent"`
	Why            string `json:"why,omitempty"`
}

type rrProgress struct {
	Models        int      `json:"models"`
	Items         int      `json:"items"`
	ChunkSize     int      `json:"chunkSize"`
	Events        int      `json:"events"`
	Decreases     int      `json:"decreases"`
	Drops         []string `json:"drops,omitempty"` // first few "a→b"
	FinalStatus   string   `json:"finalStatus"`
	Completed     bool     `json:"completed"` // the stream completed
	LastDone      int      `json:"lastProgressDone"`
	ProgressTotal int      `json:"progressTotal"`
}

type rrDeleteCase struct {
	Case          string                   `json:"case"`
	ControlOK     bool                     `json:"controlOK"`
	MutationOK    bool                     `json:"mutationOK"`
	MutationError string                   `json:"mutationError,omitempty"`
	Subscriptions map[string]*rrSubOutcome `json:"subscriptions"`
}

type rrSubOutcome struct {
	Query           string `json:"query"`
	EventsBefore    int    `json:"eventsBefore"`            // before the control mutation (initial state etc.)
	ControlEvents   int    `json:"controlEvents"`           // after a non-delete change of the same rows: shows the stream works
	EventsAfter     int    `json:"eventsAfterWithinWindow"` // "next" messages within the window after the delete
	Completed       bool   `json:"completed"`               // "complete" within the window
	ErrorMessage    string `json:"error,omitempty"`         // "error" message within the window
	FirstPayload    string `json:"firstPayloadAfter,omitempty"`
	SocketClosed    string `json:"socketClosed,omitempty"`
	EndedOnNotFound bool   `json:"endedOnNotFound"`
}

// ---------------------------------------------------------------------------------------------------------

func TestRaceReport(t *testing.T) {
	if os.Getenv("RACE_REPORT") != "1" || testutil.PostgresURL() == "" {
		t.Skip("measurement only: set RACE_REPORT=1 and TEST_DATABASE_URL")
	}
	rep := &rrReport{StartedAt: time.Now().UTC(), Append: map[string]*rrAppend{}, Failed: map[string]string{},
		Notes: map[string]json.RawMessage{}}
	fake := rrNewFake(t)

	run := func(name string, f func(t *testing.T)) {
		ok := t.Run(name, f)
		if !ok {
			if _, set := rep.Failed[name]; !set {
				rep.Failed[name] = "subtest failed (see its log)"
			}
		}
	}
	run("1_startBenchmark", func(t *testing.T) { rrMeasureStart(t, fake, rep) })
	run("2_quota", func(t *testing.T) { rep.Quota = &rrQuota{}; rrMeasureQuota(t, fake, rep.Quota) })
	run("3_compliance", func(t *testing.T) { rep.Compliance = &rrCompliance{}; rrMeasureCompliance(t, fake, rep.Compliance) })
	run("4_append", func(t *testing.T) { rrMeasureAppend(t, fake, rep) })
	run("5_updateVsStart", func(t *testing.T) { rrMeasureUpdateVsStart(t, fake, rep) })
	run("6_progress", func(t *testing.T) { rep.Progress = &rrProgress{}; rrMeasureProgress(t, fake, rep.Progress) })
	run("7_deleteEvents", func(t *testing.T) { rrMeasureDeleteEvents(t, fake, rep) })

	rrPrint(t, rep)
	if out := os.Getenv("RACE_REPORT_OUT"); out != "" {
		b, _ := json.MarshalIndent(rep, "", "  ")
		if err := os.WriteFile(out, b, 0o644); err != nil {
			t.Logf("write %s: %v", out, err)
		} else {
			t.Logf("JSON summary written to %s", out)
		}
	}
}

// ---------------------------------------------------------------------------------------------------------
// Infrastructure: a fake OpenAI counting calls per tag, replica pairs, a GraphQL client that never fails the
// test from a goroutine, websocket logs.

// rrFake is a fake OpenAI API. Every dataset input starts with a tag ("start3 What is 1+1?"); calls are
// counted per tag; tags starting with "slow" are answered slowly.
type rrFake struct {
	srv   *providertest.Server
	mu    sync.Mutex
	byTag map[string]int
}

func rrNewFake(t *testing.T) *rrFake {
	f := &rrFake{byTag: map[string]int{}}
	f.srv = providertest.NewOpenAI(t, "sk-test", func(r providertest.Request) providertest.Reply {
		tag, _, _ := strings.Cut(r.Prompt, " ")
		f.mu.Lock()
		f.byTag[tag]++
		f.mu.Unlock()
		var delay time.Duration
		if strings.HasPrefix(tag, "slow") {
			delay = rrSlowChunkDelay
		}
		return providertest.Reply{Chunks: []string{"The answer", " is 42"}, ChunkDelay: delay,
			Usage: &providertest.Usage{Input: 12, Output: 6}}
	})
	return f
}

func (f *rrFake) count(tag string) int {
	f.mu.Lock()
	defer f.mu.Unlock()
	return f.byTag[tag]
}

func (f *rrFake) env(extra map[string]string) map[string]string {
	env := map[string]string{"OPENAI_BASE_URL": f.srv.BaseURL, "OPENAI_API_KEY": "sk-test", "ENDPOINT_ALLOWLIST": "127.0.0.1"}
	for k, v := range extra {
		env[k] = v
	}
	return env
}

// rrPair is two replicas of the handler on one PostgreSQL database.
type rrPair struct {
	a, b *testutil.Server
	db   *database.DB
}

// at alternates between the replicas.
func (p *rrPair) at(i int) *testutil.Server {
	if i%2 == 0 {
		return p.a
	}
	return p.b
}

// rrNewPair starts two replicas on a fresh PostgreSQL database. The pool has PostgreSQL's server default of
// 20 connections (testutil's 4 would serialise much of what is measured here).
func rrNewPair(t *testing.T, env map[string]string, deps func(*workers.Deps)) *rrPair {
	t.Helper()
	db := testutil.NewDB(t, testutil.Postgres, testutil.DBOptions{Wrap: func(o database.Options) database.Options {
		o.MaxOpenConns = 20
		return o
	}})
	db2, err := db.Reopen() // each replica its own pool, hooks and broker, as two processes would have
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = db2.Close() })
	return &rrPair{a: testutil.NewServer(t, testutil.Postgres, testutil.ServerOptions{DB: db, Env: env, Deps: deps}),
		b: testutil.NewServer(t, testutil.Postgres, testutil.ServerOptions{DB: db2, Env: env, Deps: deps}), db: db}
}

var rrHTTP = &http.Client{Timeout: 90 * time.Second, Transport: &http.Transport{MaxIdleConnsPerHost: 64}}

type rrResult struct {
	Data   json.RawMessage
	Errors []testutil.Error
	Err    error // transport or decoding
}

// code is "" on success, else the first error's extensions.code (TRANSPORT for a transport error).
func (r rrResult) code() string {
	switch {
	case r.Err != nil:
		return "TRANSPORT"
	case len(r.Errors) == 0:
		return ""
	case r.Errors[0].Code() == "":
		return "NO_CODE"
	}
	return r.Errors[0].Code()
}

func (r rrResult) message() string {
	if r.Err != nil {
		return r.Err.Error()
	}
	if len(r.Errors) > 0 {
		return r.Errors[0].Message
	}
	return ""
}

func (r rrResult) outcome() string {
	if c := r.code(); c != "" {
		return c
	}
	return "ok"
}

// rrDo posts a GraphQL request; safe from any goroutine.
func rrDo(s *testutil.Server, token, query string, vars map[string]any) rrResult {
	body, err := json.Marshal(map[string]any{"query": query, "variables": vars})
	if err != nil {
		return rrResult{Err: err}
	}
	req, err := http.NewRequest(http.MethodPost, s.URL+"/graphql", bytes.NewReader(body))
	if err != nil {
		return rrResult{Err: err}
	}
	req.Header.Set("Content-Type", "application/json")
	if token != "" {
		req.Header.Set("Authorization", "Bearer "+token)
	}
	res, err := rrHTTP.Do(req)
	if err != nil {
		return rrResult{Err: err}
	}
	defer res.Body.Close()
	var r rrResult
	if err := json.NewDecoder(res.Body).Decode(&r); err != nil {
		return rrResult{Err: fmt.Errorf("status %d: %w", res.StatusCode, err)}
	}
	return r
}

// rrMust posts a request from the test goroutine and stops the subtest if it fails.
func rrMust(t *testing.T, s *testutil.Server, token, query string, vars map[string]any, out any) {
	t.Helper()
	r := rrDo(s, token, query, vars)
	if r.code() != "" {
		t.Fatalf("%s: %s %s", rrShort(query, 80), r.code(), r.message())
	}
	if out != nil {
		if err := json.Unmarshal(r.Data, out); err != nil {
			t.Fatalf("decode %s: %v", r.Data, err)
		}
	}
}

// rrParallel runs f(0..n-1) in n goroutines released together.
func rrParallel(n int, f func(i int)) {
	var wg sync.WaitGroup
	start := make(chan struct{})
	for i := range n {
		wg.Add(1)
		go func() {
			defer wg.Done()
			<-start
			f(i)
		}()
	}
	close(start)
	wg.Wait()
}

func rrShort(s string, n int) string {
	s = strings.Join(strings.Fields(s), " ")
	if len(s) > n {
		return s[:n] + "…"
	}
	return s
}

// rrDataset is n items whose inputs start with tag.
func rrDataset(tag string, n int) string {
	items := make([]string, n)
	for i := range n {
		items[i] = fmt.Sprintf(`{input: "%s What is %d+%d?", expected: "%d", assertion: CONTAINS}`, tag, i, i, 2*i)
	}
	return "[" + strings.Join(items, ", ") + "]"
}

type rrBench struct {
	ID            string
	Status        string
	ProgressDone  int
	ProgressTotal int
	Models        []string
	Dataset       []struct{ Input string }
	Error         *string
}

const rrBenchFields = `id status progressDone progressTotal models dataset { input } error`

func rrCreateBenchmark(t *testing.T, s *testutil.Server, token, tag string, models []string, items int) string {
	t.Helper()
	ms, _ := json.Marshal(models)
	var out struct{ CreateBenchmark struct{ ID string } }
	rrMust(t, s, token, fmt.Sprintf(`mutation { createBenchmark(input: {name: %q, models: %s, dataset: %s}) { id } }`,
		tag, ms, rrDataset(tag, items)), nil, &out)
	return out.CreateBenchmark.ID
}

func rrGetBenchmark(s *testutil.Server, token, id string) (rrBench, error) {
	r := rrDo(s, token, `query($id: ID!) { node(id: $id) { ... on Benchmark { `+rrBenchFields+` } } }`, map[string]any{"id": id})
	if r.code() != "" {
		return rrBench{}, fmt.Errorf("%s: %s", r.code(), r.message())
	}
	var out struct{ Node *rrBench }
	if err := json.Unmarshal(r.Data, &out); err != nil {
		return rrBench{}, err
	}
	if out.Node == nil {
		return rrBench{}, fmt.Errorf("not found")
	}
	return *out.Node, nil
}

func rrFinal(status string) bool {
	return status == "COMPLETED" || status == "FAILED" || status == "CANCELLED"
}

// rrWaitBenchmark polls until the benchmark is COMPLETED, FAILED or CANCELLED, or timeout passes.
func rrWaitBenchmark(t *testing.T, s *testutil.Server, token, id string, timeout time.Duration) (rrBench, bool) {
	t.Helper()
	deadline := time.Now().Add(timeout)
	for {
		b, err := rrGetBenchmark(s, token, id)
		if err == nil && rrFinal(b.Status) {
			return b, true
		}
		if time.Now().After(deadline) {
			if err != nil {
				t.Logf("benchmark %s: %v", id, err)
			}
			return b, false
		}
		time.Sleep(50 * time.Millisecond)
	}
}

// rrChunkJobs counts the benchmark_chunk jobs of a benchmark, and those not yet finalized.
func rrChunkJobs(p *rrPair, id string) (total, open int, err error) {
	row, err := gid.Decode(id)
	if err != nil {
		return 0, 0, err
	}
	err = p.db.SQL.QueryRow(`SELECT count(*), count(*) FILTER (WHERE state NOT IN ('completed', 'cancelled', 'discarded'))
		FROM river_job WHERE kind = 'benchmark_chunk' AND args->>'benchmark_id' = $1`, fmt.Sprint(row)).Scan(&total, &open)
	return total, open, err
}

// rrWaitJobs waits until every chunk job of the benchmark is finalized (or timeout) and counts them.
func rrWaitJobs(p *rrPair, id string, timeout time.Duration) (total, open int, err error) {
	deadline := time.Now().Add(timeout)
	for {
		total, open, err = rrChunkJobs(p, id)
		if err != nil || open == 0 || time.Now().After(deadline) {
			return total, open, err
		}
		time.Sleep(100 * time.Millisecond)
	}
}

// rrSocket is a graphql-transport-ws connection whose messages a goroutine logs with their arrival time.
type rrSocket struct {
	conn  *websocket.Conn
	wmu   sync.Mutex
	mu    sync.Mutex
	msgs  []rrMsg
	err   error
	errAt time.Time
}

type rrMsg struct {
	At time.Time
	testutil.Message
}

func rrDial(t *testing.T, s *testutil.Server, token string) *rrSocket {
	t.Helper()
	sk := s.Dial(t, testutil.TransportWS, map[string]any{"authorization": "Bearer " + token}) // closed when t ends
	ws := &rrSocket{conn: sk.Conn}
	go ws.read()
	deadline := time.Now().Add(5 * time.Second)
	for time.Now().Before(deadline) {
		ws.mu.Lock()
		acked := len(ws.msgs) > 0 && ws.msgs[0].Type == "connection_ack"
		err := ws.err
		ws.mu.Unlock()
		if acked {
			return ws
		}
		if err != nil {
			t.Fatalf("websocket: %v", err)
		}
		time.Sleep(10 * time.Millisecond)
	}
	t.Fatalf("no connection_ack")
	return nil
}

func (ws *rrSocket) read() {
	for {
		_ = ws.conn.SetReadDeadline(time.Now().Add(5 * time.Minute))
		var m testutil.Message
		err := ws.conn.ReadJSON(&m)
		if err != nil {
			ws.mu.Lock()
			ws.err, ws.errAt = err, time.Now()
			ws.mu.Unlock()
			return
		}
		switch m.Type {
		case "ping":
			ws.write(testutil.Message{Type: "pong"})
			continue
		case "pong", "ka":
			continue
		}
		ws.mu.Lock()
		ws.msgs = append(ws.msgs, rrMsg{At: time.Now(), Message: m})
		ws.mu.Unlock()
	}
}

func (ws *rrSocket) write(m testutil.Message) error {
	ws.wmu.Lock()
	defer ws.wmu.Unlock()
	return ws.conn.WriteJSON(m)
}

func (ws *rrSocket) subscribe(id, query string, vars map[string]any) error {
	payload, _ := json.Marshal(map[string]any{"query": query, "variables": vars})
	return ws.write(testutil.Message{Type: "subscribe", ID: id, Payload: payload})
}

// messages returns the messages for id (all ids when id is "").
func (ws *rrSocket) messages(id string) []rrMsg {
	ws.mu.Lock()
	defer ws.mu.Unlock()
	var out []rrMsg
	for _, m := range ws.msgs {
		if id == "" || m.ID == id {
			out = append(out, m)
		}
	}
	return out
}

func (ws *rrSocket) closed() (error, time.Time) {
	ws.mu.Lock()
	defer ws.mu.Unlock()
	return ws.err, ws.errAt
}

// ---------------------------------------------------------------------------------------------------------
// 1. Parallel startBenchmark on one PENDING benchmark.

func rrMeasureStart(t *testing.T, fake *rrFake, rep *rrReport) {
	p := rrNewPair(t, fake.env(nil), nil)
	u := p.a.SignUp(t, "start@example.com", viewer.RolePro)
	models := []string{"openai/good-a", "openai/good-b"}
	const items = 10
	for trial := range rrStartTrials {
		tag := fmt.Sprintf("start%d", trial)
		id := rrCreateBenchmark(t, p.a, u.Token, tag, models, items)
		tr := &rrStartTrial{Trial: trial + 1, Errors: map[string]int{}, PlannedCalls: len(models) * items,
			ExpectedJobs: len(models) * ((items + 24) / 25)}
		rep.StartBenchmark = append(rep.StartBenchmark, tr)
		var mu sync.Mutex
		rrParallel(rrStartParallel, func(i int) {
			r := rrDo(p.at(i), u.Token, `mutation($id: ID!) { startBenchmark(id: $id) { id status } }`, map[string]any{"id": id})
			mu.Lock()
			defer mu.Unlock()
			if c := r.code(); c != "" {
				tr.Errors[c]++
				if tr.FirstErrMessage == "" {
					tr.FirstErrMessage = rrShort(r.message(), 160)
				}
			} else {
				tr.Succeeded++
			}
		})
		b, ok := rrWaitBenchmark(t, p.a, u.Token, id, 60*time.Second)
		tr.FinishedInTime, tr.FinalStatus, tr.ProgressDone, tr.ProgressTotal = ok, b.Status, b.ProgressDone, b.ProgressTotal
		total, open, err := rrWaitJobs(p, id, 30*time.Second)
		if err != nil {
			t.Logf("river_job: %v", err)
		}
		time.Sleep(200 * time.Millisecond) // a call in flight when the last job finalized
		tr.ChunkJobs, tr.ChunkJobsOpen, tr.ModelCalls = total, open, fake.count(tag)
		t.Logf("trial %d: %d/%d starts succeeded %v; %d chunk jobs (%d open, %d expected); %d model calls for %d planned; %s %d/%d",
			tr.Trial, tr.Succeeded, rrStartParallel, tr.Errors, tr.ChunkJobs, tr.ChunkJobsOpen, tr.ExpectedJobs, tr.ModelCalls,
			tr.PlannedCalls, tr.FinalStatus, tr.ProgressDone, tr.ProgressTotal)
	}
}

// ---------------------------------------------------------------------------------------------------------
// 2. The daily quota across replicas, and after deletes.

func rrMeasureQuota(t *testing.T, fake *rrFake, q *rrQuota) {
	p := rrNewPair(t, fake.env(nil), nil)
	u := p.a.SignUp(t, "quota@example.com", viewer.RoleFree)
	// FREE: at most 2 models and 100 items per benchmark, 1,000 model calls a day (internal/benchmark/limits.go).
	models := []string{"openai/good-a", "openai/good-b"}
	const items = 100
	q.DailyQuota, q.CallsPerBenchmark, q.Benchmarks = 1000, len(models)*items, rrQuotaBenchmarks
	q.Errors, q.StatusesAfterStart, q.StatusesAfterRun = map[string]int{}, map[string]int{}, map[string]int{}
	ids := make([]string, rrQuotaBenchmarks)
	for i := range ids {
		ids[i] = rrCreateBenchmark(t, p.a, u.Token, "quota", models, items)
	}
	var mu sync.Mutex
	rrParallel(len(ids), func(i int) {
		r := rrDo(p.at(i), u.Token, `mutation($id: ID!) { startBenchmark(id: $id) { id status } }`, map[string]any{"id": ids[i]})
		mu.Lock()
		defer mu.Unlock()
		if c := r.code(); c != "" {
			q.Errors[c]++
			if q.FirstRefusalMessage == "" {
				q.FirstRefusalMessage = rrShort(r.message(), 240)
			}
		} else {
			q.Accepted++
		}
	})
	for _, id := range ids {
		b, err := rrGetBenchmark(p.a, u.Token, id)
		if err != nil {
			t.Fatalf("read %s: %v", id, err)
		}
		q.StatusesAfterStart[b.Status]++
		if b.Status != "PENDING" {
			q.ReservedCalls += b.ProgressTotal
		}
	}
	t.Logf("accepted %d of %d starts (%v); reserved %d calls against a quota of %d; refusal: %s",
		q.Accepted, len(ids), q.Errors, q.ReservedCalls, q.DailyQuota, q.FirstRefusalMessage)

	q.AllFinishedInTime = true
	deadline := time.Now().Add(4 * time.Minute)
	for _, id := range ids {
		if b, err := rrGetBenchmark(p.a, u.Token, id); err == nil && b.Status == "PENDING" { // refused: never started
			q.StatusesAfterRun[b.Status]++
			continue
		}
		b, ok := rrWaitBenchmark(t, p.a, u.Token, id, time.Until(deadline))
		q.AllFinishedInTime = q.AllFinishedInTime && ok
		q.StatusesAfterRun[b.Status]++
	}
	time.Sleep(300 * time.Millisecond)
	q.ModelCallsMade = fake.count("quota")
	t.Logf("after the runs: %v; %d model calls made", q.StatusesAfterRun, q.ModelCallsMade)

	for i, id := range ids {
		if r := rrDo(p.at(i), u.Token, `mutation($id: ID!) { deleteBenchmark(id: $id) }`, map[string]any{"id": id}); r.code() == "" {
			q.Deleted++
		} else {
			t.Logf("delete %s: %s %s", id, r.code(), r.message())
		}
	}
	id := rrCreateBenchmark(t, p.b, u.Token, "quotanew", models, items)
	r := rrDo(p.b, u.Token, `mutation($id: ID!) { startBenchmark(id: $id) { id status } }`, map[string]any{"id": id})
	q.NewStartAfterDelete, q.NewStartMessage = r.outcome(), rrShort(r.message(), 240)
	if r.code() == "" {
		q.NewStartAfterDelete = "accepted"
		b, _ := rrWaitBenchmark(t, p.a, u.Token, id, 2*time.Minute)
		q.NewStartFinalStatus, q.NewStartProgressDone = b.Status, b.ProgressDone
		time.Sleep(300 * time.Millisecond)
	}
	q.NewStartModelCalls = fake.count("quotanew")
	t.Logf("deleted %d; a new %d-call start afterwards: %s %s (%d more model calls)", q.Deleted, q.CallsPerBenchmark,
		q.NewStartAfterDelete, q.NewStartMessage, q.NewStartModelCalls)
}

// ---------------------------------------------------------------------------------------------------------
// 3. Concurrent partial updates of a compliance profile.

const rrContextFields = `dataCategories useCase provider region model selfHosted automatedDecisions humanOversight logging
	piiMasking paymentCardMasking encryptionInTransit accessControls riskManagement conformityAssessment dpia dpa baaSigned
	serviceProviderContract aiDisclosure parentalConsent retentionDays transferMechanism`

// The profile starts as GDPR on a well-controlled EU customer-support assistant; one update changes the
// requirements to HIPAA + EU AI Act, the other the context to an uncontrolled US hiring tool on health data.
var (
	rrReqs0 = []string{"GDPR"}
	rrReqs1 = []string{"HIPAA", "EU_AI_ACT"}
	rrCtx0  = map[string]any{"dataCategories": []string{"PII"}, "useCase": "CUSTOMER_SUPPORT", "provider": "openai",
		"region": "eu-west-1", "model": "openai/gpt-4.1-mini", "dpa": true, "dpia": true, "encryptionInTransit": true,
		"accessControls": true, "logging": true, "aiDisclosure": true, "piiMasking": true, "humanOversight": true}
	rrCtx1 = map[string]any{"dataCategories": []string{"PII", "PHI"}, "useCase": "EMPLOYMENT", "provider": "openai",
		"region": "us-east-1", "model": "openai/gpt-4.1-mini", "automatedDecisions": true, "retentionDays": 365}
)

func rrAssess(s *testutil.Server, token string, reqs []string, ctx map[string]any) (string, error) {
	r := rrDo(s, token, `query($r: [Regulation!]!, $c: ComplianceContextInput!) { assessCompliance(input: {requirements: $r, context: $c}) { score level } }`,
		map[string]any{"r": reqs, "c": ctx})
	if r.code() != "" {
		return "", fmt.Errorf("%s: %s", r.code(), r.message())
	}
	var out struct {
		AssessCompliance struct {
			Score int
			Level string
		}
	}
	if err := json.Unmarshal(r.Data, &out); err != nil {
		return "", err
	}
	return fmt.Sprintf("%d %s", out.AssessCompliance.Score, out.AssessCompliance.Level), nil
}

func rrMeasureCompliance(t *testing.T, fake *rrFake, c *rrCompliance) {
	p := rrNewPair(t, fake.env(nil), nil)
	u := p.a.SignUp(t, "compliance@example.com", viewer.RoleFree)
	c.Errors, c.Combos = map[string]int{}, map[string]string{}
	for name, combo := range map[string]struct {
		r []string
		c map[string]any
	}{"reqs0+ctx0 (initial)": {rrReqs0, rrCtx0}, "reqs1+ctx0 (requirements update only)": {rrReqs1, rrCtx0},
		"reqs0+ctx1 (context update only)": {rrReqs0, rrCtx1}, "reqs1+ctx1 (both)": {rrReqs1, rrCtx1}} {
		s, err := rrAssess(p.a, u.Token, combo.r, combo.c)
		if err != nil {
			s = "error: " + err.Error()
		}
		c.Combos[name] = s
	}
	t.Logf("scores: %v", c.Combos)
	for trial := range rrComplianceTrials {
		var cr struct{ CreateComplianceProfile struct{ ID string } }
		rrMust(t, p.a, u.Token, `mutation($r: [Regulation!]!, $c: ComplianceContextInput!) { createComplianceProfile(input: {name: "race", requirements: $r, context: $c}) { id } }`,
			map[string]any{"r": rrReqs0, "c": rrCtx0}, &cr)
		id := cr.CreateComplianceProfile.ID
		var mu sync.Mutex
		rrParallel(2, func(i int) {
			var r rrResult
			s := p.at(i + trial) // alternate which replica gets which update
			if i == 0 {
				r = rrDo(s, u.Token, `mutation($id: ID!, $r: [Regulation!]) { updateComplianceProfile(id: $id, input: {requirements: $r}) { id } }`,
					map[string]any{"id": id, "r": rrReqs1})
			} else {
				r = rrDo(s, u.Token, `mutation($id: ID!, $c: ComplianceContextInput) { updateComplianceProfile(id: $id, input: {context: $c}) { id } }`,
					map[string]any{"id": id, "c": rrCtx1})
			}
			if r.code() != "" {
				mu.Lock()
				c.Errors[r.code()]++
				mu.Unlock()
			}
		})
		var got struct {
			Node struct {
				Requirements []string
				RiskScore    *float64
				RiskLevel    string
				Context      map[string]any
			}
		}
		rrMust(t, p.a, u.Token, `query($id: ID!) { node(id: $id) { ... on ComplianceProfile { requirements riskScore riskLevel context { `+rrContextFields+` } } } }`,
			map[string]any{"id": id}, &got)
		n := got.Node
		re, err := rrAssess(p.a, u.Token, n.Requirements, n.Context)
		if err != nil {
			t.Fatalf("assess stored profile: %v", err)
		}
		stored := "null " + n.RiskLevel
		if n.RiskScore != nil {
			stored = fmt.Sprintf("%d %s", int(*n.RiskScore+0.5), n.RiskLevel)
		}
		tr := rrComplianceTrial{Trial: trial + 1, Stored: stored, Recomputed: re, Mismatch: stored != re}
		c.Details = append(c.Details, tr)
		c.Trials++
		if tr.Mismatch {
			c.Mismatched++
		}
		if strings.Join(n.Requirements, ",") == strings.Join(rrReqs1, ",") && n.Context["useCase"] == rrCtx1["useCase"] {
			c.BothApplied++
		}
		t.Logf("trial %d: stored %s, recomputed %s, requirements %v, useCase %v", tr.Trial, stored, re, n.Requirements, n.Context["useCase"])
	}
	t.Logf("%d of %d trials: stored score differs from the recomputed one (both updates applied in %d)", c.Mismatched, c.Trials, c.BothApplied)
}

// ---------------------------------------------------------------------------------------------------------
// 4. Append inputs, on SQLite and on PostgreSQL.

func rrMeasureAppend(t *testing.T, fake *rrFake, rep *rrReport) {
	sq := testutil.NewServer(t, testutil.SQLite, testutil.ServerOptions{Env: fake.env(nil)})
	pg := rrNewPair(t, fake.env(nil), nil).a
	for _, b := range []struct {
		name string
		s    *testutil.Server
	}{{"sqlite", sq}, {"postgres", pg}} {
		res := &rrAppend{}
		rep.Append[b.name] = res
		u := b.s.SignUp(t, "append@example.com", viewer.RolePro)
		profile := func(input string) string {
			var cr struct{ CreateComplianceProfile struct{ ID string } }
			rrMust(t, b.s, u.Token, `mutation { createComplianceProfile(input: {name: "append", requirements: [GDPR]}) { id } }`, nil, &cr)
			var up struct {
				UpdateComplianceProfile struct{ Requirements []string }
			}
			r := rrDo(b.s, u.Token, `mutation($id: ID!) { updateComplianceProfile(id: $id, input: `+input+`) { requirements } }`,
				map[string]any{"id": cr.CreateComplianceProfile.ID})
			if r.code() != "" {
				return "error " + r.code() + ": " + rrShort(r.message(), 120)
			}
			_ = json.Unmarshal(r.Data, &up)
			var got struct {
				Node struct{ Requirements []string }
			}
			rrMust(t, b.s, u.Token, `query($id: ID!) { node(id: $id) { ... on ComplianceProfile { requirements } } }`,
				map[string]any{"id": cr.CreateComplianceProfile.ID}, &got)
			s, _ := json.Marshal(got.Node.Requirements)
			return string(s)
		}
		res.AppendOnly = profile(`{appendRequirements: [HIPAA]}`)
		res.ReplaceAndAppend = profile(`{requirements: [GDPR], appendRequirements: [HIPAA]}`)

		experiment := func(input string) string {
			var cr struct{ CreateExperiment struct{ ID string } }
			rrMust(t, b.s, u.Token, `mutation { createExperiment(input: {name: "append", models: ["openai/gpt-4.1", "openai/gpt-4.1-mini"],
				metrics: {primary: {name: "resolved", kind: BINARY}}}) { id } }`, nil, &cr)
			r := rrDo(b.s, u.Token, `mutation($id: ID!) { updateExperiment(id: $id, input: `+input+`) { models } }`,
				map[string]any{"id": cr.CreateExperiment.ID})
			if r.code() != "" {
				return "error " + r.code() + ": " + rrShort(r.message(), 120)
			}
			var got struct{ Node struct{ Models []string } }
			rrMust(t, b.s, u.Token, `query($id: ID!) { node(id: $id) { ... on Experiment { models } } }`,
				map[string]any{"id": cr.CreateExperiment.ID}, &got)
			s, _ := json.Marshal(got.Node.Models)
			return string(s)
		}
		res.ExperimentModels = experiment(`{models: ["openai/gpt-4.1", "openai/gpt-4.1-mini"], appendModels: ["openai/gpt-4o"]}`)
		res.ExperimentAppends = experiment(`{appendModels: ["openai/gpt-4o"]}`)
		t.Logf("%s: [GDPR]+append[HIPAA] → %s; {requirements:[GDPR], append:[HIPAA]} → %s; experiment {models:[a,b], appendModels:[c]} → %s; [a,b]+appendModels:[c] → %s",
			b.name, res.AppendOnly, res.ReplaceAndAppend, res.ExperimentModels, res.ExperimentAppends)
	}
}

// ---------------------------------------------------------------------------------------------------------
// 5. updateBenchmark racing startBenchmark.

func rrMeasureUpdateVsStart(t *testing.T, fake *rrFake, rep *rrReport) {
	p := rrNewPair(t, fake.env(nil), nil)
	u := p.a.SignUp(t, "update@example.com", viewer.RolePro)
	models := []string{"openai/good-a", "openai/good-b"}
	for trial := range rrUpdateTrials {
		tag := fmt.Sprintf("upd%d", trial)
		newTag := tag + "x"
		id := rrCreateBenchmark(t, p.a, u.Token, tag, models, 10)
		tr := &rrUpdateTrial{Trial: trial + 1}
		rep.UpdateVsStart = append(rep.UpdateVsStart, tr)
		rrParallel(2, func(i int) {
			s := p.at(i + trial)
			if i == 0 {
				tr.StartResult = rrDo(s, u.Token, `mutation($id: ID!) { startBenchmark(id: $id) { id } }`, map[string]any{"id": id}).outcome()
			} else {
				tr.UpdateResult = rrDo(s, u.Token, `mutation($id: ID!) { updateBenchmark(id: $id, input: {dataset: `+rrDataset(newTag, 1)+`}) { id } }`,
					map[string]any{"id": id}).outcome()
			}
		})
		var b rrBench
		if tr.StartResult == "ok" {
			b, tr.FinishedInTime = rrWaitBenchmark(t, p.a, u.Token, id, 10*time.Second)
		} else {
			var err error
			b, err = rrGetBenchmark(p.a, u.Token, id)
			if err != nil {
				t.Fatalf("read: %v", err)
			}
			tr.FinishedInTime = true
		}
		_, _, _ = rrWaitJobs(p, id, 10*time.Second)
		time.Sleep(100 * time.Millisecond)
		tr.Status, tr.ProgressDone, tr.ProgressTotal, tr.Models, tr.DatasetLen = b.Status, b.ProgressDone, b.ProgressTotal, len(b.Models), len(b.Dataset)
		tr.CallsOldItems, tr.CallsNewItems = fake.count(tag), fake.count(newTag)
		var why []string
		if tr.ProgressTotal != tr.Models*tr.DatasetLen {
			why = append(why, fmt.Sprintf("progressTotal %d ≠ %d models × %d items", tr.ProgressTotal, tr.Models, tr.DatasetLen))
		}
		if !tr.FinishedInTime {
			why = append(why, "still "+tr.Status+" after 10 s")
		}
		if tr.Status == "COMPLETED" && tr.ProgressDone != tr.ProgressTotal {
			why = append(why, fmt.Sprintf("COMPLETED at %d/%d", tr.ProgressDone, tr.ProgressTotal))
		}
		if tr.CallsOldItems > 0 && tr.CallsNewItems > 0 {
			why = append(why, "the run called both the old and the new dataset")
		}
		if tr.StartResult == "ok" && tr.UpdateResult == "ok" && tr.CallsOldItems > 0 && tr.DatasetLen == 1 {
			why = append(why, "update accepted but the run used the old dataset")
		}
		tr.Inconsistent, tr.Why = len(why) > 0, strings.Join(why, "; ")
		if tr.Status == "RUNNING" || tr.Status == "PENDING" {
			rrDo(p.a, u.Token, `mutation($id: ID!) { cancelBenchmark(id: $id) { id } }`, map[string]any{"id": id})
		}
		t.Logf("trial %d: start %s, update %s → %s %d/%d, %d models × %d items, calls old %d new %d; inconsistent=%v %s",
			tr.Trial, tr.StartResult, tr.UpdateResult, tr.Status, tr.ProgressDone, tr.ProgressTotal, tr.Models, tr.DatasetLen,
			tr.CallsOldItems, tr.CallsNewItems, tr.Inconsistent, tr.Why)
	}
}

// ---------------------------------------------------------------------------------------------------------
// 6. Monotonic progress in benchmarkUpdated.

func rrMeasureProgress(t *testing.T, fake *rrFake, pr *rrProgress) {
	const chunk = 10
	p := rrNewPair(t, fake.env(map[string]string{"BENCHMARK_CHUNK_SIZE": fmt.Sprint(chunk), "OPENAI_CONCURRENCY": "8"}),
		func(d *workers.Deps) { d.ProgressEvery = time.Millisecond }) // every result saved and announced
	u := p.a.SignUp(t, "progress@example.com", viewer.RolePro)
	models := []string{"openai/good-a", "openai/good-b"}
	pr.Models, pr.Items, pr.ChunkSize = len(models), 200, chunk
	id := rrCreateBenchmark(t, p.a, u.Token, "slow6", models, pr.Items)
	ws := rrDial(t, p.a, u.Token)
	if err := ws.subscribe("p", rrSubBenchmarkProgress, map[string]any{"id": id}); err != nil {
		t.Fatalf("subscribe: %v", err)
	}
	// Wait for the initial state, then start on the other replica.
	deadline := time.Now().Add(5 * time.Second)
	for len(ws.messages("p")) == 0 && time.Now().Before(deadline) {
		time.Sleep(10 * time.Millisecond)
	}
	rrMust(t, p.b, u.Token, `mutation($id: ID!) { startBenchmark(id: $id) { id } }`, map[string]any{"id": id}, nil)
	deadline = time.Now().Add(3 * time.Minute)
	for time.Now().Before(deadline) {
		ms := ws.messages("p")
		if len(ms) > 0 && ms[len(ms)-1].Type != "next" {
			break
		}
		if err, _ := ws.closed(); err != nil {
			break
		}
		time.Sleep(50 * time.Millisecond)
	}
	prev := -1
	for _, m := range ws.messages("p") {
		if m.Type != "next" {
			pr.Completed = m.Type == "complete"
			continue
		}
		var ev struct {
			Data struct {
				BenchmarkUpdated struct {
					Status        string
					ProgressDone  int
					ProgressTotal int
				}
			}
		}
		if err := json.Unmarshal(m.Payload, &ev); err != nil {
			continue
		}
		b := ev.Data.BenchmarkUpdated
		pr.Events++
		if prev >= 0 && b.ProgressDone < prev {
			pr.Decreases++
			if len(pr.Drops) < 10 {
				pr.Drops = append(pr.Drops, fmt.Sprintf("%d→%d", prev, b.ProgressDone))
			}
		}
		prev, pr.FinalStatus, pr.LastDone, pr.ProgressTotal = b.ProgressDone, b.Status, b.ProgressDone, b.ProgressTotal
	}
	t.Logf("%d events; progressDone decreased %d times %v; last %s %d/%d; stream completed=%v",
		pr.Events, pr.Decreases, pr.Drops, pr.FinalStatus, pr.LastDone, pr.ProgressTotal, pr.Completed)
}

// ---------------------------------------------------------------------------------------------------------
// 7. Events when rows are deleted: deleteDeployment, deleteBenchmark, deleteMe.

func rrModelServer(t *testing.T) *httptest.Server {
	hs := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.URL.Path != "/v1/models" {
			http.Error(w, "not found", http.StatusNotFound)
			return
		}
		_, _ = w.Write([]byte(`{"object":"list","data":[{"id":"llama-3.1-8b","object":"model"}]}`))
	}))
	t.Cleanup(hs.Close)
	return hs
}

func rrCreateDeployment(t *testing.T, s *testutil.Server, token, endpoint string) string {
	t.Helper()
	var cr struct{ CreateDeployment struct{ ID string } }
	rrMust(t, s, token, `mutation($e: String!) { createDeployment(input: {modelName: "llama-3.1-8b", provider: SELF_HOSTED, config: {endpoint: $e}}) { id } }`,
		map[string]any{"e": endpoint}, &cr)
	id := cr.CreateDeployment.ID
	deadline := time.Now().Add(20 * time.Second)
	for time.Now().Before(deadline) { // wait until it settles, so that no rollout event lands in the window
		var out struct{ Node struct{ Status string } }
		rrMust(t, s, token, `query($id: ID!) { node(id: $id) { ... on Deployment { status } } }`, map[string]any{"id": id}, &out)
		if out.Node.Status == "ACTIVE" || out.Node.Status == "FAILED" {
			return id
		}
		time.Sleep(50 * time.Millisecond)
	}
	t.Logf("deployment %s did not settle", id)
	return id
}

type rrSub struct {
	id, query string
	vars      map[string]any
	initial   bool // sends the current state at once
}

// rrDeleteCaseRun subscribes on replica A and waits for the streams to be quiet; as a control, makes a
// non-delete change of the same rows on replica B and waits for the streams to show it; then runs the delete
// on replica B and watches rrEventWindow.
func rrDeleteCaseRun(t *testing.T, p *rrPair, token, name string, subs []rrSub, control func() rrResult, del func() rrResult) *rrDeleteCase {
	dc := &rrDeleteCase{Case: name, Subscriptions: map[string]*rrSubOutcome{}}
	ws := rrDial(t, p.a, token)
	for _, s := range subs {
		if err := ws.subscribe(s.id, s.query, s.vars); err != nil {
			t.Fatalf("subscribe: %v", err)
		}
	}
	deadline := time.Now().Add(5 * time.Second)
	for _, s := range subs {
		for s.initial && len(ws.messages(s.id)) == 0 && time.Now().Before(deadline) {
			time.Sleep(10 * time.Millisecond)
		}
	}
	time.Sleep(500 * time.Millisecond) // let the streams be listening and quiet
	ctl := time.Now()
	dc.ControlOK = control().code() == ""
	deadline = time.Now().Add(3 * time.Second)
	for time.Now().Before(deadline) {
		all := true
		for _, s := range subs {
			n := 0
			for _, m := range ws.messages(s.id) {
				if m.Type == "next" && !m.At.Before(ctl) {
					n++
				}
			}
			all = all && n > 0
		}
		if all {
			break
		}
		time.Sleep(10 * time.Millisecond)
	}
	time.Sleep(300 * time.Millisecond)
	before := time.Now()
	r := del()
	dc.MutationOK, dc.MutationError = r.code() == "", r.message()
	time.Sleep(rrEventWindow)
	until := time.Now()
	for _, s := range subs {
		o := &rrSubOutcome{Query: s.query}
		dc.Subscriptions[s.id] = o
		for _, m := range ws.messages(s.id) {
			if m.At.Before(before) {
				if m.Type == "next" && m.At.Before(ctl) {
					o.EventsBefore++
				} else if m.Type == "next" {
					o.ControlEvents++
				}
				continue
			}
			if m.At.After(until) {
				continue
			}
			switch m.Type {
			case "next":
				o.EventsAfter++
				if o.FirstPayload == "" {
					o.FirstPayload = rrShort(string(m.Payload), 200)
				}
				if strings.Contains(string(m.Payload), "NOT_FOUND") {
					o.EndedOnNotFound = true
				}
			case "complete":
				o.Completed = true
			case "error":
				o.ErrorMessage = rrShort(string(m.Payload), 200)
				o.EndedOnNotFound = o.EndedOnNotFound || strings.Contains(string(m.Payload), "NOT_FOUND")
			}
		}
		if err, at := ws.closed(); err != nil && at.Before(until) {
			o.SocketClosed = rrShort(err.Error(), 120)
		}
	}
	return dc
}

func rrRenameDeployment(s *testutil.Server, token, id string) rrResult {
	return rrDo(s, token, `mutation($id: ID!) { updateDeployment(id: $id, input: {modelName: "llama-3.1-8b-renamed"}) { id } }`, map[string]any{"id": id})
}

func rrRenameBenchmark(s *testutil.Server, token, id string) rrResult {
	return rrDo(s, token, `mutation($id: ID!) { updateBenchmark(id: $id, input: {name: "renamed"}) { id } }`, map[string]any{"id": id})
}

func rrMeasureDeleteEvents(t *testing.T, fake *rrFake, rep *rrReport) {
	hs := rrModelServer(t)
	endpoint := hs.URL + "/v1" // 127.0.0.1, allowed by ENDPOINT_ALLOWLIST=127.0.0.1
	p := rrNewPair(t, fake.env(nil), func(d *workers.Deps) { d.RolloutPoll = 50 * time.Millisecond })
	log := func(dc *rrDeleteCase) {
		rep.DeleteEvents = append(rep.DeleteEvents, dc)
		keys := make([]string, 0, len(dc.Subscriptions))
		for k := range dc.Subscriptions {
			keys = append(keys, k)
		}
		sort.Strings(keys)
		for _, k := range keys {
			o := dc.Subscriptions[k]
			t.Logf("%s (mutation ok=%v %s): %s: %d events before, %d after the control change (ok=%v); within %s after the delete: %d events, completed=%v, error=%q, socket=%q, first=%s",
				dc.Case, dc.MutationOK, dc.MutationError, k, o.EventsBefore, o.ControlEvents, dc.ControlOK, rrEventWindow, o.EventsAfter,
				o.Completed, o.ErrorMessage, o.SocketClosed, o.FirstPayload)
		}
	}

	u := p.a.SignUp(t, "events@example.com", viewer.RoleEnterprise)
	dep := rrCreateDeployment(t, p.a, u.Token, endpoint)
	log(rrDeleteCaseRun(t, p, u.Token, "deleteDeployment", []rrSub{
		{id: "deploymentUpdated", query: rrSubDeploymentUpdated, vars: map[string]any{"id": dep}, initial: true},
		{id: "myDeploymentEvents", query: rrSubMyDeploymentEvents},
	}, func() rrResult {
		return rrRenameDeployment(p.b, u.Token, dep)
	}, func() rrResult {
		return rrDo(p.b, u.Token, `mutation($id: ID!) { deleteDeployment(id: $id) }`, map[string]any{"id": dep})
	}))

	bench := rrCreateBenchmark(t, p.a, u.Token, "del", []string{"openai/good-a"}, 2)
	log(rrDeleteCaseRun(t, p, u.Token, "deleteBenchmark", []rrSub{
		{id: "benchmarkUpdated", query: rrSubBenchmarkUpdated, vars: map[string]any{"id": bench}, initial: true},
		{id: "myBenchmarkEvents", query: rrSubMyBenchmarkEvents},
	}, func() rrResult {
		return rrRenameBenchmark(p.b, u.Token, bench)
	}, func() rrResult {
		return rrDo(p.b, u.Token, `mutation($id: ID!) { deleteBenchmark(id: $id) }`, map[string]any{"id": bench})
	}))

	v := p.a.SignUp(t, "leaver@example.com", viewer.RoleEnterprise)
	dep2 := rrCreateDeployment(t, p.a, v.Token, endpoint)
	bench2 := rrCreateBenchmark(t, p.a, v.Token, "leave", []string{"openai/good-a"}, 2)
	log(rrDeleteCaseRun(t, p, v.Token, "deleteMe", []rrSub{
		{id: "deploymentUpdated", query: rrSubDeploymentUpdated, vars: map[string]any{"id": dep2}, initial: true},
		{id: "myDeploymentEvents", query: rrSubMyDeploymentEvents},
		{id: "benchmarkUpdated", query: rrSubBenchmarkUpdated, vars: map[string]any{"id": bench2}, initial: true},
		{id: "myBenchmarkEvents", query: rrSubMyBenchmarkEvents},
	}, func() rrResult {
		r := rrRenameDeployment(p.b, v.Token, dep2)
		if r.code() != "" {
			return r
		}
		return rrRenameBenchmark(p.b, v.Token, bench2)
	}, func() rrResult {
		return rrDo(p.b, v.Token, `mutation($p: String!) { deleteMe(input: {password: $p}) }`, map[string]any{"p": rrPassword})
	}))
}

// ---------------------------------------------------------------------------------------------------------
// The summary table.

func rrPrint(t *testing.T, rep *rrReport) {
	var b strings.Builder
	fmt.Fprintf(&b, "\n==== race report (PostgreSQL, 2 in-process replicas) ====\n")
	fmt.Fprintf(&b, "1. %d parallel startBenchmark on one PENDING benchmark (2 models × 10 items):\n", rrStartParallel)
	fmt.Fprintf(&b, "   trial  ok  chunkJobs(expected)  modelCalls(planned)  final\n")
	for _, tr := range rep.StartBenchmark {
		fmt.Fprintf(&b, "   %5d  %2d  %9d(%d)  %10d(%d)  %s %d/%d\n", tr.Trial, tr.Succeeded, tr.ChunkJobs, tr.ExpectedJobs,
			tr.ModelCalls, tr.PlannedCalls, tr.FinalStatus, tr.ProgressDone, tr.ProgressTotal)
	}
	if q := rep.Quota; q != nil {
		fmt.Fprintf(&b, "2. quota (FREE, %d/day): %d parallel starts of %d-call benchmarks → accepted %d, reserved %d, calls made %d; "+
			"after deleting them a new %d-call start: %s\n", q.DailyQuota, q.Benchmarks, q.CallsPerBenchmark, q.Accepted,
			q.ReservedCalls, q.ModelCallsMade, q.CallsPerBenchmark, q.NewStartAfterDelete)
	}
	if c := rep.Compliance; c != nil {
		fmt.Fprintf(&b, "3. compliance: %d of %d trials stored a score that differs from the recomputed one\n", c.Mismatched, c.Trials)
	}
	for _, k := range []string{"sqlite", "postgres"} {
		if a := rep.Append[k]; a != nil {
			fmt.Fprintf(&b, "4. append (%s): [GDPR]+append[HIPAA] → %s; {req:[GDPR],append:[HIPAA]} → %s; {models:[a,b],appendModels:[c]} → %s; appendModels:[c] → %s\n",
				k, a.AppendOnly, a.ReplaceAndAppend, a.ExperimentModels, a.ExperimentAppends)
		}
	}
	inc := 0
	for _, tr := range rep.UpdateVsStart {
		if tr.Inconsistent {
			inc++
		}
	}
	fmt.Fprintf(&b, "5. updateBenchmark vs startBenchmark: %d of %d trials inconsistent\n", inc, len(rep.UpdateVsStart))
	for _, tr := range rep.UpdateVsStart {
		fmt.Fprintf(&b, "   trial %2d: start %s update %s → %s %d/%d (models×dataset = %d) %s\n", tr.Trial, tr.StartResult, tr.UpdateResult,
			tr.Status, tr.ProgressDone, tr.ProgressTotal, tr.Models*tr.DatasetLen, tr.Why)
	}
	if pr := rep.Progress; pr != nil {
		fmt.Fprintf(&b, "6. progress: %d events, progressDone decreased %d times %v (last %s %d/%d)\n", pr.Events, pr.Decreases, pr.Drops,
			pr.FinalStatus, pr.LastDone, pr.ProgressTotal)
	}
	for _, dc := range rep.DeleteEvents {
		keys := make([]string, 0, len(dc.Subscriptions))
		for k := range dc.Subscriptions {
			keys = append(keys, k)
		}
		sort.Strings(keys)
		var parts []string
		for _, k := range keys {
			o := dc.Subscriptions[k]
			parts = append(parts, fmt.Sprintf("%s: %d events (control %d), completed=%v%s", k, o.EventsAfter, o.ControlEvents, o.Completed,
				map[bool]string{true: ", error", false: ""}[o.ErrorMessage != ""]))
		}
		fmt.Fprintf(&b, "7. %s (ok=%v): %s\n", dc.Case, dc.MutationOK, strings.Join(parts, "; "))
	}
	if len(rep.Failed) > 0 {
		fmt.Fprintf(&b, "incomplete items: %v\n", rep.Failed)
	}
	t.Log(b.String())
}
