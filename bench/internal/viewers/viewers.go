// Package viewers prepares the identities a benchmark sends requests as: seeded users read from the
// database, a bearer token minted offline for each (with the server's secret and the claims it issues,
// so no log-in traffic is measured), and the GraphQL ids of each user's own rows for node lookups. It reads
// the database once, before any measurement, and never writes.
package viewers

import (
	"context"
	"errors"
	"fmt"
	"time"

	"entgo.io/ent/privacy"

	"github.com/modelarchitect/architect/ent"
	"github.com/modelarchitect/architect/ent/benchmark"
	"github.com/modelarchitect/architect/ent/deployment"
	"github.com/modelarchitect/architect/ent/scenario"
	"github.com/modelarchitect/architect/ent/user"
	"github.com/modelarchitect/architect/internal/auth"
	"github.com/modelarchitect/architect/internal/gid"
	"github.com/modelarchitect/architect/internal/viewer"
)

// Viewer is one user a benchmark acts as.
type Viewer struct {
	RowID int    // users.id
	ID    string // the user's GraphQL id
	Token string // "Bearer " is not included
	// Nodes are GraphQL ids of the user's Scenarios, Benchmarks and Deployments.
	Nodes []string
	// Benchmarks are GraphQL ids of the user's Benchmarks.
	Benchmarks []string
}

// Options say which viewers to load and how to sign their tokens. Issuer and Audience default to the
// server's defaults (JWT_ISSUER, JWT_AUDIENCE); TTL to a day.
type Options struct {
	N        int
	Secret   []byte
	Issuer   string
	Audience string
	TTL      time.Duration
}

// ErrTooFew is returned when the database holds fewer non-admin users than asked for.
var ErrTooFew = errors.New("not enough seeded users")

// Load returns the first o.N non-admin users by id, each with a fresh token and their rows' ids.
func Load(ctx context.Context, client *ent.Client, o Options) ([]Viewer, error) {
	if len(o.Secret) == 0 {
		return nil, errors.New("viewers: the JWT secret is empty: pass the server's JWT_SECRET")
	}
	if o.Issuer == "" {
		o.Issuer = "model-architect"
	}
	if o.Audience == "" {
		o.Audience = "model-architect-api"
	}
	if o.TTL == 0 {
		o.TTL = 24 * time.Hour
	}
	ctx = privacy.DecisionContext(ctx, privacy.Allow)
	users, err := client.User.Query().Where(user.RoleNEQ(viewer.RoleAdmin)).Order(ent.Asc(user.FieldID)).
		Limit(o.N).Select(user.FieldID, user.FieldTokenVersion).All(ctx)
	if err != nil {
		return nil, fmt.Errorf("viewers: %w", err)
	}
	if len(users) < o.N {
		return nil, fmt.Errorf("%w: asked for %d, the database has %d (run architect seed first)", ErrTooFew, o.N, len(users))
	}
	tokens := &auth.Tokens{Secret: o.Secret, Issuer: o.Issuer, Audience: o.Audience, TTL: o.TTL}
	out := make([]Viewer, len(users))
	index := make(map[int]int, len(users))
	ids := make([]int, len(users))
	for i, u := range users {
		tok, _, err := tokens.Issue(u.ID, u.TokenVersion)
		if err != nil {
			return nil, err
		}
		out[i] = Viewer{RowID: u.ID, ID: gid.Encode(u.ID), Token: tok}
		index[u.ID] = i
		ids[i] = u.ID
	}
	add := func(owner, id int, bench bool) {
		v := &out[index[owner]]
		v.Nodes = append(v.Nodes, gid.Encode(id))
		if bench {
			v.Benchmarks = append(v.Benchmarks, gid.Encode(id))
		}
	}
	ss, err := client.Scenario.Query().Where(scenario.OwnerIDIn(ids...)).Order(ent.Asc(scenario.FieldID)).
		Select(scenario.FieldID, scenario.FieldOwnerID).All(ctx)
	if err != nil {
		return nil, fmt.Errorf("viewers: scenarios: %w", err)
	}
	for _, r := range ss {
		add(r.OwnerID, r.ID, false)
	}
	bs, err := client.Benchmark.Query().Where(benchmark.OwnerIDIn(ids...)).Order(ent.Asc(benchmark.FieldID)).
		Select(benchmark.FieldID, benchmark.FieldOwnerID).All(ctx)
	if err != nil {
		return nil, fmt.Errorf("viewers: benchmarks: %w", err)
	}
	for _, r := range bs {
		add(r.OwnerID, r.ID, true)
	}
	ds, err := client.Deployment.Query().Where(deployment.OwnerIDIn(ids...)).Order(ent.Asc(deployment.FieldID)).
		Select(deployment.FieldID, deployment.FieldOwnerID).All(ctx)
	if err != nil {
		return nil, fmt.Errorf("viewers: deployments: %w", err)
	}
	for _, r := range ds {
		add(r.OwnerID, r.ID, false)
	}
	return out, nil
}
