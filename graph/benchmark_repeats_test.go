package graph_test

import (
	"fmt"
	"net/http"
	"strings"
	"sync"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/modelarchitect/architect/ent/quotaledger"
	"github.com/modelarchitect/architect/internal/providers/providertest"
	"github.com/modelarchitect/architect/internal/testutil"
	"github.com/modelarchitect/architect/internal/viewer"
)

// clusteredDataset is "What is i+1?" for i = 0…n−1, two items per source document (cluster doc-⌊i/2⌋).
func clusteredDataset(n int) string {
	var items []string
	for i := range n {
		items = append(items, fmt.Sprintf(`{input: "What is %d+1?", expected: "%d", assertion: CONTAINS, cluster: "doc-%d", tags: ["sums"]}`, i, i+1, i/2))
	}
	return "[" + strings.Join(items, ", ") + "]"
}

// coinAPI answers "What is a+b?" right, except for a model named *half*: it gets items with a ≡ 1 (mod 4)
// wrong every time, and items with a ≡ 0 (mod 4) right on every second call of that prompt, so with two
// repeats exactly one of the two runs passes, whatever order the calls arrive in.
func coinAPI(t *testing.T) map[string]string {
	var (
		mu    sync.Mutex
		calls = map[string]int{}
	)
	oa := providertest.NewOpenAI(t, "sk-test", func(r providertest.Request) providertest.Reply {
		var a, b int
		_, _ = fmt.Sscanf(r.Prompt, "What is %d+%d?", &a, &b)
		mu.Lock()
		calls[r.Model+r.Prompt]++
		n := calls[r.Model+r.Prompt]
		mu.Unlock()
		answer := fmt.Sprint(a + b)
		if strings.Contains(r.Model, "half") && (a%4 == 1 || a%4 == 0 && n%2 == 1) {
			answer = "no idea"
		}
		return providertest.Reply{Chunks: []string{answer}, Usage: &providertest.Usage{Input: 10, Output: 2}}
	})
	return map[string]string{"OPENAI_BASE_URL": oa.BaseURL}
}

