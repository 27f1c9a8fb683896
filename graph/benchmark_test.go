package graph_test

import (
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/modelarchitect/architect/internal/providers/providertest"
	"github.com/modelarchitect/architect/internal/testutil"
	"github.com/modelarchitect/architect/internal/viewer"
)

// modelAPIs starts fake OpenAI and Gemini servers: a model whose name contains "good" answers each item's
// expected value, any other answers "nonsense".
func modelAPIs(t *testing.T, delay time.Duration) (*providertest.Server, *providertest.Server, map[string]string) {
	reply := func(r providertest.Request) providertest.Reply {
		answer := "nonsense"
		if strings.Contains(r.Model, "good") {
			answer = "The answer is " + expectedFor(r.Prompt)
		}
		return providertest.Reply{Chunks: []string{answer[:4], answer[4:]}, ChunkDelay: delay,
			Usage: &providertest.Usage{Input: 12, Output: 6}}
	}
	oa := providertest.NewOpenAI(t, "sk-test", reply)
	gm := providertest.NewGemini(t, "gm-test", reply)
	return oa, gm, map[string]string{"OPENAI_BASE_URL": oa.BaseURL, "GEMINI_BASE_URL": gm.BaseURL}
}

// expectedFor is the fakes' arithmetic: prompts are "What is a+b?".
func expectedFor(prompt string) string {
	var a, b int
	_, _ = fmt.Sscanf(prompt, "What is %d+%d?", &a, &b)
	return fmt.Sprint(a + b)
}

func dataset(n int) string {
	var items []string
	for i := range n {
		items = append(items, fmt.Sprintf(`{input: "What is %d+%d?", expected: "%d", assertion: CONTAINS}`, i, i, 2*i))
	}
	return "[" + strings.Join(items, ", ") + "]"
}

type benchmarkOut struct {
	ID            string
	Status        string
	Progress      float64
	ProgressDone  int
	ProgressTotal int
	Error         *string
	Results       *struct {
		Models []struct {
			Model, Cost *string
			Items       int
			Passed      int
			Accuracy    float64
			AccuracyCI  struct{ Low, High float64 }
			Latency     struct {
				Count    int
				P50, P95 float64
			}
			Ttft struct {
				Count int
				P50   float64
			}
			Usage struct{ InputTokens, OutputTokens int }
		}
	}
	ItemResults struct{ TotalCount int }
}

const benchmarkFields = `id status progress progressDone progressTotal error
	results { models { model items passed accuracy accuracyCI { low high } latency { count p50 p95 } ttft { count p50 } usage { inputTokens outputTokens } cost } }
	itemResults { totalCount }`

// waitBenchmark polls until the benchmark reaches a final status.
func waitBenchmark(t *testing.T, c *testutil.Client, id string) benchmarkOut {
	t.Helper()
	deadline := time.Now().Add(30 * time.Second)
	for {
		var out struct{ Node benchmarkOut }
		c.MustDo(t, `query($id: ID!) { node(id: $id) { ... on Benchmark { `+benchmarkFields+` } } }`, map[string]any{"id": id}, &out)
		switch out.Node.Status {
		case "COMPLETED", "FAILED", "CANCELLED":
			return out.Node
		}
		require.True(t, time.Now().Before(deadline), "benchmark still %s at %d/%d", out.Node.Status, out.Node.ProgressDone, out.Node.ProgressTotal)
		time.Sleep(50 * time.Millisecond)
	}
}

