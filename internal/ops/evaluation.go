package ops

import (
	"cmp"
	"context"
	"errors"
	"fmt"
	"reflect"
	"slices"
	"strconv"

	"github.com/modelarchitect/architect/ent"
	entbenchmark "github.com/modelarchitect/architect/ent/benchmark"
	"github.com/modelarchitect/architect/ent/benchmarkitemresult"
	"github.com/modelarchitect/architect/ent/benchmarklabel"
	"github.com/modelarchitect/architect/ent/datasetversion"
	"github.com/modelarchitect/architect/internal/apperr"
	"github.com/modelarchitect/architect/internal/benchmark"
	"github.com/modelarchitect/architect/internal/evaluation"
	"github.com/modelarchitect/architect/internal/gid"
)

// BenchmarkSide names one model's run in one benchmark; Model may be empty when the benchmark has one model.
type BenchmarkSide struct {
	BenchmarkID int
	Model       string
}

// SideRun is a side read from the database: its benchmark, model, per-item scores over repeats (index order,
// with cluster keys when the dataset has them) and its score, the mean of the item means.
type SideRun struct {
	Benchmark *ent.Benchmark
	Model     string
	Items     []evaluation.Item
	Score     float64
}

// BenchmarkComparison is a candidate run against a baseline run.
type BenchmarkComparison struct {
	Baseline, Candidate SideRun
	Statistics          evaluation.Comparison
}

// BenchmarkGate is a gate's checks on a candidate, against an optional baseline. Gate.MustPass is filled
// from MustPass (dataset item indexes).
type BenchmarkGate struct {
	Candidate BenchmarkSide
	Baseline  *BenchmarkSide
	Gate      evaluation.Gate
	MustPass  []int
}

// ItemID is the evaluation id of dataset item i: its index.
func ItemID(i int) string { return strconv.Itoa(i) }

// ItemIndex is the dataset index of an evaluation id made by ItemID.
func ItemIndex(id string) int { n, _ := strconv.Atoi(id); return n }

// byIndex puts the engine's lists, which it orders by id as text, in dataset order: flips by index, items by
// regression and then by index.
func byIndex(c *evaluation.Comparison) {
	ids := func(a, b string) int { return ItemIndex(a) - ItemIndex(b) }
	slices.SortFunc(c.PassToFail, ids)
	slices.SortFunc(c.FailToPass, ids)
	slices.SortStableFunc(c.Items, func(a, b evaluation.ItemDiff) int {
		if a.Diff != b.Diff {
			return cmp.Compare(a.Diff, b.Diff)
		}
		return ids(a.ID, b.ID)
	})
}

// BenchmarkGateResult is a gate's decision; Comparison is nil without a baseline.
type BenchmarkGateResult struct {
	evaluation.GateResult
	Comparison *BenchmarkComparison
}

// CompareBenchmarks pairs two runs over the same dataset item by item.
func (s *Service) CompareBenchmarks(ctx context.Context, baseline, candidate BenchmarkSide, alpha float64) (*BenchmarkComparison, error) {
	b, c, err := s.sides(ctx, baseline, candidate)
	if err != nil {
		return nil, err
	}
	st, err := evaluation.Compare(b.Items, c.Items, alpha)
	if err != nil {
		return nil, evaluationErr("", err)
	}
	byIndex(&st)
	return &BenchmarkComparison{Baseline: *b, Candidate: *c, Statistics: st}, nil
}

// GateBenchmark runs a regression gate on a candidate run.
func (s *Service) GateBenchmark(ctx context.Context, g BenchmarkGate) (*BenchmarkGateResult, error) {
	var (
		base, cand *SideRun
		err        error
	)
	if g.Baseline != nil {
		base, cand, err = s.sides(ctx, *g.Baseline, g.Candidate)
	} else {
		cand, err = s.side(ctx, "candidate", g.Candidate)
	}
	if err != nil {
		return nil, err
	}
	g.Gate.MustPass = make([]string, len(g.MustPass))
	for i, n := range g.MustPass {
		if n < 0 || n >= len(cand.Items) {
			return nil, apperr.Input(fmt.Sprintf("mustPass[%d]", i), "item %d is not in the dataset, whose items are 0 to %d", n, len(cand.Items)-1)
		}
		g.Gate.MustPass[i] = ItemID(n)
	}
	var baseItems []evaluation.Item
	if base != nil {
		baseItems = base.Items
	}
	r, err := g.Gate.Evaluate(cand.Items, baseItems)
	if err != nil {
		return nil, evaluationErr("", err)
	}
	out := &BenchmarkGateResult{GateResult: r}
	if r.Comparison != nil {
		byIndex(r.Comparison)
		out.Comparison = &BenchmarkComparison{Baseline: *base, Candidate: *cand, Statistics: *r.Comparison}
	}
	return out, nil
}

