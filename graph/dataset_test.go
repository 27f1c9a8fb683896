package graph_test

import (
	"fmt"
	"slices"
	"sync"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/modelarchitect/architect/internal/testutil"
	"github.com/modelarchitect/architect/internal/viewer"
)

type versionOut struct {
	ID          string
	Number      int
	ItemCount   int
	ContentHash string
}

// TestDatasetVersions: a dataset is created with version 1, editing adds version 2 (identical items add
// nothing), benchmarks name the version they ran, a version in use cannot be deleted, runs of different versions
// are not compared, and another user reaches none of it.
func TestDatasetVersions(t *testing.T) {
	t.Parallel()
	eachBackend(t, func(t *testing.T, b testutil.Backend) {
		s := testutil.NewServer(t, b, testutil.ServerOptions{Env: gradedAPI(t)})
		ada := s.Client(s.SignUp(t, "ada@example.com", viewer.RolePro).Token)
		bob := s.Client(s.SignUp(t, "bob@example.com", viewer.RolePro).Token)

		var cr struct {
			CreateDataset struct {
				ID       string
				Name     string
				Versions struct{ Edges []struct{ Node versionOut } }
			}
		}
		ada.MustDo(t, fmt.Sprintf(`mutation { createDataset(input: {name: "sums", items: %s}) { id name versions { edges { node { id number itemCount contentHash } } } } }`, dataset(3)), nil, &cr)
		ds := cr.CreateDataset
		require.Len(t, ds.Versions.Edges, 1)
		v1 := ds.Versions.Edges[0].Node
		require.Equal(t, 1, v1.Number)
		require.Equal(t, 3, v1.ItemCount)
		require.Regexp(t, `^sha256:[0-9a-f]{64}$`, v1.ContentHash)

		add := func(c *testutil.Client, n int) *testutil.Response {
			return c.Do(t, fmt.Sprintf(`mutation($id: ID!) { addDatasetVersion(datasetId: $id, items: %s) { id number itemCount contentHash } }`, dataset(n)),
				map[string]any{"id": ds.ID})
		}
		var same struct{ AddDatasetVersion versionOut }
		require.NoError(t, jsonUnmarshal(add(ada, 3).Data, &same))
		require.Equal(t, v1, same.AddDatasetVersion, "identical items return the latest version")
		var v2 struct{ AddDatasetVersion versionOut }
		require.NoError(t, jsonUnmarshal(add(ada, 4).Data, &v2))
		require.Equal(t, 2, v2.AddDatasetVersion.Number)
		require.Equal(t, 4, v2.AddDatasetVersion.ItemCount)

		// Benchmarks: by version, inline (which reuses v1, the same content), and never two ways at once.
		run := func(input string) string {
			var out struct {
				CreateBenchmark struct {
					ID             string
					DatasetVersion struct{ ID string }
				}
			}
			ada.MustDo(t, fmt.Sprintf(`mutation { createBenchmark(input: {name: "sums", models: ["openai/steady-model"], %s}, start: true) { id datasetVersion { id } } }`, input), nil, &out)
			require.Equal(t, "COMPLETED", waitBenchmark(t, ada, out.CreateBenchmark.ID).Status)
			return out.CreateBenchmark.DatasetVersion.ID
		}
		require.Equal(t, v1.ID, run(fmt.Sprintf(`datasetVersionId: %q`, v1.ID)))
		require.Equal(t, v1.ID, run(`dataset: `+dataset(3)))
		require.Equal(t, v2.AddDatasetVersion.ID, run(fmt.Sprintf(`datasetVersionId: %q`, v2.AddDatasetVersion.ID)))
		e := ada.Err(t, fmt.Sprintf(`mutation { createBenchmark(input: {name: "x", models: ["openai/steady-model"], dataset: %s, datasetVersionId: %q}) { id } }`, dataset(1), v1.ID), nil)
		require.Equal(t, "BAD_USER_INPUT", e.Code())
		require.Equal(t, "give the items in one way only: dataset, datasetFile or datasetVersionId", e.Message)

		// Runs of versions 1 and 2 are not compared.
		var list struct {
			Benchmarks struct {
				Edges []struct{ Node struct{ ID string } }
			}
		}
		ada.MustDo(t, `{ benchmarks(orderBy: [{field: CREATED_AT}]) { edges { node { id } } } }`, nil, &list)
		require.Len(t, list.Benchmarks.Edges, 3)
		e = ada.Err(t, `query($b: ID!, $c: ID!) { compareBenchmarks(input: {baseline: {benchmarkId: $b, model: "openai/steady-model"}, candidate: {benchmarkId: $c, model: "openai/steady-model"}}) { statistics { n } } }`,
			map[string]any{"b": list.Benchmarks.Edges[0].Node.ID, "c": list.Benchmarks.Edges[2].Node.ID})
		require.Equal(t, "BAD_USER_INPUT", e.Code())
		require.Equal(t, `the benchmarks ran different dataset versions: the baseline dataset "sums" version 1 (3 items), the candidate dataset "sums" version 2 (4 items); compare runs of the same version`, e.Message)
		ada.MustDo(t, `query($b: ID!, $c: ID!) { compareBenchmarks(input: {baseline: {benchmarkId: $b, model: "openai/steady-model"}, candidate: {benchmarkId: $c, model: "openai/steady-model"}}) { statistics { n } } }`,
			map[string]any{"b": list.Benchmarks.Edges[0].Node.ID, "c": list.Benchmarks.Edges[1].Node.ID}, nil)

		// A used version, and its dataset, cannot be deleted; an unused one can.
		e = ada.Err(t, `mutation($id: ID!) { deleteDatasetVersion(id: $id) }`, map[string]any{"id": v1.ID})
		require.Equal(t, "BAD_USER_INPUT", e.Code())
		require.Equal(t, `benchmarks use it ("sums", "sums"): delete them first; a version a benchmark ran stays`, e.Message)
		e = ada.Err(t, `mutation($id: ID!) { deleteDataset(id: $id) }`, map[string]any{"id": ds.ID})
		require.Equal(t, "BAD_USER_INPUT", e.Code())
		var v3 struct{ AddDatasetVersion versionOut }
		require.NoError(t, jsonUnmarshal(add(ada, 5).Data, &v3))
		ada.MustDo(t, `mutation($id: ID!) { deleteDatasetVersion(id: $id) }`, map[string]any{"id": v3.AddDatasetVersion.ID}, nil)

		// Bob reaches nothing of Ada's: not the dataset, its versions, nor them through a benchmark.
		for _, id := range []string{ds.ID, v1.ID} {
			e = bob.Err(t, `query($id: ID!) { node(id: $id) { id } }`, map[string]any{"id": id})
			require.Equal(t, "NOT_FOUND", e.Code())
		}
		require.Equal(t, "NOT_FOUND", add(bob, 2).Errors[0].Code())
		for _, m := range []string{`deleteDatasetVersion(id: $id)`, `deleteDataset(id: $id)`} {
			id := v1.ID
			if m == `deleteDataset(id: $id)` {
				id = ds.ID
			}
			e = bob.Err(t, `mutation($id: ID!) { `+m+` }`, map[string]any{"id": id})
			require.Equal(t, "NOT_FOUND", e.Code(), m)
		}
		e = bob.Err(t, fmt.Sprintf(`mutation { createBenchmark(input: {name: "x", models: ["openai/steady-model"], datasetVersionId: %q}) { id } }`, v1.ID), nil)
		require.Equal(t, "NOT_FOUND", e.Code())
		// A version holds at most the role's benchmark items: FREE 100 (benchmark.DefaultPolicy).
		free := s.Client(s.SignUp(t, "cy@example.com", viewer.RoleFree).Token)
		e = free.Err(t, fmt.Sprintf(`mutation { createDataset(input: {name: "big", items: %s}) { id } }`, dataset(101)), nil)
		require.Equal(t, "BAD_USER_INPUT", e.Code())
		require.Equal(t, "items", e.Extensions["field"])
		free.MustDo(t, fmt.Sprintf(`mutation { createDataset(input: {name: "big", items: %s}) { id } }`, dataset(100)), nil, nil)

		var mine struct{ Datasets struct{ TotalCount int } }
		bob.MustDo(t, `{ datasets { totalCount } }`, nil, &mine)
		require.Zero(t, mine.Datasets.TotalCount)
	})
}

