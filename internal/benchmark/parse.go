package benchmark

import (
	"bytes"
	"encoding/csv"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"path"
	"strconv"
	"strings"
)

// Upload defaults, used where a ParseLimits field is zero.
const (
	DefaultMaxFileBytes = 10 << 20 // 10 MiB
	DefaultMaxRows      = 50_000   // the largest role limit
)

// ParseLimits bound an uploaded dataset file.
type ParseLimits struct {
	MaxBytes int64 // 0: DefaultMaxFileBytes
	MaxRows  int   // items; 0: DefaultMaxRows (pass the role's MaxItems to refuse early)
}

func (l ParseLimits) withDefaults() ParseLimits {
	if l.MaxBytes <= 0 {
		l.MaxBytes = DefaultMaxFileBytes
	}
	if l.MaxRows <= 0 {
		l.MaxRows = DefaultMaxRows
	}
	return l
}

// Parse reads an uploaded dataset, choosing the format by the file name's extension: .jsonl or .ndjson for
// JSON Lines, .csv for CSV.
func Parse(r io.Reader, filename string, lim ParseLimits) ([]Item, error) {
	switch strings.ToLower(path.Ext(filename)) {
	case ".jsonl", ".ndjson":
		return ParseJSONL(r, lim)
	case ".csv":
		return ParseCSV(r, lim)
	default:
		return nil, &ValidationError{Field: "file", Reason: fmt.Sprintf("%q must end in .jsonl or .csv", filename)}
	}
}

// readLimited reads all of r, refusing more than max bytes, and drops a UTF-8 byte-order mark.
func readLimited(r io.Reader, maxBytes int64) ([]byte, error) {
	data, err := io.ReadAll(io.LimitReader(r, maxBytes+1))
	if err != nil {
		return nil, fmt.Errorf("read dataset: %w", err)
	}
	if int64(len(data)) > maxBytes {
		return nil, &ValidationError{Field: "file", Reason: fmt.Sprintf("is larger than %s bytes", thousands(int(maxBytes)))}
	}
	return bytes.TrimPrefix(data, []byte("\xef\xbb\xbf")), nil
}

// ParseJSONL reads JSON Lines: one object per line with the fields input (string), expected (string or number),
// assertion (EXACT, CONTAINS, REGEX, JSON_VALID, NUMERIC; any case), tolerance (number, optional), cluster
// (string, optional) and tags (a list of strings, optional). Blank lines
// are skipped; unknown fields are refused so a misspelt one is not silently lost. Errors carry the line number.
func ParseJSONL(r io.Reader, lim ParseLimits) ([]Item, error) {
	lim = lim.withDefaults()
	data, err := readLimited(r, lim.MaxBytes)
	if err != nil {
		return nil, err
	}
	var items []Item
	for n, line := range bytes.Split(data, []byte("\n")) {
		lineNo := n + 1
		line = bytes.TrimSpace(line)
		if len(line) == 0 {
			continue
		}
		if len(items) == lim.MaxRows {
			return nil, &ValidationError{Field: "file", Line: lineNo, Reason: fmt.Sprintf("more items than the limit of %s", thousands(lim.MaxRows))}
		}
		it, field, reason := decodeJSONLine(line)
		if reason == "" {
			field, reason = it.problem()
		}
		if reason != "" {
			return nil, &ValidationError{Field: field, Line: lineNo, Reason: reason}
		}
		items = append(items, it)
	}
	if len(items) == 0 {
		return nil, &ValidationError{Field: "file", Reason: "has no items"}
	}
	return items, nil
}

type jsonlRow struct {
	Input     *string         `json:"input"`
	Expected  json.RawMessage `json:"expected"`
	Assertion *string         `json:"assertion"`
	Tolerance *float64        `json:"tolerance"`
	Cluster   string          `json:"cluster"`
	Tags      []string        `json:"tags"`
}

func decodeJSONLine(line []byte) (Item, string, string) {
	dec := json.NewDecoder(bytes.NewReader(line))
	dec.DisallowUnknownFields()
	var row jsonlRow
	if err := dec.Decode(&row); err != nil {
		return Item{}, "file", "not a JSON object with input, expected, assertion, tolerance: " + err.Error()
	}
	if dec.More() {
		return Item{}, "file", "more than one JSON value on the line"
	}
	if row.Input == nil {
		return Item{}, "input", "is missing"
	}
	if row.Assertion == nil {
		return Item{}, "assertion", "is missing: use one of EXACT, CONTAINS, REGEX, JSON_VALID, NUMERIC"
	}
	it := Item{Input: *row.Input, Assertion: Assertion(strings.ToUpper(strings.TrimSpace(*row.Assertion))),
		Cluster: row.Cluster, Tags: row.Tags}
	if row.Tolerance != nil {
		it.Tolerance = *row.Tolerance
	}
	expected, ok := expectedText(row.Expected)
	if !ok {
		return Item{}, "expected", "must be a string or a number"
	}
	it.Expected = expected
	return it, "", ""
}