// TestBenchmarkRepeatsAndClusters runs 8 items in 4 clusters twice on a steady and a half-right model, and
// checks by hand the per-item pass rates, the clustered standard error, the comparison and the gate.
func TestBenchmarkRepeatsAndClusters(t *testing.T) {
	t.Parallel()
	eachBackend(t, func(t *testing.T, b testutil.Backend) {
		s := testutil.NewServer(t, b, testutil.ServerOptions{Env: coinAPI(t)})
		u := s.SignUp(t, "repeats@example.com", viewer.RolePro)
		c := s.Client(u.Token)

		var cr struct {
			CreateBenchmark struct {
				ID       string
				Repeats  int
				Estimate struct {
					Calls  int
					Models []struct{ Calls int }
				}
				Dataset []struct {
					Cluster string
					Tags    []string
				}
			}
		}
		c.MustDo(t, `mutation { createBenchmark(input: {name: "sums", models: ["openai/steady-model", "openai/half-model"],
			dataset: `+clusteredDataset(8)+`, repeats: 2}) { id repeats estimate { calls models { calls } } dataset { cluster tags } } }`, nil, &cr)
		require.Equal(t, 2, cr.CreateBenchmark.Repeats)
		require.Equal(t, 32, cr.CreateBenchmark.Estimate.Calls, "2 models × 8 items × 2 repeats")
		require.Equal(t, 16, cr.CreateBenchmark.Estimate.Models[0].Calls)
		require.Equal(t, "doc-3", cr.CreateBenchmark.Dataset[7].Cluster)
		require.Equal(t, []string{"sums"}, cr.CreateBenchmark.Dataset[7].Tags)
		id := cr.CreateBenchmark.ID
		c.MustDo(t, `mutation($id: ID!) { startBenchmark(id: $id) { id } }`, map[string]any{"id": id}, nil)
		done := waitBenchmark(t, c, id)
		require.Equal(t, "COMPLETED", done.Status)
		require.Equal(t, 32, done.ProgressTotal)
		require.Equal(t, 32, done.ProgressDone)
		require.Equal(t, 32, done.ItemResults.TotalCount, "one row per model, item and repeat")

		// the quota ledger counted every repeat, once
		rows, err := s.DB.Client.QuotaLedger.Query().Where(quotaledger.OwnerID(u.RowID), quotaledger.KindEQ(quotaledger.KindBENCHMARK)).All(testutil.System())
		require.NoError(t, err)
		require.Len(t, rows, 1)
		require.Equal(t, 32, rows[0].Used)
		require.Equal(t, 0, rows[0].Reserved)

		var res struct {
			Node struct {
				Results struct {
					Models []struct {
						Model                                   string
						Items, Passed, Repeats, Clusters        int
						Accuracy, Score, StandardError, NaiveSE float64
						AccuracyCI                              struct{ Low, High float64 }
						ItemPassRates                           []float64
					}
				}
				ItemResults struct {
					Edges []struct{ Node struct{ Item, Repeat int } }
				}
			}
		}
		c.MustDo(t, `query($id: ID!) { node(id: $id) { ... on Benchmark {
			results { models { model items passed repeats clusters accuracy score standardError naiveSE: naiveStandardError
				accuracyCI { low high } itemPassRates } }
			itemResults(first: 100, where: {model: "openai/half-model", item: 0}) { edges { node { item repeat } } } } } }`,
			map[string]any{"id": id}, &res)
		steady, half := res.Node.Results.Models[0], res.Node.Results.Models[1]
		require.Equal(t, []float64{1, 1, 1, 1, 1, 1, 1, 1}, steady.ItemPassRates)
		require.Equal(t, 0.0, steady.StandardError)
		require.Equal(t, "openai/half-model", half.Model)
		require.Equal(t, 16, half.Items)
		require.Equal(t, 10, half.Passed) // 1 + 0 + 2 + 2 + 1 + 0 + 2 + 2 passing runs
		require.Equal(t, 2, half.Repeats)
		require.Equal(t, []float64{0.5, 0, 1, 1, 0.5, 0, 1, 1}, half.ItemPassRates)
		require.InDelta(t, 0.625, half.Score, 1e-12)
		require.InDelta(t, 0.625, half.Accuracy, 1e-12)
		// item means x = [.5, 0, 1, 1, .5, 0, 1, 1], x̄ = 0.625: Σ(x − x̄)² = 1.375, sd = √(1.375/7) = 0.4432026,
		// naive SE = sd/√8 = 0.1566958. Clusters doc-0…doc-3 sum to −0.75, +0.75, −0.75, +0.75:
		// CR0 SE² = 4 · 0.5625 / 8² = 0.03515625, SE = 0.1875.
		require.InDelta(t, 0.1566958, half.NaiveSE, 1e-7)
		require.InDelta(t, 0.1875, half.StandardError, 1e-12)
		require.Equal(t, 4, half.Clusters)
		// 0.625 ± 1.959964 · 0.1875
		require.InDelta(t, 0.2575068, half.AccuracyCI.Low, 1e-6)
		require.InDelta(t, 0.9924932, half.AccuracyCI.High, 1e-6)
		require.Len(t, res.Node.ItemResults.Edges, 2)
		require.ElementsMatch(t, []int{0, 1}, []int{res.Node.ItemResults.Edges[0].Node.Repeat, res.Node.ItemResults.Edges[1].Node.Repeat})

		// the half model against the steady one, paired item by item over the repeats' means, clustered
		var cmp struct {
			CompareBenchmarks struct {
				Statistics struct {
					N, Clusters              int
					Clustered                bool
					MeanDiff, SE, DF, PValue float64
					Interval                 struct{ Low, High float64 }
					PassToFail               []int
					Mcnemar                  *struct{ PValue float64 }
					McnemarSkipped           string
					Items                    []struct {
						Item                            int
						Cluster                         string
						Baseline, Candidate, Diff       float64
						BaselinePassed, CandidatePassed bool
					}
				}
			}
		}
		side := func(m string) map[string]any { return map[string]any{"benchmarkId": id, "model": m} }
		c.MustDo(t, `query($in: CompareBenchmarksInput!) { compareBenchmarks(input: $in) { statistics {
			n clusters clustered meanDiff se df pValue interval { low high } passToFail mcnemar { pValue } mcnemarSkipped
			items { item cluster baseline candidate diff baselinePassed candidatePassed } } } }`,
			map[string]any{"in": map[string]any{"baseline": side("openai/steady-model"), "candidate": side("openai/half-model")}}, &cmp)
		st := cmp.CompareBenchmarks.Statistics
		require.Equal(t, 8, st.N)
		require.True(t, st.Clustered)
		require.Equal(t, 4, st.Clusters)
		// differences [−.5, −1, 0, 0, −.5, −1, 0, 0], mean −0.375; cluster sums of (d − d̄): −0.75, +0.75, −0.75,
		// +0.75, so the CR0 SE is again √(4 · 0.5625)/8 = 0.1875, with a normal interval (df 0)
		require.InDelta(t, -0.375, st.MeanDiff, 1e-12)
		require.InDelta(t, 0.1875, st.SE, 1e-12)
		require.Equal(t, 0.0, st.DF)
		require.InDelta(t, -0.375-1.959963984540054*0.1875, st.Interval.Low, 1e-9)
		require.Nil(t, st.Mcnemar)
		require.NotEmpty(t, st.McnemarSkipped)
		require.Equal(t, []int{1, 5}, st.PassToFail, "item 0 passes half of its runs: at the 0.5 threshold it still passes")
		require.Equal(t, 1, st.Items[0].Item)
		require.Equal(t, "doc-0", st.Items[0].Cluster)
		require.False(t, st.Items[0].CandidatePassed)
		last := st.Items[len(st.Items)-1]
		require.Equal(t, 7, last.Item)
		require.Equal(t, 0.0, last.Diff)

		// the gate: the clustered 95 % interval of the drop is [−0.742, −0.0075]. Against a tolerated drop of 0.05
		// it straddles −0.05: too wide to establish a regression, so the gate passes with a warning; against a
		// tolerated drop of 0 a regression is established.
		gate := func(maxDrop float64) (verdict string, inconclusive bool) {
			var g struct {
				BenchmarkGate struct {
					Verdict      string
					Inconclusive bool
				}
			}
			c.MustDo(t, `query($in: BenchmarkGateInput!) { benchmarkGate(input: $in) { verdict inconclusive } }`,
				map[string]any{"in": map[string]any{"baseline": side("openai/steady-model"), "candidate": side("openai/half-model"), "maxDrop": maxDrop}}, &g)
			return g.BenchmarkGate.Verdict, g.BenchmarkGate.Inconclusive
		}
		require.InDelta(t, -0.0075, st.Interval.High, 1e-4)
		v, inconclusive := gate(0.05)
		require.Equal(t, "PASS", v)
		require.True(t, inconclusive)
		v, _ = gate(0)
		require.Equal(t, "FAIL", v)
	})
}