func TestBenchmarkRunsAgainstModelAPIs(t *testing.T) {
	t.Parallel()
	eachBackend(t, func(t *testing.T, b testutil.Backend) {
		oa, gm, env := modelAPIs(t, 5*time.Millisecond)
		s := testutil.NewServer(t, b, testutil.ServerOptions{Env: env})
		c := s.Client(s.SignUp(t, "bench@example.com", viewer.RolePro).Token)
		for _, models := range [][]string{{"openai/good-model", "openai/bad-model"}, {"gemini/good-flash", "gemini/bad-flash"}} {
			var cr struct{ CreateBenchmark benchmarkOut }
			c.MustDo(t, fmt.Sprintf(`mutation { createBenchmark(input: {name: "sums", models: ["%s", "%s"], dataset: %s}, start: true) { %s } }`,
				models[0], models[1], dataset(7), benchmarkFields), nil, &cr)
			require.Equal(t, "RUNNING", cr.CreateBenchmark.Status)
			require.Equal(t, 14, cr.CreateBenchmark.ProgressTotal)
			done := waitBenchmark(t, c, cr.CreateBenchmark.ID)
			require.Equal(t, "COMPLETED", done.Status, "error: %v", done.Error)
			require.Equal(t, 1.0, done.Progress)
			require.Equal(t, 14, done.ItemResults.TotalCount, "every (model, item) once")
			require.Len(t, done.Results.Models, 2)
			good, bad := done.Results.Models[0], done.Results.Models[1]
			require.Equal(t, 1.0, good.Accuracy)
			require.Equal(t, 0.0, bad.Accuracy)
			require.Equal(t, 7, good.Items)
			require.Greater(t, good.AccuracyCI.Low, 0.5, "Wilson interval of 7/7")
			require.Equal(t, 1.0, good.AccuracyCI.High)
			require.Equal(t, 7, good.Ttft.Count)
			require.Positive(t, good.Ttft.P50, "time to first token is measured from the stream")
			require.GreaterOrEqual(t, good.Latency.P95, good.Latency.P50)
			require.Equal(t, 7*12, good.Usage.InputTokens)
			require.Nil(t, good.Cost, "a model the catalog does not price has an unknown cost, not zero")
		}
		require.Len(t, oa.Requests(), 14)
		require.Len(t, gm.Requests(), 14)
		require.True(t, oa.Requests()[0].Stream && oa.Requests()[0].IncludeUsage, "streams with usage")
	})
}

func TestBenchmarkCancelAndLimits(t *testing.T) {
	t.Parallel()
	_, _, env := modelAPIs(t, 100*time.Millisecond)
	env["GEMINI_API_KEY"] = ""
	s := testutil.NewServer(t, testutil.SQLite, testutil.ServerOptions{Env: env})
	c := s.Client(s.SignUp(t, "cancel@example.com", viewer.RoleFree).Token)

	e := c.Err(t, `mutation { createBenchmark(input: {name: "x", models: ["gemini/gemini-2.5-flash"], dataset: `+dataset(1)+`}) { id } }`, nil)
	require.Equal(t, "BAD_USER_INPUT", e.Code())
	require.Contains(t, e.Message, "GEMINI_API_KEY", "an unconfigured provider names what to set")

	e = c.Err(t, `mutation { createBenchmark(input: {name: "x", models: ["openai/a", "openai/b", "openai/c"], dataset: `+dataset(1)+`}) { id } }`, nil)
	require.Equal(t, "BAD_USER_INPUT", e.Code())
	require.Contains(t, e.Message, "at most 2 models")
	e = c.Err(t, `mutation { createBenchmark(input: {name: "x", models: ["openai/a"], dataset: `+dataset(101)+`}) { id } }`, nil)
	require.Contains(t, e.Message, "at most 100 items")

	var cr struct{ CreateBenchmark benchmarkOut }
	c.MustDo(t, `mutation { createBenchmark(input: {name: "slow", models: ["openai/good-slow"], dataset: `+dataset(60)+`}, start: true) { id } }`, nil, &cr)
	id := cr.CreateBenchmark.ID
	deadline := time.Now().Add(20 * time.Second)
	for {
		var out struct{ Node benchmarkOut }
		c.MustDo(t, `query($id: ID!) { node(id: $id) { ... on Benchmark { status progressDone } } }`, map[string]any{"id": id}, &out)
		if out.Node.ProgressDone > 0 {
			break
		}
		require.True(t, time.Now().Before(deadline), "no progress")
		time.Sleep(20 * time.Millisecond)
	}
	c.MustDo(t, `mutation($id: ID!) { cancelBenchmark(id: $id) { status } }`, map[string]any{"id": id}, nil)
	done := waitBenchmark(t, c, id)
	require.Equal(t, "CANCELLED", done.Status)
	require.Less(t, done.ItemResults.TotalCount, 60, "no new calls after the cancel")
	time.Sleep(300 * time.Millisecond)
	again := waitBenchmark(t, c, id)
	require.Equal(t, "CANCELLED", again.Status, "it stays cancelled")
	require.Equal(t, "BAD_USER_INPUT", c.Err(t, `mutation($id: ID!) { startBenchmark(id: $id) { id } }`, map[string]any{"id": id}).Code())
}

