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
	"github.com/modelarchitect/architect/internal/testutil"
	"github.com/modelarchitect/architect/internal/viewer"
)

// TestBenchmarkRunCLI runs `architect benchmark run` against a real server (in-process, over HTTP) and the
// local model API of gradedAPI: a baseline run of a dataset version, then candidates gated against it — the
// flaky model fails 10 of 30 items (exit 1, JUnit and JSON written), the steady one passes (exit 0) — and the
// refusals that exit 2 before any call is spent.
func TestBenchmarkRunCLI(t *testing.T) {
	t.Parallel()
	eachBackend(t, func(t *testing.T, b testutil.Backend) {
		s := testutil.NewServer(t, b, testutil.ServerOptions{Env: gradedAPI(t)})
		u := s.SignUp(t, "run-cli@example.com", viewer.RolePro)
		c := s.Client(u.Token)
		var ds struct {
			CreateDataset struct {
				Versions struct {
					Edges []struct{ Node struct{ ID string } }
				}
			}
		}
		c.MustDo(t, fmt.Sprintf(`mutation { createDataset(input: {name: "sums", items: %s}) { versions { edges { node { id } } } } }`, dataset(30)), nil, &ds)
		version := ds.CreateDataset.Versions.Edges[0].Node.ID

		env := map[string]string{"ARCHITECT_URL": strings.TrimSuffix(s.URL, "/graphql"), "ARCHITECT_TOKEN": u.Token}
		run := func(args ...string) (stdout, stderr string, err error) {
			var o, e bytes.Buffer
			err = cli.Main(context.Background(), append([]string{"run", "--dataset-version", version, "--poll", "20ms"}, args...),
				cli.IO{Stdout: &o, Stderr: &e, Getenv: func(k string) string { return env[k] }})
			return o.String(), e.String(), err
		}
		exit := func(err error) int {
			if err == nil {
				return 0
			}
			var ce *cli.Error
			require.True(t, errors.As(err, &ce), "%v", err)
			return ce.ExitCode()
		}
		benchmarks := func() int {
			n, err := s.DB.Client.Benchmark.Query().Count(testutil.System())
			require.NoError(t, err)
			return n
		}

		// the baseline: no gate, each model's score
		out, progress, err := run("--models", "openai/steady-model", "--name", "nightly")
		require.NoError(t, err, progress)
		require.Contains(t, progress, "(nightly): RUNNING, 30 steps")
		require.Regexp(t, `benchmark \S+: RUNNING \d+/30`, progress, "progress on stderr")
		first, _, _ := strings.Cut(out, "\n")
		base := strings.Fields(strings.TrimPrefix(first, "benchmark"))[0]
		require.Contains(t, out, "COMPLETED")
		require.Regexp(t, `openai/steady-model\s+1\.0000\s+0\.0000\s+30/30`, out)
		var node struct {
			Node struct {
				Status         string
				DatasetVersion struct{ ID string }
			}
		}
		c.MustDo(t, `query($id: ID!) { node(id: $id) { ... on Benchmark { status datasetVersion { id } } } }`, map[string]any{"id": base}, &node)
		require.Equal(t, "COMPLETED", node.Node.Status)
		require.Equal(t, version, node.Node.DatasetVersion.ID, "the run is of the version named")

		// a regression of a third against a tolerated 0.05: the gate fails → exit 1, with the reports written
		dir := t.TempDir()
		junit, js := filepath.Join(dir, "gate.xml"), filepath.Join(dir, "gate.json")
		out, _, err = run("--models", "openai/flaky-model,openai/steady-model", "--candidate-model", "openai/flaky-model",
			"--baseline", base, "--max-drop", "0.05", "--must-pass", "1,3", "--junit", junit, "--json", js)
		require.Equal(t, cli.ExitFail, exit(err), "%v\n%s", err, out)
		require.Contains(t, out, "candidate: benchmark ")
		require.Contains(t, out, "FAIL")
		require.Contains(t, out, "must_pass:3")
		require.Contains(t, out, "paired t")
		var report struct {
			Tests    int `xml:"tests,attr"`
			Failures int `xml:"failures,attr"`
		}
		raw, err := os.ReadFile(junit)
		require.NoError(t, err)
		require.NoError(t, xml.Unmarshal(raw, &report))
		require.Equal(t, 4, report.Tests, "min score, max drop, two must-pass items")
		require.Equal(t, 2, report.Failures, "the drop and item 3")
		var saved struct {
			Verdict    string
			Comparison struct {
				Baseline, Candidate struct {
					Model string
					Score float64
				}
			}
		}
		raw, err = os.ReadFile(js)
		require.NoError(t, err)
		require.NoError(t, json.Unmarshal(raw, &saved))
		require.Equal(t, "FAIL", saved.Verdict)
		require.Equal(t, "openai/flaky-model", saved.Comparison.Candidate.Model)
		require.InDelta(t, 20.0/30, saved.Comparison.Candidate.Score, 1e-12)
		require.Equal(t, 1.0, saved.Comparison.Baseline.Score)

		// the steady model again: no regression → exit 0
		out, _, err = run("--models", "openai/steady-model", "--baseline", base, "--max-drop", "0.05", "--min-score", "0.9")
		require.NoError(t, err, out)
		require.Contains(t, out, "PASS")

		// refusals exit 2; the flag errors come before anything is created
		before := benchmarks()
		_, _, err = run("--models", "openai/flaky-model,openai/steady-model", "--baseline", base)
		require.Equal(t, cli.ExitError, exit(err))
		require.ErrorContains(t, err, "--candidate-model is required")
		_, _, err = run("--models", "openai/steady-model", "--baseline", base, "--must-pass", "x")
		require.Equal(t, cli.ExitError, exit(err))
		require.ErrorContains(t, err, `--must-pass: "x"`)
		_, _, err = run("--models", "ollama/llama3.2")
		require.Equal(t, cli.ExitError, exit(err))
		require.ErrorContains(t, err, "BAD_USER_INPUT (models[0])")
		require.Equal(t, before, benchmarks())
		err = cli.Main(context.Background(), []string{"run", "--models", "openai/steady-model"}, cli.IO{Stdout: &bytes.Buffer{}, Stderr: &bytes.Buffer{},
			Getenv: func(k string) string { return env[k] }})
		require.Equal(t, cli.ExitError, exit(err))
		require.ErrorContains(t, err, "--dataset-version is required")
	})
}
