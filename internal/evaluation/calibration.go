package evaluation

import (
	"encoding/binary"
	"fmt"
	"math/rand/v2"
	"slices"

	"gonum.org/v1/gonum/stat/distuv"

	"github.com/modelarchitect/architect/internal/stats"
)

// HeldOutFraction is the share of labelled (item, model) pairs held out to measure the judge. The rest is for
// tuning the rubric and the judge prompt; agreement measured there would flatter the judge.
const HeldOutFraction = 0.5

// MinYouden is the smallest TPR + TNR − 1 (Youden's J) for which a corrected pass rate is given: it divides
// the correction, so a judge near chance turns noise into a rate.
const MinYouden = 0.1

// DefaultResamples is the number of bootstrap resamples when CalibrationInput.Resamples is zero.
const DefaultResamples = 2000

// maxResamples bounds the bootstrap work a caller can ask for.
const maxResamples = 100_000

// HeldOut reports whether the label of itemID's output by model belongs to the held-out part: the first eight
// bytes of the SHA-256 of the length-prefixed fields ("evaluation.heldout.v1", itemID, model) as a big-endian
// uint64, below HeldOutFraction·2⁶⁴. The split is fixed by the ids alone, so a label never changes sides.
func HeldOut(itemID, model string) bool {
	sum := fieldHash("evaluation.heldout.v1", itemID, model)
	return binary.BigEndian.Uint64(sum[:8]) < uint64(HeldOutFraction*(1<<64))
}

// Label is a person's verdict and the judge's verdict on the same output.
type Label struct {
	ItemID string
	Model  string
	Human  bool // true: the person passed the output
	Judge  bool // true: the judge passed the output
}

// CalibrationInput is what Calibrate needs.
type CalibrationInput struct {
	Labels []Label // all labels; only the held-out ones (HeldOut) are used
	Run    []bool  // the judge's verdicts (true = pass) in the run whose pass rate is corrected
	Alpha  float64 // of the bootstrap interval, in [1e-6, 0.5]; 0 means DefaultAlpha
	// Resamples is the number of bootstrap resamples, at most 100 000; 0 means DefaultResamples.
	Resamples int
	Seed      uint64 // the same seed and input give the same interval
}

// Calibration is the judge's agreement with people on the held-out labels and the run's pass rate corrected
// for the judge's errors.
type Calibration struct {
	HeldOut                       int // held-out labels used
	TruePositives, FalseNegatives int // human pass: judge pass / judge fail
	FalsePositives, TrueNegatives int // human fail: judge pass / judge fail
	TPR, TNR                      float64
	Kappa                         float64 // Cohen's kappa between person and judge
	ObservedPassRate              float64 // the share of the run the judge passed
	// Corrected is set when the judge separates pass from fail well enough (TPR + TNR − 1 ≥ MinYouden);
	// CorrectedPassRate and Interval are then meaningful. Otherwise Reason says why there is no correction.
	Corrected bool
	// CorrectedPassRate is the Rogan–Gladen estimate (p_obs + TNR − 1)/(TPR + TNR − 1) clipped to [0, 1]
	// (Rogan & Gladen 1978, "Estimating prevalence from the results of a screening test").
	CorrectedPassRate float64
	// Interval is the (1 − Alpha) percentile bootstrap interval of CorrectedPassRate. Each resample redraws
	// the held-out labels (re-estimating TPR and TNR) and the run's verdicts, with replacement; a redraw is
	// taken as multinomial/binomial counts, which have the same distribution. Resamples in which the judge
	// falls below MinYouden or one human class vanishes are dropped and counted in DegenerateResamples; when
	// more than half are dropped the interval is [0, 1] and Reason says so.
	Interval            Interval
	Resamples           int
	DegenerateResamples int
	Reason              string
}

