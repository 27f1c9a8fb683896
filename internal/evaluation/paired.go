package evaluation

import (
	"cmp"
	"fmt"
	"math"
	"slices"

	"gonum.org/v1/gonum/stat/distuv"

	"github.com/modelarchitect/architect/internal/stats"
)

// ItemDiff is one item's paired result: its means over repeats on both sides and their difference.
type ItemDiff struct {
	ID              string
	Cluster         string
	Baseline        float64 // mean over the baseline's repeats
	Candidate       float64 // mean over the candidate's repeats
	Diff            float64 // Candidate − Baseline; negative is a regression
	BaselinePassed  bool    // Baseline ≥ PassThreshold
	CandidatePassed bool    // Candidate ≥ PassThreshold
}

// McNemar is the exact McNemar test on the items whose pass/fail outcome (score ≥ PassThreshold) flipped:
// under no difference each flip is pass→fail or fail→pass with probability ½, and PValue is the two-sided
// exact binomial p-value min(1, 2·P(X ≤ min(b, c))), X ~ Bin(b + c, ½) (statsmodels mcnemar(table, exact=True)).
type McNemar struct {
	PassToFail int // b: passed on the baseline, failed on the candidate
	FailToPass int // c: failed on the baseline, passed on the candidate
	PValue     float64
}

// TTest is the paired t-test of the per-item differences (scipy.stats.ttest_rel(candidate, baseline)).
type TTest struct {
	MeanDiff  float64 // the mean of the differences tested
	Statistic float64 // mean difference / (sd/√n)
	DF        float64 // n − 1
	PValue    float64 // two-sided
}

// Comparison is a paired comparison of a candidate run against a baseline run over the same items.
type Comparison struct {
	Alpha     float64
	Baseline  Summary
	Candidate Summary
	N         int     // items
	MeanDiff  float64 // mean over items of candidate − baseline (each averaged over its repeats first)
	// SE is the standard error of MeanDiff. Unclustered it is sd/√n of the differences and Interval uses
	// Student's t with n − 1 degrees of freedom (DF); clustered it is the CR0 cluster-robust standard error
	// and Interval uses the standard normal (DF = 0), as statsmodels does for cluster-robust OLS. CR0 is
	// anti-conservative with few clusters; with fewer than ~30 clusters read the interval as optimistic.
	SE        float64
	Clustered bool
	Clusters  int
	DF        float64
	Interval  Interval // (1 − Alpha) confidence interval of MeanDiff
	PValue    float64  // two-sided p-value of MeanDiff = 0 by the same method as Interval
	// PassToFail and FailToPass list the items whose pass/fail outcome flipped, sorted by id.
	PassToFail []string
	FailToPass []string
	// McNemar is set only when every item was run once on both sides and no clusters are set; otherwise it is
	// nil and McNemarSkipped says why.
	McNemar        *McNemar
	McNemarSkipped string
	// PairedT treats items as independent; when clustered, use Interval and PValue instead. It is nil when
	// all differences are equal (t is undefined) and PairedTSkipped says so. When every item of both runs
	// carries graded scores (PairedTGraded), it tests the differences of the graded means rather than of the
	// pass/fail means, so a judge's partial credit counts.
	PairedT        *TTest
	PairedTSkipped string
	PairedTGraded  bool
	// Items holds every item sorted by regression: the largest drop first, ties by id.
	Items []ItemDiff
}

