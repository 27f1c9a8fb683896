package compiled

import (
	"context"
	"encoding/json"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"time"

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
	// joins holds, for the alias of a connection's page rows, the lateral joins their one-row edges (owner)
	// are read through: one join per page, which PostgreSQL can answer with one lookup of the edge's rows,
	// instead of a sub-select per row (about 5 µs each).
	joins map[string]*[]string
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
	return bind("SELECT "+expr, b.args), nil
}

// bind is the statement of text with the arguments it uses: an argument the compiler bound for a part of the
// selection that turned out not to need it (a connection showing no rows, whose owner test and policy are
// never written) is dropped and the placeholders after it renumbered, since PostgreSQL cannot type a
// parameter no expression uses. Placeholders appear nowhere else in the text: string literals in it are
// GraphQL names and fixed text, and every value is bound.
func bind(text string, args []any) statement {
	used := make([]int, len(args)+1) // old number → new number, 0 for unused
	for _, m := range placeholder.FindAllStringSubmatch(text, -1) {
		if n, _ := strconv.Atoi(m[1]); n >= 1 && n <= len(args) {
			used[n] = 1
		}
	}
	var kept []any
	for n := 1; n <= len(args); n++ {
		if used[n] != 0 {
			kept = append(kept, args[n-1])
			used[n] = len(kept)
		}
	}
	if len(kept) == len(args) {
		return statement{sql: text, args: args}
	}
	text = placeholder.ReplaceAllStringFunc(text, func(m string) string {
		if n, _ := strconv.Atoi(m[1:]); n >= 1 && n <= len(args) {
			return "$" + strconv.Itoa(used[n])
		}
		return m // not a placeholder of ours (none is written today: the text's literals are names)
	})
	return statement{sql: text, args: kept}
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
		if expr, err = b.node(raw, f); err != nil {
			return "", err
		}
	case f.Name == "nodes" && typ == "Node":
		raws, ok := f.ArgumentMap(b.oc.Variables)["ids"].([]any)
		if !ok || len(raws) == 0 {
			return "", unsupported("nodes ids")
		}
		elems := make([]string, len(raws))
		for i, r := range raws {
			raw, _ := r.(string)
			if elems[i], err = b.node(raw, f); err != nil {
				return "", err
			}
		}
		expr = "'[' || " + strings.Join(elems, " || ',' || ") + " || ']'"
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

// node is the JSON text of the row a global id names, for node(id:) and each of nodes(ids:). A row that is
// missing or not the viewer's is left to the resolvers, which answer it NOT_FOUND (node: null and the error;
// in nodes, null at its index and the error).
func (b *builder) node(raw string, f graphql.CollectedField) (string, error) {
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
	saved := b.eager
	b.eager = true // node and nodes load their rows with entgql's field collection
	obj, err := b.object(node, t, f.Selections)
	b.eager = saved
	if err != nil {
		return "", err
	}
	pol, err := b.policy(node, t)
	if err != nil {
		return "", err
	}
	return "coalesce((SELECT " + obj + " FROM " + b.table(node) + " AS " + t + " WHERE " + t + `."id" = ` + b.arg(id) + pol + "), " + resolversDecide + ")", nil
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
		switch {
		case hasResolver(typ, f.Definition):
			return "", unsupported("resolver field")
		case len(f.Definition.Arguments) > 0:
			return "", unsupported("field arguments")
		}
		col := t + "." + quote(rf.Column)
		if e, ok := scalarSQL(rf.Kind, col, rf.Nullable); ok {
			return e, nil
		}
		if rf.Kind != "other" {
			return "", errDocument
		}
		return b.document(col, rf.Go, f.Definition.Type, f.Selections)
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
		row := "SELECT " + obj + ` AS "v" FROM ` + b.table(e.Type) + " AS " + u + " WHERE " + u + `."id" = ` + t + "." + quote(e.Column) + pol
		if joins, ok := b.joins[t]; ok { // a page row: a LEFT JOIN LATERAL keeps it whether or not the edge's row is there
			j := b.alias()
			*joins = append(*joins, " LEFT JOIN LATERAL ("+row+") AS "+j+" ON TRUE")
			return "coalesce(" + j + `."v", ` + missing + ")", nil
		}
		return "coalesce((" + row + "), " + missing + ")", nil
	case !e.Unique && !e.OwnFK && e.Connection:
		return b.connection(e.Type, f, func(u string) string { return u + "." + quote(e.Column) + " = " + t + `."id"` })
	}
	return "", unsupported("edge")
}

