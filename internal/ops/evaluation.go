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
	"github.com/modelarchitect/architect/internal/apperr"
	"github.com/modelarchitect/architect/internal/evaluation"
)

// BenchmarkSide names one model's run in one benchmark; Model may be empty when the benchmark has one model.
type BenchmarkSide struct {
	BenchmarkID int
	Model       string
}

// SideRun is a side read from the database: its benchmark, model and per-item scores (index order).
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
	bd, cd := b.Benchmark.Dataset, c.Benchmark.Dataset
	if len(bd) != len(cd) {
		return nil, nil, apperr.Input("candidate.benchmarkId", "the datasets differ: the baseline has %d items, the candidate %d; compare runs of the same dataset", len(bd), len(cd))
	}
	for i := range bd {
		if !reflect.DeepEqual(bd[i], cd[i]) {
			return nil, nil, apperr.Input("candidate.benchmarkId", "the datasets differ at item %d (its input, expected answer or assertion); compare runs of the same dataset", i)
		}
	}
	return b, c, nil
}

// side reads one model's item results of a COMPLETED benchmark of the viewer: one score per item, 1 when the
// answer passed, 0 when it failed or the call failed (as accuracy counts them).
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
		Select(benchmarkitemresult.FieldItem, benchmarkitemresult.FieldPassed).All(ctx)
	if err != nil {
		return nil, err
	}
	scores := make([]*float64, len(b.Dataset))
	for _, r := range rows {
		if r.Item >= 0 && r.Item < len(scores) {
			v := 0.0
			if r.Passed {
				v = 1
			}
			scores[r.Item] = &v
		}
	}
	run := &SideRun{Benchmark: b, Model: m, Items: make([]evaluation.Item, len(scores))}
	sum := 0.0
	for i, v := range scores {
		if v == nil {
			return nil, apperr.Input(field+".benchmarkId", "benchmark %d has no result for item %d of %s", b.ID, i, m)
		}
		run.Items[i] = evaluation.Item{ID: ItemID(i), Scores: []float64{*v}}
		sum += *v
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
