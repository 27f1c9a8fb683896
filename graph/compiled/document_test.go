package compiled

import (
	"reflect"
	"testing"

	"github.com/stretchr/testify/require"
	"github.com/vektah/gqlparser/v2/ast"
)

type docEmbedded struct {
	E string `json:"e"`
}

type docTagged struct {
	T string
}

type docDefaults struct{ V string }

func (d *docDefaults) UnmarshalJSON([]byte) error { d.V = "default"; return nil }

type doc struct {
	A string `json:"a"`
	B int    `json:"b,omitempty"`
	C string `json:"-"`
	D int    `json:"d,string"`
	docEmbedded
	Inner     docTagged `json:"inner"`
	docTagged `json:"tagged"`
	Plain     float64
}

func (doc) Method() string { return "" }

// TestDocumentBinding checks the binding rules the compiled path reads typed JSON documents by against what
// gqlgen and encoding/json do: the JSON key of the Go field a GraphQL field binds to, and the fields it must
// leave to the resolvers (methods, @goField(forceResolver), fields not stored or stored as strings, fields
// promoted from a tagged embedded struct, types that decode or encode themselves).
func TestDocumentBinding(t *testing.T) {
	field := func(name string, dirs ...*ast.Directive) *ast.FieldDefinition {
		return &ast.FieldDefinition{Name: name, Directives: dirs}
	}
	goField := func(arg, raw string) *ast.Directive {
		return &ast.Directive{Name: "goField", Arguments: ast.ArgumentList{{Name: arg, Value: &ast.Value{Raw: raw}}}}
	}
	gt := reflect.TypeFor[doc]()
	for _, c := range []struct {
		f   *ast.FieldDefinition
		key string // "" when left to the resolvers
	}{
		{field("a"), "a"},
		{field("b"), "b"},
		{field("plain"), "Plain"},
		{field("e"), "e"}, // promoted from an untagged embedded struct: stored flat
		{field("alpha", goField("name", "A")), "a"},
		{field("c"), ""},      // json:"-": not stored
		{field("d"), ""},      // ,string: stored as a string
		{field("t"), ""},      // promoted from a tagged embedded struct: stored under its key
		{field("method"), ""}, // gqlgen calls the method
		{field("a", goField("forceResolver", "true")), ""},
		{field("missing"), ""},
		{&ast.FieldDefinition{Name: "a", Arguments: ast.ArgumentDefinitionList{{Name: "x"}}}, ""},
	} {
		key, _, ok := bound(gt, c.f)
		require.Equal(t, c.key != "", ok, "%s", c.f.Name)
		require.Equal(t, c.key, key, "%s", c.f.Name)
	}
	require.True(t, custom(reflect.TypeFor[docDefaults]()), "a type that decodes itself (filling defaults in) is left to the resolvers")
	require.True(t, custom(reflect.TypeFor[map[string]int]()))
	require.False(t, custom(reflect.TypeFor[doc]()))
	require.True(t, hasResolver("Pipeline", field("valid")), "generated.PipelineResolver has Valid")
	require.True(t, hasResolver("Pipeline", field("edges", goField("name", "Links"))), "a resolver named by @goField(name:)")
	require.False(t, hasResolver("Pipeline", field("name")))
}
