package benchmark

import (
	"strings"
	"testing"

	"github.com/stretchr/testify/require"
)

func TestCheck(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name   string
		item   Item
		output string
		pass   bool
		reason string
	}{
		{name: "exact equal", item: Item{Input: "q", Expected: "Paris", Assertion: AssertExact}, output: "Paris", pass: true},
		{name: "exact trims white space", item: Item{Input: "q", Expected: " Paris\n", Assertion: AssertExact}, output: "\n\tParis  ", pass: true},
		{name: "exact normalises CRLF", item: Item{Input: "q", Expected: "a\nb", Assertion: AssertExact}, output: "a\r\nb", pass: true},
		{name: "exact is case-sensitive", item: Item{Input: "q", Expected: "Paris", Assertion: AssertExact}, output: "paris", reason: `expected "Paris", got "paris"`},
		{name: "exact refuses extra words", item: Item{Input: "q", Expected: "Paris", Assertion: AssertExact}, output: "Paris.", reason: `expected "Paris", got "Paris."`},
		{name: "exact keeps inner white space", item: Item{Input: "q", Expected: "a b", Assertion: AssertExact}, output: "a  b", reason: `expected "a b", got "a  b"`},

		{name: "contains", item: Item{Input: "q", Expected: "Paris", Assertion: AssertContains}, output: "The capital is Paris.", pass: true},
		{name: "contains ignores case", item: Item{Input: "q", Expected: "PARIS", Assertion: AssertContains}, output: "the capital is paris", pass: true},
		{name: "contains ignores case beyond ASCII", item: Item{Input: "q", Expected: "ÉTÉ", Assertion: AssertContains}, output: "en été", pass: true},
		{name: "contains trims expected", item: Item{Input: "q", Expected: "  Paris  ", Assertion: AssertContains}, output: "Paris!", pass: true},
		{name: "contains missing", item: Item{Input: "q", Expected: "Paris", Assertion: AssertContains}, output: "Lyon", reason: `the answer does not contain "Paris"`},

		{name: "regex matches anywhere", item: Item{Input: "q", Expected: `\b42\b`, Assertion: AssertRegex}, output: "it is 42.", pass: true},
		{name: "regex anchored", item: Item{Input: "q", Expected: `^(yes|no)$`, Assertion: AssertRegex}, output: "yes, surely", reason: "the answer does not match /^(yes|no)$/"},
		{name: "regex case flag", item: Item{Input: "q", Expected: `(?i)^yes`, Assertion: AssertRegex}, output: "YES", pass: true},
		{name: "regex is case-sensitive by default", item: Item{Input: "q", Expected: `yes`, Assertion: AssertRegex}, output: "YES", reason: "the answer does not match /yes/"},

		{name: "json object", item: Item{Input: "q", Assertion: AssertJSONValid}, output: ` {"a": [1, 2]} `, pass: true},
		{name: "json scalar", item: Item{Input: "q", Assertion: AssertJSONValid}, output: `42`, pass: true},
		{name: "json fenced fails", item: Item{Input: "q", Assertion: AssertJSONValid}, output: "```json\n{}\n```", reason: "the answer is not valid JSON: invalid character '`' looking for beginning of value"},
		{name: "json trailing text fails", item: Item{Input: "q", Assertion: AssertJSONValid}, output: `{"a":1} done`, reason: "the answer is not valid JSON: more than one JSON value"},
		{name: "json two values fail", item: Item{Input: "q", Assertion: AssertJSONValid}, output: `{} {}`, reason: "the answer is not valid JSON: more than one JSON value"},
		{name: "json truncated fails", item: Item{Input: "q", Assertion: AssertJSONValid}, output: `{"a":`, reason: "the answer is not valid JSON: unexpected EOF"},
		{name: "json empty fails", item: Item{Input: "q", Assertion: AssertJSONValid}, output: "  ", reason: "the answer is not valid JSON: EOF"},

		{name: "numeric exact", item: Item{Input: "q", Expected: "42", Assertion: AssertNumeric}, output: "42", pass: true},
		{name: "numeric takes the last number", item: Item{Input: "q", Expected: "12", Assertion: AssertNumeric}, output: "3 boxes of 4 make 12.", pass: true},
		{name: "numeric last number wrong", item: Item{Input: "q", Expected: "3", Assertion: AssertNumeric}, output: "3 boxes of 4 make 12.", reason: "the answer's number 12 is not within 0 of 3"},
		{name: "numeric thousands commas", item: Item{Input: "q", Expected: "1234567.5", Assertion: AssertNumeric}, output: "Total: $1,234,567.50", pass: true},
		{name: "numeric list is not thousands", item: Item{Input: "q", Expected: "3", Assertion: AssertNumeric}, output: "1,2,3", pass: true},
		{name: "numeric negative and exponent", item: Item{Input: "q", Expected: "-0.002", Assertion: AssertNumeric}, output: "x = -2e-3", pass: true},
		{name: "numeric 42.0 equals 42", item: Item{Input: "q", Expected: "42", Assertion: AssertNumeric}, output: "42.0", pass: true},
		{name: "numeric bare fraction", item: Item{Input: "q", Expected: "0.5", Assertion: AssertNumeric}, output: "about .5", pass: true},
		{name: "numeric within tolerance", item: Item{Input: "q", Expected: "3.14159", Tolerance: 0.01, Assertion: AssertNumeric}, output: "pi ≈ 3.14", pass: true},
		{name: "numeric tolerance edge is inclusive", item: Item{Input: "q", Expected: "10", Tolerance: 0.5, Assertion: AssertNumeric}, output: "10.5", pass: true},
		{name: "numeric outside tolerance", item: Item{Input: "q", Expected: "10", Tolerance: 0.5, Assertion: AssertNumeric}, output: "10.75", reason: "the answer's number 10.75 is not within 0.5 of 10"},
		{name: "numeric no number", item: Item{Input: "q", Expected: "1", Assertion: AssertNumeric}, output: "one", reason: "no number in the answer"},
		{name: "numeric percent", item: Item{Input: "q", Expected: "50", Assertion: AssertNumeric}, output: "50%", pass: true},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			v, err := tc.item.Check(tc.output)
			require.NoError(t, err)
			require.Equal(t, Verdict{Pass: tc.pass, Reason: tc.reason}, v)
		})
	}
}