// TestBenchmarkRepeatLimits: repeats are capped by role (FREE 3) and count against the daily quota.
func TestBenchmarkRepeatLimits(t *testing.T) {
	t.Parallel()
	_, _, env := modelAPIs(t, 0)
	s := testutil.NewServer(t, testutil.SQLite, testutil.ServerOptions{Env: env})
	c := s.Client(s.SignUp(t, "repeat-limits@example.com", viewer.RoleFree).Token)
	e := c.Err(t, `mutation { createBenchmark(input: {name: "q", models: ["openai/good-a"], dataset: `+dataset(2)+`, repeats: 4}) { id } }`, nil)
	require.Equal(t, "BAD_USER_INPUT", e.Code())
	require.Equal(t, "repeats", e.Extensions["field"])
	require.Contains(t, e.Message, "the FREE role allows at most 3 repeats in one benchmark; this one has 4")
	e = c.Err(t, `mutation { createBenchmark(input: {name: "q", models: ["openai/good-a"], dataset: `+dataset(2)+`, repeats: 0}) { id } }`, nil)
	require.Equal(t, "repeats", e.Extensions["field"])

	// 2 models × 100 items × 3 repeats = 600 calls; a second one would need 1,200 of the FREE day's 1,000
	start := `mutation { createBenchmark(input: {name: "q", models: ["openai/good-a", "openai/good-b"], dataset: ` + dataset(100) + `, repeats: 3}, start: true) { id progressTotal } }`
	var out struct{ CreateBenchmark struct{ ProgressTotal int } }
	c.MustDo(t, start, nil, &out)
	require.Equal(t, 600, out.CreateBenchmark.ProgressTotal)
	e = c.Err(t, start, nil)
	require.Equal(t, "RATE_LIMITED", e.Code())
	require.Contains(t, e.Message, "this benchmark needs 600")

	// updateBenchmark changes repeats of a PENDING benchmark, and progressTotal with them
	var up struct {
		UpdateBenchmark struct{ Repeats, ProgressTotal int }
	}
	var cr struct{ CreateBenchmark struct{ ID string } }
	c.MustDo(t, `mutation { createBenchmark(input: {name: "p", models: ["openai/good-a"], dataset: `+dataset(5)+`}) { id } }`, nil, &cr)
	c.MustDo(t, `mutation($id: ID!) { updateBenchmark(id: $id, input: {repeats: 2}) { repeats progressTotal } }`,
		map[string]any{"id": cr.CreateBenchmark.ID}, &up)
	require.Equal(t, 2, up.UpdateBenchmark.Repeats)
	require.Equal(t, 10, up.UpdateBenchmark.ProgressTotal)
}

