package experiment_test

import (
	"fmt"

	"github.com/modelarchitect/architect/internal/experiment"
)

func ExampleAnalyze() {
	plan, _ := experiment.SampleSizeProportions(experiment.ProportionPlan{Baseline: 0.048, MinDetectableEffect: 0.2, Relative: true})
	res, err := experiment.Analyze(experiment.Input{
		Variants: []experiment.Variant{{Key: "gpt-4.1-mini", Weight: 50}, {Key: "claude-haiku", Weight: 50}},
		Control:  "gpt-4.1-mini",
		Primary: experiment.Metric{Name: "thumbs_up", Kind: experiment.KindBinary, Binary: map[string]experiment.Binary{
			"gpt-4.1-mini": {Conversions: 480, Trials: 10000},
			"claude-haiku": {Conversions: 560, Trials: 10000},
		}},
		PlannedSampleSize: plan.PerVariant,
	})
	if err != nil {
		panic(err)
	}
	c := res.Primary.Comparisons[0]
	fmt.Printf("planned per variant: %d\n", plan.PerVariant)
	fmt.Printf("lift %.4f [%.4f, %.4f], relative %.3f [%.3f, %.3f], p = %.4f\n",
		c.Absolute.Estimate, c.Absolute.Lower, c.Absolute.Upper, c.Relative.Estimate, c.Relative.Lower, c.Relative.Upper, c.PValue)
	fmt.Printf("SRM p = %.3f, winner %q\n", res.SRM.PValue, res.Decision.Winner)
	// /usr/bin/python3 internal/experiment/testdata/reference.py → N4 = 8517.471773197223
	// (samplesize_proportions_2indep_onetail(0.0096, 0.048, 0.8, alpha=0.05)), rounded up to 8518; the other
	// figures are its case B1.
	// Output:
	// planned per variant: 8518
	// lift 0.0080 [0.0018, 0.0142], relative 0.167 [0.028, 0.305], p = 0.0108
	// SRM p = 1.000, winner "claude-haiku"
}
