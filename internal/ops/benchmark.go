package ops

import (
	"context"
	"errors"
	"fmt"
	"io"
	"slices"
	"strings"
	"time"

	"github.com/riverqueue/river"

	"github.com/modelarchitect/architect/ent"
	entbenchmark "github.com/modelarchitect/architect/ent/benchmark"
	"github.com/modelarchitect/architect/internal/apperr"
	"github.com/modelarchitect/architect/internal/benchmark"
	"github.com/modelarchitect/architect/internal/ledger"
	"github.com/modelarchitect/architect/internal/model"
	"github.com/modelarchitect/architect/internal/viewer"
	"github.com/modelarchitect/architect/internal/workers"
)

// Enqueuer inserts jobs in the transaction of the context (internal/jobs).
type Enqueuer interface {
	EnqueueMany(ctx context.Context, params []river.InsertManyParams) error
	Enqueue(ctx context.Context, args river.JobArgs, opts *river.InsertOpts) error
}

// BenchmarkConfig holds the benchmark settings. Zero values: the default policy, about 25 calls (items × repeats) per job,
// 10 MiB uploads.
type BenchmarkConfig struct {
	Policy       benchmark.Policy
	ChunkSize    int
	MaxFileBytes int64
}

// BenchmarkDraft is what a client sends to create or change a benchmark; nil fields keep their values on
// update.
type BenchmarkDraft struct {
	Name            *string
	Models          []string
	Dataset         []benchmark.Item
	File            io.Reader // an uploaded JSONL or CSV dataset
	Filename        string
	System          *string
	MaxOutputTokens *int
	Repeats         *int                  // runs of each item per model; nil: 1 on create, unchanged on update
	Judge           *model.BenchmarkJudge // the judge of JUDGE items; nil: none on create, unchanged on update
	DatasetVersion  *int                  // a version of one of the viewer's datasets, instead of Dataset or File
}

func (s *Service) policy() benchmark.Policy {
	if s.Benchmarks.Policy != nil {
		return s.Benchmarks.Policy
	}
	return benchmark.DefaultPolicy()
}

func (s *Service) role(ctx context.Context) benchmark.Role {
	if v := viewer.FromContext(ctx); v != nil {
		return benchmark.Role(v.Role)
	}
	return benchmark.RoleFree
}

// CreateBenchmark checks the models (each must have a configured provider), the dataset and the role's
// limits, and saves a PENDING benchmark; with start it starts at once.
func (s *Service) CreateBenchmark(ctx context.Context, d BenchmarkDraft, start bool) (*ent.Benchmark, error) {
	items, err := s.datasetOf(ctx, d)
	if err != nil {
		return nil, err
	}
	var version *ent.DatasetVersion
	switch {
	case d.DatasetVersion != nil && items != nil:
		return nil, apperr.Input("datasetVersionId", "give the items in one way only: dataset, datasetFile or datasetVersionId")
	case d.DatasetVersion != nil:
		if version, err = s.versionOf(ctx, *d.DatasetVersion); err != nil {
			return nil, err
		}
		items = version.Items
	case items == nil:
		return nil, apperr.Input("dataset", "give the items inline (dataset), upload a JSONL or CSV file (datasetFile) or name a dataset version (datasetVersionId)")
	}
	maxOut := 512
	if d.MaxOutputTokens != nil {
		maxOut = *d.MaxOutputTokens
	}
	repeats := 1
	if d.Repeats != nil {
		repeats = *d.Repeats
	}
	if err := s.checkBenchmark(ctx, d.Models, items, deref(d.System), maxOut, repeats, d.Judge); err != nil {
		return nil, err
	}
	if version == nil {
		if version, err = s.benchmarkVersion(ctx, viewerID(ctx), deref(d.Name), items); err != nil {
			return nil, err
		}
	}
	create := s.ent(ctx).Benchmark.Create().SetName(deref(d.Name)).SetModels(d.Models).SetDataset(items).SetDatasetVersion(version).
		SetNillableSystem(d.System).SetMaxOutputTokens(maxOut).SetRepeats(repeats).
		SetProgressTotal(plannedSteps(d.Models, items, repeats))
	if d.Judge != nil {
		create.SetJudge(d.Judge)
	}
	b, err := create.Save(ctx)
	if err != nil {
		return nil, err
	}
	if start {
		return s.StartBenchmark(ctx, b.ID)
	}
	return b, nil
}

