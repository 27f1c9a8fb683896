package graph_test

import (
	"fmt"
	"net/http"
	"strings"
	"sync"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/modelarchitect/architect/ent/judgeanswer"
	"github.com/modelarchitect/architect/ent/quotaledger"
	"github.com/modelarchitect/architect/internal/evaluation"
	"github.com/modelarchitect/architect/internal/providers/providertest"
	"github.com/modelarchitect/architect/internal/testutil"
	"github.com/modelarchitect/architect/internal/viewer"
)

// judgeAPI is one local OpenAI-compatible server for the answering model and the judge. The writer model
// echoes its prompt. The judge's verdict is scripted by the answer it is shown: "good" passes with score 0.9,
// "bad" fails with 0.2 (inside a ```json fence), "garbled" gets prose without the contract (invalid), and
// "broken" gets HTTP 400 (a failed judge call). Asked for a choice (the prompt ends with "Answer: <choice>"), it
// answers Yes, No, Maybe (none of the choices: the invalid bucket) or HTTP 400 in the same cases.
func judgeAPI(t *testing.T) (env map[string]string, judgeCalls func() int) {
	var (
		mu    sync.Mutex
		calls int
	)
	oa := providertest.NewOpenAI(t, "sk-test", func(r providertest.Request) providertest.Reply {
		usage := &providertest.Usage{Input: 20, Output: 5}
		if !strings.Contains(r.Model, "judge") {
			return providertest.Reply{Chunks: []string{r.Prompt}, Usage: usage}
		}
		mu.Lock()
		calls++
		mu.Unlock()
		answer := r.Prompt[strings.Index(r.Prompt, "[Answer]"):]
		choices := strings.Contains(r.System, "Answer: <choice>")
		var reply string
		switch {
		case strings.Contains(answer, "broken"):
			return providertest.Reply{Status: http.StatusBadRequest, ErrorMessage: "the judge refused the request"}
		case strings.Contains(answer, "good") && choices:
			reply = "It covers every point.\nAnswer: Yes"
		case strings.Contains(answer, "good"):
			reply = `{"reason": "covers every point", "score": 0.9, "pass": true}`
		case strings.Contains(answer, "bad") && choices:
			reply = "It misses the point.\nAnswer: No"
		case strings.Contains(answer, "bad"):
			reply = "Here is my verdict:\n```json\n{\"reason\": \"misses the point\", \"score\": 0.2, \"pass\": false}\n```"
		case choices:
			reply = "Hard to say.\nAnswer: Maybe"
		default:
			reply = "I think the answer is fine overall."
		}
		return providertest.Reply{Chunks: []string{reply}, Usage: usage}
	})
	return map[string]string{"OPENAI_BASE_URL": oa.BaseURL}, func() int { mu.Lock(); defer mu.Unlock(); return calls }
}

const judgeDataset = `[
	{input: "good summary", expected: "Covers the main point.", assertion: JUDGE},
	{input: "bad summary", expected: "Covers the main point.", assertion: JUDGE},
	{input: "garbled summary", expected: "Covers the main point.", assertion: JUDGE},
	{input: "broken summary", expected: "Covers the main point.", assertion: JUDGE},
	{input: "plain text", expected: "plain", assertion: CONTAINS}]`

type judgedModel struct {
	Items, Passed, Failed, Errors, JudgeCalls, JudgeInvalid int
	JudgeUsage                                              struct{ InputTokens, OutputTokens int }
}

type judgedRow struct {
	Item                         int
	Passed, Judged, JudgeInvalid bool
	JudgeScore                   float64
	JudgeCalls                   int
	Reason, Error                string
}

