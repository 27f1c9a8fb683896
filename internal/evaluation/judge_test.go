package evaluation

import (
	"encoding/hex"
	"errors"
	"math"
	"strings"
	"testing"

	"github.com/stretchr/testify/require"
)

func TestParseJudgeVerdict(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name   string
		answer string
		want   JudgeVerdict
		field  string // of the *JudgeAnswerError; empty when the answer is valid
	}{
		{"valid", `{"reason": "polite and correct", "score": 0.9, "pass": true}`, JudgeVerdict{"polite and correct", 0.9, true}, ""},
		{"json fence", "Here is my grade:\n```json\n{\"reason\": \"rude\", \"score\": 0, \"pass\": false}\n```\nThanks.", JudgeVerdict{"rude", 0, false}, ""},
		{"bare fence", "```\n{\"score\": 1, \"pass\": true}\n```", JudgeVerdict{Score: 1, Pass: true}, ""},
		{"prose around", `After weighing {tone} and facts: {"reason": "ok", "score": 0.5, "pass": true} — final.`, JudgeVerdict{"ok", 0.5, true}, ""},
		{"prose with a fence that wins", "I use {braces} here.\n```json\n{\"reason\": \"x\", \"score\": 0.25, \"pass\": false}\n```", JudgeVerdict{"x", 0.25, false}, ""},
		{"extra keys ignored", `{"score": 0.7, "pass": true, "confidence": "high"}`, JudgeVerdict{Score: 0.7, Pass: true}, ""},
		{"malformed", `{"reason": "good", "score": 0.8, "pass": tru`, JudgeVerdict{}, "answer"},
		{"no JSON at all", "PASS — looks right to me", JudgeVerdict{}, "answer"},
		{"empty", "", JudgeVerdict{}, "answer"},
		{"JSON array", `[{"score": 1, "pass": true}]`, JudgeVerdict{Score: 1, Pass: true}, ""},
		{"score above 1", `{"reason": "great", "score": 8, "pass": true}`, JudgeVerdict{}, "score"},
		{"negative score", `{"score": -0.1, "pass": false}`, JudgeVerdict{}, "score"},
		{"score as string", `{"score": "0.8", "pass": true}`, JudgeVerdict{}, "score"},
		{"missing score", `{"reason": "fine", "pass": true}`, JudgeVerdict{}, "score"},
		{"missing pass", `{"reason": "fine", "score": 1}`, JudgeVerdict{}, "pass"},
		{"null pass", `{"score": 1, "pass": null}`, JudgeVerdict{}, "pass"},
		{"pass as string", `{"score": 1, "pass": "true"}`, JudgeVerdict{}, "pass"},
		{"reason not a string", `{"reason": 3, "score": 1, "pass": true}`, JudgeVerdict{}, "reason"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			got, err := ParseJudgeVerdict(tc.answer)
			if tc.field == "" {
				require.NoError(t, err)
				require.Equal(t, tc.want, got)
				return
			}
			require.ErrorIs(t, err, ErrInvalidJudgeAnswer)
			var je *JudgeAnswerError
			require.True(t, errors.As(err, &je))
			require.Equal(t, tc.field, je.Field)
			require.Contains(t, je.Reason, `"pass": boolean`, "the message restates the contract")
		})
	}
}

func TestParseJudgeVerdictManyBraces(t *testing.T) {
	t.Parallel()
	_, err := ParseJudgeVerdict(strings.Repeat("{", 100_000))
	require.ErrorIs(t, err, ErrInvalidJudgeAnswer)
}

