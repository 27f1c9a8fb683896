package benchmark

import (
	"errors"
	"strings"
	"testing"

	"github.com/stretchr/testify/require"
)

func TestParseJSONL(t *testing.T) {
	t.Parallel()
	in := "\xef\xbb\xbf" + `{"input":"Capital of France?","expected":"Paris","assertion":"exact"}` + "\r\n" +
		"\n" +
		`{"input":"2+2?","expected":4,"assertion":"NUMERIC","tolerance":0.5}` + "\n" +
		`{"input":"Give JSON","assertion":"JSON_VALID","expected":null}` + "\n" +
		`  {"input":"yes?","expected":"^(?i)yes","assertion":"REGEX"}  `
	items, err := ParseJSONL(strings.NewReader(in), ParseLimits{})
	require.NoError(t, err)
	require.Equal(t, []Item{
		{Input: "Capital of France?", Expected: "Paris", Assertion: AssertExact},
		{Input: "2+2?", Expected: "4", Assertion: AssertNumeric, Tolerance: 0.5},
		{Input: "Give JSON", Assertion: AssertJSONValid},
		{Input: "yes?", Expected: "^(?i)yes", Assertion: AssertRegex},
	}, items)
}

func TestParseCSV(t *testing.T) {
	t.Parallel()
	in := "\xef\xbb\xbfAssertion, Input ,expected,tolerance\r\n" +
		"EXACT,Capital of France?,Paris,\r\n" +
		"numeric,\"Sum of 1,2\",3,0.1\r\n" +
		"CONTAINS,\"Write two lines\nabout \"\"Paris\"\"\",Paris,\r\n" +
		"\r\n" +
		"JSON_VALID,Give JSON,,\r\n"
	items, err := ParseCSV(strings.NewReader(in), ParseLimits{})
	require.NoError(t, err)
	require.Equal(t, []Item{
		{Input: "Capital of France?", Expected: "Paris", Assertion: AssertExact},
		{Input: "Sum of 1,2", Expected: "3", Assertion: AssertNumeric, Tolerance: 0.1},
		{Input: "Write two lines\nabout \"Paris\"", Expected: "Paris", Assertion: AssertContains},
		{Input: "Give JSON", Assertion: AssertJSONValid},
	}, items)
}

func TestParseCSVWithoutOptionalColumns(t *testing.T) {
	t.Parallel()
	items, err := ParseCSV(strings.NewReader("input,assertion\nGive JSON,JSON_VALID\n"), ParseLimits{})
	require.NoError(t, err)
	require.Equal(t, []Item{{Input: "Give JSON", Assertion: AssertJSONValid}}, items)
}

