package gid_test

import (
	"encoding/json"
	"testing"

	"github.com/shopspring/decimal"
	"github.com/stretchr/testify/require"

	"github.com/modelarchitect/architect/ent"
	"github.com/modelarchitect/architect/internal/gid"
)

func TestIDsNameTheirType(t *testing.T) {
	t.Parallel()
	seen := map[string]bool{}
	for typ, start := range ent.NodeTypeStarts {
		id := start + 7
		s := gid.Encode(id)
		require.False(t, seen[s], "no two rows share an id")
		seen[s] = true
		got, err := gid.Decode(s)
		require.NoError(t, err)
		require.Equal(t, id, got)
		tt, ok := gid.TypeOf(id)
		require.True(t, ok)
		require.Equal(t, typ, tt)
	}
	for _, bad := range []string{"", "!!", "U2NlbmFyaW86", "Tm9wZTox", "VXNlcjox"} { // "", junk, "Scenario:", "Nope:1", "User:1" (a Benchmark's range)
		_, err := gid.Decode(bad)
		require.ErrorIs(t, err, gid.ErrInvalid, bad)
	}
}

func TestDecimal(t *testing.T) {
	t.Parallel()
	d, err := gid.UnmarshalDecimal("0.0000001234567890")
	require.NoError(t, err)
	require.Equal(t, "0.000000123456789", d.String(), "12+ decimal places survive")
	d, err = gid.UnmarshalDecimal("123456789012345678901234567890.5")
	require.NoError(t, err)
	require.True(t, d.Equal(decimal.RequireFromString("123456789012345678901234567890.5")), "no small cap on the integer part")
	d, err = gid.UnmarshalDecimal(json.Number("123456789012345678901234567890"))
	require.NoError(t, err, "an integer is exact as a JSON number")
	require.True(t, d.Equal(decimal.RequireFromString("123456789012345678901234567890")))
	for _, n := range []string{"12.5", "1e3", "1E-2"} {
		_, err = gid.UnmarshalDecimal(json.Number(n))
		require.ErrorIs(t, err, gid.ErrDecimal, "a JSON number with a fraction or exponent (%s) was a float in the client", n)
	}
	_, err = gid.UnmarshalDecimal(1.5)
	require.ErrorIs(t, err, gid.ErrDecimal, "floats have lost digits already")
	_, err = gid.UnmarshalDecimal("1,5")
	require.ErrorIs(t, err, gid.ErrDecimal)
}