// TestParallelDatasetVersions: versions added at the same moment on two replicas of one database get the next
// numbers in turn (the dataset row is locked), none fails, and no number is taken twice.
func TestParallelDatasetVersions(t *testing.T) {
	t.Parallel()
	eachBackend(t, func(t *testing.T, b testutil.Backend) {
		rs := testutil.Replicas(t, b, testutil.ServerOptions{}, testutil.ServerOptions{})
		u := rs[0].SignUp(t, "parallel-datasets@example.com", viewer.RolePro)
		clients := []*testutil.Client{rs[0].Client(u.Token), rs[1].Client(u.Token)}
		var cr struct{ CreateDataset struct{ ID string } }
		clients[0].MustDo(t, fmt.Sprintf(`mutation { createDataset(input: {name: "p", items: %s}) { id } }`, dataset(1)), nil, &cr)
		const n = 8
		numbers := make([]int, n)
		var wg sync.WaitGroup
		for i := range n {
			wg.Go(func() {
				var out struct{ AddDatasetVersion struct{ Number int } }
				// item counts 2..9: every version differs from the others
				clients[i%2].MustDo(t, fmt.Sprintf(`mutation($id: ID!) { addDatasetVersion(datasetId: $id, items: %s) { number } }`, dataset(i+2)),
					map[string]any{"id": cr.CreateDataset.ID}, &out)
				numbers[i] = out.AddDatasetVersion.Number
			})
		}
		wg.Wait()
		slices.Sort(numbers)
		require.Equal(t, []int{2, 3, 4, 5, 6, 7, 8, 9}, numbers)
	})
}

