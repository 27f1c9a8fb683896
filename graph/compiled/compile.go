package compiled

import (
	"context"
	"regexp"
	"slices"
	"strconv"
	"strings"

	"entgo.io/contrib/entgql"
	"entgo.io/ent/dialect"
	entsql "entgo.io/ent/dialect/sql"
	"github.com/99designs/gqlgen/graphql"
	"github.com/vektah/gqlparser/v2/ast"

	"github.com/modelarchitect/architect/ent"
	"github.com/modelarchitect/architect/internal/auth"
	"github.com/modelarchitect/architect/internal/gid"
	"github.com/modelarchitect/architect/internal/viewer"
)

// unsupported is why a root field is left to the normal path; it is the label of the fallback metric, so
// it names a kind of thing, never a value.
type unsupported string

func (u unsupported) Error() string { return string(u) }

// statement is a compiled root field: one SQL statement returning one text value, the field's JSON.
type statement struct {
	sql  string
	args []any
}

// builder compiles one root field.
type builder struct {
	ctx    context.Context
	oc     *graphql.OperationContext
	schema *ast.Schema
	client *ent.Client
	args   []any
	n      int // table aliases used
	// eager is set while compiling rows the resolvers load with entgql's field collection (the nodes of a
	// connection, node(id:)): their connection fields are then built from eagerly loaded edges
	// (XConnection.build), not by Paginate, which answers differently when edges are not selected.
	eager bool
}

func (b *builder) arg(v any) string {
	b.args = append(b.args, v)
	return "$" + strconv.Itoa(len(b.args))
}

func (b *builder) alias() string {
	b.n++
	return `"t` + strconv.Itoa(b.n) + `"`
}

// resolvedEdges are fields of hand-written SDL whose resolver reads an edge entgql leaves out of the schema:
// owner is the owner loaded through the request's dataloader, under the User privacy policy.
var resolvedEdges = map[string]bool{"owner": true}

// computed are fields of ours whose resolver (or ent method) is an expression of the row's columns.
var computed = map[string]map[string]func(b *builder, t string) string{
	// ent.Benchmark.Progress: done/total as float64, 0 without a total.
	"Benchmark": {"progress": func(b *builder, t string) string {
		v := b.alias()
		return "(SELECT " + floatSQL(v+`."v"`) + " FROM (SELECT CASE WHEN " + t + `."progress_total" <= 0 THEN 0::float8 ELSE ` +
			t + `."progress_done"::float8 / ` + t + `."progress_total"::float8 END AS "v") AS ` + v + ")"
	}},
}

// Directives of the schema that change nothing at run time (gqlgen's code generation, documentation).
var inertDirectives = []string{"goField", "goModel", "goTag", "goExtraField", "deprecated", "specifiedBy"}

// compileRoot compiles a root field of Query, or says why it cannot.
func (b *builder) compileRoot(f graphql.CollectedField) (statement, error) {
	expr, err := b.rootExpr(f)
	if err != nil {
		return statement{}, err
	}
	return statement{sql: "SELECT " + expr, args: b.args}, nil
}

