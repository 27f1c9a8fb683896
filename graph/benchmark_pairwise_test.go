package graph_test

import (
	"fmt"
	"math"
	"strings"
	"sync"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/modelarchitect/architect/ent/quotaledger"
	"github.com/modelarchitect/architect/internal/providers/providertest"
	"github.com/modelarchitect/architect/internal/testutil"
	"github.com/modelarchitect/architect/internal/viewer"
)

// judgeCall is one request a pairwise judge received: its model and the two answers in the order shown.
type judgeCall struct{ Model, A, B string }

// pairwiseAPI is a local OpenAI-compatible server (real HTTP, the chat-completions stream format) for a writer
// model that echoes its prompt and two pairwise judges: biased-judge always prefers the answer shown first, as a
// position-biased judge does; fair-judge prefers the answer that says "good" (a tie when both or neither do).
func pairwiseAPI(t *testing.T) (env map[string]string, calls func() []judgeCall) {
	var (
		mu  sync.Mutex
		log []judgeCall
	)
	oa := providertest.NewOpenAI(t, "sk-test", func(r providertest.Request) providertest.Reply {
		usage := &providertest.Usage{Input: 40, Output: 6}
		if !strings.Contains(r.Model, "judge") {
			return providertest.Reply{Chunks: []string{r.Prompt}, Usage: usage}
		}
		_, rest, _ := strings.Cut(r.Prompt, "[Answer A]\n")
		a, b, _ := strings.Cut(rest, "\n\n[Answer B]\n")
		mu.Lock()
		log = append(log, judgeCall{r.Model, a, b})
		mu.Unlock()
		verdict := "A"
		if strings.Contains(r.Model, "fair") {
			switch ga, gb := strings.Contains(a, "good"), strings.Contains(b, "good"); {
			case ga && !gb:
				verdict = "A"
			case gb && !ga:
				verdict = "B"
			default:
				verdict = "TIE"
			}
		}
		return providertest.Reply{Chunks: []string{"Comparing both answers.\nAnswer: " + verdict}, Usage: usage}
	})
	return map[string]string{"OPENAI_BASE_URL": oa.BaseURL}, func() []judgeCall {
		mu.Lock()
		defer mu.Unlock()
		return append([]judgeCall(nil), log...)
	}
}

// The writer echoes each input, so item 0's answer is better than its reference and item 1's worse.
const pairwiseDataset = `[
	{input: "a good summary", expected: "a plain reference", assertion: JUDGE},
	{input: "a weak summary", expected: "a good reference", assertion: JUDGE},
	{input: "plain text", expected: "plain", assertion: CONTAINS}]`

