package stats

import (
	"testing"

	"github.com/stretchr/testify/require"
)

// Reference values: scipy 1.10.1 (Debian's /usr/bin/python3):
//
//	stats.t.ppf(0.975, 10) = 2.2281388519649385    stats.norm.ppf(0.975) = 1.959963984540054
//	2*stats.t.sf(2.5, 7) = 0.040992218585752874     2*stats.norm.sf(1.7) = 0.08913092551708608
//	stats.t.ppf(0.995, 3) = 5.84090929975643        stats.t.ppf(0.975, 1e7) = 1.959964221767205
func TestDistributionsAgainstScipy(t *testing.T) {
	t.Parallel()
	require.InDelta(t, 2.2281388519649385, TCritical(0.05, 10), 1e-9) // gonum's t quantile agrees to ~2e-11
	require.InDelta(t, 1.959963984540054, ZCritical(0.05), 1e-12)
	require.InDelta(t, 0.040992218585752874, TPValue(2.5, 7), 1e-10)
	require.InDelta(t, 0.040992218585752874, TPValue(-2.5, 7), 1e-10)
	require.InDelta(t, 0.08913092551708608, ZPValue(1.7), 1e-12)
	require.InDelta(t, 5.84090929975643, TCritical(0.01, 3), 2e-8) // gonum: 1e-8 in the far tail at 3 df
	// past LargeDF the normal stands in, within 2.4e-7 of Student's
	require.InDelta(t, 1.959964221767205, TCritical(0.05, 2e7), 3e-7)
	require.Equal(t, 1.0, ZPValue(0))
}
