package experiment

import (
	"errors"
	"math"
	"testing"

	"github.com/stretchr/testify/require"
)

func TestBinaryValidate(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name  string
		in    Binary
		field string // "" when valid
	}{
		{"empty", Binary{}, ""},
		{"all converted", Binary{Conversions: 3, Trials: 3}, ""},
		{"negative trials", Binary{Trials: -1}, "b.trials"},
		{"negative conversions", Binary{Conversions: -1, Trials: 2}, "b.conversions"},
		{"more conversions than trials", Binary{Conversions: 5, Trials: 4}, "b.conversions"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			err := tc.in.Validate("b")
			if tc.field == "" {
				require.NoError(t, err)
				return
			}
			var ve *ValidationError
			require.True(t, errors.As(err, &ve), "got %v", err)
			require.Equal(t, tc.field, ve.Field)
		})
	}
}

func TestBinaryAddAndOutcomes(t *testing.T) {
	t.Parallel()
	sum, err := Binary{Conversions: 2, Trials: 10}.Add(BinaryFromOutcomes([]bool{true, false, true}))
	require.NoError(t, err)
	require.Equal(t, Binary{Conversions: 4, Trials: 13}, sum)

	_, err = Binary{Trials: math.MaxInt64}.Add(Binary{Trials: 1})
	require.Error(t, err)
	_, err = Binary{}.Add(Binary{Conversions: 2, Trials: 1})
	require.Error(t, err)
}

func TestContinuousValidate(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name  string
		in    Continuous
		field string
	}{
		{"empty", Continuous{}, ""},
		{"one value", Continuous{Count: 1, Mean: 3}, ""},
		{"many values", Continuous{Count: 5, Mean: -3, Variance: 2}, ""},
		{"negative count", Continuous{Count: -1}, "c.count"},
		{"NaN mean", Continuous{Count: 2, Mean: math.NaN()}, "c.mean"},
		{"infinite mean", Continuous{Count: 2, Mean: math.Inf(1)}, "c.mean"},
		{"NaN variance", Continuous{Count: 2, Variance: math.NaN()}, "c.variance"},
		{"negative variance", Continuous{Count: 2, Variance: -0.1}, "c.variance"},
		{"mean without values", Continuous{Mean: 1}, "c.count"},
		{"variance of one value", Continuous{Count: 1, Mean: 1, Variance: 2}, "c.variance"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			err := tc.in.Validate("c")
			if tc.field == "" {
				require.NoError(t, err)
				return
			}
			var ve *ValidationError
			require.True(t, errors.As(err, &ve), "got %v", err)
			require.Equal(t, tc.field, ve.Field)
		})
	}
}

func TestContinuousFromValues(t *testing.T) {
	t.Parallel()
	// /usr/bin/python3 internal/experiment/testdata/reference.py → C1: np.mean(a), np.var(a, ddof=1)
	c, err := ContinuousFromValues(c1Control)
	require.NoError(t, err)
	require.Equal(t, int64(12), c.Count)
	require.InDelta(t, 824.1416666666668, c.Mean, 1e-9)
	require.InDelta(t, 1524.7681060606074, c.Variance, 1e-9)

	_, err = ContinuousFromValues([]float64{1, math.NaN()})
	require.Error(t, err)
	_, err = ContinuousFromValues([]float64{math.MaxFloat64, -math.MaxFloat64})
	require.Error(t, err, "overflowing values are a validation error, not Inf")
}

func TestContinuousMerge(t *testing.T) {
	t.Parallel()
	// Values near 1e9 whose naive Σx² − n·x̄² loses every digit of the variance.
	// /usr/bin/python3 internal/experiment/testdata/reference.py → M1: np.mean, np.var(ddof=1) of
	// [1e9+4, 1e9+7, 1e9+13, 1e9+16]: mean 1000000010.0, var 30.0.
	left, err := ContinuousFromValues([]float64{1e9 + 4, 1e9 + 7})
	require.NoError(t, err)
	right, err := ContinuousFromValues([]float64{1e9 + 13, 1e9 + 16})
	require.NoError(t, err)
	tests := []struct {
		name string
		a, b Continuous
	}{
		{"halves", left, right},
		{"halves swapped", right, left},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			m, err := tc.a.Merge(tc.b)
			require.NoError(t, err)
			require.Equal(t, int64(4), m.Count)
			require.InDelta(t, 1000000010.0, m.Mean, 1e-6)
			require.InDelta(t, 30.0, m.Variance, 1e-6)
		})
	}
	m, err := Continuous{}.Merge(left)
	require.NoError(t, err)
	require.Equal(t, left, m, "merging into nothing is the identity")
	_, err = left.Merge(Continuous{Count: 1, Mean: 1, Variance: 1})
	require.Error(t, err)
}

// Property: folding values in any batch split gives the aggregate of all values at once.
func TestContinuousMergeSplits(t *testing.T) {
	t.Parallel()
	all, err := ContinuousFromValues(c1Treatment)
	require.NoError(t, err)
	for cut := 0; cut <= len(c1Treatment); cut++ {
		a, err := ContinuousFromValues(c1Treatment[:cut])
		require.NoError(t, err)
		b, err := ContinuousFromValues(c1Treatment[cut:])
		require.NoError(t, err)
		m, err := b.Merge(a)
		require.NoError(t, err)
		require.Equal(t, all.Count, m.Count)
		require.InDelta(t, all.Mean, m.Mean, 1e-9, "cut %d", cut)
		require.InDelta(t, all.Variance, m.Variance, 1e-9, "cut %d", cut)
	}
}
