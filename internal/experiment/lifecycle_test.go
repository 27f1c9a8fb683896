package experiment

import (
	"errors"
	"testing"

	"github.com/stretchr/testify/require"
)

func TestApply(t *testing.T) {
	t.Parallel()
	legal := []struct {
		from   Status
		action Action
		to     Status
	}{
		{StatusDraft, ActionStart, StatusRunning},
		{StatusRunning, ActionStop, StatusStopped},
		{StatusRunning, ActionComplete, StatusCompleted},
		{StatusRunning, ActionRecord, StatusRunning},
	}
	isLegal := func(s Status, a Action) (Status, bool) {
		for _, l := range legal {
			if l.from == s && l.action == a {
				return l.to, true
			}
		}
		return "", false
	}
	states := []Status{StatusDraft, StatusRunning, StatusCompleted, StatusStopped, "PAUSED", ""}
	actions := []Action{ActionStart, ActionStop, ActionComplete, ActionRecord, "RESUME"}
	for _, s := range states {
		for _, a := range actions {
			t.Run(string(s)+"/"+string(a), func(t *testing.T) {
				t.Parallel()
				got, err := Apply(s, a)
				if want, ok := isLegal(s, a); ok {
					require.NoError(t, err)
					require.Equal(t, want, got)
					return
				}
				require.ErrorIs(t, err, ErrIllegalTransition)
				var se *StateError
				require.True(t, errors.As(err, &se))
				require.Equal(t, s, se.Current)
				require.Equal(t, s, got, "a refused action leaves the state unchanged")
				require.Contains(t, err.Error(), string(s)+" ", "the message names the current state")
			})
		}
	}
}

func TestLifecycleHelpers(t *testing.T) {
	t.Parallel()
	s, err := Start(StatusDraft)
	require.NoError(t, err)
	require.NoError(t, CanRecord(s))
	done, err := Complete(s)
	require.NoError(t, err)
	require.True(t, done.Terminal())

	_, err = Stop(StatusDraft)
	require.EqualError(t, err, "cannot stop an experiment that is DRAFT (only when RUNNING)")
	require.ErrorIs(t, CanRecord(StatusCompleted), ErrIllegalTransition)
	_, err = Start(StatusStopped)
	require.EqualError(t, err, "cannot start an experiment that is STOPPED (only when DRAFT)")
	require.False(t, Status("PAUSED").Valid())
	require.True(t, StatusRunning.Valid())
}
