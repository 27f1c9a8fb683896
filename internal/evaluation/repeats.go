package evaluation

import (
	"cmp"
	"math"
	"slices"
	"strconv"
)

// PassThreshold is the score at or above which a repeat passes, and the per-item mean at or above which an
// item passes. For 0/1 scores an item passes when at least half of its repeats passed.
const PassThreshold = 0.5

// Item is one evaluation item's scores for one model.
type Item struct {
	ID string
	// Cluster groups items that share a source (the same document, conversation or template), whose scores
	// are correlated. Either every item of a run carries one or none does; a standalone item among clustered
	// ones takes its own id as its cluster.
	Cluster string
	Scores  []float64 // one per repeat, each in [0, 1]
	// Graded optionally holds a graded score per repeat (a judge's score in [0, 1]) beside the pass/fail one
	// in Scores; when every item of both runs has it, Compare's paired t-test runs on it.
	Graded []float64
}

// ItemScore is one item's repeats reduced to a mean.
type ItemScore struct {
	ID       string
	Cluster  string
	Repeats  int
	Mean     float64 // mean score over the repeats
	PassRate float64 // share of repeats scoring at least PassThreshold
	Passed   bool    // Mean ≥ PassThreshold
	Graded   bool    // the item carried graded scores
	// GradedMean is the mean of the graded scores over the repeats; 0 without them.
	GradedMean float64
}

// Summary is a run's score: the mean of item means with its standard error.
type Summary struct {
	Items   []ItemScore // sorted by ID
	Repeats int         // repeats per item when every item has the same number, otherwise 0
	Score   float64     // mean of the item means
	// SE is the standard error over item means, sd/√n with the sample sd (n − 1); it treats items as
	// independent.
	SE float64
	// Clustered is set when the items carry cluster keys; ClusteredSE is then the CR0 cluster-robust standard
	// error of Score (see clusterSE) over Clusters clusters, and the one to use.
	Clustered   bool
	Clusters    int
	ClusteredSE float64
}

// Summarize reduces a run's items to per-item means and pass rates, then to the run's score with its standard
// errors. It needs at least two items (two clusters when clustered) for a standard error.
func Summarize(items []Item) (Summary, error) {
	return summarize("items", items)
}

func summarize(field string, items []Item) (Summary, error) {
	scores, clustered, err := reduce(field, items)
	if err != nil {
		return Summary{}, err
	}
	s := Summary{Items: scores, Repeats: scores[0].Repeats, Clustered: clustered}
	means := make([]float64, len(scores))
	clusters := make([]string, len(scores))
	for i, it := range scores {
		means[i] = it.Mean
		clusters[i] = it.Cluster
		if it.Repeats != s.Repeats {
			s.Repeats = 0
		}
	}
	var sd float64
	s.Score, sd = meanSD(means)
	s.SE = sd / math.Sqrt(float64(len(means)))
	if clustered {
		s.ClusteredSE, s.Clusters = clusterSE(means, s.Score, clusters)
		if s.Clusters < 2 {
			return Summary{}, invalid(field, "all items are in cluster %q; a clustered standard error needs at least two clusters (drop the cluster keys if the items are independent)", clusters[0])
		}
	}
	return s, nil
}

// reduce validates items and averages each one's repeats; the result is sorted by id.
func reduce(field string, items []Item) ([]ItemScore, bool, error) {
	if len(items) < 2 {
		return nil, false, invalid(field, "%d items given; a score with a standard error needs at least two", len(items))
	}
	clustered := items[0].Cluster != ""
	seen := make(map[string]int, len(items))
	out := make([]ItemScore, len(items))
	for i, it := range items {
		f := field + "[" + strconv.Itoa(i) + "]"
		if it.ID == "" {
			return nil, false, invalid(f+".id", "is empty; every item needs an id that names it in both runs")
		}
		if j, dup := seen[it.ID]; dup {
			return nil, false, invalid(f+".id", "%q also names %s[%d]; send each item once with all its repeats in scores", it.ID, field, j)
		}
		seen[it.ID] = i
		if (it.Cluster != "") != clustered {
			return nil, false, invalid(f+".cluster", "is set on some items and not on others; give every item a cluster (a standalone item can use its own id) or none")
		}
		if len(it.Scores) == 0 {
			return nil, false, invalid(f+".scores", "is empty; send at least one score per item")
		}
		var sum float64
		var passed int
		for r, x := range it.Scores {
			if !(x >= 0 && x <= 1) {
				return nil, false, invalid(f+".scores["+strconv.Itoa(r)+"]", "%v is not a score; scores are numbers in [0, 1] (0/1 for pass/fail)", x)
			}
			sum += x
			if x >= PassThreshold {
				passed++
			}
		}
		k := float64(len(it.Scores))
		out[i] = ItemScore{ID: it.ID, Cluster: it.Cluster, Repeats: len(it.Scores), Mean: sum / k, PassRate: float64(passed) / k}
		out[i].Passed = out[i].Mean >= PassThreshold
		if it.Graded != nil {
			if len(it.Graded) != len(it.Scores) {
				return nil, false, invalid(f+".graded", "has %d scores and scores has %d; send one graded score per repeat, or none", len(it.Graded), len(it.Scores))
			}
			var g float64
			for r, x := range it.Graded {
				if !(x >= 0 && x <= 1) {
					return nil, false, invalid(f+".graded["+strconv.Itoa(r)+"]", "%v is not a graded score; graded scores are numbers in [0, 1]", x)
				}
				g += x
			}
			out[i].Graded, out[i].GradedMean = true, g/k
		}
	}
	slices.SortFunc(out, func(a, b ItemScore) int { return cmp.Compare(a.ID, b.ID) })
	return out, clustered, nil
}
