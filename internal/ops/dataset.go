package ops

import (
	"context"
	"errors"
	"fmt"
	"io"
	"strings"

	"github.com/modelarchitect/architect/ent"
	entbenchmark "github.com/modelarchitect/architect/ent/benchmark"
	"github.com/modelarchitect/architect/ent/dataset"
	"github.com/modelarchitect/architect/ent/datasetversion"
	"github.com/modelarchitect/architect/ent/predicate"
	"github.com/modelarchitect/architect/ent/privacy"
	"github.com/modelarchitect/architect/internal/apperr"
	"github.com/modelarchitect/architect/internal/benchmark"
	"github.com/modelarchitect/architect/internal/viewer"
)

// DatasetDraft is a dataset's items as a client sends them: inline or as an uploaded JSONL or CSV file.
type DatasetDraft struct {
	Items    []benchmark.Item
	File     io.Reader
	Filename string
}

// CreateDataset saves a dataset and its version 1.
func (s *Service) CreateDataset(ctx context.Context, name string, d DatasetDraft) (*ent.Dataset, error) {
	items, err := s.datasetItems(ctx, "items", d)
	if err != nil {
		return nil, err
	}
	ds, err := s.ent(ctx).Dataset.Create().SetName(name).Save(ctx)
	if err != nil {
		return nil, err
	}
	if _, err := s.newVersion(ctx, ds, 1, items); err != nil {
		return nil, err
	}
	return ds, nil
}

// AddDatasetVersion adds a version to a dataset of the viewer's; items identical to the latest version's add
// nothing and return that version.
func (s *Service) AddDatasetVersion(ctx context.Context, datasetID int, d DatasetDraft) (*ent.DatasetVersion, error) {
	c := s.ent(ctx)
	// Locked, so that two additions on two replicas take the next numbers in turn.
	ds, err := c.Dataset.Query().Where(dataset.ID(datasetID)).LockForUpdate().Only(ctx)
	if err != nil {
		return nil, err
	}
	items, err := s.datasetItems(ctx, "items", d)
	if err != nil {
		return nil, err
	}
	latest, err := ds.QueryVersions().Order(ent.Desc(datasetversion.FieldNumber)).First(ctx)
	switch {
	case ent.IsNotFound(err):
		return s.newVersion(ctx, ds, 1, items)
	case err != nil:
		return nil, err
	case latest.ContentHash == benchmark.ContentHash(items):
		return latest, nil
	}
	return s.newVersion(ctx, ds, latest.Number+1, items)
}

// DeleteDatasetVersion deletes a version no benchmark uses.
func (s *Service) DeleteDatasetVersion(ctx context.Context, id int) (int, error) {
	c := s.ent(ctx)
	// Locked: a benchmark being created on this version holds it shared (versionOf), so the check below and
	// that benchmark cannot interleave.
	v, err := c.DatasetVersion.Query().Where(datasetversion.ID(id)).LockForUpdate().Only(ctx)
	if err != nil {
		return 0, err
	}
	if err := s.unused(ctx, "id", entbenchmark.DatasetVersionID(id)); err != nil {
		return 0, err
	}
	return id, c.DatasetVersion.DeleteOne(v).Exec(ctx)
}

// DeleteDataset deletes a dataset and its versions when no benchmark uses any of them.
func (s *Service) DeleteDataset(ctx context.Context, id int) (int, error) {
	c := s.ent(ctx)
	ds, err := c.Dataset.Query().Where(dataset.ID(id)).LockForUpdate().Only(ctx)
	if err != nil {
		return 0, err
	}
	if _, err := c.DatasetVersion.Query().Where(datasetversion.DatasetID(id)).LockForUpdate().All(ctx); err != nil {
		return 0, err
	}
	if err := s.unused(ctx, "id", entbenchmark.HasDatasetVersionWith(datasetversion.DatasetID(id))); err != nil {
		return 0, err
	}
	if _, err := c.DatasetVersion.Delete().Where(datasetversion.DatasetID(id)).Exec(ctx); err != nil {
		return 0, err
	}
	return id, c.Dataset.DeleteOne(ds).Exec(ctx)
}

// unused refuses, naming them, when benchmarks use the versions being deleted. It looks past the privacy layer:
// a version an administrator's benchmark uses is in use too.
func (s *Service) unused(ctx context.Context, field string, where ...predicate.Benchmark) error {
	bs, err := s.ent(ctx).Benchmark.Query().Where(where...).Order(ent.Asc(entbenchmark.FieldID)).Limit(11).
		All(privacy.DecisionContext(ctx, privacy.Allow))
	if err != nil || len(bs) == 0 {
		return err
	}
	names := make([]string, 0, len(bs))
	for i, b := range bs {
		if i == 10 {
			names = append(names, "…")
			break
		}
		names = append(names, fmt.Sprintf("%q", b.Name))
	}
	return apperr.Input(field, "benchmarks use it (%s): delete them first; a version a benchmark ran stays", strings.Join(names, ", "))
}

