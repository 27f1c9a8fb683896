package benchmark

import (
	"strings"
	"testing"

	"github.com/stretchr/testify/require"
)

func TestAggregateRuns(t *testing.T) {
	t.Parallel()
	item := func(cluster string) Item {
		return Item{Input: "q", Expected: "a", Assertion: AssertExact, Cluster: cluster}
	}
	pass := func(i, r int) ItemResult { return ItemResult{Item: i, Repeat: r, Output: "a", Pass: true} }
	fail := func(i, r int) ItemResult { return ItemResult{Item: i, Repeat: r, Output: "b", Reason: "no"} }
	// item means [1, 0.5, 0, 0.5]: score 0.5, deviations [0.5, 0, −0.5, 0]
	results := []ItemResult{pass(0, 0), pass(0, 1), pass(1, 0), fail(1, 1), fail(2, 0), fail(2, 1), fail(3, 0), pass(3, 1)}

	cases := []struct {
		name             string
		clusters         []string
		se, naive, low   float64
		clustersReported int
	}{
		// sd = √((0.25 + 0 + 0.25 + 0)/3) = 0.408248; SE = sd/√4
		{name: "independent items", clusters: []string{"", "", "", ""}, se: 0.20412414523193154, naive: 0.20412414523193154,
			low: 0.5 - Z95*0.20412414523193154},
		// CR0: clusters {0,1} and {2,3} sum to +0.5 and −0.5; SE² = (0.25 + 0.25)/4² = 1/32
		{name: "two clusters", clusters: []string{"doc1", "doc1", "doc2", "doc2"}, se: 0.17677669529663687, naive: 0.20412414523193154,
			low: 0.5 - Z95*0.17677669529663687, clustersReported: 2},
		// items without a key are their own cluster: {0,1} +0.5, {2} −0.5, {3} 0 → SE² = 0.5/16
		{name: "standalone items among clustered", clusters: []string{"doc1", "doc1", "", ""}, se: 0.17677669529663687, naive: 0.20412414523193154,
			low: 0.5 - Z95*0.17677669529663687, clustersReported: 3},
		// one cluster only: no clustered error exists, so items are treated as independent
		{name: "one cluster", clusters: []string{"doc1", "doc1", "doc1", "doc1"}, se: 0.20412414523193154, naive: 0.20412414523193154,
			low: 0.5 - Z95*0.20412414523193154},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			dataset := make([]Item, len(tc.clusters))
			for i, c := range tc.clusters {
				dataset[i] = item(c)
			}
			s, err := AggregateRuns("openai/gpt-test", nil, dataset, 2, results)
			require.NoError(t, err)
			require.Equal(t, 8, s.Items)
			require.Equal(t, 4, s.Passed)
			require.InDelta(t, 0.5, s.Accuracy, 1e-15)
			require.Equal(t, 2, s.Repeats)
			require.Equal(t, []float64{1, 0.5, 0, 0.5}, s.ItemPassRates)
			require.InDelta(t, 0.5, s.Score, 1e-15)
			require.InDelta(t, tc.se, s.SE, 1e-15)
			require.InDelta(t, tc.naive, s.NaiveSE, 1e-15)
			require.Equal(t, tc.clustersReported, s.Clusters)
			require.InDelta(t, tc.low, s.AccuracyCI.Low, 1e-12)
			require.InDelta(t, 1-tc.low, s.AccuracyCI.High, 1e-12)
		})
	}
}

func TestAggregateRunsOnceKeepsWilson(t *testing.T) {
	t.Parallel()
	dataset := []Item{{Input: "q", Expected: "a", Assertion: AssertExact}, {Input: "q", Expected: "a", Assertion: AssertExact}}
	s, err := AggregateRuns("m/x", nil, dataset, 1, []ItemResult{{Item: 0, Pass: true}, {Item: 1}})
	require.NoError(t, err)
	want, _ := Wilson(1, 2, Z95)
	require.Equal(t, want, s.AccuracyCI)
	require.InDelta(t, 0.5, s.SE, 1e-15) // sd of [1, 0] is 0.7071; /√2
}