// TestRepeatedBenchmarkResumes: a rate limit with Retry-After on one prompt outlasts the client's retries, so
// the chunk job stops and River runs it again; the resumed job makes only the runs not yet stored, and every
// (item, repeat) is stored and counted once.
func TestRepeatedBenchmarkResumes(t *testing.T) {
	t.Parallel()
	eachBackend(t, func(t *testing.T, b testutil.Backend) {
		var (
			mu      sync.Mutex
			limited int
		)
		oa := providertest.NewOpenAI(t, "sk-test", func(r providertest.Request) providertest.Reply {
			mu.Lock()
			defer mu.Unlock()
			if strings.Contains(r.Prompt, "What is 2+2?") && limited < 4 { // DefaultMaxAttempts: every attempt of the first call
				limited++
				return providertest.Reply{Status: http.StatusTooManyRequests, RetryAfter: "1", ErrorMessage: "slow down"}
			}
			return providertest.Reply{Chunks: []string{expectedFor(r.Prompt)}, Usage: &providertest.Usage{Input: 10, Output: 2}}
		})
		s := testutil.NewServer(t, b, testutil.ServerOptions{Env: map[string]string{"OPENAI_BASE_URL": oa.BaseURL}})
		u := s.SignUp(t, "resume@example.com", viewer.RolePro)
		c := s.Client(u.Token)
		var cr struct{ CreateBenchmark struct{ ID string } }
		c.MustDo(t, `mutation { createBenchmark(input: {name: "resume", models: ["openai/good-a"], dataset: `+dataset(4)+`, repeats: 3}, start: true) { id } }`,
			nil, &cr)
		done := waitBenchmark(t, c, cr.CreateBenchmark.ID)
		require.Equal(t, "COMPLETED", done.Status, "%v", done.Error)
		require.Equal(t, 4, limited, "the rate limit was hit and outlasted")
		require.Equal(t, 12, done.ProgressDone)
		require.Equal(t, 12, done.ItemResults.TotalCount)
		require.Equal(t, 12, done.Results.Models[0].Items)
		require.Equal(t, 12, done.Results.Models[0].Passed, "no run recorded as an error")
		rows, err := s.DB.Client.QuotaLedger.Query().Where(quotaledger.OwnerID(u.RowID), quotaledger.KindEQ(quotaledger.KindBENCHMARK)).All(testutil.System())
		require.NoError(t, err)
		require.Equal(t, 12, rows[0].Used)
		require.Equal(t, 0, rows[0].Reserved)
	})
}