// sides reads both runs and refuses datasets that differ, naming the first difference.
func (s *Service) sides(ctx context.Context, baseline, candidate BenchmarkSide) (*SideRun, *SideRun, error) {
	b, err := s.side(ctx, "baseline", baseline)
	if err != nil {
		return nil, nil, err
	}
	c, err := s.side(ctx, "candidate", candidate)
	if err != nil {
		return nil, nil, err
	}
	if bv, cv := b.Benchmark.DatasetVersionID, c.Benchmark.DatasetVersionID; bv != nil && cv != nil && *bv != *cv {
		return nil, nil, apperr.Input("candidate.benchmarkId", "the benchmarks ran different dataset versions: the baseline %s, the candidate %s; compare runs of the same version",
			s.versionName(ctx, *bv), s.versionName(ctx, *cv))
	}
	bd, cd := b.Benchmark.Dataset, c.Benchmark.Dataset
	if len(bd) != len(cd) {
		return nil, nil, apperr.Input("candidate.benchmarkId", "the datasets differ: the baseline has %d items, the candidate %d; compare runs of the same dataset", len(bd), len(cd))
	}
	for i := range bd {
		if !reflect.DeepEqual(bd[i], cd[i]) {
			return nil, nil, apperr.Input("candidate.benchmarkId", "the datasets differ at item %d (its input, expected answer, assertion, cluster or tags); compare runs of the same dataset", i)
		}
	}
	return b, c, nil
}

// versionName names a dataset version for a message: dataset "FAQ" version 2 (30 items).
func (s *Service) versionName(ctx context.Context, id int) string {
	v, err := s.ent(ctx).DatasetVersion.Query().Where(datasetversion.ID(id)).WithDataset().Only(ctx)
	if err != nil || v.Edges.Dataset == nil {
		return fmt.Sprintf("dataset version %s", gid.Encode(id))
	}
	return fmt.Sprintf("dataset %q version %d (%d items)", v.Edges.Dataset.Name, v.Number, v.ItemCount)
}

// side reads one model's item results of a COMPLETED benchmark of the viewer: per item one score per repeat,
// 1 when the answer passed, 0 when it failed or the call failed (as accuracy counts them), with the item's
// cluster key (items without one are their own cluster when others have one). When the dataset has JUDGE items,
// each repeat also carries a graded score: the judge's score for those (0 when the answer or the judge's reply
// failed), the pass/fail score for the others.
func (s *Service) side(ctx context.Context, field string, sd BenchmarkSide) (*SideRun, error) {
	c := s.ent(ctx)
	b, err := c.Benchmark.Get(ctx, sd.BenchmarkID)
	if ent.IsNotFound(err) {
		return nil, apperr.Missing("benchmark")
	}
	if err != nil {
		return nil, err
	}
	if b.Status != entbenchmark.StatusCOMPLETED {
		return nil, apperr.Input(field+".benchmarkId", "benchmark %d is %s: only a COMPLETED benchmark has a full run to compare", b.ID, b.Status)
	}
	m := sd.Model
	switch {
	case m == "" && len(b.Models) == 1:
		m = b.Models[0]
	case m == "":
		return nil, apperr.Input(field+".model", "benchmark %d ran %d models: name one of %v", b.ID, len(b.Models), b.Models)
	case !slices.Contains(b.Models, m):
		return nil, apperr.Input(field+".model", "benchmark %d did not run %s: its models are %v", b.ID, m, b.Models)
	}
	rows, err := c.BenchmarkItemResult.Query().
		Where(benchmarkitemresult.BenchmarkID(b.ID), benchmarkitemresult.Model(m)).
		Order(benchmarkitemresult.ByItem(), benchmarkitemresult.ByRepeat()).
		Select(benchmarkitemresult.FieldItem, benchmarkitemresult.FieldRepeat, benchmarkitemresult.FieldPassed,
			benchmarkitemresult.FieldJudged, benchmarkitemresult.FieldJudgeScore).All(ctx)
	if err != nil {
		return nil, err
	}
	judged := b.Judge != nil && slices.ContainsFunc(b.Dataset, func(it benchmark.Item) bool { return it.Assertion == benchmark.AssertJudge })
	scores := make([][]float64, len(b.Dataset))
	graded := make([][]float64, len(b.Dataset))
	for _, r := range rows {
		if r.Item >= 0 && r.Item < len(scores) {
			v := 0.0
			if r.Passed {
				v = 1
			}
			scores[r.Item] = append(scores[r.Item], v)
			if r.Judged {
				v = r.JudgeScore
			}
			graded[r.Item] = append(graded[r.Item], v)
		}
	}
	clustered := slices.ContainsFunc(b.Dataset, func(it benchmark.Item) bool { return it.Cluster != "" })
	run := &SideRun{Benchmark: b, Model: m, Items: make([]evaluation.Item, len(scores))}
	sum := 0.0
	for i, v := range scores {
		if len(v) < b.Repeats {
			return nil, apperr.Input(field+".benchmarkId", "benchmark %d has %d of %d runs of item %d of %s", b.ID, len(v), b.Repeats, i, m)
		}
		run.Items[i] = evaluation.Item{ID: ItemID(i), Scores: v}
		if judged {
			run.Items[i].Graded = graded[i]
		}
		if clustered {
			run.Items[i].Cluster = cmp.Or(b.Dataset[i].Cluster, "item:"+ItemID(i))
		}
		var item float64
		for _, x := range v {
			item += x
		}
		sum += item / float64(len(v))
	}
	if len(scores) > 0 {
		run.Score = sum / float64(len(scores))
	}
	return run, nil
}

