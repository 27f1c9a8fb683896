package seed

import (
	"fmt"
	"time"

	"github.com/modelarchitect/architect/ent"
	entbenchmark "github.com/modelarchitect/architect/ent/benchmark"
	"github.com/modelarchitect/architect/internal/benchmark"
	"github.com/modelarchitect/architect/internal/model"
)

var benchmarkStatuses = []entbenchmark.Status{entbenchmark.StatusCOMPLETED, entbenchmark.StatusRUNNING, entbenchmark.StatusPENDING, entbenchmark.StatusFAILED, entbenchmark.StatusCANCELLED}

// run is a benchmark drawn for a user, with the item results of the calls it has made.
type run struct {
	create  *ent.BenchmarkCreate
	results map[string][]benchmark.ItemResult // by model
	models  []string
	dataset *ent.DatasetCreate // the dataset its items are version 1 of
	items   []benchmark.Item
}

func (w *world) benchmark(c *ent.Client, p *person) run {
	created := between(p.r, p.joined, w.now)
	task := pick(p.r, benchmarkTasks)
	ms := distinct(p.r, w.chat, 2+p.r.IntN(3))
	picked := distinct(p.r, task.items, 3+p.r.IntN(len(task.items)-2))
	items := make([]benchmark.Item, len(picked))
	for i, it := range picked {
		items[i] = benchmark.Item{Input: it.input, Expected: it.expected, Assertion: benchmark.Assertion(it.assertion)}
		if it.assertion == "NUMERIC" {
			items[i].Tolerance = 0.01
		}
	}
	status := weighted(p.r, benchmarkStatuses, []int{45, 15, 15, 15, 10})
	total := len(ms) * len(items)
	b := run{results: map[string][]benchmark.ItemResult{}, items: items,
		dataset: c.Dataset.Create().SetOwnerID(p.id).SetName(task.name).SetCreatedAt(created).SetUpdatedAt(created)}
	for _, m := range ms {
		b.models = append(b.models, m.ID)
	}
	b.create = c.Benchmark.Create().SetOwnerID(p.id).
		SetName(fmt.Sprintf("%s: %d models", task.name, len(ms))).SetSystem(task.system).
		SetMaxOutputTokens(pick(p.r, []int{256, 512, 1024})).
		SetModels(b.models).SetDataset(model.Dataset(items)).SetStatus(status).SetProgressTotal(total).SetCreatedAt(created)
	if status == entbenchmark.StatusPENDING {
		b.create.SetUpdatedAt(created)
		return b
	}
	done := total
	if status != entbenchmark.StatusCOMPLETED {
		done = p.r.IntN(total)
	}
	// Calls go item by item, each item to every model; a model answers right with its own skill.
	skill := make([]float64, len(ms))
	for i := range skill {
		skill[i] = 0.5 + 0.45*p.r.Float64()
	}
	started := between(p.r, created, w.now)
	for k := range done {
		mi, ii := k%len(ms), k/len(ms)
		res := benchmark.ItemResult{Item: ii}
		if p.r.IntN(25) == 0 {
			res.Error = pick(p.r, callErrors)
		} else {
			res.Output = picked[ii].wrong
			if p.r.Float64() < skill[mi] {
				res.Output = picked[ii].right
			}
			v, err := items[ii].Check(res.Output)
			res.Pass, res.Reason = v.Pass, v.Reason
			if err != nil {
				res.Reason = err.Error()
			}
			res.TTFT = time.Duration(150+p.r.IntN(700)) * time.Millisecond
			res.Latency = res.TTFT + time.Duration(50+p.r.IntN(2500))*time.Millisecond
			res.Usage = benchmark.Usage{InputTokens: benchmark.EstimatePromptTokens(task.system, items[ii].Input),
				OutputTokens: benchmark.EstimateTokens(res.Output)}
		}
		b.results[b.models[mi]] = append(b.results[b.models[mi]], res)
	}
	finished := started.Add(time.Duration(5+p.r.IntN(600)) * time.Second)
	b.create.SetStartedAt(started).SetProgressDone(done)
	switch status {
	case entbenchmark.StatusRUNNING:
		b.create.SetUpdatedAt(started)
		return b
	case entbenchmark.StatusFAILED:
		b.create.SetError(fmt.Sprintf(pick(p.r, benchmarkErrors), pick(p.r, b.models)))
	case entbenchmark.StatusCOMPLETED:
		// The engine's own scores, as the worker stores them when a benchmark finishes.
		res := &model.BenchmarkResults{ComputedAt: finished}
		for i, m := range b.models {
			if s, err := benchmark.AggregateRuns(m, &ms[i], items, 1, b.results[m]); err == nil {
				res.Models = append(res.Models, s)
			}
		}
		b.create.SetResults(res)
	}
	b.create.SetFinishedAt(finished).SetUpdatedAt(finished)
	return b
}
