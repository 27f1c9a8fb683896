package benchmark

import (
	"errors"
	"testing"
	"time"

	"github.com/stretchr/testify/require"
)

func TestCheckSize(t *testing.T) {
	t.Parallel()
	p := DefaultPolicy()
	tests := []struct {
		name          string
		role          Role
		models, items int
		want          string
	}{
		{name: "free at its limits", role: RoleFree, models: 2, items: 100},
		{name: "free three models", role: RoleFree, models: 3, items: 10, want: "the FREE role allows at most 2 models in one benchmark; this one has 3"},
		{name: "free 101 items", role: RoleFree, models: 1, items: 101, want: "the FREE role allows at most 100 items in one benchmark; this one has 101"},
		{name: "pro at its limits", role: RolePro, models: 10, items: 5000},
		{name: "pro 5001 items", role: RolePro, models: 1, items: 5001, want: "the PRO role allows at most 5,000 items in one benchmark; this one has 5,001"},
		{name: "pro 11 models", role: RolePro, models: 11, items: 1, want: "the PRO role allows at most 10 models in one benchmark; this one has 11"},
		{name: "enterprise at its limits", role: RoleEnterprise, models: 25, items: 50000},
		{name: "enterprise 26 models", role: RoleEnterprise, models: 26, items: 1, want: "the ENTERPRISE role allows at most 25 models in one benchmark; this one has 26"},
		{name: "admin 50001 items", role: RoleAdmin, models: 1, items: 50001, want: "the ADMIN role allows at most 50,000 items in one benchmark; this one has 50,001"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			err := p.CheckSize(tc.role, tc.models, tc.items)
			if tc.want == "" {
				require.NoError(t, err)
				return
			}
			require.EqualError(t, err, tc.want)
			_, ok := errors.AsType[*LimitError](err)
			require.True(t, ok)
		})
	}
	_, ok := errors.AsType[*ValidationError](p.CheckSize("GUEST", 1, 1))
	require.True(t, ok)
}

func TestCheckQuota(t *testing.T) {
	t.Parallel()
	p := DefaultPolicy()
	now := time.Date(2026, 3, 31, 22, 15, 0, 0, time.FixedZone("CEST", 2*3600)) // 20:15 UTC
	reset := time.Date(2026, 4, 1, 0, 0, 0, 0, time.UTC)
	tests := []struct {
		name            string
		role            Role
		used, requested int
		wantErr         bool
	}{
		{name: "free exactly at quota", role: RoleFree, used: 800, requested: 200},
		{name: "free one over", role: RoleFree, used: 801, requested: 200, wantErr: true},
		{name: "free already over, asks nothing", role: RoleFree, used: 5000, requested: 0},
		{name: "free already over, asks one", role: RoleFree, used: 5000, requested: 1, wantErr: true},
		{name: "pro", role: RolePro, used: 50_000, requested: 50_000},
		{name: "enterprise full-size benchmark fits", role: RoleEnterprise, used: 0, requested: 25 * 50_000},
		{name: "enterprise two do not", role: RoleEnterprise, used: 1_250_000, requested: 1_250_000, wantErr: true},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			err := p.CheckQuota(tc.role, tc.used, tc.requested, now)
			if !tc.wantErr {
				require.NoError(t, err)
				return
			}
			qe, ok := errors.AsType[*QuotaError](err)
			require.True(t, ok)
			require.Equal(t, QuotaError{Role: tc.role, Limit: p[tc.role].DailyCalls, Used: tc.used, Requested: tc.requested, ResetAt: reset}, *qe)
		})
	}
	err := p.CheckQuota(RoleFree, 900, 200, now)
	require.EqualError(t, err, "daily quota of 1,000 model calls for FREE exceeded (benchmarks and load tests together): 900 used today, this benchmark needs 200; the quota resets at 2026-04-01T00:00:00Z")
	_, ok := errors.AsType[*ValidationError](p.CheckQuota(RoleFree, -1, 1, now))
	require.True(t, ok)
}

func TestQuotaReset(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name string
		now  time.Time
		want time.Time
	}{
		{name: "midday", now: time.Date(2026, 1, 5, 12, 0, 0, 0, time.UTC), want: time.Date(2026, 1, 6, 0, 0, 0, 0, time.UTC)},
		{name: "exactly midnight starts a new day", now: time.Date(2026, 1, 5, 0, 0, 0, 0, time.UTC), want: time.Date(2026, 1, 6, 0, 0, 0, 0, time.UTC)},
		{name: "end of year", now: time.Date(2026, 12, 31, 23, 59, 59, 0, time.UTC), want: time.Date(2027, 1, 1, 0, 0, 0, 0, time.UTC)},
		{name: "leap day", now: time.Date(2028, 2, 28, 9, 0, 0, 0, time.UTC), want: time.Date(2028, 2, 29, 0, 0, 0, 0, time.UTC)},
		{name: "local time ahead of UTC", now: time.Date(2026, 1, 6, 0, 30, 0, 0, time.FixedZone("CET", 3600)), want: time.Date(2026, 1, 6, 0, 0, 0, 0, time.UTC)},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			require.Equal(t, tc.want, QuotaReset(tc.now))
		})
	}
}

func TestThousands(t *testing.T) {
	t.Parallel()
	for in, want := range map[int]string{0: "0", 999: "999", 1000: "1,000", 50000: "50,000", 1250000: "1,250,000", -1234: "-1,234"} {
		require.Equal(t, want, thousands(in))
	}
}