// evaluationErr reports the engine's validation errors on the input field they name.
func evaluationErr(prefix string, err error) error {
	var ve *evaluation.ValidationError
	if errors.As(err, &ve) {
		return apperr.Input(prefix+ve.Field, "%s", ve.Reason)
	}
	return err
}

// BenchmarkLabel is a person's verdict on one model's answer to one run of an item.
type BenchmarkLabel struct {
	Model        string
	Item, Repeat int
	Passed       bool
}

// JudgeCalibration is a benchmark's judge measured against people on one model's answers.
type JudgeCalibration struct {
	evaluation.Calibration
	Model  string
	Labels int
}

// LabelBenchmarkAnswers stores people's labels on judged answers of a benchmark of the viewer (another user's is
// NOT_FOUND), replacing labels already set for the same answers, and returns how many it stored.
func (s *Service) LabelBenchmarkAnswers(ctx context.Context, benchmarkID int, labels []BenchmarkLabel) (int, error) {
	c := s.ent(ctx)
	b, err := c.Benchmark.Get(ctx, benchmarkID)
	if ent.IsNotFound(err) {
		return 0, apperr.Missing("benchmark")
	}
	if err != nil {
		return 0, err
	}
	if len(labels) == 0 {
		return 0, apperr.Input("labels", "send at least one label")
	}
	for i, l := range labels {
		f := fmt.Sprintf("labels[%d]", i)
		ok, err := c.BenchmarkItemResult.Query().Where(benchmarkitemresult.BenchmarkID(b.ID), benchmarkitemresult.Model(l.Model),
			benchmarkitemresult.Item(l.Item), benchmarkitemresult.Repeat(l.Repeat), benchmarkitemresult.Judged(true),
			benchmarkitemresult.Error("")).Exist(ctx)
		if err != nil {
			return 0, err
		}
		if !ok {
			return 0, apperr.Input(f, "benchmark %d has no judged answer of %s to run %d of item %d; label answers of JUDGE items that the judge graded", b.ID, l.Model, l.Repeat, l.Item)
		}
		err = c.BenchmarkLabel.Create().SetOwnerID(b.OwnerID).SetBenchmarkID(b.ID).SetModel(l.Model).SetItem(l.Item).
			SetRepeat(l.Repeat).SetPassed(l.Passed).
			OnConflictColumns(benchmarklabel.FieldBenchmarkID, benchmarklabel.FieldModel, benchmarklabel.FieldItem, benchmarklabel.FieldRepeat).
			UpdatePassed().Exec(ctx)
		if err != nil {
			return 0, err
		}
	}
	return len(labels), nil
}

// BenchmarkCalibration measures a COMPLETED benchmark's judge against its labels on one model's judged answers
// and corrects that model's pass rate over them (evaluation.Calibrate, seeded by the benchmark so that the
// interval is reproducible).
func (s *Service) BenchmarkCalibration(ctx context.Context, benchmarkID int, model string) (*JudgeCalibration, error) {
	c := s.ent(ctx)
	run, err := s.side(ctx, "", BenchmarkSide{BenchmarkID: benchmarkID, Model: model})
	if err != nil {
		return nil, err
	}
	b, m := run.Benchmark, run.Model
	rows, err := c.BenchmarkItemResult.Query().Where(benchmarkitemresult.BenchmarkID(b.ID), benchmarkitemresult.Model(m),
		benchmarkitemresult.Judged(true), benchmarkitemresult.Error("")).
		Select(benchmarkitemresult.FieldItem, benchmarkitemresult.FieldRepeat, benchmarkitemresult.FieldPassed).All(ctx)
	if err != nil {
		return nil, err
	}
	labels, err := c.BenchmarkLabel.Query().Where(benchmarklabel.BenchmarkID(b.ID), benchmarklabel.Model(m)).All(ctx)
	if err != nil {
		return nil, err
	}
	judged := make(map[[2]int]bool, len(rows))
	verdicts := make([]bool, len(rows))
	for i, r := range rows {
		judged[[2]int{r.Item, r.Repeat}], verdicts[i] = r.Passed, r.Passed
	}
	in := evaluation.CalibrationInput{Run: verdicts, Seed: uint64(b.ID)}
	for _, l := range labels {
		in.Labels = append(in.Labels, evaluation.Label{ItemID: fmt.Sprintf("%d/%d", l.Item, l.Repeat), Model: m,
			Human: l.Passed, Judge: judged[[2]int{l.Item, l.Repeat}]})
	}
	if len(in.Labels) == 0 {
		return nil, apperr.Input("benchmarkId", "benchmark %d has no labels on %s's judged answers: set some with labelBenchmarkAnswers", b.ID, m)
	}
	cal, err := evaluation.Calibrate(in)
	if err != nil {
		return nil, evaluationErr("", err)
	}
	return &JudgeCalibration{Calibration: cal, Model: m, Labels: len(labels)}, nil
}
