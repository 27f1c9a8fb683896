package benchmark

import (
	"fmt"
	"time"
)

// Role is the account role limits are keyed by; the names match the API's Role enum.
type Role string

// Roles, lowest first.
const (
	RoleFree       Role = "FREE"
	RolePro        Role = "PRO"
	RoleEnterprise Role = "ENTERPRISE"
	RoleAdmin      Role = "ADMIN"
)

// Limits bound one role's benchmarks.
type Limits struct {
	MaxModels  int // models in one benchmark
	MaxItems   int // dataset items in one benchmark
	DailyCalls int // model calls per user per UTC day, across benchmarks and load tests (internal/ledger)
	MaxRepeats int // runs of each item per model in one benchmark
}

// Policy holds the limits of each role.
type Policy map[Role]Limits

// DefaultPolicy is the product's limits per role: FREE 2 models and 100 items, PRO 10 and 5,000, ENTERPRISE
// and ADMIN 25 and 50,000 (docs/engines/benchmark.md). The daily call quotas are our choice: FREE 1,000 (five full-size benchmarks), PRO 100,000
// (two full-size), ENTERPRISE and ADMIN 2,000,000 (one full-size benchmark of 25 × 50,000 = 1,250,000 calls fits).
// The repeat caps are ours too: FREE 3 (a full-size run of 2 × 100 × 3 = 600 calls fits the day), PRO 10 and
// ENTERPRISE and ADMIN 20; past about ten runs an item's mean barely moves the run's standard error, which is
// dominated by the spread between items (Miller 2024, "Adding Error Bars to Evals", §3).
func DefaultPolicy() Policy {
	return Policy{
		RoleFree:       {MaxModels: 2, MaxItems: 100, DailyCalls: 1_000, MaxRepeats: 3},
		RolePro:        {MaxModels: 10, MaxItems: 5_000, DailyCalls: 100_000, MaxRepeats: 10},
		RoleEnterprise: {MaxModels: 25, MaxItems: 50_000, DailyCalls: 2_000_000, MaxRepeats: 20},
		RoleAdmin:      {MaxModels: 25, MaxItems: 50_000, DailyCalls: 2_000_000, MaxRepeats: 20},
	}
}

// Limits returns the limits of role.
func (p Policy) Limits(role Role) (Limits, error) {
	l, ok := p[role]
	if !ok {
		return Limits{}, &ValidationError{Field: "role", Reason: fmt.Sprintf("%q has no benchmark limits", role)}
	}
	return l, nil
}

// CheckSize returns a *LimitError when a benchmark of models × items is larger than role allows.
func (p Policy) CheckSize(role Role, models, items int) error {
	l, err := p.Limits(role)
	if err != nil {
		return err
	}
	if models > l.MaxModels {
		return &LimitError{Role: role, Limit: "models", Max: l.MaxModels, Got: models}
	}
	if items > l.MaxItems {
		return &LimitError{Role: role, Limit: "items", Max: l.MaxItems, Got: items}
	}
	return nil
}

// CheckRepeats returns a *LimitError when repeats runs of each item are more than role allows, and a
// *ValidationError when repeats is below 1. A policy without a repeat cap allows one run.
func (p Policy) CheckRepeats(role Role, repeats int) error {
	l, err := p.Limits(role)
	if err != nil {
		return err
	}
	if repeats < 1 {
		return &ValidationError{Field: "repeats", Reason: fmt.Sprintf("must be 1 or more, got %d", repeats)}
	}
	if repeats > max(l.MaxRepeats, 1) {
		return &LimitError{Role: role, Limit: "repeats", Max: max(l.MaxRepeats, 1), Got: repeats}
	}
	return nil
}

// CheckQuota returns a *QuotaError when used + requested model calls exceed role's daily quota. used is what
// the user has made or reserved since 00:00 UTC today; now decides the reset time.
func (p Policy) CheckQuota(role Role, used, requested int, now time.Time) error {
	l, err := p.Limits(role)
	if err != nil {
		return err
	}
	if used < 0 || requested < 0 {
		return &ValidationError{Field: "calls", Reason: "used and requested calls must be 0 or more"}
	}
	if requested > l.DailyCalls-min(used, l.DailyCalls) {
		return &QuotaError{Role: role, Limit: l.DailyCalls, Used: used, Requested: requested, ResetAt: QuotaReset(now)}
	}
	return nil
}

// QuotaReset is when the daily quota counting now starts again: the next 00:00 UTC.
func QuotaReset(now time.Time) time.Time {
	y, m, d := now.UTC().Date()
	return time.Date(y, m, d+1, 0, 0, 0, 0, time.UTC)
}