// Calibrate measures the judge against people on the held-out labels and corrects the run's pass rate.
func Calibrate(in CalibrationInput) (Calibration, error) {
	alpha, err := resolveAlpha("alpha", in.Alpha)
	if err != nil {
		return Calibration{}, err
	}
	resamples := in.Resamples
	if resamples == 0 {
		resamples = DefaultResamples
	}
	if resamples < 0 || resamples > maxResamples {
		return Calibration{}, invalid("resamples", "%d is out of range; send 1 to %d, or 0 for %d", in.Resamples, maxResamples, DefaultResamples)
	}
	if len(in.Run) == 0 {
		return Calibration{}, invalid("run", "is empty; send the judge's verdicts of the run whose pass rate is to be corrected")
	}
	c := Calibration{Resamples: resamples}
	type pair struct{ item, model string }
	seen := make(map[pair]int, len(in.Labels))
	for i, l := range in.Labels {
		f := fmt.Sprintf("labels[%d]", i)
		if l.ItemID == "" {
			return Calibration{}, invalid(f+".itemId", "is empty; a label names the item it judges")
		}
		if l.Model == "" {
			return Calibration{}, invalid(f+".model", "is empty; a label names the model whose output it judges")
		}
		if j, dup := seen[pair{l.ItemID, l.Model}]; dup {
			return Calibration{}, invalid(f, "labels[%d] already labels item %q of model %q; send one label per output", j, l.ItemID, l.Model)
		}
		seen[pair{l.ItemID, l.Model}] = i
		if !HeldOut(l.ItemID, l.Model) {
			continue
		}
		c.HeldOut++
		switch {
		case l.Human && l.Judge:
			c.TruePositives++
		case l.Human:
			c.FalseNegatives++
		case l.Judge:
			c.FalsePositives++
		default:
			c.TrueNegatives++
		}
	}
	if c.TruePositives+c.FalseNegatives == 0 || c.FalsePositives+c.TrueNegatives == 0 {
		class := "pass"
		if c.TruePositives+c.FalseNegatives > 0 {
			class = "fail"
		}
		return Calibration{}, invalid("labels", "the held-out part (%d of %d labels, chosen by HeldOut) holds no human %s, so the judge's TPR and TNR cannot both be measured; label more outputs, including ones a person would %s", c.HeldOut, len(in.Labels), class, class)
	}
	tp, fn, fp, tn := c.TruePositives, c.FalseNegatives, c.FalsePositives, c.TrueNegatives
	c.TPR, c.TNR = rates(tp, fn, fp, tn)
	c.Kappa = cohensKappa(tp, fn, fp, tn)
	passed := 0
	for _, v := range in.Run {
		if v {
			passed++
		}
	}
	c.ObservedPassRate = float64(passed) / float64(len(in.Run))

	if j := c.TPR + c.TNR - 1; j < MinYouden {
		c.Reason = fmt.Sprintf("the judge barely separates pass from fail on the held-out labels (TPR + TNR − 1 = %s, below %v), so a corrected rate would be mostly noise; improve the rubric or the judge", num(j), MinYouden)
		return c, nil
	}
	c.Corrected = true
	c.CorrectedPassRate = roganGladen(c.ObservedPassRate, c.TPR, c.TNR)

	src := rand.NewPCG(in.Seed, 0x9e3779b97f4a7c15)
	estimates := make([]float64, 0, resamples)
	for range resamples {
		cells := multinomial(c.HeldOut, []int{tp, fn, fp, tn}, src)
		if cells[0]+cells[1] == 0 || cells[2]+cells[3] == 0 {
			c.DegenerateResamples++
			continue
		}
		tpr, tnr := rates(cells[0], cells[1], cells[2], cells[3])
		if tpr+tnr-1 < MinYouden {
			c.DegenerateResamples++
			continue
		}
		pObs := float64(binomial(len(in.Run), c.ObservedPassRate, src)) / float64(len(in.Run))
		estimates = append(estimates, roganGladen(pObs, tpr, tnr))
	}
	if 2*len(estimates) < resamples {
		c.Interval = Interval{Low: 0, High: 1}
		c.Reason = fmt.Sprintf("in %d of %d bootstrap resamples the judge was near chance or a human class vanished, so the interval is [0, 1]; label more outputs", c.DegenerateResamples, resamples)
		return c, nil
	}
	slices.Sort(estimates)
	lo, _ := stats.Percentile(estimates, alpha/2) // estimates is sorted and not empty
	hi, _ := stats.Percentile(estimates, 1-alpha/2)
	c.Interval = Interval{Low: lo, High: hi}
	return c, nil
}

// rates are TPR = TP/(TP + FN) and TNR = TN/(TN + FP); both classes must be present.
func rates(tp, fn, fp, tn int) (tpr, tnr float64) {
	return float64(tp) / float64(tp+fn), float64(tn) / float64(tn+fp)
}

// roganGladen is (pObs + TNR − 1)/(TPR + TNR − 1) clipped to [0, 1]; TPR + TNR − 1 > 0.
func roganGladen(pObs, tpr, tnr float64) float64 {
	return min(max((pObs+tnr-1)/(tpr+tnr-1), 0), 1)
}

// cohensKappa is (p_o − p_e)/(1 − p_e) for the 2×2 table person × judge (Cohen 1960); p_e < 1 whenever both
// human classes are present.
func cohensKappa(tp, fn, fp, tn int) float64 {
	n := float64(tp + fn + fp + tn)
	po := float64(tp+tn) / n
	pe := (float64(tp+fn)*float64(tp+fp) + float64(fp+tn)*float64(fn+tn)) / (n * n)
	return (po - pe) / (1 - pe)
}

// multinomial draws n items with replacement from cells holding counts (summing to n) and returns how many
// fell in each cell, by successive conditional binomials.
func multinomial(n int, counts []int, src rand.Source) []int {
	out := make([]int, len(counts))
	left, mass := n, n
	for i, k := range counts[:len(counts)-1] {
		if left == 0 || mass == 0 {
			break
		}
		out[i] = binomial(left, float64(k)/float64(mass), src)
		left -= out[i]
		mass -= k
	}
	out[len(out)-1] = left
	return out
}

// binomial draws from Bin(n, p).
func binomial(n int, p float64, src rand.Source) int {
	switch {
	case n == 0 || p <= 0:
		return 0
	case p >= 1:
		return n
	}
	return int(distuv.Binomial{N: float64(n), P: p, Src: src}.Rand())
}
