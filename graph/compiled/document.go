package compiled

import (
	"encoding"
	"encoding/json"
	"reflect"
	"strings"
	"time"

	"github.com/99designs/gqlgen/graphql"
	"github.com/shopspring/decimal"
	"github.com/vektah/gqlparser/v2/ast"

	"github.com/modelarchitect/architect/graph/generated"
)

// Typed JSON documents: a column whose Go type is a struct (or a list, or a pointer to one) stored by
// encoding/json, shown as GraphQL objects. gqlgen reads such a value field by field from the Go value ent
// decoded; the compiled path reads the same fields from the stored JSON, so it has to know, for each selected
// GraphQL field, what gqlgen binds it to and under which JSON key encoding/json stored that. It follows
// gqlgen's binding rules: @goField(forceResolver: true) is a resolver, @goField(name: N) names the Go field,
// otherwise the Go field or method whose name equals the GraphQL name but for case. A method, a resolver, a
// field stored under another shape (a ",string" option, a custom MarshalJSON or MarshalText, a map, an
// interface) or a GraphQL type the compiler does not know leaves the root field to the resolvers.

var (
	timeType          = reflect.TypeFor[time.Time]()
	decimalType       = reflect.TypeFor[decimal.Decimal]()
	jsonMarshaler     = reflect.TypeFor[json.Marshaler]()
	textMarshaler     = reflect.TypeFor[encoding.TextMarshaler]()
	jsonUnmarshaler   = reflect.TypeFor[json.Unmarshaler]()
	textUnmarshaler   = reflect.TypeFor[encoding.TextUnmarshaler]()
	graphqlMarshaler  = reflect.TypeFor[graphql.Marshaler]()
	graphqlCtxMarshal = reflect.TypeFor[graphql.ContextMarshaler]()
)

// resolvers are the fields gqlgen resolves with a resolver of ours, by lower-case type and field name: the
// methods of each XResolver interface of generated.ResolverRoot, which gqlgen generates exactly for the fields
// it could not bind to a Go field or method, or was told to resolve.
var resolvers = func() map[string]bool {
	out := map[string]bool{}
	root := reflect.TypeFor[generated.ResolverRoot]()
	for i := range root.NumMethod() {
		m := root.Method(i)
		if m.Type.NumOut() != 1 || m.Type.Out(0).Kind() != reflect.Interface {
			continue
		}
		for k := range m.Type.Out(0).NumMethod() {
			out[strings.ToLower(m.Name+"."+m.Type.Out(0).Method(k).Name)] = true
		}
	}
	return out
}()

// hasResolver reports whether a field of a GraphQL type has a resolver of ours.
func hasResolver(typ string, f *ast.FieldDefinition) bool {
	name, _ := goName(f)
	return resolvers[strings.ToLower(typ+"."+name)]
}

// goName is the Go name gqlgen binds a field to: @goField(name:), or the GraphQL name (compared without case);
// false when @goField(forceResolver: true) makes it a resolver.
func goName(f *ast.FieldDefinition) (string, bool) {
	name := f.Name
	if d := f.Directives.ForName("goField"); d != nil {
		if a := d.Arguments.ForName("forceResolver"); a != nil && a.Value != nil && a.Value.Raw == "true" {
			return name, false
		}
		if a := d.Arguments.ForName("name"); a != nil && a.Value != nil {
			name = a.Value.Raw
		}
	}
	return name, true
}

// errDocument is a document field the compiled path does not read.
var errDocument = unsupported("document field")