// UpdateBenchmark changes a PENDING benchmark.
func (s *Service) UpdateBenchmark(ctx context.Context, id int, d BenchmarkDraft) (*ent.Benchmark, error) {
	b, err := workers.Lock(ctx, s.ent(ctx), id)
	if err != nil {
		return nil, err
	}
	s.pause(ctx, "updateBenchmark")
	if b.Status != entbenchmark.StatusPENDING {
		return nil, apperr.Input("id", "the benchmark is %s: only a PENDING benchmark can change", b.Status)
	}
	models, items, system, maxOut, repeats, judge := b.Models, []benchmark.Item(b.Dataset), b.System, b.MaxOutputTokens, b.Repeats, b.Judge
	if d.System != nil {
		system = *d.System
	}
	if d.Models != nil {
		models = d.Models
	}
	var version *ent.DatasetVersion
	switch {
	case d.DatasetVersion != nil && d.Dataset != nil:
		return nil, apperr.Input("datasetVersionId", "give the new items in one way only: dataset or datasetVersionId")
	case d.DatasetVersion != nil:
		if version, err = s.versionOf(ctx, *d.DatasetVersion); err != nil {
			return nil, err
		}
		items = version.Items
	case d.Dataset != nil:
		items = d.Dataset
	}
	if d.MaxOutputTokens != nil {
		maxOut = *d.MaxOutputTokens
	}
	if d.Repeats != nil {
		repeats = *d.Repeats
	}
	if d.Judge != nil {
		judge = d.Judge
	}
	if err := s.checkBenchmark(ctx, models, items, system, maxOut, repeats, judge); err != nil {
		return nil, err
	}
	update := b.Update().Where(entbenchmark.StatusEQ(b.Status)).SetNillableName(d.Name).SetModels(models).SetDataset(items).
		SetNillableSystem(d.System).SetMaxOutputTokens(maxOut).SetRepeats(repeats).
		SetProgressTotal(plannedSteps(models, items, repeats))
	if judge != nil {
		update.SetJudge(judge)
	}
	if d.Dataset != nil {
		if version, err = s.benchmarkVersion(ctx, b.OwnerID, b.Name, items); err != nil {
			return nil, err
		}
	}
	if version != nil {
		update.SetDatasetVersion(version)
	}
	return update.Save(ctx)
}

func (s *Service) datasetOf(ctx context.Context, d BenchmarkDraft) ([]benchmark.Item, error) {
	switch {
	case d.File != nil && d.Dataset != nil:
		return nil, apperr.Input("datasetFile", "send the items inline or as a file, not both")
	case d.File != nil:
		lim, err := s.policy().Limits(s.role(ctx))
		if err != nil {
			return nil, err
		}
		items, err := benchmark.Parse(d.File, d.Filename, benchmark.ParseLimits{MaxBytes: s.Benchmarks.MaxFileBytes, MaxRows: lim.MaxItems})
		if err != nil {
			return nil, datasetErr("datasetFile", err)
		}
		return items, nil
	}
	return d.Dataset, nil
}

// checkBenchmark refuses unknown or unconfigured models, invalid items or system prompt, and sizes or repeats
// over the role's limits.
func (s *Service) checkBenchmark(ctx context.Context, models []string, items []benchmark.Item, system string, maxOut, repeats int, judge *model.BenchmarkJudge) error {
	if p := benchmark.TextProblem(system); p != "" {
		return apperr.Input("system", "system %s", p)
	}
	if len(models) == 0 {
		return apperr.Input("models", "name at least one model, e.g. openai/gpt-4.1-mini")
	}
	for i, m := range models {
		if slices.Index(models, m) != i {
			return apperr.Input(fmt.Sprintf("models[%d]", i), "model %s is listed twice", m)
		}
		if _, _, err := s.Providers.Resolve(m); err != nil {
			return apperr.Input(fmt.Sprintf("models[%d]", i), "%s", err)
		}
	}
	if len(items) == 0 {
		return apperr.Input("dataset", "the dataset has no items")
	}
	if err := benchmark.Validate(items); err != nil {
		return datasetErr("dataset", err)
	}
	if err := s.checkJudge(items, judge); err != nil {
		return err
	}
	if maxOut < 1 || maxOut > 1_000_000 {
		return apperr.Input("maxOutputTokens", "must be between 1 and 1,000,000, got %d", maxOut)
	}
	if err := limitErr(s.policy().CheckSize(s.role(ctx), len(models), len(items))); err != nil {
		return err
	}
	return limitErr(s.policy().CheckRepeats(s.role(ctx), repeats))
}

