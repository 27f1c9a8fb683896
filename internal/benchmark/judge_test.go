package benchmark

import (
	"context"
	"errors"
	"strings"
	"testing"

	"github.com/stretchr/testify/require"
)

func TestJudgeRead(t *testing.T) {
	t.Parallel()
	contract := JudgeConfig{Model: "openai/judge"}
	choices := JudgeConfig{Model: "openai/judge", Choices: []JudgeChoice{{"Yes", 1}, {"Partly", 0.5}, {"No", 0}}}
	strict := choices
	strict.PassScore = 0.75
	cases := []struct {
		name    string
		cfg     JudgeConfig
		answer  string
		want    JudgeResult
		invalid string // part of Reason when the answer is invalid
	}{
		{name: "verdict passes", cfg: contract, answer: `{"reason": "ok", "score": 0.8, "pass": true}`, want: JudgeResult{Pass: true, Score: 0.8, Reason: "ok"}},
		{name: "verdict fails", cfg: contract, answer: `{"reason": "no", "score": 0.1, "pass": false}`, want: JudgeResult{Score: 0.1, Reason: "no"}},
		{name: "verdict in a fence", cfg: contract, answer: "Verdict:\n```json\n{\"score\": 1, \"pass\": true}\n```", want: JudgeResult{Pass: true, Score: 1}},
		{name: "prose", cfg: contract, answer: "Looks fine to me.", invalid: "holds no JSON object"},
		{name: "score out of range", cfg: contract, answer: `{"score": 7, "pass": true}`, invalid: "outside [0, 1]"},
		{name: "pass missing", cfg: contract, answer: `{"score": 1}`, invalid: "pass: is missing"},
		{name: "choice", cfg: choices, answer: "Reasoning…\nAnswer: yes", want: JudgeResult{Pass: true, Score: 1, Reason: "judge chose Yes"}},
		{name: "middle choice passes at 0.5", cfg: choices, answer: "Answer: Partly", want: JudgeResult{Pass: true, Score: 0.5, Reason: "judge chose Partly"}},
		{name: "middle choice fails at 0.75", cfg: strict, answer: "Answer: Partly", want: JudgeResult{Score: 0.5, Reason: "judge chose Partly"}},
		{name: "no choice", cfg: choices, answer: "Answer: Maybe", invalid: "__invalid__"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			got := tc.cfg.Read(tc.answer)
			if tc.invalid != "" {
				require.True(t, got.Invalid)
				require.False(t, got.Pass)
				require.Contains(t, got.Reason, tc.invalid)
				return
			}
			require.Equal(t, tc.want, got)
		})
	}
}

func TestJudgeValidateAndPrompt(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		cfg   JudgeConfig
		field string
	}{
		{JudgeConfig{Model: "judge"}, "judge.model"},
		{JudgeConfig{Model: "openai/j", PassScore: 2}, "judge.passScore"},
		{JudgeConfig{Model: "openai/j", Choices: []JudgeChoice{{"Yes", -1}}}, "judge.choices[0].score"},
		{JudgeConfig{Model: "openai/j", Choices: []JudgeChoice{{"A:B", 1}}}, "judge.choices"},
		{JudgeConfig{Model: "openai/j", Choices: []JudgeChoice{{"Yes", 1}, {"Yes", 0}}}, "judge.choices"},
	} {
		var ve *ValidationError
		require.True(t, errors.As(tc.cfg.Validate(), &ve), tc.field)
		require.Equal(t, tc.field, ve.Field)
	}
	require.NoError(t, JudgeConfig{Model: "openai/j"}.Validate())

	system, user := JudgeConfig{Model: "openai/j"}.Prompt("Mentions the refund.", "Why?", "Because.")
	require.Contains(t, system, "Mentions the refund.")
	require.Contains(t, system, `"pass"`)
	require.Equal(t, "[Question]\nWhy?\n\n[Answer]\nBecause.", user)
	system, _ = JudgeConfig{Model: "openai/j", Choices: []JudgeChoice{{"Yes", 1}, {"No", 0}}}.Prompt("r", "i", "o")
	require.Contains(t, system, "Answer: <choice>")
	require.Contains(t, system, "Yes, No")

	_, err := Item{Input: "q", Expected: "rubric", Assertion: AssertJudge}.Check("a")
	require.ErrorContains(t, err, "graded by the benchmark's judge model")
	require.ErrorContains(t, Validate([]Item{{Input: "q", Assertion: AssertJudge}}), "items[0].expected: must not be empty for JUDGE")
}

