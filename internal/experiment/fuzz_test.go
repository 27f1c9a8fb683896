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