// document is the JSON text of a value of Go type gt, shown as the GraphQL type gql with the selection sel,
// read from the jsonb expression j: SQL NULL when the value is missing (a key encoding/json left out, with
// omitempty, or a NULL column), which Go decodes as the type's zero value.
func (b *builder) document(j string, gt reflect.Type, gql *ast.Type, sel ast.SelectionSet) (string, error) {
	if gt == nil {
		return "", errDocument
	}
	null := "'null'" // what gqlgen writes for a nil value: null, or, where the GraphQL type is non-null, an error
	if gql.NonNull {
		null = resolversDecide
	}
	absent := j + " IS NULL OR jsonb_typeof(" + j + ") = 'null'"
	switch {
	case gt.Kind() == reflect.Pointer:
		inner, err := b.document(j, gt.Elem(), gql, sel)
		if err != nil {
			return "", err
		}
		return "CASE WHEN " + absent + " THEN " + null + " ELSE " + inner + " END", nil
	case gt == timeType && gql.Name() == "Time" && gql.Elem == nil:
		// encoding/json writes a time as RFC 3339 with nanoseconds, which is what gqlgen's MarshalTime writes;
		// the zero time, which gqlgen writes as null, is left to the resolvers.
		text := "(" + j + " #>> '{}')"
		return "CASE WHEN " + absent + " OR " + text + " = '0001-01-01T00:00:00Z' THEN " + resolversDecide + " ELSE to_json(" + text + ")::text END", nil
	case gt == decimalType && gql.Name() == "Decimal" && gql.Elem == nil:
		return decimalSQL("coalesce(" + j + " #>> '{}', '0')"), nil
	case gt.Kind() == reflect.Slice && gt.Elem().Kind() != reflect.Uint8:
		if gql.Elem == nil || custom(gt) {
			return "", errDocument
		}
		x := b.alias()
		elem, err := b.document(x+`."e"`, gt.Elem(), gql.Elem, sel)
		if err != nil {
			return "", err
		}
		empty := "'[]'" // gqlgen writes a nil slice as [] in a non-null list and as null in a nullable one
		if !gql.NonNull {
			empty = "'null'"
		}
		return "CASE WHEN " + j + " IS NULL OR jsonb_typeof(" + j + ") <> 'array' THEN " + empty + " ELSE coalesce((SELECT '[' || string_agg(" +
			elem + ", ',' ORDER BY " + x + `."o") || ']' FROM jsonb_array_elements(` + j + ") WITH ORDINALITY AS " + x + `("e", "o")), '[]') END`, nil
	case gql.Elem != nil || custom(gt):
		return "", errDocument
	case gt.Kind() == reflect.Struct:
		def := b.schema.Types[gql.Name()]
		if def == nil || def.Kind != ast.Object {
			return "", errDocument
		}
		fields := graphql.CollectFields(b.oc, sel, b.satisfies(def.Name))
		if len(fields) == 0 {
			return "", unsupported("empty selection")
		}
		return jsonObject(fields, func(f graphql.CollectedField) (string, error) {
			if f.Name == "__typename" {
				return sqlText(`"` + def.Name + `"`), nil
			}
			if err := b.check(f); err != nil {
				return "", err
			}
			key, ft, ok := bound(gt, f.Definition)
			if !ok || hasResolver(def.Name, f.Definition) {
				return "", errDocument
			}
			return b.document(j+" -> "+sqlText(key), ft, f.Definition.Type, f.Selections)
		})
	}
	text := "(" + j + " #>> '{}')"
	switch def := b.schema.Types[gql.Name()]; {
	case gt.Kind() == reflect.String && (gql.Name() == "String" || def != nil && def.Kind == ast.Enum):
		if def != nil && def.Kind == ast.Enum && !enumValues(def) {
			return "", errDocument
		}
		return "to_json(coalesce(" + text + ", ''))::text", nil
	case gt.Kind() == reflect.Bool && gql.Name() == "Boolean":
		return "CASE WHEN " + text + " = 'true' THEN 'true' ELSE 'false' END", nil
	case gql.Name() == "Int" && integer(gt.Kind()):
		return "coalesce(" + text + ", '0')", nil
	case gql.Name() == "Float" && gt.Kind() == reflect.Float64: // float32 would print float64(f32)'s digits
		return floatSQL("coalesce(" + text + "::float8, 0)"), nil
	}
	return "", errDocument
}

// custom reports whether values of t are not stored and read back the way the compiled path reads them: a
// MarshalJSON, MarshalText, UnmarshalJSON or UnmarshalText of their own (one that fills defaults in, say;
// time and decimals are handled before), maps, interfaces and arrays.
func custom(t reflect.Type) bool {
	p := reflect.PointerTo(t)
	for _, i := range []reflect.Type{jsonMarshaler, textMarshaler, jsonUnmarshaler, textUnmarshaler} {
		if t.Implements(i) || p.Implements(i) {
			return true
		}
	}
	return t.Kind() == reflect.Map || t.Kind() == reflect.Interface || t.Kind() == reflect.Array
}

// enumValues reports whether an enum's values are plain names, which any marshaler writes as they are.
func enumValues(def *ast.Definition) bool {
	for _, v := range def.EnumValues {
		if strings.ContainsAny(v.Name, `"\`) {
			return false
		}
	}
	return true
}

func integer(k reflect.Kind) bool {
	switch k {
	case reflect.Int, reflect.Int8, reflect.Int16, reflect.Int32, reflect.Int64,
		reflect.Uint, reflect.Uint8, reflect.Uint16, reflect.Uint32, reflect.Uint64:
		return true
	}
	return false
}

// bound is what gqlgen binds a GraphQL field of a struct type to, as the JSON key encoding/json stores it
// under and its Go type; false for a resolver, a method, or a field stored in a way the compiler does not read.
func bound(gt reflect.Type, f *ast.FieldDefinition) (string, reflect.Type, bool) {
	if f == nil || len(f.Arguments) > 0 {
		return "", nil, false
	}
	name, ok := goName(f)
	if !ok {
		return "", nil, false
	}
	match := func(s string) bool { return strings.EqualFold(s, name) }
	for _, t := range []reflect.Type{gt, reflect.PointerTo(gt)} {
		for i := range t.NumMethod() {
			if match(t.Method(i).Name) {
				return "", nil, false // gqlgen calls the method
			}
		}
	}
	sf, ok := gt.FieldByNameFunc(match)
	if !ok || !sf.IsExported() {
		return "", nil, false
	}
	for k := range len(sf.Index) - 1 { // a promoted field is stored flat only under an untagged embedded struct
		outer := gt.FieldByIndex(sf.Index[:k+1])
		if !outer.Anonymous || outer.Tag.Get("json") != "" || outer.Type.Kind() != reflect.Struct {
			return "", nil, false
		}
	}
	key, opts, _ := strings.Cut(sf.Tag.Get("json"), ",")
	switch {
	case key == "-" && opts == "":
		return "", nil, false // not stored
	case strings.Contains(","+opts+",", ",string,"):
		return "", nil, false
	case key == "":
		key = sf.Name
	}
	if t := sf.Type; t.Implements(graphqlMarshaler) || t.Implements(graphqlCtxMarshal) {
		if t.Kind() != reflect.String { // an enum's own marshaler writes its name; any other its own way
			return "", nil, false
		}
	}
	return key, sf.Type, true
}