// checkJudge requires a valid judge with a configured provider when an item is JUDGE.
func (s *Service) checkJudge(items []benchmark.Item, judge *model.BenchmarkJudge) error {
	i := slices.IndexFunc(items, func(it benchmark.Item) bool { return it.Assertion == benchmark.AssertJudge })
	switch {
	case judge == nil && i >= 0:
		return apperr.Input("judge", "item %d is JUDGE: name the judge model that grades it (judge: {model: \"openai/gpt-4.1-mini\"})", i)
	case judge == nil:
		return nil
	}
	if err := benchmark.JudgeConfig(*judge).Validate(); err != nil {
		return limitErr(err)
	}
	if _, _, err := s.Providers.Resolve(judge.Model); err != nil {
		return apperr.Input("judge.model", "%s", err)
	}
	return nil
}

// plannedSteps is a run's progress total: every answer, and a judge step per run of a JUDGE item.
func plannedSteps(models []string, items []benchmark.Item, repeats int) int {
	judged := 0
	for _, it := range items {
		if it.Assertion == benchmark.AssertJudge {
			judged++
		}
	}
	return len(models) * (len(items) + judged) * repeats
}

// plannedCalls is what a run reserves on the quota: every answer, and per run of a JUDGE item the judge's calls
// (two for a pairwise judge asked in both orders).
func plannedCalls(models []string, items []benchmark.Item, repeats int, judge *model.BenchmarkJudge) int {
	perStep := 1
	if judge != nil {
		perStep = benchmark.JudgeConfig(*judge).CallsPerStep()
	}
	answers := len(models) * len(items) * repeats
	return answers + (plannedSteps(models, items, repeats)-answers)*perStep
}

// datasetErr names the input at fault as the client wrote it: dataset[3].expected for an inline item,
// datasetFile for an upload, whose message gives the line and the column.
func datasetErr(input string, err error) error {
	var ve *benchmark.ValidationError
	if !errors.As(err, &ve) {
		return err
	}
	switch {
	case ve.Line > 0:
		return apperr.Input(input, "line %d, %s: %s", ve.Line, ve.Field, ve.Reason)
	case input == "dataset" && strings.HasPrefix(ve.Field, "items["):
		field := input + strings.TrimPrefix(ve.Field, "items")
		return apperr.Input(field, "%s: %s", field, ve.Reason)
	}
	return apperr.Input(input, "%s", ve.Reason)
}

func limitErr(err error) error {
	var le *benchmark.LimitError
	if errors.As(err, &le) {
		field := "dataset"
		if le.Limit == "models" || le.Limit == "repeats" {
			field = le.Limit
		}
		return apperr.Input(field, "%s", le.Error())
	}
	var ve *benchmark.ValidationError
	if errors.As(err, &ve) {
		return apperr.Input(ve.Field, "%s", ve.Reason)
	}
	return err
}

// StartBenchmark moves a PENDING benchmark to RUNNING, reserves its calls (models × items × repeats) on the
// owner's ledger for today (refused with RATE_LIMITED when they do not fit the role's daily quota), and enqueues
// one job per model and chunk of items, each running every repeat of its items, in the same transaction.
func (s *Service) StartBenchmark(ctx context.Context, id int) (*ent.Benchmark, error) {
	c := s.ent(ctx)
	b, err := workers.Lock(ctx, c, id)
	if err != nil {
		return nil, err
	}
	s.pause(ctx, "startBenchmark")
	if b.Status != entbenchmark.StatusPENDING {
		return nil, apperr.Input("id", "the benchmark is %s: only a PENDING benchmark can start", b.Status)
	}
	if err := s.checkBenchmark(ctx, b.Models, b.Dataset, b.System, b.MaxOutputTokens, b.Repeats, b.Judge); err != nil {
		return nil, err
	}
	now := s.now().UTC()
	steps := plannedSteps(b.Models, b.Dataset, b.Repeats)
	calls := plannedCalls(b.Models, b.Dataset, b.Repeats, b.Judge) // cached verdicts are given back
	day := ledger.Day(now)
	if err := s.reserveCalls(ctx, ledger.Key{Owner: b.OwnerID, Day: day, Kind: ledger.Benchmark}, calls, now, ""); err != nil {
		return nil, err
	}
	b, err = b.Update().Where(entbenchmark.StatusEQ(entbenchmark.StatusPENDING)).SetStatus(entbenchmark.StatusRUNNING).
		SetStartedAt(now).SetProgressDone(0).SetProgressTotal(steps).SetQuotaDay(day).SetQuotaHeld(calls).
		ClearError().ClearFinishedAt().Save(ctx)
	if err != nil {
		return nil, err
	}
	size := s.Benchmarks.ChunkSize
	if size <= 0 {
		size = 25
	}
	size = max(size/b.Repeats, 1) // a job runs every repeat of its items: keep it near ChunkSize calls
	var params []river.InsertManyParams
	for _, m := range b.Models {
		for from := 0; from < len(b.Dataset); from += size {
			params = append(params, river.InsertManyParams{Args: workers.BenchmarkChunkArgs{
				BenchmarkID: b.ID, Model: m, From: from, To: min(from+size, len(b.Dataset))}})
		}
	}
	if err := s.Jobs.EnqueueMany(ctx, params); err != nil {
		return nil, err
	}
	return b, nil
}

