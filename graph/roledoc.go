package graph

import (
	"strings"
	"sync"

	"github.com/vektah/gqlparser/v2/ast"

	"github.com/modelarchitect/architect/graph/generated"
	"github.com/modelarchitect/architect/internal/viewer"
)

// schema is the generated schema with the role every guarded field needs appended to its description, so
// that GraphiQL's explorer and generated client code show it and it always says what @hasRole enforces.
var schema = sync.OnceValue(func() *ast.Schema {
	return withroleNotes(generated.NewExecutableSchema(generated.Config{}).Schema())
})

// roleNote is the sentence appended to the description of a field that carries @hasRole(role: r).
func roleNote(r viewer.Role) string {
	var admitted []string
	for _, v := range r.Values() {
		if viewer.Role(v).AtLeast(r) {
			admitted = append(admitted, v)
		}
	}
	switch len(admitted) {
	case 1:
		return "Requires role " + string(r) + "."
	case len(r.Values()):
		return "Requires role " + string(r) + " or above (any signed-in user)."
	}
	return "Requires role " + string(r) + " or above (" + strings.Join(admitted, ", ") + ")."
}

// withroleNotes returns a copy of s whose @hasRole fields end their description with roleNote; the types it
// changes are copied, and every reference to them in the copy points to the copies. s is left as it is.
func withroleNotes(s *ast.Schema) *ast.Schema {
	out := *s
	out.Types = make(map[string]*ast.Definition, len(s.Types))
	copied := map[*ast.Definition]*ast.Definition{}
	for name, def := range s.Types {
		out.Types[name] = def
		for i, f := range def.Fields {
			d := f.Directives.ForName("hasRole")
			if d == nil {
				continue
			}
			if copied[def] == nil {
				c := *def
				c.Fields = append(ast.FieldList(nil), def.Fields...)
				copied[def], out.Types[name] = &c, &c
			}
			nf := *f
			nf.Description = strings.TrimSpace(strings.TrimSpace(f.Description) + "\n\n" +
				roleNote(viewer.Role(d.Arguments.ForName("role").Value.Raw)))
			copied[def].Fields[i] = &nf
		}
	}
	swap := func(d *ast.Definition) *ast.Definition {
		if c := copied[d]; c != nil {
			return c
		}
		return d
	}
	out.Query, out.Mutation, out.Subscription = swap(s.Query), swap(s.Mutation), swap(s.Subscription)
	relink := func(m map[string][]*ast.Definition) map[string][]*ast.Definition {
		r := make(map[string][]*ast.Definition, len(m))
		for k, defs := range m {
			for _, d := range defs {
				r[k] = append(r[k], swap(d))
			}
		}
		return r
	}
	out.PossibleTypes, out.Implements = relink(s.PossibleTypes), relink(s.Implements)
	return &out
}