// TestJudgePairwise compares each answer with the item's expected answer (the reference). A position-biased
// judge asked once makes the weaker answer win; asked in both orders its verdicts disagree and
// evaluation.CombineSwapped turns them into ties. Both calls count in progress, the quota ledger and the
// results, and each order is cached under its own key.
func TestJudgePairwise(t *testing.T) {
	t.Parallel()
	eachBackend(t, func(t *testing.T, b testutil.Backend) {
		env, calls := pairwiseAPI(t)
		s := testutil.NewServer(t, b, testutil.ServerOptions{Env: env})
		u := s.SignUp(t, "pairwise@example.com", viewer.RolePro)
		c := s.Client(u.Token)

		type created struct {
			ID            string
			ProgressTotal int
			Estimate      struct {
				Calls, JudgeCalls int
				JudgeInputTokens  struct{ Low, High int }
			}
			Judge struct {
				Pairwise *struct {
					Criteria      string
					SwapPositions bool
				}
			}
		}
		type row struct {
			Item       int
			Passed     bool
			JudgeScore float64
			JudgeCalls int
			Reason     string
		}
		run := func(judge string) (created, []row, int) {
			var cr struct{ CreateBenchmark created }
			c.MustDo(t, `mutation { createBenchmark(input: {name: "pairs", models: ["openai/writer-model"], dataset: `+pairwiseDataset+`,
				judge: `+judge+`}, start: true) { id progressTotal estimate { calls judgeCalls judgeInputTokens { low high } }
				judge { pairwise { criteria swapPositions } } } }`, nil, &cr)
			done := waitBenchmark(t, c, cr.CreateBenchmark.ID)
			require.Equal(t, "COMPLETED", done.Status, "%v", done.Error)
			require.Equal(t, 5, done.ProgressDone, "3 answers + 2 judge steps, however many calls a step takes")
			var out struct {
				Node struct {
					Results     struct{ Models []struct{ JudgeCalls int } }
					ItemResults struct{ Edges []struct{ Node row } }
				}
			}
			c.MustDo(t, `query($id: ID!) { node(id: $id) { ... on Benchmark { results { models { judgeCalls } }
				itemResults(first: 10, orderBy: {field: ITEM}) { edges { node { item passed judgeScore judgeCalls reason } } } } } }`,
				map[string]any{"id": cr.CreateBenchmark.ID}, &out)
			rows := make([]row, len(out.Node.ItemResults.Edges))
			for i, e := range out.Node.ItemResults.Edges {
				rows[i] = e.Node
			}
			return cr.CreateBenchmark, rows, out.Node.Results.Models[0].JudgeCalls
		}
		ledger := func() (used, reserved int) {
			r, err := s.DB.Client.QuotaLedger.Query().Where(quotaledger.OwnerID(u.RowID), quotaledger.KindEQ(quotaledger.KindBENCHMARK)).Only(testutil.System())
			require.NoError(t, err)
			return r.Used, r.Reserved
		}

		// asked once, the biased judge always prefers the answer, shown first: the weak summary "wins" too
		cr, rows, made := run(`{model: "openai/biased-judge", pairwise: {swapPositions: false}}`)
		require.Equal(t, 5, cr.ProgressTotal)
		require.Equal(t, 3+2, cr.Estimate.Calls)
		require.Equal(t, 2, cr.Estimate.JudgeCalls)
		require.NotNil(t, cr.Judge.Pairwise)
		require.False(t, cr.Judge.Pairwise.SwapPositions)
		require.Equal(t, 2, made)
		require.Equal(t, row{Item: 0, Passed: true, JudgeScore: 1, JudgeCalls: 1, Reason: "judge: the judge preferred the answer to the reference"}, rows[0])
		require.Equal(t, row{Item: 1, Passed: true, JudgeScore: 1, JudgeCalls: 1, Reason: "judge: the judge preferred the answer to the reference"}, rows[1],
			"biased: the weaker answer wins when it is always shown first")
		require.Equal(t, []judgeCall{{"biased-judge", "a weak summary", "a good reference"}}, filter(calls(), "weak"),
			"the answer is shown first, the reference second")
		used, reserved := ledger()
		require.Equal(t, 5, used)
		require.Equal(t, 0, reserved)

		// asked in both orders: the first order is answered from the cache (same key), the swapped order is a new
		// call, and the two verdicts disagree: a tie that says why
		cr, rows, made = run(`{model: "openai/biased-judge", pairwise: {}}`)
		require.True(t, cr.Judge.Pairwise.SwapPositions, "swapPositions defaults to true")
		require.Equal(t, 5, cr.ProgressTotal)
		require.Equal(t, 3+4, cr.Estimate.Calls, "two judge calls per JUDGE item")
		require.Equal(t, 4, cr.Estimate.JudgeCalls)
		require.Equal(t, 2, made, "one new call per item: the answer-first order was cached by the first run")
		const biased = "the judge preferred the answer shown first in both orders (position bias): counted as a tie"
		require.Equal(t, row{Item: 0, JudgeScore: 0.5, JudgeCalls: 1, Reason: biased}, rows[0])
		require.Equal(t, row{Item: 1, JudgeScore: 0.5, JudgeCalls: 1, Reason: biased}, rows[1])
		require.Equal(t, []judgeCall{{"biased-judge", "a weak summary", "a good reference"}, {"biased-judge", "a good reference", "a weak summary"}},
			filter(calls(), "weak"), "the swapped order shows the reference first")
		used, reserved = ledger()
		require.Equal(t, 5+5, used, "3 answers + 2 judge calls; the 2 cached ones gave their reservation back")
		require.Equal(t, 0, reserved)

		// the same run again is graded wholly from the cache
		_, rows, made = run(`{model: "openai/biased-judge", pairwise: {swapPositions: true}}`)
		require.Equal(t, 0, made)
		require.Equal(t, 0.5, rows[1].JudgeScore)
		require.Len(t, calls(), 4)
		used, reserved = ledger()
		require.Equal(t, 10+3, used)
		require.Equal(t, 0, reserved)

		// a judge that reads the answers agrees with itself in both orders
		_, rows, made = run(`{model: "openai/fair-judge", pairwise: {criteria: "Prefer the good one."}}`)
		require.Equal(t, 4, made)
		require.Equal(t, row{Item: 0, Passed: true, JudgeScore: 1, JudgeCalls: 2, Reason: "judge: the judge preferred the answer to the reference in both orders"}, rows[0])
		require.Equal(t, row{Item: 1, JudgeScore: 0, JudgeCalls: 2, Reason: "the judge preferred the reference in both orders"}, rows[1])
		used, reserved = ledger()
		require.Equal(t, 13+3+4, used)
		require.Equal(t, 0, reserved)

		// a pairwise judge answers A, B or TIE, so it takes no choices
		e := c.Err(t, `mutation { createBenchmark(input: {name: "p", models: ["openai/writer-model"], dataset: `+pairwiseDataset+`,
			judge: {model: "openai/fair-judge", pairwise: {}, choices: [{answer: "Yes", score: 1}]}}) { id } }`, nil)
		require.Equal(t, "BAD_USER_INPUT", e.Code())
		require.Equal(t, "judge.pairwise", e.Extensions["field"])
		require.Contains(t, e.Message, "leave choices empty")
	})
}

