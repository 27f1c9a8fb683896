package workers

import (
	"cmp"
	"context"
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/riverqueue/river"

	"github.com/modelarchitect/architect/ent"
	entbenchmark "github.com/modelarchitect/architect/ent/benchmark"
	"github.com/modelarchitect/architect/ent/benchmarkitemresult"
	"github.com/modelarchitect/architect/internal/benchmark"
	"github.com/modelarchitect/architect/internal/catalog"
	"github.com/modelarchitect/architect/internal/ledger"
	"github.com/modelarchitect/architect/internal/model"
	"github.com/modelarchitect/architect/internal/providers"
)

type chunkWorker struct {
	river.WorkerDefaults[BenchmarkChunkArgs]
	d *Deps
}

// errCancelled stops a chunk whose benchmark is no longer RUNNING.
var errCancelled = errors.New("benchmark no longer running")

// Work runs the chunk's (item, repeat) runs that have no stored result yet, saving results and progress every
// ProgressEvery; when the last chunk finishes, the benchmark is scored and COMPLETED.
func (w *chunkWorker) Work(ctx context.Context, job *river.Job[BenchmarkChunkArgs]) error {
	a, sys := job.Args, system(ctx)
	c := w.d.Client
	b, err := c.Benchmark.Get(sys, a.BenchmarkID)
	if ent.IsNotFound(err) {
		return nil // deleted
	}
	if err != nil {
		return err
	}
	if b.Status != entbenchmark.StatusRUNNING {
		return nil // cancelled or already finished
	}
	var stored []struct {
		Item   int `json:"item"`
		Repeat int `json:"repeat"`
	}
	err = c.BenchmarkItemResult.Query().
		Where(benchmarkitemresult.BenchmarkID(b.ID), benchmarkitemresult.Model(a.Model),
			benchmarkitemresult.ItemGTE(a.From), benchmarkitemresult.ItemLT(a.To)).
		Select(benchmarkitemresult.FieldItem, benchmarkitemresult.FieldRepeat).Scan(sys, &stored)
	if err != nil {
		return err
	}
	done := make(map[[2]int]bool, len(stored))
	for _, r := range stored {
		done[[2]int{r.Item, r.Repeat}] = true
	}
	var tasks []benchmark.Task
	for i := a.From; i < min(a.To, len(b.Dataset)); i++ {
		for k := range b.Repeats {
			if !done[[2]int{i, k}] {
				tasks = append(tasks, benchmark.Task{Index: i, Repeat: k, Item: b.Dataset[i]})
			}
		}
	}
	if len(tasks) > 0 {
		client, name, err := w.d.Providers.Resolve(a.Model)
		if err != nil {
			return w.fail(sys, b, err.Error())
		}
		comp := completer{client: client, model: name, system: b.System, maxOut: b.MaxOutputTokens,
			effort: effortFor(w.d.Catalog, a.Model), provider: strings.SplitN(a.Model, "/", 2)[0], observe: w.d.ProviderCall}
		var j benchmark.Judge
		if b.Judge != nil {
			jc, jname, err := w.d.Providers.Resolve(b.Judge.Model)
			if err != nil {
				return w.fail(sys, b, "judge: "+err.Error())
			}
			j = &judge{d: w.d, owner: b.OwnerID, cfg: benchmark.JudgeConfig(*b.Judge), client: jc, model: jname,
				provider: strings.SplitN(b.Judge.Model, "/", 2)[0]}
		}
		if err := w.run(ctx, b, a.Model, comp, j, tasks); err != nil {
			return w.retryOrFail(sys, job, b, err)
		}
	}
	return w.finishIfDone(sys, b.ID)
}