// Compare pairs candidate with baseline item by item. Both runs must hold the same item ids (otherwise an
// *ItemSetMismatchError names the difference) and put each item in the same cluster. An item passes on a side
// when its mean over repeats is at least PassThreshold (0.5); flips and McNemar's test use that outcome, while
// the mean difference, its interval and the paired t-test use the means themselves. Alpha 0 means
// DefaultAlpha; otherwise it must lie in [1e-6, 0.5].
func Compare(baseline, candidate []Item, alpha float64) (Comparison, error) {
	alpha, err := resolveAlpha("alpha", alpha)
	if err != nil {
		return Comparison{}, err
	}
	base, err := summarize("baseline.items", baseline)
	if err != nil {
		return Comparison{}, err
	}
	cand, err := summarize("candidate.items", candidate)
	if err != nil {
		return Comparison{}, err
	}
	if err := sameItems(base.Items, cand.Items); err != nil {
		return Comparison{}, err
	}
	n := len(base.Items)
	c := Comparison{Alpha: alpha, Baseline: base, Candidate: cand, N: n, Clustered: base.Clustered, Items: make([]ItemDiff, n)}
	diffs := make([]float64, n)
	clusters := make([]string, n)
	single := true
	graded := true
	var gradedDiffs []float64
	for i := range base.Items {
		b, k := base.Items[i], cand.Items[i]
		if b.Cluster != k.Cluster {
			return Comparison{}, invalid("candidate.items", "item %q is in cluster %q on the candidate and %q on the baseline; an item belongs to one cluster in both runs", k.ID, k.Cluster, b.Cluster)
		}
		d := ItemDiff{ID: b.ID, Cluster: b.Cluster, Baseline: b.Mean, Candidate: k.Mean, Diff: k.Mean - b.Mean, BaselinePassed: b.Passed, CandidatePassed: k.Passed}
		switch {
		case d.BaselinePassed && !d.CandidatePassed:
			c.PassToFail = append(c.PassToFail, d.ID)
		case !d.BaselinePassed && d.CandidatePassed:
			c.FailToPass = append(c.FailToPass, d.ID)
		}
		single = single && b.Repeats == 1 && k.Repeats == 1
		c.Items[i], diffs[i], clusters[i] = d, d.Diff, d.Cluster
		graded = graded && b.Graded && k.Graded
		gradedDiffs = append(gradedDiffs, k.GradedMean-b.GradedMean)
	}

	var sd float64
	c.MeanDiff, sd = meanSD(diffs)
	naiveSE := sd / math.Sqrt(float64(n))
	if c.Clustered {
		c.SE, c.Clusters = clusterSE(diffs, c.MeanDiff, clusters)
		half := stats.ZCritical(alpha) * c.SE
		c.Interval = Interval{Low: c.MeanDiff - half, High: c.MeanDiff + half}
		c.PValue = pValue(c.MeanDiff, c.SE, stats.ZPValue)
	} else {
		c.SE, c.DF = naiveSE, float64(n-1)
		half := stats.TCritical(alpha, c.DF) * c.SE
		c.Interval = Interval{Low: c.MeanDiff - half, High: c.MeanDiff + half}
		c.PValue = pValue(c.MeanDiff, c.SE, func(t float64) float64 { return stats.TPValue(t, c.DF) })
	}

	tDiffs, what := diffs, "difference"
	if graded {
		tDiffs, what, c.PairedTGraded = gradedDiffs, "graded difference", true
	}
	c.PairedT, c.PairedTSkipped = pairedT(tDiffs, what)

	switch {
	case c.Clustered:
		c.McNemarSkipped = "items carry cluster keys; McNemar's test assumes independent items, so read the clustered interval instead"
	case !single:
		c.McNemarSkipped = "items were run more than once; McNemar's exact test needs exactly one pass/fail outcome per item and side, so read the interval over per-item means instead"
	default:
		b, k := len(c.PassToFail), len(c.FailToPass)
		c.McNemar = &McNemar{PassToFail: b, FailToPass: k, PValue: mcnemarExact(b, k)}
	}

	slices.SortFunc(c.Items, func(a, b ItemDiff) int {
		return cmp.Or(cmp.Compare(a.Diff, b.Diff), cmp.Compare(a.ID, b.ID))
	})
	return c, nil
}

// pairedT is the paired t-test of diffs, or nil with the reason when every difference is equal.
func pairedT(diffs []float64, what string) (*TTest, string) {
	n := len(diffs)
	mean, sd := meanSD(diffs)
	se := sd / math.Sqrt(float64(n))
	if se == 0 {
		return nil, fmt.Sprintf("every item's %s is %s (up to rounding), so the paired t statistic is undefined", what, num(mean))
	}
	t := mean / se
	return &TTest{MeanDiff: mean, Statistic: t, DF: float64(n - 1), PValue: stats.TPValue(t, float64(n-1))}, ""
}

// pValue is the two-sided p-value of est/se; with se = 0 it is the limit: 1 for est = 0, 0 otherwise.
func pValue(est, se float64, p func(float64) float64) float64 {
	if se == 0 {
		if est == 0 {
			return 1
		}
		return 0
	}
	return p(est / se)
}

// mcnemarExact is min(1, 2·P(X ≤ min(b, c))) for X ~ Bin(b + c, ½); 1 when nothing flipped.
func mcnemarExact(b, c int) float64 {
	n := b + c
	if n == 0 {
		return 1
	}
	cdf := distuv.Binomial{N: float64(n), P: 0.5}.CDF(float64(min(b, c)))
	return math.Min(1, 2*cdf)
}

// sameItems refuses two sorted item lists that do not hold the same ids.
func sameItems(base, cand []ItemScore) error {
	var onlyBase, onlyCand []string
	i, j := 0, 0
	for i < len(base) || j < len(cand) {
		switch {
		case j == len(cand) || (i < len(base) && base[i].ID < cand[j].ID):
			onlyBase = append(onlyBase, base[i].ID)
			i++
		case i == len(base) || cand[j].ID < base[i].ID:
			onlyCand = append(onlyCand, cand[j].ID)
			j++
		default:
			i++
			j++
		}
	}
	if onlyBase == nil && onlyCand == nil {
		return nil
	}
	return &ItemSetMismatchError{OnlyBaseline: onlyBase, OnlyCandidate: onlyCand, Baseline: len(base), Candidate: len(cand)}
}
