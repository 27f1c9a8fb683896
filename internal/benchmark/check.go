package benchmark

import (
	"encoding/json"
	"fmt"
	"math"
	"regexp"
	"strconv"
	"strings"
)

// Verdict is the result of checking one answer.
type Verdict struct {
	Pass   bool
	Reason string // why it failed; "" when it passed
}

// Check grades output against the item. It returns an error only for an invalid item (see Validate).
//
//   - EXACT: the answer equals expected after both are trimmed of surrounding white space and their line endings
//     are made \n; case-sensitive.
//   - CONTAINS: the answer contains expected (trimmed), ignoring case (Unicode lower-casing).
//   - REGEX: the Go RE2 pattern matches somewhere in the untrimmed answer; anchor it with ^…$ and add (?i) as needed.
//   - JSON_VALID: the trimmed answer is exactly one JSON value (a Markdown code fence around it fails).
//   - NUMERIC: the last number in the answer (digits with an optional sign, decimals, exponent and thousands
//     commas: "1,234.5", "-3", "2e-3") is within Tolerance of expected; the last because models state the result
//     after their working (the "flexible extract" of lm-evaluation-harness's GSM8K task takes the last match too).
func (it Item) Check(output string) (Verdict, error) {
	if field, reason := it.problem(); reason != "" {
		return Verdict{}, &ValidationError{Field: field, Reason: reason}
	}
	switch it.Assertion {
	case AssertExact:
		got, want := normalize(output), normalize(it.Expected)
		if got == want {
			return Verdict{Pass: true}, nil
		}
		return Verdict{Reason: fmt.Sprintf("expected %s, got %s", quote(want), quote(got))}, nil
	case AssertContains:
		want := normalize(it.Expected)
		if strings.Contains(strings.ToLower(normalize(output)), strings.ToLower(want)) {
			return Verdict{Pass: true}, nil
		}
		return Verdict{Reason: "the answer does not contain " + quote(want)}, nil
	case AssertRegex:
		re, err := regexp.Compile(it.Expected)
		if err != nil { // already refused by problem(); kept so no input can panic
			return Verdict{}, &ValidationError{Field: "expected", Reason: err.Error()}
		}
		if re.MatchString(output) {
			return Verdict{Pass: true}, nil
		}
		return Verdict{Reason: "the answer does not match /" + truncate(it.Expected) + "/"}, nil
	case AssertJSONValid:
		if err := checkJSON(strings.TrimSpace(output)); err != nil {
			return Verdict{Reason: "the answer is not valid JSON: " + err.Error()}, nil
		}
		return Verdict{Pass: true}, nil
	case AssertJudge:
		return Verdict{}, &ValidationError{Field: "assertion", Reason: "JUDGE answers are graded by the benchmark's judge model, not by a fixed rule"}
	default: // AssertNumeric
		want, _ := parseExpectedNumber(it.Expected)
		got, ok := lastNumber(output)
		if !ok {
			return Verdict{Reason: "no number in the answer"}, nil
		}
		if math.Abs(got-want) <= it.Tolerance {
			return Verdict{Pass: true}, nil
		}
		return Verdict{Reason: fmt.Sprintf("the answer's number %s is not within %s of %s",
			fmtNum(got), fmtNum(it.Tolerance), fmtNum(want))}, nil
	}
}

func normalize(s string) string {
	return strings.TrimSpace(strings.ReplaceAll(s, "\r\n", "\n"))
}

func checkJSON(s string) error {
	dec := json.NewDecoder(strings.NewReader(s))
	var v any
	if err := dec.Decode(&v); err != nil {
		return err
	}
	if dec.More() {
		return fmt.Errorf("more than one JSON value")
	}
	// Decode stops after the first value; anything but white space after it is not JSON.
	if _, err := dec.Token(); err == nil {
		return fmt.Errorf("text after the JSON value")
	}
	return nil
}

// number matches a decimal number: optional sign, digits with optional thousands commas or plain digits, an
// optional fraction and exponent; or a bare fraction such as .5.
var number = regexp.MustCompile(`[-+]?(?:(?:\d{1,3}(?:,\d{3})+|\d+)(?:\.\d+)?|\.\d+)(?:[eE][-+]?\d+)?`)

func lastNumber(s string) (float64, bool) {
	ms := number.FindAllString(s, -1)
	for i := len(ms) - 1; i >= 0; i-- {
		v, err := strconv.ParseFloat(strings.ReplaceAll(ms[i], ",", ""), 64)
		if err == nil && !math.IsInf(v, 0) {
			return v, true
		}
	}
	return 0, false
}

func fmtNum(v float64) string { return strconv.FormatFloat(v, 'g', -1, 64) }

// quote quotes s for a message, cut to 80 characters.
func quote(s string) string { return strconv.Quote(truncate(s)) }

func truncate(s string) string {
	r := []rune(s)
	if len(r) > 80 {
		return string(r[:80]) + "…"
	}
	return s
}
