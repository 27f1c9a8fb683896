//go:build ignore

// entc generates the ent client and the GraphQL schema of the entities (graph/ent.graphqls).
package main

import (
	"encoding/json"
	"fmt"
	"log"
	"strings"

	"entgo.io/contrib/entgql"
	"entgo.io/ent/entc"
	"entgo.io/ent/entc/gen"
	"entgo.io/ent/schema/field"
	"github.com/vektah/gqlparser/v2/ast"

	"github.com/modelarchitect/architect/ent/schema"
)

func main() {
	ex, err := entgql.NewExtension(
		entgql.WithSchemaGenerator(),
		entgql.WithSchemaPath("../graph/ent.graphqls"),
		entgql.WithConfigPath("../gqlgen.yml"),
		entgql.WithWhereInputs(true),
		entgql.WithNodeDescriptor(false),
		entgql.WithSchemaHook(describe),
	)
	if err != nil {
		log.Fatalf("entgql extension: %v", err)
	}
	err = entc.Generate("./schema", &gen.Config{
		Features: []gen.Feature{
			gen.FeaturePrivacy,
			gen.FeatureEntQL,
			gen.FeatureUpsert,
			gen.FeatureExecQuery,
			gen.FeatureGlobalID,
			gen.FeatureVersionedMigration,
			gen.FeatureLock,
		},
		// Our templates may use entgql's functions (fieldMapping: the GraphQL names of a field). lock.tmpl adds
		// LockForUpdate to every query; mutation_append.tmpl makes the generated append inputs append.
		Templates: []*gen.Template{gen.MustParse(gen.NewTemplate("architect").Funcs(entgql.TemplateFuncs).
			ParseFiles("template/nodetype.tmpl", "template/projection.tmpl", "template/lock.tmpl", "template/mutation_append.tmpl", "template/readmodel.tmpl"))},
	}, entc.Extensions(ex))
	if err != nil {
		log.Fatalf("ent codegen: %v", err)
	}
}

// describe gives every part of graph/ent.graphqls a description for API clients. An entity's type takes its
// schema.Comment, an enum its schema.EnumDoc, fields and edges their Comment (entgql copies those itself);
// the filters, orders, inputs and list fields ent generates are described here, by rule.
func describe(g *gen.Graph, s *ast.Schema) error {
	camel := gen.Funcs["camel"].(func(string) string)
	if q := s.Types["Query"]; q != nil {
		q.Description = "The entry points for reading. Lists of entities are Relay connections of the viewer's own rows " +
			"(an ADMIN's cover every user's); node(id:) fetches any row the viewer may see."
	}
	if c := s.Types["Cursor"]; c != nil {
		c.Description = "An opaque position in a connection (an edge's cursor, pageInfo.startCursor or endCursor). " +
			"Pass it back unchanged as after or before, with the same orderBy and where."
	}
	for _, n := range g.Nodes {
		ant := &entgql.Annotation{}
		if raw := n.Annotations[ant.Name()]; raw != nil {
			if err := ant.Decode(raw); err != nil {
				return err
			}
		}
		name := n.Name
		if ant.Type != "" {
			name = ant.Type
		}
		def := s.Types[name]
		if def == nil {
			continue // not in the GraphQL schema
		}
		if c, ok := n.Annotations["Comment"].(map[string]any); ok {
			def.Description, _ = c["Text"].(string)
		}
		if id := def.Fields.ForName("id"); id != nil && id.Description == "" {
			id.Description = "Global id: an opaque string naming the type and the row. Pass it to node(id:), to mutations and to subscriptions."
		}
		for _, e := range n.Edges {
			if f := def.Fields.ForName(camel(e.Name)); f != nil && f.Description == "" {
				f.Description = e.Comment() // entgql leaves it out of connection fields
			}
		}
		for _, f := range n.Fields {
			if err := describeEnum(s, def, camel(f.Name), f.Annotations); err != nil {
				return fmt.Errorf("%s.%s: %w", n.Name, f.Name, err)
			}
		}
		words := strings.ReplaceAll(gen.Funcs["snake"].(func(string) string)(gen.Funcs["plural"].(func(string) string)(name)), "_", " ")
		describeOrder(s, n, name, camel)
		if err := describeWhere(s, n, name, words, camel); err != nil {
			return err
		}
		describeInputs(s, name, camel)
		for _, f := range s.Types["Query"].Fields {
			if f.Description == "" && f.Type.Name() == name+"Connection" {
				f.Description = fmt.Sprintf("The viewer's %s (an ADMIN's query lists every user's), a page at a time, "+
					"filtered by where and ordered by orderBy, then by id.", words)
			}
		}
	}
	return nil
}

// describeEnum copies an EnumDoc to the GraphQL enum of the object field named field.
func describeEnum(s *ast.Schema, def *ast.Definition, name string, ants gen.Annotations) error {
	raw, ok := ants[schema.EnumDoc{}.Name()]
	f := def.Fields.ForName(name)
	if !ok || f == nil {
		return nil
	}
	b, err := json.Marshal(raw)
	if err != nil {
		return err
	}
	var d schema.EnumDoc
	if err := json.Unmarshal(b, &d); err != nil {
		return err
	}
	enum := s.Types[f.Type.Name()]
	if enum == nil || enum.Kind != ast.Enum {
		return fmt.Errorf("EnumDoc on a field of type %s, not an enum", f.Type.Name())
	}
	enum.Description = d.Type
	for _, v := range enum.EnumValues {
		if v.Description = d.Values[v.Name]; v.Description == "" {
			return fmt.Errorf("EnumDoc does not describe %s", v.Name)
		}
	}
	return nil
}

