package graph_test

import (
	"slices"
	"strings"
	"testing"

	"github.com/shopspring/decimal"
	"github.com/stretchr/testify/require"

	"github.com/modelarchitect/architect/internal/testutil"
	"github.com/modelarchitect/architect/internal/viewer"
)

func TestDeploymentEstimateAndCost(t *testing.T) {
	t.Parallel()
	s := testutil.NewServer(t, testutil.SQLite)
	c := s.Client(s.SignUp(t, "dep@example.com", viewer.RoleEnterprise).Token)

	type plan struct {
		Region, InstanceType         string
		Replicas                     int
		InstanceHourlyUsd, HourlyUsd string
		MonthlyUsd                   string
		MeetsTarget                  bool
	}
	var est struct {
		EstimateDeployment struct {
			Plan          *plan
			Alternatives  []plan
			HoursPerMonth int
		}
	}
	c.MustDo(t, `{ estimateDeployment(input: {model: "meta/llama-3.3-70b-instruct", provider: AWS, region: "us-east-1",
		throughput: {requestsPerSecond: 2, inputTokens: 600, outputTokens: 150}, latencySlaMs: 30000}) {
		hoursPerMonth plan { region instanceType replicas instanceHourlyUsd hourlyUsd monthlyUsd meetsTarget }
		alternatives { region instanceType replicas instanceHourlyUsd hourlyUsd monthlyUsd meetsTarget } } }`, nil, &est)
	e := est.EstimateDeployment
	require.NotNil(t, e.Plan)
	require.Equal(t, "us-east-1", e.Plan.Region)
	require.True(t, e.Plan.MeetsTarget)
	require.Equal(t, 730, e.HoursPerMonth)
	for _, p := range append([]plan{*e.Plan}, e.Alternatives...) {
		hourly := decimal.RequireFromString(p.InstanceHourlyUsd).Mul(decimal.NewFromInt(int64(p.Replicas)))
		require.True(t, hourly.Equal(decimal.RequireFromString(p.HourlyUsd)), "hourly = instance price × replicas (%s)", p.Region)
		require.True(t, hourly.Mul(decimal.NewFromInt(730)).Equal(decimal.RequireFromString(p.MonthlyUsd)), "monthly = hourly × 730")
	}
	require.NotEmpty(t, e.Alternatives, "other AWS regions")

	// The KV-cache size per token: the default is noted; a model's own size replaces it, and a larger one
	// needs more GPU memory per request, so the plan costs more.
	estimate := func(kv int) (string, []string) {
		var out struct {
			EstimateDeployment struct {
				Plan  struct{ MonthlyUsd string }
				Notes []string
			}
		}
		c.MustDo(t, `query($kv: Int!) { estimateDeployment(input: {model: "meta/llama-3.3-70b-instruct", provider: AWS,
			region: "us-east-1", throughput: {requestsPerSecond: 2, inputTokens: 600, outputTokens: 150}, latencySlaMs: 30000,
			kvBytesPerToken: $kv}) { plan { monthlyUsd } notes } }`, map[string]any{"kv": kv}, &out)
		return out.EstimateDeployment.Plan.MonthlyUsd, out.EstimateDeployment.Notes
	}
	base, notes := estimate(0)
	require.Equal(t, e.Plan.MonthlyUsd, base)
	require.True(t, slices.ContainsFunc(notes, func(n string) bool { return strings.Contains(n, "kvBytesPerToken") }), "%v", notes)
	big, notes := estimate(64 * 327_680)
	require.False(t, slices.ContainsFunc(notes, func(n string) bool { return strings.Contains(n, "kvBytesPerToken") }), "%v", notes)
	require.True(t, decimal.RequireFromString(big).GreaterThan(decimal.RequireFromString(base)), "64× the KV cache: %s vs %s", big, base)

	// createDeployment stores the same estimate.
	var created struct {
		CreateDeployment struct {
			EstimatedCost *string
			Plan          *plan
		}
	}
	c.MustDo(t, `mutation { createDeployment(input: {modelName: "meta/llama-3.3-70b-instruct", provider: AWS, region: "us-east-1",
		config: {throughput: {requestsPerSecond: 2, inputTokens: 600, outputTokens: 150}, latencySlaMs: 30000}}) {
		estimatedCost plan { instanceType replicas monthlyUsd } } }`, nil, &created)
	require.NotNil(t, created.CreateDeployment.EstimatedCost)
	require.Equal(t, e.Plan.MonthlyUsd, *created.CreateDeployment.EstimatedCost)
	require.Equal(t, e.Plan.InstanceType, created.CreateDeployment.Plan.InstanceType)

	// SELF_HOSTED: unknown without an instance type, and says why; priced with one.
	var sh struct {
		CreateDeployment struct {
			EstimatedCost *string
			CostNote      string
		}
	}
	c.MustDo(t, `mutation { createDeployment(input: {modelName: "our-finetune", provider: SELF_HOSTED, config: {endpoint: "https://models.example.com/v1"}}) { estimatedCost costNote } }`, nil, &sh)
	require.Nil(t, sh.CreateDeployment.EstimatedCost)
	require.Contains(t, sh.CreateDeployment.CostNote, "instanceType")
	c.MustDo(t, `mutation { createDeployment(input: {modelName: "meta/llama-3.1-8b-instruct", provider: SELF_HOSTED, config: {endpoint: "https://m.example.com/v1", instanceType: "g5.xlarge", replicas: 2}}) { estimatedCost costNote } }`, nil, &sh)
	require.NotNil(t, sh.CreateDeployment.EstimatedCost)
	require.Contains(t, sh.CreateDeployment.CostNote, "on-demand")

	// Nothing fits: a clear error naming the regions that do have instances, and nothing written.
	err := c.Err(t, `mutation { createDeployment(input: {modelName: "meta/llama-3.3-70b-instruct", provider: AWS, region: "mars-1",
		config: {throughput: {requestsPerSecond: 2, inputTokens: 600, outputTokens: 150}}}) { id } }`, nil)
	require.Equal(t, "BAD_USER_INPUT", err.Code())
	require.Contains(t, err.Message, "us-east-1")
	err = c.Err(t, `mutation { createDeployment(input: {modelName: "openai/gpt-4.1", provider: AWS, region: "us-east-1",
		config: {throughput: {requestsPerSecond: 2, inputTokens: 600, outputTokens: 150}}}) { id } }`, nil)
	require.Equal(t, "BAD_USER_INPUT", err.Code())
	require.Contains(t, err.Message, "open-weights")
	n, qerr := s.DB.Client.Deployment.Query().Count(testutil.System())
	require.NoError(t, qerr)
	require.Equal(t, 3, n)
}
