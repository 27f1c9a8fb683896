package experiment

import (
	"math"
	"reflect"
	"testing"
)

// requireFinite fails when any float64 reachable from v is NaN or ±Inf.
func requireFinite(t testing.TB, v any) {
	t.Helper()
	var walk func(path string, rv reflect.Value)
	walk = func(path string, rv reflect.Value) {
		switch rv.Kind() {
		case reflect.Float64:
			if f := rv.Float(); math.IsNaN(f) || math.IsInf(f, 0) {
				t.Fatalf("%s = %v", path, f)
			}
		case reflect.Pointer, reflect.Interface:
			if !rv.IsNil() {
				walk(path, rv.Elem())
			}
		case reflect.Struct:
			for i := range rv.NumField() {
				walk(path+"."+rv.Type().Field(i).Name, rv.Field(i))
			}
		case reflect.Slice, reflect.Array:
			for i := range rv.Len() {
				walk(path+"[]", rv.Index(i))
			}
		case reflect.Map:
			iter := rv.MapRange()
			for iter.Next() {
				walk(path+"{}", iter.Value())
			}
		}
	}
	walk("result", reflect.ValueOf(v))
}

// FuzzObservations feeds arbitrary aggregates and raw values through recording and analysis: nothing may
// panic and no result may hold NaN or Inf (bad input must come back as an error).
func FuzzObservations(f *testing.F) {
	f.Add(int64(480), int64(10000), int64(560), int64(10000), int64(12), 824.1, 1524.7, int64(15), 765.2, 729.6, 0.95, 812.0, 790.5, 1.0)
	f.Add(int64(0), int64(0), int64(0), int64(1), int64(1), 0.0, 0.0, int64(1), 0.0, 0.0, 0.0, 0.0, 0.0, 0.0)
	f.Add(int64(5), int64(3), int64(-1), int64(2), int64(-2), math.NaN(), -1.0, int64(2), math.Inf(1), 1e308, 0.5, 1e308, -1e308, 1e-300)
	f.Add(int64(1), int64(1), int64(1), int64(1), int64(2), 1e-300, 0.0, int64(2), 1e300, 1e300, 0.9999, 5e-324, 1.0, 3.0)
	f.Fuzz(func(t *testing.T, xa, na, xb, nb, ca int64, ma, va float64, cb int64, mb, vb, conf, v1, v2, w float64) {
		bin := map[string]Binary{"A": {xa, na}, "B": {xb, nb}}
		cont := map[string]Continuous{"A": {ca, ma, va}, "B": {cb, mb, vb}}
		if batch, err := ContinuousFromValues([]float64{v1, v2, ma, mb}); err == nil {
			requireFinite(t, batch)
			if merged, err := cont["B"].Merge(batch); err == nil {
				requireFinite(t, merged)
				cont["B"] = merged
			}
		}
		if sum, err := bin["A"].Add(BinaryFromOutcomes([]bool{v1 > 0, v2 > 0})); err == nil {
			bin["A"] = sum
		}
		in := Input{
			Variants:          []Variant{{"A", 1}, {"B", w}},
			Control:           "A",
			Primary:           Metric{Name: "p", Kind: KindBinary, Binary: bin},
			Secondary:         []Metric{{Name: "s", Kind: KindContinuous, Continuous: cont}},
			ConfidenceLevel:   conf,
			PlannedSampleSize: ca,
		}
		if res, err := Analyze(in); err == nil {
			requireFinite(t, res)
		}
		in.Primary, in.Secondary = in.Secondary[0], []Metric{in.Primary}
		if res, err := Analyze(in); err == nil {
			requireFinite(t, res)
		}
		if s, err := SampleSizeMeans(MeanPlan{StdDev: va, MinDetectableEffect: mb, ConfidenceLevel: conf, Power: w}); err == nil {
			requireFinite(t, s)
		}
		if s, err := SampleSizeProportions(ProportionPlan{Baseline: v1, MinDetectableEffect: v2, Relative: w > 1, ConfidenceLevel: conf}); err == nil {
			requireFinite(t, s)
		}
	})
}