func TestAggregateRunsRefuses(t *testing.T) {
	t.Parallel()
	dataset := []Item{{Input: "q", Expected: "a", Assertion: AssertExact}}
	cases := []struct {
		name    string
		results []ItemResult
		repeats int
		reason  string
	}{
		{name: "a run twice", results: []ItemResult{{Item: 0, Repeat: 1}, {Item: 0, Repeat: 1}}, repeats: 2, reason: "run 1 of item 0 is counted twice"},
		{name: "a run missing", results: []ItemResult{{Item: 0}}, repeats: 2, reason: "1 results for 1 items × 2 repeats"},
		{name: "a run past the repeats", results: []ItemResult{{Item: 0}, {Item: 0, Repeat: 2}}, repeats: 2, reason: "outside"},
		{name: "no repeats", results: nil, repeats: 0, reason: "must be 1 or more"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			_, err := AggregateRuns("m/x", nil, dataset, tc.repeats, tc.results)
			require.ErrorContains(t, err, tc.reason)
		})
	}
}

func TestCheckRepeats(t *testing.T) {
	t.Parallel()
	p := DefaultPolicy()
	for role, max := range map[Role]int{RoleFree: 3, RolePro: 10, RoleEnterprise: 20, RoleAdmin: 20} {
		require.NoError(t, p.CheckRepeats(role, max), role)
		err := p.CheckRepeats(role, max+1)
		require.EqualError(t, err, "the "+string(role)+" role allows at most "+thousands(max)+" repeats in one benchmark; this one has "+thousands(max+1))
	}
	require.ErrorContains(t, p.CheckRepeats(RoleFree, 0), "must be 1 or more")
	require.NoError(t, Policy{RoleFree: {}}.CheckRepeats(RoleFree, 1)) // no cap configured: one run
	require.Error(t, Policy{RoleFree: {}}.CheckRepeats(RoleFree, 2))
}

func TestEstimateRepeats(t *testing.T) {
	t.Parallel()
	in := EstimateInput{Items: []Item{{Input: strings.Repeat("a", 40), Expected: "a", Assertion: AssertExact}},
		Models: []string{"openai/gpt-test", "x/unpriced"}, MaxOutputTokens: 10, Catalog: testCatalog()}
	once, err := Estimate(in)
	require.NoError(t, err)
	in.Repeats = 3
	thrice, err := Estimate(in)
	require.NoError(t, err)
	require.Equal(t, 3*once.Calls, thrice.Calls)
	require.Equal(t, 3*once.InputTokens, thrice.InputTokens)
	require.Equal(t, TokenRange{Low: 3 * once.OutputTokens.Low, High: 3 * once.OutputTokens.High}, thrice.OutputTokens)
	require.True(t, once.Cost.High.Mul(dec("3")).Equal(thrice.Cost.High))
	require.Equal(t, once.Duration, thrice.Duration) // 3 calls per provider at the default concurrency 4: still one wave
}

func TestParseClustersAndTags(t *testing.T) {
	t.Parallel()
	jsonl := `{"input": "q1", "expected": "a", "assertion": "exact", "cluster": "doc-7", "tags": ["geo", "easy"]}` + "\n" +
		`{"input": "q2", "expected": "a", "assertion": "exact"}`
	items, err := Parse(strings.NewReader(jsonl), "d.jsonl", ParseLimits{})
	require.NoError(t, err)
	require.Equal(t, "doc-7", items[0].Cluster)
	require.Equal(t, []string{"geo", "easy"}, items[0].Tags)
	require.Empty(t, items[1].Cluster)

	csvFile := "input,expected,assertion,cluster,tags\nq1,a,exact,doc-7,geo; easy\nq2,a,exact,,\n"
	items, err = Parse(strings.NewReader(csvFile), "d.csv", ParseLimits{})
	require.NoError(t, err)
	require.Equal(t, "doc-7", items[0].Cluster)
	require.Equal(t, []string{"geo", "easy"}, items[0].Tags)
	require.Nil(t, items[1].Tags)

	err = Validate([]Item{{Input: "q", Expected: "a", Assertion: AssertExact, Cluster: strings.Repeat("c", 201)}})
	require.EqualError(t, err, "items[0].cluster: is 201 bytes; at most 200")
	err = Validate([]Item{{Input: "q", Expected: "a", Assertion: AssertExact, Tags: []string{"ok", ""}}})
	require.EqualError(t, err, "items[0].tags[1]: must not be empty")
}