// filter keeps the judge calls about answers containing s.
func filter(cs []judgeCall, s string) []judgeCall {
	var out []judgeCall
	for _, c := range cs {
		if strings.Contains(c.A+c.B, s) {
			c.Model = strings.TrimPrefix(c.Model, "openai/")
			out = append(out, c)
		}
	}
	return out
}

// TestEstimateJudgeTokens: estimateBenchmark prices the judge's calls at the catalog price of the judge model
// (openai/gpt-4.1-mini: $0.40 / M input, $1.60 / M output) and doubles them for a pairwise judge asked in both
// orders.
func TestEstimateJudgeTokens(t *testing.T) {
	t.Parallel()
	env, _ := pairwiseAPI(t)
	s := testutil.NewServer(t, testutil.SQLite, testutil.ServerOptions{Env: env})
	c := s.Client(s.SignUp(t, "estimate-judge@example.com", viewer.RolePro).Token)
	type estimate struct {
		Calls, JudgeCalls                   int
		JudgeInputTokens, JudgeOutputTokens struct{ Low, High int }
		JudgeCost                           *struct{ Low, High string }
	}
	est := func(judge string) estimate {
		var out struct{ CreateBenchmark struct{ Estimate estimate } }
		c.MustDo(t, `mutation { createBenchmark(input: {name: "e", models: ["openai/writer-model"], maxOutputTokens: 100,
			dataset: `+pairwiseDataset+`, judge: `+judge+`}) { estimate { calls judgeCalls judgeInputTokens { low high }
			judgeOutputTokens { low high } judgeCost { low high } } } }`, nil, &out)
		return out.CreateBenchmark.Estimate
	}
	single := est(`{model: "openai/gpt-4.1-mini"}`)
	require.Equal(t, 3+2, single.Calls)
	require.Equal(t, 2, single.JudgeCalls)
	require.Equal(t, single.JudgeInputTokens.Low+2*99, single.JudgeInputTokens.High, "answers of 1 to 100 tokens in the judge's prompt")
	require.Equal(t, struct{ Low, High int }{2 * 30, 2 * 512}, single.JudgeOutputTokens)
	require.NotNil(t, single.JudgeCost)
	// $0.40 / M input, $1.60 / M output (catalog.json, openai/gpt-4.1-mini)
	requireDollars(t, 0.4e-6*float64(single.JudgeInputTokens.Low)+1.6e-6*60, single.JudgeCost.Low)
	requireDollars(t, 0.4e-6*float64(single.JudgeInputTokens.High)+1.6e-6*1024, single.JudgeCost.High)

	swapped := est(`{model: "openai/gpt-4.1-mini", pairwise: {}}`)
	require.Equal(t, 3+4, swapped.Calls)
	require.Equal(t, 4, swapped.JudgeCalls)
	require.Equal(t, struct{ Low, High int }{4 * 30, 4 * 512}, swapped.JudgeOutputTokens)
	once := est(`{model: "openai/gpt-4.1-mini", pairwise: {swapPositions: false}}`)
	require.Equal(t, 2, once.JudgeCalls)
	require.Equal(t, 2*once.JudgeInputTokens.Low, swapped.JudgeInputTokens.Low)
	require.Equal(t, 2*once.JudgeInputTokens.High, swapped.JudgeInputTokens.High)

	unpriced := est(`{model: "openai/biased-judge"}`)
	require.Nil(t, unpriced.JudgeCost, "a judge the catalog has no price for is unknown, not free")
	require.Equal(t, single.JudgeInputTokens, unpriced.JudgeInputTokens)
}