// expectedText accepts a JSON string, a number (kept as written) or null/absent.
func expectedText(raw json.RawMessage) (string, bool) {
	raw = bytes.TrimSpace(raw)
	if len(raw) == 0 || string(raw) == "null" {
		return "", true
	}
	var s string
	if json.Unmarshal(raw, &s) == nil {
		return s, true
	}
	var n json.Number
	if raw[0] != '"' && json.Unmarshal(raw, &n) == nil {
		return n.String(), true
	}
	return "", false
}

// csvColumns are the columns a CSV upload may have; input and assertion are required.
var csvColumns = []string{"input", "expected", "assertion", "tolerance", "cluster", "tags"}

// ParseCSV reads CSV (RFC 4180, quoted fields may span lines) with a header row naming the columns input,
// expected, assertion, tolerance, cluster and tags in any order (all but input and assertion may be left out;
// tags are separated by semicolons). Errors carry the line number.
func ParseCSV(r io.Reader, lim ParseLimits) ([]Item, error) {
	lim = lim.withDefaults()
	data, err := readLimited(r, lim.MaxBytes)
	if err != nil {
		return nil, err
	}
	cr := csv.NewReader(bytes.NewReader(data))
	header, err := cr.Read()
	if errors.Is(err, io.EOF) {
		return nil, &ValidationError{Field: "file", Reason: "is empty; the first row must name the columns input,expected,assertion,tolerance"}
	}
	if err != nil {
		return nil, csvError(err)
	}
	col := map[string]int{}
	for i, h := range header {
		name := strings.ToLower(strings.TrimSpace(h))
		known := false
		for _, c := range csvColumns {
			known = known || c == name
		}
		switch {
		case !known:
			return nil, &ValidationError{Field: "file", Line: 1, Reason: fmt.Sprintf("unknown column %q; the columns are input, expected, assertion, tolerance, cluster, tags", h)}
		case col[name] != 0:
			return nil, &ValidationError{Field: "file", Line: 1, Reason: fmt.Sprintf("column %q appears twice", name)}
		}
		col[name] = i + 1 // 1-based so that 0 means absent
	}
	for _, required := range []string{"input", "assertion"} {
		if col[required] == 0 {
			return nil, &ValidationError{Field: "file", Line: 1, Reason: fmt.Sprintf("no %s column; the header must name input,expected,assertion,tolerance", required)}
		}
	}
	cell := func(rec []string, name string) string {
		if i := col[name]; i != 0 {
			return rec[i-1]
		}
		return ""
	}

	var items []Item
	for {
		rec, err := cr.Read()
		if errors.Is(err, io.EOF) {
			break
		}
		if err != nil {
			return nil, csvError(err)
		}
		line, _ := cr.FieldPos(0)
		if len(items) == lim.MaxRows {
			return nil, &ValidationError{Field: "file", Line: line, Reason: fmt.Sprintf("more items than the limit of %s", thousands(lim.MaxRows))}
		}
		it := Item{
			Input:     cell(rec, "input"),
			Expected:  cell(rec, "expected"),
			Assertion: Assertion(strings.ToUpper(strings.TrimSpace(cell(rec, "assertion")))),
			Cluster:   strings.TrimSpace(cell(rec, "cluster")),
		}
		for t := range strings.SplitSeq(cell(rec, "tags"), ";") {
			if t = strings.TrimSpace(t); t != "" {
				it.Tags = append(it.Tags, t)
			}
		}
		if t := strings.TrimSpace(cell(rec, "tolerance")); t != "" {
			v, err := strconv.ParseFloat(t, 64)
			if err != nil {
				return nil, &ValidationError{Field: "tolerance", Line: line, Reason: fmt.Sprintf("%q is not a number", t)}
			}
			it.Tolerance = v
		}
		if field, reason := it.problem(); reason != "" {
			return nil, &ValidationError{Field: field, Line: line, Reason: reason}
		}
		items = append(items, it)
	}
	if len(items) == 0 {
		return nil, &ValidationError{Field: "file", Reason: "has a header but no items"}
	}
	return items, nil
}

func csvError(err error) error {
	if pe, ok := errors.AsType[*csv.ParseError](err); ok {
		return &ValidationError{Field: "file", Line: pe.Line, Reason: pe.Err.Error()}
	}
	return &ValidationError{Field: "file", Reason: err.Error()}
}
