package evaluation

import (
	_ "embed"
	"encoding/json"
	"maps"
	"math"
	"slices"
	"sync"
	"testing"

	"github.com/stretchr/testify/require"
)

// reference.json is the output of `/usr/bin/python3 internal/evaluation/testdata/reference.py` (scipy 1.10.1,
// statsmodels 0.13.5): the fixtures and the figures scipy/statsmodels compute for them. Regenerate it with that
// command when a fixture changes; the tests never run Python.
//
//go:embed testdata/reference.json
var referenceJSON []byte

// refTol bounds the disagreement with scipy/statsmodels; the observed maximum is logged by
// TestReferenceAgreement (go test -v -run Reference).
const refTol = 1e-10

type reference struct {
	Paired []struct {
		Name      string  `json:"name"`
		Alpha     float64 `json:"alpha"`
		Baseline  []refItem
		Candidate []refItem
		Expect    map[string]float64 `json:"expect"`
	} `json:"paired"`
	McNemar []struct {
		B, C int
		P    float64
	} `json:"mcnemar"`
	Kappa []struct {
		TP, FN, FP, TN int
		Kappa          float64
	} `json:"kappa"`
	Calibration struct {
		Labels []struct {
			Item, Model  string
			Human, Judge bool
		}
		Run    []bool
		Expect struct {
			HeldOut         []string `json:"held_out"`
			TP, FN, FP, TN  int
			TPR, TNR, Kappa float64
			PObs            float64 `json:"p_obs"`
			Corrected       float64
		}
	} `json:"calibration"`
	CacheKey struct {
		Fields []string
		Key    string
	} `json:"cache_key"`
}

type refItem struct {
	ID      string
	Cluster string
	Scores  []float64
}

var loadReference = sync.OnceValues(func() (reference, error) {
	var r reference
	err := json.Unmarshal(referenceJSON, &r)
	return r, err
})

func refItems(in []refItem) []Item {
	out := make([]Item, len(in))
	for i, it := range in {
		out[i] = Item{ID: it.ID, Cluster: it.Cluster, Scores: it.Scores}
	}
	return out
}

// agreement records the largest absolute difference from a reference value per kind of figure.
type agreement map[string]float64

func (a agreement) check(t *testing.T, kind string, want, got float64, msgAndArgs ...any) {
	t.Helper()
	require.InDelta(t, want, got, refTol, msgAndArgs...)
	a[kind] = math.Max(a[kind], math.Abs(want-got))
}

