package auth

import (
	"context"
	"strings"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/modelarchitect/architect/internal/apperr"
	"github.com/modelarchitect/architect/internal/viewer"
)

func TestCheckScope(t *testing.T) {
	t.Parallel()
	scoped := viewer.NewContext(context.Background(), &viewer.Viewer{ID: 1, Role: viewer.RoleAdmin, Scope: &viewer.Scope{ExperimentID: 7}})
	person := viewer.NewContext(context.Background(), &viewer.Viewer{ID: 1, Role: viewer.RolePro})
	tests := []struct {
		name               string
		ctx                context.Context
		object, field, typ string
		args               map[string]any
		ok                 bool
	}{
		{"a person: anything", person, "Query", "me", "User", nil, true},
		{"anonymous: left to @hasRole", context.Background(), "Mutation", "startExperiment", "Experiment", nil, true},
		{"assign for its experiment", scoped, "Mutation", "assignVariant", "Assignment", map[string]any{"experimentId": 7}, true},
		{"record for its experiment", scoped, "Mutation", "recordExperimentObservations", "Experiment", map[string]any{"id": 7}, true},
		{"assign for another", scoped, "Mutation", "assignVariant", "Assignment", map[string]any{"experimentId": 8}, false},
		{"record for another", scoped, "Mutation", "recordExperimentObservations", "Experiment", map[string]any{"id": 8}, false},
		{"another mutation", scoped, "Mutation", "startExperiment", "Experiment", map[string]any{"id": 7}, false},
		{"a query", scoped, "Query", "node", "Node", map[string]any{"id": 7}, false},
		{"a subscription", scoped, "Subscription", "myBenchmarkEvents", "Benchmark", nil, false},
		{"a field below", scoped, "Experiment", "results", "ExperimentResults", nil, true},
		{"the owner below", scoped, "Assignment", "owner", "User", nil, false},
		{"the keys below", scoped, "Experiment", "apiKeys", "ExperimentKey", nil, false},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			err := CheckScope(tc.ctx, tc.object, tc.field, tc.typ, tc.args)
			if tc.ok {
				require.NoError(t, err)
				return
			}
			var e *apperr.Error
			require.ErrorAs(t, err, &e)
			require.Equal(t, apperr.Forbidden, e.Code)
		})
	}
	require.False(t, viewer.FromContext(scoped).Admin(), "a key of an admin's is not an admin")
}

func TestAPIKeys(t *testing.T) {
	t.Parallel()
	a, ha := NewAPIKey()
	b, hb := NewAPIKey()
	require.NotEqual(t, a, b)
	require.True(t, IsAPIKey(a))
	require.False(t, IsAPIKey("eyJhbGciOiJIUzI1NiJ9.e30.x"))
	require.Len(t, a, 47)
	require.Equal(t, HashAPIKey(a), ha)
	require.NotEqual(t, ha, hb)
	require.Len(t, ha, 64)
	require.False(t, strings.Contains(ha, a[4:]))
	require.Equal(t, a[:10], APIKeyShown(a))
	// printf mak_test | sha256sum (GNU coreutils)
	require.Equal(t, "399e289f2a96fad02be911679424750ed7ea187a8fccb1bc2f724700e9bae36c", HashAPIKey("mak_test"))
}
