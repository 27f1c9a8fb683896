package experiment

import (
	"errors"
	"math"
	"testing"

	"github.com/stretchr/testify/require"
)

func TestCUPEDArmFromUnits(t *testing.T) {
	t.Parallel()
	x := func(v float64) *float64 { return &v }
	a, err := CUPEDArmFromUnits([]Unit{{Y: 2, X: x(1)}, {Y: 4, X: x(3)}, {Y: 5}})
	require.NoError(t, err)
	// By hand: ΣY = 6, ΣY² = 20, ΣX = 4, ΣX² = 10, ΣXY = 2 + 12 = 14; the unit without X on its own.
	require.Equal(t, CUPEDArm{Covariate: CovariateMoments{N: 2, SumY: 6, SumY2: 20, SumX: 4, SumX2: 10, SumXY: 14},
		NoCovariate: Moments{N: 1, Sum: 5, SumSquares: 25}}, a)
	total, err := a.Total("units")
	require.NoError(t, err)
	// Y = 2, 4, 5: mean 11/3, s² = ((2 − 11/3)² + (4 − 11/3)² + (5 − 11/3)²)/2 = (25 + 1 + 16)/18 = 7/3.
	require.EqualValues(t, 3, total.Count)
	require.InDelta(t, 11.0/3, total.Mean, 1e-12)
	require.InDelta(t, 7.0/3, total.Variance, 1e-12)
	require.Equal(t, a.Add(a).Covariate.SumXY, 28.0)

	for _, tc := range []struct {
		name  string
		units []Unit
		field string
	}{
		{"NaN metric", []Unit{{Y: math.NaN()}}, "units[0].y"},
		{"infinite covariate", []Unit{{Y: 1, X: x(1)}, {Y: 1, X: x(math.Inf(1))}}, "units[1].x"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			_, err := CUPEDArmFromUnits(tc.units)
			var v *ValidationError
			require.True(t, errors.As(err, &v))
			require.Equal(t, tc.field, v.Field)
		})
	}
}

func TestContinuousMoments(t *testing.T) {
	t.Parallel()
	// count 2, mean 11.25, s² 1.125 are the values 12 and 10.5: Σ = 22.5, Σ² = 144 + 110.25 = 254.25.
	m := Continuous{Count: 2, Mean: 11.25, Variance: 1.125}.Moments()
	require.Equal(t, Moments{N: 2, Sum: 22.5, SumSquares: 254.25}, m)
	require.Equal(t, Moments{}, Continuous{}.Moments())
}

func TestCUPEDArmValidate(t *testing.T) {
	t.Parallel()
	err := CUPEDArm{NoCovariate: Moments{N: 2, Sum: math.NaN()}}.Validate("cuped")
	var v *ValidationError
	require.True(t, errors.As(err, &v))
	require.Equal(t, "cuped.noCovariate", v.Field)
}
