package benchmark

import (
	"testing"

	"github.com/stretchr/testify/require"
)

func TestContentHash(t *testing.T) {
	t.Parallel()
	a := []Item{{Input: "2+2?", Expected: "4", Assertion: AssertExact}}
	b := []Item{{Input: "2+2?", Expected: "4", Assertion: AssertExact, Tags: []string{"math"}}}
	require.Equal(t, ContentHash(a), ContentHash([]Item{{Input: "2+2?", Expected: "4", Assertion: AssertExact}}))
	require.NotEqual(t, ContentHash(a), ContentHash(b))
	require.Len(t, ContentHash(a), len(HashPrefix)+64)
}
