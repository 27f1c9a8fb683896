package queueing

import (
	"errors"
	"math"
	"testing"

	"github.com/stretchr/testify/require"
)

// TestErlangCAgainstOctave compares ErlangC with an independent oracle, Octave's erlangc from Debian's
// octave-queueing package. Reproduce with:
//
//	apt-get install -y octave octave-queueing
//	octave --no-gui -q --eval 'pkg load queueing; printf("%.15g\n", erlangc(A, m))'
//
// (erlangc takes the offered load A in erlangs first, then the number of servers m.)
func TestErlangCAgainstOctave(t *testing.T) {
	t.Parallel()
	cases := []struct {
		name    string
		servers int
		offered float64
		want    float64
	}{
		{"M/M/1 is rho", 1, 0.5, 0.5},                       // erlangc(0.5, 1) = 0.5
		{"3 servers, 2 erlangs", 3, 2, 0.444444444444444},   // erlangc(2, 3); also 4/9 by hand
		{"2 servers, 1 erlang", 2, 1, 0.333333333333333},    // erlangc(1, 2); also 1/3 by hand
		{"10 servers, 8 erlangs", 10, 8, 0.409180150796444}, // erlangc(8, 10)
		{"55 servers, 50 erlangs", 55, 50, 0.384547317932928},
		{"250 servers, 240 erlangs", 250, 240, 0.41213937708983},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			got, err := ErlangC(tc.servers, tc.offered)
			require.NoError(t, err)
			require.InDelta(t, tc.want, got, 1e-12)
		})
	}
}

func TestErlangCRefusesBadInput(t *testing.T) {
	t.Parallel()
	_, err := ErlangC(0, 1)
	var ve *InvalidError
	require.ErrorAs(t, err, &ve)
	_, err = ErlangC(2, -1)
	require.ErrorAs(t, err, &ve)
	_, err = ErlangC(2, math.NaN())
	require.ErrorAs(t, err, &ve)
	_, err = ErlangC(2, 2)
	require.True(t, errors.Is(err, ErrUnstable))
	c, err := ErlangC(4, 0)
	require.NoError(t, err)
	require.Zero(t, c)
}

func TestWaitQuantile(t *testing.T) {
	t.Parallel()
	// M/M/1, λ = 0.5, μ = 1: C = 0.5, t_0.95 = ln(0.5/0.05)/(1 − 0.5) = 2·ln 10 = 4.605170185988091.
	got, err := WaitQuantile(1, 0.5, 1, 0.95)
	require.NoError(t, err)
	require.InDelta(t, 2*math.Log(10), got, 1e-12)
	// The median wait is 0 when fewer than half of the arrivals wait (C = 0.5 ≤ 1 − 0.5).
	got, err = WaitQuantile(1, 0.5, 1, 0.5)
	require.NoError(t, err)
	require.Zero(t, got)
	_, err = WaitQuantile(1, 0.5, 1, 1)
	var ve *InvalidError
	require.ErrorAs(t, err, &ve)
}