// datasetItems reads inline or uploaded items and checks them against the role's benchmark item limit.
func (s *Service) datasetItems(ctx context.Context, field string, d DatasetDraft) ([]benchmark.Item, error) {
	items, err := s.datasetOf(ctx, BenchmarkDraft{Dataset: d.Items, File: d.File, Filename: d.Filename})
	if err != nil {
		return nil, renameInput(err, "datasetFile", field+"File")
	}
	if items == nil {
		return nil, apperr.Input(field, "give the items inline (%s) or upload a JSONL or CSV file (%sFile)", field, field)
	}
	if len(items) == 0 {
		return nil, apperr.Input(field, "the dataset has no items")
	}
	if err := benchmark.Validate(items); err != nil {
		return nil, renameInput(datasetErr("dataset", err), "dataset", field)
	}
	if err := limitErr(s.policy().CheckSize(s.role(ctx), 0, len(items))); err != nil {
		return nil, renameInput(err, "dataset", field)
	}
	return items, nil
}

// renameInput moves an input error from one input name to another (dataset[2].expected → items[2].expected).
func renameInput(err error, from, to string) error {
	var ae *apperr.Error
	if !errors.As(err, &ae) || !strings.HasPrefix(ae.Field, from) {
		return err
	}
	field := to + strings.TrimPrefix(ae.Field, from)
	return apperr.Input(field, "%s", strings.ReplaceAll(ae.Message, ae.Field, field))
}

func (s *Service) newVersion(ctx context.Context, ds *ent.Dataset, number int, items []benchmark.Item) (*ent.DatasetVersion, error) {
	return s.ent(ctx).DatasetVersion.Create().SetOwnerID(ds.OwnerID).SetDatasetID(ds.ID).SetNumber(number).
		SetItems(items).SetContentHash(benchmark.ContentHash(items)).SetItemCount(len(items)).Save(ctx)
}

// benchmarkVersion is the version a benchmark's inline or uploaded items are saved as: the owner's oldest
// version with the same content, or version 1 of a new dataset named after the benchmark.
func (s *Service) benchmarkVersion(ctx context.Context, owner int, name string, items []benchmark.Item) (*ent.DatasetVersion, error) {
	c := s.ent(ctx)
	v, err := c.DatasetVersion.Query().Where(datasetversion.OwnerID(owner), datasetversion.ContentHash(benchmark.ContentHash(items))).
		Order(ent.Asc(datasetversion.FieldID)).First(ctx)
	if !ent.IsNotFound(err) {
		return v, err
	}
	ds, err := c.Dataset.Create().SetOwnerID(owner).SetName(name).Save(ctx)
	if err != nil {
		return nil, err
	}
	return s.newVersion(ctx, ds, 1, items)
}

// versionOf reads the version a benchmark names (datasetVersionId), NOT_FOUND when it is not the viewer's, and
// holds it shared until the transaction ends, so that it cannot be deleted under the benchmark being saved.
func (s *Service) versionOf(ctx context.Context, id int) (*ent.DatasetVersion, error) {
	return s.ent(ctx).DatasetVersion.Query().Where(datasetversion.ID(id)).LockForShare().Only(ctx)
}

func viewerID(ctx context.Context) int {
	if v := viewer.FromContext(ctx); v != nil {
		return v.ID
	}
	return 0
}

// VersionDatasets gives every benchmark made before dataset versions a version (one per distinct content per
// owner, in a dataset named after the owner's oldest benchmark with that content), and rewrites the hashes the
// PostgreSQL migration computed in SQL as ContentHash, so that later benchmarks find those versions by content.
// It runs at every start and does nothing once done; SQLite gets its conversion from it alone.
func VersionDatasets(ctx context.Context, c *ent.Client) error {
	ctx = privacy.DecisionContext(ctx, privacy.Allow)
	stale, err := c.DatasetVersion.Query().Where(datasetversion.Not(datasetversion.ContentHashHasPrefix(benchmark.HashPrefix))).All(ctx)
	if err != nil {
		return fmt.Errorf("read dataset versions: %w", err)
	}
	for _, v := range stale {
		if err := v.Update().SetContentHash(benchmark.ContentHash(v.Items)).Exec(ctx); err != nil {
			return fmt.Errorf("rehash dataset version %d: %w", v.ID, err)
		}
	}
	bs, err := c.Benchmark.Query().Where(entbenchmark.DatasetVersionIDIsNil()).Order(ent.Asc(entbenchmark.FieldID)).All(ctx)
	if err != nil {
		return fmt.Errorf("read benchmarks without a dataset version: %w", err)
	}
	s := &Service{Client: c}
	for _, b := range bs {
		v, err := s.benchmarkVersion(ctx, b.OwnerID, b.Name, b.Dataset)
		if err != nil {
			return fmt.Errorf("version the dataset of benchmark %d: %w", b.ID, err)
		}
		if err := c.Benchmark.UpdateOneID(b.ID).SetDatasetVersionID(v.ID).Exec(ctx); err != nil {
			return fmt.Errorf("link benchmark %d to its dataset version: %w", b.ID, err)
		}
	}
	return nil
}