// run calls the model for each task, buffering results and saving them with the progress.
func (w *chunkWorker) run(ctx context.Context, b *ent.Benchmark, modelID string, comp benchmark.Completer, j benchmark.Judge, tasks []benchmark.Task) error {
	runCtx, cancel := context.WithCancelCause(ctx)
	defer cancel(nil)
	every := cmp.Or(w.d.ProgressEvery, 300*time.Millisecond)
	var (
		buf  []benchmark.ItemResult
		last = time.Now()
	)
	flush := func() error {
		if len(buf) == 0 {
			return nil
		}
		running, err := w.save(system(ctx), b, modelID, buf)
		buf, last = nil, time.Now()
		if err == nil && !running {
			cancel(errCancelled)
			return errCancelled
		}
		return err
	}
	err := benchmark.Run(runCtx, benchmark.RunConfig{
		Model:     modelID,
		Completer: comp,
		Judge:     j,
		Limiter:   w.d.Limiter,
		OnResult: func(r benchmark.ItemResult) error {
			buf = append(buf, r)
			if time.Since(last) < every {
				return nil
			}
			return flush()
		},
		// A long rate limit stops the chunk; the job comes back after the wait instead of holding a worker.
		Abort: func(err error) bool {
			var pe *providers.Error
			return errors.As(err, &pe) && pe.RetryAfter > 0
		},
	}, tasks)
	if ferr := flush(); err == nil {
		err = ferr
	}
	if errors.Is(context.Cause(runCtx), errCancelled) || errors.Is(err, errCancelled) {
		return nil
	}
	return err
}

// save stores results (a result already stored for the same item and repeat is kept), moves the steps done from
// the run's reservation, counting as used the calls made (answers and uncached judge calls; a cached verdict
// gives its reserved calls back), and records the progress, in one transaction that first locks the benchmark,
// so that concurrent chunks count in turn and progress never goes back. It reports whether the benchmark is
// still RUNNING.
func (w *chunkWorker) save(ctx context.Context, b *ent.Benchmark, modelID string, rs []benchmark.ItemResult) (running bool, err error) {
	err = w.d.DB.InTx(ctx, func(ctx context.Context) error {
		c := ent.FromContext(ctx)
		cur, err := Lock(ctx, c, b.ID)
		if ent.IsNotFound(err) {
			return nil // deleted: its calls stay counted where the delete left them
		}
		if err != nil {
			return err
		}
		builders := make([]*ent.BenchmarkItemResultCreate, len(rs))
		for i, r := range rs {
			builders[i] = c.BenchmarkItemResult.Create().SetOwnerID(b.OwnerID).SetBenchmarkID(b.ID).SetModel(modelID).
				SetItem(r.Item).SetRepeat(r.Repeat).SetOutput(r.Output).SetPassed(r.Pass).SetReason(r.Reason).SetError(r.Error).
				SetLatencyMs(ms(r.Latency)).SetTtftMs(ms(r.TTFT)).SetInputTokens(r.Usage.InputTokens).
				SetOutputTokens(r.Usage.OutputTokens).SetCachedTokens(r.Usage.CachedTokens).SetReasoningTokens(r.Usage.ReasoningTokens).
				SetJudged(r.Judged).SetJudgeScore(r.JudgeScore).SetJudgeInvalid(r.JudgeInvalid).SetJudgeCalls(r.JudgeCalls).
				SetJudgeInputTokens(r.JudgeUsage.InputTokens).SetJudgeOutputTokens(r.JudgeUsage.OutputTokens)
		}
		err = c.BenchmarkItemResult.CreateBulk(builders...).
			OnConflictColumns(benchmarkitemresult.FieldBenchmarkID, benchmarkitemresult.FieldModel, benchmarkitemresult.FieldItem,
				benchmarkitemresult.FieldRepeat).
			DoNothing().Exec(ctx)
		if err != nil {
			return err
		}
		p, err := countProgress(ctx, c, cur)
		if err != nil {
			return err
		}
		// Steps and calls of other chunks committed before the lock were counted by them.
		steps := max(p.steps-cur.ProgressDone, 0)
		answers := max(p.answers-(cur.ProgressDone-cur.JudgeStepsDone), 0)
		made := answers + max(p.judgeCalls-cur.JudgeCallsMade, 0)
		// A judge step was reserved as CallsPerStep calls (two for a pairwise judge asked in both orders).
		perStep := 1
		if cur.Judge != nil {
			perStep = benchmark.JudgeConfig(*cur.Judge).CallsPerStep()
		}
		fromHeld := min(answers+max(p.judgeSteps-cur.JudgeStepsDone, 0)*perStep, cur.QuotaHeld)
		if err := ledger.Settle(ctx, c, QuotaKey(cur), made, fromHeld); err != nil {
			return err
		}
		running = cur.Status == entbenchmark.StatusRUNNING
		if steps == 0 {
			return nil
		}
		// Calls in flight when a run was cancelled still count: their results are kept and progress shows them.
		return c.Benchmark.UpdateOne(cur).SetProgressDone(p.steps).SetJudgeStepsDone(p.judgeSteps).
			SetJudgeCallsMade(p.judgeCalls).AddQuotaHeld(-fromHeld).Exec(ctx)
	})
	return running, err
}

