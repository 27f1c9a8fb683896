package graph_test

import (
	"bytes"
	"context"
	"encoding/json"
	"encoding/xml"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/modelarchitect/architect/internal/evaluation/cli"
	"github.com/modelarchitect/architect/internal/providers/providertest"
	"github.com/modelarchitect/architect/internal/testutil"
	"github.com/modelarchitect/architect/internal/viewer"
)

// gradedAPI answers "What is a+b?" right, except that a model named *flaky* gets every item whose a is a
// multiple of 3 wrong.
func gradedAPI(t *testing.T) map[string]string {
	oa := providertest.NewOpenAI(t, "sk-test", func(r providertest.Request) providertest.Reply {
		var a, b int
		_, _ = fmt.Sscanf(r.Prompt, "What is %d+%d?", &a, &b)
		answer := fmt.Sprint(a + b)
		if strings.Contains(r.Model, "flaky") && a%3 == 0 {
			answer = "no idea"
		}
		return providertest.Reply{Chunks: []string{answer}, Usage: &providertest.Usage{Input: 10, Output: 2}}
	})
	return map[string]string{"OPENAI_BASE_URL": oa.BaseURL}
}

// TestCompareBenchmarksAndGate runs the same 30-item dataset against a steady and a flaky model, compares the
// runs item by item, gates on them through the API and through `architect benchmark gate`, and checks the
// figures by hand: the flaky model fails items 0, 3, …, 27 (10 of 30).
func TestCompareBenchmarksAndGate(t *testing.T) {
	t.Parallel()
	eachBackend(t, func(t *testing.T, b testutil.Backend) {
		s := testutil.NewServer(t, b, testutil.ServerOptions{Env: gradedAPI(t)})
		u := s.SignUp(t, "gate@example.com", viewer.RolePro)
		c := s.Client(u.Token)
		run := func(models string, n int) string {
			var cr struct{ CreateBenchmark benchmarkOut }
			c.MustDo(t, fmt.Sprintf(`mutation { createBenchmark(input: {name: "sums", models: [%s], dataset: %s}, start: true) { id } }`,
				models, dataset(n)), nil, &cr)
			done := waitBenchmark(t, c, cr.CreateBenchmark.ID)
			require.Equal(t, "COMPLETED", done.Status)
			return cr.CreateBenchmark.ID
		}
		base := run(`"openai/steady-model"`, 30)
		cand := run(`"openai/flaky-model", "openai/steady-model"`, 30)

		const compare = `query($in: CompareBenchmarksInput!) { compareBenchmarks(input: $in) {
			baseline { model score } candidate { model score }
			statistics { n meanDiff se df interval { low high } pValue passToFail failToPass
				mcnemar { passToFail failToPass pValue } mcnemarSkipped pairedT { statistic df pValue } items { item diff } } } }`
		var out struct {
			CompareBenchmarks struct {
				Baseline, Candidate struct {
					Model string
					Score float64
				}
				Statistics struct {
					N                        int
					MeanDiff, SE, DF, PValue float64
					Interval                 struct{ Low, High float64 }
					PassToFail, FailToPass   []int
					Mcnemar                  *struct {
						PassToFail, FailToPass int
						PValue                 float64
					}
					PairedT *struct{ Statistic, DF, PValue float64 }
					Items   []struct {
						Item int
						Diff float64
					}
				}
			}
		}
		c.MustDo(t, compare, map[string]any{"in": map[string]any{"baseline": map[string]any{"benchmarkId": base},
			"candidate": map[string]any{"benchmarkId": cand, "model": "openai/flaky-model"}}}, &out)
		cb := out.CompareBenchmarks
		require.Equal(t, 1.0, cb.Baseline.Score)
		require.InDelta(t, 20.0/30, cb.Candidate.Score, 1e-12)
		st := cb.Statistics
		require.Equal(t, 30, st.N)
		require.InDelta(t, -1.0/3, st.MeanDiff, 1e-12)
		require.Equal(t, []int{0, 3, 6, 9, 12, 15, 18, 21, 24, 27}, st.PassToFail)
		require.Empty(t, st.FailToPass)
		// McNemar exact with b = 10, c = 0: 2·0.5^10 = 0.001953125 (statsmodels mcnemar([[20,10],[0,0]], exact=True))
		require.NotNil(t, st.Mcnemar)
		require.InDelta(t, 0.001953125, st.Mcnemar.PValue, 1e-12)
		// differences: ten −1 and twenty 0; sd = sqrt(10·(1 − 1/3)²+20·(1/3)²)/29) = 0.479463; se = sd/√30
		// = 0.0875376; t = −3.807887, df 29, p = 0.000672 (scipy 1.10 stats.ttest_rel: statistic −3.807886552931954, pvalue 0.0006722787664954122)
		require.InDelta(t, 0.0875376, st.SE, 1e-6)
		require.InDelta(t, -3.807887, st.PairedT.Statistic, 1e-5)
		require.InDelta(t, 0.000672, st.PairedT.PValue, 2e-6)
		require.Equal(t, 0, st.Items[0].Item, "the largest regressions first, by index")
		require.Equal(t, -1.0, st.Items[0].Diff)
		require.Equal(t, 27, st.Items[9].Item)

		// a different dataset version is refused, naming both; a model the run did not have too
		other := run(`"openai/steady-model"`, 25)
		e := c.Err(t, compare, map[string]any{"in": map[string]any{"baseline": map[string]any{"benchmarkId": base},
			"candidate": map[string]any{"benchmarkId": other}}})
		require.Equal(t, "BAD_USER_INPUT", e.Code())
		require.Contains(t, e.Message, `the baseline dataset "sums" version 1 (30 items), the candidate dataset "sums" version 1 (25 items)`)
		e = c.Err(t, compare, map[string]any{"in": map[string]any{"baseline": map[string]any{"benchmarkId": base},
			"candidate": map[string]any{"benchmarkId": cand}}})
		require.Equal(t, "candidate.model", e.Extensions["field"])
		// another user's benchmark is NOT_FOUND
		stranger := s.Client(s.SignUp(t, "stranger-gate@example.com", viewer.RolePro).Token)
		e = stranger.Err(t, compare, map[string]any{"in": map[string]any{"baseline": map[string]any{"benchmarkId": base},
			"candidate": map[string]any{"benchmarkId": base}}})
		require.Equal(t, "NOT_FOUND", e.Code())

		// the CLI: a drop of a third against a tolerated 0.05 is an established regression → exit 1
		dir := t.TempDir()
		env := map[string]string{"ARCHITECT_URL": strings.TrimSuffix(s.URL, "/graphql"), "ARCHITECT_TOKEN": u.Token}
		gate := func(args ...string) (string, error) {
			var stdout, stderr bytes.Buffer
			err := cli.Run(context.Background(), args, cli.IO{Stdout: &stdout, Stderr: &stderr, Getenv: func(k string) string { return env[k] }})
			return stdout.String(), err
		}
		junit, js := filepath.Join(dir, "gate.xml"), filepath.Join(dir, "gate.json")
		table, err := gate("--candidate", cand, "--candidate-model", "openai/flaky-model", "--baseline", base,
			"--max-drop", "0.05", "--must-pass", "1,3", "--junit", junit, "--json", js)
		var ce *cli.Error
		require.True(t, errors.As(err, &ce), "%v", err)
		require.Equal(t, cli.ExitFail, ce.ExitCode())
		require.Contains(t, table, "FAIL")
		require.Contains(t, table, "must_pass:3")
		var report struct {
			Tests    int `xml:"tests,attr"`
			Failures int `xml:"failures,attr"`
			Cases    []struct {
				Name    string    `xml:"name,attr"`
				Failure *struct{} `xml:"failure"`
			} `xml:"testcase"`
		}
		raw, err := os.ReadFile(junit)
		require.NoError(t, err)
		require.NoError(t, xml.Unmarshal(raw, &report))
		require.Equal(t, 4, report.Tests, "min score, max drop, two must-pass items")
		require.Equal(t, 2, report.Failures, "the drop and item 3")
		var saved map[string]any
		raw, err = os.ReadFile(js)
		require.NoError(t, err)
		require.NoError(t, json.Unmarshal(raw, &saved))
		require.Equal(t, "FAIL", saved["verdict"])

		// the steady model against itself in both runs passes → exit 0
		table, err = gate("--candidate", cand, "--candidate-model", "openai/steady-model", "--baseline", base, "--max-drop", "0.05", "--min-score", "0.9")
		require.NoError(t, err, table)
		require.Contains(t, table, "PASS")
		// without a server the gate cannot run → exit 2
		env["ARCHITECT_URL"] = ""
		_, err = gate("--candidate", cand)
		require.True(t, errors.As(err, &ce))
		require.Equal(t, cli.ExitError, ce.ExitCode())
	})
}