func TestReferenceAgreement(t *testing.T) {
	t.Parallel()
	ref, err := loadReference()
	require.NoError(t, err)
	require.Len(t, ref.Paired, 3)
	diff := agreement{}

	for _, pc := range ref.Paired {
		e := pc.Expect
		c, err := Compare(refItems(pc.Baseline), refItems(pc.Candidate), pc.Alpha)
		require.NoError(t, err, pc.Name)
		// scipy.stats.ttest_rel(candidate_means, baseline_means)
		require.NotNil(t, c.PairedT, pc.Name)
		diff.check(t, "ttest_rel statistic", e["t"], c.PairedT.Statistic, pc.Name)
		diff.check(t, "ttest_rel p", e["t_p"], c.PairedT.PValue, pc.Name)
		require.Equal(t, e["t_df"], c.PairedT.DF, pc.Name)
		diff.check(t, "mean difference", e["mean_diff"], c.MeanDiff, pc.Name)
		// unclustered: DescrStatsW(d).tconfint_mean; clustered: OLS cluster CR0 bse, conf_int, pvalues
		diff.check(t, "SE of difference", e["se"], c.SE, pc.Name)
		diff.check(t, "interval bounds", e["low"], c.Interval.Low, pc.Name)
		diff.check(t, "interval bounds", e["high"], c.Interval.High, pc.Name)
		diff.check(t, "p of difference", e["p"], c.PValue, pc.Name)
		// np.mean and scipy.stats.sem of the per-item means
		diff.check(t, "score and SE", e["baseline_score"], c.Baseline.Score, pc.Name)
		diff.check(t, "score and SE", e["baseline_se"], c.Baseline.SE, pc.Name)
		diff.check(t, "score and SE", e["candidate_score"], c.Candidate.Score, pc.Name)
		diff.check(t, "score and SE", e["candidate_se"], c.Candidate.SE, pc.Name)
		if cse, ok := e["candidate_clustered_se"]; ok {
			require.True(t, c.Clustered, pc.Name)
			diff.check(t, "CR0 SE", e["se"], c.SE, pc.Name)
			diff.check(t, "CR0 SE", cse, c.Candidate.ClusteredSE, pc.Name)
			diff.check(t, "CR0 SE", e["baseline_clustered_se"], c.Baseline.ClusteredSE, pc.Name)
			require.Nil(t, c.McNemar, pc.Name)
		}
		if mp, ok := e["mcnemar_p"]; ok {
			// statsmodels mcnemar(table, exact=True)
			require.NotNil(t, c.McNemar, pc.Name)
			require.Equal(t, int(e["mcnemar_b"]), c.McNemar.PassToFail, pc.Name)
			require.Equal(t, int(e["mcnemar_c"]), c.McNemar.FailToPass, pc.Name)
			diff.check(t, "McNemar p", mp, c.McNemar.PValue, pc.Name)
		}
	}

	for _, m := range ref.McNemar {
		diff.check(t, "McNemar p", m.P, mcnemarExact(m.B, m.C), "b=%d c=%d", m.B, m.C)
	}

	for _, k := range ref.Kappa {
		// statsmodels.stats.inter_rater.cohens_kappa
		diff.check(t, "Cohen's kappa", k.Kappa, cohensKappa(k.TP, k.FN, k.FP, k.TN), "%+v", k)
	}

	cal := ref.Calibration
	var labels []Label
	var heldOut []string
	for _, l := range cal.Labels {
		labels = append(labels, Label{ItemID: l.Item, Model: l.Model, Human: l.Human, Judge: l.Judge})
		if HeldOut(l.Item, l.Model) {
			heldOut = append(heldOut, l.Item+"/"+l.Model)
		}
	}
	require.Equal(t, cal.Expect.HeldOut, heldOut, "the split reference.py computes with hashlib from HeldOut's doc comment")
	res, err := Calibrate(CalibrationInput{Labels: labels, Run: cal.Run, Seed: 1})
	require.NoError(t, err)
	require.Equal(t, [4]int{cal.Expect.TP, cal.Expect.FN, cal.Expect.FP, cal.Expect.TN},
		[4]int{res.TruePositives, res.FalseNegatives, res.FalsePositives, res.TrueNegatives})
	require.Equal(t, len(cal.Expect.HeldOut), res.HeldOut)
	diff.check(t, "calibration rates", cal.Expect.TPR, res.TPR)
	diff.check(t, "calibration rates", cal.Expect.TNR, res.TNR)
	diff.check(t, "Cohen's kappa", cal.Expect.Kappa, res.Kappa)
	diff.check(t, "calibration rates", cal.Expect.PObs, res.ObservedPassRate)
	require.True(t, res.Corrected)
	diff.check(t, "Rogan–Gladen", cal.Expect.Corrected, res.CorrectedPassRate)

	f := ref.CacheKey.Fields
	require.Equal(t, ref.CacheKey.Key, CacheKey(JudgeRequest{Owner: f[0], Rubric: f[1], Input: f[2], Output: f[3], JudgeModel: f[4]}),
		"hashlib.sha256 over the length-prefixed fields in reference.py")

	for _, kind := range slices.Sorted(maps.Keys(diff)) {
		t.Logf("max |Go − reference| %-20s %.3g", kind, diff[kind])
	}
}