func TestBenchmarkDailyQuota(t *testing.T) {
	t.Parallel()
	_, _, env := modelAPIs(t, 0)
	s := testutil.NewServer(t, testutil.SQLite, testutil.ServerOptions{Env: env})
	c := s.Client(s.SignUp(t, "quota@example.com", viewer.RoleFree).Token)
	// FREE: 1,000 model calls a day; each of these reserves 2 × 100 = 200.
	for i := range 5 {
		c.MustDo(t, `mutation { createBenchmark(input: {name: "q", models: ["openai/good-a", "openai/good-b"], dataset: `+dataset(100)+`}, start: true) { id } }`, nil, nil)
		_ = i
	}
	e := c.Err(t, `mutation { createBenchmark(input: {name: "q", models: ["openai/good-a"], dataset: `+dataset(1)+`}, start: true) { id } }`, nil)
	require.Equal(t, "RATE_LIMITED", e.Code())
	require.Contains(t, e.Message, "1,000")
	require.NotEmpty(t, e.Extensions["resetAt"])
	n, err := s.DB.Client.Benchmark.Query().Count(testutil.System())
	require.NoError(t, err)
	require.Equal(t, 5, n, "the refused benchmark was not written (the mutation rolled back)")
}

// TestCancelledBenchmarkReturnsItsQuota: a cancelled benchmark counts against the day's quota only the calls
// it made, so the calls it never made can be spent again.
func TestCancelledBenchmarkReturnsItsQuota(t *testing.T) {
	t.Parallel()
	_, _, env := modelAPIs(t, 300*time.Millisecond)
	s := testutil.NewServer(t, testutil.SQLite, testutil.ServerOptions{Env: env})
	c := s.Client(s.SignUp(t, "refund@example.com", viewer.RoleFree).Token)
	start := `mutation { createBenchmark(input: {name: "q", models: ["openai/good-a", "openai/good-b"], dataset: ` + dataset(100) + `}, start: true) { id } }`
	var last struct{ CreateBenchmark struct{ ID string } }
	for range 5 { // 5 × 200 calls: the FREE day's 1,000
		c.MustDo(t, start, nil, &last)
	}
	require.Equal(t, "RATE_LIMITED", c.Err(t, start, nil).Code())
	c.MustDo(t, `mutation($id: ID!) { cancelBenchmark(id: $id) { id } }`, map[string]any{"id": last.CreateBenchmark.ID}, nil)
	var done struct {
		Node struct{ ProgressDone int }
	}
	c.MustDo(t, `query($id: ID!) { node(id: $id) { ... on Benchmark { progressDone } } }`, map[string]any{"id": last.CreateBenchmark.ID}, &done)
	require.Less(t, done.Node.ProgressDone, 100, "the slow model API leaves most calls unmade")
	c.MustDo(t, `mutation { createBenchmark(input: {name: "after", models: ["openai/good-a"], dataset: `+dataset(100)+`}, start: true) { id } }`, nil, nil)
}

// TestBenchmarkReasoningEffort: a model id naming a reasoning effort (openai/model@high) is called with that
// reasoning_effort on the wire, under the model's own name, and its results are kept under the id with the
// effort (where the catalog's row for that effort takes them as evidence); an effort the API does not take
// is refused before anything is saved.
func TestBenchmarkReasoningEffort(t *testing.T) {
	t.Parallel()
	oa, _, env := modelAPIs(t, 0)
	s := testutil.NewServer(t, testutil.SQLite, testutil.ServerOptions{Env: env})
	c := s.Client(s.SignUp(t, "effort@example.com", viewer.RolePro).Token)
	var cr struct{ CreateBenchmark benchmarkOut }
	c.MustDo(t, fmt.Sprintf(`mutation { createBenchmark(input: {name: "effort", models: ["openai/good-a@high", "openai/good-b"], dataset: %s}, start: true) { %s } }`,
		dataset(3), benchmarkFields), nil, &cr)
	done := waitBenchmark(t, c, cr.CreateBenchmark.ID)
	require.Equal(t, "COMPLETED", done.Status)
	require.Equal(t, "openai/good-a@high", *done.Results.Models[0].Model)
	efforts := map[string][]string{}
	for _, r := range oa.Requests() {
		efforts[r.Model] = append(efforts[r.Model], r.ReasoningEffort)
	}
	require.Equal(t, []string{"high", "high", "high"}, efforts["good-a"], "the model's own name, with the effort")
	require.Equal(t, []string{"", "", ""}, efforts["good-b"], "no effort: the API's default")

	for _, bad := range []string{"openai/good-a@extreme", "gemini/good-flash@high"} {
		e := c.Err(t, fmt.Sprintf(`mutation { createBenchmark(input: {name: "bad", models: ["%s"], dataset: %s}) { id } }`, bad, dataset(1)), nil)
		require.Equal(t, "BAD_USER_INPUT", e.Code(), bad)
		require.Equal(t, "models[0]", e.Extensions["field"])
	}
}