// CancelBenchmark stops a PENDING or RUNNING benchmark: calls in flight finish (and count against the quota),
// no new ones start, and the calls it would still have made go back to the owner's quota.
func (s *Service) CancelBenchmark(ctx context.Context, id int) (*ent.Benchmark, error) {
	c := s.ent(ctx)
	b, err := workers.Lock(ctx, c, id)
	if err != nil {
		return nil, err
	}
	s.pause(ctx, "cancelBenchmark")
	if b.Status != entbenchmark.StatusPENDING && b.Status != entbenchmark.StatusRUNNING {
		return nil, apperr.Input("id", "the benchmark is %s: only a PENDING or RUNNING benchmark can be cancelled", b.Status)
	}
	return workers.End(ctx, c, b, entbenchmark.StatusCANCELLED, func(u *ent.BenchmarkUpdateOne) { u.SetFinishedAt(s.now().UTC()) })
}

// DeleteBenchmark deletes a benchmark; its jobs find it gone and stop. The calls it made stay counted for the
// day; the ones a running benchmark would still have made go back to the quota.
func (s *Service) DeleteBenchmark(ctx context.Context, id int) (int, error) {
	c := s.ent(ctx)
	b, err := workers.Lock(ctx, c, id)
	if err != nil {
		return 0, err
	}
	s.pause(ctx, "deleteBenchmark")
	if err := ledger.Settle(ctx, c, workers.QuotaKey(b), 0, b.QuotaHeld); err != nil {
		return 0, err
	}
	return id, c.Benchmark.DeleteOne(b).Exec(ctx)
}

// EstimateBenchmark bounds a benchmark's calls, tokens, cost and duration.
func (s *Service) EstimateBenchmark(b *ent.Benchmark) (*benchmark.Estimation, error) {
	conc := map[string]int{}
	for _, p := range s.Providers.Providers() {
		conc[p.Name] = p.EffectiveConcurrency()
	}
	est, err := benchmark.Estimate(benchmark.EstimateInput{Items: b.Dataset, Models: b.Models, System: b.System,
		MaxOutputTokens: b.MaxOutputTokens, Catalog: *s.Catalog, Concurrency: conc, Repeats: b.Repeats,
		Judge: (*benchmark.JudgeConfig)(b.Judge)})
	if err != nil {
		return nil, err
	}
	return &est, nil
}

// EstimateBenchmarkByID estimates a benchmark the viewer can see.
func (s *Service) EstimateBenchmarkByID(ctx context.Context, id int) (*benchmark.Estimation, error) {
	b, err := s.ent(ctx).Benchmark.Get(ctx, id)
	if err != nil {
		return nil, err
	}
	return s.EstimateBenchmark(b)
}

// reserveCalls holds n model calls on the owner's ledger row k, refusing with RATE_LIMITED (and when the quota
// resets) when they do not fit the role's daily quota, which benchmarks and load tests share. work names what
// needs them in the message ("": this benchmark).
func (s *Service) reserveCalls(ctx context.Context, k ledger.Key, n int, now time.Time, work string) error {
	return ledger.Reserve(ctx, s.ent(ctx), k, n, func(current int) error {
		s.pause(ctx, "reserveQuota")
		var qe *benchmark.QuotaError
		if err := s.policy().CheckQuota(s.role(ctx), current, n, now); errors.As(err, &qe) {
			qe.Work = work
			return apperr.Limited(qe.ResetAt, now, "%s", qe.Error())
		} else if err != nil {
			return err
		}
		return nil
	})
}
