package compiled

import (
	"testing"

	"github.com/stretchr/testify/require"
)

// TestBind: a statement keeps only the arguments its text uses, renumbered in order ($1 and $10 told apart);
// PostgreSQL cannot type a parameter no expression uses (42P18).
func TestBind(t *testing.T) {
	args := []any{"a1", "a2", "a3", "a4", "a5", "a6", "a7", "a8", "a9", "a10"}
	st := bind("SELECT $10, $1 || $3, $10, $12", args)
	require.Equal(t, "SELECT $3, $1 || $2, $3, $12", st.sql, "$12 is no argument of ours and stays as it is")
	require.Equal(t, []any{"a1", "a3", "a10"}, st.args)

	all := bind("SELECT $2, $1", []any{1, 2})
	require.Equal(t, "SELECT $2, $1", all.sql)
	require.Equal(t, []any{1, 2}, all.args)
}
