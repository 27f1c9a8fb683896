package benchmark

import (
	"errors"
	"math"
	"strings"
	"testing"

	"github.com/stretchr/testify/require"
)

func TestValidate(t *testing.T) {
	t.Parallel()
	ok := Item{Input: "q", Expected: "a", Assertion: AssertExact}
	tests := []struct {
		name   string
		items  []Item
		field  string
		reason string
	}{
		{name: "valid", items: []Item{ok, {Input: "q", Assertion: AssertJSONValid}, {Input: "q", Expected: " 1e3 ", Tolerance: 2, Assertion: AssertNumeric}}},
		{name: "no items", items: nil, field: "items", reason: "the dataset has no items"},
		{name: "empty input", items: []Item{ok, {Input: "  ", Expected: "a", Assertion: AssertExact}}, field: "items[1].input", reason: "must not be empty"},
		{name: "bad UTF-8", items: []Item{{Input: "\xff", Expected: "a", Assertion: AssertExact}}, field: "items[0].input", reason: "must be UTF-8 text"},
		{name: "input too long", items: []Item{{Input: strings.Repeat("a", MaxFieldBytes+1), Expected: "a", Assertion: AssertExact}}, field: "items[0].input", reason: "is 262,145 bytes; at most 262,144"},
		{name: "unknown assertion", items: []Item{{Input: "q", Expected: "a", Assertion: "equals"}}, field: "items[0].assertion", reason: `"equals" is not one of EXACT, CONTAINS, REGEX, JSON_VALID, NUMERIC, JUDGE`},
		{name: "exact without expected", items: []Item{{Input: "q", Expected: " ", Assertion: AssertExact}}, field: "items[0].expected", reason: "must not be empty for EXACT"},
		{name: "contains without expected", items: []Item{{Input: "q", Assertion: AssertContains}}, field: "items[0].expected", reason: "must not be empty for CONTAINS"},
		{name: "regex does not compile", items: []Item{ok, ok, {Input: "q", Expected: "a(b", Assertion: AssertRegex}}, field: "items[2].expected", reason: "is not a valid regular expression (Go RE2 syntax): error parsing regexp: missing closing ): `a(b`"},
		{name: "regex with backreference (not RE2)", items: []Item{{Input: "q", Expected: `(a)\1`, Assertion: AssertRegex}}, field: "items[0].expected", reason: "is not a valid regular expression (Go RE2 syntax): error parsing regexp: invalid escape sequence: `\\1`"},
		{name: "json with expected", items: []Item{{Input: "q", Expected: "{}", Assertion: AssertJSONValid}}, field: "items[0].expected", reason: "must be empty: JSON_VALID checks only that the answer is valid JSON"},
		{name: "numeric not a number", items: []Item{{Input: "q", Expected: "forty", Assertion: AssertNumeric}}, field: "items[0].expected", reason: `"forty" is not a number; write it like 42, -3.5 or 1e6`},
		{name: "numeric NaN", items: []Item{{Input: "q", Expected: "NaN", Assertion: AssertNumeric}}, field: "items[0].expected", reason: `"NaN" is not a number; write it like 42, -3.5 or 1e6`},
		{name: "numeric infinite", items: []Item{{Input: "q", Expected: "1e999", Assertion: AssertNumeric}}, field: "items[0].expected", reason: `"1e999" is not a number; write it like 42, -3.5 or 1e6`},
		{name: "negative tolerance", items: []Item{{Input: "q", Expected: "1", Tolerance: -0.1, Assertion: AssertNumeric}}, field: "items[0].tolerance", reason: "must be a number, 0 or more"},
		{name: "NaN tolerance", items: []Item{{Input: "q", Expected: "1", Tolerance: math.NaN(), Assertion: AssertNumeric}}, field: "items[0].tolerance", reason: "must be a number, 0 or more"},
		{name: "tolerance on EXACT", items: []Item{{Input: "q", Expected: "1", Tolerance: 1, Assertion: AssertExact}}, field: "items[0].tolerance", reason: "applies only to NUMERIC; leave it empty or 0"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			err := Validate(tc.items)
			if tc.reason == "" {
				require.NoError(t, err)
				return
			}
			ve, ok := errors.AsType[*ValidationError](err)
			require.True(t, ok, "got %v", err)
			require.Equal(t, tc.field, ve.Field)
			require.Equal(t, tc.reason, ve.Reason)
			require.Zero(t, ve.Line)
		})
	}
}
