package graph_test

import (
	"bytes"
	"encoding/json"
	"io"
	"mime/multipart"
	"net/http"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/modelarchitect/architect/internal/testutil"
	"github.com/modelarchitect/architect/internal/viewer"
)

// upload sends createBenchmark as a GraphQL multipart request (github.com/jaydenseric/graphql-multipart-
// request-spec, what apollo-upload-client sends) with the file as the dataset.
func upload(t *testing.T, s *testutil.Server, token, filename, content string) testutil.Response {
	t.Helper()
	var body bytes.Buffer
	w := multipart.NewWriter(&body)
	ops, err := json.Marshal(map[string]any{
		"query": `mutation($f: Upload!) { createBenchmark(input: {name: "uploaded", models: ["openai/gpt-4.1-mini"], datasetFile: $f}) {
			id dataset { input expected assertion tolerance } } }`,
		"variables": map[string]any{"f": nil},
	})
	require.NoError(t, err)
	require.NoError(t, w.WriteField("operations", string(ops)))
	require.NoError(t, w.WriteField("map", `{"0": ["variables.f"]}`))
	part, err := w.CreateFormFile("0", filename)
	require.NoError(t, err)
	_, err = io.WriteString(part, content)
	require.NoError(t, err)
	require.NoError(t, w.Close())
	req, err := http.NewRequest(http.MethodPost, s.URL+"/graphql", &body)
	require.NoError(t, err)
	req.Header.Set("Content-Type", w.FormDataContentType())
	req.Header.Set("Authorization", "Bearer "+token)
	// A browser sends multipart bodies without a preflight; apollo-upload-client adds this header so that
	// gqlgen's CSRF check passes.
	req.Header.Set("Apollo-Require-Preflight", "true")
	res, err := http.DefaultClient.Do(req)
	require.NoError(t, err)
	defer res.Body.Close()
	var out testutil.Response
	require.NoError(t, json.NewDecoder(res.Body).Decode(&out))
	out.Status = res.StatusCode
	return out
}

// TestDatasetUpload: a JSONL or CSV file becomes the benchmark's items; a bad file or a bad inline item is
// refused with the input at fault named as the client wrote it, and nothing is saved.
func TestDatasetUpload(t *testing.T) {
	t.Parallel()
	s := testutil.NewServer(t, testutil.SQLite)
	u := s.SignUp(t, "upload@example.com", viewer.RoleFree)

	r := upload(t, s, u.Token, "qa.jsonl", `{"input": "2+2?", "expected": "4", "assertion": "CONTAINS"}
{"input": "Capital of France?", "expected": "paris", "assertion": "REGEX"}
{"input": "pi?", "expected": "3.14", "assertion": "NUMERIC", "tolerance": 0.01}
`)
	require.Empty(t, r.Errors)
	require.JSONEq(t, `{"createBenchmark": {"id": `+string(mustJSON(t, r.Data, "createBenchmark", "id"))+`, "dataset": [
		{"input": "2+2?", "expected": "4", "assertion": "CONTAINS", "tolerance": 0},
		{"input": "Capital of France?", "expected": "paris", "assertion": "REGEX", "tolerance": 0},
		{"input": "pi?", "expected": "3.14", "assertion": "NUMERIC", "tolerance": 0.01}]}}`, string(r.Data))

	r = upload(t, s, u.Token, "qa.csv", "input,expected,assertion\n2+2?,4,EXACT\nbad,(hello,REGEX\n")
	require.Len(t, r.Errors, 1)
	require.Equal(t, "BAD_USER_INPUT", r.Errors[0].Code())
	require.Equal(t, "datasetFile", r.Errors[0].Extensions["field"])
	require.Contains(t, r.Errors[0].Message, "line 3, expected: is not a valid regular expression")

	e := s.Client(u.Token).Err(t, `mutation { createBenchmark(input: {name: "x", models: ["openai/gpt-4.1-mini"],
		dataset: [{input: "a", expected: "1", assertion: EXACT}, {input: "b", expected: "x", assertion: NUMERIC}]}) { id } }`, nil)
	require.Equal(t, "BAD_USER_INPUT", e.Code())
	require.Equal(t, "dataset[1].expected", e.Extensions["field"])
	require.Contains(t, e.Message, "dataset[1].expected: ")

	n, err := s.DB.Client.Benchmark.Query().Count(testutil.System())
	require.NoError(t, err)
	require.Equal(t, 1, n, "only the good upload was saved")
}

// mustJSON returns the JSON value at path in raw.
func mustJSON(t *testing.T, raw json.RawMessage, path ...string) json.RawMessage {
	t.Helper()
	for _, p := range path {
		var m map[string]json.RawMessage
		require.NoError(t, json.Unmarshal(raw, &m))
		raw = m[p]
	}
	return raw
}
