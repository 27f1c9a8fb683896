package ops

import (
	"context"
	"errors"

	"github.com/modelarchitect/architect/ent"
	entpipeline "github.com/modelarchitect/architect/ent/pipeline"
	"github.com/modelarchitect/architect/internal/apperr"
	"github.com/modelarchitect/architect/internal/model"
	"github.com/modelarchitect/architect/internal/pipeline"
)

// AnalyzePipeline validates and costs a pipeline graph against the catalog. A graph over the size caps, or too
// intricate to cost, is refused; any other invalid graph is a draft: problems, no plan.
func (s *Service) AnalyzePipeline(g pipeline.Pipeline) (*pipeline.Analysis, error) {
	a, err := pipeline.Analyze(s.Catalog, g)
	if errors.Is(err, pipeline.ErrTooComplex) {
		return nil, apperr.Input("nodes", "%s; simplify the routing", err)
	}
	if err != nil {
		return nil, err
	}
	for _, p := range a.Problems {
		if p.Code == pipeline.CodeTooLarge {
			return nil, apperr.Input("nodes", "%s", p.Message)
		}
	}
	a.Problems = nonNil(a.Problems)
	return &a, nil
}

// CreatePipeline validates and costs the graph and saves it; an invalid one is saved as a draft (problems
// and no cost).
func (s *Service) CreatePipeline(ctx context.Context, in model.CreatePipeline) (*ent.Pipeline, error) {
	a, err := s.AnalyzePipeline(pipeline.Pipeline{Nodes: in.Nodes, Edges: in.Edges})
	if err != nil {
		return nil, err
	}
	c := s.ent(ctx).Pipeline.Create().SetName(in.Name).SetNillableDescription(in.Description).
		SetNodes(in.Nodes).SetLinks(in.Edges).SetProblems(a.Problems)
	if a.Plan != nil {
		c.SetEstimatedCost(a.Plan.CostPer1000Runs).SetPlan((*model.PipelinePlan)(a.Plan))
	}
	return c.Save(ctx)
}

// UpdatePipeline applies the fields sent and validates and costs the resulting graph again.
func (s *Service) UpdatePipeline(ctx context.Context, id int, in model.UpdatePipeline) (*ent.Pipeline, error) {
	cur, err := s.ent(ctx).Pipeline.Query().Where(entpipeline.ID(id)).LockForUpdate().Only(ctx)
	if err != nil {
		return nil, err
	}
	s.pause(ctx, "updatePipeline")
	g := pipeline.Pipeline{Nodes: cur.Nodes, Edges: cur.Links}
	if in.Nodes != nil {
		g.Nodes = in.Nodes
	}
	if in.Edges != nil {
		g.Edges = in.Edges
	}
	a, err := s.AnalyzePipeline(g)
	if err != nil {
		return nil, err
	}
	u := cur.Update().SetNillableName(in.Name).SetNillableDescription(in.Description).
		SetNodes(g.Nodes).SetLinks(g.Edges).SetProblems(a.Problems)
	if a.Plan != nil {
		u.SetEstimatedCost(a.Plan.CostPer1000Runs).SetPlan((*model.PipelinePlan)(a.Plan))
	} else {
		u.ClearEstimatedCost().ClearPlan()
	}
	return u.Save(ctx)
}