// rootExpr is the JSON text of a root field of Query.
func (b *builder) rootExpr(f graphql.CollectedField) (string, error) {
	v := viewer.FromContext(b.ctx)
	switch {
	case v == nil:
		return "", unsupported("anonymous")
	case v.Scope != nil:
		return "", unsupported("api key")
	case f.Name == "__typename":
		return `'"Query"'`, nil
	case strings.HasPrefix(f.Name, "__"):
		return "", unsupported("introspection")
	}
	if err := b.check(f); err != nil {
		return "", err
	}
	var expr string
	var err error
	switch typ := f.Definition.Type.Name(); {
	case f.Name == "me" && typ == "User":
		t := b.alias()
		var obj, pol string
		if obj, err = b.object("User", t, f.Selections); err != nil {
			return "", err
		}
		if pol, err = b.policy("User", t); err != nil {
			return "", err
		}
		expr = "coalesce((SELECT " + obj + " FROM " + b.table("User") + " AS " + t + " WHERE " + t + `."id" = ` + b.arg(v.ID) + pol + "), 'null')"
	case f.Name == "node" && typ == "Node":
		raw, _ := f.ArgumentMap(b.oc.Variables)["id"].(string)
		id, err := gid.Decode(raw)
		if err != nil {
			return "", unsupported("node id")
		}
		node, _ := gid.TypeOf(id)
		def := b.schema.Types[node]
		if _, ok := ent.ReadModel[node]; !ok || def == nil || !slices.Contains(def.Interfaces, "Node") {
			return "", unsupported("node type")
		}
		t := b.alias()
		b.eager = true
		obj, err := b.object(node, t, f.Selections)
		if err != nil {
			return "", err
		}
		pol, err := b.policy(node, t)
		if err != nil {
			return "", err
		}
		// A row that is missing or not the viewer's is NOT_FOUND, with the message the resolvers give.
		expr = "coalesce((SELECT " + obj + " FROM " + b.table(node) + " AS " + t + " WHERE " + t + `."id" = ` + b.arg(id) + pol + "), " + resolversDecide + ")"
	case strings.HasSuffix(typ, "Connection"):
		node := strings.TrimSuffix(typ, "Connection")
		rt, ok := ent.ReadModel[node]
		if !ok {
			return "", unsupported("root field")
		}
		// The root lists are the viewer's own rows (graph/ent.resolvers.go: Where(<type>.OwnerID(viewer))),
		// an ADMIN's too; the users list is the privacy policy's alone.
		var base func(t string) string
		if owner, ok := rt.Edges["owner"]; ok && owner.OwnFK && owner.Type == "User" {
			id := b.arg(v.ID)
			base = func(t string) string { return t + "." + quote(owner.Column) + " = " + id }
		} else if node != "User" {
			return "", unsupported("root field")
		}
		if expr, err = b.connection(node, f, base); err != nil {
			return "", err
		}
	default:
		return "", unsupported("root field")
	}
	return expr, nil
}

// check refuses what the compiled path does not do for a field: directives other than @skip and @include
// in the query, and schema directives other than @hasRole and inert ones. @hasRole is enforced here with
// the directive's own rule; a viewer it refuses gets the normal path, which answers with the error.
func (b *builder) check(f graphql.CollectedField) error {
	for _, d := range f.Directives {
		if d.Name != "skip" && d.Name != "include" {
			return unsupported("query directive")
		}
	}
	if f.Definition == nil {
		return unsupported("unknown field")
	}
	for _, d := range f.Definition.Directives {
		switch {
		case d.Name == "hasRole":
			a := d.Arguments.ForName("role")
			if a == nil || a.Value == nil {
				return unsupported("directive")
			}
			if err := auth.RequireRole(b.ctx, viewer.Role(a.Value.Raw)); err != nil {
				return unsupported("role")
			}
		case slices.Contains(inertDirectives, d.Name):
		default:
			return unsupported("directive")
		}
	}
	return nil
}

// satisfies lists what a fragment's type condition may name for rows of typ: the type, its interfaces and
// the unions it belongs to.
func (b *builder) satisfies(typ string) []string {
	out := []string{typ}
	if def := b.schema.Types[typ]; def != nil {
		out = append(out, def.Interfaces...)
	}
	for name, def := range b.schema.Types {
		if def.Kind == ast.Union && slices.Contains(def.Types, typ) {
			out = append(out, name)
		}
	}
	return out
}

func (b *builder) table(typ string) string { return quote(ent.ReadModel[typ].Table) }

// object is the JSON text of a row of typ (alias t) with the selection set.
func (b *builder) object(typ, t string, sel ast.SelectionSet) (string, error) {
	rt := ent.ReadModel[typ]
	fields := graphql.CollectFields(b.oc, sel, b.satisfies(typ))
	if len(fields) == 0 {
		return "", unsupported("empty selection")
	}
	return jsonObject(fields, func(f graphql.CollectedField) (string, error) { return b.field(typ, rt, t, f) })
}

