package benchmark

import (
	"cmp"
	"fmt"
	"slices"
	"strconv"
	"time"

	"github.com/shopspring/decimal"

	"github.com/modelarchitect/architect/internal/catalog"
	"github.com/modelarchitect/architect/internal/evaluation"
	"github.com/modelarchitect/architect/internal/stats"
)

// ItemResult is one model's answer to one run of an item; the caller stores it keyed by (benchmark, model,
// item, repeat).
type ItemResult struct {
	Item    int    // index of the item in the dataset
	Repeat  int    // which run of the item, from 0
	Output  string // the answer text
	Pass    bool
	Reason  string // why it failed the check; "" when it passed or the call failed
	Error   string // the call failed (after retries) and there is no answer; Pass is false
	Latency time.Duration
	TTFT    time.Duration // 0 when no text arrived
	Usage   Usage

	// JUDGE items: graded by the judge (also when the answer call failed and there was nothing to judge).
	Judged       bool
	JudgeScore   float64 // the judge's score in [0, 1]; 0 when invalid or not judged
	JudgeInvalid bool    // the judge's answer kept neither its JSON contract nor a listed choice
	JudgeCalls   int     // judge calls made for this result: 0 when the verdict came from the cache
	JudgeUsage   Usage   // tokens of those calls
}

// Score is one model's aggregate over its item results.
type Score struct {
	Model  string
	Items  int // results counted
	Passed int
	Failed int // answered, but the check failed
	Errors int // no answer: the call failed

	// Accuracy is Passed / Items: an item whose call failed counts as not passed. 0 when Items is 0.
	Accuracy   float64
	AccuracyCI Interval // 95 % Wilson interval of Accuracy; [0, 1] when Items is 0

	Latency               Summary // over answered items
	TTFT                  Summary // over answered items whose stream produced text
	OutputTokensPerSecond float64 // median per-call output speed after the first token; 0 when no call defines it
	Usage                 Usage   // summed over all items

	Cost           *decimal.Decimal // US dollars, catalog price × usage; nil when the price is unknown
	CostPerCorrect *decimal.Decimal // Cost / Passed; nil when the price is unknown or nothing passed

	// JUDGE items: judge calls made (cached verdicts are free), answers the judge graded invalid (the judge's
	// reply kept no contract: part of Failed, reported apart so a broken judge is seen), the tokens of the judge calls and their price (JudgeCosts; nil when unknown).
	JudgeCalls   int
	JudgeInvalid int
	JudgeUsage   Usage
	JudgeCost    *decimal.Decimal

	// Run-level statistics (AggregateRuns): each item's runs are averaged first, so repeats of one item are
	// not counted as independent evidence.
	Repeats       int       // runs per item; 1 unless the benchmark repeats items
	Score         float64   // mean over items of each item's pass rate
	SE            float64   // standard error of Score: CR0 cluster-robust when Clusters > 0, sd/√n over items otherwise; 0 with one item
	NaiveSE       float64   // sd/√n over item pass rates, treating items as independent even when clustered
	Clusters      int       // distinct cluster keys when the dataset's items carry them; 0 otherwise
	ItemPassRates []float64 // share of each item's runs that passed, in dataset order
}

// Aggregate scores one model. price is its catalog entry, nil when the catalog has none (cost is then unknown,
// not zero). It refuses results that count a run of an item twice or carry negative timings or counts.
// Accuracy is over calls and AccuracyCI the Wilson interval over them; AggregateRuns adds the item-level
// statistics that repeats and clusters need.
func Aggregate(model string, price *catalog.Model, results []ItemResult) (Score, error) {
	s := Score{Model: model, Items: len(results)}
	type run struct{ item, repeat int }
	seen := make(map[run]bool, len(results))
	var latencies, ttfts []time.Duration
	var speeds []float64
	for i, r := range results {
		field := fmt.Sprintf("results[%d]", i)
		switch {
		case seen[run{r.Item, r.Repeat}]:
			return Score{}, &ValidationError{Field: field, Reason: fmt.Sprintf("run %d of item %d is counted twice", r.Repeat, r.Item)}
		case r.Repeat < 0:
			return Score{}, &ValidationError{Field: field, Reason: "repeat must not be negative"}
		case r.Latency < 0 || r.TTFT < 0:
			return Score{}, &ValidationError{Field: field, Reason: "timings must not be negative"}
		case r.Usage.InputTokens < 0 || r.Usage.OutputTokens < 0 || r.Usage.CachedTokens < 0 || r.Usage.ReasoningTokens < 0:
			return Score{}, &ValidationError{Field: field, Reason: "token counts must not be negative"}
		}
		seen[run{r.Item, r.Repeat}] = true
		s.Usage = s.Usage.add(r.Usage)
		s.JudgeCalls += r.JudgeCalls
		s.JudgeUsage = s.JudgeUsage.add(r.JudgeUsage)
		if r.JudgeInvalid {
			s.JudgeInvalid++
		}
		switch {
		case r.Error != "":
			s.Errors++
			continue
		case r.Pass:
			s.Passed++
		default:
			s.Failed++
		}
		latencies = append(latencies, r.Latency)
		if r.TTFT > 0 {
			ttfts = append(ttfts, r.TTFT)
		}
		if v := outputSpeed(r); v > 0 {
			speeds = append(speeds, v)
		}
	}
	if s.Items > 0 {
		s.Accuracy = float64(s.Passed) / float64(s.Items)
	}
	s.AccuracyCI, _ = Wilson(s.Passed, s.Items, Z95) // 0 ≤ Passed ≤ Items by construction
	s.Latency = summarize(latencies)
	s.TTFT = summarize(ttfts)
	if len(speeds) > 0 {
		slices.Sort(speeds)
		s.OutputTokensPerSecond, _ = stats.Percentile(speeds, 0.5)
	}
	if price != nil {
		cost := decimal.Zero
		for _, r := range results {
			cost = cost.Add(CallCost(*price, r.Usage))
		}
		s.Cost = &cost
		if s.Passed > 0 {
			per := cost.Div(decimal.NewFromInt(int64(s.Passed)))
			s.CostPerCorrect = &per
		}
	}
	return s, nil
}