// TestJudgeAssertions grades answers with a judge model in both modes (the JSON contract and an answer→score map
// with its invalid bucket), checks every branch (pass, fail, fenced verdict, malformed verdict, a choice outside
// the map, a failed judge call), that a second run is graded from the owner's cache without judge calls, and
// that judge calls count in the estimate, progress and the quota ledger.
func TestJudgeAssertions(t *testing.T) {
	t.Parallel()
	eachBackend(t, func(t *testing.T, b testutil.Backend) {
		env, judgeCalls := judgeAPI(t)
		s := testutil.NewServer(t, b, testutil.ServerOptions{Env: env})
		u := s.SignUp(t, "judge@example.com", viewer.RolePro)
		c := s.Client(u.Token)

		run := func(judge string) (benchmarkOut, judgedModel, []judgedRow) {
			var cr struct {
				CreateBenchmark struct {
					ID            string
					ProgressTotal int
					Estimate      struct{ Calls, JudgeCalls int }
				}
			}
			c.MustDo(t, `mutation { createBenchmark(input: {name: "summaries", models: ["openai/writer-model"], dataset: `+judgeDataset+`,
				judge: `+judge+`}, start: true) { id progressTotal estimate { calls judgeCalls } } }`, nil, &cr)
			require.Equal(t, 9, cr.CreateBenchmark.ProgressTotal, "5 answers + 4 judge steps")
			require.Equal(t, 9, cr.CreateBenchmark.Estimate.Calls)
			require.Equal(t, 4, cr.CreateBenchmark.Estimate.JudgeCalls)
			done := waitBenchmark(t, c, cr.CreateBenchmark.ID)
			require.Equal(t, "COMPLETED", done.Status, "%v", done.Error)
			require.Equal(t, 9, done.ProgressDone)
			var out struct {
				Node struct {
					Results     struct{ Models []judgedModel }
					ItemResults struct{ Edges []struct{ Node judgedRow } }
				}
			}
			c.MustDo(t, `query($id: ID!) { node(id: $id) { ... on Benchmark {
				results { models { items passed failed errors judgeCalls judgeInvalid judgeUsage { inputTokens outputTokens } } }
				itemResults(first: 10, orderBy: {field: ITEM}) { edges { node { item passed judged judgeInvalid judgeScore judgeCalls reason error } } } } } }`,
				map[string]any{"id": cr.CreateBenchmark.ID}, &out)
			rows := make([]judgedRow, len(out.Node.ItemResults.Edges))
			for i, e := range out.Node.ItemResults.Edges {
				rows[i] = e.Node
			}
			return done, out.Node.Results.Models[0], rows
		}
		used := func() (int, int) {
			r, err := s.DB.Client.QuotaLedger.Query().Where(quotaledger.OwnerID(u.RowID), quotaledger.KindEQ(quotaledger.KindBENCHMARK)).Only(testutil.System())
			require.NoError(t, err)
			return r.Used, r.Reserved
		}

		// the JSON contract {reason, score, pass}
		_, m, rows := run(`{model: "openai/judge-model"}`)
		require.Equal(t, judgedModel{Items: 5, Passed: 2, Failed: 2, Errors: 1, JudgeCalls: 4, JudgeInvalid: 1,
			JudgeUsage: struct{ InputTokens, OutputTokens int }{60, 15}}, m, "the failed judge call has no usage")
		require.Equal(t, judgedRow{Item: 0, Passed: true, Judged: true, JudgeScore: 0.9, JudgeCalls: 1, Reason: "judge: covers every point"}, rows[0])
		require.Equal(t, judgedRow{Item: 1, Judged: true, JudgeScore: 0.2, JudgeCalls: 1, Reason: "misses the point"}, rows[1], "a fenced verdict is read")
		require.True(t, rows[2].JudgeInvalid)
		require.Contains(t, rows[2].Reason, "invalid judge answer: answer: holds no JSON object")
		require.Equal(t, 1, rows[3].JudgeCalls)
		require.Contains(t, rows[3].Error, "judge: ")
		require.Contains(t, rows[3].Error, "the judge refused the request")
		require.Equal(t, judgedRow{Item: 4, Passed: true}, rows[4], "a CONTAINS item is not judged")
		require.Equal(t, 4, judgeCalls())
		usedCalls, reserved := used()
		require.Equal(t, 9, usedCalls, "5 answers + 4 judge calls")
		require.Equal(t, 0, reserved)

		// the same answers again: three verdicts come from the cache; only the failed one is asked again
		_, m, rows = run(`{model: "openai/judge-model"}`)
		require.Equal(t, 1, m.JudgeCalls)
		require.Equal(t, 2, m.Passed)
		require.Equal(t, 1, m.JudgeInvalid)
		require.Equal(t, 0, rows[0].JudgeCalls)
		require.Equal(t, 0.9, rows[0].JudgeScore)
		require.Equal(t, 5, judgeCalls())
		usedCalls, reserved = used()
		require.Equal(t, 9+6, usedCalls, "cached verdicts gave their reserved calls back")
		require.Equal(t, 0, reserved)
		n, err := s.DB.Client.JudgeAnswer.Query().Where(judgeanswer.OwnerID(u.RowID)).Count(testutil.System())
		require.NoError(t, err)
		require.Equal(t, 3, n, "failed judge calls are not cached")

		// an answer→score map with its invalid bucket
		_, m, rows = run(`{model: "openai/judge-model", choices: [{answer: "Yes", score: 1}, {answer: "No", score: 0}]}`)
		require.Equal(t, 4, m.JudgeCalls, "another prompt: nothing cached")
		require.Equal(t, 2, m.Passed)
		require.Equal(t, 1, m.JudgeInvalid)
		require.Equal(t, judgedRow{Item: 0, Passed: true, Judged: true, JudgeScore: 1, JudgeCalls: 1, Reason: "judge: judge chose Yes"}, rows[0])
		require.Equal(t, "judge chose No", rows[1].Reason)
		require.True(t, rows[2].JudgeInvalid)
		require.Contains(t, rows[2].Reason, "__invalid__")

		// another owner's identical run is not served from this owner's cache
		other := s.Client(s.SignUp(t, "judge-other@example.com", viewer.RolePro).Token)
		var cr struct{ CreateBenchmark struct{ ID string } }
		other.MustDo(t, `mutation { createBenchmark(input: {name: "s", models: ["openai/writer-model"], dataset: `+judgeDataset+`,
			judge: {model: "openai/judge-model"}}, start: true) { id } }`, nil, &cr)
		require.Equal(t, "COMPLETED", waitBenchmark(t, other, cr.CreateBenchmark.ID).Status)
		require.Equal(t, 5+4+4, judgeCalls())
	})
}