// TestUpdateBenchmarkToAnotherVersion: a PENDING benchmark can move to another version of a dataset; not with
// items given as well, and not to another user's version.
func TestUpdateBenchmarkToAnotherVersion(t *testing.T) {
	t.Parallel()
	eachBackend(t, func(t *testing.T, b testutil.Backend) {
		s := testutil.NewServer(t, b)
		ada := s.Client(s.SignUp(t, "ada-update@example.com", viewer.RolePro).Token)
		bob := s.Client(s.SignUp(t, "bob-update@example.com", viewer.RolePro).Token)
		version := func(c *testutil.Client, n int) (string, string) {
			var cr struct {
				CreateDataset struct {
					ID       string
					Versions struct {
						Edges []struct{ Node struct{ ID string } }
					}
				}
			}
			c.MustDo(t, fmt.Sprintf(`mutation { createDataset(input: {name: "d", items: %s}) { id versions { edges { node { id } } } } }`, dataset(n)), nil, &cr)
			return cr.CreateDataset.ID, cr.CreateDataset.Versions.Edges[0].Node.ID
		}
		dsID, v1 := version(ada, 3)
		var v2 struct{ AddDatasetVersion struct{ ID string } }
		ada.MustDo(t, fmt.Sprintf(`mutation($id: ID!) { addDatasetVersion(datasetId: $id, items: %s) { id } }`, dataset(5)), map[string]any{"id": dsID}, &v2)
		var cb struct{ CreateBenchmark struct{ ID string } }
		ada.MustDo(t, `mutation($v: ID!) { createBenchmark(input: {name: "b", models: ["openai/gpt-4.1-mini"], datasetVersionId: $v}) { id } }`, map[string]any{"v": v1}, &cb)
		const update = `mutation($id: ID!, $in: UpdateBenchmarkInput!) { updateBenchmark(id: $id, input: $in) { dataset { input } datasetVersion { id number } } }`
		var up struct {
			UpdateBenchmark struct {
				Dataset        []struct{ Input string }
				DatasetVersion struct {
					ID     string
					Number int
				}
			}
		}
		ada.MustDo(t, update, map[string]any{"id": cb.CreateBenchmark.ID, "in": map[string]any{"datasetVersionId": v2.AddDatasetVersion.ID}}, &up)
		require.Equal(t, 2, up.UpdateBenchmark.DatasetVersion.Number)
		require.Len(t, up.UpdateBenchmark.Dataset, 5)
		e := ada.Err(t, update, map[string]any{"id": cb.CreateBenchmark.ID, "in": map[string]any{"datasetVersionId": v1,
			"dataset": []map[string]any{{"input": "x", "expected": "y", "assertion": "CONTAINS"}}}})
		require.Equal(t, "datasetVersionId", e.Extensions["field"])
		_, bobs := version(bob, 2)
		e = ada.Err(t, update, map[string]any{"id": cb.CreateBenchmark.ID, "in": map[string]any{"datasetVersionId": bobs}})
		require.Equal(t, "NOT_FOUND", e.Code())
	})
}
