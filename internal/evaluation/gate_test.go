package evaluation

import (
	"bytes"
	"encoding/xml"
	"errors"
	"fmt"
	"math"
	"testing"

	"github.com/stretchr/testify/require"
)

// suite returns n pass/fail items named item-000…; pass decides which pass.
func suite(n int, pass func(i int) bool) []Item {
	items := make([]Item, n)
	for i := range items {
		s := 0.0
		if pass(i) {
			s = 1
		}
		items[i] = Item{ID: fmt.Sprintf("item-%03d", i), Scores: []float64{s}}
	}
	return items
}

func statuses(r GateResult) map[string]CheckStatus {
	m := make(map[string]CheckStatus, len(r.Checks))
	for _, ck := range r.Checks {
		m[ck.Name] = ck.Status
	}
	return m
}

func TestGate(t *testing.T) {
	t.Parallel()
	base := func(i int) bool { return i%4 != 0 } // 150 of 200 pass
	tests := []struct {
		name         string
		gate         Gate
		candidate    func(i int) bool
		noBaseline   bool
		verdict      Verdict
		inconclusive bool
		checks       map[string]CheckStatus
		reason       string
	}{
		{
			// two items flip each way: difference 0 with a 95 % interval of about ±0.02
			name: "pass", gate: Gate{MinScore: 0.7, MaxDrop: 0.05, MustPass: []string{"item-001"}},
			candidate: func(i int) bool { return base(i) != (i == 1+4*10 || i == 2+4*20 || i == 4*30 || i == 4*40) },
			verdict:   Pass,
			checks:    map[string]CheckStatus{CheckMinScore: CheckPassed, CheckMaxDrop: CheckPassed, "must_pass:item-001": CheckPassed},
		},
		{
			name: "fail by min score", gate: Gate{MinScore: 0.9},
			candidate: base, verdict: Fail, reason: "below the minimum 0.9",
			checks: map[string]CheckStatus{CheckMinScore: CheckFailed, CheckMaxDrop: CheckPassed},
		},
		{
			// 40 of the 150 passing items fail: −0.2 ± 0.056, far below −0.05
			name: "fail by established regression", gate: Gate{MaxDrop: 0.05},
			candidate: func(i int) bool { return base(i) && i >= 55 }, verdict: Fail, reason: "regression established",
			checks: map[string]CheckStatus{CheckMinScore: CheckPassed, CheckMaxDrop: CheckFailed},
		},
		{
			// 8 of the 150 passing items fail: −0.04 ± 0.027 straddles −0.05
			name: "inconclusive passes with a warning", gate: Gate{MaxDrop: 0.05},
			candidate: func(i int) bool { return base(i) && i >= 11 }, verdict: Pass, inconclusive: true, reason: "too wide to decide",
			checks: map[string]CheckStatus{CheckMinScore: CheckPassed, CheckMaxDrop: CheckInconclusive},
		},
		{
			name: "must-pass item failed", gate: Gate{MaxDrop: 0.5, MustPass: []string{"item-002", "item-004", "item-008"}},
			candidate: func(i int) bool { return base(i) && i != 2 }, verdict: Fail, reason: `must-pass item "item-002" did not pass`,
			checks: map[string]CheckStatus{CheckMinScore: CheckPassed, CheckMaxDrop: CheckPassed,
				"must_pass:item-002": CheckFailed, "must_pass:item-004": CheckFailed, "must_pass:item-008": CheckFailed},
		},
		{
			name: "no baseline skips the drop check", gate: Gate{MinScore: 0.5}, noBaseline: true,
			candidate: base, verdict: Pass,
			checks: map[string]CheckStatus{CheckMinScore: CheckPassed, CheckMaxDrop: CheckSkipped},
		},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			var baseline []Item
			if !tc.noBaseline {
				baseline = suite(200, base)
			}
			r, err := tc.gate.Evaluate(suite(200, tc.candidate), baseline)
			require.NoError(t, err)
			require.Equal(t, tc.verdict, r.Verdict, r.Reasons)
			require.Equal(t, tc.inconclusive, r.Inconclusive)
			require.Equal(t, tc.checks, statuses(r))
			require.Equal(t, tc.noBaseline, r.Comparison == nil)
			if tc.reason != "" {
				require.NotEmpty(t, r.Reasons)
				require.Contains(t, r.Reasons[0], tc.reason)
			} else {
				require.Empty(t, r.Reasons)
			}
			if r.Comparison != nil {
				c := r.Comparison
				switch statuses(r)[CheckMaxDrop] {
				case CheckFailed:
					require.Less(t, c.Interval.High, -tc.gate.MaxDrop)
				case CheckInconclusive:
					require.Less(t, c.Interval.Low, -tc.gate.MaxDrop)
					require.GreaterOrEqual(t, c.Interval.High, -tc.gate.MaxDrop)
				case CheckPassed:
					require.GreaterOrEqual(t, c.Interval.Low, -tc.gate.MaxDrop)
				}
			}
		})
	}
}

