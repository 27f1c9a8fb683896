package experiment

import (
	"fmt"
	"math"
)

// Unit is one unit's value of a metric Y and, when the unit has one, its pre-experiment covariate X.
type Unit struct {
	Y float64
	X *float64
	// UnitID, when given, is the id assignVariant knows the unit by; the caller checks that the unit was
	// assigned the variant it is recorded under. The statistics ignore it.
	UnitID string
}

// CUPEDArmFromUnits sums per-unit values into an arm's sufficient statistics: units with X into Covariate,
// the others into NoCovariate.
func CUPEDArmFromUnits(units []Unit) (CUPEDArm, error) {
	var a CUPEDArm
	for i, u := range units {
		if !finite(u.Y) {
			return CUPEDArm{}, invalid(fmt.Sprintf("units[%d].y", i), "must be a finite number")
		}
		if u.X == nil {
			a.NoCovariate.N++
			a.NoCovariate.Sum += u.Y
			a.NoCovariate.SumSquares += u.Y * u.Y
			continue
		}
		x := *u.X
		if !finite(x) {
			return CUPEDArm{}, invalid(fmt.Sprintf("units[%d].x", i), "must be a finite number, or left out for a unit without a covariate")
		}
		c := &a.Covariate
		c.N++
		c.SumY += u.Y
		c.SumY2 += u.Y * u.Y
		c.SumX += x
		c.SumX2 += x * x
		c.SumXY += x * u.Y
	}
	if err := a.Validate("units"); err != nil {
		return CUPEDArm{}, err
	}
	return a, nil
}

// Add sums the statistics of two recordings of one arm.
func (a CUPEDArm) Add(b CUPEDArm) CUPEDArm {
	c, d := a.Covariate, b.Covariate
	return CUPEDArm{
		Covariate: CovariateMoments{N: c.N + d.N, SumY: c.SumY + d.SumY, SumY2: c.SumY2 + d.SumY2,
			SumX: c.SumX + d.SumX, SumX2: c.SumX2 + d.SumX2, SumXY: c.SumXY + d.SumXY},
		NoCovariate: Moments{N: a.NoCovariate.N + b.NoCovariate.N, Sum: a.NoCovariate.Sum + b.NoCovariate.Sum,
			SumSquares: a.NoCovariate.SumSquares + b.NoCovariate.SumSquares},
	}
}

// Validate reports, as a *ValidationError under field (field.covariate.sumX2, field.noCovariate.n, …), sums
// that no set of real values has: a negative n, non-finite sums, ΣX² or ΣY² below (Σ)²/n, a correlation beyond
// ±1, sums with n = 0.
func (a CUPEDArm) Validate(field string) error {
	_, err := a.stats(field)
	return err
}

// Total is the metric over all the arm's units, with and without a covariate.
func (a CUPEDArm) Total(field string) (Continuous, error) {
	s, err := a.stats(field)
	return s.all, err
}

// Moments are the aggregate's sufficient statistics: n, ΣY = n·mean and ΣY² = (n − 1)s² + n·mean².
func (c Continuous) Moments() Moments {
	n := float64(c.Count)
	return Moments{N: c.Count, Sum: n * c.Mean, SumSquares: math.Max(0, n-1)*c.Variance + n*c.Mean*c.Mean}
}
