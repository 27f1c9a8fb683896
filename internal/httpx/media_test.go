package httpx

import (
	"encoding/json"
	"testing"

	"github.com/stretchr/testify/require"
	"github.com/vektah/gqlparser/v2/ast"
	"github.com/vektah/gqlparser/v2/gqlerror"
)

// TestBodyEncodeMatchesMarshal: the hand-written encoder writes what json.Marshal writes for every shape of
// response (data left out when the request never ran, kept when null).
func TestBodyEncodeMatchesMarshal(t *testing.T) {
	errs := gqlerror.List{{Message: `bad "input"`, Path: ast.Path{ast.PathName("me")},
		Extensions: map[string]any{"code": "BAD_USER_INPUT"}}}
	for name, b := range map[string]body{
		"data":               {Data: json.RawMessage(`{"me":{"id":"1","name":"Ada <a&b>"}}`)},
		"null data":          {Data: json.RawMessage(`null`)},
		"errors only":        {Errors: errs},
		"errors, data":       {Errors: errs, Data: json.RawMessage(`{"me":null}`)},
		"data, extensions":   {Data: json.RawMessage(`{}`), Extensions: map[string]any{"cost": 3}},
		"errors, extensions": {Errors: errs, Extensions: map[string]any{"a": []int{1}}},
		"empty":              {},
	} {
		t.Run(name, func(t *testing.T) {
			want, err := json.Marshal(b)
			require.NoError(t, err)
			got, err := b.encode()
			require.NoError(t, err)
			require.JSONEq(t, string(want), string(got))
			require.True(t, json.Valid(got), string(got))
		})
	}
}