// connection is the JSON text of a Relay connection of node rows matching base (nil: all), with the
// semantics of entgql's Paginate and XConnection.build (ent/gql_pagination.go) for first or last, after and
// before (cursors of the id order and of orderBy alike), orderBy on the type's columns, and where.
func (b *builder) connection(node string, f graphql.CollectedField, base func(t string) string) (string, error) {
	args := f.ArgumentMap(b.oc.Variables)
	order, err := orderTerms(ent.ReadModel[node], f.Definition.Arguments.ForName("orderBy"), args["orderBy"])
	if err != nil {
		return "", err
	}
	for name, v := range args {
		if v == nil {
			continue
		}
		switch name {
		case "first", "last", "after", "before", "orderBy", "where":
		default:
			return "", unsupported("connection argument")
		}
	}
	var filter func(*entsql.Selector)
	if w, ok := args["where"]; ok && w != nil {
		if filter, err = b.wherePredicate(node, w); err != nil {
			return "", err
		}
	}
	first, err := countArg(args["first"])
	if err != nil {
		return "", err
	}
	last, err := countArg(args["last"])
	if err != nil {
		return "", err
	}
	if first > 0 && last > 0 {
		return "", unsupported("first and last") // Paginate refuses it
	}
	after, err := cursorArg(args["after"])
	if err != nil {
		return "", err
	}
	before, err := cursorArg(args["before"])
	if err != nil {
		return "", err
	}
	hasAfter, hasBefore := after != nil, before != nil
	limit, reverse := first, false // rows shown; last reads the order backwards and shows the rows turned round
	if last > 0 {
		limit, reverse = last, true
	}
	rt := ent.ReadModel[node]
	keyset, err := cursorPredicates(rt, order, reverse, after, before)
	if err != nil {
		return "", err
	}
	cursor, err := cursorSQL(rt, order)
	if err != nil {
		return "", err
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
		var filtered string
		if filter != nil {
			if filtered, err = b.render(node, t, []func(*entsql.Selector){filter}); err != nil {
				return "", err
			}
		}
		return w + pol + filtered, nil
	}

	connType := node + "Connection"
	fields := graphql.CollectFields(b.oc, f.Selections, b.satisfies(connType))
	// Paginate finds edges, totalCount and pageInfo by their response names (entgql's collectedField
	// compares aliases): edges are left out unless an unaliased edges field is selected, and only an
	// unaliased totalCount or pageInfo makes it count. The compiled path answers the same.
	named := func(name string) bool {
		return slices.ContainsFunc(fields, func(cf graphql.CollectedField) bool { return cf.Alias == name })
	}
	edgesOn := named("edges")
	if b.eager && !edgesOn {
		return "", unsupported("eager connection without edges")
	}
	orderBy := func(t string) string {
		flip := map[string]string{"ASC": "DESC", "DESC": "ASC"}
		var terms []string
		for _, o := range append(order, orderTerm{column: "id", direction: "ASC"}) {
			d := o.direction
			if reverse {
				d = flip[d]
			}
			terms = append(terms, t+"."+quote(o.column)+" "+d)
		}
		return strings.Join(terms, ", ")
	}
	bounded := first > 0 || last > 0 || hasAfter || hasBefore
	// count is the filtered rows, counted when Paginate counts them ("" when it does not), built when first
	// used so that the statement binds no argument it does not use (PostgreSQL cannot type those).
	var counted string
	count := func() (string, error) {
		if counted != "" || !(named("totalCount") || named("pageInfo")) || !(bounded || !edgesOn) {
			return counted, nil
		}
		c := b.alias()
		w, err := where(c)
		if err != nil {
			return "", err
		}
		counted = "(SELECT count(*) FROM " + b.table(node) + " AS " + c + " WHERE " + w + ")"
		return counted, nil
	}

	p := b.alias()
	var page pageSQL
	if edgesOn {
		w, err := where(p)
		if err != nil {
			return "", err
		}
		ks, err := b.render(node, p, keyset)
		if err != nil {
			return "", err
		}
		w += ks
		q := "SELECT " + p + ".*, row_number() OVER (ORDER BY " + orderBy(p) + `) AS "rn" FROM ` + b.table(node) + " AS " + p + " WHERE " + w + " ORDER BY " + orderBy(p)
		page.kept = "TRUE" // the extra row fetched only tells that there is another page
		if limit > 0 {
			lim := b.arg(limit)
			q += " LIMIT " + lim + " + 1"
			page.kept = p + `."rn" <= ` + lim
		}
		page.from = " FROM (" + q + ") AS " + p
		page.shown = "count(*) FILTER (WHERE " + page.kept + ")"
		page.extra = strconv.Itoa(limit)
		page.order, page.backwards = p+`."rn"`, p+`."rn" DESC`
		if reverse {
			page.order, page.backwards = page.backwards, page.order
		}
		page.cursor, page.byID = cursor(p), len(order) == 0
	}

	if b.joins == nil {
		b.joins = map[string]*[]string{}
	}
	var joins []string
	b.joins[p] = &joins
	defer delete(b.joins, p)
	obj, err := jsonObject(fields, func(cf graphql.CollectedField) (string, error) {
		if cf.Name != "__typename" {
			if err := b.check(cf); err != nil {
				return "", err
			}
		}
		switch cf.Name {
		case "__typename":
			return sqlText(`"` + connType + `"`), nil
		case "edges":
			if !edgesOn {
				return "'[]'", nil
			}
			e, err := b.edge(node, p, page.cursor, cf)
			if err != nil {
				return "", err
			}
			return "'[' || coalesce(string_agg(" + e + ", ',' ORDER BY " + page.order + ") FILTER (WHERE " + page.kept + "), '') || ']'", nil
		case "totalCount":
			count, err := count()
			if err != nil {
				return "", err
			}
			switch {
			case count != "" && edgesOn:
				return "(CASE WHEN " + count + " = 0 THEN " + page.shown + " ELSE " + count + " END)::text", nil
			case count != "":
				return count + "::text", nil
			case edgesOn:
				return page.shown + "::text", nil
			}
			return "'0'", nil
		case "pageInfo":
			return b.pageInfo(p, cf, pageState{first: first, last: last, after: hasAfter, before: hasBefore, edges: edgesOn, count: count, page: page})
		}
		return "", unsupported("connection field")
	})
	if err != nil {
		return "", err
	}
	return "(SELECT " + obj + page.from + strings.Join(joins, "") + ")", nil
}

