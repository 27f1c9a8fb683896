package benchmark

import (
	"fmt"
	"math"
	"regexp"
	"strconv"
	"strings"
	"unicode/utf8"
)

// Assertion is how an answer is checked against the expected value.
type Assertion string

// Assertions. Matching rules are in Item.Check.
const (
	AssertExact     Assertion = "EXACT"
	AssertContains  Assertion = "CONTAINS"
	AssertRegex     Assertion = "REGEX"
	AssertJSONValid Assertion = "JSON_VALID"
	AssertNumeric   Assertion = "NUMERIC"
)

// Assertions lists every assertion, in documentation order.
var Assertions = []Assertion{AssertExact, AssertContains, AssertRegex, AssertJSONValid, AssertNumeric, AssertJudge}

// MaxFieldBytes bounds an item's input and expected value.
const MaxFieldBytes = 256 << 10

// Item is one dataset row: the prompt sent to every model and how its answer is checked.
type Item struct {
	Input     string    `json:"input"`
	Expected  string    `json:"expected"`  // EXACT/CONTAINS text, REGEX pattern (Go RE2 syntax), NUMERIC number, JUDGE rubric; empty for JSON_VALID
	Assertion Assertion `json:"assertion"` // one of Assertions
	Tolerance float64   `json:"tolerance"` // NUMERIC only: largest absolute difference that still passes; ≥ 0
	// Cluster groups items whose answers are correlated (the same source document, conversation or template):
	// the run's standard error is then clustered by it (CR0). Empty for none; items without one are their own
	// cluster when others have one.
	Cluster string   `json:"cluster,omitempty"`
	Tags    []string `json:"tags,omitempty"` // labels for people and filters; not used in scoring
}

// Cluster keys and tags are short labels.
const (
	MaxLabelBytes = 200
	MaxTags       = 20
)

// Validate checks every item, returning the first problem as a *ValidationError whose Field names the item:
// "items[3].expected".
func Validate(items []Item) error {
	if len(items) == 0 {
		return &ValidationError{Field: "items", Reason: "the dataset has no items"}
	}
	for i, it := range items {
		if field, reason := it.problem(); reason != "" {
			return &ValidationError{Field: fmt.Sprintf("items[%d].%s", i, field), Reason: reason}
		}
	}
	return nil
}

// TextProblem says what is wrong with a text sent to a model (an item's input or expected answer, a system
// prompt), or "" when nothing is: it must be UTF-8 without NUL characters (which PostgreSQL cannot store)
// and at most MaxFieldBytes long.
func TextProblem(s string) string {
	switch {
	case !utf8.ValidString(s):
		return "must be UTF-8 text"
	case strings.IndexByte(s, 0) >= 0:
		return "must not contain a NUL character (\\u0000)"
	case len(s) > MaxFieldBytes:
		return fmt.Sprintf("is %s bytes; at most %s", thousands(len(s)), thousands(MaxFieldBytes))
	}
	return ""
}

// labelProblem says what is wrong with a cluster key or tag, or "" when nothing is.
func labelProblem(s string) string {
	switch {
	case len(s) > MaxLabelBytes:
		return fmt.Sprintf("is %d bytes; at most %d", len(s), MaxLabelBytes)
	case s != strings.TrimSpace(s):
		return "must not start or end with white space"
	}
	return TextProblem(s)
}

// problem returns the field at fault and why, or "" when the item is valid.
func (it Item) problem() (field, reason string) {
	switch {
	case strings.TrimSpace(it.Input) == "":
		return "input", "must not be empty"
	case TextProblem(it.Input) != "":
		return "input", TextProblem(it.Input)
	case TextProblem(it.Expected) != "":
		return "expected", TextProblem(it.Expected)
	case math.IsNaN(it.Tolerance) || math.IsInf(it.Tolerance, 0) || it.Tolerance < 0:
		return "tolerance", "must be a number, 0 or more"
	case it.Tolerance != 0 && it.Assertion != AssertNumeric:
		return "tolerance", "applies only to NUMERIC; leave it empty or 0"
	case labelProblem(it.Cluster) != "":
		return "cluster", labelProblem(it.Cluster)
	case len(it.Tags) > MaxTags:
		return "tags", fmt.Sprintf("has %d tags; at most %d", len(it.Tags), MaxTags)
	}
	for i, t := range it.Tags {
		if t == "" {
			return fmt.Sprintf("tags[%d]", i), "must not be empty"
		}
		if p := labelProblem(t); p != "" {
			return fmt.Sprintf("tags[%d]", i), p
		}
	}
	switch it.Assertion {
	case AssertExact, AssertContains, AssertJudge:
		if strings.TrimSpace(it.Expected) == "" {
			return "expected", "must not be empty for " + string(it.Assertion)
		}
	case AssertRegex:
		if it.Expected == "" {
			return "expected", "must be a regular expression for REGEX"
		}
		if _, err := regexp.Compile(it.Expected); err != nil {
			return "expected", "is not a valid regular expression (Go RE2 syntax): " + err.Error()
		}
	case AssertJSONValid:
		if strings.TrimSpace(it.Expected) != "" {
			return "expected", "must be empty: JSON_VALID checks only that the answer is valid JSON"
		}
	case AssertNumeric:
		if _, err := parseExpectedNumber(it.Expected); err != nil {
			return "expected", err.Error()
		}
	default:
		return "assertion", fmt.Sprintf("%q is not one of EXACT, CONTAINS, REGEX, JSON_VALID, NUMERIC, JUDGE", it.Assertion)
	}
	return "", ""
}

func parseExpectedNumber(s string) (float64, error) {
	t := strings.TrimSpace(s)
	v, err := strconv.ParseFloat(t, 64)
	if err != nil || math.IsNaN(v) || math.IsInf(v, 0) {
		return 0, fmt.Errorf("%q is not a number; write it like 42, -3.5 or 1e6", t)
	}
	return v, nil
}
