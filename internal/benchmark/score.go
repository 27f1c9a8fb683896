package benchmark

import (
	"fmt"
	"slices"
	"time"

	"github.com/shopspring/decimal"

	"github.com/modelarchitect/architect/internal/catalog"
	"github.com/modelarchitect/architect/internal/stats"
)

// ItemResult is one model's answer to one item; the caller stores it keyed by (benchmark, model, item).
type ItemResult struct {
	Item    int    // index of the item in the dataset
	Output  string // the answer text
	Pass    bool
	Reason  string // why it failed the check; "" when it passed or the call failed
	Error   string // the call failed (after retries) and there is no answer; Pass is false
	Latency time.Duration
	TTFT    time.Duration // 0 when no text arrived
	Usage   Usage
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
}

// Aggregate scores one model. price is its catalog entry, nil when the catalog has none (cost is then unknown,
// not zero). It refuses results that repeat an item or carry negative timings or counts.
func Aggregate(model string, price *catalog.Model, results []ItemResult) (Score, error) {
	s := Score{Model: model, Items: len(results)}
	seen := make(map[int]bool, len(results))
	var latencies, ttfts []time.Duration
	var speeds []float64
	for i, r := range results {
		field := fmt.Sprintf("results[%d]", i)
		switch {
		case seen[r.Item]:
			return Score{}, &ValidationError{Field: field, Reason: fmt.Sprintf("item %d is counted twice", r.Item)}
		case r.Latency < 0 || r.TTFT < 0:
			return Score{}, &ValidationError{Field: field, Reason: "timings must not be negative"}
		case r.Usage.InputTokens < 0 || r.Usage.OutputTokens < 0 || r.Usage.CachedTokens < 0 || r.Usage.ReasoningTokens < 0:
			return Score{}, &ValidationError{Field: field, Reason: "token counts must not be negative"}
		}
		seen[r.Item] = true
		s.Usage = s.Usage.add(r.Usage)
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