// progress is what a benchmark's stored results add up to: answers (one row each), judge steps (rows of JUDGE
// items, cached or not) and judge calls made; steps = answers + judge steps is what progressDone shows.
type progress struct{ answers, judgeSteps, judgeCalls, steps int }

func countProgress(ctx context.Context, c *ent.Client, b *ent.Benchmark) (progress, error) {
	var p progress
	q := func() *ent.BenchmarkItemResultQuery {
		return c.BenchmarkItemResult.Query().Where(benchmarkitemresult.BenchmarkID(b.ID))
	}
	var err error
	if p.answers, err = q().Count(ctx); err != nil || b.Judge == nil {
		p.steps = p.answers
		return p, err
	}
	if p.judgeSteps, err = q().Where(benchmarkitemresult.Judged(true)).Count(ctx); err != nil {
		return p, err
	}
	if p.judgeSteps > 0 {
		if p.judgeCalls, err = q().Aggregate(ent.Sum(benchmarkitemresult.FieldJudgeCalls)).Int(ctx); err != nil {
			return p, err
		}
	}
	p.steps = p.answers + p.judgeSteps
	return p, nil
}

// retryOrFail decides what a failed chunk does: wait out a rate limit, come back after a shutdown, retry, or
// on its last attempt fail the benchmark with the reason.
func (w *chunkWorker) retryOrFail(ctx context.Context, job *river.Job[BenchmarkChunkArgs], b *ent.Benchmark, err error) error {
	var pe *providers.Error
	switch {
	case errors.As(err, &pe) && pe.RetryAfter > 0:
		return river.JobSnooze(pe.RetryAfter)
	case errors.Is(err, context.Canceled):
		return river.JobSnooze(0) // the process is stopping; pick up where it stopped
	case job.Attempt >= job.MaxAttempts:
		return w.fail(ctx, b, fmt.Sprintf("%s on %s: %v", b.Name, job.Args.Model, err))
	}
	return err
}

// fail marks a RUNNING benchmark FAILED with the reason.
func (w *chunkWorker) fail(ctx context.Context, b *ent.Benchmark, reason string) error {
	return failRun(ctx, w.d, b.ID, reason, nil)
}

// failRun fails benchmark id with reason if it is still RUNNING (and, when given, still matches stalled).
func failRun(ctx context.Context, d *Deps, id int, reason string, stalled func(*ent.Benchmark) bool) error {
	return d.DB.InTx(ctx, func(ctx context.Context) error {
		c := ent.FromContext(ctx)
		b, err := Lock(ctx, c, id)
		if err != nil || b.Status != entbenchmark.StatusRUNNING || (stalled != nil && !stalled(b)) {
			return ignoreNotFound(err)
		}
		_, err = End(ctx, c, b, entbenchmark.StatusFAILED, func(u *ent.BenchmarkUpdateOne) {
			u.SetError(reason).SetFinishedAt(d.now().UTC())
		})
		return err
	})
}

// finishIfDone scores and completes the benchmark once every (model, item, repeat) has a result; of several chunks
// finishing together, one completes it.
func (w *chunkWorker) finishIfDone(ctx context.Context, id int) error {
	return finishIfDone(ctx, w.d, id)
}