func requireDollars(t *testing.T, want float64, got string) {
	t.Helper()
	var v float64
	_, err := fmt.Sscan(got, &v)
	require.NoError(t, err)
	require.LessOrEqual(t, math.Abs(want-v), 1e-12, "want %v, got %s", want, got)
}

// TestCompareGradedJudgeScores: two writers whose JUDGE answers all pass, with different judge scores. On
// pass/fail the runs are equal and a paired t-test is undefined; compareBenchmarks runs it on the judge's graded
// scores instead (pairedTGraded), while the interval and flips stay on pass/fail.
func TestCompareGradedJudgeScores(t *testing.T) {
	t.Parallel()
	base := []float64{0.6, 0.7, 0.8, 0.9, 0.6, 0.7, 0.8, 0.9, 0.6, 0.7}
	cand := []float64{0.7, 0.9, 0.9, 0.9, 0.9, 0.8, 0.9, 0.95, 0.8, 0.8}
	eachBackend(t, func(t *testing.T, b testutil.Backend) {
		oa := providertest.NewOpenAI(t, "sk-test", func(r providertest.Request) providertest.Reply {
			usage := &providertest.Usage{Input: 10, Output: 5}
			if strings.Contains(r.Model, "judge") {
				var score float64
				_, after, _ := strings.Cut(r.Prompt, "[Answer]\nscore=")
				_, _ = fmt.Sscan(after, &score)
				return providertest.Reply{Chunks: []string{fmt.Sprintf(`{"reason": "graded", "score": %v, "pass": %v}`, score, score >= 0.5)}, Usage: usage}
			}
			var i int
			_, _ = fmt.Sscanf(r.Prompt, "item %d", &i)
			scores := base
			if strings.Contains(r.Model, "cand") {
				scores = cand
			}
			return providertest.Reply{Chunks: []string{fmt.Sprintf("score=%v", scores[i])}, Usage: usage}
		})
		s := testutil.NewServer(t, b, testutil.ServerOptions{Env: map[string]string{"OPENAI_BASE_URL": oa.BaseURL}})
		c := s.Client(s.SignUp(t, "graded@example.com", viewer.RolePro).Token)
		var items []string
		for i := range base {
			items = append(items, fmt.Sprintf(`{input: "item %d", expected: "Is it good?", assertion: JUDGE}`, i))
		}
		var cr struct{ CreateBenchmark struct{ ID string } }
		c.MustDo(t, `mutation { createBenchmark(input: {name: "graded", models: ["openai/base-writer", "openai/cand-writer"],
			dataset: [`+strings.Join(items, ",")+`], judge: {model: "openai/judge-model"}}, start: true) { id } }`, nil, &cr)
		id := cr.CreateBenchmark.ID
		require.Equal(t, "COMPLETED", waitBenchmark(t, c, id).Status)

		var out struct {
			CompareBenchmarks struct {
				Statistics struct {
					MeanDiff, PValue float64
					PairedT          *struct{ MeanDiff, Statistic, DF, PValue float64 }
					PairedTGraded    bool
					PairedTSkipped   string
					PassToFail       []int
				}
			}
		}
		c.MustDo(t, `query($in: CompareBenchmarksInput!) { compareBenchmarks(input: $in) { statistics { meanDiff pValue
			pairedT { meanDiff statistic df pValue } pairedTGraded pairedTSkipped passToFail } } }`,
			map[string]any{"in": map[string]any{"baseline": map[string]any{"benchmarkId": id, "model": "openai/base-writer"},
				"candidate": map[string]any{"benchmarkId": id, "model": "openai/cand-writer"}}}, &out)
		st := out.CompareBenchmarks.Statistics
		require.Equal(t, 0.0, st.MeanDiff, "every item passed on both sides")
		require.Empty(t, st.PassToFail)
		require.True(t, st.PairedTGraded)
		require.Empty(t, st.PairedTSkipped)
		require.NotNil(t, st.PairedT)
		// graded differences 0.1 0.2 0.1 0 0.3 0.1 0.1 0.05 0.2 0.1: mean 0.125, sd 0.0857969 (python3 statistics),
		// t = 0.125/(0.0857969/√10) = 4.607213, df 9, two-sided p = 0.0012774 (Simpson integration of the t density)
		require.InDelta(t, 0.125, st.PairedT.MeanDiff, 1e-12)
		require.InDelta(t, 4.607213, st.PairedT.Statistic, 1e-6)
		require.Equal(t, 9.0, st.PairedT.DF)
		require.InDelta(t, 0.0012774, st.PairedT.PValue, 1e-7)
	})
}