func TestChoiceMap(t *testing.T) {
	t.Parallel()
	m, err := NewChoiceMap(map[string]float64{"Yes": 1, "No": 0, "Partly": 0.5})
	require.NoError(t, err)
	tests := []struct {
		answer string
		want   Classification
	}{
		{"Yes", Classification{Choice: "Yes", Score: 1}},
		{"  no.  ", Classification{Choice: "No", Score: 0}},
		{"The answer covers half the facts.\nReasoning done.\n\nAnswer: **Partly**", Classification{Choice: "Partly", Score: 0.5}},
		{"Yes\nbut actually I am unsure", Classification{Choice: InvalidChoice, Invalid: true}},
		{"Maybe", Classification{Choice: InvalidChoice, Invalid: true}},
		{"", Classification{Choice: InvalidChoice, Invalid: true}},
		{"Yes or No", Classification{Choice: InvalidChoice, Invalid: true}},
	}
	for _, tc := range tests {
		require.Equal(t, tc.want, m.Classify(tc.answer), "%q", tc.answer)
	}

	for name, bad := range map[string]map[string]float64{
		"empty":      {},
		"reserved":   {InvalidChoice: 0, "Yes": 1},
		"case clash": {"Yes": 1, "yes": 0},
		"colon":      {"A: good": 1},
		"blank":      {"": 1},
		"padded":     {" A": 1},
		"not finite": {"A": 1, "B": math.NaN()},
	} {
		_, err := NewChoiceMap(bad)
		var ve *ValidationError
		require.True(t, errors.As(err, &ve), "%s: got %v", name, err)
	}
}

func TestCombineSwapped(t *testing.T) {
	t.Parallel()
	tests := []struct {
		ab, ba Position
		want   Pairwise
	}{
		{First, Second, Pairwise{Winner: WinnerA, Consistent: true}}, // A first wins; B first loses → A
		{Second, First, Pairwise{Winner: WinnerB, Consistent: true}}, // B both times
		{Tie, Tie, Pairwise{Winner: WinnerTie, Consistent: true}},
		{First, First, Pairwise{Winner: WinnerTie, PositionBiased: true}}, // always the first shown
		{Second, Second, Pairwise{Winner: WinnerTie, PositionBiased: true}},
		{First, Tie, Pairwise{Winner: WinnerTie}},
		{Tie, First, Pairwise{Winner: WinnerTie}},
	}
	for _, tc := range tests {
		got, err := CombineSwapped(tc.ab, tc.ba)
		require.NoError(t, err)
		require.Equal(t, tc.want, got, "ab=%s ba=%s", tc.ab, tc.ba)
	}
	_, err := CombineSwapped("A", Tie)
	var ve *ValidationError
	require.True(t, errors.As(err, &ve))
	require.Equal(t, "ab", ve.Field)
}

func TestCacheKey(t *testing.T) {
	t.Parallel()
	r := JudgeRequest{Owner: "org-1", Rubric: "polite?", Input: "hi", Output: "hello", JudgeModel: "judge-1"}
	k := CacheKey(r)
	require.Len(t, k, 64)
	require.Equal(t, k, CacheKey(r), "deterministic")
	shifted := r
	shifted.Input, shifted.Output = "hih", "ello" // same concatenation, different fields
	require.NotEqual(t, k, CacheKey(shifted))
	for _, change := range []func(*JudgeRequest){
		func(q *JudgeRequest) { q.Owner = "org-2" },
		func(q *JudgeRequest) { q.Rubric += " " },
		func(q *JudgeRequest) { q.JudgeModel = "judge-2" },
	} {
		q := r
		change(&q)
		require.NotEqual(t, k, CacheKey(q))
	}

	// a pairwise judgement has one key per order, none shared with the single-answer key
	ab := r
	ab.Reference, ab.Position = "reference", First
	ba := ab
	ba.Position = Second
	require.NotEqual(t, k, CacheKey(ab))
	require.NotEqual(t, CacheKey(ab), CacheKey(ba))
	moved := ab
	moved.Output, moved.Reference = "helloref", "erence" // same concatenation, different fields
	require.NotEqual(t, CacheKey(ab), CacheKey(moved))
	v1 := fieldHash("evaluation.judge.v1", r.Owner, r.Rubric, r.Input, r.Output, r.JudgeModel)
	require.Equal(t, hex.EncodeToString(v1[:]), k, "single-answer keys stay as cached before pairwise judging existed")
}

func TestParsePosition(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		answer string
		want   Position
	}{
		{"Answer: A", First},
		{"The second is clearer.\nAnswer: B", Second},
		{"Both are equally good.\nAnswer: **tie**", Tie},
		{"[[A]]", First},
		{"Verdict: b.", Second},
	} {
		got, err := ParsePosition(tc.answer)
		require.NoError(t, err, tc.answer)
		require.Equal(t, tc.want, got, tc.answer)
	}
	for _, answer := range []string{"", "Answer: C", "A is better than B, I think"} {
		_, err := ParsePosition(answer)
		require.ErrorIs(t, err, ErrInvalidJudgeAnswer, answer)
	}
}
