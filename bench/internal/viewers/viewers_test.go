package viewers_test

import (
	"context"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/modelarchitect/architect/bench/internal/viewers"
	"github.com/modelarchitect/architect/ent"
	"github.com/modelarchitect/architect/internal/auth"
	"github.com/modelarchitect/architect/internal/gid"
	"github.com/modelarchitect/architect/internal/seed"
	"github.com/modelarchitect/architect/internal/testutil"
	"github.com/modelarchitect/architect/internal/viewer"
)

func TestLoad(t *testing.T) {
	t.Parallel()
	db := testutil.NewDB(t, testutil.SQLite)
	ctx := context.Background()
	require.NoError(t, seed.Seed(ctx, db.Client, seed.Options{Users: 3, PerUser: 2, Argon2: testutil.FastArgon2}))
	admin := db.Client.User.Create().SetEmail("root@example.com").SetPasswordHash("x").SetRole(viewer.RoleAdmin).
		SaveX(testutil.System())

	secret := []byte(testutil.TestSecret)
	vs, err := viewers.Load(ctx, db.Client, viewers.Options{N: 3, Secret: secret})
	require.NoError(t, err)
	require.Len(t, vs, 3)
	// The server's own verifier, with its default issuer, audience and token lifetime (internal/config).
	tokens := &auth.Tokens{Secret: secret, Issuer: "model-architect", Audience: "model-architect-api", TTL: 7 * 24 * time.Hour}
	for _, v := range vs {
		require.NotEqual(t, admin.ID, v.RowID, "admins see every row: never a benchmark viewer")
		c, err := tokens.Verify(v.Token)
		require.NoError(t, err)
		require.Equal(t, v.RowID, c.UserID)
		require.Equal(t, 0, c.Version)
		require.Len(t, v.Nodes, 6, "2 scenarios, 2 benchmarks, 2 deployments")
		require.Len(t, v.Benchmarks, 2)
		for _, n := range v.Nodes {
			id, err := gid.Decode(n)
			require.NoError(t, err)
			n, err := db.Client.Noder(testutil.System(), id)
			require.NoError(t, err)
			require.Equal(t, v.RowID, ownerOf(t, n), "node %s belongs to its viewer", n)
		}
	}

	_, err = viewers.Load(ctx, db.Client, viewers.Options{N: 4, Secret: secret})
	require.ErrorIs(t, err, viewers.ErrTooFew)
	_, err = viewers.Load(ctx, db.Client, viewers.Options{N: 1})
	require.Error(t, err, "a secret is required")
}

func ownerOf(t *testing.T, n ent.Noder) int {
	switch r := n.(type) {
	case *ent.Scenario:
		return r.OwnerID
	case *ent.Benchmark:
		return r.OwnerID
	case *ent.Deployment:
		return r.OwnerID
	}
	t.Fatalf("unexpected node %T", n)
	return 0
}