// describeOrder describes the values of <T>OrderField by the field each orders by.
func describeOrder(s *ast.Schema, n *gen.Type, name string, camel func(string) string) {
	def := s.Types[name+"OrderField"]
	if def == nil {
		return
	}
	def.Description += " Rows with equal values follow in id order, which is the order they were created in."
	for _, f := range n.Fields {
		ant := &entgql.Annotation{}
		if raw := f.Annotations[ant.Name()]; raw != nil && ant.Decode(raw) == nil && ant.OrderField != "" {
			if v := def.EnumValues.ForName(ant.OrderField); v != nil {
				v.Description = "By " + camel(f.Name) + "."
			}
		}
	}
}

// describeWhere describes <T>WhereInput and each of its conditions, by the operation its name ends in.
func describeWhere(s *ast.Schema, n *gen.Type, name, plural string, camel func(string) string) error {
	def := s.Types[name+"WhereInput"]
	if def == nil {
		return nil
	}
	def.Description = fmt.Sprintf("Filters %s: a row matches when it meets every condition set here; not, and and or "+
		"combine filters. A filter only narrows the rows the viewer may see. A condition on a field that is null "+
		"matches no row, except <field>IsNil. The server caps the length of lists, the nesting of and/or/not and the "+
		"number of conditions, and refuses a larger filter with BAD_USER_INPUT.", plural)
	desc := map[string]string{
		"not": "Rows that do not match this filter.",
		"and": "Rows that match every one of these filters.",
		"or":  "Rows that match at least one of these filters.",
	}
	for _, f := range append([]*gen.Field{n.ID}, n.Fields...) {
		for _, op := range f.Ops() {
			key := camel(f.Name + "_" + op.Name())
			if op == gen.EQ {
				key = camel(f.Name)
			}
			desc[key] = condition(camel(f.Name), f.Type.Type, op)
			if f == n.ID {
				desc[key] = idCondition[op]
			}
		}
	}
	for _, e := range n.Edges {
		desc[camel("has_"+e.Name)] = fmt.Sprintf("true: rows with at least one of %s; false: rows with none.", camel(e.Name))
		desc[camel("has_"+e.Name+"_with")] = fmt.Sprintf("Rows with at least one of %s that matches all of these filters.", camel(e.Name))
	}
	for _, f := range def.Fields {
		if f.Description = desc[f.Name]; f.Description == "" {
			return fmt.Errorf("%s.%s: no rule describes this condition; add one to describeWhere", def.Name, f.Name)
		}
	}
	return nil
}

// idCondition says which rows a filter condition on id admits; ids grow in the order rows are created.
var idCondition = map[gen.Op]string{
	gen.EQ:    "The row with this id.",
	gen.NEQ:   "Every row but the one with this id.",
	gen.In:    "The rows with these ids.",
	gen.NotIn: "Every row but those with these ids.",
	gen.GT:    "Rows created after the one with this id.",
	gen.GTE:   "The row with this id and those created after it.",
	gen.LT:    "Rows created before the one with this id.",
	gen.LTE:   "The row with this id and those created before it.",
}

// condition says which rows a filter condition on field admits.
func condition(name string, t field.Type, op gen.Op) string {
	order := [4]string{"greater than this", "this or greater", "less than this", "this or less"}
	switch {
	case t == field.TypeTime:
		order = [4]string{"later than this", "this or later", "earlier than this", "this or earlier"}
	case t == field.TypeString:
		order = [4]string{"after this in byte order", "this or after it in byte order", "before this in byte order", "this or before it in byte order"}
	}
	text := map[gen.Op]string{
		gen.EQ:           "is this",
		gen.NEQ:          "is not this",
		gen.In:           "is one of these",
		gen.NotIn:        "is none of these",
		gen.GT:           "is " + order[0],
		gen.GTE:          "is " + order[1],
		gen.LT:           "is " + order[2],
		gen.LTE:          "is " + order[3],
		gen.Contains:     "contains this text (case-sensitive)",
		gen.HasPrefix:    "starts with this text (case-sensitive)",
		gen.HasSuffix:    "ends with this text (case-sensitive)",
		gen.EqualFold:    "is this text, ignoring case",
		gen.ContainsFold: "contains this text, ignoring case",
	}
	switch op {
	case gen.IsNil:
		return "true: rows whose " + name + " is null. false sets no condition."
	case gen.NotNil:
		return "true: rows whose " + name + " is not null. false sets no condition."
	}
	return "Rows whose " + name + " " + text[op] + "."
}

// describeInputs describes the generated Create<T>Input and Update<T>Input, and their append and clear fields.
func describeInputs(s *ast.Schema, name string, camel func(string) string) {
	generated := "Input was generated by ent."
	if def := s.Types["Create"+name+"Input"]; def != nil && strings.HasSuffix(def.Description, generated) {
		def.Description = fmt.Sprintf("A new %s. Fields left out take their defaults.", name)
	}
	def := s.Types["Update"+name+"Input"]
	if def == nil {
		return
	}
	if strings.HasSuffix(def.Description, generated) {
		def.Description = fmt.Sprintf("Changes to a %s. Fields left out keep their values.", name)
	}
	for _, f := range def.Fields {
		switch {
		case f.Description != "":
		case strings.HasPrefix(f.Name, "append"):
			list := camel(strings.TrimPrefix(f.Name, "append"))
			f.Description = fmt.Sprintf("Values added at the end of %s (after the %s sent in the same input, if any).", list, list)
		case strings.HasPrefix(f.Name, "clear"):
			f.Description = fmt.Sprintf("true: empties %s.", camel(strings.TrimPrefix(f.Name, "clear")))
		}
	}
}