// scriptedJudge grades "good" answers as passing and fails the call for "boom".
type scriptedJudge struct{ err error }

func (j scriptedJudge) Grade(_ context.Context, _ Item, output string) (JudgeResult, error) {
	if strings.Contains(output, "boom") {
		return JudgeResult{Calls: 1}, j.err
	}
	return JudgeResult{Pass: true, Score: 0.9, Reason: "fine", Calls: 1, Usage: Usage{InputTokens: 30, OutputTokens: 4}}, nil
}

type echo struct{}

func (echo) Complete(_ context.Context, prompt string) (Answer, error) {
	return Answer{Text: prompt}, nil
}

func TestRunJudgesJudgeItems(t *testing.T) {
	t.Parallel()
	judged := func(in string) Task {
		return Task{Index: 0, Item: Item{Input: in, Expected: "rubric", Assertion: AssertJudge}}
	}
	run := func(cfg RunConfig, tk Task) ([]ItemResult, error) {
		var got []ItemResult
		cfg.Model, cfg.Completer = "m/x", echo{}
		cfg.OnResult = func(r ItemResult) error { got = append(got, r); return nil }
		return got, Run(context.Background(), cfg, []Task{tk})
	}
	got, err := run(RunConfig{Judge: scriptedJudge{}}, judged("good"))
	require.NoError(t, err)
	require.Equal(t, ItemResult{Output: "good", Pass: true, Reason: "judge: fine", Judged: true, JudgeScore: 0.9, JudgeCalls: 1,
		JudgeUsage: Usage{InputTokens: 30, OutputTokens: 4}}, got[0])

	got, err = run(RunConfig{Judge: scriptedJudge{err: errors.New("judge down")}}, judged("boom"))
	require.NoError(t, err)
	require.Equal(t, "judge: judge down", got[0].Error)
	require.Equal(t, 1, got[0].JudgeCalls, "a failed judge call still counts")

	stop := errors.New("rate limited")
	got, err = run(RunConfig{Judge: scriptedJudge{err: stop}, Abort: func(err error) bool { return errors.Is(err, stop) }}, judged("boom"))
	require.ErrorIs(t, err, stop)
	require.Empty(t, got, "an aborted judge call records nothing, so the item runs again")

	got, err = run(RunConfig{}, judged("good"))
	require.NoError(t, err)
	require.Contains(t, got[0].Error, "needs the benchmark's judge model")
	require.True(t, got[0].Judged)
}

func TestAggregateCountsJudgeCalls(t *testing.T) {
	t.Parallel()
	results := []ItemResult{
		{Item: 0, Pass: true, Judged: true, JudgeCalls: 1, JudgeUsage: Usage{InputTokens: 1000, OutputTokens: 100}},
		{Item: 1, Judged: true, JudgeInvalid: true, JudgeCalls: 1, JudgeUsage: Usage{InputTokens: 1000, OutputTokens: 100}},
		{Item: 2, Pass: true, Judged: true}, // from the cache
	}
	s, err := Aggregate("m/x", nil, results)
	require.NoError(t, err)
	require.Equal(t, 2, s.JudgeCalls)
	require.Equal(t, 1, s.JudgeInvalid)
	require.Equal(t, 1, s.Failed, "an invalid verdict is a failed answer, counted apart too")
	require.Equal(t, Usage{InputTokens: 2000, OutputTokens: 200}, s.JudgeUsage)
	// gptTest: each call is priced by CallCost at its own usage, so the two calls cost twice one
	one := CallCost(gptTest(), Usage{InputTokens: 1000, OutputTokens: 100})
	require.True(t, one.Mul(dec("2")).Equal(JudgeCosts(gptTest(), results)))
}