func TestCheckInvalidItem(t *testing.T) {
	t.Parallel()
	_, err := Item{Input: "q", Expected: "(", Assertion: AssertRegex}.Check("x")
	require.ErrorContains(t, err, "expected: is not a valid regular expression")
}

func TestCheckTruncatesLongValues(t *testing.T) {
	t.Parallel()
	long := "é" + strings.Repeat("x", 100)
	v, err := Item{Input: "q", Expected: long, Assertion: AssertExact}.Check("y")
	require.NoError(t, err)
	require.Contains(t, v.Reason, "…")
	require.Less(t, len([]rune(v.Reason)), 120)
}

func FuzzCheck(f *testing.F) {
	f.Add("42", "NUMERIC", "the answer is 1,234.5e3", 0.5)
	f.Add("^a+$", "REGEX", "aaa", 0.0)
	f.Add("", "JSON_VALID", `{"a":[1,2,{"b":null}]}`, 0.0)
	f.Add("Paris", "CONTAINS", "PARİS", 0.0)
	f.Fuzz(func(t *testing.T, expected, assertion, output string, tol float64) {
		it := Item{Input: "q", Expected: expected, Assertion: Assertion(assertion), Tolerance: tol}
		v, err := it.Check(output)
		if err != nil {
			require.Error(t, Validate([]Item{it}), "Check refused an item Validate accepts")
			return
		}
		require.NoError(t, Validate([]Item{it}))
		require.Equal(t, v.Pass, v.Reason == "")
	})
}
