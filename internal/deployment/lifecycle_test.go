package deployment

import (
	"testing"
	"time"

	"github.com/stretchr/testify/require"
)

var statuses = []Status{StatusProvisioning, StatusActive, StatusFailed, StatusTerminated}

func TestCheckTransition(t *testing.T) {
	t.Parallel()
	// the transition table of docs/engines/deployment.md ("Lifecycle"), written out independently of lifecycle.go
	legal := map[[2]Status]bool{
		{StatusProvisioning, StatusActive}:     true,
		{StatusProvisioning, StatusFailed}:     true,
		{StatusProvisioning, StatusTerminated}: true,
		{StatusActive, StatusFailed}:           true,
		{StatusActive, StatusTerminated}:       true,
		{StatusFailed, StatusProvisioning}:     true,
		{StatusFailed, StatusTerminated}:       true,
	}
	for _, from := range statuses {
		for _, to := range statuses {
			t.Run(string(from)+" to "+string(to), func(t *testing.T) {
				t.Parallel()
				err := CheckTransition(from, to)
				if legal[[2]Status{from, to}] {
					require.NoError(t, err)
					return
				}
				var te *TransitionError
				require.ErrorAs(t, err, &te)
				require.Equal(t, from, te.Current)
				require.Contains(t, err.Error(), string(from))
			})
		}
	}
	require.Len(t, Transitions(), len(legal))
}

func TestApply(t *testing.T) {
	t.Parallel()
	tests := []struct {
		from    Status
		action  Action
		to      Status
		message string // of the error, when refused
	}{
		{StatusProvisioning, ActionTerminate, StatusTerminated, ""},
		{StatusActive, ActionTerminate, StatusTerminated, ""},
		{StatusFailed, ActionTerminate, StatusTerminated, ""},
		{StatusTerminated, ActionTerminate, "", "deployment is TERMINATED, a final state; it cannot change any more"},
		{StatusFailed, ActionRedeploy, StatusProvisioning, ""},
		{StatusActive, ActionRedeploy, "", "deployment is ACTIVE; only a FAILED deployment can be redeployed"},
		{StatusProvisioning, ActionRedeploy, "", "deployment is PROVISIONING; only a FAILED deployment can be redeployed"},
		{StatusTerminated, ActionRedeploy, "", "deployment is TERMINATED, a final state; it cannot change any more"},
	}
	for _, tc := range tests {
		t.Run(string(tc.action)+" from "+string(tc.from), func(t *testing.T) {
			t.Parallel()
			got, err := Apply(tc.from, tc.action)
			if tc.message != "" {
				var te *TransitionError
				require.ErrorAs(t, err, &te)
				require.Equal(t, tc.message, err.Error())
				require.Equal(t, tc.from, got)
				return
			}
			require.NoError(t, err)
			require.Equal(t, tc.to, got)
		})
	}
	_, err := Apply(StatusActive, "RESTART")
	var ve *ValidationError
	require.ErrorAs(t, err, &ve)
}

func TestNext(t *testing.T) {
	t.Parallel()
	tests := []struct {
		from    Status
		outcome Outcome
		to      Status
		refused bool
	}{
		{StatusProvisioning, OutcomePending, StatusProvisioning, false},
		{StatusProvisioning, OutcomeReady, StatusActive, false},
		{StatusProvisioning, OutcomeFailed, StatusFailed, false},
		{StatusActive, OutcomeReady, StatusActive, false},
		{StatusActive, OutcomeFailed, StatusFailed, false},
		{StatusActive, OutcomePending, StatusActive, true},
		{StatusFailed, OutcomeReady, StatusFailed, true}, // only a redeploy revives a FAILED deployment
		{StatusFailed, OutcomeFailed, StatusFailed, true},
		{StatusTerminated, OutcomeReady, StatusTerminated, true}, // a late result after terminate is dropped
		{StatusTerminated, OutcomeFailed, StatusTerminated, true},
	}
	for _, tc := range tests {
		t.Run(string(tc.outcome)+" while "+string(tc.from), func(t *testing.T) {
			t.Parallel()
			got, err := Next(tc.from, Result{Outcome: tc.outcome, Reason: "r"})
			require.Equal(t, tc.to, got)
			if tc.refused {
				var te *TransitionError
				require.ErrorAs(t, err, &te)
				return
			}
			require.NoError(t, err)
		})
	}
}

func TestWithDeadline(t *testing.T) {
	t.Parallel()
	start := time.Date(2026, 1, 1, 12, 0, 0, 0, time.UTC)
	pending := Result{Outcome: OutcomePending, Reason: "GET http://x/models: connection refused"}
	tests := []struct {
		name    string
		r       Result
		elapsed time.Duration
		want    Result
	}{
		{"before the deadline", pending, 4 * time.Minute, pending},
		{"at the deadline", pending, 5 * time.Minute,
			Result{Outcome: OutcomeFailed, Reason: "not ready within 5m0s: GET http://x/models: connection refused"}},
		{"ready is kept", Result{Outcome: OutcomeReady}, time.Hour, Result{Outcome: OutcomeReady}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			require.Equal(t, tc.want, WithDeadline(tc.r, start, start.Add(tc.elapsed), 5*time.Minute))
		})
	}
}
