package compliance

import (
	"testing"

	"github.com/stretchr/testify/require"
)

func outcome(o RuleOutcome) *RuleOutcome { return &o }

func TestChangesSince(t *testing.T) {
	t.Parallel()
	rs, err := Parse([]byte(minimalRules))
	require.NoError(t, err)

	none, known := rs.ChangesSince("test-2")
	require.True(t, known)
	require.Empty(t, none, "same version")
	none, known = rs.ChangesSince("")
	require.True(t, known)
	require.Empty(t, none, "first assessment")

	changes, known := rs.ChangesSince("test-1")
	require.True(t, known)
	require.Equal(t, []RuleChange{
		{RuleID: "C-1", Change: ChangeAdded, Version: "test-2", Note: "hiring is high-risk"},
		{RuleID: "R-0", Change: ChangeRemoved, Version: "test-2", Note: "gone"},
	}, changes)

	// a version the log does not know gives the whole log: R-0 was added and removed again, so it is not listed
	changes, known = rs.ChangesSince("someone-elses-1")
	require.False(t, known)
	require.Equal(t, []string{"C-1", "R-1"}, changeIDs(changes))

	// before and after: R-1 failed before and still does; C-1 is new and sets the tier; R-0 is gone
	res, err := rs.Assess(Assessment{UseCase: "EMPLOYMENT", Requirements: []Requirement{HIPAA}, DataCategories: []DataCategory{PHI}})
	require.NoError(t, err)
	diff, known := rs.Diff("test-1", map[string]RuleOutcome{"R-1": OutcomeFinding, "R-0": OutcomePassed}, res)
	require.True(t, known)
	require.Equal(t, []RuleChange{
		{RuleID: "C-1", Change: ChangeAdded, Version: "test-2", Note: "hiring is high-risk", Before: outcome(OutcomeAbsent), After: outcome(OutcomeTierReason)},
		{RuleID: "R-0", Change: ChangeRemoved, Version: "test-2", Note: "gone", Before: outcome(OutcomePassed), After: outcome(OutcomeAbsent)},
	}, diff)
	diff, _ = rs.Diff("test-1", nil, res)
	require.Nil(t, diff[0].Before, "before unknown")

	// a mistyped version is reported, not passed off as the whole log's changes
	diff, known = rs.Diff("test-l", nil, res)
	require.False(t, known)
	require.Equal(t, []string{"C-1", "R-1"}, changeIDs(diff))
}

// A rule set supersedes the versions its change log lists before its own, and no other: not itself, not a
// version it does not know (a later rule set's, written by an upgraded replica).
func TestSupersedes(t *testing.T) {
	t.Parallel()
	rs, err := Parse([]byte(minimalRules))
	require.NoError(t, err)
	require.Equal(t, []string{"test-1", "test-2"}, rs.Versions())
	for _, tc := range []struct {
		name, version string
		want          bool
	}{
		{"an earlier version", "test-1", true},
		{"its own", "test-2", false},
		{"one it does not know", "test-3", false},
		{"none", "", false},
	} {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			require.Equal(t, tc.want, rs.Supersedes(tc.version))
		})
	}
}

func TestChangesOfTheEmbeddedSet(t *testing.T) {
	t.Parallel()
	rs, err := Default()
	require.NoError(t, err)
	first := rs.Changes[0].Version
	changes, known := rs.ChangesSince(first)
	require.True(t, known)
	kinds := map[string]ChangeKind{}
	for _, c := range changes {
		kinds[c.RuleID] = c.Change
		require.NotEmpty(t, c.Note, c.RuleID)
	}
	require.Equal(t, ChangeRemoved, kinds["AIACT-TRANSPARENCY"])
	require.Equal(t, ChangeAdded, kinds["AIACT-ANNEX-III-1C"])
	require.Equal(t, ChangeAdded, kinds["GDPR-SPECIAL-CATEGORY-CONDITION"])
	require.Equal(t, ChangeChanged, kinds["GDPR-DPIA"])
	require.NotContains(t, kinds, "HIPAA-BAA-SIGNED", "unchanged rules are not listed")

	// every rule carries its version and a citation
	for _, r := range rs.Rules {
		require.Contains(t, rs.version, r.Version, r.ID)
		require.NotEmpty(t, r.Source, r.ID)
	}
}

func changeIDs(cs []RuleChange) []string {
	out := make([]string, len(cs))
	for i, c := range cs {
		out[i] = c.RuleID
	}
	return out
}
