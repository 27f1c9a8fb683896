package graph

import (
	"context"
	"slices"

	"github.com/99designs/gqlgen/graphql"
	"github.com/vektah/gqlparser/v2/ast"

	"github.com/modelarchitect/architect/ent"
)

// Projection is an ent query interceptor for the rows behind connection fields (me { scenarios },
// scenarios, …) and node lookups (node, nodes): they leave out the JSON document columns (a scenario's
// results run to hundreds of kilobytes) that the selection does not show. entgql's field collection chooses columns itself only when
// every selected field is one it knows; any field with a resolver of ours (owner, progress, …) makes it
// read every column, so this interceptor fills in for it, and only then.
//
// A document is read when the selection names a field that shows it as it is (ent.DocumentColumns,
// generated from the schema) or a field whose resolver reads it (DocumentReaders below); anything else
// about the row is always read. Queries that resolvers or mutations run for their own use are never
// trimmed: only the rows of a connection or Node field outside Mutation and Subscription are.
func Projection() ent.Interceptor {
	return ent.InterceptFunc(func(next ent.Querier) ent.Querier {
		return ent.QuerierFunc(func(ctx context.Context, q ent.Query) (ent.Value, error) {
			if fc := graphql.GetFieldContext(ctx); fc != nil && fc.Field.Field != nil && fc.Field.Definition != nil {
				ent.SelectColumns(q, func(typ string, columns []string) []string {
					return pageColumns(ctx, fc, typ, columns)
				})
			}
			return next.Query(ctx, q)
		})
	})
}

// DocumentReaders names, per type, the fields that read JSON document columns the generated mapping does not
// know: resolvers that read a column they do not show as it is, and fields of hand-written SDL bound to a
// column entgql skips (Deployment.measuredCapacity). TestProjectionKeepsEveryField fails when a resolver
// reads one not listed.
var DocumentReaders = map[string]map[string][]string{
	"Benchmark":  {"estimate": {"models", "dataset"}},
	"Deployment": {"plan": {"plan"}, "measuredCapacity": {"measured_capacity"}, "sizing": {"measured_capacity", "config"}, "costUnknownCode": {"config"}},
	"Experiment": {"health": {"results"}},
	"Pipeline":   {"valid": {"problems"}},
}

// pageColumns returns the columns of typ to read for the rows fc resolves, or nil to read them all.
func pageColumns(ctx context.Context, fc *graphql.FieldContext, typ string, columns []string) []string {
	docs := ent.DocumentColumns[typ]
	if len(docs) == 0 || fc.Object == "Mutation" || fc.Object == "Subscription" {
		return nil
	}
	var shown func(string) bool
	switch fc.Field.Definition.Type.Name() {
	case typ + "Connection":
		shown = nodeFields(graphql.GetOperationContext(ctx), fc.Field, typ)
	case "Node": // node(id:), nodes(ids:)
		shown = selected(graphql.GetOperationContext(ctx), fc.Field.Selections, typ)
	default:
		return nil
	}
	needed := func(column string) bool {
		if slices.ContainsFunc(docs[column], shown) {
			return true
		}
		for field, cols := range DocumentReaders[typ] {
			if shown(field) && slices.Contains(cols, column) {
				return true
			}
		}
		return false
	}
	out := make([]string, 0, len(columns))
	for _, c := range columns {
		if _, doc := docs[c]; !doc || needed(c) {
			out = append(out, c)
		}
	}
	if len(out) == len(columns) {
		return nil
	}
	return out
}

// nodeFields reports which fields of typ the connection field selects on its nodes (edges { node }),
// fragments and @skip/@include applied.
func nodeFields(oc *graphql.OperationContext, conn graphql.CollectedField, typ string) func(string) bool {
	var sets []ast.SelectionSet
	for _, f := range graphql.CollectFields(oc, conn.Selections, []string{typ + "Connection"}) {
		if f.Name != "edges" {
			continue
		}
		for _, e := range graphql.CollectFields(oc, f.Selections, []string{typ + "Edge"}) {
			if e.Name == "node" {
				sets = append(sets, e.Selections)
			}
		}
	}
	return selected(oc, slices.Concat(sets...), typ)
}

// selected reports which fields of typ set selects, fragments and @skip/@include applied.
func selected(oc *graphql.OperationContext, set ast.SelectionSet, typ string) func(string) bool {
	names := map[string]bool{}
	for _, f := range graphql.CollectFields(oc, set, []string{typ, "Node"}) {
		names[f.Name] = true
	}
	return func(name string) bool { return names[name] }
}
