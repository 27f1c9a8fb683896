package seed

import (
	"fmt"
	"math"
	"math/rand/v2"

	"github.com/modelarchitect/architect/ent"
	entloadtest "github.com/modelarchitect/architect/ent/loadtest"
	"github.com/modelarchitect/architect/internal/loadtest"
	"github.com/modelarchitect/architect/internal/model"
)

var loadTestStatuses = []entloadtest.Status{entloadtest.StatusCOMPLETED, entloadtest.StatusRUNNING, entloadtest.StatusFAILED,
	entloadtest.StatusPENDING, entloadtest.StatusCANCELLED}

// loadTest is a load test of one of the catalog's hosted models: a rate or a sweep, with results shaped as the
// engine writes them (latency grows with the rate past the endpoint's capacity).
func (w *world) loadTest(c *ent.Client, p *person) *ent.LoadTestCreate {
	created := between(p.r, p.joined, w.now)
	status := weighted(p.r, loadTestStatuses, []int{60, 5, 10, 15, 10})
	m := pick(p.r, w.chat)
	plan := loadtest.Plan{Mode: loadtest.ModeRate, Rates: []float64{float64(1 + p.r.IntN(20))}, Burstiness: 1,
		MaxConcurrency: 4 << p.r.IntN(3), DurationSeconds: float64(30 * (1 + p.r.IntN(4))), Seed: int64(p.r.IntN(1000)),
		InputTokens:  loadtest.Length{Kind: loadtest.LengthFixed, Value: 256 << p.r.IntN(4)},
		OutputTokens: loadtest.Length{Kind: loadtest.LengthFixed, Value: 64 << p.r.IntN(3)},
		SLO:          []loadtest.SLOTarget{{Metric: loadtest.MetricTTFT, ThresholdMs: 500, Percentile: 99}, {Metric: loadtest.MetricTPOT, ThresholdMs: 50, Percentile: 90}}}
	if p.r.IntN(3) == 0 {
		plan.Mode, plan.Rates = loadtest.ModeSweep, []float64{1, 2, 4, 8}
	}
	plan.MaxRequests = int(math.Ceil(plan.Rates[len(plan.Rates)-1]*plan.DurationSeconds)) * len(plan.Rates)
	b := c.LoadTest.Create().SetOwnerID(p.id).SetName(fmt.Sprintf("%s at %g/s", m.ID, plan.Rates[0])).SetModel(m.ID).
		SetPlan(model.LoadTestPlan(plan)).SetStatus(status).SetCostNote("at most: seeded").
		SetCreatedAt(created).SetUpdatedAt(between(p.r, created, w.now))
	if status == entloadtest.StatusPENDING {
		return b
	}
	b.SetStartedAt(created)
	steps := len(plan.Rates)
	if status != entloadtest.StatusCOMPLETED {
		steps = 1 + p.r.IntN(steps)
	}
	res := loadtest.Result{Plan: plan, Model: m.ID, Cancelled: status == entloadtest.StatusCANCELLED}
	for i := range steps {
		res.Steps = append(res.Steps, seededStep(p.r, plan, plan.Rates[i], status == entloadtest.StatusRUNNING && i == steps-1))
	}
	b.SetResult((*model.LoadTestResult)(&res))
	if status == entloadtest.StatusFAILED {
		b.SetError("its worker stopped before the end (a crash or a restart): the result saved until then is kept; a load test is never restarted")
	}
	if status != entloadtest.StatusRUNNING {
		b.SetFinishedAt(between(p.r, created, w.now))
	}
	return b
}

// seededStep is one step at rate against an endpoint that saturates near 5 requests/s.
func seededStep(r *rand.Rand, p loadtest.Plan, rate float64, running bool) loadtest.Step {
	load := rate / 5
	ttft := 200 + 100*r.Float64() + 400*max(0, load-0.8)
	tpot := 15 + 5*r.Float64()
	out := float64(p.OutputTokens.Value)
	e2e := ttft + tpot*(out-1)
	dist := func(median float64) loadtest.Distribution {
		return loadtest.Distribution{Count: int(rate * p.DurationSeconds), MeanMs: median * 1.05, MedianMs: median,
			P90Ms: median * 1.4, P95Ms: median * 1.6, P99Ms: median * 2.1, MinMs: median * 0.7, MaxMs: median * 2.5}
	}
	achieved := min(rate, 5)
	sent := int(rate * p.DurationSeconds)
	completed := int(achieved * p.DurationSeconds)
	st := loadtest.Step{TargetRate: rate, Concurrency: p.MaxConcurrency, InProgress: running, Sent: sent, Completed: completed,
		Failed: sent - completed, DurationSeconds: p.DurationSeconds, RequestRate: achieved,
		OutputTokensPerSecond: achieved * out, InputTokens: int64(completed * p.InputTokens.Value), OutputTokens: int64(float64(completed) * out),
		TTFT: dist(ttft), TPOT: dist(tpot), ITL: dist(tpot), E2E: dist(e2e)}
	st.ITL.Count = completed * int(out-1)
	ttftMet, tpotMet := dist(ttft).P99Ms <= 500, dist(tpot).P90Ms <= 50
	st.SLO = []loadtest.SLOResult{{Metric: loadtest.MetricTTFT, Percentile: 99, ThresholdMs: 500, MeasuredMs: dist(ttft).P99Ms, Met: ttftMet},
		{Metric: loadtest.MetricTPOT, Percentile: 90, ThresholdMs: 50, MeasuredMs: dist(tpot).P90Ms, Met: tpotMet}}
	st.GoodRequests = completed
	if !ttftMet {
		st.GoodRequests = completed * 9 / 10
	}
	st.Goodput = float64(st.GoodRequests) / p.DurationSeconds
	if st.Failed > 0 {
		st.Errors = []loadtest.ErrorCount{{Kind: "HTTP_429", Count: st.Failed, Example: "Rate limit reached for requests"}}
	}
	return st
}