// field is the JSON text of one field of a row of typ.
func (b *builder) field(typ string, rt ent.ReadType, t string, f graphql.CollectedField) (string, error) {
	if f.Name == "__typename" {
		return sqlText(`"` + typ + `"`), nil
	}
	if err := b.check(f); err != nil {
		return "", err
	}
	if c := computed[typ][f.Name]; c != nil {
		return c(b, t), nil
	}
	if rf, ok := rt.Fields[f.Name]; ok {
		if len(f.Definition.Arguments) > 0 {
			return "", unsupported("field arguments")
		}
		e, ok := scalarSQL(rf.Kind, typ, t+"."+quote(rf.Column), rf.Nullable)
		if !ok {
			return "", unsupported("document field")
		}
		return e, nil
	}
	e, ok := rt.Edges[f.Name]
	if !ok || (e.Hidden && !resolvedEdges[f.Name]) || e.M2M {
		return "", unsupported("resolver field")
	}
	switch {
	case e.Unique && e.OwnFK:
		u := b.alias()
		obj, err := b.object(e.Type, u, f.Selections)
		if err != nil {
			return "", err
		}
		pol, err := b.policy(e.Type, u)
		if err != nil {
			return "", err
		}
		missing := "'null'"
		if f.Definition.Type.NonNull {
			missing = resolversDecide // the normal path would answer with an error
		}
		return "coalesce((SELECT " + obj + " FROM " + b.table(e.Type) + " AS " + u + " WHERE " + u + `."id" = ` + t + "." + quote(e.Column) + pol + "), " + missing + ")", nil
	case !e.Unique && !e.OwnFK && e.Connection:
		return b.connection(e.Type, f, func(u string) string { return u + "." + quote(e.Column) + " = " + t + `."id"` })
	}
	return "", unsupported("edge")
}