// FuzzStatistics feeds arbitrary numbers through the sequential, relative, CUPED, bandit, assignment and
// health functions: nothing may panic and no result may hold NaN or Inf.
func FuzzStatistics(f *testing.F) {
	f.Add(int64(480), int64(10000), int64(560), int64(10000), 1.2, 0.64, 1.25, 0.7056, 0.95, 5000.0, int64(100), "seed", 1.0)
	f.Add(int64(0), int64(0), int64(0), int64(1), 0.0, 0.0, 0.0, 0.0, 0.0, 0.0, int64(0), "", 0.0)
	f.Add(int64(5), int64(3), int64(-1), int64(2), math.NaN(), -1.0, math.Inf(1), 1e308, 0.5, math.Inf(1), int64(-3), "é", math.NaN())
	f.Add(int64(1), int64(1), int64(1), int64(1), 1e-300, 1e300, -1e300, 5e-324, 0.9999, 1e-300, int64(1), "a", 1e308)
	f.Fuzz(func(t *testing.T, xa, na, xb, nb int64, ma, va, mb, vb, conf, tuning float64, minUnits int64, seed string, w float64) {
		for _, mode := range []Mode{ModeFixedHorizon, ModeSequential} {
			for _, scale := range []Scale{ScaleAbsolute, ScaleRelative} {
				o := Options{ConfidenceLevel: conf, Scale: scale, Mode: mode, Sequential: Sequential{Tuning: tuning, MinUnits: minUnits}}
				if c, err := CompareProportionsWith(Binary{xa, na}, Binary{xb, nb}, o); err == nil {
					requireFinite(t, c)
				}
				if c, err := CompareMeansWith(Continuous{na, ma, va}, Continuous{nb, mb, vb}, o); err == nil {
					requireFinite(t, c)
				}
				in := CUPEDInput{
					Control:   CUPEDArm{Covariate: CovariateMoments{na, ma, va, mb, vb, w}, NoCovariate: Moments{xa, ma, vb}},
					Treatment: CUPEDArm{Covariate: CovariateMoments{nb, mb, vb, ma, va, w}, NoCovariate: Moments{xb, mb, va}},
					Options:   o,
				}
				if res, err := CompareCUPED(in); err == nil {
					requireFinite(t, res)
				}
				res, err := Analyze(Input{
					Variants: []Variant{{"A", 1}, {"B", 1}, {"C", 2}}, Control: "A",
					Primary:    Metric{Name: "p", Kind: KindBinary, Scale: scale, Binary: map[string]Binary{"A": {xa, na}, "B": {xb, nb}, "C": {xa, nb}}},
					Secondary:  []Metric{{Name: "s", Kind: KindContinuous, Scale: scale, Continuous: map[string]Continuous{"A": {na, ma, va}, "B": {nb, mb, vb}}}},
					Mode:       mode,
					Sequential: Sequential{Tuning: tuning, MinUnits: minUnits},
				})
				if err == nil {
					requireFinite(t, res)
				}
			}
		}
		floor := w
		if res, err := UpdateBandit([]BanditArm{
			{Key: "a", Reward: Continuous{na, ma, va}, Quality: &Continuous{nb, mb, vb}},
			{Key: "b", Reward: Continuous{nb, mb, vb}, Cost: &Continuous{na, ma, va}},
			{Key: "c", Reward: Binary{xa, na}.AsContinuous()},
		}, BanditConfig{MinShare: tuning / 1e4, WarmupUnits: minUnits, Draws: 200, QualityFloor: &floor, CostCeiling: &floor, ConfidenceLevel: conf}); err == nil {
			requireFinite(t, res)
		}
		if v, err := Assign(seed, seed+"-u", []float64{w, ma, 1}); err == nil && (v < 0 || v > 2) {
			t.Fatalf("variant %d out of range", v)
		}
		if h := Hash(seed, seed); !(h >= 0 && h < 1) {
			t.Fatalf("hash %v outside [0, 1)", h)
		}
		if s, err := CheckSRMOverPeriods([]int64{xa, xb}, []SRMPeriod{{na, []float64{w, 1}}, {nb, []float64{ma, va}}}); err == nil {
			requireFinite(t, s)
		}
		if s, err := SampleSizeRatio(RatioPlan{NumeratorMean: ma, DenominatorMean: mb, NumeratorStdDev: va, DenominatorStdDev: vb, Correlation: w, MinDetectableEffect: tuning, Relative: conf > 0.9}); err == nil {
			requireFinite(t, s)
		}
	})
}
