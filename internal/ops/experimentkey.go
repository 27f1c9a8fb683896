package ops

import (
	"context"

	"github.com/modelarchitect/architect/ent"
	"github.com/modelarchitect/architect/internal/apperr"
	"github.com/modelarchitect/architect/internal/auth"
)

// CreatedKey is an experiment API key just issued, with its secret: the only time the secret is shown.
type CreatedKey struct {
	Key    *ent.ExperimentKey
	Secret string
}

// CreateExperimentKey issues an API key for one of the viewer's experiments, in any status: its bearer may
// assign units and record observations for that experiment only (auth.CheckScope). Only its hash is stored.
func (s *Service) CreateExperimentKey(ctx context.Context, experimentID int, name string) (*CreatedKey, error) {
	c := s.ent(ctx)
	e, err := c.Experiment.Get(ctx, experimentID)
	if err != nil {
		return nil, err
	}
	if name == "" || len(name) > 200 {
		return nil, apperr.Input("name", "name the key, 1 to 200 characters, e.g. the service that will hold it")
	}
	secret, hash := auth.NewAPIKey()
	k, err := c.ExperimentKey.Create().SetOwnerID(e.OwnerID).SetExperimentID(e.ID).SetName(name).
		SetPrefix(auth.APIKeyShown(secret)).SetSecretHash(hash).Save(ctx)
	if err != nil {
		return nil, err
	}
	return &CreatedKey{Key: k, Secret: secret}, nil
}

// RevokeExperimentKey revokes one of the viewer's API keys for good; revoking a revoked key changes nothing.
func (s *Service) RevokeExperimentKey(ctx context.Context, id int) (*ent.ExperimentKey, error) {
	k, err := s.ent(ctx).ExperimentKey.Get(ctx, id)
	if err != nil || k.RevokedAt != nil {
		return k, err
	}
	return k.Update().SetRevokedAt(s.now().UTC()).Save(ctx)
}