// connection is the JSON text of a Relay connection of node rows matching base (nil: all), with the
// semantics of entgql's Paginate (ent/gql_pagination.go) for the arguments it supports: first, after,
// and no where, orderBy, last or before (those go to the normal path). Rows are in id order.
func (b *builder) connection(node string, f graphql.CollectedField, base func(t string) string) (string, error) {
	args := f.ArgumentMap(b.oc.Variables)
	for name, v := range args {
		if v == nil {
			continue
		}
		switch name {
		case "first", "after":
		case "orderBy":
			if l, ok := v.([]any); ok && len(l) == 0 {
				continue
			}
			return "", unsupported("orderBy")
		default:
			return "", unsupported("connection argument")
		}
	}
	first := -1
	if v, ok := args["first"]; ok && v != nil {
		n, ok := intArg(v)
		if !ok || n < 1 {
			return "", unsupported("first < 1")
		}
		first = n
	}
	after := 0
	hasAfter := false
	if v, ok := args["after"]; ok && v != nil {
		s, ok := v.(string)
		if !ok {
			return "", unsupported("cursor")
		}
		var c entgql.Cursor[int]
		if err := c.UnmarshalGQL(s); err != nil || c.Value != nil || c.ID == standInID || c.ID == standInVersion {
			return "", unsupported("cursor") // the stand-ins of a cached shape are the viewer's own values
		}
		after, hasAfter = c.ID, true
	}
	where := func(t string) (string, error) {
		pol, err := b.policy(node, t)
		if err != nil {
			return "", err
		}
		w := "TRUE"
		if base != nil {
			w = base(t)
		}
		return w + pol, nil
	}

	connType := node + "Connection"
	fields := graphql.CollectFields(b.oc, f.Selections, b.satisfies(connType))
	// Paginate finds edges, totalCount and pageInfo by their response names (entgql's collectedField
	// compares aliases): an aliased edges field is left empty, and only unaliased totalCount or pageInfo
	// make it count. The compiled path answers the same.
	named := func(name string) bool {
		return slices.ContainsFunc(fields, func(cf graphql.CollectedField) bool { return cf.Alias == name })
	}
	edgesOn := named("edges")
	if b.eager && !edgesOn {
		return "", unsupported("eager connection without edges")
	}
	var count string // the filtered rows, counted when Paginate counts them
	if (named("totalCount") || named("pageInfo")) && (first > 0 || hasAfter || !edgesOn) {
		c := b.alias()
		w, err := where(c)
		if err != nil {
			return "", err
		}
		count = "(SELECT count(*) FROM " + b.table(node) + " AS " + c + " WHERE " + w + ")"
	}

	p := b.alias()
	from := ""
	kept := "TRUE" // rows of the page shown (the extra row fetched only tells that there is a next page)
	if edgesOn {
		w, err := where(p)
		if err != nil {
			return "", err
		}
		if hasAfter {
			w += " AND " + p + `."id" > ` + b.arg(after)
		}
		page := "SELECT " + p + ".*, row_number() OVER (ORDER BY " + p + `."id") AS "rn" FROM ` + b.table(node) + " AS " + p + " WHERE " + w + " ORDER BY " + p + `."id"`
		if first > 0 {
			lim := b.arg(first)
			page += " LIMIT " + lim + " + 1"
			kept = p + `."rn" <= ` + lim
		}
		from = " FROM (" + page + ") AS " + p
	}
	shown := "0" // rows shown
	if edgesOn {
		shown = "count(*) FILTER (WHERE " + kept + ")"
	}

	obj, err := jsonObject(fields, func(cf graphql.CollectedField) (string, error) {
		if cf.Name != "__typename" {
			if err := b.check(cf); err != nil {
				return "", err
			}
		}
		var v string
		switch cf.Name {
		case "__typename":
			v = sqlText(`"` + connType + `"`)
		case "edges":
			if !edgesOn { // any edges field, aliased or not, shows the edges once an unaliased one is selected
				v = "'[]'"
				break
			}
			e, err := b.edge(node, p, cf)
			if err != nil {
				return "", err
			}
			v = "'[' || coalesce(string_agg(" + e + ", ',' ORDER BY " + p + `."id") FILTER (WHERE ` + kept + "), '') || ']'"
		case "totalCount":
			switch {
			case count != "" && edgesOn:
				v = "(CASE WHEN " + count + " = 0 THEN " + shown + " ELSE " + count + " END)::text"
			case count != "":
				v = count + "::text"
			default:
				v = shown + "::text"
			}
		case "pageInfo":
			pi, err := b.pageInfo(p, cf, first, hasAfter, edgesOn, count, kept)
			if err != nil {
				return "", err
			}
			v = pi
		default:
			return "", unsupported("connection field")
		}
		return v, nil
	})
	if err != nil {
		return "", err
	}
	return "(SELECT " + obj + from + ")", nil
}

// edge is the JSON text of an edge (node and cursor) of the page row p.
func (b *builder) edge(node, p string, f graphql.CollectedField) (string, error) {
	edgeType := node + "Edge"
	fields := graphql.CollectFields(b.oc, f.Selections, b.satisfies(edgeType))
	return jsonObject(fields, func(cf graphql.CollectedField) (string, error) {
		var v string
		switch cf.Name {
		case "__typename":
			v = sqlText(`"` + edgeType + `"`)
		case "node":
			if err := b.check(cf); err != nil {
				return "", err
			}
			saved := b.eager
			b.eager = true
			obj, err := b.object(node, p, cf.Selections)
			b.eager = saved
			if err != nil {
				return "", err
			}
			v = obj
		case "cursor":
			v = cursorSQL(p + `."id"`)
		default:
			return "", unsupported("edge field")
		}
		return v, nil
	})
}