// TestJudgeRefusals: a JUDGE item needs a judge, and the judge a configured provider and valid choices.
func TestJudgeRefusals(t *testing.T) {
	t.Parallel()
	env, _ := judgeAPI(t)
	s := testutil.NewServer(t, testutil.SQLite, testutil.ServerOptions{Env: env})
	c := s.Client(s.SignUp(t, "judge-refusals@example.com", viewer.RolePro).Token)
	for _, tc := range []struct{ name, judge, field, message string }{
		{name: "no judge", judge: ``, field: "judge", message: "item 0 is JUDGE"},
		{name: "unconfigured provider", judge: `, judge: {model: "ollama/llama3.2"}`, field: "judge.model", message: "ollama"},
		{name: "choice score out of range", judge: `, judge: {model: "openai/judge-model", choices: [{answer: "Yes", score: 2}]}`,
			field: "judge.choices[0].score", message: "must be in [0, 1]"},
		{name: "choices differing in case", judge: `, judge: {model: "openai/judge-model", choices: [{answer: "Yes", score: 1}, {answer: "yes", score: 0}]}`,
			field: "judge.choices", message: "only in case"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			e := c.Err(t, fmt.Sprintf(`mutation { createBenchmark(input: {name: "s", models: ["openai/writer-model"],
				dataset: [{input: "good", expected: "rubric", assertion: JUDGE}]%s}) { id } }`, tc.judge), nil)
			require.Equal(t, "BAD_USER_INPUT", e.Code())
			require.Equal(t, tc.field, e.Extensions["field"])
			require.Contains(t, e.Message, tc.message)
		})
	}
}

