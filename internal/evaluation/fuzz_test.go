package evaluation

import (
	"errors"
	"math"
	"testing"
)

func FuzzParseJudgeVerdict(f *testing.F) {
	for _, seed := range []string{`{"reason":"r","score":0.5,"pass":true}`, "```json\n{\"score\":1,\"pass\":false}\n```", `x {"score":2} y`, "{{{", ""} {
		f.Add(seed)
	}
	m, err := NewChoiceMap(map[string]float64{"A": 1, "B": 0})
	if err != nil {
		f.Fatal(err)
	}
	f.Fuzz(func(t *testing.T, answer string) {
		v, err := ParseJudgeVerdict(answer)
		if err != nil && !errors.Is(err, ErrInvalidJudgeAnswer) {
			t.Fatalf("untyped error %v", err)
		}
		if err == nil && !(v.Score >= 0 && v.Score <= 1) {
			t.Fatalf("accepted score %v", v.Score)
		}
		if c := m.Classify(answer); c.Invalid != (c.Choice == InvalidChoice) {
			t.Fatalf("inconsistent classification %+v", c)
		}
	})
}

func FuzzCompare(f *testing.F) {
	f.Add(1.0, 0.0, 0.5, 0.25, 0.0)
	f.Add(math.NaN(), 0.0, 1.0, 1.0, 0.05)
	f.Add(0.3, 0.4, 0.5, 0.6, 1.0)
	f.Fuzz(func(t *testing.T, a, b, c, d, alpha float64) {
		res, err := Compare([]Item{{ID: "x", Scores: []float64{a}}, {ID: "y", Scores: []float64{b}}},
			[]Item{{ID: "x", Scores: []float64{c}}, {ID: "y", Scores: []float64{d}}}, alpha)
		if err != nil {
			var ve *ValidationError
			if !errors.As(err, &ve) {
				t.Fatalf("untyped error %v", err)
			}
			return
		}
		for _, x := range []float64{res.MeanDiff, res.SE, res.Interval.Low, res.Interval.High, res.PValue} {
			if math.IsNaN(x) || math.IsInf(x, 0) {
				t.Fatalf("non-finite result %+v", res)
			}
		}
	})
}