// pageSQL is the page of rows a connection shows, when its edges are selected.
type pageSQL struct {
	from  string // " FROM (…) AS p": the rows in the connection's order, numbered rn, one more than shown
	kept  string // the condition of the rows shown
	shown string // how many rows are shown
	extra string // the number of rows shown at most, as text (rn beyond it is the extra row)
	order string // the order the edges are shown in
	// backwards is order turned round
	backwards string
	cursor    string // the cursor of a page row
	byID      bool   // no orderBy: rows are in id order
}

// pageState is what pageInfo depends on.
type pageState struct {
	first, last   int
	after, before bool
	edges         bool
	count         func() (string, error)
	page          pageSQL
}

// countArg reads first or last: absent is -1; 0 and negative counts go to the normal path (which answers
// an empty page or refuses them).
func countArg(v any) (int, error) {
	if v == nil {
		return -1, nil
	}
	n, ok := intArg(v)
	if !ok || n < 1 {
		return 0, unsupported("first or last < 1")
	}
	return n, nil
}

// cursorArg reads after or before: an entgql cursor, of the default (id) order or of an orderBy (the row's
// values of the order fields); absent is nil.
func cursorArg(v any) (*entgql.Cursor[int], error) {
	if v == nil {
		return nil, nil
	}
	s, ok := v.(string)
	if !ok {
		return nil, unsupported("cursor")
	}
	c := new(entgql.Cursor[int])
	if err := c.UnmarshalGQL(s); err != nil || c.ID == standInID || c.ID == standInVersion || mentionsStandIn(c.Value) {
		return nil, unsupported("cursor") // the stand-ins of a cached shape are the viewer's own values
	}
	return c, nil
}