// TestJudgeCalibration labels the judge's answers of a 40-item run through the API and checks the agreement
// figures: against people who agree with it the judge has TPR = TNR = κ = 1 and the corrected pass rate is the
// observed 0.5; against people who disagree with every verdict TPR + TNR − 1 = −1, so no corrected rate is given.
func TestJudgeCalibration(t *testing.T) {
	t.Parallel()
	eachBackend(t, func(t *testing.T, b testutil.Backend) {
		env, _ := judgeAPI(t)
		s := testutil.NewServer(t, b, testutil.ServerOptions{Env: env})
		c := s.Client(s.SignUp(t, "calibrate@example.com", viewer.RolePro).Token)
		var items []string
		for i := range 40 {
			kind := "good"
			if i%2 == 1 {
				kind = "bad"
			}
			items = append(items, fmt.Sprintf(`{input: "%s summary %d", expected: "Covers the point.", assertion: JUDGE}`, kind, i))
		}
		var cr struct{ CreateBenchmark struct{ ID string } }
		c.MustDo(t, `mutation { createBenchmark(input: {name: "cal", models: ["openai/writer-model"], dataset: [`+strings.Join(items, ",")+`],
			judge: {model: "openai/judge-model"}}, start: true) { id } }`, nil, &cr)
		id := cr.CreateBenchmark.ID
		require.Equal(t, "COMPLETED", waitBenchmark(t, c, id).Status)

		label := func(agree bool) int {
			var labels []map[string]any
			for i := range 40 {
				labels = append(labels, map[string]any{"model": "openai/writer-model", "item": i, "passed": (i%2 == 0) == agree})
			}
			var out struct{ LabelBenchmarkAnswers int }
			c.MustDo(t, `mutation($in: LabelBenchmarkAnswersInput!) { labelBenchmarkAnswers(input: $in) }`,
				map[string]any{"in": map[string]any{"benchmarkId": id, "labels": labels}}, &out)
			return out.LabelBenchmarkAnswers
		}
		type calibration struct {
			Labels, HeldOut, TruePositives, FalseNegatives, FalsePositives, TrueNegatives int
			Tpr, Tnr, Kappa, ObservedPassRate, CorrectedPassRate                          float64
			Corrected                                                                     bool
			Interval                                                                      struct{ Low, High float64 }
			Reason                                                                        string
		}
		calibrate := func() calibration {
			var out struct{ BenchmarkCalibration calibration }
			c.MustDo(t, `query($id: ID!) { benchmarkCalibration(benchmarkId: $id) { labels heldOut truePositives falseNegatives
				falsePositives trueNegatives tpr tnr kappa observedPassRate corrected correctedPassRate interval { low high } reason } }`,
				map[string]any{"id": id}, &out)
			return out.BenchmarkCalibration
		}
		// the held-out half is chosen by a hash of the item and the model (evaluation.HeldOut)
		heldGood, heldBad := 0, 0
		for i := range 40 {
			if evaluation.HeldOut(fmt.Sprintf("%d/0", i), "openai/writer-model") {
				if i%2 == 0 {
					heldGood++
				} else {
					heldBad++
				}
			}
		}
		require.Positive(t, heldGood)
		require.Positive(t, heldBad)

		require.Equal(t, 40, label(true))
		cal := calibrate()
		require.Equal(t, 40, cal.Labels)
		require.Equal(t, heldGood+heldBad, cal.HeldOut)
		require.Equal(t, heldGood, cal.TruePositives)
		require.Equal(t, heldBad, cal.TrueNegatives)
		require.Equal(t, 1.0, cal.Tpr)
		require.Equal(t, 1.0, cal.Tnr)
		require.InDelta(t, 1.0, cal.Kappa, 1e-12)
		require.Equal(t, 0.5, cal.ObservedPassRate)
		require.True(t, cal.Corrected)
		require.InDelta(t, 0.5, cal.CorrectedPassRate, 1e-12) // (0.5 + 1 − 1)/(1 + 1 − 1)
		require.LessOrEqual(t, cal.Interval.Low, 0.5)
		require.GreaterOrEqual(t, cal.Interval.High, 0.5)

		// labels are replaced: people now disagree with every verdict
		require.Equal(t, 40, label(false))
		cal = calibrate()
		require.Equal(t, 40, cal.Labels)
		require.Equal(t, heldGood, cal.FalsePositives)
		require.Equal(t, heldBad, cal.FalseNegatives)
		require.Equal(t, 0.0, cal.Tpr)
		require.Equal(t, 0.0, cal.Tnr)
		// Cohen 1960: observed agreement 0, chance agreement pe = (G·B + B·G)/n² for G good and B bad held-out
		// answers (the judge passes the G, people pass the B), κ = (0 − pe)/(1 − pe)
		n := float64(heldGood + heldBad)
		pe := 2 * float64(heldGood) * float64(heldBad) / (n * n)
		require.InDelta(t, -pe/(1-pe), cal.Kappa, 1e-12)
		require.False(t, cal.Corrected)
		require.Contains(t, cal.Reason, "0.1")

		// only judged answers take labels; another user's benchmark is NOT_FOUND
		e := c.Err(t, `mutation($in: LabelBenchmarkAnswersInput!) { labelBenchmarkAnswers(input: $in) }`,
			map[string]any{"in": map[string]any{"benchmarkId": id, "labels": []map[string]any{{"model": "openai/writer-model", "item": 40, "passed": true}}}})
		require.Equal(t, "labels[0]", e.Extensions["field"])
		stranger := s.Client(s.SignUp(t, "calibrate-stranger@example.com", viewer.RolePro).Token)
		e = stranger.Err(t, `mutation($in: LabelBenchmarkAnswersInput!) { labelBenchmarkAnswers(input: $in) }`,
			map[string]any{"in": map[string]any{"benchmarkId": id, "labels": []map[string]any{{"model": "openai/writer-model", "item": 0, "passed": true}}}})
		require.Equal(t, "NOT_FOUND", e.Code())
		e = stranger.Err(t, `query($id: ID!) { benchmarkCalibration(benchmarkId: $id) { kappa } }`, map[string]any{"id": id})
		require.Equal(t, "NOT_FOUND", e.Code())
	})
}