func TestReadPairwise(t *testing.T) {
	t.Parallel()
	once := JudgeConfig{Model: "openai/judge", Pairwise: &Pairwise{}}
	swap := JudgeConfig{Model: "openai/judge", Pairwise: &Pairwise{SwapPositions: true}}
	lenient := swap
	lenient.PassScore = 0.5
	require.Equal(t, 1, once.CallsPerStep())
	require.Equal(t, 2, swap.CallsPerStep())
	require.Equal(t, 1, JudgeConfig{Model: "openai/judge"}.CallsPerStep())
	cases := []struct {
		name    string
		cfg     JudgeConfig
		answers []string
		want    JudgeResult
		invalid string
	}{
		{name: "one order: the answer wins", cfg: once, answers: []string{"Answer: A"},
			want: JudgeResult{Pass: true, Score: 1, Reason: "the judge preferred the answer to the reference"}},
		{name: "one order: the reference wins", cfg: once, answers: []string{"Answer: B"},
			want: JudgeResult{Score: 0, Reason: "the judge preferred the reference"}},
		{name: "one order: a tie does not pass", cfg: once, answers: []string{"Answer: TIE"},
			want: JudgeResult{Score: 0.5, Reason: "the judge found the answer and the reference equally good"}},
		{name: "swapped: the answer wins in both orders", cfg: swap, answers: []string{"Answer: A", "Answer: B"},
			want: JudgeResult{Pass: true, Score: 1, Reason: "the judge preferred the answer to the reference in both orders"}},
		{name: "swapped: the reference wins in both orders", cfg: swap, answers: []string{"Answer: B", "Answer: A"},
			want: JudgeResult{Score: 0, Reason: "the judge preferred the reference in both orders"}},
		{name: "swapped: first position twice is position bias", cfg: swap, answers: []string{"Answer: A", "Answer: A"},
			want: JudgeResult{Score: 0.5, Reason: "the judge preferred the answer shown first in both orders (position bias): counted as a tie"}},
		{name: "swapped: second position twice", cfg: swap, answers: []string{"Answer: B", "Answer: B"},
			want: JudgeResult{Score: 0.5, Reason: "the judge preferred the answer shown second in both orders (position bias): counted as a tie"}},
		{name: "swapped: a win and a tie disagree", cfg: swap, answers: []string{"Answer: A", "Answer: TIE"},
			want: JudgeResult{Score: 0.5, Reason: "the two orders disagree: counted as a tie"}},
		{name: "swapped: a tie passes at passScore 0.5", cfg: lenient, answers: []string{"Answer: TIE", "Answer: TIE"},
			want: JudgeResult{Pass: true, Score: 0.5, Reason: "the judge found the answer and the reference equally good in both orders"}},
		{name: "an answer naming no position", cfg: swap, answers: []string{"Answer: A", "Both fine."}, invalid: "asked with the reference first"},
		{name: "a missing order", cfg: swap, answers: []string{"Answer: A"}, invalid: "1 answers for 2 positions"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			got := tc.cfg.ReadPairwise(tc.answers)
			if tc.invalid != "" {
				require.True(t, got.Invalid)
				require.False(t, got.Pass)
				require.Contains(t, got.Reason, tc.invalid)
				return
			}
			require.Equal(t, tc.want, got)
		})
	}

	system, ab := swap.PairwisePrompt("Why?", "Because.", "Since.", true)
	_, ba := swap.PairwisePrompt("Why?", "Because.", "Since.", false)
	require.Contains(t, system, DefaultPairwiseCriteria)
	require.Contains(t, system, `"Answer: TIE"`)
	require.Equal(t, "[Question]\nWhy?\n\n[Answer A]\nBecause.\n\n[Answer B]\nSince.", ab)
	require.Equal(t, "[Question]\nWhy?\n\n[Answer A]\nSince.\n\n[Answer B]\nBecause.", ba)
	system, _ = JudgeConfig{Model: "openai/j", Pairwise: &Pairwise{Criteria: "Shorter is better."}}.PairwisePrompt("q", "o", "r", true)
	require.Contains(t, system, "Shorter is better.")

	var ve *ValidationError
	require.ErrorAs(t, JudgeConfig{Model: "openai/j", Pairwise: &Pairwise{}, Choices: []JudgeChoice{{"Yes", 1}}}.Validate(), &ve)
	require.Equal(t, "judge.pairwise", ve.Field)
	require.ErrorAs(t, JudgeConfig{Model: "openai/j", Pairwise: &Pairwise{Criteria: "a\x00b"}}.Validate(), &ve)
	require.Equal(t, "judge.pairwise.criteria", ve.Field)
}