func TestParseErrors(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name   string
		file   string
		in     string
		lim    ParseLimits
		field  string
		line   int
		reason string
	}{
		{name: "unknown extension", file: "data.txt", in: "x", field: "file", reason: `"data.txt" must end in .jsonl or .csv`},
		{name: "too large", file: "d.jsonl", in: strings.Repeat("x", 101), lim: ParseLimits{MaxBytes: 100}, field: "file", reason: "is larger than 100 bytes"},
		{name: "jsonl empty", file: "d.jsonl", in: "\n \n", field: "file", reason: "has no items"},
		{name: "jsonl not JSON", file: "d.jsonl", in: `{"input":"a","expected":"b","assertion":"EXACT"}` + "\n" + `input: a`, field: "file", line: 2,
			reason: "not a JSON object with input, expected, assertion, tolerance: invalid character 'i' looking for beginning of value"},
		{name: "jsonl unknown field", file: "d.jsonl", in: `{"input":"a","expect":"b","assertion":"EXACT"}`, field: "file", line: 1,
			reason: `not a JSON object with input, expected, assertion, tolerance: json: unknown field "expect"`},
		{name: "jsonl two values", file: "d.jsonl", in: `{"input":"a","expected":"b","assertion":"EXACT"} {}`, field: "file", line: 1, reason: "more than one JSON value on the line"},
		{name: "jsonl missing input", file: "d.jsonl", in: `{"expected":"b","assertion":"EXACT"}`, field: "input", line: 1, reason: "is missing"},
		{name: "jsonl missing assertion", file: "d.jsonl", in: `{"input":"a"}`, field: "assertion", line: 1, reason: "is missing: use one of EXACT, CONTAINS, REGEX, JSON_VALID, NUMERIC"},
		{name: "jsonl expected object", file: "d.jsonl", in: `{"input":"a","expected":{"x":1},"assertion":"EXACT"}`, field: "expected", line: 1, reason: "must be a string or a number"},
		{name: "jsonl invalid item keeps line", file: "d.jsonl", in: "\n\n" + `{"input":"a","expected":"(","assertion":"REGEX"}`, field: "expected", line: 3,
			reason: "is not a valid regular expression (Go RE2 syntax): error parsing regexp: missing closing ): `(`"},
		{name: "jsonl too many rows", file: "d.ndjson", in: strings.Repeat(`{"input":"a","expected":"b","assertion":"EXACT"}`+"\n", 3), lim: ParseLimits{MaxRows: 2},
			field: "file", line: 3, reason: "more items than the limit of 2"},
		{name: "csv empty", file: "d.csv", in: "", field: "file", reason: "is empty; the first row must name the columns input,expected,assertion,tolerance"},
		{name: "csv header only", file: "d.csv", in: "input,expected,assertion\n", field: "file", reason: "has a header but no items"},
		{name: "csv unknown column", file: "d.csv", in: "input,answer,assertion\n", field: "file", line: 1, reason: `unknown column "answer"; the columns are input, expected, assertion, tolerance, cluster, tags`},
		{name: "csv duplicate column", file: "d.csv", in: "input,input,assertion\n", field: "file", line: 1, reason: `column "input" appears twice`},
		{name: "csv missing assertion column", file: "d.csv", in: "input,expected\na,b\n", field: "file", line: 1, reason: "no assertion column; the header must name input,expected,assertion,tolerance"},
		{name: "csv wrong field count", file: "d.csv", in: "input,expected,assertion\na,b,EXACT\nc,d\n", field: "file", line: 3, reason: "wrong number of fields"},
		{name: "csv bare quote", file: "d.csv", in: "input,expected,assertion\na \"b\" c,d,EXACT\n", field: "file", line: 2, reason: `bare " in non-quoted-field`},
		{name: "csv bad tolerance", file: "d.csv", in: "input,expected,assertion,tolerance\na,1,NUMERIC,abc\n", field: "tolerance", line: 2, reason: `"abc" is not a number`},
		{name: "csv line counts quoted newlines", file: "d.csv", in: "input,expected,assertion\n\"a\nb\",x,EXACT\nq,,EXACT\n", field: "expected", line: 4, reason: "must not be empty for EXACT"},
		{name: "csv too many rows", file: "d.csv", in: "input,expected,assertion\na,b,EXACT\nc,d,EXACT\n", lim: ParseLimits{MaxRows: 1}, field: "file", line: 3, reason: "more items than the limit of 1"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			_, err := Parse(strings.NewReader(tc.in), tc.file, tc.lim)
			ve, ok := errors.AsType[*ValidationError](err)
			require.True(t, ok, "got %v", err)
			require.Equal(t, tc.field, ve.Field)
			require.Equal(t, tc.line, ve.Line)
			require.Equal(t, tc.reason, ve.Reason)
		})
	}
}

func TestValidationErrorText(t *testing.T) {
	t.Parallel()
	require.Equal(t, "line 3: expected: must not be empty", (&ValidationError{Field: "expected", Line: 3, Reason: "must not be empty"}).Error())
	require.Equal(t, "items[2].input: must not be empty", (&ValidationError{Field: "items[2].input", Reason: "must not be empty"}).Error())
}

func FuzzParseJSONL(f *testing.F) {
	f.Add(`{"input":"a","expected":"b","assertion":"EXACT"}` + "\n" + `{"input":"n","expected":1.5,"assertion":"numeric","tolerance":1}`)
	f.Add(`{"input":"a","assertion":"REGEX","expected":"[a-"}`)
	f.Fuzz(func(t *testing.T, in string) {
		items, err := ParseJSONL(strings.NewReader(in), ParseLimits{MaxBytes: 1 << 16, MaxRows: 100})
		if err == nil {
			require.NoError(t, Validate(items), "ParseJSONL returned an item Validate refuses")
		}
	})
}

func FuzzParseCSV(f *testing.F) {
	f.Add("input,expected,assertion,tolerance\na,b,EXACT,\n\"x\ny\",2,NUMERIC,0.5\n")
	f.Add("assertion,input\nJSON_VALID,\"q\"\"\"\n")
	f.Fuzz(func(t *testing.T, in string) {
		items, err := ParseCSV(strings.NewReader(in), ParseLimits{MaxBytes: 1 << 16, MaxRows: 100})
		if err == nil {
			require.NoError(t, Validate(items), "ParseCSV returned an item Validate refuses")
		}
	})
}