// cursorPredicates are the keyset predicates of after and before: entgql.MultiCursorsPredicate with the
// options the type's pager gives it (applyCursors in ent/gql_pagination.go), so both paths keep the same
// rows. A cursor whose values do not fit the order (a different orderBy, another type's cursor) goes to the
// normal path, which refuses it or reads it as it does.
func cursorPredicates(rt ent.ReadType, order []orderTerm, reverse bool, after, before *entgql.Cursor[int]) ([]func(*entsql.Selector), error) {
	if after == nil && before == nil {
		return nil, nil
	}
	opts := &entgql.MultiCursorsOptions{FieldID: "id", DirectionID: entgql.OrderDirectionAsc}
	if reverse {
		opts.DirectionID = entgql.OrderDirectionDesc
	}
	for _, o := range order {
		d := entgql.OrderDirection(o.direction)
		if reverse {
			d = d.Reverse()
		}
		opts.Fields, opts.Directions = append(opts.Fields, o.column), append(opts.Directions, d)
	}
	for _, c := range []*entgql.Cursor[int]{after, before} {
		if c != nil && c.Value != nil && !cursorFits(rt, order, c.Value) {
			return nil, unsupported("cursor")
		}
	}
	preds, err := entgql.MultiCursorsPredicate(after, before, opts)
	if err != nil {
		return nil, unsupported("cursor")
	}
	return preds, nil
}

// cursorFits reports whether a cursor's values are one per order term, each of its column's type (or null).
func cursorFits(rt ent.ReadType, order []orderTerm, value any) bool {
	values, ok := value.([]any)
	if !ok || len(values) != len(order) {
		return false
	}
	for i, v := range values {
		f, _ := columnField(rt, order[i].column)
		switch v.(type) {
		case nil:
		case time.Time:
			ok = f.Kind == "time"
		case string:
			ok = f.Kind == "string" || f.Kind == "enum"
		case bool:
			ok = f.Kind == "bool"
		case float32, float64:
			ok = f.Kind == "float"
		case int8, int16, int32, int64, uint8, uint16, uint32, uint64, int, uint:
			ok = f.Kind == "int" || f.Kind == "float"
		default:
			ok = false
		}
		if !ok {
			return false
		}
	}
	return true
}

// columnField is the field of rt shown from column.
func columnField(rt ent.ReadType, column string) (ent.ReadField, bool) {
	for _, f := range rt.Fields {
		if f.Column == column {
			return f, true
		}
	}
	return ent.ReadField{}, false
}

// orderTerm is one term of a connection's orderBy: a column and ASC or DESC.
type orderTerm struct{ column, direction string }

// orderTerms reads an orderBy argument of a list type ([{field, direction}]; a single object is a list of one):
// entgql orders by each term, then by id ascending (ent/gql_pagination.go, applyOrder). Left to the resolvers:
// an order field that is not a column of the type (an edge's count or field); the same field twice in a row,
// which the pager refuses; and an orderBy of a single-object type (itemResults), whose pager breaks ties by id
// in the field's direction and puts the bare value, not a list, in its cursors.
func orderTerms(rt ent.ReadType, def *ast.ArgumentDefinition, v any) ([]orderTerm, error) {
	var items []any
	switch x := v.(type) {
	case nil:
		return nil, nil
	case []any:
		items = x
	case map[string]any:
		items = []any{x}
	default:
		return nil, unsupported("orderBy")
	}
	if def == nil || def.Type.Elem == nil {
		return nil, unsupported("orderBy")
	}
	var out []orderTerm
	for _, it := range items {
		m, ok := it.(map[string]any)
		if !ok {
			return nil, unsupported("orderBy")
		}
		field, _ := m["field"].(string)
		col, ok := rt.Orders[field]
		if !ok || col == "id" {
			return nil, unsupported("orderBy field")
		}
		dir := "ASC"
		switch d := m["direction"].(type) {
		case nil:
		case string:
			if d != "ASC" && d != "DESC" {
				return nil, unsupported("orderBy")
			}
			dir = d
		default:
			return nil, unsupported("orderBy")
		}
		if len(out) > 0 && out[len(out)-1].column == col {
			return nil, unsupported("orderBy") // "duplicate order direction" on the normal path
		}
		out = append(out, orderTerm{column: col, direction: dir})
	}
	return out, nil
}