// pageInfo follows Paginate and ScenarioConnection.build: without edges selected, hasNextPage is whether
// first is set and rows exist; with edges, whether the extra row came back; hasPreviousPage is whether
// after was given; the cursors are the first and last shown edge's.
func (b *builder) pageInfo(p string, f graphql.CollectedField, first int, hasAfter, edgesSelected bool, count, kept string) (string, error) {
	fields := graphql.CollectFields(b.oc, f.Selections, b.satisfies("PageInfo"))
	return jsonObject(fields, func(cf graphql.CollectedField) (string, error) {
		var v string
		switch cf.Name {
		case "__typename":
			v = "'\"PageInfo\"'"
		case "hasNextPage":
			switch {
			case !edgesSelected:
				v = "'false'"
				if first > 0 && count != "" {
					v = "CASE WHEN " + count + " > 0 THEN 'true' ELSE 'false' END"
				}
			case first > 0:
				v = "CASE WHEN count(*) > " + strconv.Itoa(first) + " THEN 'true' ELSE 'false' END"
			default:
				v = "'false'"
			}
		case "hasPreviousPage":
			v = "'false'"
			if hasAfter && edgesSelected {
				v = "'true'"
			}
		case "startCursor", "endCursor":
			if !edgesSelected {
				v = "'null'"
				break
			}
			agg := "min"
			if cf.Name == "endCursor" {
				agg = "max"
			}
			id := agg + "(" + p + `."id") FILTER (WHERE ` + kept + ")"
			v = "coalesce(" + cursorSQL(id) + ", 'null')"
		default:
			return "", unsupported("pageInfo field")
		}
		return v, nil
	})
}

// jsonObject is the JSON text of an object with the collected fields, in their order, each value the SQL
// text value gives for it.
func jsonObject(fields []graphql.CollectedField, value func(graphql.CollectedField) (string, error)) (string, error) {
	parts := make([]string, 0, 2*len(fields)+1)
	for i, f := range fields {
		key := quoteKey(f.Alias)
		if i == 0 {
			key = "{" + key
		} else {
			key = "," + key
		}
		v, err := value(f)
		if err != nil {
			return "", err
		}
		parts = append(parts, sqlText(key), v)
	}
	parts = append(parts, "'}'")
	return "(" + strings.Join(parts, " || ") + ")", nil
}

var placeholder = regexp.MustCompile(`\$(\d+)`)

// policy is the SQL of the type's privacy query policy for the viewer, applied to alias t: " AND …", or
// "" when it adds no predicate (an ADMIN). The predicates are the ones ent's own queries of the type add
// (ent.ReadType.Policy runs the type's policy), rendered by ent's SQL builder; a policy that refuses the
// viewer sends the request to the normal path, which reports it.
func (b *builder) policy(typ, t string) (string, error) {
	preds, err := ent.ReadModel[typ].Policy(b.ctx, b.client)
	if err != nil {
		return "", unsupported("policy refused")
	}
	if len(preds) == 0 {
		return "", nil
	}
	s := entsql.Dialect(dialect.Postgres).Select().From(entsql.Table(ent.ReadModel[typ].Table).As(strings.Trim(t, `"`)))
	for _, p := range preds {
		p(s)
	}
	if err := s.Err(); err != nil {
		return "", unsupported("policy predicate")
	}
	pred := s.P()
	if pred == nil {
		return "", nil
	}
	pred.SetDialect(dialect.Postgres)
	text, args := pred.Query()
	offset := len(b.args)
	text = placeholder.ReplaceAllStringFunc(text, func(m string) string {
		n, _ := strconv.Atoi(m[1:])
		return "$" + strconv.Itoa(n+offset)
	})
	b.args = append(b.args, args...)
	return " AND (" + text + ")", nil
}

func quote(ident string) string { return `"` + strings.ReplaceAll(ident, `"`, `""`) + `"` }

func intArg(v any) (int, bool) {
	switch n := v.(type) {
	case int:
		return n, true
	case int64:
		return int(n), true
	case float64:
		return int(n), float64(int(n)) == n
	case interface{ Int64() (int64, error) }:
		i, err := n.Int64()
		return int(i), err == nil
	}
	return 0, false
}