func finishIfDone(ctx context.Context, d *Deps, id int) error {
	return d.DB.InTx(ctx, func(ctx context.Context) error {
		c := ent.FromContext(ctx)
		b, err := Lock(ctx, c, id)
		if err != nil || b.Status != entbenchmark.StatusRUNNING {
			return ignoreNotFound(err)
		}
		p, err := countProgress(ctx, c, b)
		if err != nil || p.answers < len(b.Models)*len(b.Dataset)*b.Repeats {
			return err
		}
		res := &model.BenchmarkResults{ComputedAt: d.now().UTC()}
		for _, m := range b.Models {
			rows, err := c.BenchmarkItemResult.Query().
				Where(benchmarkitemresult.BenchmarkID(id), benchmarkitemresult.Model(m)).All(ctx)
			if err != nil {
				return err
			}
			var price *catalog.Model
			if p, err := d.Catalog.Model(m); err == nil {
				price = &p
			}
			results := itemResults(rows)
			score, err := benchmark.AggregateRuns(m, price, b.Dataset, b.Repeats, results)
			if err != nil {
				return err
			}
			if b.Judge != nil {
				if jp, err := d.Catalog.Model(b.Judge.Model); err == nil {
					cost := benchmark.JudgeCosts(jp, results)
					score.JudgeCost = &cost
				}
			}
			res.Models = append(res.Models, score)
		}
		_, err = End(ctx, c, b, entbenchmark.StatusCOMPLETED, func(u *ent.BenchmarkUpdateOne) {
			u.SetResults(res).SetProgressDone(p.steps).SetFinishedAt(d.now().UTC())
		})
		return err
	})
}

func itemResults(rows []*ent.BenchmarkItemResult) []benchmark.ItemResult {
	out := make([]benchmark.ItemResult, len(rows))
	for i, r := range rows {
		out[i] = benchmark.ItemResult{Item: r.Item, Repeat: r.Repeat, Output: r.Output, Pass: r.Passed, Reason: r.Reason, Error: r.Error,
			Latency: fromMs(r.LatencyMs), TTFT: fromMs(r.TtftMs),
			Usage:  benchmark.Usage{InputTokens: r.InputTokens, OutputTokens: r.OutputTokens, CachedTokens: r.CachedTokens, ReasoningTokens: r.ReasoningTokens},
			Judged: r.Judged, JudgeScore: r.JudgeScore, JudgeInvalid: r.JudgeInvalid, JudgeCalls: r.JudgeCalls,
			JudgeUsage: benchmark.Usage{InputTokens: r.JudgeInputTokens, OutputTokens: r.JudgeOutputTokens}}
	}
	return out
}

// completer adapts a model API client to the benchmark runner.
type completer struct {
	client   providers.Client
	model    string
	system   string
	maxOut   int
	effort   string // reasoning_effort to send; "" for the API's default
	provider string
	observe  func(provider, outcome string, took time.Duration)
}

func (c completer) Complete(ctx context.Context, prompt string) (benchmark.Answer, error) {
	start := time.Now()
	res, err := c.client.Complete(ctx, providers.Request{Model: c.model, System: c.system, Prompt: prompt,
		MaxOutputTokens: c.maxOut, ReasoningEffort: c.effort})
	if c.observe != nil {
		c.observe(c.provider, string(providers.OutcomeOf(err)), time.Since(start))
	}
	return benchmark.Answer{Text: res.Text, TTFT: res.TTFT, Latency: res.Latency,
		Usage: benchmark.Usage{InputTokens: int64(res.InputTokens), OutputTokens: int64(res.OutputTokens),
			CachedTokens: int64(res.CachedTokens), ReasoningTokens: int64(res.ReasoningTokens)}}, err
}

// effortFor is the reasoning effort a benchmark calls a model at: the one its id names (openai/gpt-5@high),
// or, for an OpenAI reasoning model the catalog measured at a named effort, that one, so that the benchmark
// measures the configuration the catalog row describes and its evidence attaches to that row.
func effortFor(cat *catalog.Catalog, id string) string {
	if e := catalog.EffortOf(id); e != "" {
		return e
	}
	if m, err := cat.Model(id); err == nil && m.Reasoning && m.Provider == "openai" {
		return m.Effort
	}
	return ""
}

func ms(d time.Duration) float64 { return float64(d) / float64(time.Millisecond) }

func fromMs(v float64) time.Duration { return time.Duration(v * float64(time.Millisecond)) }

func ignoreNotFound(err error) error {
	if ent.IsNotFound(err) {
		return nil
	}
	return err
}