// edge is the JSON text of an edge (node and cursor) of the page row p.
func (b *builder) edge(node, p, cursor string, f graphql.CollectedField) (string, error) {
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
			v = cursor
		default:
			return "", unsupported("edge field")
		}
		return v, nil
	})
}

// pageInfo follows Paginate and XConnection.build. Without edges selected, hasNextPage is whether first is
// set and rows exist (hasPreviousPage the same for last), as far as Paginate counted them. With edges,
// hasNextPage is whether before was given or first's extra row came back, hasPreviousPage whether after was
// given or last's extra row came back; the cursors are the first and last edge's.
func (b *builder) pageInfo(p string, f graphql.CollectedField, st pageState) (string, error) {
	fields := graphql.CollectFields(b.oc, f.Selections, b.satisfies("PageInfo"))
	boolean := func(cond string) string { return "CASE WHEN " + cond + " THEN 'true' ELSE 'false' END" }
	more := func(n int, given bool) (string, error) { // the flag of the side first (or last) reads towards
		switch {
		case !st.edges && n > 0:
			count, err := st.count()
			if err != nil || count == "" {
				return "'false'", err
			}
			return boolean(count + " > 0"), nil
		case !st.edges:
			return "'false'", nil
		case given:
			return "'true'", nil
		case n > 0:
			return boolean("count(*) > " + st.page.extra), nil
		}
		return "'false'", nil
	}
	return jsonObject(fields, func(cf graphql.CollectedField) (string, error) {
		switch cf.Name {
		case "__typename":
			return "'\"PageInfo\"'", nil
		case "hasNextPage":
			return more(st.first, st.before)
		case "hasPreviousPage":
			return more(st.last, st.after)
		case "startCursor", "endCursor":
			if !st.edges {
				return "'null'", nil
			}
			if st.page.byID { // the edges are in id order: the cursor of the least or greatest id shown
				agg := "min"
				if cf.Name == "endCursor" {
					agg = "max"
				}
				return "coalesce(" + idCursorSQL(agg+"("+p+`."id") FILTER (WHERE `+st.page.kept+")") + ", 'null')", nil
			}
			order := st.page.order
			if cf.Name == "endCursor" {
				order = st.page.backwards
			}
			return "coalesce((array_agg(" + st.page.cursor + " ORDER BY " + order + ") FILTER (WHERE " + st.page.kept + "))[1], 'null')", nil
		}
		return "", unsupported("pageInfo field")
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
	return b.render(typ, t, preds)
}

// render is the SQL of ent predicates on alias t of typ's table, as " AND (…)", or "" for none, their
// arguments bound after the statement's others.
func (b *builder) render(typ, t string, preds []func(*entsql.Selector)) (string, error) {
	if len(preds) == 0 {
		return "", nil
	}
	s := entsql.Dialect(dialect.Postgres).Select().From(entsql.Table(ent.ReadModel[typ].Table).As(strings.Trim(t, `"`)))
	for _, p := range preds {
		p(s)
	}
	if err := s.Err(); err != nil {
		return "", unsupported("predicate")
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

// whereOps are the suffixes of entgql's WhereInput fields (name, nameNEQ, nameIn, …).
var whereOps = []string{"NotNil", "IsNil", "ContainsFold", "EqualFold", "HasSuffix", "HasPrefix", "Contains", "NotIn", "NEQ",
	"GTE", "LTE", "In", "GT", "LT", ""}

// whereKinds are the kinds of ReadField a compiled where may test.
var whereKinds = map[string]bool{"string": true, "enum": true, "int": true, "int64": true, "bool": true, "time": true, "float": true,
	"id": true, "decimal": true}

// wherePredicate is the predicate of a where argument on typ: the WhereInput ent generates, decoded from the
// argument's JSON and turned into its predicate by its own P (what Filter does on the normal path). Field
// predicates of whereKinds, edge predicates (hasX, hasXWith, at any depth), not, and and or are compiled;
// the rest goes to the normal path.
func (b *builder) wherePredicate(typ string, v any) (func(*entsql.Selector), error) {
	decode, ok := ent.ReadWhere[typ]
	if !ok {
		return nil, unsupported("where")
	}
	v, ok = b.whereValue(typ, v)
	if !ok {
		return nil, unsupported("where")
	}
	data, err := json.Marshal(v)
	if err != nil {
		return nil, unsupported("where")
	}
	p, err := decode(data)
	if err != nil {
		return nil, unsupported("where")
	}
	return p, nil
}

// whereValue returns a where argument on typ as the WhereInput's JSON decoding needs it: global ids turned
// into row ids as gqlgen's ID scalar turns them (gid.UnmarshalID) and decimals read as its Decimal scalar
// reads them (gid.UnmarshalDecimal); false for anything not compiled, and for a value the scalars refuse,
// which the normal path answers with its error.
func (b *builder) whereValue(typ string, v any) (any, bool) {
	m, ok := v.(map[string]any)
	input := b.schema.Types[typ+"WhereInput"]
	rt, known := ent.ReadModel[typ]
	if !ok || input == nil || !known {
		return nil, false
	}
	out := make(map[string]any, len(m))
	for key, val := range m {
		def := input.Fields.ForName(key)
		switch {
		case def == nil:
			return nil, false
		case val == nil:
			out[key] = nil
			continue
		case key == "not":
			r, ok := b.whereValue(typ, val)
			if !ok {
				return nil, false
			}
			out[key] = r
			continue
		case key == "and" || key == "or" || (strings.HasPrefix(key, "has") && strings.HasSuffix(def.Type.Name(), "WhereInput")):
			list, ok := val.([]any)
			if !ok {
				return nil, false
			}
			conv := make([]any, len(list))
			for i, item := range list {
				if conv[i], ok = b.whereValue(strings.TrimSuffix(def.Type.Name(), "WhereInput"), item); !ok {
					return nil, false
				}
			}
			out[key] = conv
			continue
		}
		var (
			field ent.ReadField
			found bool
			op    string
		)
		for _, op = range whereOps {
			if name, cut := strings.CutSuffix(key, op); cut {
				if field, found = rt.Fields[name]; found {
					break
				}
			}
		}
		switch {
		case found && (op == "IsNil" || op == "NotNil"):
			out[key] = val
		case found && whereKinds[field.Kind]:
			conv, ok := scalarValues(field.Kind, val)
			if !ok {
				return nil, false
			}
			out[key] = conv
		case !found && strings.HasPrefix(key, "has") && def.Type.Name() == "Boolean": // hasX: rows with or without an edge
			out[key] = val
		default:
			return nil, false
		}
	}
	return out, true
}

// scalarValues converts a predicate's value (or list of values) of a field of kind as gqlgen's scalar does.
func scalarValues(kind string, v any) (any, bool) {
	if list, ok := v.([]any); ok {
		out := make([]any, len(list))
		for i, e := range list {
			if out[i], ok = scalarValues(kind, e); !ok {
				return nil, false
			}
		}
		return out, true
	}
	switch kind {
	case "id":
		s, ok := v.(string)
		if !ok {
			return nil, false
		}
		id, err := gid.UnmarshalID(s)
		return id, err == nil && id != standInID && id != standInVersion
	case "decimal":
		d, err := gid.UnmarshalDecimal(v)
		return d, err == nil
	}
	return v, !mentionsStandIn(v)
}

// mentionsStandIn reports whether a value holds one of a cached shape's stand-ins, which binding would take
// for the viewer's own values.
func mentionsStandIn(v any) bool {
	switch x := v.(type) {
	case []any:
		return slices.ContainsFunc(x, mentionsStandIn)
	default:
		n, ok := intArg(x)
		return ok && (n == standInID || n == standInVersion)
	}
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
