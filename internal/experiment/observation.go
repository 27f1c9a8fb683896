package experiment

import (
	"math"
)

// Binary is the aggregate of a binary (conversion) metric for one variant: Conversions successes out of
// Trials exposures. The zero value is "no observations yet".
type Binary struct {
	Conversions int64
	Trials      int64
}

// Validate checks trials ≥ conversions ≥ 0; field prefixes the error's field path.
func (b Binary) Validate(field string) error {
	switch {
	case b.Trials < 0:
		return invalid(field+".trials", "must be ≥ 0, got %d", b.Trials)
	case b.Conversions < 0:
		return invalid(field+".conversions", "must be ≥ 0, got %d", b.Conversions)
	case b.Conversions > b.Trials:
		return invalid(field+".conversions", "%d conversions exceed %d trials; send trials ≥ conversions", b.Conversions, b.Trials)
	}
	return nil
}

// Add returns the sum of two valid aggregates (several recordings of the same variant add up).
func (b Binary) Add(o Binary) (Binary, error) {
	if err := b.Validate("binary"); err != nil {
		return Binary{}, err
	}
	if err := o.Validate("binary"); err != nil {
		return Binary{}, err
	}
	if o.Trials > math.MaxInt64-b.Trials {
		return Binary{}, invalid("binary.trials", "total trials overflow a 64-bit integer")
	}
	return Binary{Conversions: b.Conversions + o.Conversions, Trials: b.Trials + o.Trials}, nil
}

// BinaryFromOutcomes folds a batch of raw outcomes (true = converted) into an aggregate.
func BinaryFromOutcomes(outcomes []bool) Binary {
	var b Binary
	for _, converted := range outcomes {
		b.Trials++
		if converted {
			b.Conversions++
		}
	}
	return b
}

// Rate is the observed conversion rate, 0 when there are no trials.
func (b Binary) Rate() float64 {
	if b.Trials == 0 {
		return 0
	}
	return float64(b.Conversions) / float64(b.Trials)
}

// Continuous is the aggregate of a continuous metric (latency, cost, a score) for one variant: Count values
// with arithmetic Mean and sample Variance s² = Σ(xᵢ − x̄)² / (Count − 1), the unbiased (n − 1) estimator.
// Variance must be 0 when Count ≤ 1, and Mean must be 0 when Count is 0. The zero value is "no observations".
type Continuous struct {
	Count    int64
	Mean     float64
	Variance float64
}

// Validate checks count ≥ 0, finite mean and variance, variance ≥ 0 and the Count ≤ 1 conventions.
func (c Continuous) Validate(field string) error {
	switch {
	case c.Count < 0:
		return invalid(field+".count", "must be ≥ 0, got %d", c.Count)
	case math.IsNaN(c.Mean) || math.IsInf(c.Mean, 0):
		return invalid(field+".mean", "must be a finite number")
	case math.IsNaN(c.Variance) || math.IsInf(c.Variance, 0):
		return invalid(field+".variance", "must be a finite number")
	case c.Variance < 0:
		return invalid(field+".variance", "must be ≥ 0, got %g", c.Variance)
	case c.Count == 0 && (c.Mean != 0 || c.Variance != 0):
		return invalid(field+".count", "is 0 but mean or variance is not; send count > 0 or zeros")
	case c.Count == 1 && c.Variance != 0:
		return invalid(field+".variance", "must be 0 for a single value (the sample variance uses n − 1)")
	}
	return nil
}

// Merge combines two valid aggregates into the aggregate of all their values, by the pairwise update of
// Chan, Golub & LeVeque ("Updating Formulae and a Pairwise Algorithm for Computing Sample Variances",
// Stanford CS report STAN-CS-79-773, 1979): with δ = x̄_b − x̄_a and n = n_a + n_b,
// x̄ = x̄_a + δ·n_b/n and M₂ = M₂_a + M₂_b + δ²·n_a·n_b/n where M₂ = s²·(n − 1).
// It avoids the cancellation of the sum-of-squares formula. Values too large to aggregate in float64 give
// a *ValidationError.
func (c Continuous) Merge(o Continuous) (Continuous, error) {
	if err := c.Validate("continuous"); err != nil {
		return Continuous{}, err
	}
	if err := o.Validate("continuous"); err != nil {
		return Continuous{}, err
	}
	if c.Count == 0 {
		return o, nil
	}
	if o.Count == 0 {
		return c, nil
	}
	if o.Count > math.MaxInt64-c.Count {
		return Continuous{}, invalid("continuous.count", "total count overflows a 64-bit integer")
	}
	na, nb := float64(c.Count), float64(o.Count)
	n := na + nb
	delta := o.Mean - c.Mean
	mean := c.Mean + delta*(nb/n)
	m2 := c.Variance*(na-1) + o.Variance*(nb-1) + delta*delta*(na/n)*nb
	merged := Continuous{Count: c.Count + o.Count, Mean: mean, Variance: m2 / (n - 1)}
	if !finite(merged.Mean, merged.Variance) {
		return Continuous{}, invalid("continuous", "values too large to aggregate; rescale the metric (e.g. seconds instead of microseconds)")
	}
	return merged, nil
}

// ContinuousFromValues folds a batch of raw values into an aggregate, one value at a time with Merge
// (Welford's update, the n_b = 1 case of Chan et al.). Every value must be finite.
func ContinuousFromValues(values []float64) (Continuous, error) {
	var c Continuous
	for i, x := range values {
		if !finite(x) {
			return Continuous{}, invalid("values", "value %d is not a finite number", i)
		}
		next, err := c.Merge(Continuous{Count: 1, Mean: x})
		if err != nil {
			return Continuous{}, err
		}
		c = next
	}
	return c, nil
}

func finite(xs ...float64) bool {
	for _, x := range xs {
		if math.IsNaN(x) || math.IsInf(x, 0) {
			return false
		}
	}
	return true
}