// outputSpeed is (visible output tokens − 1) / (latency − TTFT), the per-request output speed of NVIDIA
// NIM's LLM benchmarking "Metrics" page; 0 when undefined.
func outputSpeed(r ItemResult) float64 {
	visible := r.Usage.OutputTokens - r.Usage.ReasoningTokens
	if visible <= 1 || r.TTFT <= 0 || r.Latency <= r.TTFT {
		return 0
	}
	return float64(visible-1) / (r.Latency - r.TTFT).Seconds()
}

// AggregateRuns scores one model on a dataset whose items each ran repeats times: Aggregate's figures, plus
// each item's pass rate and the run's Score with its standard error from evaluation.Summarize (CR0 clustered
// when the items carry cluster keys). With more than one run per item, or with clusters, AccuracyCI is the
// normal interval Score ± 1.96·SE clipped to [0, 1], since a Wilson interval over calls would count the
// repeats of one item as independent. Every (item, repeat) must have exactly one result.
func AggregateRuns(model string, price *catalog.Model, dataset []Item, repeats int, results []ItemResult) (Score, error) {
	s, err := Aggregate(model, price, results)
	if err != nil {
		return Score{}, err
	}
	if repeats < 1 {
		return Score{}, &ValidationError{Field: "repeats", Reason: "must be 1 or more"}
	}
	if len(results) != len(dataset)*repeats {
		return Score{}, &ValidationError{Field: "results", Reason: fmt.Sprintf("%d results for %d items × %d repeats", len(results), len(dataset), repeats)}
	}
	scores := make([][]float64, len(dataset))
	for i, r := range results {
		if r.Item < 0 || r.Item >= len(dataset) || r.Repeat >= repeats {
			return Score{}, &ValidationError{Field: fmt.Sprintf("results[%d]", i), Reason: fmt.Sprintf("run %d of item %d is outside the dataset's %d items × %d repeats", r.Repeat, r.Item, len(dataset), repeats)}
		}
		v := 0.0
		if r.Pass {
			v = 1
		}
		scores[r.Item] = append(scores[r.Item], v)
	}
	items := make([]evaluation.Item, len(dataset))
	clustered := false
	s.Repeats, s.ItemPassRates = repeats, make([]float64, len(dataset))
	for i, it := range dataset {
		items[i] = evaluation.Item{ID: strconv.Itoa(i), Cluster: it.Cluster, Scores: scores[i]}
		clustered = clustered || it.Cluster != ""
		var sum float64
		for _, v := range scores[i] {
			sum += v
		}
		s.ItemPassRates[i] = sum / float64(len(scores[i]))
		s.Score += s.ItemPassRates[i] / float64(len(dataset))
	}
	if clustered {
		for i := range items {
			items[i].Cluster = cmp.Or(items[i].Cluster, "item:"+items[i].ID) // a standalone item is its own cluster
		}
	}
	if len(items) >= 2 {
		sum, err := evaluation.Summarize(items)
		if err != nil && clustered { // one cluster only: no clustered error is defined, fall back to items
			for i := range items {
				items[i].Cluster = ""
			}
			clustered = false
			sum, err = evaluation.Summarize(items)
		}
		if err != nil {
			return Score{}, err
		}
		s.Score, s.SE, s.NaiveSE = sum.Score, sum.SE, sum.SE
		if clustered {
			s.SE, s.Clusters = sum.ClusteredSE, sum.Clusters
		}
	}
	if repeats > 1 || clustered {
		s.AccuracyCI = Interval{Low: max(0, s.Score-Z95*s.SE), High: min(1, s.Score+Z95*s.SE)}
	}
	return s, nil
}

// JudgeCosts prices the judge calls of results at the judge model's catalog price (each call at the whole
// usage of its result: a result holds at most one judge call).
func JudgeCosts(price catalog.Model, results []ItemResult) decimal.Decimal {
	cost := decimal.Zero
	for _, r := range results {
		if r.JudgeCalls > 0 {
			cost = cost.Add(CallCost(price, r.JudgeUsage))
		}
	}
	return cost
}