func TestGateRejects(t *testing.T) {
	t.Parallel()
	items := suite(10, func(i int) bool { return i%2 == 0 })
	tests := []struct {
		name  string
		gate  Gate
		base  []Item
		field string
	}{
		{"min score NaN", Gate{MinScore: math.NaN()}, nil, "gate.minScore"},
		{"min score above 1", Gate{MinScore: 1.2}, nil, "gate.minScore"},
		{"negative drop", Gate{MaxDrop: -0.1}, nil, "gate.maxDrop"},
		{"alpha Inf", Gate{Alpha: math.Inf(1)}, nil, "gate.alpha"},
		{"alpha too small", Gate{Alpha: 1e-17}, nil, "gate.alpha"},
		{"unknown must-pass item", Gate{MustPass: []string{"item-001", "nope"}}, nil, "gate.mustPass[1]"},
		{"empty baseline", Gate{}, []Item{}, "baseline.items"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			_, err := tc.gate.Evaluate(items, tc.base)
			var ve *ValidationError
			require.True(t, errors.As(err, &ve), "want a *ValidationError, got %v", err)
			require.Equal(t, tc.field, ve.InputField())
		})
	}
	_, err := Gate{}.Evaluate(items, items[:9])
	var me *ItemSetMismatchError
	require.True(t, errors.As(err, &me), "got %v", err)
}

// Test-side JUnit shapes, written from the JUnit XML schema rather than shared with the writer.
type parsedSuite struct {
	XMLName  xml.Name `xml:"testsuite"`
	Name     string   `xml:"name,attr"`
	Tests    int      `xml:"tests,attr"`
	Failures int      `xml:"failures,attr"`
	Skipped  int      `xml:"skipped,attr"`
	Cases    []struct {
		Name    string `xml:"name,attr"`
		Failure *struct {
			Message string `xml:"message,attr"`
			Body    string `xml:",chardata"`
		} `xml:"failure"`
		Skipped   *struct{} `xml:"skipped"`
		SystemOut string    `xml:"system-out"`
	} `xml:"testcase"`
}

func TestWriteJUnitParses(t *testing.T) {
	t.Parallel()
	odd := `q<1>&"2"`
	base := suite(200, func(i int) bool { return i%4 != 0 })
	base = append(base, Item{ID: odd, Scores: []float64{1}})
	cand := suite(200, func(i int) bool { return i%4 != 0 && i >= 11 })
	cand = append(cand, Item{ID: odd, Scores: []float64{0}})
	r, err := Gate{MinScore: 0.9, MaxDrop: 0.05, MustPass: []string{odd, "item-013"}}.Evaluate(cand, base)
	require.NoError(t, err)

	var buf bytes.Buffer
	require.NoError(t, WriteJUnit(&buf, "eval smoke", r))
	var got parsedSuite
	require.NoError(t, xml.Unmarshal(buf.Bytes(), &got), buf.String())
	require.Equal(t, "eval smoke", got.Name)
	require.Equal(t, 4, got.Tests)
	require.Len(t, got.Cases, 4)
	require.Equal(t, 2, got.Failures, "min score and the must-pass item")
	require.Zero(t, got.Skipped)

	byName := map[string]int{}
	for i, c := range got.Cases {
		byName[c.Name] = i
	}
	minScore := got.Cases[byName["min_score"]]
	require.NotNil(t, minScore.Failure)
	require.Contains(t, minScore.Failure.Message, "below the minimum 0.9")
	drop := got.Cases[byName["max_drop"]]
	require.Nil(t, drop.Failure, "an inconclusive drop passes")
	require.Contains(t, drop.SystemOut, "inconclusive")
	odder := got.Cases[byName["must_pass:"+odd]]
	require.NotNil(t, odder.Failure)
	require.Contains(t, odder.Failure.Body, fmt.Sprintf("%q", odd), "names survive XML escaping")
	require.Nil(t, got.Cases[byName["must_pass:item-013"]].Failure)

	buf.Reset()
	r, err = Gate{}.Evaluate(cand, nil)
	require.NoError(t, err)
	require.NoError(t, WriteJUnit(&buf, "no baseline", r))
	got = parsedSuite{}
	require.NoError(t, xml.Unmarshal(buf.Bytes(), &got))
	require.Equal(t, 1, got.Skipped)
	require.NotNil(t, got.Cases[1].Skipped)
}
